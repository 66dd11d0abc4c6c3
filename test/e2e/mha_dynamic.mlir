// attn.mha with dynamic batch and sequence lengths, bound with
// --input=SHAPE=random.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- mha_dyn.mlir
// Dynamic B and S, causal.
// RUN: attn-run %t/mha_dyn.mlir --function=mha_dyn --pipeline=reference --check --input=3x11x64xf32=random:1 --input=64x64xf32=random:2 --input=64x64xf32=random:3 --input=64x64xf32=random:4 --input=64x64xf32=random:5 | FileCheck %s --check-prefix=MHA_DYN
// RUN: attn-run %t/mha_dyn.mlir --function=mha_dyn --pipeline=cpu --check --input=3x11x64xf32=random:1 --input=64x64xf32=random:2 --input=64x64xf32=random:3 --input=64x64xf32=random:4 --input=64x64xf32=random:5 | FileCheck %s --check-prefix=MHA_DYN
// MHA_DYN: result[0]: 3x11x64xf32 [
// MHA_DYN-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_dyn(%x: tensor<?x?x64xf32>,
    %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>,
    %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>)
    -> tensor<?x?x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, causal}
       : (tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>)
       -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

//--- mha_dyn_cross_mask.mlir
// Dynamic B, S and Skv; cross-attention with a dynamic i1 mask; bias; residual.
// RUN: attn-run %t/mha_dyn_cross_mask.mlir --function=mha_dyn_cross_mask --pipeline=reference --check --input=2x9x32xf32=random:1 --input=32x32xf32=random:2 --input=32x16xf32=random:3 --input=32x16xf32=random:4 --input=32x32xf32=random:5 --input=32xf32=random:6 --input=16xf32=random:7 --input=16xf32=random:8 --input=32xf32=random:9 --input=2x17x32xf32=random:10 --input=2x1x9x17xi1=random:11 | FileCheck %s --check-prefix=MHA_DYN_CROSS_MASK
// RUN: attn-run %t/mha_dyn_cross_mask.mlir --function=mha_dyn_cross_mask --pipeline=cpu --check --input=2x9x32xf32=random:1 --input=32x32xf32=random:2 --input=32x16xf32=random:3 --input=32x16xf32=random:4 --input=32x32xf32=random:5 --input=32xf32=random:6 --input=16xf32=random:7 --input=16xf32=random:8 --input=32xf32=random:9 --input=2x17x32xf32=random:10 --input=2x1x9x17xi1=random:11 | FileCheck %s --check-prefix=MHA_DYN_CROSS_MASK
// MHA_DYN_CROSS_MASK: result[0]: 2x9x32xf32 [
// MHA_DYN_CROSS_MASK-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_dyn_cross_mask(%x: tensor<?x?x32xf32>,
    %wq: tensor<32x32xf32>,
    %wk: tensor<32x16xf32>,
    %wv: tensor<32x16xf32>,
    %wo: tensor<32x32xf32>,
    %bq: tensor<32xf32>,
    %bk: tensor<16xf32>,
    %bv: tensor<16xf32>,
    %bo: tensor<32xf32>,
    %mem: tensor<?x?x32xf32>,
    %m: tensor<?x1x?x?xi1>)
    -> tensor<?x?x32xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) memory %mem mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64, residual}
       : (tensor<?x?x32xf32>, tensor<32x32xf32>, tensor<32x16xf32>, tensor<32x16xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32xf32>, tensor<?x?x32xf32>, tensor<?x1x?x?xi1>)
       -> tensor<?x?x32xf32>
  return %y : tensor<?x?x32xf32>
}

//--- mha_dyn_f16.mlir
// Dynamic f16 with GQA and Dh != Dv.
// RUN: attn-run %t/mha_dyn_f16.mlir --function=mha_dyn_f16 --pipeline=reference --check --input=1x7x32xf16=random:1 --input=32x32xf16=random:2 --input=32x16xf16=random:3 --input=32x8xf16=random:4 --input=16x32xf16=random:5 | FileCheck %s --check-prefix=MHA_DYN_F16
// RUN: attn-run %t/mha_dyn_f16.mlir --function=mha_dyn_f16 --pipeline=cpu --check --input=1x7x32xf16=random:1 --input=32x32xf16=random:2 --input=32x16xf16=random:3 --input=32x8xf16=random:4 --input=16x32xf16=random:5 | FileCheck %s --check-prefix=MHA_DYN_F16
// MHA_DYN_F16: result[0]: 1x7x32xf16 [
// MHA_DYN_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_dyn_f16(%x: tensor<?x?x32xf16>,
    %wq: tensor<32x32xf16>,
    %wk: tensor<32x16xf16>,
    %wv: tensor<32x8xf16>,
    %wo: tensor<16x32xf16>)
    -> tensor<?x?x32xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64}
       : (tensor<?x?x32xf16>, tensor<32x32xf16>, tensor<32x16xf16>, tensor<32x8xf16>, tensor<16x32xf16>)
       -> tensor<?x?x32xf16>
  return %y : tensor<?x?x32xf16>
}
