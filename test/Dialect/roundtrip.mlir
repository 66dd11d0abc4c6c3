// RUN: attn-opt %s | attn-opt | FileCheck %s
// RUN: attn-opt %s --mlir-print-op-generic | attn-opt | FileCheck %s
// RUN: attn-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Every accepted form of attn.sdpa and attn.mha survives print -> parse ->
// print in the custom form, and the generic form parses back to the same op.

//===----------------------------------------------------------------------===//
// attn.sdpa
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @sdpa_basic
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf32>, %[[K:.*]]: tensor<2x8x256x64xf32>, %[[V:.*]]: tensor<2x8x256x64xf32>)
// CHECK:         %[[O:.*]] = attn.sdpa %[[Q]], %[[K]], %[[V]] :
// CHECK-SAME:      (tensor<2x8x128x64xf32>, tensor<2x8x256x64xf32>, tensor<2x8x256x64xf32>) -> tensor<2x8x128x64xf32>
// CHECK-NEXT:    return %[[O]]
// GENERIC-LABEL: sym_name = "sdpa_basic"
// GENERIC:       "attn.sdpa"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x8x128x64xf32>, tensor<2x8x256x64xf32>, tensor<2x8x256x64xf32>) -> tensor<2x8x128x64xf32>
func.func @sdpa_basic(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x256x64xf32>,
                      %v: tensor<2x8x256x64xf32>) -> tensor<2x8x128x64xf32> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<2x8x128x64xf32>, tensor<2x8x256x64xf32>, tensor<2x8x256x64xf32>)
         -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// CHECK-LABEL: func.func @sdpa_scale_causal_gqa
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} {causal, scale = 1.250000e-01 : f32} :
// CHECK-SAME:      (tensor<2x8x128x64xf32>, tensor<2x2x256x64xf32>, tensor<2x2x256x64xf32>) -> tensor<2x8x128x64xf32>
// GENERIC-LABEL: sym_name = "sdpa_scale_causal_gqa"
// GENERIC:       "attn.sdpa"(%{{.*}}, %{{.*}}, %{{.*}}) <{causal, scale = 1.250000e-01 : f32}>
func.func @sdpa_scale_causal_gqa(%q: tensor<2x8x128x64xf32>, %k: tensor<2x2x256x64xf32>,
                                 %v: tensor<2x2x256x64xf32>) -> tensor<2x8x128x64xf32> {
  %o = attn.sdpa %q, %k, %v {scale = 0.125 : f32, causal}
         : (tensor<2x8x128x64xf32>, tensor<2x2x256x64xf32>, tensor<2x2x256x64xf32>)
         -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// CHECK-LABEL: func.func @sdpa_causal_only
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} {causal} :
func.func @sdpa_causal_only(%q: tensor<1x4x16x32xf32>, %k: tensor<1x4x16x32xf32>,
                            %v: tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
         : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>)
         -> tensor<1x4x16x32xf32>
  return %o : tensor<1x4x16x32xf32>
}

// CHECK-LABEL: func.func @sdpa_scale_only
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} {scale = -2.500000e-01 : f32} :
func.func @sdpa_scale_only(%q: tensor<1x4x16x32xf32>, %k: tensor<1x4x16x32xf32>,
                           %v: tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32> {
  %o = attn.sdpa %q, %k, %v {scale = -0.25 : f32}
         : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>)
         -> tensor<1x4x16x32xf32>
  return %o : tensor<1x4x16x32xf32>
}

// MQA: one kv head.
// CHECK-LABEL: func.func @sdpa_mqa
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK-SAME:      (tensor<2x8x128x64xf32>, tensor<2x1x256x64xf32>, tensor<2x1x256x64xf32>) -> tensor<2x8x128x64xf32>
func.func @sdpa_mqa(%q: tensor<2x8x128x64xf32>, %k: tensor<2x1x256x64xf32>,
                    %v: tensor<2x1x256x64xf32>) -> tensor<2x8x128x64xf32> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<2x8x128x64xf32>, tensor<2x1x256x64xf32>, tensor<2x1x256x64xf32>)
         -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// Dv != D.
