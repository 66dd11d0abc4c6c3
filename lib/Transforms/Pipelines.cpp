//===- Pipelines.cpp - Named attn pipelines -------------------------------===//
//
// The pipelines are spelled in the textual pass-pipeline syntax so that they
// read exactly like what `attn-opt --dump-pass-pipeline` shows and can be
// replayed step by step with attn-opt.
//
//===----------------------------------------------------------------------===//
#include "attn/Transforms/Passes.h"
#include "attn/Conversion/Passes.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <string>

using namespace mlir;

namespace {

/// From bufferized, loop-level IR down to the LLVM dialect.
constexpr const char *kToLLVM =
    "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
    "arith-expand{include-bf16=true},convert-math-to-llvm,"
    "finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,"
    "convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts";

constexpr const char *kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref";

/// The CPU pipelines' functions take their results as trailing memref
/// parameters (destination passing): the buffer a result is computed in is
/// the caller's, not an allocation the caller copies out of and frees (a
/// copy of every output per call: ~2% of a (4,12,512,64) causal call).
/// A returned input or a value returned twice is copied in
/// (attn-distinct-results gives each repeat its own allocation first).
constexpr const char *kBufferizeToOutParams =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "func.func(attn-distinct-results),buffer-results-to-out-params{hoist-static-allocs=true "
    "hoist-dynamic-allocs=true modify-public-functions=true},"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref";

void addTextual(OpPassManager &pm, StringRef text) {
  // The textual parser resolves pass names through the global registry, which
  // tools other than attn-opt (attn-run, attn-compile) do not fill otherwise.
  static bool registered = [] {
    registerAllPasses();
    attn::registerAttnPasses();
    attn::registerAttnConversionPasses();
    return true;
  }();
  (void)registered;
  // The strings are ours and fixed: a parse failure is a programming error,
  // reported loudly by the first test that builds the pipeline.
  if (failed(parsePassPipeline(text, pm, llvm::errs())))
    llvm::report_fatal_error("attn: malformed built-in pipeline");
}

} // namespace

void mlir::attn::buildReferencePipeline(OpPassManager &pm) {
  addTextual(pm, "func.func(attn-decompose-mha,attn-lower-sdpa-to-linalg),"
                 "canonicalize,cse");
  addTextual(pm, kBufferizeToOutParams);
  addTextual(pm, "func.func(convert-linalg-to-affine-loops),lower-affine,"
                 "canonicalize,cse");
  addTextual(pm, kToLLVM);
}

void mlir::attn::buildCpuPipeline(OpPassManager &pm, int vectorBits) {
  std::string bits = "vector-bits=" + std::to_string(vectorBits);
  addTextual(pm, "func.func(attn-decompose-mha{kernels=true " + bits +
                     "},attn-lower-sdpa-to-flash{" + bits +
                     "}),canonicalize,cse");
  addTextual(pm, kBufferizeToOutParams);
  // What is left of linalg (mha's projections) becomes loops.
  addTextual(pm, "func.func(convert-linalg-to-affine-loops),lower-affine,"
                 "attn-approximate-math,convert-scf-to-openmp,"
                 "attn-omp-dynamic-schedule,canonicalize,cse,"
                 "convert-vector-to-scf,convert-vector-to-llvm,"
                 "convert-openmp-to-llvm");
  addTextual(pm, kToLLVM);
}

void mlir::attn::buildNvvmPipeline(OpPassManager &pm,
                                   const NvvmPipelineOptions &opts) {
  // Host code and the launcher calls are bufferized before any gpu op
  // exists (the deallocation pipeline rejects them); the kernels and the
  // launch code come after. attn.mha runs on the GPU whole: its
  // projections are GEMM kernels, its attention an f32 attn.sdpa launcher
  // that attn-gpu-build-mha-kernels declares for attn-gpu-build-sdpa-kernels.
  addTextual(pm, "attn-check-cuda-toolkit,attn-gpu-outline-mha,"
                 "attn-gpu-outline-sdpa,canonicalize,cse");
  addTextual(pm, kBufferize);
  addTextual(pm, std::string("func.func(convert-linalg-to-affine-loops),"
                             "lower-affine,attn-gpu-build-mha-kernels{"
                             "lowp-intermediates=") +
                     (opts.mhaLowpIntermediates ? "true" : "false") +
                     "},attn-gpu-build-sdpa-kernels,canonicalize,cse");
  std::string nvvm = "gpu-lower-to-nvvm-pipeline{cubin-chip=" +
                     opts.chip.getValue() +
                     " cubin-features=" + opts.features.getValue() +
                     " cubin-format=isa opt-level=" +
                     std::to_string(opts.optLevel.getValue()) + "}";
  addTextual(pm, nvvm);
  addTextual(pm, "attn-verify-gpu-binary");
}

int mlir::attn::cpuVectorBitsFor(bool targetHasAvx512f) {
  if (const char *env = std::getenv("ATTN_CPU_VECTOR_BITS")) {
    if (StringRef(env) == "256")
      return 256;
    if (StringRef(env) == "512")
      return 512;
  }
  return targetHasAvx512f ? 512 : 256;
}

bool mlir::attn::buildPipelineByName(StringRef name, OpPassManager &pm,
                                     int cpuVectorBits) {
  if (name == "nvvm") {
    buildNvvmPipeline(pm, NvvmPipelineOptions());
    return true;
  }
  if (name == "reference") {
    buildReferencePipeline(pm);
    return true;
  }
  if (name == "cpu") {
    buildCpuPipeline(pm, cpuVectorBits);
    return true;
  }
  return false;
}

void mlir::attn::registerAttnPipelines() {
  PassPipelineRegistration<>(
      "attn-reference-pipeline",
      "Unfused attn lowering that materializes the score matrix, down to the "
      "LLVM dialect (the correctness oracle)",
      buildReferencePipeline);
  PassPipelineRegistration<CpuPipelineOptions>(
      "attn-cpu-pipeline",
      "Fused flash-attention CPU pipeline (tiled online softmax, vector FMA "
      "micro-kernels, OpenMP threads) down to the LLVM dialect",
      [](OpPassManager &pm, const CpuPipelineOptions &opts) {
        buildCpuPipeline(pm, opts.vectorBits);
      });
  PassPipelineRegistration<NvvmPipelineOptions>(
      "attn-nvvm-pipeline",
      "GPU pipeline: attn.sdpa as flash-attention kernels on tensor cores "
      "(mma.sync, ldmatrix, cp.async) with host launch code, down to the LLVM "
      "dialect with a PTX gpu.binary",
      buildNvvmPipeline);
}
