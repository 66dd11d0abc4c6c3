// attn.mha in f16 and bf16.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- mha_f16.mlir
// f16 with bias, GQA and causal.
// RUN: attn-run %t/mha_f16.mlir --function=mha_f16 --pipeline=reference --check | FileCheck %s --check-prefix=MHA_F16
// RUN: attn-run %t/mha_f16.mlir --function=mha_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_F16
// MHA_F16: result[0]: 2x10x64xf16 [
// MHA_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_f16(%x: tensor<2x10x64xf16>,
    %wq: tensor<64x64xf16>,
    %wk: tensor<64x16xf16>,
    %wv: tensor<64x16xf16>,
    %wo: tensor<64x64xf16>,
    %bq: tensor<64xf16>,
    %bk: tensor<16xf16>,
    %bv: tensor<16xf16>,
    %bo: tensor<64xf16>)
    -> tensor<2x10x64xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 8 : i64, num_kv_heads = 2 : i64, causal}
       : (tensor<2x10x64xf16>, tensor<64x64xf16>, tensor<64x16xf16>, tensor<64x16xf16>, tensor<64x64xf16>, tensor<64xf16>, tensor<16xf16>, tensor<16xf16>, tensor<64xf16>)
       -> tensor<2x10x64xf16>
  return %y : tensor<2x10x64xf16>
}

//--- mha_f16_mask_f32.mlir
// f16 with an additive f32 mask and residual.
// RUN: attn-run %t/mha_f16_mask_f32.mlir --function=mha_f16_mask_f32 --pipeline=reference --check | FileCheck %s --check-prefix=MHA_F16_MASK_F32
// RUN: attn-run %t/mha_f16_mask_f32.mlir --function=mha_f16_mask_f32 --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_F16_MASK_F32
// MHA_F16_MASK_F32: result[0]: 2x10x64xf16 [
// MHA_F16_MASK_F32-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_f16_mask_f32(%x: tensor<2x10x64xf16>,
    %wq: tensor<64x64xf16>,
    %wk: tensor<64x64xf16>,
    %wv: tensor<64x64xf16>,
    %wo: tensor<64x64xf16>,
    %m: tensor<1x1x10x10xf32>)
    -> tensor<2x10x64xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, residual}
       : (tensor<2x10x64xf16>, tensor<64x64xf16>, tensor<64x64xf16>, tensor<64x64xf16>, tensor<64x64xf16>, tensor<1x1x10x10xf32>)
       -> tensor<2x10x64xf16>
  return %y : tensor<2x10x64xf16>
}

//--- mha_bf16_cross.mlir
// bf16 cross-attention with an additive bf16 mask, Dh != Dv.
// RUN: attn-run %t/mha_bf16_cross.mlir --function=mha_bf16_cross --pipeline=reference --check | FileCheck %s --check-prefix=MHA_BF16_CROSS
// RUN: attn-run %t/mha_bf16_cross.mlir --function=mha_bf16_cross --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_BF16_CROSS
// MHA_BF16_CROSS: result[0]: 2x10x32xbf16 [
// MHA_BF16_CROSS-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_bf16_cross(%x: tensor<2x10x64xbf16>,
    %wq: tensor<64x64xbf16>,
    %wk: tensor<64x64xbf16>,
    %wv: tensor<64x32xbf16>,
    %wo: tensor<32x32xbf16>,
    %mem: tensor<2x13x64xbf16>,
    %m: tensor<2x4x10x13xbf16>)
    -> tensor<2x10x32xbf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem mask %m {num_heads = 4 : i64}
       : (tensor<2x10x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>, tensor<32x32xbf16>, tensor<2x13x64xbf16>, tensor<2x4x10x13xbf16>)
       -> tensor<2x10x32xbf16>
  return %y : tensor<2x10x32xbf16>
}

//--- mha_bf16_all.mlir
// bf16 with every group.
// RUN: attn-run %t/mha_bf16_all.mlir --function=mha_bf16_all --pipeline=reference --check | FileCheck %s --check-prefix=MHA_BF16_ALL
// RUN: attn-run %t/mha_bf16_all.mlir --function=mha_bf16_all --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_BF16_ALL
// MHA_BF16_ALL: result[0]: 1x9x32xbf16 [
// MHA_BF16_ALL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_bf16_all(%x: tensor<1x9x32xbf16>,
    %wq: tensor<32x32xbf16>,
    %wk: tensor<32x16xbf16>,
    %wv: tensor<32x16xbf16>,
    %wo: tensor<32x32xbf16>,
    %bq: tensor<32xbf16>,
    %bk: tensor<16xbf16>,
    %bv: tensor<16xbf16>,
    %bo: tensor<32xbf16>,
    %mem: tensor<1x11x32xbf16>,
    %m: tensor<1x1x9x11xi1>)
    -> tensor<1x9x32xbf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) memory %mem mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64, causal, residual}
       : (tensor<1x9x32xbf16>, tensor<32x32xbf16>, tensor<32x16xbf16>, tensor<32x16xbf16>, tensor<32x32xbf16>, tensor<32xbf16>, tensor<16xbf16>, tensor<16xbf16>, tensor<32xbf16>, tensor<1x11x32xbf16>, tensor<1x1x9x11xi1>)
       -> tensor<1x9x32xbf16>
  return %y : tensor<1x9x32xbf16>
}
