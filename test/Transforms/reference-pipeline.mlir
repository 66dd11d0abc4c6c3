// The named pipelines take attn.sdpa and attn.mha all the way to the LLVM
// dialect: only llvm.* ops (and the builtin module) may be left.
//
// An op name is matched only where it starts (not after `llvm.`, so that
// e.g. llvm.func does not count as func.*).
// DEFINE: %{no-high-level-ops} = --implicit-check-not=unrealized_conversion_cast \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}attn.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}linalg.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}tensor.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}memref.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}bufferization.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}affine.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}scf.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}cf.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}arith.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}math.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}func.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}index.' \
// DEFINE:   --implicit-check-not='{{[^[:alnum:]_.]}}vector.'
//
// RUN: attn-opt %s --attn-reference-pipeline \
// RUN:   | FileCheck %s --check-prefixes=LLVM,REF %{no-high-level-ops}
// RUN: attn-opt %s --attn-cpu-pipeline \
// RUN:   | FileCheck %s --check-prefix=LLVM %{no-high-level-ops}

// f16 GQA sdpa with an i1 mask and causal.
// LLVM-LABEL: llvm.func @sdpa_f16
// The result is passed in (its memref descriptor the last parameters),
// nothing is returned: both pipelines use destination passing.
// LLVM-SAME:    %arg54: i64) {
// REF:          llvm.fpext %{{.*}} : f16 to f32
// REF:          llvm.intr.exp
// REF:          llvm.fptrunc %{{.*}} : f32 to f16
// LLVM:         llvm.return
func.func @sdpa_f16(%q: tensor<2x8x16x64xf16>, %k: tensor<2x2x32x64xf16>,
                    %v: tensor<2x2x32x48xf16>, %m: tensor<1x1x16x32xi1>)
    -> tensor<2x8x16x48xf16> {
  %o = attn.sdpa %q, %k, %v mask %m {scale = 0.5 : f32, causal}
         : (tensor<2x8x16x64xf16>, tensor<2x2x32x64xf16>, tensor<2x2x32x48xf16>,
            tensor<1x1x16x32xi1>) -> tensor<2x8x16x48xf16>
  return %o : tensor<2x8x16x48xf16>
}

// Fully dynamic sdpa (run-time group size, gathered K/V, dynamic mask).
// LLVM-LABEL: llvm.func @sdpa_dynamic
// The result is passed in (its memref descriptor the last parameters),
// nothing is returned: both pipelines use destination passing.
// LLVM-SAME:    %arg54: i64) {
// REF:          llvm.udiv
// REF:          llvm.urem
// REF:          llvm.intr.exp
// LLVM:         llvm.return
func.func @sdpa_dynamic(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>,
                        %v: tensor<?x?x?x32xf32>, %m: tensor<?x?x?x?xi1>)
    -> tensor<?x?x?x32xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {causal}
         : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x32xf32>,
            tensor<?x?x?x?xi1>) -> tensor<?x?x?x32xf32>
  return %o : tensor<?x?x?x32xf32>
}

// mha with every optional group, f32, cross-attention, residual.
// LLVM-LABEL: llvm.func @mha_all
// The result is passed in (its memref descriptor the last parameters),
// nothing is returned: both pipelines use destination passing.
// LLVM-SAME:    %arg85: i64) {
// REF:          llvm.intr.exp
// LLVM:         llvm.return
func.func @mha_all(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>,
                   %wk: tensor<64x16xf32>, %wv: tensor<64x16xf32>,
                   %wo: tensor<64x64xf32>, %bq: tensor<64xf32>,
                   %bk: tensor<16xf32>, %bv: tensor<16xf32>, %bo: tensor<64xf32>,
                   %mem: tensor<2x7x64xf32>, %m: tensor<2x4x10x7xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) memory %mem mask %m
         {num_heads = 4 : i64, num_kv_heads = 1 : i64, causal, residual}
         : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x16xf32>,
            tensor<64x16xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<16xf32>,
            tensor<16xf32>, tensor<64xf32>, tensor<2x7x64xf32>, tensor<2x4x10x7xf32>)
         -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

// bf16 mha with dynamic B and S and an i1 mask.
// LLVM-LABEL: llvm.func @mha_bf16_dynamic
// The result is passed in (its memref descriptor the last parameters),
// nothing is returned: both pipelines use destination passing.
// LLVM-SAME:    %arg56: i64) {
// REF:          llvm.intr.exp
// LLVM:         llvm.return
func.func @mha_bf16_dynamic(%x: tensor<?x?x64xbf16>, %wq: tensor<64x64xbf16>,
                            %wk: tensor<64x64xbf16>, %wv: tensor<64x64xbf16>,
                            %wo: tensor<64x64xbf16>, %m: tensor<1x1x?x?xi1>)
    -> tensor<?x?x64xbf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, causal}
         : (tensor<?x?x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>,
            tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<1x1x?x?xi1>)
         -> tensor<?x?x64xbf16>
  return %y : tensor<?x?x64xbf16>
}
