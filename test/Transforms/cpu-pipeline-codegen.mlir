// The fused CPU pipeline down to x86-64 assembly (AVX2 + FMA, Zen 3).
// LLVM 22's tools by full path: lit's PATH holds only build/bin here, and
// /usr/bin/{opt,llc} are an older LLVM that cannot read LLVM 22 IR.
// RUN: attn-opt %s --attn-cpu-pipeline | /usr/lib/llvm-22/bin/mlir-translate --mlir-to-llvmir \
// RUN:   | /usr/lib/llvm-22/bin/opt -O3 \
// RUN:   | /usr/lib/llvm-22/bin/llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver3 -o %t.s
// RUN: FileCheck %s --input-file=%t.s --implicit-check-not=expf
//
// Every micro-kernel loop (an innermost loop with >= 12 ymm FMAs) keeps its
// 12 accumulators in registers: no spill/reload code, no store in the loop.
// RUN: %python %S/Inputs/check_no_spills.py %t.s | FileCheck %s --check-prefix=LOOPS
//
// The checker itself catches spill code (a hand-written loop with spills).
// RUN: %expect_exit 1 %python %S/Inputs/check_no_spills.py --comment-prefix=SPILLED %s \
// RUN:   | FileCheck %s --check-prefix=SPILLED-REPORT
//
// With --attn-cpu-pipeline=vector-bits=512 (what attn-run and attn-compile
// pick for AVX-512 targets) the scores and value kernels use 16-lane vectors:
// 12 zmm accumulators each, still none spilled (Zen 4: AVX-512).
// RUN: attn-opt %s --attn-cpu-pipeline=vector-bits=512 | /usr/lib/llvm-22/bin/mlir-translate --mlir-to-llvmir \
// RUN:   | /usr/lib/llvm-22/bin/opt -O3 \
// RUN:   | /usr/lib/llvm-22/bin/llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver4 -o %t.512.s
// RUN: FileCheck %s --input-file=%t.512.s --check-prefix=ZMM --implicit-check-not=expf
// RUN: %python %S/Inputs/check_no_spills.py --reg=zmm %t.512.s | FileCheck %s --check-prefix=ZMM-LOOPS
// ZMM-LABEL: {{^}}sdpa_f32..omp_par:
// ZMM-COUNT-12: vfmadd231ps {{[^,]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ZMM-LABEL: {{^}}sdpa_causal_gqa_f16_dv20..omp_par:
// ZMM-COUNT-12: vfmadd231ps {{[^,]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ZMM-LOOPS:   sdpa_f32..omp_par: {{[1-9][0-9]*}} micro-kernel loops
// ZMM-LOOPS:   sdpa_causal_gqa_f16_dv20..omp_par: {{[1-9][0-9]*}} micro-kernel loops
// ZMM-LOOPS-NOT: FAIL

// Plain f32 sdpa: one OpenMP fork for the scf.parallel over (b, kv head,
// row block); the outlined body holds the scores kernel (1 loop) and the
// value kernel (Dv = 64: 4 column tiles of 16), all on ymm registers; the
// softmax exponentials are inline (no expf call anywhere).
// CHECK-LABEL: {{^}}sdpa_f32:
// CHECK:         callq {{.*}}__kmpc_fork_call
// Tasks are handed out dynamically (attn-omp-dynamic-schedule).
// CHECK-LABEL: {{^}}sdpa_f32..omp_par:
// CHECK:         callq {{.*}}__kmpc_dispatch_init
// CHECK-COUNT-12: vfmadd231ps {{[^,]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// LOOPS:       sdpa_f32..omp_par: {{[1-9][0-9]*}} micro-kernel loops
func.func @sdpa_f32(%q: tensor<1x8x512x64xf32>, %k: tensor<1x8x512x64xf32>,
                    %v: tensor<1x8x512x64xf32>) -> tensor<1x8x512x64xf32> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<1x8x512x64xf32>, tensor<1x8x512x64xf32>, tensor<1x8x512x64xf32>)
         -> tensor<1x8x512x64xf32>
  return %o : tensor<1x8x512x64xf32>
}

// Causal GQA with f16 data and Dv = 20: f16 -> f32 conversions (vcvtph2ps)
// feed the same kernels (scores + 2 value column tiles), f32 -> f16 on store.
// CHECK-LABEL: {{^}}sdpa_causal_gqa_f16_dv20:
// CHECK:         callq {{.*}}__kmpc_fork_call
// CHECK-LABEL: {{^}}sdpa_causal_gqa_f16_dv20..omp_par:
// CHECK:         vcvtph2ps
// CHECK-COUNT-12: vfmadd231ps {{[^,]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// CHECK:         vcvtps2ph
// LOOPS-NEXT:  sdpa_causal_gqa_f16_dv20..omp_par: {{[1-9][0-9]*}} micro-kernel loops
func.func @sdpa_causal_gqa_f16_dv20(%q: tensor<2x8x256x64xf16>, %k: tensor<2x2x256x64xf16>,
                                    %v: tensor<2x2x256x20xf16>) -> tensor<2x8x256x20xf16> {
  %o = attn.sdpa %q, %k, %v {causal}
         : (tensor<2x8x256x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x20xf16>)
         -> tensor<2x8x256x20xf16>
  return %o : tensor<2x8x256x20xf16>
}

