// attn.mha with num_kv_heads (GQA / MQA) and d_k != d_v (Dh != Dv) with
// E_out != E.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- mha_gqa.mlir
// GQA: num_heads = 8, num_kv_heads = 2, Dh = 16.
// RUN: attn-run %t/mha_gqa.mlir --function=mha_gqa --pipeline=reference --check | FileCheck %s --check-prefix=MHA_GQA
// RUN: attn-run %t/mha_gqa.mlir --function=mha_gqa --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_GQA
// MHA_GQA: result[0]: 2x11x64xf32 [
// MHA_GQA-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_gqa(%x: tensor<2x11x64xf32>,
    %wq: tensor<64x128xf32>,
    %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>,
    %wo: tensor<128x64xf32>)
    -> tensor<2x11x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 8 : i64, num_kv_heads = 2 : i64}
       : (tensor<2x11x64xf32>, tensor<64x128xf32>, tensor<64x32xf32>, tensor<64x32xf32>, tensor<128x64xf32>)
       -> tensor<2x11x64xf32>
  return %y : tensor<2x11x64xf32>
}

//--- mha_mqa_bias.mlir
// MQA (num_kv_heads = 1) with the bias group.
// RUN: attn-run %t/mha_mqa_bias.mlir --function=mha_mqa_bias --pipeline=reference --check | FileCheck %s --check-prefix=MHA_MQA_BIAS
// RUN: attn-run %t/mha_mqa_bias.mlir --function=mha_mqa_bias --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_MQA_BIAS
// MHA_MQA_BIAS: result[0]: 1x11x64xf32 [
// MHA_MQA_BIAS-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_mqa_bias(%x: tensor<1x11x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x16xf32>,
    %wv: tensor<64x16xf32>,
    %wo: tensor<64x64xf32>,
    %bq: tensor<64xf32>,
    %bk: tensor<16xf32>,
    %bv: tensor<16xf32>,
    %bo: tensor<64xf32>)
    -> tensor<1x11x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 1 : i64}
       : (tensor<1x11x64xf32>, tensor<64x64xf32>, tensor<64x16xf32>, tensor<64x16xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<16xf32>, tensor<16xf32>, tensor<64xf32>)
       -> tensor<1x11x64xf32>
  return %y : tensor<1x11x64xf32>
}

//--- mha_dk_ne_dv.mlir
// Dh = 16, Dv = 24, E = 64, E_out = 48 (wo is 96 x 48).
// RUN: attn-run %t/mha_dk_ne_dv.mlir --function=mha_dk_ne_dv --pipeline=reference --check | FileCheck %s --check-prefix=MHA_DK_NE_DV
// RUN: attn-run %t/mha_dk_ne_dv.mlir --function=mha_dk_ne_dv --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_DK_NE_DV
// MHA_DK_NE_DV: result[0]: 2x10x48xf32 [
// MHA_DK_NE_DV-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_dk_ne_dv(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x96xf32>,
    %wo: tensor<96x48xf32>)
    -> tensor<2x10x48xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x96xf32>, tensor<96x48xf32>)
       -> tensor<2x10x48xf32>
  return %y : tensor<2x10x48xf32>
}

//--- mha_dk_ne_dv_gqa_bias.mlir
// Dh = 8, Dv = 32, GQA 6 / 3, bias, E_out = 40.
// RUN: attn-run %t/mha_dk_ne_dv_gqa_bias.mlir --function=mha_dk_ne_dv_gqa_bias --pipeline=reference --check | FileCheck %s --check-prefix=MHA_DK_NE_DV_GQA_BIAS
// RUN: attn-run %t/mha_dk_ne_dv_gqa_bias.mlir --function=mha_dk_ne_dv_gqa_bias --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_DK_NE_DV_GQA_BIAS
// MHA_DK_NE_DV_GQA_BIAS: result[0]: 2x9x40xf32 [
// MHA_DK_NE_DV_GQA_BIAS-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_dk_ne_dv_gqa_bias(%x: tensor<2x9x48xf32>,
    %wq: tensor<48x48xf32>,
    %wk: tensor<48x24xf32>,
    %wv: tensor<48x96xf32>,
    %wo: tensor<192x40xf32>,
    %bq: tensor<48xf32>,
    %bk: tensor<24xf32>,
    %bv: tensor<96xf32>,
    %bo: tensor<40xf32>)
    -> tensor<2x9x40xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 6 : i64, num_kv_heads = 3 : i64}
       : (tensor<2x9x48xf32>, tensor<48x48xf32>, tensor<48x24xf32>, tensor<48x96xf32>, tensor<192x40xf32>, tensor<48xf32>, tensor<24xf32>, tensor<96xf32>, tensor<40xf32>)
       -> tensor<2x9x40xf32>
  return %y : tensor<2x9x40xf32>
}
