// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-decompose-mha))' --mlir-print-local-scope \
// RUN:   | FileCheck %s --enable-var-scope --implicit-check-not=attn.mha

// attn-decompose-mha: Q/K/V projections are linalg.generic contractions whose
// indexing maps do the head split (`w[e, n*Dh + d]`), then one f32 attn.sdpa,
// then an output projection contracting over (head, Dv) that reads
// `wo[h*Dv + e, o]` (the head merge), initialised with bo and/or the residual.
// Everything in between is f32; only the result is rounded.

// Self-attention, f32, GQA (H = 4, Hkv = 2), Dh = 64, Dv = 32, bias group,
// causal, residual.
// CHECK-LABEL: func.func @mha_bias_residual_gqa
// CHECK-SAME:    (%[[X:[^:]*]]: tensor<2x10x128xf32>, %[[WQ:[^:]*]]: tensor<128x256xf32>, %[[WK:[^:]*]]: tensor<128x128xf32>, %[[WV:[^:]*]]: tensor<128x64xf32>, %[[WO:[^:]*]]: tensor<128x128xf32>,
// CHECK-SAME:     %[[BQ:[^:]*]]: tensor<256xf32>, %[[BK:[^:]*]]: tensor<128xf32>, %[[BV:[^:]*]]: tensor<64xf32>, %[[BO:[^:]*]]: tensor<128xf32>)
//
// Q: bias broadcast into the head layout, then x . wq accumulated on top.
// CHECK:         %[[QE:.*]] = tensor.empty() : tensor<2x4x10x64xf32>
// CHECK:         %[[QB:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1 * 64 + d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[BQ]] : tensor<256xf32>) outs(%[[QE]] : tensor<2x4x10x64xf32>)
// CHECK:         %[[Q:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d4, d1 * 64 + d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[X]], %[[WQ]] : tensor<2x10x128xf32>, tensor<128x256xf32>) outs(%[[QB]] : tensor<2x4x10x64xf32>)
// CHECK-NEXT:    ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK-NEXT:    } -> tensor<2x4x10x64xf32>
//
// K: Hkv = 2 heads of Dh = 64 from x.
// CHECK:         %[[KB:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1 * 64 + d3)>,
// CHECK-SAME:      ins(%[[BK]] : tensor<128xf32>) outs(%{{.*}} : tensor<2x2x10x64xf32>)
// CHECK:         %[[K:.*]] = linalg.generic
// CHECK-SAME:      affine_map<(d0, d1, d2, d3, d4) -> (d4, d1 * 64 + d3)>
// CHECK-SAME:      ins(%[[X]], %[[WK]] : tensor<2x10x128xf32>, tensor<128x128xf32>) outs(%[[KB]] : tensor<2x2x10x64xf32>)
//
// V: Hkv = 2 heads of Dv = 32.
// CHECK:         %[[VB:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1 * 32 + d3)>,
// CHECK-SAME:      ins(%[[BV]] : tensor<64xf32>) outs(%{{.*}} : tensor<2x2x10x32xf32>)
// CHECK:         %[[V:.*]] = linalg.generic
// CHECK-SAME:      affine_map<(d0, d1, d2, d3, d4) -> (d4, d1 * 32 + d3)>
// CHECK-SAME:      ins(%[[X]], %[[WV]] : tensor<2x10x128xf32>, tensor<128x64xf32>) outs(%[[VB]] : tensor<2x2x10x32xf32>)
//
// One sdpa on f32; default scale 1/sqrt(64); causal carried over.
// CHECK:         %[[H:.*]] = attn.sdpa %[[Q]], %[[K]], %[[V]] {causal, scale = 1.250000e-01 : f32}
// CHECK-SAME:      : (tensor<2x4x10x64xf32>, tensor<2x2x10x64xf32>, tensor<2x2x10x32xf32>) -> tensor<2x4x10x32xf32>
//
// Output init = bo + x (residual).
// CHECK:         %[[YE:.*]] = tensor.empty() : tensor<2x10x128xf32>
// CHECK:         %[[YI:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME:      ins(%[[BO]], %[[X]] : tensor<128xf32>, tensor<2x10x128xf32>) outs(%[[YE]] : tensor<2x10x128xf32>)
// CHECK-NEXT:    ^bb0(%[[B0:.*]]: f32, %[[X0:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[R:.*]] = arith.addf %[[B0]], %[[X0]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
//
// Output projection: contracts over (head, Dv), reading wo[h*Dv + e, o].
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d1, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d3 * 32 + d4, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME:      ins(%[[H]], %[[WO]] : tensor<2x4x10x32xf32>, tensor<128x128xf32>) outs(%[[YI]] : tensor<2x10x128xf32>)
// f32 result: no rounding step.
// CHECK-NOT:     arith.truncf
// CHECK:         return %[[Y]] : tensor<2x10x128xf32>
func.func @mha_bias_residual_gqa(%x: tensor<2x10x128xf32>, %wq: tensor<128x256xf32>,
                                 %wk: tensor<128x128xf32>, %wv: tensor<128x64xf32>,
                                 %wo: tensor<128x128xf32>, %bq: tensor<256xf32>,
                                 %bk: tensor<128xf32>, %bv: tensor<64xf32>,
                                 %bo: tensor<128xf32>) -> tensor<2x10x128xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo)
         {num_heads = 4 : i64, num_kv_heads = 2 : i64, causal, residual}
         : (tensor<2x10x128xf32>, tensor<128x256xf32>, tensor<128x128xf32>,
            tensor<128x64xf32>, tensor<128x128xf32>, tensor<256xf32>,
            tensor<128xf32>, tensor<64xf32>, tensor<128xf32>) -> tensor<2x10x128xf32>
  return %y : tensor<2x10x128xf32>
}

