// Decode with a dynamic cache length, and a few speculative rows in bf16.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- decode_batch_dyn.mlir
// Batch 2, dynamic cache length (1000).
// RUN: attn-run %t/decode_batch_dyn.mlir --function=decode_batch_dyn --pipeline=reference --check --input=2x32x1x128xf32=random:1 --input=2x8x1000x128xf32=random:2 --input=2x8x1000x128xf32=random:3 | FileCheck %s --check-prefix=DECODE_BATCH_DYN
// RUN: attn-run %t/decode_batch_dyn.mlir --function=decode_batch_dyn --pipeline=cpu --check --input=2x32x1x128xf32=random:1 --input=2x8x1000x128xf32=random:2 --input=2x8x1000x128xf32=random:3 | FileCheck %s --check-prefix=DECODE_BATCH_DYN
// DECODE_BATCH_DYN: result[0]: 2x32x1x128xf32 [
// DECODE_BATCH_DYN-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @decode_batch_dyn(%q: tensor<2x32x1x128xf32>, %k: tensor<2x8x?x128xf32>, %v: tensor<2x8x?x128xf32>)
    -> tensor<2x32x1x128xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<2x32x1x128xf32>, tensor<2x8x?x128xf32>, tensor<2x8x?x128xf32>)
       -> tensor<2x32x1x128xf32>
  return %o : tensor<2x32x1x128xf32>
}

//--- decode_spec.mlir
// Four speculative query rows against 517 cached keys, bf16.
// RUN: attn-run %t/decode_spec.mlir --function=decode_spec --pipeline=reference --check | FileCheck %s --check-prefix=DECODE_SPEC
// RUN: attn-run %t/decode_spec.mlir --function=decode_spec --pipeline=cpu --check | FileCheck %s --check-prefix=DECODE_SPEC
// DECODE_SPEC: result[0]: 1x32x4x128xbf16 [
// DECODE_SPEC-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @decode_spec(%q: tensor<1x32x4x128xbf16>, %k: tensor<1x8x517x128xbf16>, %v: tensor<1x8x517x128xbf16>)
    -> tensor<1x32x4x128xbf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x32x4x128xbf16>, tensor<1x8x517x128xbf16>, tensor<1x8x517x128xbf16>)
       -> tensor<1x32x4x128xbf16>
  return %o : tensor<1x32x4x128xbf16>
}
