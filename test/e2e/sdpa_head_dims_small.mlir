// attn.sdpa (f32) with head dimensions D = 16, 64 (explicit scale) and 80.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- d16.mlir
// D = 16, batch 2.
// RUN: attn-run %t/d16.mlir --function=d16 --pipeline=reference --check | FileCheck %s --check-prefix=D16
// RUN: attn-run %t/d16.mlir --function=d16 --pipeline=cpu --check | FileCheck %s --check-prefix=D16
// D16: result[0]: 2x2x33x16xf32 [
// D16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @d16(%q: tensor<2x2x33x16xf32>, %k: tensor<2x2x47x16xf32>, %v: tensor<2x2x47x16xf32>)
    -> tensor<2x2x33x16xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x2x33x16xf32>, tensor<2x2x47x16xf32>, tensor<2x2x47x16xf32>)
       -> tensor<2x2x33x16xf32>
  return %o : tensor<2x2x33x16xf32>
}

//--- d64_scale.mlir
// D = 64 with an explicit scale.
// RUN: attn-run %t/d64_scale.mlir --function=d64_scale --pipeline=reference --check | FileCheck %s --check-prefix=D64_SCALE
// RUN: attn-run %t/d64_scale.mlir --function=d64_scale --pipeline=cpu --check | FileCheck %s --check-prefix=D64_SCALE
// D64_SCALE: result[0]: 1x3x29x64xf32 [
// D64_SCALE-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @d64_scale(%q: tensor<1x3x29x64xf32>, %k: tensor<1x3x31x64xf32>, %v: tensor<1x3x31x64xf32>)
    -> tensor<1x3x29x64xf32> {
  %o = attn.sdpa %q, %k, %v {scale = 0.3 : f32}
       : (tensor<1x3x29x64xf32>, tensor<1x3x31x64xf32>, tensor<1x3x31x64xf32>)
       -> tensor<1x3x29x64xf32>
  return %o : tensor<1x3x29x64xf32>
}

//--- d80.mlir
// D = 80 (not a power of two).
// RUN: attn-run %t/d80.mlir --function=d80 --pipeline=reference --check | FileCheck %s --check-prefix=D80
// RUN: attn-run %t/d80.mlir --function=d80 --pipeline=cpu --check | FileCheck %s --check-prefix=D80
// D80: result[0]: 1x2x29x80xf32 [
// D80-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @d80(%q: tensor<1x2x29x80xf32>, %k: tensor<1x2x41x80xf32>, %v: tensor<1x2x41x80xf32>)
    -> tensor<1x2x29x80xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x2x29x80xf32>, tensor<1x2x41x80xf32>, tensor<1x2x41x80xf32>)
       -> tensor<1x2x29x80xf32>
  return %o : tensor<1x2x29x80xf32>
}
