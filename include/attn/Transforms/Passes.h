//===- Passes.h - attn passes and pipelines ---------------------*- C++ -*-===//
#ifndef ATTN_TRANSFORMS_PASSES_H
#define ATTN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir {
namespace attn {

#define GEN_PASS_DECL
#include "attn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "attn/Transforms/Passes.h.inc"

/// Appends the reference pipeline (unfused, materializes scores) from attn
/// ops on tensors down to the LLVM dialect.
void buildReferencePipeline(OpPassManager &pm);

/// Options of --attn-cpu-pipeline.
struct CpuPipelineOptions : public PassPipelineOptions<CpuPipelineOptions> {
  PassOptions::Option<int> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector width of the flash micro-kernels: 256 or 512 "
                     "(targets with AVX-512)"),
      llvm::cl::init(256)};
};

/// Appends the fused CPU pipeline (flash attention, vector micro-kernels,
/// OpenMP threads) from attn ops on tensors down to the LLVM dialect.
void buildCpuPipeline(OpPassManager &pm, int vectorBits = 256);

/// The micro-kernel vector width for a target CPU: 512 where it has AVX-512F
/// (whether named in --features or implied by the CPU: ask the subtarget),
/// else 256. ATTN_CPU_VECTOR_BITS=256 or 512 in the environment overrides
/// it (tests run both widths on one machine).
int cpuVectorBitsFor(bool targetHasAvx512f);

/// Options of --attn-nvvm-pipeline.
struct NvvmPipelineOptions : public PassPipelineOptions<NvvmPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("GPU architecture (sm_80, sm_90a, ...)"),
      llvm::cl::init("sm_80")};
  PassOptions::Option<std::string> features{
      *this, "features", llvm::cl::desc("PTX features (+ptx80 or later)"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<int> optLevel{
      *this, "opt-level", llvm::cl::desc("LLVM optimization level of the "
                                         "kernels"),
      llvm::cl::init(3)};
  PassOptions::Option<bool> mhaLowpIntermediates{
      *this, "mha-lowp-intermediates",
      llvm::cl::desc("attn.mha in f16/bf16: keep Q, K, V and the head "
                     "outputs in f16/bf16 (all on tensor cores, as PyTorch; "
                     "default: f32, the cpu pipeline's precision)"),
      llvm::cl::init(false)};
};

/// Appends the NVVM pipeline: attn.sdpa to GPU kernels (tensor cores where
/// the types allow) plus host launch code, down to the LLVM dialect with the
/// kernels as a PTX gpu.binary.
void buildNvvmPipeline(OpPassManager &pm, const NvvmPipelineOptions &opts);

/// Registers the named pipelines of SPEC.md 2.1 with the pass registry.
void registerAttnPipelines();

/// Names accepted by attn-run/attn-compile's --pipeline=.
/// Returns false for an unknown name.
/// `cpuVectorBits` is the cpu pipeline's vector-bits.
bool buildPipelineByName(StringRef name, OpPassManager &pm,
                         int cpuVectorBits = 256);

} // namespace attn
} // namespace mlir

#endif
