//===- Passes.td - attn transformation passes --------------*- tablegen -*-===//
#ifndef ATTN_TRANSFORMS_PASSES
#define ATTN_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def AttnDecomposeMha : Pass<"attn-decompose-mha", "func::FuncOp"> {
  let summary = "Decompose attn.mha into projections, attn.sdpa and the output projection";
  let description = [{
    Rewrites every `attn.mha` into `linalg.generic` projections that produce
    per-head `B x H x S x Dh` query, key and value tensors directly (the head
    split is folded into the projection's indexing map), one `attn.sdpa`, and
    an output projection that contracts over heads and `Dv` (folding the head
    merge), adding `bo` and the residual. Everything between the input and the
    final result is computed in f32; the result is rounded to the element type.

    With `kernels`, the projections whose per-head size is a multiple of 8
    are instead emitted as register-tiled `vector.fma` GEMM micro-kernels on
    buffers (an `scf.parallel` over 16-column tiles, 6-row tiles, the
    reduction in L1-sized chunks), writing the head layout directly; the
    output projection takes `bo` and the residual as its initial value.
  }];
  let options = [
    Option<"kernels", "kernels", "bool", /*default=*/"false",
           "Emit the projections as vector micro-kernels (fast) instead of linalg.generic (reference)">,
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"256",
           "Vector width of the projection micro-kernels (kernels=true): "
           "256 or 512 (16 lanes where the head size, or the model width "
           "for the output projection, is a multiple of 16)">,
  ];
  let dependentDialects = ["linalg::LinalgDialect", "tensor::TensorDialect",
                           "arith::ArithDialect", "scf::SCFDialect",
                           "memref::MemRefDialect", "vector::VectorDialect",
                           "bufferization::BufferizationDialect"];
}

def AttnLowerSdpaToLinalg : Pass<"attn-lower-sdpa-to-linalg", "func::FuncOp"> {
  let summary = "Lower attn.sdpa to unfused linalg on tensors (the reference)";
  let description = [{
    Lowers `attn.sdpa` to a chain of `linalg.generic` ops on tensors that
    materializes the `B x H x Sq x Sk` score matrix: `QK^T` (reading kv head
    `h / (H/Hkv)`), scale plus mask and causal bias, row max, `exp`, row sum,
    `PV`, and the final division by the row sum. Fully hidden rows (row max
    `-inf`) give zeros. Inputs are widened to f32 inside the contractions and
    the result is rounded to the element type. This is the obviously-right
    oracle the fused pipelines are checked against; it is not fast.
  }];
  let dependentDialects = ["linalg::LinalgDialect", "tensor::TensorDialect",
                           "arith::ArithDialect", "math::MathDialect"];
}

def AttnLowerSdpaToFlash : Pass<"attn-lower-sdpa-to-flash", "func::FuncOp"> {
  let summary = "Lower attn.sdpa to a fused, tiled online-softmax loop nest (flash attention)";
  let description = [{
    Rewrites every `attn.sdpa` into one fused loop nest on buffers: an
    `scf.parallel` over (batch, kv head, block of query rows of all the query
    heads of that kv group, so each K/V head is read once per group), and
    inside it an `scf.for` over key blocks up to the causal limit (blocks above
    the diagonal are skipped, not masked). Q is packed once per task,
    transposed and pre-multiplied by `scale * log2(e)`; per key block a 6x16
    `vector.fma` micro-kernel computes the transposed scores `K Q^T` with K
    broadcast straight from the input, the bias is applied only on the causal
    diagonal and for masks, the online softmax (running max, running sum,
    rescale factor) runs in base 2 on 8 query rows at a time with an inline
    polynomial `exp2` whose `-inf` input gives exactly 0, and a second 6x16
    micro-kernel rescales and accumulates `P V`. No buffer of size Sq x Sk is
    created: the scores of a task are `block-k x block-q`. The tensors are
    bridged with `bufferization.to_buffer`/`to_tensor`.
  }];
  let options = [
    Option<"blockQ", "block-q", "int64_t", /*default=*/"48",
           "Query rows per task (a multiple of 48)">,
    Option<"blockK", "block-k", "int64_t", /*default=*/"96",
           "Keys per block (a multiple of 24)">,
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"256",
           "Vector width of the prefill micro-kernels: 256 (8 f32 lanes, "
           "6x16 tiles) or 512 (16 lanes: 12 keys x 16 rows for the scores, "
           "6 rows x 32 columns for P V; for targets with AVX-512)">,
  ];
  let dependentDialects = ["scf::SCFDialect", "memref::MemRefDialect",
                           "vector::VectorDialect", "arith::ArithDialect",
                           "math::MathDialect",
                           "bufferization::BufferizationDialect"];
}

def AttnApproximateMath : Pass<"attn-approximate-math"> {
  let summary = "Replace math.exp (scalar and vector) by a polynomial approximation";
  let description = [{
    Applies MLIR's polynomial approximation patterns to `math.exp` so that the
    exponentials of the online softmax stay in vector registers (FMA-based
    range reduction and polynomial) instead of becoming per-lane `expf` calls.
  }];
  let dependentDialects = ["arith::ArithDialect", "math::MathDialect",
                           "vector::VectorDialect"];
}

def AttnDistinctResults : Pass<"attn-distinct-results", "func::FuncOp"> {
  let summary = "Give every memref a function returns a buffer of its own";
  let description = [{
    On bufferized functions: a value that `func.return` returns more than
    once is copied, for each repeat, into a fresh `memref.alloc` of the same
    sizes, which is returned instead. The CPU pipelines then hoist every
    returned allocation into its out-parameter
    (`buffer-results-to-out-params{hoist-static-allocs hoist-dynamic-allocs}`),
    which in LLVM 22 crashes on an allocation returned twice
    (llvm-project #220232).
  }];
  let dependentDialects = ["memref::MemRefDialect"];
}

def AttnOmpDynamicSchedule : Pass<"attn-omp-dynamic-schedule"> {
  let summary = "Give every omp.wsloop a dynamic schedule";
  let description = [{
    Sets `schedule(dynamic)` (chunks of one iteration) on every `omp.wsloop`
    that has no schedule: the flash lowering's tasks differ in size (causal
    row blocks, the last partial blocks) and the machines it runs on are
    shared, so a thread that finishes early (or was not descheduled) takes
    the next task instead of idling at the barrier while a static share of
    the other thread is still pending. One task is tens of microseconds; the
    dispatch costs well under one.
  }];
  let dependentDialects = ["omp::OpenMPDialect"];
}

#endif // ATTN_TRANSFORMS_PASSES
