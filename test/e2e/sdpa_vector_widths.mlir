// Both vector widths of the fused lowering (attn-lower-sdpa-to-flash
// vector-bits=256 and 512; attn-run picks 512 where the host has AVX-512F,
// and ATTN_CPU_VECTOR_BITS overrides it) on a spread of shapes, against the
// float64 oracle, at 1 and 2 threads. On a host without AVX-512 the 512-bit
// kernels still run (LLVM splits each vector in two), slower.
//
// RUN: rm -rf %t && split-file %s %t

//--- causal_odd_f32.mlir
// Causal, S = 37 (partial tiles everywhere), D = 64.
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/causal_odd_f32.mlir --function=causal_odd_f32 --check | FileCheck %s --check-prefix=CAUSAL_ODD_F32
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/causal_odd_f32.mlir --function=causal_odd_f32 --check --threads=1 | FileCheck %s --check-prefix=CAUSAL_ODD_F32
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/causal_odd_f32.mlir --function=causal_odd_f32 --check | FileCheck %s --check-prefix=CAUSAL_ODD_F32
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/causal_odd_f32.mlir --function=causal_odd_f32 --check --threads=1 | FileCheck %s --check-prefix=CAUSAL_ODD_F32
// CAUSAL_ODD_F32: result[0]: 1x2x37x64xf32 [
// CAUSAL_ODD_F32-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @causal_odd_f32(%q: tensor<1x2x37x64xf32>, %k: tensor<1x2x37x64xf32>, %v: tensor<1x2x37x64xf32>) -> tensor<1x2x37x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x2x37x64xf32>, tensor<1x2x37x64xf32>, tensor<1x2x37x64xf32>) -> tensor<1x2x37x64xf32>
  return %o : tensor<1x2x37x64xf32>
}

//--- gqa_causal_f16_dv20.mlir
// GQA 4, causal with Sq = 100 < Sk = 130, Dv = 20 (the value tile's second vector is masked, partly or wholly), f16.
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/gqa_causal_f16_dv20.mlir --function=gqa_causal_f16_dv20 --check | FileCheck %s --check-prefix=GQA_CAUSAL_F16_DV20
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/gqa_causal_f16_dv20.mlir --function=gqa_causal_f16_dv20 --check --threads=1 | FileCheck %s --check-prefix=GQA_CAUSAL_F16_DV20
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/gqa_causal_f16_dv20.mlir --function=gqa_causal_f16_dv20 --check | FileCheck %s --check-prefix=GQA_CAUSAL_F16_DV20
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/gqa_causal_f16_dv20.mlir --function=gqa_causal_f16_dv20 --check --threads=1 | FileCheck %s --check-prefix=GQA_CAUSAL_F16_DV20
// GQA_CAUSAL_F16_DV20: result[0]: 2x8x100x20xf16 [
// GQA_CAUSAL_F16_DV20-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @gqa_causal_f16_dv20(%q: tensor<2x8x100x64xf16>, %k: tensor<2x2x130x64xf16>, %v: tensor<2x2x130x20xf16>) -> tensor<2x8x100x20xf16> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<2x8x100x64xf16>, tensor<2x2x130x64xf16>, tensor<2x2x130x20xf16>) -> tensor<2x8x100x20xf16>
  return %o : tensor<2x8x100x20xf16>
}

//--- bf16_d128_dv72.mlir
// bf16, D = 128, Dv = 72 (three 32-column value tiles with 512-bit vectors, the last one past Dv), 200 keys.
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/bf16_d128_dv72.mlir --function=bf16_d128_dv72 --check | FileCheck %s --check-prefix=BF16_D128_DV72
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/bf16_d128_dv72.mlir --function=bf16_d128_dv72 --check --threads=1 | FileCheck %s --check-prefix=BF16_D128_DV72
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/bf16_d128_dv72.mlir --function=bf16_d128_dv72 --check | FileCheck %s --check-prefix=BF16_D128_DV72
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/bf16_d128_dv72.mlir --function=bf16_d128_dv72 --check --threads=1 | FileCheck %s --check-prefix=BF16_D128_DV72
// BF16_D128_DV72: result[0]: 1x4x96x72xbf16 [
// BF16_D128_DV72-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @bf16_d128_dv72(%q: tensor<1x4x96x128xbf16>, %k: tensor<1x4x200x128xbf16>, %v: tensor<1x4x200x72xbf16>) -> tensor<1x4x96x72xbf16> {
  %o = attn.sdpa %q, %k, %v : (tensor<1x4x96x128xbf16>, tensor<1x4x200x128xbf16>, tensor<1x4x200x72xbf16>) -> tensor<1x4x96x72xbf16>
  return %o : tensor<1x4x96x72xbf16>
}

