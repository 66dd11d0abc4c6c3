// Multi-query attention (Hkv = 1), and GQA / MQA in f16 and bf16.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- mqa.mlir
// MQA, Hkv = 1.
// RUN: attn-run %t/mqa.mlir --function=mqa --pipeline=reference --check | FileCheck %s --check-prefix=MQA
// RUN: attn-run %t/mqa.mlir --function=mqa --pipeline=cpu --check | FileCheck %s --check-prefix=MQA
// MQA: result[0]: 1x8x13x32xf32 [
// MQA-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mqa(%q: tensor<1x8x13x32xf32>, %k: tensor<1x1x29x32xf32>, %v: tensor<1x1x29x32xf32>)
    -> tensor<1x8x13x32xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x8x13x32xf32>, tensor<1x1x29x32xf32>, tensor<1x1x29x32xf32>)
       -> tensor<1x8x13x32xf32>
  return %o : tensor<1x8x13x32xf32>
}

//--- mqa_d128.mlir
// MQA, D = 128, causal, Sq < Sk.
// RUN: attn-run %t/mqa_d128.mlir --function=mqa_d128 --pipeline=reference --check | FileCheck %s --check-prefix=MQA_D128
// RUN: attn-run %t/mqa_d128.mlir --function=mqa_d128 --pipeline=cpu --check | FileCheck %s --check-prefix=MQA_D128
// MQA_D128: result[0]: 1x8x9x128xf32 [
// MQA_D128-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mqa_d128(%q: tensor<1x8x9x128xf32>, %k: tensor<1x1x77x128xf32>, %v: tensor<1x1x77x128xf32>)
    -> tensor<1x8x9x128xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x8x9x128xf32>, tensor<1x1x77x128xf32>, tensor<1x1x77x128xf32>)
       -> tensor<1x8x9x128xf32>
  return %o : tensor<1x8x9x128xf32>
}

//--- gqa_f16.mlir
// GQA in f16.
// RUN: attn-run %t/gqa_f16.mlir --function=gqa_f16 --pipeline=reference --check | FileCheck %s --check-prefix=GQA_F16
// RUN: attn-run %t/gqa_f16.mlir --function=gqa_f16 --pipeline=cpu --check | FileCheck %s --check-prefix=GQA_F16
// GQA_F16: result[0]: 2x8x21x64xf16 [
// GQA_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @gqa_f16(%q: tensor<2x8x21x64xf16>, %k: tensor<2x2x35x64xf16>, %v: tensor<2x2x35x64xf16>)
    -> tensor<2x8x21x64xf16> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x8x21x64xf16>, tensor<2x2x35x64xf16>, tensor<2x2x35x64xf16>)
       -> tensor<2x8x21x64xf16>
  return %o : tensor<2x8x21x64xf16>
}

//--- mqa_bf16.mlir
// MQA in bf16, D = 80.
// RUN: attn-run %t/mqa_bf16.mlir --function=mqa_bf16 --pipeline=reference --check | FileCheck %s --check-prefix=MQA_BF16
// RUN: attn-run %t/mqa_bf16.mlir --function=mqa_bf16 --pipeline=cpu --check | FileCheck %s --check-prefix=MQA_BF16
// MQA_BF16: result[0]: 1x8x13x80xbf16 [
// MQA_BF16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @mqa_bf16(%q: tensor<1x8x13x80xbf16>, %k: tensor<1x1x29x80xbf16>, %v: tensor<1x1x29x80xbf16>)
    -> tensor<1x8x13x80xbf16> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x8x13x80xbf16>, tensor<1x1x29x80xbf16>, tensor<1x1x29x80xbf16>)
       -> tensor<1x8x13x80xbf16>
  return %o : tensor<1x8x13x80xbf16>
}
