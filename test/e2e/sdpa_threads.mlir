// --threads=N (1, 2, an odd 3, and 8 > the usual core count) gives results
// within tolerance of the oracle; the shapes split unevenly over threads.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- thr_gqa_causal.mlir
// B = 3, GQA, causal, odd lengths.
// RUN: attn-run %t/thr_gqa_causal.mlir --function=thr_gqa_causal --pipeline=reference --threads=3 --check | FileCheck %s --check-prefix=THR_GQA_CAUSAL
// RUN: attn-run %t/thr_gqa_causal.mlir --function=thr_gqa_causal --pipeline=cpu --threads=1 --check | FileCheck %s --check-prefix=THR_GQA_CAUSAL
// RUN: attn-run %t/thr_gqa_causal.mlir --function=thr_gqa_causal --pipeline=cpu --threads=2 --check | FileCheck %s --check-prefix=THR_GQA_CAUSAL
// RUN: attn-run %t/thr_gqa_causal.mlir --function=thr_gqa_causal --pipeline=cpu --threads=3 --check | FileCheck %s --check-prefix=THR_GQA_CAUSAL
// RUN: attn-run %t/thr_gqa_causal.mlir --function=thr_gqa_causal --pipeline=cpu --threads=8 --check | FileCheck %s --check-prefix=THR_GQA_CAUSAL
// THR_GQA_CAUSAL: result[0]: 3x8x37x48xf32 [
// THR_GQA_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @thr_gqa_causal(%q: tensor<3x8x37x64xf32>, %k: tensor<3x2x53x64xf32>, %v: tensor<3x2x53x48xf32>)
    -> tensor<3x8x37x48xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<3x8x37x64xf32>, tensor<3x2x53x64xf32>, tensor<3x2x53x48xf32>)
       -> tensor<3x8x37x48xf32>
  return %o : tensor<3x8x37x48xf32>
}

//--- thr_mask_f16.mlir
// H = 5, f16, i1 mask.
// RUN: attn-run %t/thr_mask_f16.mlir --function=thr_mask_f16 --pipeline=reference --threads=3 --check | FileCheck %s --check-prefix=THR_MASK_F16
// RUN: attn-run %t/thr_mask_f16.mlir --function=thr_mask_f16 --pipeline=cpu --threads=1 --check | FileCheck %s --check-prefix=THR_MASK_F16
// RUN: attn-run %t/thr_mask_f16.mlir --function=thr_mask_f16 --pipeline=cpu --threads=2 --check | FileCheck %s --check-prefix=THR_MASK_F16
// RUN: attn-run %t/thr_mask_f16.mlir --function=thr_mask_f16 --pipeline=cpu --threads=3 --check | FileCheck %s --check-prefix=THR_MASK_F16
// RUN: attn-run %t/thr_mask_f16.mlir --function=thr_mask_f16 --pipeline=cpu --threads=8 --check | FileCheck %s --check-prefix=THR_MASK_F16
// THR_MASK_F16: result[0]: 1x5x23x32xf16 [
// THR_MASK_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @thr_mask_f16(%q: tensor<1x5x23x32xf16>, %k: tensor<1x5x29x32xf16>, %v: tensor<1x5x29x32xf16>, %m: tensor<1x1x23x29xi1>)
    -> tensor<1x5x23x32xf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x5x23x32xf16>, tensor<1x5x29x32xf16>, tensor<1x5x29x32xf16>, tensor<1x1x23x29xi1>)
       -> tensor<1x5x23x32xf16>
  return %o : tensor<1x5x23x32xf16>
}
