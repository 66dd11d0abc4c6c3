/* Calls the entry points of Inputs/dyn.mlir through the generated header and
 * checks them against a plain double-precision sdpa. Prints one line per
 * check; exits 1 on the first failure. */
#include "dyn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long st = 12345;
static float rnd(void) {
  st = st * 6364136223846793005ull + 1442695040888963407ull;
  return (float)((double)(st >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}
static float *arr(size_t n) {
  float *a = malloc(n * sizeof(float) + 1);
  for (size_t i = 0; i < n; ++i)
    a[i] = rnd();
  return a;
}

/* o[b,h,i,:] for q [B,H,Sq,D], k [B,Hkv,Sk,D], v [B,Hkv,Sk,Dv], mask
 * [B,1,Sq,Sk] (NULL: none), causal bottom-right aligned. */
static void ref(const float *q, const float *k, const float *v,
                const unsigned char *m, int causal, int B, int H, int Hkv,
                int Sq, int Sk, int D, int Dv, double *o) {
  double *s = malloc(sizeof(double) * (Sk + 1));
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < Sq; ++i) {
        int hk = h / (H / Hkv);
        double mx = -INFINITY, l = 0;
        for (int j = 0; j < Sk; ++j) {
          int vis = (!m || m[((size_t)b * Sq + i) * Sk + j]) &&
                    (!causal || j <= i + Sk - Sq);
          double acc = 0;
          for (int d = 0; d < D; ++d)
            acc += (double)q[(((size_t)b * H + h) * Sq + i) * D + d] *
                   k[(((size_t)b * Hkv + hk) * Sk + j) * D + d];
          s[j] = vis ? acc / sqrt((double)D) : -INFINITY;
          if (s[j] > mx)
            mx = s[j];
        }
        double *out = o + (((size_t)b * H + h) * Sq + i) * Dv;
        for (int d = 0; d < Dv; ++d)
          out[d] = 0;
        if (mx == -INFINITY)
          continue;
        for (int j = 0; j < Sk; ++j) {
          double p = s[j] == -INFINITY ? 0 : exp(s[j] - mx);
          l += p;
          for (int d = 0; d < Dv; ++d)
            out[d] += p * v[(((size_t)b * Hkv + hk) * Sk + j) * Dv + d];
        }
        for (int d = 0; d < Dv; ++d)
          out[d] /= l;
      }
  free(s);
}

static int fails = 0;
static void expect(int cond, const char *what) {
  printf("%s: %s\n", what, cond ? "ok" : "FAIL");
  if (!cond)
    fails = 1;
}

int main(void) {
  /* @gqa with B = 2, Sq = 5, Sk = 9 (causal: bottom-right aligned). */
  int B = 2, H = 4, Hkv = 2, Sq = 5, Sk = 9, D = 16, Dv = 8;
  float *q = arr((size_t)B * H * Sq * D), *k = arr((size_t)B * Hkv * Sk * D),
        *v = arr((size_t)B * Hkv * Sk * Dv);
  unsigned char *m = malloc((size_t)B * Sq * Sk);
  for (int i = 0; i < B * Sq * Sk; ++i)
    m[i] = (i % 7) != 3;
  /* Hide a whole row: its output must be zeros. */
  for (int j = 0; j < Sk; ++j)
    m[(size_t)1 * Sq * Sk + 2 * Sk + j] = 0;
  size_t no = (size_t)B * H * Sq * Dv;
  float *o = malloc(no * sizeof(float));
  double *r = malloc(no * sizeof(double));
  int rc = attn_gqa(q, B, Sq, k, B, Sk, v, B, Sk, m, B, Sq, Sk, o);
  expect(rc == ATTN_OK, "gqa status");
  ref(q, k, v, m, 1, B, H, Hkv, Sq, Sk, D, Dv, r);
  double err = 0;
  for (size_t i = 0; i < no; ++i)
    err = fmax(err, fabs(o[i] - r[i]));
  printf("gqa max_abs_err=%.2e\n", err);
  expect(err < 2e-5, "gqa matches the double reference");
  int zero = 1;
  for (int h = 0; h < H; ++h)
    for (int d = 0; d < Dv; ++d)
      zero &= o[(((size_t)1 * H + h) * Sq + 2) * Dv + d] == 0.0f;
  expect(zero, "gqa fully hidden row is zeros");

  /* Sizes that break the rules are refused before anything is read. */
  memset(o, 0x7f, no * sizeof(float));
  expect(attn_gqa(q, B, Sq, k, B, Sk, v, B, Sk + 1, m, B, Sq, Sk, o) ==
             ATTN_ERR_SIZES, "value Sk != key Sk refused");
  expect(attn_gqa(q, B, Sq, k, B + 1, Sk, v, B + 1, Sk, m, B, Sq, Sk, o) ==
             ATTN_ERR_SIZES, "key B != query B refused");
  expect(attn_gqa(q, B, Sq, k, B, Sk, v, B, Sk, m, 3, Sq, Sk, o) ==
             ATTN_ERR_SIZES, "mask Bm not in {1, B} refused");
  expect(attn_gqa(q, B, Sq, k, B, Sk, v, B, Sk, m, B, Sq + 1, Sk, o) ==
             ATTN_ERR_SIZES, "mask Sq != query Sq refused");
  expect(attn_gqa(q, -1, Sq, k, -1, Sk, v, -1, Sk, m, 1, Sq, Sk, o) ==
             ATTN_ERR_SIZES, "negative size refused");
  expect(attn_gqa(q, B, Sq, k, B, Sk, v, B, Sk, m, B, Sq, Sk, NULL) ==
             ATTN_ERR_NULL, "NULL output refused");
  expect(o[0] != o[0] || o[0] > 1e30f, "refused calls wrote nothing");
  /* A mask broadcast over the batch (Bm = 1) is accepted. */
  expect(attn_gqa(q, B, Sq, k, B, Sk, v, B, Sk, m, 1, Sq, Sk, o) == ATTN_OK,
         "mask Bm = 1 accepted");

  /* @three: the same buffer returned twice and an argument returned. */
  int S3 = 6, K3 = 11;
  float *q3 = arr((size_t)2 * S3 * 16), *k3 = arr((size_t)K3 * 16),
        *v3 = arr((size_t)K3 * 16);
  size_t n3 = (size_t)2 * S3 * 16;
  float *a = malloc(n3 * 4), *b = malloc(n3 * 4), *c = malloc(n3 * 4);
  for (int rep = 0; rep < 3; ++rep)
    rc = attn_three(q3, S3, k3, K3, v3, K3, a, b, c);
  expect(rc == ATTN_OK, "three status");
  expect(memcmp(a, b, n3 * 4) == 0, "three: out0 == out1");
  expect(memcmp(c, q3, n3 * 4) == 0, "three: out2 == q");
  double *r3 = malloc(n3 * sizeof(double));
  ref(q3, k3, v3, NULL, 0, 1, 2, 1, S3, K3, 16, 16, r3);
  err = 0;
  for (size_t i = 0; i < n3; ++i)
    err = fmax(err, fabs(a[i] - r3[i]));
  expect(err < 2e-5, "three matches the double reference");

  /* In place: the result overwrites q (same buffer) and, for @three, the
   * outputs overlap each other and k. Inputs are read as given: the results
   * equal those of separate buffers. */
  float *qi = malloc(n3 * 4);
  memcpy(qi, q3, n3 * 4);
  rc = attn_three(qi, S3, k3, K3, v3, K3, qi, b, c);
  expect(rc == ATTN_OK, "in place status");
  expect(memcmp(qi, a, n3 * 4) == 0, "in place: out0 (over q) as before");
  expect(memcmp(c, q3, n3 * 4) == 0, "in place: out2 is the original q");
  float *big = malloc(n3 * 4 * 2 + 64);
  memcpy(big, q3, n3 * 4);
  rc = attn_three(big, S3, k3, K3, v3, K3, big + 8, big + 8, big + n3);
  expect(rc == ATTN_OK && memcmp(big + 8, a, (n3 - 8) * 4) == 0 &&
             memcmp(big + n3, q3, n3 * 4) == 0,
         "overlapping outputs: results as with separate buffers");
  return fails;
}
