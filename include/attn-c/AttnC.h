/*===- attn-c/AttnC.h - C API of the attn-mlir compiler -----------*- C -*-===*
 *
 * A small, stable C interface to the compiler for bindings (the Python
 * package `attn_mlir` uses it through ctypes): parse a module of attn
 * functions, read their C signatures, lower them with a named pipeline, and
 * compile them ahead of time into a shared library / object / header / LLVM
 * IR, exactly as attn-compile does. Compiled kernels are then called through
 * the entry points of that library (see the header attn-compile writes),
 * without this library.
 *
 * Conventions: functions that can fail take `char **error`; on failure they
 * return NULL or a non-zero int and set *error to a one-line message
 * allocated with malloc (release with attnFree). Strings returned are
 * likewise released with attnFree. Nothing here aborts on bad input.
 * An AttnModule owns its own MLIR context: different modules may be used
 * from different threads; one module from one thread at a time.
 *===----------------------------------------------------------------------===*/
#ifndef ATTN_C_ATTNC_H
#define ATTN_C_ATTNC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATTN_C_API_VERSION 1

typedef struct AttnModule AttnModule;

/* API version (ATTN_C_API_VERSION of the library). */
int attnApiVersion(void);
/* "attn-mlir 0.1.0 (git <hash>, LLVM 22.x)". */
const char *attnVersion(void);
/* Identifies this build of the compiler (a hash of this library and of the
 * LLVM/MLIR libraries it runs on): equal ids produce identical code. */
const char *attnCompilerId(void);
/* The host CPU and its features as LLVM names them ("znver3",
 * "+avx2,+fma,..."). */
const char *attnHostCpu(void);
const char *attnHostFeatures(void);

/* Parses and verifies MLIR text. `sourceName` names it in diagnostics. */
AttnModule *attnParse(const char *text, size_t length, const char *sourceName,
                      char **error);
void attnModuleDestroy(AttnModule *module);

/* JSON array describing the public functions and their C entry points:
 * [{"name","symbol","args":[{"name","type","shape"}],"dim_params":[...],
 *   "results":[{"name","type","shape","dims":[{"const":n}|{"arg":i,"dim":d}]}]}]
 * where type is "f32" | "f16" | "bf16" | "i1" and -1 marks a dynamic size. */
char *attnSignatures(AttnModule *module, const char *prefix, char **error);

/* The module lowered by `pipeline` ("cpu", "reference" or "nvvm"), as MLIR
 * text. */
char *attnLower(AttnModule *module, const char *pipeline, char **error);

/* Writes one artefact, chosen by outPath's suffix (.so, .o, .h, .ll),
 * atomically. cpu/features/prefix may be NULL (host CPU, "attn_").
 * pipeline "nvvm" is attn-compile --target=nvptx (sm_80): attn.sdpa runs on
 * an NVIDIA GPU through libattn_cuda_runtime; its entry points return 4
 * with attnCudaLastError() set when CUDA fails. */
int attnCompile(AttnModule *module, const char *outPath, const char *pipeline,
                const char *cpu, const char *features, const char *prefix,
                char **error);

/* Checks the concrete argument shapes of a call of `function` against the
 * shape rules of its attn ops (what attn-run does before a call). argShapes
 * holds every argument's sizes, concatenated in order (the ranks are the
 * signature's); on success resultShapes receives the results' sizes,
 * concatenated. numArgDims/numResultDims are the lengths of the arrays. */
int attnInferShapes(AttnModule *module, const char *function,
                    const int64_t *argShapes, size_t numArgDims,
                    int64_t *resultShapes, size_t numResultDims,
                    char **error);

/* OpenMP threads of compiled kernels in this process. */
void attnSetNumThreads(int n);
int attnGetMaxThreads(void);

void attnFree(void *p);

#ifdef __cplusplus
}
#endif

#endif /* ATTN_C_ATTNC_H */
