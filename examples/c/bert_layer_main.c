/* Runs the BERT-base attention layer of examples/bert_layer.mlir from C.
 *
 * The layer was compiled ahead of time by
 *   attn-compile examples/bert_layer.mlir -o bert_layer.so
 *   attn-compile examples/bert_layer.mlir -o bert_layer.h
 * and this program only links bert_layer.so (which needs libc and libomp,
 * not LLVM or MLIR):
 *   cc -O2 bert_layer_main.c -I. bert_layer.so -Wl,-rpath,'$ORIGIN' -o bert_layer_c
 *
 *   bert_layer_c [DIR]   runs the layer on deterministic inputs, prints a
 *                        checksum and the time of a call; with DIR, also
 *                        writes the inputs and the result there as .npy
 *                        (what the test compares with a float64 reference).
 */
#include "bert_layer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { B = 2, S = 128, E = 768 };

/* Uniform in [-1, 1) from a 64-bit LCG: the same numbers on every machine. */
static uint64_t state = 0x9E3779B97F4A7C15ull;
static float uniform(void) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return (float)((double)(state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

static float *random_array(size_t n, float scale) {
  float *a = malloc(n * sizeof(float));
  if (!a) {
    fprintf(stderr, "bert_layer_c: out of memory\n");
    exit(1);
  }
  for (size_t i = 0; i < n; ++i)
    a[i] = scale * uniform();
  return a;
}

/* A minimal .npy (version 1.0) writer for C-order arrays. */
static int write_npy(const char *dir, const char *name, const char *descr,
                     const void *data, size_t elem, int rank, const int *shape) {
  char path[4096], header[256], dims[128] = "";
  size_t n = 1;
  for (int i = 0; i < rank; ++i) {
    char d[32];
    snprintf(d, sizeof d, "%d%s", shape[i], rank == 1 ? "," : (i + 1 < rank ? ", " : ""));
    strcat(dims, d);
    n *= (size_t)shape[i];
  }
  int len = snprintf(header, sizeof header,
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     descr, dims);
  int total = 10 + len + 1;
  int pad = (64 - total % 64) % 64;
  snprintf(path, sizeof path, "%s/%s.npy", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  unsigned short hlen = (unsigned short)(len + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(hlen & 0xff, f);
  fputc(hlen >> 8, f);
  fwrite(header, 1, (size_t)len, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  size_t w = fwrite(data, elem, n, f);
  return fclose(f) == 0 && w == n ? 0 : -1;
}

int main(int argc, char **argv) {
  const float ws = 0.036f; /* ~ 1/sqrt(E): activations stay O(1) */
  float *x = random_array((size_t)B * S * E, 1.0f);
  float *wq = random_array((size_t)E * E, ws), *wk = random_array((size_t)E * E, ws);
  float *wv = random_array((size_t)E * E, ws), *wo = random_array((size_t)E * E, ws);
  float *bq = random_array(E, 0.1f), *bk = random_array(E, 0.1f);
  float *bv = random_array(E, 0.1f), *bo = random_array(E, 0.1f);
  /* Padding mask: sequence 0 has 128 tokens, sequence 1 has 100. */
  uint8_t *mask = malloc((size_t)B * S * S);
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < S; ++i)
      for (int j = 0; j < S; ++j)
        mask[((size_t)b * S + i) * S + j] = j < (b == 0 ? S : 100);
  float *out = malloc((size_t)B * S * E * sizeof(float));

  struct timespec t0, t1;
  int rc = attn_main(x, wq, wk, wv, wo, bq, bk, bv, bo, mask, out);
  if (rc != ATTN_OK) {
    fprintf(stderr, "bert_layer_c: attn_main failed with status %d\n", rc);
    return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rc = attn_main(x, wq, wk, wv, wo, bq, bk, bv, bo, mask, out);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) * 1e-6;
  double sum = 0;
  for (size_t i = 0; i < (size_t)B * S * E; ++i)
    sum += out[i];
  printf("attn_main: status %d, out[0..3] = %.6f %.6f %.6f %.6f, sum = %.6f, "
         "%.3f ms\n",
         rc, out[0], out[1], out[2], out[3], sum, ms);

  /* The status for sizes that break the rules: a NULL tensor. */
  if (attn_main(x, NULL, wk, wv, wo, bq, bk, bv, bo, mask, out) != ATTN_ERR_NULL) {
    fprintf(stderr, "bert_layer_c: a NULL argument was not refused\n");
    return 1;
  }

  if (argc > 1) {
    const char *d = argv[1];
    int sx[] = {B, S, E}, sw[] = {E, E}, sb[] = {E}, sm[] = {B, 1, S, S};
    if (write_npy(d, "x", "<f4", x, 4, 3, sx) || write_npy(d, "wq", "<f4", wq, 4, 2, sw) ||
        write_npy(d, "wk", "<f4", wk, 4, 2, sw) || write_npy(d, "wv", "<f4", wv, 4, 2, sw) ||
        write_npy(d, "wo", "<f4", wo, 4, 2, sw) || write_npy(d, "bq", "<f4", bq, 4, 1, sb) ||
        write_npy(d, "bk", "<f4", bk, 4, 1, sb) || write_npy(d, "bv", "<f4", bv, 4, 1, sb) ||
        write_npy(d, "bo", "<f4", bo, 4, 1, sb) ||
        write_npy(d, "mask", "|b1", mask, 1, 4, sm) ||
        write_npy(d, "out", "<f4", out, 4, 3, sx)) {
      fprintf(stderr, "bert_layer_c: cannot write .npy files to %s\n", d);
      return 1;
    }
  }
  free(x), free(wq), free(wk), free(wv), free(wo);
  free(bq), free(bk), free(bv), free(bo), free(mask), free(out);
  return 0;
}
