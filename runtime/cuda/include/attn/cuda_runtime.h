/*===- attn/cuda_runtime.h - attn-mlir's CUDA runtime library -----*- C -*-===*
 *
 * libattn_cuda_runtime (shared) / libattn_cuda_runtime.a (static): the host
 * functions that code lowered by MLIR's gpu-to-llvm conversion and
 * `#gpu.select_object` translation calls (the `mgpu*` entry points), written
 * over the CUDA driver API.
 *
 * The driver is loaded at run time with dlopen("libcuda.so.1") (fallback
 * "libcuda.so"; ATTN_CUDA_DRIVER_LIBRARY=PATH names another file): the library
 * has no link-time dependency on libcuda, links with -ldl only, and loads on a
 * machine without a driver. Initialization is lazy (first call): cuInit(0),
 * the default device (0, or mgpuSetDefaultDevice), its primary context
 * retained and made current on the calling thread for the duration of each
 * call (pushed only when another context is current, popped afterwards).
 *
 * Errors never abort. A failing call records one line such as
 *   attn-cuda: cuMemAlloc(268435456 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)
 * The first message is kept (sticky, process-wide) until attnCudaTakeError()
 * takes it; later failures do not replace it. While a message is pending,
 * calls that could do harm are skipped: mgpuMemAlloc returns NULL, kernel
 * launches, copies and memsets do nothing. Calls that release or wait
 * (free, unload, stream/event destroy and synchronize) still run. A null
 * function, module or pointer is never passed on to the driver.
 * ATTN_CUDA_VERBOSE=1 also prints every error to stderr as it happens.
 *
 * Streams: generated code creates and destroys a stream around each launch
 * region; mgpuStreamDestroy keeps up to 16 streams per context in a pool
 * (it does not wait for them) and mgpuStreamCreate reuses them, so a
 * create/destroy pair costs no driver call after the first.
 *
 *===----------------------------------------------------------------------===*/
#ifndef ATTN_CUDA_RUNTIME_H
#define ATTN_CUDA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define ATTN_CUDA_EXPORT __attribute__((visibility("default")))
#else
#define ATTN_CUDA_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors --------------------------------------------------------------*/

/* 1 if an error message is pending, 0 otherwise. */
ATTN_CUDA_EXPORT int attnCudaHasError(void);

/* The pending message, or "" when none (never NULL). The pointer stays valid
 * until the next attnCudaTakeError(). */
ATTN_CUDA_EXPORT const char *attnCudaLastError(void);

/* If a message is pending: copies it into buf (truncated to size-1 bytes and
 * NUL-terminated; buf may be NULL when size is 0), clears it and returns 1.
 * Otherwise returns 0 and leaves buf untouched. */
ATTN_CUDA_EXPORT int attnCudaTakeError(char *buf, size_t size);

/* Waits for all work of the current device's primary context
 * (cuCtxSynchronize); a failure is recorded like any other. */
ATTN_CUDA_EXPORT void attnCudaSynchronize(void);

/* ---- Split-K attention ---------------------------------------------------
 * How many key splits the generated host code uses for an attention launch
 * of `ctas` CTAs (batch x heads x query blocks), each over `keyBlocks` key
 * blocks: 1 (no split) when the CTAs nearly fill the device, otherwise the
 * smallest count whose last wave is at least 85% as busy as the best count's
 * (FlashAttention-2's heuristic), over two CTAs per SM of the current
 * device, at most 128 and at most keyBlocks. ATTN_CUDA_SDPA_SPLITS=N forces
 * N (clamped to 1..min(128, keyBlocks)). A driver that cannot be used is
 * recorded as by any entry point, and gives 1.
 * attnCudaSdpaSplitsFor is the same choice for `slots` concurrent CTAs. */
ATTN_CUDA_EXPORT int64_t attnCudaSdpaSplits(int64_t ctas, int64_t keyBlocks);
ATTN_CUDA_EXPORT int64_t attnCudaSdpaSplitsFor(int64_t ctas, int64_t keyBlocks,
                                               int64_t slots);

/* ---- The entry points of MLIR's lowered host code --------------------------
 * Signatures exactly as `mlir-translate --mlir-to-llvmir` declares them for
 * MLIR 22 (i64 -> int64_t/intptr_t, i32 -> int32_t/uint32_t, i16 -> uint16_t,
 * i8 -> int8_t, ptr -> void *); runtime/cuda/test checks this. Handles are
 * the driver's CUmodule/CUfunction/CUstream/CUevent as void *. */

