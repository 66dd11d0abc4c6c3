// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-linalg))' --mlir-print-local-scope \
// RUN:   | FileCheck %s --enable-var-scope --implicit-check-not=attn.sdpa

// attn-lower-sdpa-to-linalg: the unfused reference. Each step is one
// linalg.generic on tensors and the B x H x Sq x Sk score matrix is
// materialized: scores (QK^T), scale + bias, row max, exp, row sum, PV,
// normalize. No attn.sdpa may remain (--implicit-check-not).

// GQA (H = 8, Hkv = 2 -> kv head `h floordiv 4`), f16 data, i1 mask
// broadcast over B and H, causal with Sq = 16 != Sk = 32, explicit scale,
// Dv = 48 != D = 64.
// CHECK-LABEL: func.func @sdpa_gqa_i1_causal_f16
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<2x8x16x64xf16>, %[[K:[^:]*]]: tensor<2x2x32x64xf16>, %[[V:[^:]*]]: tensor<2x2x32x48xf16>, %[[M:[^:]*]]: tensor<1x1x16x32xi1>)
//
// Scores: s[b,h,i,j] = sum_d q[b,h,i,d] * k[b,h/4,j,d], widened to f32.
// CHECK:         %[[S0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x8x16x32xf32>)
// CHECK:         %[[S:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[Q]], %[[K]] : tensor<2x8x16x64xf16>, tensor<2x2x32x64xf16>) outs(%[[S0]] : tensor<2x8x16x32xf32>)
// CHECK-NEXT:    ^bb0(%[[QI:.*]]: f16, %[[KI:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[QE:.*]] = arith.extf %[[QI]] : f16 to f32
// CHECK-NEXT:      %[[KE:.*]] = arith.extf %[[KI]] : f16 to f32
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[QE]], %[[KE]] : f32
// CHECK-NEXT:      %[[SUM:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[SUM]] : f32
// CHECK-NEXT:    } -> tensor<2x8x16x32xf32>
//
// Causal offset Sk - Sq (bottom-right alignment).
// CHECK-DAG:     %[[SK:.*]] = arith.constant 32 : index
// CHECK-DAG:     %[[SQ:.*]] = arith.constant 16 : index
// CHECK:         %[[OFF:.*]] = arith.subi %[[SK]], %[[SQ]] : index
//
// Bias: scale, i1 mask -> select -inf, causal j <= i + (Sk - Sq) -> select -inf.
// CHECK:         %[[T:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[S]] : tensor<2x8x16x32xf32>)
// CHECK-NEXT:    ^bb0(%[[SI:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG:       %[[SCALE:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:       %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:           %[[X:.*]] = arith.mulf %[[SI]], %[[SCALE]] : f32
// CHECK-DAG:       %[[I:.*]] = linalg.index 2 : index
// CHECK-DAG:       %[[J:.*]] = linalg.index 3 : index
// CHECK-DAG:       %[[Z0:.*]] = arith.constant 0 : index
// CHECK-DAG:       %[[Z1:.*]] = arith.constant 0 : index
// CHECK:           %[[MV:.*]] = tensor.extract %[[M]][%[[Z0]], %[[Z1]], %[[I]], %[[J]]] : tensor<1x1x16x32xi1>
// CHECK-NEXT:      %[[XM:.*]] = arith.select %[[MV]], %[[X]], %[[NINF]] : f32
// CHECK-NEXT:      %[[LAST:.*]] = arith.addi %[[I]], %[[OFF]] : index
// CHECK-NEXT:      %[[VIS:.*]] = arith.cmpi sle, %[[J]], %[[LAST]] : index
// CHECK-NEXT:      %[[XC:.*]] = arith.select %[[VIS]], %[[XM]], %[[NINF]] : f32
// CHECK-NEXT:      linalg.yield %[[XC]] : f32
// CHECK-NEXT:    } -> tensor<2x8x16x32xf32>
//
// Row max, initialized to -inf.
// CHECK:         %[[MX0:.*]] = linalg.fill ins(%[[NINF0:.*]] : f32) outs(%{{.*}} : tensor<2x8x16xf32>)
// CHECK:         %[[MX:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[T]] : tensor<2x8x16x32xf32>) outs(%[[MX0]] : tensor<2x8x16xf32>)
// CHECK-NEXT:    ^bb0(%[[TI:.*]]: f32, %[[MACC:.*]]: f32):
// CHECK-NEXT:      %[[MAX:.*]] = arith.maximumf %[[MACC]], %[[TI]] : f32
// CHECK-NEXT:      linalg.yield %[[MAX]] : f32
//
// exp(t - max), 0 where the row max is -inf (every key hidden).
// CHECK:         %[[E:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      ins(%[[T]], %[[MX]] : tensor<2x8x16x32xf32>, tensor<2x8x16xf32>)
// CHECK-NEXT:    ^bb0(%[[EI:.*]]: f32, %[[EM:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG:       %[[ENINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:       %[[EZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:           %[[D:.*]] = arith.subf %[[EI]], %[[EM]] : f32
// CHECK-NEXT:      %[[EX:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT:      %[[HID:.*]] = arith.cmpf oeq, %[[EM]], %[[ENINF]] : f32
// CHECK-NEXT:      %[[EV:.*]] = arith.select %[[HID]], %[[EZERO]], %[[EX]] : f32
// CHECK-NEXT:      linalg.yield %[[EV]] : f32
//
// Row sum, initialized to 0.
// CHECK:         %[[SM0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x8x16xf32>)
// CHECK:         %[[SM:.*]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[E]] : tensor<2x8x16x32xf32>) outs(%[[SM0]] : tensor<2x8x16xf32>)
// CHECK-NEXT:    ^bb0(%[[PI:.*]]: f32, %[[SACC:.*]]: f32):
// CHECK-NEXT:      %[[ADD:.*]] = arith.addf %[[SACC]], %[[PI]] : f32
// CHECK-NEXT:      linalg.yield %[[ADD]] : f32
//
// PV: acc[b,h,i,e] = sum_j p[b,h,i,j] * v[b,h/4,j,e].
// CHECK:         %[[A0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x8x16x48xf32>)
// CHECK:         %[[A:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d4, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[E]], %[[V]] : tensor<2x8x16x32xf32>, tensor<2x2x32x48xf16>) outs(%[[A0]] : tensor<2x8x16x48xf32>)
// CHECK-NEXT:    ^bb0(%[[PJ:.*]]: f32, %[[VI:.*]]: f16, %[[AACC:.*]]: f32):
// CHECK-NEXT:      %[[VE:.*]] = arith.extf %[[VI]] : f16 to f32
// CHECK-NEXT:      %[[PV:.*]] = arith.mulf %[[PJ]], %[[VE]] : f32
// CHECK-NEXT:      %[[AS:.*]] = arith.addf %[[AACC]], %[[PV]] : f32
// CHECK-NEXT:      linalg.yield %[[AS]] : f32
//
// Normalize: acc / sum, 0 where the sum is 0, rounded to f16.
// CHECK:         %[[OE:.*]] = tensor.empty() : tensor<2x8x16x48xf16>
// CHECK:         %[[O:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[A]], %[[SM]] : tensor<2x8x16x48xf32>, tensor<2x8x16xf32>) outs(%[[OE]] : tensor<2x8x16x48xf16>)
// CHECK-NEXT:    ^bb0(%[[NA:.*]]: f32, %[[NS:.*]]: f32, %{{.*}}: f16):
// CHECK-NEXT:      %[[NZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %[[EMPTY:.*]] = arith.cmpf oeq, %[[NS]], %[[NZERO]] : f32
// CHECK-NEXT:      %[[DIV:.*]] = arith.divf %[[NA]], %[[NS]] : f32
// CHECK-NEXT:      %[[NV:.*]] = arith.select %[[EMPTY]], %[[NZERO]], %[[DIV]] : f32
// CHECK-NEXT:      %[[TR:.*]] = arith.truncf %[[NV]] : f32 to f16
// CHECK-NEXT:      linalg.yield %[[TR]] : f16
// CHECK-NEXT:    } -> tensor<2x8x16x48xf16>
// CHECK-NEXT:    return %[[O]] : tensor<2x8x16x48xf16>
func.func @sdpa_gqa_i1_causal_f16(%q: tensor<2x8x16x64xf16>, %k: tensor<2x2x32x64xf16>,
                                  %v: tensor<2x2x32x48xf16>, %m: tensor<1x1x16x32xi1>)
    -> tensor<2x8x16x48xf16> {
  %o = attn.sdpa %q, %k, %v mask %m {scale = 0.5 : f32, causal}
         : (tensor<2x8x16x64xf16>, tensor<2x2x32x64xf16>, tensor<2x2x32x48xf16>,
            tensor<1x1x16x32xi1>) -> tensor<2x8x16x48xf16>
  return %o : tensor<2x8x16x48xf16>
}

