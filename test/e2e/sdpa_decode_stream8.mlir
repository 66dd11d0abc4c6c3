// The 8-row streaming decode kernel of the flash lowering (tasks with 5 to
// 8 query rows, D % 8 == 0, no mask: one pass over the keys, two at a time,
// one score vector per key, with clamped rows, -inf for a missing second key
// and causally hidden pairs, and a rescale when a row maximum grows), on its
// edge cases, checked against the float64 oracle. (The 4-row kernel:
// sdpa_decode_stream.mlir.)
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- rows8_gqa8_causal.mlir
// Sq = 1 with 8 query heads per kv head (the 8-row stream's main use), causal, 1000 keys split across tasks (2 kv heads: flash-decoding), f32.
// RUN: attn-run %t/rows8_gqa8_causal.mlir --function=rows8_gqa8_causal --pipeline=cpu --check | FileCheck %s --check-prefix=ROWS8_GQA8_CAUSAL
// RUN: attn-run %t/rows8_gqa8_causal.mlir --function=rows8_gqa8_causal --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=ROWS8_GQA8_CAUSAL
// ROWS8_GQA8_CAUSAL: result[0]: 1x16x1x64xf32 [
// ROWS8_GQA8_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @rows8_gqa8_causal(%q: tensor<1x16x1x64xf32>, %k: tensor<1x2x1000x64xf32>, %v: tensor<1x2x1000x64xf32>) -> tensor<1x16x1x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x16x1x64xf32>, tensor<1x2x1000x64xf32>, tensor<1x2x1000x64xf32>) -> tensor<1x16x1x64xf32>
  return %o : tensor<1x16x1x64xf32>
}

//--- rows5_causal_dv20.mlir
// Five rows of one head (G = 1, Sq = 5) with bottom-right causal alignment: each sees a different number of the 37 keys (33 to 37, so the last key pair may have one key); three clamped rows repeat the fifth; Dv = 20 uses masked V loads.
// RUN: attn-run %t/rows5_causal_dv20.mlir --function=rows5_causal_dv20 --pipeline=cpu --check | FileCheck %s --check-prefix=ROWS5_CAUSAL_DV20
// RUN: attn-run %t/rows5_causal_dv20.mlir --function=rows5_causal_dv20 --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=ROWS5_CAUSAL_DV20
// ROWS5_CAUSAL_DV20: result[0]: 1x2x5x20xf32 [
// ROWS5_CAUSAL_DV20-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @rows5_causal_dv20(%q: tensor<1x2x5x16xf32>, %k: tensor<1x2x37x16xf32>, %v: tensor<1x2x37x20xf32>) -> tensor<1x2x5x20xf32> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x2x5x16xf32>, tensor<1x2x37x16xf32>, tensor<1x2x37x20xf32>) -> tensor<1x2x5x20xf32>
  return %o : tensor<1x2x5x20xf32>
}

//--- rows6_gqa3_sq2_f16.mlir
// Six rows: GQA 3 with Sq = 2 (rows of different heads and query indices in one task), causal, f16.
// RUN: attn-run %t/rows6_gqa3_sq2_f16.mlir --function=rows6_gqa3_sq2_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=ROWS6_GQA3_SQ2_F16
// RUN: attn-run %t/rows6_gqa3_sq2_f16.mlir --function=rows6_gqa3_sq2_f16 --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=ROWS6_GQA3_SQ2_F16
// ROWS6_GQA3_SQ2_F16: result[0]: 1x6x2x32xf16 [
// ROWS6_GQA3_SQ2_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @rows6_gqa3_sq2_f16(%q: tensor<1x6x2x32xf16>, %k: tensor<1x2x50x32xf16>, %v: tensor<1x2x50x32xf16>) -> tensor<1x6x2x32xf16> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x6x2x32xf16>, tensor<1x2x50x32xf16>, tensor<1x2x50x32xf16>) -> tensor<1x6x2x32xf16>
  return %o : tensor<1x6x2x32xf16>
}

//--- rows7_hidden_bf16.mlir
// Sq > Sk, causal: seven rows against 4 keys, the first three see no key and must be zeros; bf16.
// RUN: attn-run %t/rows7_hidden_bf16.mlir --function=rows7_hidden_bf16 --pipeline=cpu --check | FileCheck %s --check-prefix=ROWS7_HIDDEN_BF16
// RUN: attn-run %t/rows7_hidden_bf16.mlir --function=rows7_hidden_bf16 --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=ROWS7_HIDDEN_BF16
// ROWS7_HIDDEN_BF16: result[0]: 1x1x7x32xbf16 [
// ROWS7_HIDDEN_BF16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @rows7_hidden_bf16(%q: tensor<1x1x7x32xbf16>, %k: tensor<1x1x4x32xbf16>, %v: tensor<1x1x4x32xbf16>) -> tensor<1x1x7x32xbf16> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x1x7x32xbf16>, tensor<1x1x4x32xbf16>, tensor<1x1x4x32xbf16>) -> tensor<1x1x7x32xbf16>
  return %o : tensor<1x1x7x32xbf16>
}

//--- rows8_one_key.mlir
// Eight rows (GQA 4, Sq = 2) against a single key, not causal.
// RUN: attn-run %t/rows8_one_key.mlir --function=rows8_one_key --pipeline=cpu --check | FileCheck %s --check-prefix=ROWS8_ONE_KEY
// RUN: attn-run %t/rows8_one_key.mlir --function=rows8_one_key --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=ROWS8_ONE_KEY
// ROWS8_ONE_KEY: result[0]: 1x8x2x8xf32 [
// ROWS8_ONE_KEY-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @rows8_one_key(%q: tensor<1x8x2x8xf32>, %k: tensor<1x2x1x8xf32>, %v: tensor<1x2x1x8xf32>) -> tensor<1x8x2x8xf32> {
  %o = attn.sdpa %q, %k, %v : (tensor<1x8x2x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x8x2x8xf32>
  return %o : tensor<1x8x2x8xf32>
}

//--- rows8_long_split.mlir
// Eight rows (GQA 8, one kv head) against 4097 keys: the keys are split across tasks and each part ends on an odd count; the running maxima grow and rescale O along the way.
// RUN: attn-run %t/rows8_long_split.mlir --function=rows8_long_split --pipeline=cpu --check | FileCheck %s --check-prefix=ROWS8_LONG_SPLIT
// RUN: attn-run %t/rows8_long_split.mlir --function=rows8_long_split --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=ROWS8_LONG_SPLIT
// ROWS8_LONG_SPLIT: result[0]: 1x8x1x128xf32 [
// ROWS8_LONG_SPLIT-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @rows8_long_split(%q: tensor<1x8x1x128xf32>, %k: tensor<1x1x4097x128xf32>, %v: tensor<1x1x4097x128xf32>) -> tensor<1x8x1x128xf32> {
  %o = attn.sdpa %q, %k, %v : (tensor<1x8x1x128xf32>, tensor<1x1x4097x128xf32>, tensor<1x1x4097x128xf32>) -> tensor<1x8x1x128xf32>
  return %o : tensor<1x8x1x128xf32>
}
