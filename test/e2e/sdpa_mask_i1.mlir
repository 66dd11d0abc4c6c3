// i1 masks (true = attend) of every broadcast form.
// Masks are random: i1 with P(true) = 3/4, float uniform in [-1, 1].
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- i1_b1.mlir
// i1 mask of shape B x 1 x Sq x Sk.
// RUN: attn-run %t/i1_b1.mlir --function=i1_b1 --pipeline=reference --check | FileCheck %s --check-prefix=I1_B1
// RUN: attn-run %t/i1_b1.mlir --function=i1_b1 --pipeline=cpu --check | FileCheck %s --check-prefix=I1_B1
// I1_B1: result[0]: 2x4x37x64xf32 [
// I1_B1-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @i1_b1(%q: tensor<2x4x37x64xf32>, %k: tensor<2x4x53x64xf32>, %v: tensor<2x4x53x64xf32>, %m: tensor<2x1x37x53xi1>)
    -> tensor<2x4x37x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x37x64xf32>, tensor<2x4x53x64xf32>, tensor<2x4x53x64xf32>, tensor<2x1x37x53xi1>)
       -> tensor<2x4x37x64xf32>
  return %o : tensor<2x4x37x64xf32>
}

//--- i1_11.mlir
// i1 mask of shape 1 x 1 x Sq x Sk.
// RUN: attn-run %t/i1_11.mlir --function=i1_11 --pipeline=reference --check | FileCheck %s --check-prefix=I1_11
// RUN: attn-run %t/i1_11.mlir --function=i1_11 --pipeline=cpu --check | FileCheck %s --check-prefix=I1_11
// I1_11: result[0]: 2x4x37x64xf32 [
// I1_11-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @i1_11(%q: tensor<2x4x37x64xf32>, %k: tensor<2x4x53x64xf32>, %v: tensor<2x4x53x64xf32>, %m: tensor<1x1x37x53xi1>)
    -> tensor<2x4x37x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x37x64xf32>, tensor<2x4x53x64xf32>, tensor<2x4x53x64xf32>, tensor<1x1x37x53xi1>)
       -> tensor<2x4x37x64xf32>
  return %o : tensor<2x4x37x64xf32>
}

//--- i1_bh.mlir
// i1 mask of shape B x H x Sq x Sk.
// RUN: attn-run %t/i1_bh.mlir --function=i1_bh --pipeline=reference --check | FileCheck %s --check-prefix=I1_BH
// RUN: attn-run %t/i1_bh.mlir --function=i1_bh --pipeline=cpu --check | FileCheck %s --check-prefix=I1_BH
// I1_BH: result[0]: 2x4x37x64xf32 [
// I1_BH-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @i1_bh(%q: tensor<2x4x37x64xf32>, %k: tensor<2x4x53x64xf32>, %v: tensor<2x4x53x64xf32>, %m: tensor<2x4x37x53xi1>)
    -> tensor<2x4x37x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x37x64xf32>, tensor<2x4x53x64xf32>, tensor<2x4x53x64xf32>, tensor<2x4x37x53xi1>)
       -> tensor<2x4x37x64xf32>
  return %o : tensor<2x4x37x64xf32>
}

//--- i1_1h.mlir
// i1 mask of shape 1 x H x Sq x Sk.
// RUN: attn-run %t/i1_1h.mlir --function=i1_1h --pipeline=reference --check | FileCheck %s --check-prefix=I1_1H
// RUN: attn-run %t/i1_1h.mlir --function=i1_1h --pipeline=cpu --check | FileCheck %s --check-prefix=I1_1H
// I1_1H: result[0]: 2x4x19x32xf32 [
// I1_1H-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @i1_1h(%q: tensor<2x4x19x32xf32>, %k: tensor<2x4x23x32xf32>, %v: tensor<2x4x23x32xf32>, %m: tensor<1x4x19x23xi1>)
    -> tensor<2x4x19x32xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x19x32xf32>, tensor<2x4x23x32xf32>, tensor<2x4x23x32xf32>, tensor<1x4x19x23xi1>)
       -> tensor<2x4x19x32xf32>
  return %o : tensor<2x4x19x32xf32>
}
