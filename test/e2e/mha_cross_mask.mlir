// attn.mha cross-attention (`memory`: keys and values are projected from it)
// and masks (i1 and additive f32, broadcast and per head).
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- mha_cross.mlir
// Cross-attention: S = 10 queries, Skv = 13 memory rows.
// RUN: attn-run %t/mha_cross.mlir --function=mha_cross --pipeline=reference --check | FileCheck %s --check-prefix=MHA_CROSS
// RUN: attn-run %t/mha_cross.mlir --function=mha_cross --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_CROSS
// MHA_CROSS: result[0]: 2x10x64xf32 [
// MHA_CROSS-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_cross(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>,
    %mem: tensor<2x13x64xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<2x13x64xf32>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

//--- mha_cross_causal.mlir
// Cross-attention with causal (bottom-right aligned, Skv > S).
// RUN: attn-run %t/mha_cross_causal.mlir --function=mha_cross_causal --pipeline=reference --check | FileCheck %s --check-prefix=MHA_CROSS_CAUSAL
// RUN: attn-run %t/mha_cross_causal.mlir --function=mha_cross_causal --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_CROSS_CAUSAL
// MHA_CROSS_CAUSAL: result[0]: 2x10x64xf32 [
// MHA_CROSS_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_cross_causal(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>,
    %mem: tensor<2x13x64xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64, causal}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<2x13x64xf32>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

//--- mha_mask_i1.mlir
// i1 mask, 1 x 1 x S x S.
// RUN: attn-run %t/mha_mask_i1.mlir --function=mha_mask_i1 --pipeline=reference --check | FileCheck %s --check-prefix=MHA_MASK_I1
// RUN: attn-run %t/mha_mask_i1.mlir --function=mha_mask_i1 --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_MASK_I1
// MHA_MASK_I1: result[0]: 2x10x64xf32 [
// MHA_MASK_I1-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_mask_i1(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>,
    %m: tensor<1x1x10x10xi1>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<1x1x10x10xi1>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

//--- mha_mask_f32.mlir
// Additive f32 mask per (b, h), with causal.
// RUN: attn-run %t/mha_mask_f32.mlir --function=mha_mask_f32 --pipeline=reference --check | FileCheck %s --check-prefix=MHA_MASK_F32
// RUN: attn-run %t/mha_mask_f32.mlir --function=mha_mask_f32 --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_MASK_F32
// MHA_MASK_F32: result[0]: 2x10x64xf32 [
// MHA_MASK_F32-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_mask_f32(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>,
    %m: tensor<2x4x10x10xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, causal}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<2x4x10x10xf32>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

//--- mha_cross_mask.mlir
// Cross-attention with an i1 mask B x 1 x S x Skv.
// RUN: attn-run %t/mha_cross_mask.mlir --function=mha_cross_mask --pipeline=reference --check | FileCheck %s --check-prefix=MHA_CROSS_MASK
// RUN: attn-run %t/mha_cross_mask.mlir --function=mha_cross_mask --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_CROSS_MASK
// MHA_CROSS_MASK: result[0]: 2x10x64xf32 [
// MHA_CROSS_MASK-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_cross_mask(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>,
    %mem: tensor<2x13x64xf32>,
    %m: tensor<2x1x10x13xi1>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem mask %m {num_heads = 4 : i64}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<2x13x64xf32>, tensor<2x1x10x13xi1>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}