// MQA (Hkv = 1 -> `h floordiv 8`), f32, full B x H additive f32 mask read at
// the loop indices, default scale 1/sqrt(16); no causal bias, no rounding.
// CHECK-LABEL: func.func @sdpa_mqa_additive_f32
// CHECK-SAME:    %[[M:[^:]*]]: tensor<2x8x4x6xf32>)
// CHECK:         linalg.generic
// CHECK-SAME:      affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 8, d3, d4)>
// CHECK-NEXT:    ^bb0(%[[QI:.*]]: f32, %[[KI:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[QI]], %[[KI]] : f32
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[SI:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG:       %[[SCALE:.*]] = arith.constant 2.500000e-01 : f32
// CHECK:           %[[X:.*]] = arith.mulf %[[SI]], %[[SCALE]] : f32
// CHECK-NEXT:      %[[B:.*]] = linalg.index 0 : index
// CHECK-NEXT:      %[[H:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[I:.*]] = linalg.index 2 : index
// CHECK-NEXT:      %[[J:.*]] = linalg.index 3 : index
// CHECK-NEXT:      %[[MV:.*]] = tensor.extract %[[M]][%[[B]], %[[H]], %[[I]], %[[J]]] : tensor<2x8x4x6xf32>
// CHECK-NEXT:      %[[XM:.*]] = arith.addf %[[X]], %[[MV]] : f32
// CHECK-NEXT:      linalg.yield %[[XM]] : f32
// CHECK:         arith.maximumf
// CHECK:         math.exp
// CHECK:         linalg.generic {{.*}}affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 8, d4, d3)>
// CHECK:         %[[O:.*]] = linalg.generic
// CHECK:           arith.divf
// CHECK-NOT:       arith.truncf
// CHECK:         } -> tensor<2x8x4x16xf32>
// CHECK-NEXT:    return %[[O]] : tensor<2x8x4x16xf32>
func.func @sdpa_mqa_additive_f32(%q: tensor<2x8x4x16xf32>, %k: tensor<2x1x6x16xf32>,
                                 %v: tensor<2x1x6x16xf32>, %m: tensor<2x8x4x6xf32>)
    -> tensor<2x8x4x16xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<2x8x4x16xf32>, tensor<2x1x6x16xf32>, tensor<2x1x6x16xf32>,
            tensor<2x8x4x6xf32>) -> tensor<2x8x4x16xf32>
  return %o : tensor<2x8x4x16xf32>
}

