// attn.sdpa in f16 (accumulation in f32) against the oracle with the f16 tolerance.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- f16_basic.mlir
// RUN: attn-run %t/f16_basic.mlir --function=f16_basic --pipeline=reference --check | FileCheck %s --check-prefix=F16_BASIC
// RUN: attn-run %t/f16_basic.mlir --function=f16_basic --pipeline=cpu --check | FileCheck %s --check-prefix=F16_BASIC
// F16_BASIC: result[0]: 2x4x37x64xf16 [
// F16_BASIC-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f16_basic(%q: tensor<2x4x37x64xf16>, %k: tensor<2x4x53x64xf16>, %v: tensor<2x4x53x64xf16>)
    -> tensor<2x4x37x64xf16> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x4x37x64xf16>, tensor<2x4x53x64xf16>, tensor<2x4x53x64xf16>)
       -> tensor<2x4x37x64xf16>
  return %o : tensor<2x4x37x64xf16>
}

//--- f16_d128_causal.mlir
// RUN: attn-run %t/f16_d128_causal.mlir --function=f16_d128_causal --pipeline=reference --check | FileCheck %s --check-prefix=F16_D128_CAUSAL
// RUN: attn-run %t/f16_d128_causal.mlir --function=f16_d128_causal --pipeline=cpu --check | FileCheck %s --check-prefix=F16_D128_CAUSAL
// F16_D128_CAUSAL: result[0]: 1x4x31x128xf16 [
// F16_D128_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f16_d128_causal(%q: tensor<1x4x31x128xf16>, %k: tensor<1x4x31x128xf16>, %v: tensor<1x4x31x128xf16>)
    -> tensor<1x4x31x128xf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x4x31x128xf16>, tensor<1x4x31x128xf16>, tensor<1x4x31x128xf16>)
       -> tensor<1x4x31x128xf16>
  return %o : tensor<1x4x31x128xf16>
}

//--- f16_d16.mlir
// RUN: attn-run %t/f16_d16.mlir --function=f16_d16 --pipeline=reference --check | FileCheck %s --check-prefix=F16_D16
// RUN: attn-run %t/f16_d16.mlir --function=f16_d16 --pipeline=cpu --check | FileCheck %s --check-prefix=F16_D16
// F16_D16: result[0]: 2x2x33x16xf16 [
// F16_D16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f16_d16(%q: tensor<2x2x33x16xf16>, %k: tensor<2x2x47x16xf16>, %v: tensor<2x2x47x16xf16>)
    -> tensor<2x2x33x16xf16> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x2x33x16xf16>, tensor<2x2x47x16xf16>, tensor<2x2x47x16xf16>)
       -> tensor<2x2x33x16xf16>
  return %o : tensor<2x2x33x16xf16>
}

//--- f16_d256.mlir
// RUN: attn-run %t/f16_d256.mlir --function=f16_d256 --pipeline=reference --check | FileCheck %s --check-prefix=F16_D256
// RUN: attn-run %t/f16_d256.mlir --function=f16_d256 --pipeline=cpu --check | FileCheck %s --check-prefix=F16_D256
// F16_D256: result[0]: 1x2x17x256xf16 [
// F16_D256-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @f16_d256(%q: tensor<1x2x17x256xf16>, %k: tensor<1x2x45x256xf16>, %v: tensor<1x2x45x256xf16>)
    -> tensor<1x2x17x256xf16> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x2x17x256xf16>, tensor<1x2x45x256xf16>, tensor<1x2x45x256xf16>)
       -> tensor<1x2x17x256xf16>
  return %o : tensor<1x2x17x256xf16>
}
