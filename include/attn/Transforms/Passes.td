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
  }];
  let dependentDialects = ["linalg::LinalgDialect", "tensor::TensorDialect",
                           "arith::ArithDialect"];
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

#endif // ATTN_TRANSFORMS_PASSES
