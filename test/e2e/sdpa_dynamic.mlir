// attn.sdpa with dynamic B, H, Sq and Sk.
// Dynamic dimensions bound at run time with --input=SHAPE=random.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- dyn_all.mlir
// B, H, Sq and Sk all dynamic.
// RUN: attn-run %t/dyn_all.mlir --function=dyn_all --pipeline=reference --check --input=2x4x37x64xf32=random:1 --input=2x4x53x64xf32=random:2 --input=2x4x53x64xf32=random:3 | FileCheck %s --check-prefix=DYN_ALL
// RUN: attn-run %t/dyn_all.mlir --function=dyn_all --pipeline=cpu --check --input=2x4x37x64xf32=random:1 --input=2x4x53x64xf32=random:2 --input=2x4x53x64xf32=random:3 | FileCheck %s --check-prefix=DYN_ALL
// DYN_ALL: result[0]: 2x4x37x64xf32 [
// DYN_ALL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_all(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>, %v: tensor<?x?x?x64xf32>)
    -> tensor<?x?x?x64xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>)
       -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

//--- dyn_gqa_causal.mlir
// Dynamic B and sequence lengths, GQA, causal, Dv != D.
// RUN: attn-run %t/dyn_gqa_causal.mlir --function=dyn_gqa_causal --pipeline=reference --check --input=3x8x19x64xf32=random:1 --input=3x2x41x64xf32=random:2 --input=3x2x41x32xf32=random:3 | FileCheck %s --check-prefix=DYN_GQA_CAUSAL
// RUN: attn-run %t/dyn_gqa_causal.mlir --function=dyn_gqa_causal --pipeline=cpu --check --input=3x8x19x64xf32=random:1 --input=3x2x41x64xf32=random:2 --input=3x2x41x32xf32=random:3 | FileCheck %s --check-prefix=DYN_GQA_CAUSAL
// DYN_GQA_CAUSAL: result[0]: 3x8x19x32xf32 [
// DYN_GQA_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_gqa_causal(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x32xf32>)
    -> tensor<?x8x?x32xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x32xf32>)
       -> tensor<?x8x?x32xf32>
  return %o : tensor<?x8x?x32xf32>
}

//--- dyn_heads_gqa.mlir
// Dynamic H and Hkv bound to a GQA configuration (8 / 2).
// RUN: attn-run %t/dyn_heads_gqa.mlir --function=dyn_heads_gqa --pipeline=reference --check --input=1x8x13x32xf32=random:4 --input=1x2x17x32xf32=random:5 --input=1x2x17x32xf32=random:6 | FileCheck %s --check-prefix=DYN_HEADS_GQA
// RUN: attn-run %t/dyn_heads_gqa.mlir --function=dyn_heads_gqa --pipeline=cpu --check --input=1x8x13x32xf32=random:4 --input=1x2x17x32xf32=random:5 --input=1x2x17x32xf32=random:6 | FileCheck %s --check-prefix=DYN_HEADS_GQA
// DYN_HEADS_GQA: result[0]: 1x8x13x32xf32 [
// DYN_HEADS_GQA-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_heads_gqa(%q: tensor<?x?x?x32xf32>, %k: tensor<?x?x?x32xf32>, %v: tensor<?x?x?x32xf32>)
    -> tensor<?x?x?x32xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<?x?x?x32xf32>, tensor<?x?x?x32xf32>, tensor<?x?x?x32xf32>)
       -> tensor<?x?x?x32xf32>
  return %o : tensor<?x?x?x32xf32>
}

//--- dyn_ones.mlir
// Every dynamic dimension bound to 1.
// RUN: attn-run %t/dyn_ones.mlir --function=dyn_ones --pipeline=reference --check --input=1x1x1x64xf32=random:7 --input=1x1x1x64xf32=random:8 --input=1x1x1x64xf32=random:9 | FileCheck %s --check-prefix=DYN_ONES
// RUN: attn-run %t/dyn_ones.mlir --function=dyn_ones --pipeline=cpu --check --input=1x1x1x64xf32=random:7 --input=1x1x1x64xf32=random:8 --input=1x1x1x64xf32=random:9 | FileCheck %s --check-prefix=DYN_ONES
// DYN_ONES: result[0]: 1x1x1x64xf32 [
// DYN_ONES-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_ones(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>, %v: tensor<?x?x?x64xf32>)
    -> tensor<?x?x?x64xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>)
       -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}