// An mha layer: five forks (Q, K, V projections, sdpa, output projection),
// each with at least one spill-free micro-kernel loop.
// CHECK-LABEL: {{^}}mha_f32:
// CHECK-COUNT-5: callq {{.*}}__kmpc_fork_call
// CHECK-LABEL: {{^}}mha_f32..omp_par{{(\.[0-9]+)?}}:
// CHECK-COUNT-12: vfmadd231ps {{[^,]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// LOOPS-COUNT-5: mha_f32..omp_par{{(\.[0-9]+)?}}: {{[1-9][0-9]*}} micro-kernel loops
// (How many loops LLVM makes of each kernel -- versioning, unrolling -- is
// its business; that none of them spills is ours.)
// LOOPS-NEXT:  micro-kernel loops: {{[0-9]+}}
// LOOPS-NOT:   FAIL
func.func @mha_f32(%x: tensor<2x128x256xf32>, %wq: tensor<256x256xf32>,
                   %wk: tensor<256x256xf32>, %wv: tensor<256x256xf32>,
                   %wo: tensor<256x256xf32>) -> tensor<2x128x256xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual}
         : (tensor<2x128x256xf32>, tensor<256x256xf32>, tensor<256x256xf32>,
            tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<2x128x256xf32>
  return %y : tensor<2x128x256xf32>
}

// A 6x16 kernel loop whose accumulators spill (what the check must reject).
// SPILLED: kernel:                                 # @kernel
// SPILLED: .LBB0_1:                                # =>This Inner Loop Header: Depth=1
// SPILLED:         vmovups (%rdi), %ymm12
// SPILLED:         vmovups 32(%rdi), %ymm13
// SPILLED:         vbroadcastss (%rsi), %ymm14
// SPILLED:         vfmadd231ps %ymm12, %ymm14, %ymm0
// SPILLED:         vfmadd231ps %ymm13, %ymm14, %ymm1
// SPILLED:         vbroadcastss 4(%rsi), %ymm14
// SPILLED:         vfmadd231ps %ymm12, %ymm14, %ymm2
// SPILLED:         vfmadd231ps %ymm13, %ymm14, %ymm3
// SPILLED:         vbroadcastss 8(%rsi), %ymm14
// SPILLED:         vfmadd231ps %ymm12, %ymm14, %ymm4
// SPILLED:         vfmadd231ps %ymm13, %ymm14, %ymm5
// SPILLED:         vbroadcastss 12(%rsi), %ymm14
// SPILLED:         vfmadd231ps %ymm12, %ymm14, %ymm6
// SPILLED:         vfmadd231ps %ymm13, %ymm14, %ymm7
// SPILLED:         vbroadcastss 16(%rsi), %ymm14
// SPILLED:         vfmadd231ps %ymm12, %ymm14, %ymm8
// SPILLED:         vfmadd231ps %ymm13, %ymm14, %ymm9
// SPILLED:         vmovaps %ymm10, 64(%rsp)                # 32-byte Spill
// SPILLED:         vbroadcastss 20(%rsi), %ymm14
// SPILLED:         vmovaps 96(%rsp), %ymm10                # 32-byte Reload
// SPILLED:         vfmadd231ps %ymm12, %ymm14, %ymm10
// SPILLED:         vfmadd213ps %ymm11, %ymm13, %ymm14
// SPILLED:         vmovaps %ymm10, 96(%rsp)
// SPILLED:         addq $64, %rdi
// SPILLED:         addq $24, %rsi
// SPILLED:         decq %rcx
// SPILLED:         jne .LBB0_1
// SPILLED:         retq
// SPILLED-REPORT:      kernel: 1 micro-kernel loops
// SPILLED-REPORT-NEXT: micro-kernel loops: 1
// SPILLED-REPORT-NEXT: FAIL .LBB0_1: spill code: {{.*}}64(%rsp){{.*}}Spill
// SPILLED-REPORT-NEXT: FAIL .LBB0_1: spill code: {{.*}}96(%rsp){{.*}}Reload
// SPILLED-REPORT-NEXT: FAIL .LBB0_1: store: vmovaps %ymm10, 64(%rsp)
// SPILLED-REPORT-NEXT: FAIL .LBB0_1: store: vmovaps %ymm10, 96(%rsp)
