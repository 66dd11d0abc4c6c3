// Additive f32 masks on f32, f16 and bf16 inputs.
// Masks are random: i1 with P(true) = 3/4, float uniform in [-1, 1].
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- f32_add.mlir
// Additive f32 mask, B x H x Sq x Sk.
// RUN: attn-run %t/f32_add.mlir --function=f32_add --pipeline=reference --check | FileCheck %s --check-prefix=F32_ADD
// RUN: attn-run %t/f32_add.mlir --function=f32_add --pipeline=cpu --check | FileCheck %s --check-prefix=F32_ADD
// F32_ADD: result[0]: 2x4x37x64xf32 [
// F32_ADD-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f32_add(%q: tensor<2x4x37x64xf32>, %k: tensor<2x4x53x64xf32>, %v: tensor<2x4x53x64xf32>, %m: tensor<2x4x37x53xf32>)
    -> tensor<2x4x37x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x37x64xf32>, tensor<2x4x53x64xf32>, tensor<2x4x53x64xf32>, tensor<2x4x37x53xf32>)
       -> tensor<2x4x37x64xf32>
  return %o : tensor<2x4x37x64xf32>
}

//--- f32_add_11.mlir
// Additive f32 mask, 1 x 1 x Sq x Sk.
// RUN: attn-run %t/f32_add_11.mlir --function=f32_add_11 --pipeline=reference --check | FileCheck %s --check-prefix=F32_ADD_11
// RUN: attn-run %t/f32_add_11.mlir --function=f32_add_11 --pipeline=cpu --check | FileCheck %s --check-prefix=F32_ADD_11
// F32_ADD_11: result[0]: 2x4x37x64xf32 [
// F32_ADD_11-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f32_add_11(%q: tensor<2x4x37x64xf32>, %k: tensor<2x4x53x64xf32>, %v: tensor<2x4x53x64xf32>, %m: tensor<1x1x37x53xf32>)
    -> tensor<2x4x37x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x37x64xf32>, tensor<2x4x53x64xf32>, tensor<2x4x53x64xf32>, tensor<1x1x37x53xf32>)
       -> tensor<2x4x37x64xf32>
  return %o : tensor<2x4x37x64xf32>
}

//--- f32_add_on_f16.mlir
// Additive f32 mask on f16 q/k/v.
// RUN: attn-run %t/f32_add_on_f16.mlir --function=f32_add_on_f16 --pipeline=reference --check | FileCheck %s --check-prefix=F32_ADD_ON_F16
// RUN: attn-run %t/f32_add_on_f16.mlir --function=f32_add_on_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=F32_ADD_ON_F16
// F32_ADD_ON_F16: result[0]: 1x4x37x64xf16 [
// F32_ADD_ON_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f32_add_on_f16(%q: tensor<1x4x37x64xf16>, %k: tensor<1x4x53x64xf16>, %v: tensor<1x4x53x64xf16>, %m: tensor<1x1x37x53xf32>)
    -> tensor<1x4x37x64xf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x4x37x64xf16>, tensor<1x4x53x64xf16>, tensor<1x4x53x64xf16>, tensor<1x1x37x53xf32>)
       -> tensor<1x4x37x64xf16>
  return %o : tensor<1x4x37x64xf16>
}

//--- f32_add_on_bf16.mlir
// Additive f32 mask on bf16 q/k/v.
// RUN: attn-run %t/f32_add_on_bf16.mlir --function=f32_add_on_bf16 --pipeline=reference --check | FileCheck %s --check-prefix=F32_ADD_ON_BF16
// RUN: attn-run %t/f32_add_on_bf16.mlir --function=f32_add_on_bf16 --pipeline=cpu --check | FileCheck %s --check-prefix=F32_ADD_ON_BF16
// F32_ADD_ON_BF16: result[0]: 1x2x37x64xbf16 [
// F32_ADD_ON_BF16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f32_add_on_bf16(%q: tensor<1x2x37x64xbf16>, %k: tensor<1x2x53x64xbf16>, %v: tensor<1x2x53x64xbf16>, %m: tensor<1x2x37x53xf32>)
    -> tensor<1x2x37x64xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x2x37x64xbf16>, tensor<1x2x53x64xbf16>, tensor<1x2x53x64xbf16>, tensor<1x2x37x53xf32>)
       -> tensor<1x2x37x64xbf16>
  return %o : tensor<1x2x37x64xbf16>
}
