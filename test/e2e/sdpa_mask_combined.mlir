// Masks combined with causal, GQA, MQA and an explicit scale.
// Masks are random: i1 with P(true) = 3/4, float uniform in [-1, 1].
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- i1_causal.mlir
// i1 mask and causal together (Sq < Sk).
// RUN: attn-run %t/i1_causal.mlir --function=i1_causal --pipeline=reference --check | FileCheck %s --check-prefix=I1_CAUSAL
// RUN: attn-run %t/i1_causal.mlir --function=i1_causal --pipeline=cpu --check | FileCheck %s --check-prefix=I1_CAUSAL
// I1_CAUSAL: result[0]: 2x4x37x64xf32 [
// I1_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @i1_causal(%q: tensor<2x4x37x64xf32>, %k: tensor<2x4x53x64xf32>, %v: tensor<2x4x53x64xf32>, %m: tensor<2x1x37x53xi1>)
    -> tensor<2x4x37x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {causal}
       : (tensor<2x4x37x64xf32>, tensor<2x4x53x64xf32>, tensor<2x4x53x64xf32>, tensor<2x1x37x53xi1>)
       -> tensor<2x4x37x64xf32>
  return %o : tensor<2x4x37x64xf32>
}

//--- f32_causal.mlir
// Additive mask and causal together (Sq == Sk).
// RUN: attn-run %t/f32_causal.mlir --function=f32_causal --pipeline=reference --check | FileCheck %s --check-prefix=F32_CAUSAL
// RUN: attn-run %t/f32_causal.mlir --function=f32_causal --pipeline=cpu --check | FileCheck %s --check-prefix=F32_CAUSAL
// F32_CAUSAL: result[0]: 1x4x37x64xf32 [
// F32_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f32_causal(%q: tensor<1x4x37x64xf32>, %k: tensor<1x4x37x64xf32>, %v: tensor<1x4x37x64xf32>, %m: tensor<1x4x37x37xf32>)
    -> tensor<1x4x37x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {causal}
       : (tensor<1x4x37x64xf32>, tensor<1x4x37x64xf32>, tensor<1x4x37x64xf32>, tensor<1x4x37x37xf32>)
       -> tensor<1x4x37x64xf32>
  return %o : tensor<1x4x37x64xf32>
}

//--- i1_gqa.mlir
// i1 mask per query head with GQA.
// RUN: attn-run %t/i1_gqa.mlir --function=i1_gqa --pipeline=reference --check | FileCheck %s --check-prefix=I1_GQA
// RUN: attn-run %t/i1_gqa.mlir --function=i1_gqa --pipeline=cpu --check | FileCheck %s --check-prefix=I1_GQA
// I1_GQA: result[0]: 2x8x21x64xf32 [
// I1_GQA-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @i1_gqa(%q: tensor<2x8x21x64xf32>, %k: tensor<2x2x35x64xf32>, %v: tensor<2x2x35x64xf32>, %m: tensor<2x8x21x35xi1>)
    -> tensor<2x8x21x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x8x21x64xf32>, tensor<2x2x35x64xf32>, tensor<2x2x35x64xf32>, tensor<2x8x21x35xi1>)
       -> tensor<2x8x21x64xf32>
  return %o : tensor<2x8x21x64xf32>
}

//--- f32_mqa_scale.mlir
// Additive mask per query head with MQA, explicit scale, Dv != D.
// RUN: attn-run %t/f32_mqa_scale.mlir --function=f32_mqa_scale --pipeline=reference --check | FileCheck %s --check-prefix=F32_MQA_SCALE
// RUN: attn-run %t/f32_mqa_scale.mlir --function=f32_mqa_scale --pipeline=cpu --check | FileCheck %s --check-prefix=F32_MQA_SCALE
// F32_MQA_SCALE: result[0]: 1x8x21x48xf32 [
// F32_MQA_SCALE-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f32_mqa_scale(%q: tensor<1x8x21x64xf32>, %k: tensor<1x1x35x64xf32>, %v: tensor<1x1x35x48xf32>, %m: tensor<1x8x21x35xf32>)
    -> tensor<1x8x21x48xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {scale = 0.5 : f32}
       : (tensor<1x8x21x64xf32>, tensor<1x1x35x64xf32>, tensor<1x1x35x48xf32>, tensor<1x8x21x35xf32>)
       -> tensor<1x8x21x48xf32>
  return %o : tensor<1x8x21x48xf32>
}
