// The streaming decode kernel of the flash lowering (tasks with at most 4
// query rows, D % 8 == 0, no mask: one pass over the keys, two at a time,
// with clamped rows, -inf for a missing second key and causally hidden pairs,
// and a rescale when a row maximum grows), on its edge cases, checked against
// the float64 oracle.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- rows3_causal_dv20.mlir
// Three rows of one head (G = 1) with bottom-right causal alignment: each row sees a different number of the 37 keys (35, 36, 37; odd, so the last key pair has one key); Dv = 20 uses masked V loads.
// RUN: attn-run %t/rows3_causal_dv20.mlir --function=rows3_causal_dv20 --pipeline=cpu --check | FileCheck %s --check-prefix=ROWS3_CAUSAL_DV20
// RUN: attn-run %t/rows3_causal_dv20.mlir --function=rows3_causal_dv20 --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=ROWS3_CAUSAL_DV20
// ROWS3_CAUSAL_DV20: result[0]: 1x2x3x20xf32 [
// ROWS3_CAUSAL_DV20-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @rows3_causal_dv20(%q: tensor<1x2x3x16xf32>, %k: tensor<1x2x37x16xf32>, %v: tensor<1x2x37x20xf32>) -> tensor<1x2x3x20xf32> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x2x3x16xf32>, tensor<1x2x37x16xf32>, tensor<1x2x37x20xf32>) -> tensor<1x2x3x20xf32>
  return %o : tensor<1x2x3x20xf32>
}

//--- rows4_one_key.mlir
// Four rows (GQA 2, Sq = 2) against a single key.
// RUN: attn-run %t/rows4_one_key.mlir --function=rows4_one_key --pipeline=cpu --check | FileCheck %s --check-prefix=ROWS4_ONE_KEY
// RUN: attn-run %t/rows4_one_key.mlir --function=rows4_one_key --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=ROWS4_ONE_KEY
// ROWS4_ONE_KEY: result[0]: 1x4x2x8xf32 [
// ROWS4_ONE_KEY-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @rows4_one_key(%q: tensor<1x4x2x8xf32>, %k: tensor<1x2x1x8xf32>, %v: tensor<1x2x1x8xf32>) -> tensor<1x4x2x8xf32> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x4x2x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x4x2x8xf32>
  return %o : tensor<1x4x2x8xf32>
}

//--- mqa_split_bf16.mlir
// MQA (4 query heads on one kv head), one row each, 4097 keys: the keys are split across tasks (flash-decoding) and each part ends on an odd count; bf16.
// RUN: attn-run %t/mqa_split_bf16.mlir --function=mqa_split_bf16 --pipeline=cpu --check | FileCheck %s --check-prefix=MQA_SPLIT_BF16
// RUN: attn-run %t/mqa_split_bf16.mlir --function=mqa_split_bf16 --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=MQA_SPLIT_BF16
// MQA_SPLIT_BF16: result[0]: 1x4x1x64xbf16 [
// MQA_SPLIT_BF16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mqa_split_bf16(%q: tensor<1x4x1x64xbf16>, %k: tensor<1x1x4097x64xbf16>, %v: tensor<1x1x4097x64xbf16>) -> tensor<1x4x1x64xbf16> {
  %o = attn.sdpa %q, %k, %v : (tensor<1x4x1x64xbf16>, tensor<1x1x4097x64xbf16>, tensor<1x1x4097x64xbf16>) -> tensor<1x4x1x64xbf16>
  return %o : tensor<1x4x1x64xbf16>
}

//--- hidden_rows_f16.mlir
// Sq > Sk, causal: the first two of four rows see no key and must be zeros; f16.
// RUN: attn-run %t/hidden_rows_f16.mlir --function=hidden_rows_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=HIDDEN_ROWS_F16
// RUN: attn-run %t/hidden_rows_f16.mlir --function=hidden_rows_f16 --pipeline=cpu --check --threads=1 | FileCheck %s --check-prefix=HIDDEN_ROWS_F16
// HIDDEN_ROWS_F16: result[0]: 1x1x4x32xf16 [
// HIDDEN_ROWS_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @hidden_rows_f16(%q: tensor<1x1x4x32xf16>, %k: tensor<1x1x2x32xf16>, %v: tensor<1x1x2x32xf16>) -> tensor<1x1x4x32xf16> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x1x4x32xf16>, tensor<1x1x2x32xf16>, tensor<1x1x2x32xf16>) -> tensor<1x1x4x32xf16>
  return %o : tensor<1x1x4x32xf16>
}

//--- one_row_dyn.mlir
// One row per task (H = Hkv = 8, rows clamped to the only one), batch 2, dynamic cache length (100).
// RUN: attn-run %t/one_row_dyn.mlir --function=one_row_dyn --pipeline=cpu --check --input=2x8x1x64xf32=random:1 --input=2x8x100x64xf32=random:2 --input=2x8x100x64xf32=random:3 | FileCheck %s --check-prefix=ONE_ROW_DYN
// RUN: attn-run %t/one_row_dyn.mlir --function=one_row_dyn --pipeline=cpu --check --threads=1 --input=2x8x1x64xf32=random:1 --input=2x8x100x64xf32=random:2 --input=2x8x100x64xf32=random:3 | FileCheck %s --check-prefix=ONE_ROW_DYN
// ONE_ROW_DYN: result[0]: 2x8x1x64xf32 [
// ONE_ROW_DYN-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @one_row_dyn(%q: tensor<2x8x1x64xf32>, %k: tensor<2x8x?x64xf32>, %v: tensor<2x8x?x64xf32>) -> tensor<2x8x1x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<2x8x1x64xf32>, tensor<2x8x?x64xf32>, tensor<2x8x?x64xf32>) -> tensor<2x8x1x64xf32>
  return %o : tensor<2x8x1x64xf32>
}
