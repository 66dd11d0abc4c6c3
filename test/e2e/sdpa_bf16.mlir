// attn.sdpa in bf16 (accumulation in f32) against the oracle with the bf16 tolerance.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- bf16_basic.mlir
// RUN: attn-run %t/bf16_basic.mlir --function=bf16_basic --pipeline=reference --check | FileCheck %s --check-prefix=BF16_BASIC
// RUN: attn-run %t/bf16_basic.mlir --function=bf16_basic --pipeline=cpu --check | FileCheck %s --check-prefix=BF16_BASIC
// BF16_BASIC: result[0]: 2x4x37x64xbf16 [
// BF16_BASIC-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @bf16_basic(%q: tensor<2x4x37x64xbf16>, %k: tensor<2x4x53x64xbf16>, %v: tensor<2x4x53x64xbf16>)
    -> tensor<2x4x37x64xbf16> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x4x37x64xbf16>, tensor<2x4x53x64xbf16>, tensor<2x4x53x64xbf16>)
       -> tensor<2x4x37x64xbf16>
  return %o : tensor<2x4x37x64xbf16>
}

//--- bf16_d80_causal.mlir
// Sq > Sk causal: the first 16 rows see no key.
// RUN: attn-run %t/bf16_d80_causal.mlir --function=bf16_d80_causal --pipeline=reference --check | FileCheck %s --check-prefix=BF16_D80_CAUSAL
// RUN: attn-run %t/bf16_d80_causal.mlir --function=bf16_d80_causal --pipeline=cpu --check | FileCheck %s --check-prefix=BF16_D80_CAUSAL
// BF16_D80_CAUSAL: result[0]: 1x4x45x80xbf16 [
// BF16_D80_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @bf16_d80_causal(%q: tensor<1x4x45x80xbf16>, %k: tensor<1x4x29x80xbf16>, %v: tensor<1x4x29x80xbf16>)
    -> tensor<1x4x45x80xbf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x4x45x80xbf16>, tensor<1x4x29x80xbf16>, tensor<1x4x29x80xbf16>)
       -> tensor<1x4x45x80xbf16>
  return %o : tensor<1x4x45x80xbf16>
}

//--- bf16_d128.mlir
// RUN: attn-run %t/bf16_d128.mlir --function=bf16_d128 --pipeline=reference --check | FileCheck %s --check-prefix=BF16_D128
// RUN: attn-run %t/bf16_d128.mlir --function=bf16_d128 --pipeline=cpu --check | FileCheck %s --check-prefix=BF16_D128
// BF16_D128: result[0]: 1x4x31x128xbf16 [
// BF16_D128-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @bf16_d128(%q: tensor<1x4x31x128xbf16>, %k: tensor<1x4x67x128xbf16>, %v: tensor<1x4x67x128xbf16>)
    -> tensor<1x4x31x128xbf16> {
  %o = attn.sdpa %q, %k, %v {scale = 0.1 : f32}
       : (tensor<1x4x31x128xbf16>, tensor<1x4x67x128xbf16>, tensor<1x4x67x128xbf16>)
       -> tensor<1x4x31x128xbf16>
  return %o : tensor<1x4x31x128xbf16>
}

//--- bf16_gqa_dv.mlir
// RUN: attn-run %t/bf16_gqa_dv.mlir --function=bf16_gqa_dv --pipeline=reference --check | FileCheck %s --check-prefix=BF16_GQA_DV
// RUN: attn-run %t/bf16_gqa_dv.mlir --function=bf16_gqa_dv --pipeline=cpu --check | FileCheck %s --check-prefix=BF16_GQA_DV
// BF16_GQA_DV: result[0]: 1x8x19x128xbf16 [
// BF16_GQA_DV-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @bf16_gqa_dv(%q: tensor<1x8x19x64xbf16>, %k: tensor<1x2x23x64xbf16>, %v: tensor<1x2x23x128xbf16>)
    -> tensor<1x8x19x128xbf16> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x8x19x64xbf16>, tensor<1x2x23x64xbf16>, tensor<1x2x23x128xbf16>)
       -> tensor<1x8x19x128xbf16>
  return %o : tensor<1x8x19x128xbf16>
}