/* A cubin or fatbin image (format=bin/fatbin); `size` is informational. */
ATTN_CUDA_EXPORT void *mgpuModuleLoad(void *data, int64_t size);
/* NUL-terminated PTX (format=isa), JIT-compiled at -O`optLevel` (0..4); a
 * failure's message carries the JIT error log. */
ATTN_CUDA_EXPORT void *mgpuModuleLoadJIT(void *data, int32_t optLevel);
ATTN_CUDA_EXPORT void mgpuModuleUnload(void *module);
ATTN_CUDA_EXPORT void *mgpuModuleGetFunction(void *module, const char *name);

/* Dynamic shared memory above 48 KiB is enabled on the function first
 * (CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES). */
ATTN_CUDA_EXPORT void mgpuLaunchKernel(void *function, intptr_t gridX,
                                       intptr_t gridY, intptr_t gridZ,
                                       intptr_t blockX, intptr_t blockY,
                                       intptr_t blockZ, int32_t smem,
                                       void *stream, void **params,
                                       void **extra, int64_t paramsCount);
/* Thread-block clusters (sm_90+): grid counts blocks, cluster the blocks per
 * cluster (cuLaunchKernelEx). */
ATTN_CUDA_EXPORT void mgpuLaunchClusterKernel(
    void *function, intptr_t clusterX, intptr_t clusterY, intptr_t clusterZ,
    intptr_t gridX, intptr_t gridY, intptr_t gridZ, intptr_t blockX,
    intptr_t blockY, intptr_t blockZ, int32_t smem, void *stream,
    void **params, void **extra);

ATTN_CUDA_EXPORT void *mgpuStreamCreate(void);
ATTN_CUDA_EXPORT void mgpuStreamDestroy(void *stream);
ATTN_CUDA_EXPORT void mgpuStreamSynchronize(void *stream);
ATTN_CUDA_EXPORT void mgpuStreamWaitEvent(void *stream, void *event);

ATTN_CUDA_EXPORT void *mgpuEventCreate(void);
ATTN_CUDA_EXPORT void mgpuEventDestroy(void *event);
ATTN_CUDA_EXPORT void mgpuEventSynchronize(void *event);
ATTN_CUDA_EXPORT void mgpuEventRecord(void *event, void *stream);

/* Device memory (isHostShared != 0: managed memory). 0 bytes gives NULL.
 * With a stream (and not managed) the allocation is stream-ordered, from a
 * memory pool of the device that keeps up to 256 MiB of freed memory for
 * reuse (plain cuMemAlloc where the driver has no pools); mgpuMemFree then
 * frees it in the order of its `stream` (with no stream: after all work of
 * the context, as cuMemFree). */
ATTN_CUDA_EXPORT void *mgpuMemAlloc(int64_t sizeBytes, void *stream,
                                    int8_t isHostShared);
ATTN_CUDA_EXPORT void mgpuMemFree(void *ptr, void *stream);
/* Any direction (unified addressing), asynchronous on `stream`. */
ATTN_CUDA_EXPORT void mgpuMemcpy(void *dst, void *src, int64_t sizeBytes,
                                 void *stream);
/* `count` elements of 4 / 2 bytes. */
ATTN_CUDA_EXPORT void mgpuMemset32(void *dst, uint32_t value, int64_t count,
                                   void *stream);
ATTN_CUDA_EXPORT void mgpuMemset16(void *dst, uint16_t value, int64_t count,
                                   void *stream);

/* gpu.host_register / host_unregister: `descriptor` is a ranked memref
 * descriptor {allocated, aligned, offset, sizes[rank], strides[rank]} of a
 * dense (row-major) memref. */
ATTN_CUDA_EXPORT void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                                                int64_t elementSizeBytes);
ATTN_CUDA_EXPORT void mgpuMemHostUnregisterMemRef(int64_t rank,
                                                  void *descriptor,
                                                  int64_t elementSizeBytes);

/* The device that later calls use (default 0); its primary context is
 * retained on first use. */
ATTN_CUDA_EXPORT void mgpuSetDefaultDevice(int32_t device);

#ifdef __cplusplus
}
#endif

#endif /* ATTN_CUDA_RUNTIME_H */