// H == Hkv: kv heads are read at `d1` directly; no mask, no causal: the bias
// step only scales.
// CHECK-LABEL: func.func @sdpa_plain
// CHECK:         linalg.generic
// CHECK-SAME:      affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[SI:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG:       %[[SCALE:.*]] = arith.constant 1.250000e-01 : f32
// CHECK-DAG:       arith.constant 0xFF800000 : f32
// CHECK:           %[[X:.*]] = arith.mulf %[[SI]], %[[SCALE]] : f32
// CHECK-NEXT:      linalg.yield %[[X]] : f32
// CHECK:         linalg.generic {{.*}}affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
func.func @sdpa_plain(%q: tensor<1x2x8x64xf32>, %k: tensor<1x2x8x64xf32>,
                      %v: tensor<1x2x8x64xf32>) -> tensor<1x2x8x64xf32> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>) -> tensor<1x2x8x64xf32>
  return %o : tensor<1x2x8x64xf32>
}

// Every dimension but D and Dv dynamic: the group size is H / Hkv computed
// at run time, K and V are read with tensor.extract at kv head h / G, and the
// dynamic mask's B and H dims are indexed `idx rem size` (1 or full size).
// CHECK-LABEL: func.func @sdpa_dynamic
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<?x?x?x64xf32>, %[[K:[^:]*]]: tensor<?x?x?x64xf32>, %[[V:[^:]*]]: tensor<?x?x?x32xf32>, %[[M:[^:]*]]: tensor<?x?x?x?xi1>)
// CHECK:         %[[HK:.*]] = tensor.dim %[[K]], %c1{{(_[0-9]+)?}} : tensor<?x?x?x64xf32>
// CHECK-NEXT:    %[[G:.*]] = arith.divui %{{[^,]*}}, %[[HK]] : index
//
// Scores: only Q is an input; K is gathered.
// CHECK:         %[[S:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      ins(%[[Q]] : tensor<?x?x?x64xf32>) outs(%{{.*}} : tensor<?x?x?x?xf32>)
// CHECK-NEXT:    ^bb0(%[[QI:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[B:.*]] = linalg.index 0 : index
// CHECK-NEXT:      %[[H:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[J:.*]] = linalg.index 3 : index
// CHECK-NEXT:      %[[D:.*]] = linalg.index 4 : index
// CHECK-NEXT:      %[[HKV:.*]] = arith.divui %[[H]], %[[G]] : index
// CHECK-NEXT:      %[[KV:.*]] = tensor.extract %[[K]][%[[B]], %[[HKV]], %[[J]], %[[D]]] : tensor<?x?x?x64xf32>
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[QI]], %[[KV]] : f32
// CHECK-NEXT:      %[[SUM:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[SUM]] : f32
//
// Causal offset from the run-time sizes: dim(k, 2) - dim(q, 2).
// CHECK-DAG:     %[[SK:.*]] = tensor.dim %[[K]], %c2{{(_[0-9]+)?}} : tensor<?x?x?x64xf32>
// CHECK-DAG:     %[[SQ:.*]] = tensor.dim %[[Q]], %c2{{(_[0-9]+)?}} : tensor<?x?x?x64xf32>
// CHECK:         %[[OFF:.*]] = arith.subi %[[SK]], %[[SQ]] : index
//
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[S]] : tensor<?x?x?x?xf32>)
// CHECK:           %[[BI:.*]] = linalg.index 0 : index
// CHECK-NEXT:      %[[HI:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[II:.*]] = linalg.index 2 : index
// CHECK-NEXT:      %[[JI:.*]] = linalg.index 3 : index
// CHECK-NEXT:      %[[MC0:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[MB:.*]] = tensor.dim %[[M]], %[[MC0]] : tensor<?x?x?x?xi1>
// CHECK-NEXT:      %[[BR:.*]] = arith.remui %[[BI]], %[[MB]] : index
// CHECK-NEXT:      %[[MC1:.*]] = arith.constant 1 : index
// CHECK-NEXT:      %[[MH:.*]] = tensor.dim %[[M]], %[[MC1]] : tensor<?x?x?x?xi1>
// CHECK-NEXT:      %[[HR:.*]] = arith.remui %[[HI]], %[[MH]] : index
// CHECK-NEXT:      %[[MV:.*]] = tensor.extract %[[M]][%[[BR]], %[[HR]], %[[II]], %[[JI]]] : tensor<?x?x?x?xi1>
// CHECK-NEXT:      %[[XM:.*]] = arith.select %[[MV]]
// CHECK-NEXT:      %[[LAST:.*]] = arith.addi %[[II]], %[[OFF]] : index
// CHECK-NEXT:      %[[VIS:.*]] = arith.cmpi sle, %[[JI]], %[[LAST]] : index
// CHECK-NEXT:      arith.select %[[VIS]], %[[XM]]
//
// PV: only P is an input; V is gathered at [b, h / G, j = d4, e = d3].
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      outs(%{{.*}} : tensor<?x?x?x32xf32>)
// CHECK-NEXT:    ^bb0(%[[PI:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[VB:.*]] = linalg.index 0 : index
// CHECK-NEXT:      %[[VH:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[VJ:.*]] = linalg.index 4 : index
// CHECK-NEXT:      %[[VE:.*]] = linalg.index 3 : index
// CHECK-NEXT:      %[[VHKV:.*]] = arith.divui %[[VH]], %[[G]] : index
// CHECK-NEXT:      %[[VV:.*]] = tensor.extract %[[V]][%[[VB]], %[[VHKV]], %[[VJ]], %[[VE]]] : tensor<?x?x?x32xf32>
// CHECK-NEXT:      arith.mulf %[[PI]], %[[VV]] : f32
// CHECK:         %[[O:.*]] = linalg.generic
// CHECK:         } -> tensor<?x?x?x32xf32>
// CHECK-NEXT:    return %[[O]] : tensor<?x?x?x32xf32>
func.func @sdpa_dynamic(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>,
                        %v: tensor<?x?x?x32xf32>, %m: tensor<?x?x?x?xi1>)
    -> tensor<?x?x?x32xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {causal}
         : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x32xf32>,
            tensor<?x?x?x?xi1>) -> tensor<?x?x?x32xf32>
  return %o : tensor<?x?x?x32xf32>
}