// Bias without residual: the output init reads bo only (E_out = 48 != E).
// CHECK-LABEL: func.func @mha_bias_no_residual
// CHECK-SAME:    %[[WO:[^:]*]]: tensor<32x48xf32>, %{{[^:]*}}: tensor<32xf32>, %{{[^:]*}}: tensor<32xf32>, %{{[^:]*}}: tensor<32xf32>, %[[BO:[^:]*]]: tensor<48xf32>)
// CHECK:         %[[H:.*]] = attn.sdpa
// CHECK-SAME:      -> tensor<2x4x10x8xf32>
// CHECK:         %[[YI:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME:      ins(%[[BO]] : tensor<48xf32>) outs(%{{.*}} : tensor<2x10x48xf32>)
// CHECK-NEXT:    ^bb0(%[[B0:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      linalg.yield %[[B0]] : f32
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK-SAME:      affine_map<(d0, d1, d2, d3, d4) -> (d3 * 8 + d4, d2)>
// CHECK-SAME:      ins(%[[H]], %[[WO]] : tensor<2x4x10x8xf32>, tensor<32x48xf32>) outs(%[[YI]] : tensor<2x10x48xf32>)
// CHECK:         return %[[Y]] : tensor<2x10x48xf32>
func.func @mha_bias_no_residual(%x: tensor<2x10x32xf32>, %wq: tensor<32x32xf32>,
                                %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>,
                                %wo: tensor<32x48xf32>, %bq: tensor<32xf32>,
                                %bk: tensor<32xf32>, %bv: tensor<32xf32>,
                                %bo: tensor<48xf32>) -> tensor<2x10x48xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64}
         : (tensor<2x10x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>,
            tensor<32x32xf32>, tensor<32x48xf32>, tensor<32xf32>,
            tensor<32xf32>, tensor<32xf32>, tensor<48xf32>) -> tensor<2x10x48xf32>
  return %y : tensor<2x10x48xf32>
}

