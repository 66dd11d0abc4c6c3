// Regression: attn-decompose-mha fails on an attn.mha whose additive mask has
// the element type (f16 / bf16), which the verifier accepts. The mask must be
// widened to f32 for the f32 attn.sdpa, but convertTensor (GenericUtils.h)
// only widens when the target type is not f32, so the generic yields the f16
// value: "'linalg.yield' op type of yield operand 1 ('f16') doesn't match the
// element type of the enclosing linalg.generic op ('f32')", attn-opt exits 2.
// Expected: the mask reaches the attn.sdpa as f32, and the whole reference
// pipeline succeeds. Remove the XFAIL line once fixed.
//
// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-decompose-mha))' \
// RUN:   | FileCheck %s --implicit-check-not=attn.mha
// RUN: attn-opt %s --attn-reference-pipeline | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @mha_f16_mask
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} {{.*}}: (tensor<2x4x10x16xf32>, tensor<2x4x10x16xf32>, tensor<2x4x10x16xf32>, tensor<1x1x10x10xf32>) -> tensor<2x4x10x16xf32>
// LLVM-LABEL:  llvm.func @mha_f16_mask
func.func @mha_f16_mask(%x: tensor<2x10x64xf16>, %wq: tensor<64x64xf16>,
                        %wk: tensor<64x64xf16>, %wv: tensor<64x64xf16>,
                        %wo: tensor<64x64xf16>, %m: tensor<1x1x10x10xf16>)
    -> tensor<2x10x64xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64}
         : (tensor<2x10x64xf16>, tensor<64x64xf16>, tensor<64x64xf16>,
            tensor<64x64xf16>, tensor<64x64xf16>, tensor<1x1x10x10xf16>)
         -> tensor<2x10x64xf16>
  return %y : tensor<2x10x64xf16>
}

// CHECK-LABEL: func.func @mha_bf16_mask_cross
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} {{.*}}: (tensor<2x4x10x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x10x7xf32>) -> tensor<2x4x10x16xf32>
// LLVM-LABEL:  llvm.func @mha_bf16_mask_cross
func.func @mha_bf16_mask_cross(%x: tensor<2x10x64xbf16>, %wq: tensor<64x64xbf16>,
                               %wk: tensor<64x64xbf16>, %wv: tensor<64x64xbf16>,
                               %wo: tensor<64x64xbf16>, %mem: tensor<2x7x64xbf16>,
                               %m: tensor<2x4x10x7xbf16>) -> tensor<2x10x64xbf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem mask %m {num_heads = 4 : i64}
         : (tensor<2x10x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>,
            tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<2x7x64xbf16>,
            tensor<2x4x10x7xbf16>) -> tensor<2x10x64xbf16>
  return %y : tensor<2x10x64xbf16>
}