// CHECK-LABEL: func.func @sdpa_dv_ne_d
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK-SAME:      (tensor<2x4x32x64xf32>, tensor<2x4x48x64xf32>, tensor<2x4x48x128xf32>) -> tensor<2x4x32x128xf32>
func.func @sdpa_dv_ne_d(%q: tensor<2x4x32x64xf32>, %k: tensor<2x4x48x64xf32>,
                        %v: tensor<2x4x48x128xf32>) -> tensor<2x4x32x128xf32> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<2x4x32x64xf32>, tensor<2x4x48x64xf32>, tensor<2x4x48x128xf32>)
         -> tensor<2x4x32x128xf32>
  return %o : tensor<2x4x32x128xf32>
}

// CHECK-LABEL: func.func @sdpa_f16
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK-SAME:      (tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>) -> tensor<1x12x128x64xf16>
func.func @sdpa_f16(%q: tensor<1x12x128x64xf16>, %k: tensor<1x12x128x64xf16>,
                    %v: tensor<1x12x128x64xf16>) -> tensor<1x12x128x64xf16> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>)
         -> tensor<1x12x128x64xf16>
  return %o : tensor<1x12x128x64xf16>
}

// CHECK-LABEL: func.func @sdpa_bf16
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} {causal} :
// CHECK-SAME:      (tensor<1x12x128x64xbf16>, tensor<1x12x128x64xbf16>, tensor<1x12x128x64xbf16>) -> tensor<1x12x128x64xbf16>
func.func @sdpa_bf16(%q: tensor<1x12x128x64xbf16>, %k: tensor<1x12x128x64xbf16>,
                     %v: tensor<1x12x128x64xbf16>) -> tensor<1x12x128x64xbf16> {
  %o = attn.sdpa %q, %k, %v {causal}
         : (tensor<1x12x128x64xbf16>, tensor<1x12x128x64xbf16>, tensor<1x12x128x64xbf16>)
         -> tensor<1x12x128x64xbf16>
  return %o : tensor<1x12x128x64xbf16>
}

// i1 mask broadcast over batch and heads (1x1).
// CHECK-LABEL: func.func @sdpa_mask_i1_bcast
// CHECK-SAME:    %[[M:[^:]*]]: tensor<1x1x128x128xi1>
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %[[M]] :
// CHECK-SAME:      (tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>, tensor<1x1x128x128xi1>) -> tensor<1x12x128x64xf16>
// GENERIC-LABEL: sym_name = "sdpa_mask_i1_bcast"
// GENERIC:       "attn.sdpa"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>, tensor<1x1x128x128xi1>) -> tensor<1x12x128x64xf16>
func.func @sdpa_mask_i1_bcast(%q: tensor<1x12x128x64xf16>, %k: tensor<1x12x128x64xf16>,
                              %v: tensor<1x12x128x64xf16>, %m: tensor<1x1x128x128xi1>)
    -> tensor<1x12x128x64xf16> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>,
            tensor<1x1x128x128xi1>) -> tensor<1x12x128x64xf16>
  return %o : tensor<1x12x128x64xf16>
}

// Full B x H f32 additive mask on f16 data, with scale and causal.
// CHECK-LABEL: func.func @sdpa_mask_f32_full
// CHECK-SAME:    %[[M:[^:]*]]: tensor<2x8x16x32xf32>
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %[[M]] {causal, scale = 5.000000e-01 : f32} :
// CHECK-SAME:      (tensor<2x8x16x64xf16>, tensor<2x2x32x64xf16>, tensor<2x2x32x64xf16>, tensor<2x8x16x32xf32>) -> tensor<2x8x16x64xf16>
func.func @sdpa_mask_f32_full(%q: tensor<2x8x16x64xf16>, %k: tensor<2x2x32x64xf16>,
                              %v: tensor<2x2x32x64xf16>, %m: tensor<2x8x16x32xf32>)
    -> tensor<2x8x16x64xf16> {
  %o = attn.sdpa %q, %k, %v mask %m {scale = 0.5 : f32, causal}
         : (tensor<2x8x16x64xf16>, tensor<2x2x32x64xf16>, tensor<2x2x32x64xf16>,
            tensor<2x8x16x32xf32>) -> tensor<2x8x16x64xf16>
  return %o : tensor<2x8x16x64xf16>
}

