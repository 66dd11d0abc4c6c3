// attn.sdpa with a value head dimension Dv different from D.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- dv_lt_d.mlir
// Dv = 32 < D = 64.
// RUN: attn-run %t/dv_lt_d.mlir --function=dv_lt_d --pipeline=reference --check | FileCheck %s --check-prefix=DV_LT_D
// RUN: attn-run %t/dv_lt_d.mlir --function=dv_lt_d --pipeline=cpu --check | FileCheck %s --check-prefix=DV_LT_D
// DV_LT_D: result[0]: 2x4x19x32xf32 [
// DV_LT_D-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dv_lt_d(%q: tensor<2x4x19x64xf32>, %k: tensor<2x4x23x64xf32>, %v: tensor<2x4x23x32xf32>)
    -> tensor<2x4x19x32xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x4x19x64xf32>, tensor<2x4x23x64xf32>, tensor<2x4x23x32xf32>)
       -> tensor<2x4x19x32xf32>
  return %o : tensor<2x4x19x32xf32>
}

//--- dv_gt_d.mlir
// Dv = 80 > D = 16.
// RUN: attn-run %t/dv_gt_d.mlir --function=dv_gt_d --pipeline=reference --check | FileCheck %s --check-prefix=DV_GT_D
// RUN: attn-run %t/dv_gt_d.mlir --function=dv_gt_d --pipeline=cpu --check | FileCheck %s --check-prefix=DV_GT_D
// DV_GT_D: result[0]: 2x2x21x80xf32 [
// DV_GT_D-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dv_gt_d(%q: tensor<2x2x21x16xf32>, %k: tensor<2x2x27x16xf32>, %v: tensor<2x2x27x80xf32>)
    -> tensor<2x2x21x80xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x2x21x16xf32>, tensor<2x2x27x16xf32>, tensor<2x2x27x80xf32>)
       -> tensor<2x2x21x80xf32>
  return %o : tensor<2x2x21x80xf32>
}

//--- dv_gt_d_f16.mlir
// Dv = 256 > D = 64, f16, causal.
// RUN: attn-run %t/dv_gt_d_f16.mlir --function=dv_gt_d_f16 --pipeline=reference --check | FileCheck %s --check-prefix=DV_GT_D_F16
// RUN: attn-run %t/dv_gt_d_f16.mlir --function=dv_gt_d_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=DV_GT_D_F16
// DV_GT_D_F16: result[0]: 1x2x21x256xf16 [
// DV_GT_D_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dv_gt_d_f16(%q: tensor<1x2x21x64xf16>, %k: tensor<1x2x27x64xf16>, %v: tensor<1x2x27x256xf16>)
    -> tensor<1x2x21x256xf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x2x21x64xf16>, tensor<1x2x27x64xf16>, tensor<1x2x27x256xf16>)
       -> tensor<1x2x21x256xf16>
  return %o : tensor<1x2x21x256xf16>
}
