// attn.mha with every optional group and attribute at once.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- mha_all.mlir
// bias, memory, mask, causal, residual, scale, GQA and Dh != Dv.
// RUN: attn-run %t/mha_all.mlir --function=mha_all --pipeline=reference --check | FileCheck %s --check-prefix=MHA_ALL
// RUN: attn-run %t/mha_all.mlir --function=mha_all --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_ALL
// MHA_ALL: result[0]: 2x10x64xf32 [
// MHA_ALL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_all(%x: tensor<2x10x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x32xf32>,
    %wv: tensor<64x16xf32>,
    %wo: tensor<32x64xf32>,
    %bq: tensor<64xf32>,
    %bk: tensor<32xf32>,
    %bv: tensor<16xf32>,
    %bo: tensor<64xf32>,
    %mem: tensor<2x7x64xf32>,
    %m: tensor<2x4x10x7xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) memory %mem mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64, causal, residual, scale = 0.25 : f32}
       : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<32xf32>, tensor<16xf32>, tensor<64xf32>, tensor<2x7x64xf32>, tensor<2x4x10x7xf32>)
       -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

//--- mha_all_mqa.mlir
// bias, memory, i1 mask, causal, residual, MQA.
// RUN: attn-run %t/mha_all_mqa.mlir --function=mha_all_mqa --pipeline=reference --check | FileCheck %s --check-prefix=MHA_ALL_MQA
// RUN: attn-run %t/mha_all_mqa.mlir --function=mha_all_mqa --pipeline=cpu --check | FileCheck %s --check-prefix=MHA_ALL_MQA
// MHA_ALL_MQA: result[0]: 1x12x32xf32 [
// MHA_ALL_MQA-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_all_mqa(%x: tensor<1x12x32xf32>,
    %wq: tensor<32x32xf32>,
    %wk: tensor<32x8xf32>,
    %wv: tensor<32x8xf32>,
    %wo: tensor<32x32xf32>,
    %bq: tensor<32xf32>,
    %bk: tensor<8xf32>,
    %bv: tensor<8xf32>,
    %bo: tensor<32xf32>,
    %mem: tensor<1x19x32xf32>,
    %m: tensor<1x1x12x19xi1>)
    -> tensor<1x12x32xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) memory %mem mask %m {num_heads = 4 : i64, num_kv_heads = 1 : i64, causal, residual}
       : (tensor<1x12x32xf32>, tensor<32x32xf32>, tensor<32x8xf32>, tensor<32x8xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<8xf32>, tensor<8xf32>, tensor<32xf32>, tensor<1x19x32xf32>, tensor<1x1x12x19xi1>)
       -> tensor<1x12x32xf32>
  return %y : tensor<1x12x32xf32>
}
