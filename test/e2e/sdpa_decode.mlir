// Decode shapes: one new query row against a long KV cache (Llama-style GQA,
// H = 32, Hkv = 8, D = 128). With bottom-right causal alignment the single
// row sees the whole cache.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- decode.mlir
// RUN: attn-run %t/decode.mlir --function=decode --pipeline=reference --check | FileCheck %s --check-prefix=DECODE
// RUN: attn-run %t/decode.mlir --function=decode --pipeline=cpu --check | FileCheck %s --check-prefix=DECODE
// DECODE: result[0]: 1x32x1x128xf32 [
// DECODE-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @decode(%q: tensor<1x32x1x128xf32>, %k: tensor<1x8x4096x128xf32>, %v: tensor<1x8x4096x128xf32>)
    -> tensor<1x32x1x128xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x32x1x128xf32>, tensor<1x8x4096x128xf32>, tensor<1x8x4096x128xf32>)
       -> tensor<1x32x1x128xf32>
  return %o : tensor<1x32x1x128xf32>
}

//--- decode_f16.mlir
// RUN: attn-run %t/decode_f16.mlir --function=decode_f16 --pipeline=reference --check | FileCheck %s --check-prefix=DECODE_F16
// RUN: attn-run %t/decode_f16.mlir --function=decode_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=DECODE_F16
// DECODE_F16: result[0]: 1x32x1x128xf16 [
// DECODE_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @decode_f16(%q: tensor<1x32x1x128xf16>, %k: tensor<1x8x4096x128xf16>, %v: tensor<1x8x4096x128xf16>)
    -> tensor<1x32x1x128xf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x32x1x128xf16>, tensor<1x8x4096x128xf16>, tensor<1x8x4096x128xf16>)
       -> tensor<1x32x1x128xf16>
  return %o : tensor<1x32x1x128xf16>
}
