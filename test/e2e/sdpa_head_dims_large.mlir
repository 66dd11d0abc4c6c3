// attn.sdpa (f32) with head dimensions D = 128 and 256, and batch 3.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- d128.mlir
// D = 128.
// RUN: attn-run %t/d128.mlir --function=d128 --pipeline=reference --check | FileCheck %s --check-prefix=D128
// RUN: attn-run %t/d128.mlir --function=d128 --pipeline=cpu --check | FileCheck %s --check-prefix=D128
// D128: result[0]: 1x2x31x128xf32 [
// D128-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @d128(%q: tensor<1x2x31x128xf32>, %k: tensor<1x2x67x128xf32>, %v: tensor<1x2x67x128xf32>)
    -> tensor<1x2x31x128xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x2x31x128xf32>, tensor<1x2x67x128xf32>, tensor<1x2x67x128xf32>)
       -> tensor<1x2x31x128xf32>
  return %o : tensor<1x2x31x128xf32>
}

//--- d256.mlir
// D = 256.
// RUN: attn-run %t/d256.mlir --function=d256 --pipeline=reference --check | FileCheck %s --check-prefix=D256
// RUN: attn-run %t/d256.mlir --function=d256 --pipeline=cpu --check | FileCheck %s --check-prefix=D256
// D256: result[0]: 1x2x17x256xf32 [
// D256-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @d256(%q: tensor<1x2x17x256xf32>, %k: tensor<1x2x45x256xf32>, %v: tensor<1x2x45x256xf32>)
    -> tensor<1x2x17x256xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x2x17x256xf32>, tensor<1x2x45x256xf32>, tensor<1x2x45x256xf32>)
       -> tensor<1x2x17x256xf32>
  return %o : tensor<1x2x17x256xf32>
}

//--- batch3.mlir
// Batch 3, Sq == Sk.
// RUN: attn-run %t/batch3.mlir --function=batch3 --pipeline=reference --check | FileCheck %s --check-prefix=BATCH3
// RUN: attn-run %t/batch3.mlir --function=batch3 --pipeline=cpu --check | FileCheck %s --check-prefix=BATCH3
// BATCH3: result[0]: 3x2x16x64xf32 [
// BATCH3-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @batch3(%q: tensor<3x2x16x64xf32>, %k: tensor<3x2x16x64xf32>, %v: tensor<3x2x16x64xf32>)
    -> tensor<3x2x16x64xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<3x2x16x64xf32>, tensor<3x2x16x64xf32>, tensor<3x2x16x64xf32>)
       -> tensor<3x2x16x64xf32>
  return %o : tensor<3x2x16x64xf32>
}
