// Grouped-query attention: query head h reads kv head h / (H / Hkv).
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- gqa.mlir
// GQA, H = 8, Hkv = 2, batch 2.
// RUN: attn-run %t/gqa.mlir --function=gqa --pipeline=reference --check | FileCheck %s --check-prefix=GQA
// RUN: attn-run %t/gqa.mlir --function=gqa --pipeline=cpu --check | FileCheck %s --check-prefix=GQA
// GQA: result[0]: 2x8x21x64xf32 [
// GQA-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @gqa(%q: tensor<2x8x21x64xf32>, %k: tensor<2x2x35x64xf32>, %v: tensor<2x2x35x64xf32>)
    -> tensor<2x8x21x64xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x8x21x64xf32>, tensor<2x2x35x64xf32>, tensor<2x2x35x64xf32>)
       -> tensor<2x8x21x64xf32>
  return %o : tensor<2x8x21x64xf32>
}

//--- gqa_h12.mlir
// GQA, H = 12, Hkv = 4 (groups of 3).
// RUN: attn-run %t/gqa_h12.mlir --function=gqa_h12 --pipeline=reference --check | FileCheck %s --check-prefix=GQA_H12
// RUN: attn-run %t/gqa_h12.mlir --function=gqa_h12 --pipeline=cpu --check | FileCheck %s --check-prefix=GQA_H12
// GQA_H12: result[0]: 1x12x17x32xf32 [
// GQA_H12-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @gqa_h12(%q: tensor<1x12x17x32xf32>, %k: tensor<1x4x23x32xf32>, %v: tensor<1x4x23x32xf32>)
    -> tensor<1x12x17x32xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x12x17x32xf32>, tensor<1x4x23x32xf32>, tensor<1x4x23x32xf32>)
       -> tensor<1x12x17x32xf32>
  return %o : tensor<1x12x17x32xf32>
}

//--- gqa_causal_dv.mlir
// GQA + causal + Dv != D.
// RUN: attn-run %t/gqa_causal_dv.mlir --function=gqa_causal_dv --pipeline=reference --check | FileCheck %s --check-prefix=GQA_CAUSAL_DV
// RUN: attn-run %t/gqa_causal_dv.mlir --function=gqa_causal_dv --pipeline=cpu --check | FileCheck %s --check-prefix=GQA_CAUSAL_DV
// GQA_CAUSAL_DV: result[0]: 2x8x19x16xf32 [
// GQA_CAUSAL_DV-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @gqa_causal_dv(%q: tensor<2x8x19x64xf32>, %k: tensor<2x2x25x64xf32>, %v: tensor<2x2x25x16xf32>)
    -> tensor<2x8x19x16xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<2x8x19x64xf32>, tensor<2x2x25x64xf32>, tensor<2x2x25x16xf32>)
       -> tensor<2x8x19x16xf32>
  return %o : tensor<2x8x19x16xf32>
}
