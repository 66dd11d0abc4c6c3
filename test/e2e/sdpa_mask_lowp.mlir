// Masks on f16 / bf16 inputs: additive masks of the element type and i1.
// Masks are random: i1 with P(true) = 3/4, float uniform in [-1, 1].
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- f16_add.mlir
// Additive f16 mask on f16 q/k/v.
// RUN: attn-run %t/f16_add.mlir --function=f16_add --pipeline=reference --check | FileCheck %s --check-prefix=F16_ADD
// RUN: attn-run %t/f16_add.mlir --function=f16_add --pipeline=cpu --check | FileCheck %s --check-prefix=F16_ADD
// F16_ADD: result[0]: 2x4x37x64xf16 [
// F16_ADD-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f16_add(%q: tensor<2x4x37x64xf16>, %k: tensor<2x4x53x64xf16>, %v: tensor<2x4x53x64xf16>, %m: tensor<2x1x37x53xf16>)
    -> tensor<2x4x37x64xf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x37x64xf16>, tensor<2x4x53x64xf16>, tensor<2x4x53x64xf16>, tensor<2x1x37x53xf16>)
       -> tensor<2x4x37x64xf16>
  return %o : tensor<2x4x37x64xf16>
}

//--- bf16_add.mlir
// Additive bf16 mask on bf16 q/k/v.
// RUN: attn-run %t/bf16_add.mlir --function=bf16_add --pipeline=reference --check | FileCheck %s --check-prefix=BF16_ADD
// RUN: attn-run %t/bf16_add.mlir --function=bf16_add --pipeline=cpu --check | FileCheck %s --check-prefix=BF16_ADD
// BF16_ADD: result[0]: 2x4x37x64xbf16 [
// BF16_ADD-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @bf16_add(%q: tensor<2x4x37x64xbf16>, %k: tensor<2x4x53x64xbf16>, %v: tensor<2x4x53x64xbf16>, %m: tensor<1x4x37x53xbf16>)
    -> tensor<2x4x37x64xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x37x64xbf16>, tensor<2x4x53x64xbf16>, tensor<2x4x53x64xbf16>, tensor<1x4x37x53xbf16>)
       -> tensor<2x4x37x64xbf16>
  return %o : tensor<2x4x37x64xbf16>
}

//--- i1_f16.mlir
// i1 mask on f16.
// RUN: attn-run %t/i1_f16.mlir --function=i1_f16 --pipeline=reference --check | FileCheck %s --check-prefix=I1_F16
// RUN: attn-run %t/i1_f16.mlir --function=i1_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=I1_F16
// I1_F16: result[0]: 1x4x37x64xf16 [
// I1_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @i1_f16(%q: tensor<1x4x37x64xf16>, %k: tensor<1x4x53x64xf16>, %v: tensor<1x4x53x64xf16>, %m: tensor<1x1x37x53xi1>)
    -> tensor<1x4x37x64xf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x4x37x64xf16>, tensor<1x4x53x64xf16>, tensor<1x4x53x64xf16>, tensor<1x1x37x53xi1>)
       -> tensor<1x4x37x64xf16>
  return %o : tensor<1x4x37x64xf16>
}

//--- i1_bf16.mlir
// i1 mask on bf16.
// RUN: attn-run %t/i1_bf16.mlir --function=i1_bf16 --pipeline=reference --check | FileCheck %s --check-prefix=I1_BF16
// RUN: attn-run %t/i1_bf16.mlir --function=i1_bf16 --pipeline=cpu --check | FileCheck %s --check-prefix=I1_BF16
// I1_BF16: result[0]: 2x4x37x64xbf16 [
// I1_BF16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @i1_bf16(%q: tensor<2x4x37x64xbf16>, %k: tensor<2x4x53x64xbf16>, %v: tensor<2x4x53x64xbf16>, %m: tensor<2x4x37x53xi1>)
    -> tensor<2x4x37x64xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x37x64xbf16>, tensor<2x4x53x64xbf16>, tensor<2x4x53x64xbf16>, tensor<2x4x37x53xi1>)
       -> tensor<2x4x37x64xbf16>
  return %o : tensor<2x4x37x64xbf16>
}