// Cross-attention in f16: Q from x, K and V from memory (Skv = 7); no bias,
// so the projections accumulate into a zero fill; inputs are widened with
// extf; the layer's result is rounded with truncf.
// CHECK-LABEL: func.func @mha_cross_f16
// CHECK-SAME:    (%[[X:[^:]*]]: tensor<2x10x64xf16>, %[[WQ:[^:]*]]: tensor<64x64xf16>, %[[WK:[^:]*]]: tensor<64x64xf16>, %[[WV:[^:]*]]: tensor<64x64xf16>, %[[WO:[^:]*]]: tensor<64x64xf16>, %[[MEM:[^:]*]]: tensor<2x7x64xf16>)
// CHECK:         %[[ZQ:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x10x16xf32>)
// CHECK:         %[[Q:.*]] = linalg.generic
// CHECK-SAME:      affine_map<(d0, d1, d2, d3, d4) -> (d4, d1 * 16 + d3)>
// CHECK-SAME:      ins(%[[X]], %[[WQ]] : tensor<2x10x64xf16>, tensor<64x64xf16>) outs(%[[ZQ]] : tensor<2x4x10x16xf32>)
// CHECK-NEXT:    ^bb0(%[[A:.*]]: f16, %[[B:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[AE:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK-NEXT:      %[[BE:.*]] = arith.extf %[[B]] : f16 to f32
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[AE]], %[[BE]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         %[[K:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[MEM]], %[[WK]] : tensor<2x7x64xf16>, tensor<64x64xf16>) outs(%{{.*}} : tensor<2x4x7x16xf32>)
// CHECK:         %[[V:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[MEM]], %[[WV]] : tensor<2x7x64xf16>, tensor<64x64xf16>) outs(%{{.*}} : tensor<2x4x7x16xf32>)
// CHECK:         %[[H:.*]] = attn.sdpa %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32}
// CHECK-SAME:      : (tensor<2x4x10x16xf32>, tensor<2x4x7x16xf32>, tensor<2x4x7x16xf32>) -> tensor<2x4x10x16xf32>
// CHECK:         %[[ZY:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x10x64xf32>)
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[H]], %[[WO]] : tensor<2x4x10x16xf32>, tensor<64x64xf16>) outs(%[[ZY]] : tensor<2x10x64xf32>)
// CHECK:         %[[OE:.*]] = tensor.empty() : tensor<2x10x64xf16>
// CHECK:         %[[O:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[Y]] : tensor<2x10x64xf32>) outs(%[[OE]] : tensor<2x10x64xf16>)
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %{{.*}}: f16):
// CHECK-NEXT:      %[[T:.*]] = arith.truncf %[[IN]] : f32 to f16
// CHECK-NEXT:      linalg.yield %[[T]] : f16
// CHECK:         return %[[O]] : tensor<2x10x64xf16>
func.func @mha_cross_f16(%x: tensor<2x10x64xf16>, %wq: tensor<64x64xf16>,
                         %wk: tensor<64x64xf16>, %wv: tensor<64x64xf16>,
                         %wo: tensor<64x64xf16>, %mem: tensor<2x7x64xf16>)
    -> tensor<2x10x64xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64}
         : (tensor<2x10x64xf16>, tensor<64x64xf16>, tensor<64x64xf16>,
            tensor<64x64xf16>, tensor<64x64xf16>, tensor<2x7x64xf16>)
         -> tensor<2x10x64xf16>
  return %y : tensor<2x10x64xf16>
}

