// attn.sdpa with head sizes above 128 in f16/bf16: on the GPU these take the
// tensor-core kernel with Q in shared memory and 32-key tiles (the nvvm
// suite and ptxas spread tests run every function here); on the CPU the
// fused pipeline, checked against the float64 oracle.
//
// RUN: rm -rf %t && split-file %s %t

//--- wide_d256_causal_f16.mlir
// D = Dv = 256, f16, causal, Sq != Sk.
// RUN: attn-run %t/wide_d256_causal_f16.mlir --function=wide_d256_causal_f16 --pipeline=reference --check | FileCheck %s --check-prefix=D256
// RUN: attn-run %t/wide_d256_causal_f16.mlir --function=wide_d256_causal_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=D256
// D256: result[0]: 1x4x70x256xf16 [
// D256-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @wide_d256_causal_f16(%q: tensor<1x4x70x256xf16>, %k: tensor<1x4x90x256xf16>, %v: tensor<1x4x90x256xf16>)
    -> tensor<1x4x70x256xf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x4x70x256xf16>, tensor<1x4x90x256xf16>, tensor<1x4x90x256xf16>)
       -> tensor<1x4x70x256xf16>
  return %o : tensor<1x4x70x256xf16>
}

//--- wide_d192_gqa_bf16.mlir
// D = 192, Dv = 128, bf16, GQA (4 query heads on 2 kv heads), additive mask
// broadcast over the batch.
// RUN: attn-run %t/wide_d192_gqa_bf16.mlir --function=wide_d192_gqa_bf16 --pipeline=reference --check | FileCheck %s --check-prefix=D192
// RUN: attn-run %t/wide_d192_gqa_bf16.mlir --function=wide_d192_gqa_bf16 --pipeline=cpu --check | FileCheck %s --check-prefix=D192
// D192: result[0]: 2x4x33x128xbf16 [
// D192-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @wide_d192_gqa_bf16(%q: tensor<2x4x33x192xbf16>, %k: tensor<2x2x100x192xbf16>, %v: tensor<2x2x100x128xbf16>, %m: tensor<1x4x33x100xbf16>)
    -> tensor<2x4x33x128xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x33x192xbf16>, tensor<2x2x100x192xbf16>, tensor<2x2x100x128xbf16>, tensor<1x4x33x100xbf16>)
       -> tensor<2x4x33x128xbf16>
  return %o : tensor<2x4x33x128xbf16>
}

//--- wide_decode_d256_f16.mlir
// Decode with D = 256: one query row, 8 query heads on 2 kv heads.
// RUN: attn-run %t/wide_decode_d256_f16.mlir --function=wide_decode_d256_f16 --pipeline=reference --check | FileCheck %s --check-prefix=DEC
// RUN: attn-run %t/wide_decode_d256_f16.mlir --function=wide_decode_d256_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=DEC
// DEC: result[0]: 1x8x1x256xf16 [
// DEC-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @wide_decode_d256_f16(%q: tensor<1x8x1x256xf16>, %k: tensor<1x2x300x256xf16>, %v: tensor<1x2x300x256xf16>)
    -> tensor<1x8x1x256xf16> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x8x1x256xf16>, tensor<1x2x300x256xf16>, tensor<1x2x300x256xf16>)
       -> tensor<1x8x1x256xf16>
  return %o : tensor<1x8x1x256xf16>
}
