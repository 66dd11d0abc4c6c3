// attn.mha (f32): projections, heads, output projection; without and with
// the bias group, causal, residual and an explicit scale.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- mha_plain.mlir
// No optional group: E = 64, S = 10, 4 heads of 16.
// RUN: attn-run %t/mha_plain.mlir --function=mha_plain --pipeline=reference --check | FileCheck %s --check-prefix=MHA_PLAIN
// RUN: attn-run %t/mha_plain.mlir --function=mha_plain --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_PLAIN
// MHA_PLAIN: result[0]: 2x10x64xf32 [
// MHA_PLAIN-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_plain(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

//--- mha_bias.mlir
// Bias group (bq, bk, bv, bo).
// RUN: attn-run %t/mha_bias.mlir --function=mha_bias --pipeline=reference --check | FileCheck %s --check-prefix=MHA_BIAS
// RUN: attn-run %t/mha_bias.mlir --function=mha_bias --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_BIAS
// MHA_BIAS: result[0]: 2x10x64xf32 [
// MHA_BIAS-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_bias(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>,
    %bq: tensor<64xf32>,
    %bk: tensor<64xf32>,
    %bv: tensor<64xf32>,
    %bo: tensor<64xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

//--- mha_causal.mlir
// Causal self-attention, S = 13.
// RUN: attn-run %t/mha_causal.mlir --function=mha_causal --pipeline=reference --check | FileCheck %s --check-prefix=MHA_CAUSAL
// RUN: attn-run %t/mha_causal.mlir --function=mha_causal --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_CAUSAL
// MHA_CAUSAL: result[0]: 2x13x64xf32 [
// MHA_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_causal(%x: tensor<2x13x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>)
    -> tensor<2x13x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, causal}
       : (tensor<2x13x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>)
       -> tensor<2x13x64xf32>
  return %y : tensor<2x13x64xf32>
}

//--- mha_residual_scale.mlir
// Residual connection (y = x + ...) and an explicit scale.
// RUN: attn-run %t/mha_residual_scale.mlir --function=mha_residual_scale --pipeline=reference --check | FileCheck %s --check-prefix=MHA_RESIDUAL_SCALE
// RUN: attn-run %t/mha_residual_scale.mlir --function=mha_residual_scale --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_RESIDUAL_SCALE
// MHA_RESIDUAL_SCALE: result[0]: 2x10x64xf32 [
// MHA_RESIDUAL_SCALE-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_residual_scale(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual, scale = 0.2 : f32}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}
