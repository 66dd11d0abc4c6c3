// attn.sdpa with dynamic dimensions in f16 and bf16.
// Dynamic dimensions bound at run time with --input=SHAPE=random.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- dyn_f16.mlir
// Dynamic f16, causal, Sq == Sk.
// RUN: attn-run %t/dyn_f16.mlir --function=dyn_f16 --pipeline=reference --check --input=2x4x29x128xf16=random:1 --input=2x4x29x128xf16=random:2 --input=2x4x29x128xf16=random:3 | FileCheck %s --check-prefix=DYN_F16
// RUN: attn-run %t/dyn_f16.mlir --function=dyn_f16 --pipeline=cpu --check --input=2x4x29x128xf16=random:1 --input=2x4x29x128xf16=random:2 --input=2x4x29x128xf16=random:3 | FileCheck %s --check-prefix=DYN_F16
// DYN_F16: result[0]: 2x4x29x128xf16 [
// DYN_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_f16(%q: tensor<?x4x?x128xf16>, %k: tensor<?x4x?x128xf16>, %v: tensor<?x4x?x128xf16>)
    -> tensor<?x4x?x128xf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<?x4x?x128xf16>, tensor<?x4x?x128xf16>, tensor<?x4x?x128xf16>)
       -> tensor<?x4x?x128xf16>
  return %o : tensor<?x4x?x128xf16>
}

//--- dyn_bf16_mask.mlir
// Dynamic bf16 with a bf16 additive mask.
// RUN: attn-run %t/dyn_bf16_mask.mlir --function=dyn_bf16_mask --pipeline=reference --check --input=1x4x23x64xbf16=random:1 --input=1x4x31x64xbf16=random:2 --input=1x4x31x64xbf16=random:3 --input=1x1x23x31xbf16=random:4 | FileCheck %s --check-prefix=DYN_BF16_MASK
// RUN: attn-run %t/dyn_bf16_mask.mlir --function=dyn_bf16_mask --pipeline=cpu --check --input=1x4x23x64xbf16=random:1 --input=1x4x31x64xbf16=random:2 --input=1x4x31x64xbf16=random:3 --input=1x1x23x31xbf16=random:4 | FileCheck %s --check-prefix=DYN_BF16_MASK
// DYN_BF16_MASK: result[0]: 1x4x23x64xbf16 [
// DYN_BF16_MASK-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_bf16_mask(%q: tensor<?x4x?x64xbf16>, %k: tensor<?x4x?x64xbf16>, %v: tensor<?x4x?x64xbf16>, %m: tensor<1x1x?x?xbf16>)
    -> tensor<?x4x?x64xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<1x1x?x?xbf16>)
       -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}