// Additive mask of the element type (bf16), batch-broadcast only (1 x H).
// CHECK-LABEL: func.func @sdpa_mask_elem_type
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} :
// CHECK-SAME:      (tensor<2x8x16x64xbf16>, tensor<2x8x32x64xbf16>, tensor<2x8x32x64xbf16>, tensor<1x8x16x32xbf16>) -> tensor<2x8x16x64xbf16>
func.func @sdpa_mask_elem_type(%q: tensor<2x8x16x64xbf16>, %k: tensor<2x8x32x64xbf16>,
                               %v: tensor<2x8x32x64xbf16>, %m: tensor<1x8x16x32xbf16>)
    -> tensor<2x8x16x64xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<2x8x16x64xbf16>, tensor<2x8x32x64xbf16>, tensor<2x8x32x64xbf16>,
            tensor<1x8x16x32xbf16>) -> tensor<2x8x16x64xbf16>
  return %o : tensor<2x8x16x64xbf16>
}

// Additive f16 mask on f16 data, head-broadcast only (B x 1).
// CHECK-LABEL: func.func @sdpa_mask_f16_bx1
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} :
// CHECK-SAME:      tensor<2x1x16x32xf16>) -> tensor<2x8x16x64xf16>
func.func @sdpa_mask_f16_bx1(%q: tensor<2x8x16x64xf16>, %k: tensor<2x8x32x64xf16>,
                             %v: tensor<2x8x32x64xf16>, %m: tensor<2x1x16x32xf16>)
    -> tensor<2x8x16x64xf16> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<2x8x16x64xf16>, tensor<2x8x32x64xf16>, tensor<2x8x32x64xf16>,
            tensor<2x1x16x32xf16>) -> tensor<2x8x16x64xf16>
  return %o : tensor<2x8x16x64xf16>
}

// Every dimension but D and Dv dynamic, including in the mask.
// CHECK-LABEL: func.func @sdpa_dynamic
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} {causal} :
// CHECK-SAME:      (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x32xf32>, tensor<?x?x?x?xi1>) -> tensor<?x?x?x32xf32>
func.func @sdpa_dynamic(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>,
                        %v: tensor<?x?x?x32xf32>, %m: tensor<?x?x?x?xi1>)
    -> tensor<?x?x?x32xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {causal}
         : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x32xf32>,
            tensor<?x?x?x?xi1>) -> tensor<?x?x?x32xf32>
  return %o : tensor<?x?x?x32xf32>
}

// Mixed static / dynamic: static H and Hkv (GQA) with dynamic B, Sq, Sk.
// CHECK-LABEL: func.func @sdpa_mixed_dynamic
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} :
// CHECK-SAME:      (tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>, tensor<1x1x?x?xf32>) -> tensor<?x8x?x64xf32>
func.func @sdpa_mixed_dynamic(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>,
                              %v: tensor<?x2x?x64xf32>, %m: tensor<1x1x?x?xf32>)
    -> tensor<?x8x?x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>,
            tensor<1x1x?x?xf32>) -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

//===----------------------------------------------------------------------===//
// attn.mha
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @mha_basic
// CHECK-SAME:    (%[[X:.*]]: tensor<2x128x512xf32>, %[[WQ:.*]]: tensor<512x512xf32>, %[[WK:.*]]: tensor<512x512xf32>, %[[WV:.*]]: tensor<512x512xf32>, %[[WO:.*]]: tensor<512x512xf32>)
// CHECK:         %[[Y:.*]] = attn.mha %[[X]], %[[WQ]], %[[WK]], %[[WV]], %[[WO]] {num_heads = 8 : i64} :
// CHECK-SAME:      (tensor<2x128x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<2x128x512xf32>
// CHECK-NEXT:    return %[[Y]]
// GENERIC-LABEL: sym_name = "mha_basic"
// GENERIC:       "attn.mha"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{num_heads = 8 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0>}>
func.func @mha_basic(%x: tensor<2x128x512xf32>, %wq: tensor<512x512xf32>,
                     %wk: tensor<512x512xf32>, %wv: tensor<512x512xf32>,
                     %wo: tensor<512x512xf32>) -> tensor<2x128x512xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
         : (tensor<2x128x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>,
            tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<2x128x512xf32>
  return %y : tensor<2x128x512xf32>
}