// Static heads (GQA map, no gather) with dynamic B / Sq / Sk, and a bf16
// additive mask whose B dim is dynamic (rem) and H dim is a static 1 (0).
// CHECK-LABEL: func.func @sdpa_mixed_bf16
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<?x8x?x64xbf16>, %[[K:[^:]*]]: tensor<?x2x?x64xbf16>, %[[V:[^:]*]]: tensor<?x2x?x64xbf16>, %[[M:[^:]*]]: tensor<?x1x?x?xbf16>)
// CHECK-NOT:     arith.divui
// CHECK:         linalg.generic
// CHECK-SAME:      affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d3, d4)>
// CHECK-SAME:      ins(%[[Q]], %[[K]] : tensor<?x8x?x64xbf16>, tensor<?x2x?x64xbf16>) outs(%{{.*}} : tensor<?x8x?x?xf32>)
// CHECK:         linalg.generic
// CHECK:           %[[X:.*]] = arith.mulf
// CHECK-NEXT:      %[[BI:.*]] = linalg.index 0 : index
// CHECK-NEXT:      linalg.index 1 : index
// CHECK-NEXT:      %[[II:.*]] = linalg.index 2 : index
// CHECK-NEXT:      %[[JI:.*]] = linalg.index 3 : index
// CHECK-NEXT:      %[[MC0:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[MB:.*]] = tensor.dim %[[M]], %[[MC0]] : tensor<?x1x?x?xbf16>
// CHECK-NEXT:      %[[BR:.*]] = arith.remui %[[BI]], %[[MB]] : index
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[MV:.*]] = tensor.extract %[[M]][%[[BR]], %[[Z]], %[[II]], %[[JI]]] : tensor<?x1x?x?xbf16>
// CHECK-NEXT:      %[[ME:.*]] = arith.extf %[[MV]] : bf16 to f32
// CHECK-NEXT:      %[[XM:.*]] = arith.addf %[[X]], %[[ME]] : f32
// CHECK-NEXT:      linalg.yield %[[XM]] : f32
// CHECK:         linalg.generic {{.*}}affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d4, d3)>
// CHECK-SAME:      ins(%{{.*}}, %[[V]] : tensor<?x8x?x?xf32>, tensor<?x2x?x64xbf16>)
// CHECK:           arith.truncf %{{.*}} : f32 to bf16
// CHECK:         } -> tensor<?x8x?x64xbf16>
func.func @sdpa_mixed_bf16(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x2x?x64xbf16>,
                           %v: tensor<?x2x?x64xbf16>, %m: tensor<?x1x?x?xbf16>)
    -> tensor<?x8x?x64xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<?x8x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>,
            tensor<?x1x?x?xbf16>) -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}
