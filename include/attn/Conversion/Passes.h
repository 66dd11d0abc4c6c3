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
/// Attribute on a public function: the symbol of its device-pointer launcher.
constexpr const char *kGpuDeviceLauncherAttr = "attn.gpu_device_launcher";

/// True when `fn` is public and exactly `return attn.sdpa(%arg0, %arg1,
/// %arg2[, %arg3])`: attn-gpu-outline-sdpa marks such functions with
/// kGpuDeviceLauncherAttr, and attn-compile exports a device-pointer entry.
bool isSingleSdpaFunction(func::FuncOp fn);

/// The CUDA toolkit directory whose nvvm/libdevice/libdevice.10.bc exists
/// ($CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, the parent of ptxas's directory on
/// $PATH, `defaultRoot`, in this order), or "" with `looked` listing the
/// candidates.
std::string findCudaToolkit(std::string &looked,
                            llvm::StringRef defaultRoot = "/usr/local/cuda");

} // namespace attn
} // namespace mlir

#endif