//--- mask_additive_d40.mlir
// Additive mask broadcast over heads, D = Dv = 40, scale 0.3.
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/mask_additive_d40.mlir --function=mask_additive_d40 --check | FileCheck %s --check-prefix=MASK_ADDITIVE_D40
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/mask_additive_d40.mlir --function=mask_additive_d40 --check --threads=1 | FileCheck %s --check-prefix=MASK_ADDITIVE_D40
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/mask_additive_d40.mlir --function=mask_additive_d40 --check | FileCheck %s --check-prefix=MASK_ADDITIVE_D40
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/mask_additive_d40.mlir --function=mask_additive_d40 --check --threads=1 | FileCheck %s --check-prefix=MASK_ADDITIVE_D40
// MASK_ADDITIVE_D40: result[0]: 2x3x50x40xf32 [
// MASK_ADDITIVE_D40-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mask_additive_d40(%q: tensor<2x3x50x40xf32>, %k: tensor<2x3x70x40xf32>, %v: tensor<2x3x70x40xf32>, %m: tensor<2x1x50x70xf32>) -> tensor<2x3x50x40xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {scale = 0.3 : f32} : (tensor<2x3x50x40xf32>, tensor<2x3x70x40xf32>, tensor<2x3x70x40xf32>, tensor<2x1x50x70xf32>) -> tensor<2x3x50x40xf32>
  return %o : tensor<2x3x50x40xf32>
}

//--- d20_odd.mlir
// D = 20 (not a multiple of 8: scalar packing of Q), Dv = 24, S = 61.
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/d20_odd.mlir --function=d20_odd --check | FileCheck %s --check-prefix=D20_ODD
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/d20_odd.mlir --function=d20_odd --check --threads=1 | FileCheck %s --check-prefix=D20_ODD
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/d20_odd.mlir --function=d20_odd --check | FileCheck %s --check-prefix=D20_ODD
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/d20_odd.mlir --function=d20_odd --check --threads=1 | FileCheck %s --check-prefix=D20_ODD
// D20_ODD: result[0]: 1x2x61x24xf32 [
// D20_ODD-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @d20_odd(%q: tensor<1x2x61x20xf32>, %k: tensor<1x2x61x20xf32>, %v: tensor<1x2x61x24xf32>) -> tensor<1x2x61x24xf32> {
  %o = attn.sdpa %q, %k, %v : (tensor<1x2x61x20xf32>, tensor<1x2x61x20xf32>, tensor<1x2x61x24xf32>) -> tensor<1x2x61x24xf32>
  return %o : tensor<1x2x61x24xf32>
}

//--- mha_hd16_bias_residual.mlir
// attn.mha with head size 16 (16-lane projection GEMMs at 512 bits), biases and residual, S = 13.
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/mha_hd16_bias_residual.mlir --function=mha_hd16_bias_residual --check | FileCheck %s --check-prefix=MHA_HD16
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/mha_hd16_bias_residual.mlir --function=mha_hd16_bias_residual --check | FileCheck %s --check-prefix=MHA_HD16
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/mha_hd16_bias_residual.mlir --function=mha_hd16_bias_residual --check --threads=1 | FileCheck %s --check-prefix=MHA_HD16
// MHA_HD16: result[0]: 2x13x64xf32 [
// MHA_HD16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_hd16_bias_residual(%x: tensor<2x13x64xf32>, %wq: tensor<64x64xf32>,
    %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>,
    %bq: tensor<64xf32>, %bk: tensor<64xf32>, %bv: tensor<64xf32>, %bo: tensor<64xf32>)
    -> tensor<2x13x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, residual}
       : (tensor<2x13x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
       -> tensor<2x13x64xf32>
  return %y : tensor<2x13x64xf32>
}

//--- mha_hd8_f16.mlir
// attn.mha with head size 8 (the head projections keep 8 lanes, the output projection takes 16), causal, f16.
// RUN: env ATTN_CPU_VECTOR_BITS=256 attn-run %t/mha_hd8_f16.mlir --function=mha_hd8_f16 --check | FileCheck %s --check-prefix=MHA_HD8
// RUN: env ATTN_CPU_VECTOR_BITS=512 attn-run %t/mha_hd8_f16.mlir --function=mha_hd8_f16 --check | FileCheck %s --check-prefix=MHA_HD8
// MHA_HD8: result[0]: 1x9x32xf16 [
// MHA_HD8-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mha_hd8_f16(%x: tensor<1x9x32xf16>, %wq: tensor<32x32xf16>,
    %wk: tensor<32x32xf16>, %wv: tensor<32x32xf16>, %wo: tensor<32x32xf16>)
    -> tensor<1x9x32xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, causal}
       : (tensor<1x9x32xf16>, tensor<32x32xf16>, tensor<32x32xf16>, tensor<32x32xf16>, tensor<32x32xf16>)
       -> tensor<1x9x32xf16>
  return %y : tensor<1x9x32xf16>
}