// CHECK-LABEL: func.func @mha_causal_residual_scale
// CHECK:         attn.mha %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {causal, num_heads = 8 : i64, residual, scale = 1.250000e-01 : f32} :
func.func @mha_causal_residual_scale(%x: tensor<2x128x512xf32>, %wq: tensor<512x512xf32>,
                                     %wk: tensor<512x512xf32>, %wv: tensor<512x512xf32>,
                                     %wo: tensor<512x512xf32>) -> tensor<2x128x512xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 8 : i64, causal, residual, scale = 0.125 : f32}
         : (tensor<2x128x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>,
            tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<2x128x512xf32>
  return %y : tensor<2x128x512xf32>
}

// Bias group; GQA through num_kv_heads (8 query heads, 2 kv heads, Dh = 32,
// Dv = 16, E = 64, E_out = 48).
// CHECK-LABEL: func.func @mha_bias_gqa
// CHECK-SAME:    %[[BQ:[^:]*]]: tensor<256xf16>, %[[BK:[^:]*]]: tensor<64xf16>, %[[BV:[^:]*]]: tensor<32xf16>, %[[BO:[^:]*]]: tensor<48xf16>
// CHECK:         attn.mha %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias(%[[BQ]], %[[BK]], %[[BV]], %[[BO]]) {num_heads = 8 : i64, num_kv_heads = 2 : i64} :
// CHECK-SAME:      (tensor<2x10x64xf16>, tensor<64x256xf16>, tensor<64x64xf16>, tensor<64x32xf16>, tensor<128x48xf16>, tensor<256xf16>, tensor<64xf16>, tensor<32xf16>, tensor<48xf16>) -> tensor<2x10x48xf16>
// GENERIC-LABEL: sym_name = "mha_bias_gqa"
// GENERIC:       "attn.mha"
// GENERIC-SAME:  operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0>
func.func @mha_bias_gqa(%x: tensor<2x10x64xf16>, %wq: tensor<64x256xf16>,
                        %wk: tensor<64x64xf16>, %wv: tensor<64x32xf16>,
                        %wo: tensor<128x48xf16>, %bq: tensor<256xf16>,
                        %bk: tensor<64xf16>, %bv: tensor<32xf16>,
                        %bo: tensor<48xf16>) -> tensor<2x10x48xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo)
         {num_heads = 8 : i64, num_kv_heads = 2 : i64}
         : (tensor<2x10x64xf16>, tensor<64x256xf16>, tensor<64x64xf16>,
            tensor<64x32xf16>, tensor<128x48xf16>, tensor<256xf16>,
            tensor<64xf16>, tensor<32xf16>, tensor<48xf16>) -> tensor<2x10x48xf16>
  return %y : tensor<2x10x48xf16>
}

// Cross-attention: keys and values from `memory` (Skv = 77).
// CHECK-LABEL: func.func @mha_memory
// CHECK-SAME:    %[[MEM:[^:]*]]: tensor<2x77x64xbf16>
// CHECK:         attn.mha %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} memory %[[MEM]] {num_heads = 4 : i64} :
// CHECK-SAME:      (tensor<2x10x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<2x77x64xbf16>) -> tensor<2x10x64xbf16>
// GENERIC-LABEL: sym_name = "mha_memory"
// GENERIC:       "attn.mha"
// GENERIC-SAME:  operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0>
func.func @mha_memory(%x: tensor<2x10x64xbf16>, %wq: tensor<64x64xbf16>,
                      %wk: tensor<64x64xbf16>, %wv: tensor<64x64xbf16>,
                      %wo: tensor<64x64xbf16>, %mem: tensor<2x77x64xbf16>)
    -> tensor<2x10x64xbf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64}
         : (tensor<2x10x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>,
            tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<2x77x64xbf16>)
         -> tensor<2x10x64xbf16>
  return %y : tensor<2x10x64xbf16>
}

