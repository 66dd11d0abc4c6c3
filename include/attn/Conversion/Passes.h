//===- Passes.h - attn conversion passes (GPU) ------------------*- C++ -*-===//
#ifndef ATTN_CONVERSION_PASSES_H
#define ATTN_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <string>

namespace mlir {
namespace attn {

#define GEN_PASS_DECL
#include "attn/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "attn/Conversion/Passes.h.inc"

/// Name prefix of the launcher declarations made by attn-gpu-outline-sdpa.
constexpr const char *kGpuSdpaPrefix = "__attn_gpu_sdpa_";
/// Attribute on a launcher declaration: {scale = f32, causal}.
constexpr const char *kGpuSdpaAttr = "attn.gpu_sdpa";
/// Name prefix of the launcher declarations made by attn-gpu-outline-mha.
constexpr const char *kGpuMhaPrefix = "__attn_gpu_mha_";
/// Attribute on an mha launcher declaration: {num_heads, num_kv_heads,
/// scale, causal, residual, bias, memory, mask}.
constexpr const char *kGpuMhaAttr = "attn.gpu_mha";
/// Unit attribute on the gpu.module holding the attn kernels (shared by
/// attn-gpu-build-mha-kernels and attn-gpu-build-sdpa-kernels).
constexpr const char *kGpuKernelsAttr = "attn.gpu_kernels";
/// Attribute on a public function: the symbol of its device-pointer launcher.
constexpr const char *kGpuDeviceLauncherAttr = "attn.gpu_device_launcher";

/// True when `fn` is public and exactly `return attn.sdpa(%arg0, %arg1,
/// %arg2[, %arg3])` or `return attn.mha(%arg0, ...)` (all arguments, in
/// order): attn-gpu-outline-sdpa / attn-gpu-outline-mha mark such functions
/// with kGpuDeviceLauncherAttr, and attn-compile exports a device-pointer
/// entry.
bool isSingleAttnFunction(func::FuncOp fn);

/// The gpu.module of attn kernels (kGpuKernelsAttr), created at the end of
/// `module` if there is none yet; marks `module` as a GPU container.
gpu::GPUModuleOp getOrCreateAttnKernelsModule(ModuleOp module);

/// The CUDA toolkit directory whose nvvm/libdevice/libdevice.10.bc exists
/// ($CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, the parent of ptxas's directory on
/// $PATH, `defaultRoot`, in this order), or "" with `looked` listing the
/// candidates.
std::string findCudaToolkit(std::string &looked,
                            llvm::StringRef defaultRoot = "/usr/local/cuda");

} // namespace attn
} // namespace mlir

#endif