// f16 with residual and an f32 additive mask: the residual is widened in the
// output init, the f32 mask goes to the sdpa unchanged.
// CHECK-LABEL: func.func @mha_residual_mask_f16
// CHECK-SAME:    (%[[X:[^:]*]]: tensor<2x10x64xf16>, {{.*}}, %[[M:[^:]*]]: tensor<2x4x10x10xf32>)
// CHECK:         %[[H:.*]] = attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %[[M]] {scale = 2.500000e-01 : f32}
// CHECK-SAME:      : (tensor<2x4x10x16xf32>, tensor<2x4x10x16xf32>, tensor<2x4x10x16xf32>, tensor<2x4x10x10xf32>) -> tensor<2x4x10x16xf32>
// CHECK:         %[[YI:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[X]] : tensor<2x10x64xf16>) outs(%{{.*}} : tensor<2x10x64xf32>)
// CHECK-NEXT:    ^bb0(%[[XI:.*]]: f16, %{{.*}}: f32):
// CHECK-NEXT:      %[[XE:.*]] = arith.extf %[[XI]] : f16 to f32
// CHECK-NEXT:      linalg.yield %[[XE]] : f32
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[H]], %{{.*}} : tensor<2x4x10x16xf32>, tensor<64x64xf16>) outs(%[[YI]] : tensor<2x10x64xf32>)
// CHECK:         arith.truncf %{{.*}} : f32 to f16
// CHECK:         return %{{.*}} : tensor<2x10x64xf16>
func.func @mha_residual_mask_f16(%x: tensor<2x10x64xf16>, %wq: tensor<64x64xf16>,
                                 %wk: tensor<64x64xf16>, %wv: tensor<64x64xf16>,
                                 %wo: tensor<64x64xf16>, %m: tensor<2x4x10x10xf32>)
    -> tensor<2x10x64xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, residual}
         : (tensor<2x10x64xf16>, tensor<64x64xf16>, tensor<64x64xf16>,
            tensor<64x64xf16>, tensor<64x64xf16>, tensor<2x4x10x10xf32>)
         -> tensor<2x10x64xf16>
  return %y : tensor<2x10x64xf16>
}

// Dynamic B and S with an i1 mask (passed through) and an explicit scale.
// CHECK-LABEL: func.func @mha_dynamic_mask
// CHECK-SAME:    (%[[X:[^:]*]]: tensor<?x?x64xf32>, {{.*}}, %[[M:[^:]*]]: tensor<?x1x?x?xi1>)
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[B:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x?x64xf32>
// CHECK-DAG:     %[[S:.*]] = tensor.dim %[[X]], %[[C1]] : tensor<?x?x64xf32>
// CHECK:         tensor.empty(%[[B]], %[[S]]) : tensor<?x4x?x16xf32>
// CHECK:         %[[H:.*]] = attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} mask %[[M]] {scale = 5.000000e-01 : f32}
// CHECK-SAME:      : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x1x?x?xi1>) -> tensor<?x4x?x16xf32>
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[H]], %{{.*}} : tensor<?x4x?x16xf32>, tensor<64x64xf32>) outs(%{{.*}} : tensor<?x?x64xf32>)
// CHECK:         return %[[Y]] : tensor<?x?x64xf32>
func.func @mha_dynamic_mask(%x: tensor<?x?x64xf32>, %wq: tensor<64x64xf32>,
                            %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
                            %wo: tensor<64x64xf32>, %m: tensor<?x1x?x?xi1>)
    -> tensor<?x?x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, scale = 0.5 : f32}
         : (tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
            tensor<64x64xf32>, tensor<64x64xf32>, tensor<?x1x?x?xi1>)
         -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// The op's declared result type (static batch) is kept with a tensor.cast.
// CHECK-LABEL: func.func @mha_result_more_static
// CHECK:         %[[H:.*]] = attn.sdpa
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[H]], %{{.*}} : tensor<?x4x10x16xf32>, tensor<64x64xf32>) outs(%{{.*}} : tensor<?x10x64xf32>)
// CHECK:         %[[C:.*]] = tensor.cast %[[Y]] : tensor<?x10x64xf32> to tensor<2x10x64xf32>
// CHECK:         return %[[C]] : tensor<2x10x64xf32>
func.func @mha_result_more_static(%x: tensor<?x10x64xf32>, %wq: tensor<64x64xf32>,
                                  %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
                                  %wo: tensor<64x64xf32>) -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64}
         : (tensor<?x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
            tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

// An attn.sdpa that is already there is left alone.
// CHECK-LABEL: func.func @sdpa_untouched
// CHECK:         attn.sdpa
// CHECK-NOT:     linalg.generic
func.func @sdpa_untouched(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>,
                          %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}