// Mask only (i1, broadcast over batch and heads).
// CHECK-LABEL: func.func @mha_mask
// CHECK-SAME:    %[[M:[^:]*]]: tensor<1x1x10x10xi1>
// CHECK:         attn.mha %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} mask %[[M]] {num_heads = 4 : i64} :
// CHECK-SAME:      tensor<1x1x10x10xi1>) -> tensor<2x10x64xf32>
// GENERIC-LABEL: sym_name = "mha_mask"
// GENERIC:       "attn.mha"
// GENERIC-SAME:  operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1>
func.func @mha_mask(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>,
                    %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
                    %wo: tensor<64x64xf32>, %m: tensor<1x1x10x10xi1>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64}
         : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
            tensor<64x64xf32>, tensor<64x64xf32>, tensor<1x1x10x10xi1>)
         -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

// All optional groups at once, in order, with every attribute; MQA.
// CHECK-LABEL: func.func @mha_all
// CHECK-SAME:    %[[BQ:[^:]*]]: tensor<64xf32>, %[[BK:[^:]*]]: tensor<16xf32>, %[[BV:[^:]*]]: tensor<16xf32>, %[[BO:[^:]*]]: tensor<64xf32>, %[[MEM:[^:]*]]: tensor<2x7x64xf32>, %[[M:[^:]*]]: tensor<2x4x10x7xf32>
// CHECK:         attn.mha %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias(%[[BQ]], %[[BK]], %[[BV]], %[[BO]]) memory %[[MEM]] mask %[[M]]
// CHECK-SAME:      {causal, num_heads = 4 : i64, num_kv_heads = 1 : i64, residual, scale = 2.500000e-01 : f32} :
// CHECK-SAME:      (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x16xf32>, tensor<64x16xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<16xf32>, tensor<16xf32>, tensor<64xf32>, tensor<2x7x64xf32>, tensor<2x4x10x7xf32>) -> tensor<2x10x64xf32>
// GENERIC-LABEL: sym_name = "mha_all"
// GENERIC:       "attn.mha"
// GENERIC-SAME:  <{causal, num_heads = 4 : i64, num_kv_heads = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1>, residual, scale = 2.500000e-01 : f32}>
func.func @mha_all(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>,
                   %wk: tensor<64x16xf32>, %wv: tensor<64x16xf32>,
                   %wo: tensor<64x64xf32>, %bq: tensor<64xf32>,
                   %bk: tensor<16xf32>, %bv: tensor<16xf32>, %bo: tensor<64xf32>,
                   %mem: tensor<2x7x64xf32>, %m: tensor<2x4x10x7xf32>)
    -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) memory %mem mask %m
         {num_heads = 4 : i64, num_kv_heads = 1 : i64, scale = 0.25 : f32, causal, residual}
         : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x16xf32>,
            tensor<64x16xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<16xf32>,
            tensor<16xf32>, tensor<64xf32>, tensor<2x7x64xf32>, tensor<2x4x10x7xf32>)
         -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

// Dynamic batch and sequence length (also in memory and mask).
// CHECK-LABEL: func.func @mha_dynamic
// CHECK:         attn.mha %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} memory %{{.*}} mask %{{.*}} {causal, num_heads = 2 : i64} :
// CHECK-SAME:      (tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<?x?x64xf32>, tensor<?x1x?x?xi1>) -> tensor<?x?x64xf32>
func.func @mha_dynamic(%x: tensor<?x?x64xf32>, %wq: tensor<64x64xf32>,
                       %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
                       %wo: tensor<64x64xf32>, %mem: tensor<?x?x64xf32>,
                       %m: tensor<?x1x?x?xi1>) -> tensor<?x?x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem mask %m {num_heads = 2 : i64, causal}
         : (tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
            tensor<64x64xf32>, tensor<64x64xf32>, tensor<?x?x64xf32>,
            tensor<?x1x?x?xi1>) -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// Dynamic batch / sequence without memory, with residual.
// CHECK-LABEL: func.func @mha_dynamic_self
// CHECK:         attn.mha %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {num_heads = 4 : i64, residual} :
// CHECK-SAME:      (tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
func.func @mha_dynamic_self(%x: tensor<?x?x64xf32>, %wq: tensor<64x64xf32>,
                            %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
                            %wo: tensor<64x64xf32>) -> tensor<?x?x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual}
         : (tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
            tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
