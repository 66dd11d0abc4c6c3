// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-flash))' --mlir-print-local-scope > %t
// RUN: FileCheck %s --input-file=%t --enable-var-scope \
// RUN:   --implicit-check-not=attn.sdpa --implicit-check-not='memref.alloc(' --implicit-check-not='memref.alloca('
// RUN: FileCheck %s --input-file=%t --check-prefix=NEG
//
// Non-default tile sizes change the scratch shapes (and only those).
// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-flash{block-q=96 block-k=48}))' --mlir-print-local-scope \
// RUN:   | FileCheck %s --check-prefix=OPT --implicit-check-not=attn.sdpa
//
// block-q must be a positive multiple of 48 (16 score columns x 6 value rows);
// the pass fails cleanly (exit 2, no crash). (%expect_exit rather than `not`:
// it also checks the exit code SPEC fixes.)
// RUN: %expect_exit 2 attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-flash{block-q=50}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERR
// RUN: %expect_exit 2 attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-flash{block-q=0}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERR
// RUN: %expect_exit 2 attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-flash{block-k=0}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERR
// A block-k that is not a multiple of the score tiles (6 and 8 keys) would let the
// kernel write past the scores scratch: refused.
// RUN: %expect_exit 2 attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-flash{block-k=32}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERR

// ERR: attn-opt: error: {{.*}}: attn-lower-sdpa-to-flash: block-q must be a positive multiple of 48 and block-k a positive multiple of 24

// 512-bit vectors (vector-bits=512, for AVX-512 targets): the score tiles
// are 12 keys x 16 rows (one vector<16xf32> per key), the value tiles 6 rows
// x 32 columns (Dv = 64: two tiles, where 256-bit vectors take four); 12
// accumulators each. Other widths are refused.
// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-flash{vector-bits=512}))' --mlir-print-local-scope \
// RUN:   | FileCheck %s --check-prefix=VB512
// RUN: %expect_exit 2 attn-opt %s --pass-pipeline='builtin.module(func.func(attn-lower-sdpa-to-flash{vector-bits=128}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERR-BITS
// ERR-BITS: attn-opt: error: {{.*}}: attn-lower-sdpa-to-flash: vector-bits must be 256 or 512
// VB512-LABEL: func.func @sdpa_f32
// (scores: whole tiles, the shifted last tile, the clamped short block;
// values: two tiles)
// VB512-COUNT-5: %{{.*}}:12 = scf.for {{.*}} -> ({{(vector<16xf32>, ){11}vector<16xf32>}}) {
// VB512-NOT:     :12 = scf.for
// VB512-LABEL: func.func @sdpa_gqa

// attn-lower-sdpa-to-flash: attn.sdpa becomes one fused loop nest on buffers.
// No attn.sdpa is left, the only heap allocation is the result (every
// memref.alloc and memref.alloca must be matched explicitly below), and no
// buffer of size Sq x Sk exists: per task the scores are block-k x block-q
// (96 x 48 by default).
//
//   scf.parallel (batch, kv head, block of 48 query rows of the kv group)
//     memref.alloca_scope: qT (D x 48), ot (48 x Dv padded to 16),
//       sT (96 x 48), m / l / alpha rows (48), lastKey (48 x i32, causal)
//     pack Q transposed, times scale * log2(e)
//     scf.for key block (up to the causal limit)
//       scores kernel: 12 vector<8xf32> accumulators (6 keys x 16 rows)
//       bias (causal diagonal under scf.if; masks always)
//       online softmax in base 2 with an inline exp2
//       value kernel: 12 vector<8xf32> accumulators (6 rows x 16 columns)
//     O / l -> result (0 for fully hidden rows)
//   (tasks of at most 4 rows -- decode -- take one streaming pass over the
//   keys instead of the key-block loop; see @sdpa_causal)

// -----------------------------------------------------------------------------
// Plain f32, B=1, H=Hkv=8, S=512, D=Dv=64, default scale 1/8.
// CHECK-LABEL: func.func @sdpa_f32
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<1x8x512x64xf32>, %[[K:[^:]*]]: tensor<1x8x512x64xf32>, %[[V:[^:]*]]: tensor<1x8x512x64xf32>)
// CHECK:         %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only : tensor<1x8x512x64xf32> to memref<1x8x512x64xf32>
// CHECK-NEXT:    %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only : tensor<1x8x512x64xf32> to memref<1x8x512x64xf32>
// CHECK-NEXT:    %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only : tensor<1x8x512x64xf32> to memref<1x8x512x64xf32>
// B, H, Sq of Q; Sk, Hkv of K; group = H / Hkv; rows per (b, kv head) = group * Sq.
// CHECK:         %[[B:.*]] = memref.dim %[[QB]], %{{.*}} : memref<1x8x512x64xf32>
// CHECK:         %[[H:.*]] = memref.dim %[[QB]], %{{.*}} : memref<1x8x512x64xf32>
// CHECK:         %[[SQ:.*]] = memref.dim %[[QB]], %{{.*}} : memref<1x8x512x64xf32>
// CHECK:         %[[SK:.*]] = memref.dim %[[KB]], %{{.*}} : memref<1x8x512x64xf32>
// CHECK:         %[[HKV:.*]] = memref.dim %[[KB]], %{{.*}} : memref<1x8x512x64xf32>
// CHECK-NEXT:    %[[G:.*]] = arith.divui %[[H]], %[[HKV]] : index
// CHECK-NEXT:    %[[ROWS:.*]] = arith.muli %[[G]], %[[SQ]] : index
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x8x512x64xf32>
// CHECK-NEXT:    %[[C48:.*]] = arith.constant 48 : index
// CHECK-NEXT:    %[[NB:.*]] = arith.ceildivui %[[ROWS]], %[[C48]] : index
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:         scf.parallel (%[[BI:[^,]*]], %[[HK:[^,]*]], %[[RB:[^,]*]], %[[SP:[^)]*]]) = (%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) to (%[[B]], %[[HKV]], %[[NB]], %{{.*}}) step
// CHECK-NEXT:      memref.alloca_scope {
// Rows of the block: r0 = rb * 48, nrows = min(48, rows - r0).
// CHECK-NEXT:        %[[BQ:.*]] = arith.constant 48 : index
// CHECK-NEXT:        %[[R0:.*]] = arith.muli %[[RB]], %[[BQ]] : index
// CHECK:             %[[NROWS:.*]] = arith.minsi %{{.*}}, %{{.*}} : index
// Scratch on the task's stack: qT, ot, sT, m, l, alpha; no lastKey (not causal).
// CHECK:             %[[QT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<64x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x64xf32>
// CHECK-NEXT:        %[[OT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x64xf32>
// CHECK-NEXT:        %[[ST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        %[[M:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        %[[L:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        %[[ALPHA:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
//
// m = -inf, l = 0.
// CHECK:             vector.store %{{.*}}, %[[M]][%{{.*}}] : memref<48xf32>, vector<8xf32>
// CHECK-NEXT:        vector.store %{{.*}}, %[[L]][%{{.*}}] : memref<48xf32>, vector<8xf32>
//
// Q packed transposed, pre-multiplied by scale * log2(e) = 0.125 * 1.4427:
// 8 rows x 8 columns at a time (rows past the block are 0), transposed in
// registers with 24 shuffles, stored as 8 rows of qT.
// CHECK:             %[[SCALE:.*]] = arith.constant 0.180336878 : f32
// CHECK:             scf.for %[[PG:.*]] = %{{.*}} to %{{.*}} step
// CHECK:               %[[PR0:.*]] = arith.muli %[[PG]], %{{.*}} : index
// CHECK:               scf.for %[[PC:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:            %[[QX:.*]] = vector.load %[[QB]][%[[BI]], %{{.*}}, %{{.*}}, %[[PC]]] : memref<1x8x512x64xf32>, vector<8xf32>
// CHECK-NEXT:            %[[QSV:.*]] = vector.broadcast %[[SCALE]] : f32 to vector<8xf32>
// CHECK-NEXT:            %[[QS:.*]] = arith.mulf %[[QX]], %[[QSV]] : vector<8xf32>
// CHECK-NEXT:            arith.select %{{.*}}, %[[QS]], %{{.*}} : vector<8xf32>
// CHECK-COUNT-24:        vector.shuffle
// CHECK:                 vector.store %{{.*}}, %[[QT]][%{{.*}}, %[[PR0]]] : memref<64x48xf32>, vector<8xf32>
// The row-major copy for the decode kernels only in tasks of <= 6 rows.
// CHECK:             scf.if %{{.*}} {
// CHECK:                 vector.store %{{.*}}, %[[QR]][%{{.*}}, %{{.*}}] : memref<48x64xf32>, vector<8xf32>
//
// Key blocks of 96 over all of Sk (no causal limit).
// CHECK:             %[[C96:.*]] = arith.constant 96 : index
// CHECK-NEXT:        %[[NKB:.*]] = arith.ceildivui %[[SK]], %[[C96]] : index
// CHECK:             scf.for %[[KBLK:.*]] = %{{.*}} to %{{.*}} step
// CHECK:               %[[K0:.*]] = arith.muli %[[KBLK]], %{{.*}} : index
// CHECK:               %[[NK:.*]] = arith.minsi %{{.*}}, %{{.*}} : index
//
// Scores micro-kernel sT[j][r] = sum_c K[j][c] * qT[c][r]: scf.for over D
// carrying 12 vector<8xf32>, K broadcast straight from the input.
// CHECK:               %[[S:.*]]:12 = scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{(%[^,]+ = %[^,]+, ){11}%[^)]+}}) -> ({{(vector<8xf32>, ){11}vector<8xf32>}}) {
// CHECK:                 vector.load %[[QT]][%[[C]], %{{.*}}] : memref<64x48xf32>, vector<8xf32>
// CHECK:                 vector.load %[[QT]][%[[C]], %{{.*}}] : memref<64x48xf32>, vector<8xf32>
// CHECK-NEXT:            %[[KS:.*]] = memref.load %[[KB]][%[[BI]], %[[HK]], %{{.*}}, %[[C]]] : memref<1x8x512x64xf32>
// CHECK-NEXT:            vector.broadcast %[[KS]] : f32 to vector<8xf32>
// CHECK-COUNT-12:        vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NOT:             vector.fma
// CHECK:                 scf.yield {{(%[0-9]+, ){11}%[0-9]+}} :
// CHECK-NEXT:          }
// CHECK:               vector.store %[[S]]#0, %[[ST]][%{{.*}}, %{{.*}}] : memref<96x48xf32>, vector<8xf32>
// CHECK:               vector.store %[[S]]#11, %[[ST]][%{{.*}}, %{{.*}}] : memref<96x48xf32>, vector<8xf32>
//
// The score kernel's epilogue keeps the block's row maxima (blockMax), with
// a max without NaN semantics (plain vmaxps; a NaN score still reaches the
// result through exp2, whose clamp below keeps them).
// CHECK:               arith.maximumf %{{.*}}, %[[S]]#0 fastmath<nnan,nsz> : vector<8xf32>
//
// Those were the whole tiles of 6 keys (consecutive key rows). When nk is
// not a multiple of 6, one more tile ends at the block's last key (keys
// nk - 6 .. nk - 1, still consecutive: it recomputes a few scores); a block
// shorter than one tile clamps its keys to the last one instead.
// CHECK:             %[[PART:.*]] = arith.cmpi slt, %{{.*}}, %[[NK]] : index
// CHECK:             %[[TSHIFT:.*]] = arith.andi %[[PART]], %{{.*}} : i1
// CHECK-NEXT:        scf.if %[[TSHIFT]] {
// CHECK-NEXT:          %[[TJ0:.*]] = arith.subi %[[NK]], %{{.*}} : index
// CHECK-NOT:           arith.minsi
// CHECK:               %{{.*}}:12 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{(%[^,]+ = %[^,]+, ){11}%[^)]+}}) -> ({{(vector<8xf32>, ){11}vector<8xf32>}}) {
// CHECK-COUNT-12:        vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:             %[[TINY:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK-NEXT:        scf.if %[[TINY]] {
// CHECK:               arith.minsi %{{.*}}, %{{.*}} : index
// CHECK:               %{{.*}}:12 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{(%[^,]+ = %[^,]+, ){11}%[^)]+}}) -> ({{(vector<8xf32>, ){11}vector<8xf32>}}) {
// CHECK-COUNT-12:        vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
//
// Online softmax, 8 query rows (columns of sT) at a time: the block maximum
// (recomputed by a pass over sT only for biased blocks and narrow tasks) ...
// CHECK:             scf.for %[[RR:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:          %[[MX:.*]] = scf.if %{{.*}} -> (vector<8xf32>) {
// CHECK:                 %[[MXS:.*]] = scf.for %{{.*}} = %{{.*}} to %[[NK]] step %{{.*}} iter_args(%{{.*}}) -> (vector<8xf32>) {
// CHECK:                   arith.maximumf %{{.*}}, %{{.*}} fastmath<nnan,nsz> : vector<8xf32>
// CHECK:                 scf.yield %[[MXS]] : vector<8xf32>
// CHECK-NEXT:          } else {
// CHECK-NEXT:            %[[BM:.*]] = vector.load %{{.*}}[%[[RR]]] : memref<48xf32>, vector<8xf32>
// CHECK-NEXT:            scf.yield %[[BM]] : vector<8xf32>
// CHECK-NEXT:          }
// ... then the running max ...
// CHECK:               %[[MOLD:.*]] = vector.load %[[M]][%[[RR]]] : memref<48xf32>, vector<8xf32>
// CHECK-NEXT:          %[[MNEW:.*]] = arith.maximumf %[[MOLD]], %[[MX]] fastmath<nnan,nsz> : vector<8xf32>
// ... a row whose keys are all hidden so far shifts by 0, not by -inf ...
// CHECK-NEXT:          %[[HIDDEN:.*]] = arith.cmpf oeq, %[[MNEW]], %{{.*}} : vector<8xf32>
// CHECK-NEXT:          %[[SHIFT:.*]] = arith.select %[[HIDDEN]], %{{.*}}, %[[MNEW]] : vector<8xi1>, vector<8xf32>
// ... alpha = exp2(m_old - shift), the inline exp2: clamp at -127, x = n + f,
// 2^f by a degree-4 polynomial (4 math.fma), 2^n from the exponent bits.
// CHECK-NEXT:          %[[DM:.*]] = arith.subf %[[MOLD]], %[[SHIFT]] : vector<8xf32>
// CHECK-NEXT:          %[[CM127:.*]] = arith.constant -1.270000e+02 : f32
// CHECK-NEXT:          %[[VM127:.*]] = vector.broadcast %[[CM127]] : f32 to vector<8xf32>
// CHECK-NEXT:          %[[XC:.*]] = arith.maximumf %[[DM]], %[[VM127]] : vector<8xf32>
// CHECK-NEXT:          %[[N:.*]] = math.floor %[[XC]] : vector<8xf32>
// CHECK-NEXT:          %[[F:.*]] = arith.subf %[[XC]], %[[N]] : vector<8xf32>
// CHECK-NEXT:          arith.constant 0.0135341212 : f32
// CHECK-NEXT:          %[[P4:.*]] = vector.broadcast
// CHECK-NEXT:          arith.constant 0.0520114824 : f32
// CHECK-NEXT:          %[[A3:.*]] = vector.broadcast
// CHECK-NEXT:          %[[P3:.*]] = math.fma %[[P4]], %[[F]], %[[A3]] : vector<8xf32>
// CHECK-NEXT:          arith.constant 0.2414428 : f32
// CHECK-NEXT:          %[[A2:.*]] = vector.broadcast
// CHECK-NEXT:          %[[P2:.*]] = math.fma %[[P3]], %[[F]], %[[A2]] : vector<8xf32>
// CHECK-NEXT:          arith.constant 0.693003833 : f32
// CHECK-NEXT:          %[[A1:.*]] = vector.broadcast
// CHECK-NEXT:          %[[P1:.*]] = math.fma %[[P2]], %[[F]], %[[A1]] : vector<8xf32>
// CHECK-NEXT:          arith.constant 1.00000262 : f32
// CHECK-NEXT:          %[[A0:.*]] = vector.broadcast
// CHECK-NEXT:          %[[P0:.*]] = math.fma %[[P1]], %[[F]], %[[A0]] : vector<8xf32>
// CHECK-NEXT:          %[[NI:.*]] = arith.fptosi %[[N]] : vector<8xf32> to vector<8xi32>
// CHECK-NEXT:          %[[BIAS:.*]] = arith.constant dense<127> : vector<8xi32>
// CHECK-NEXT:          %[[EB:.*]] = arith.addi %[[NI]], %[[BIAS]] : vector<8xi32>
// CHECK-NEXT:          %[[C23:.*]] = arith.constant dense<23> : vector<8xi32>
// CHECK-NEXT:          %[[BITS:.*]] = arith.shli %[[EB]], %[[C23]] : vector<8xi32>
// CHECK-NEXT:          %[[POW:.*]] = arith.bitcast %[[BITS]] : vector<8xi32> to vector<8xf32>
// CHECK-NEXT:          %[[AL:.*]] = arith.mulf %[[P0]], %[[POW]] : vector<8xf32>
// ... p = exp2(s - shift) stored in place, summed ...
// CHECK:               %[[SUM:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[NK]] step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (vector<8xf32>) {
// CHECK-NEXT:            %[[SV:.*]] = vector.load %[[ST]][%[[J]], %[[RR]]] : memref<96x48xf32>, vector<8xf32>
// CHECK-NEXT:            arith.subf %[[SV]], %[[SHIFT]] : vector<8xf32>
// CHECK-COUNT-4:         math.fma
// CHECK:                 arith.shli
// CHECK:                 %[[PV:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NEXT:            vector.store %[[PV]], %[[ST]][%[[J]], %[[RR]]] : memref<96x48xf32>, vector<8xf32>
// CHECK-NEXT:            %[[NS:.*]] = arith.addf %[[ACC]], %[[PV]] : vector<8xf32>
// CHECK-NEXT:            scf.yield %[[NS]] : vector<8xf32>
// ... l = l * alpha + sum; m, alpha stored.
// CHECK:               %[[LOLD:.*]] = vector.load %[[L]][%[[RR]]] : memref<48xf32>, vector<8xf32>
// CHECK-NEXT:          %[[LNEW:.*]] = math.fma %[[LOLD]], %[[AL]], %[[SUM]] : vector<8xf32>
// CHECK-NEXT:          vector.store %[[LNEW]], %[[L]][%[[RR]]] : memref<48xf32>, vector<8xf32>
// CHECK-NEXT:          vector.store %[[MNEW]], %[[M]][%[[RR]]] : memref<48xf32>, vector<8xf32>
// CHECK-NEXT:          vector.store %[[AL]], %[[ALPHA]][%[[RR]]] : memref<48xf32>, vector<8xf32>
//
// Value micro-kernel: ot = alpha * ot + P V, 6 rows x 16 columns, 12
// vector<8xf32> carried over the keys of the block, V rows loaded as vectors.
// CHECK:             scf.for %[[VT:.*]] = %{{.*}} to %{{.*}} step
// First a share of the next task's data is prefetched (spread over this
// task's row tiles): its query rows, the result rows it will write (write
// intent), its new K and V rows; one prefetch per 64-byte line.
// CHECK:               scf.for
// CHECK-COUNT-4:         memref.prefetch %[[QB]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}], read, locality<3>, data : memref<1x8x512x64xf32>
// CHECK:               scf.for
// CHECK-COUNT-4:         memref.prefetch %[[OUT]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}], write, locality<3>, data : memref<1x8x512x64xf32>
// CHECK:               scf.for
// CHECK-COUNT-4:         memref.prefetch %[[KB]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}], read, locality<3>, data : memref<1x8x512x64xf32>
// CHECK:               scf.for
// CHECK-COUNT-4:         memref.prefetch %[[VB]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}], read, locality<3>, data : memref<1x8x512x64xf32>
// CHECK:               %[[AS:.*]] = memref.load %[[ALPHA]][%{{.*}}] : memref<48xf32>
// CHECK-NEXT:          %[[AV:.*]] = vector.broadcast %[[AS]] : f32 to vector<8xf32>
// CHECK:               %[[O0:.*]] = vector.load %[[OT]][%{{.*}}, %{{.*}}] : memref<48x64xf32>, vector<8xf32>
// CHECK-NEXT:          arith.mulf %[[O0]], %[[AV]] : vector<8xf32>
// CHECK:               %[[O:.*]]:12 = scf.for %[[VJ:.*]] = %{{.*}} to %[[NK]] step %{{.*}} iter_args({{(%[^,]+ = %[^,]+, ){11}%[^)]+}}) -> ({{(vector<8xf32>, ){11}vector<8xf32>}}) {
// CHECK-NEXT:            %[[KEY:.*]] = arith.addi %[[K0]], %[[VJ]] : index
// CHECK:                 vector.load %[[VB]][%[[BI]], %[[HK]], %[[KEY]], %{{.*}}] : memref<1x8x512x64xf32>, vector<8xf32>
// CHECK:                 vector.load %[[VB]][%[[BI]], %[[HK]], %[[KEY]], %{{.*}}] : memref<1x8x512x64xf32>, vector<8xf32>
// CHECK:                 %[[PS:.*]] = memref.load %[[ST]][%[[VJ]], %{{.*}}] : memref<96x48xf32>
// CHECK-NEXT:            vector.broadcast %[[PS]] : f32 to vector<8xf32>
// CHECK-COUNT-12:        vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NOT:             vector.fma
// CHECK:                 scf.yield {{(%[0-9]+, ){11}%[0-9]+}} :
// CHECK:               vector.store %[[O]]#0, %[[OT]][%{{.*}}, %{{.*}}] : memref<48x64xf32>, vector<8xf32>
// Three more column tiles of 16 (Dv = 64), no masked loads.
// CHECK-COUNT-3:       :12 = scf.for %{{.*}} = %{{.*}} to %[[NK]] step %{{.*}} iter_args({{(%[^,]+ = %[^,]+, ){11}%[^)]+}})
// CHECK-NOT:           :12 = scf.for
//
// O / l -> result; l == 0 (every key hidden) gives 0, not NaN.
// CHECK:           scf.for %[[FR:.*]] = %{{.*}} to %[[NROWS]] step
// CHECK:             %[[LV:.*]] = memref.load %[[L]][%[[FR]]] : memref<48xf32>
// CHECK-NEXT:        %[[ISZ:.*]] = arith.cmpf oeq, %[[LV]], %[[ZERO]] : f32
// CHECK-NEXT:        %[[RCP:.*]] = arith.divf %{{.*}}, %[[LV]] : f32
// CHECK-NEXT:        %[[INV:.*]] = arith.select %[[ISZ]], %[[ZERO]], %[[RCP]] : f32
// CHECK:             scf.for %[[FC:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:          %[[OV:.*]] = memref.load %[[OT]][%[[FR]], %[[FC]]] : memref<48x64xf32>
// CHECK-NEXT:          %[[OS:.*]] = arith.mulf %[[OV]], %[[INV]] : f32
// CHECK-NEXT:          memref.store %[[OS]], %[[OUT]][%[[BI]], %{{.*}}, %{{.*}}, %[[FC]]] : memref<1x8x512x64xf32>
// CHECK:           scf.reduce
// CHECK:         %[[RES:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<1x8x512x64xf32> to tensor<1x8x512x64xf32>
// CHECK-NEXT:    return %[[RES]] : tensor<1x8x512x64xf32>
//
// NEG-LABEL: func.func @sdpa_f32
// No Sq x Sk buffer, no bias (no scf.if, no select on scores), f32 throughout.
// NEG-NOT:   512x512
// NEG-NOT:   arith.cmpi sle, %{{.*}} : vector<8xi32>
// NEG-NOT:   memref<48xi32>
// NEG-NOT:   vector.maskedload
// NEG-NOT:   arith.extf
// NEG-NOT:   arith.truncf
// NEG-NOT:   math.exp %
func.func @sdpa_f32(%q: tensor<1x8x512x64xf32>, %k: tensor<1x8x512x64xf32>,
                    %v: tensor<1x8x512x64xf32>) -> tensor<1x8x512x64xf32> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<1x8x512x64xf32>, tensor<1x8x512x64xf32>, tensor<1x8x512x64xf32>)
         -> tensor<1x8x512x64xf32>
  return %o : tensor<1x8x512x64xf32>
}

// -----------------------------------------------------------------------------
// GQA: H = 8 query heads over Hkv = 2 kv heads (group of 4), Sq = 100,
// Sk = 130 (partial blocks), explicit scale 0.5. One task covers rows of the
// whole group: row -> (query head hk * 4 + row / Sq, query index row % Sq),
// while K and V are read at the kv head hk.
// CHECK-LABEL: func.func @sdpa_gqa
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<2x8x100x64xf32>, %[[K:[^:]*]]: tensor<2x2x130x64xf32>, %[[V:[^:]*]]: tensor<2x2x130x64xf32>)
// CHECK:         %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only : tensor<2x8x100x64xf32> to memref<2x8x100x64xf32>
// CHECK-NEXT:    %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only : tensor<2x2x130x64xf32> to memref<2x2x130x64xf32>
// CHECK-NEXT:    %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only : tensor<2x2x130x64xf32> to memref<2x2x130x64xf32>
// CHECK:         %[[B:.*]] = memref.dim %[[QB]], %{{.*}} : memref<2x8x100x64xf32>
// CHECK:         %[[H:.*]] = memref.dim %[[QB]], %{{.*}} : memref<2x8x100x64xf32>
// CHECK:         %[[SQ:.*]] = memref.dim %[[QB]], %{{.*}} : memref<2x8x100x64xf32>
// CHECK:         %[[SK:.*]] = memref.dim %[[KB]], %{{.*}} : memref<2x2x130x64xf32>
// CHECK:         %[[HKV:.*]] = memref.dim %[[KB]], %{{.*}} : memref<2x2x130x64xf32>
// CHECK-NEXT:    %[[G:.*]] = arith.divui %[[H]], %[[HKV]] : index
// CHECK-NEXT:    %[[ROWS:.*]] = arith.muli %[[G]], %[[SQ]] : index
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x100x64xf32>
// CHECK:         %[[NB:.*]] = arith.ceildivui %[[ROWS]], %{{.*}} : index
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:         scf.parallel (%[[BI:[^,]*]], %[[HK:[^,]*]], %[[RB:[^,]*]], %[[SP:[^)]*]]) = (%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) to (%[[B]], %[[HKV]], %[[NB]], %{{.*}}) step
// CHECK-NEXT:      memref.alloca_scope {
// CHECK:             %[[R0:.*]] = arith.muli %[[RB]], %{{.*}} : index
// CHECK:             %[[NROWS:.*]] = arith.minsi %{{.*}}, %{{.*}} : index
// CHECK:             %[[QT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<64x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x64xf32>
// CHECK-NEXT:        %[[OT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x64xf32>
// CHECK-NEXT:        %[[ST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK:             %[[SCALE:.*]] = arith.constant 0.72134751 : f32
// Q rows by groups of 8; row r of the block (clamped to the last one) is
// query index (r0 + r) mod Sq of query head hk * G + (r0 + r) div Sq.
// CHECK:             scf.for %[[PG:.*]] = %{{.*}} to %{{.*}} step
// CHECK:               %[[PRC:.*]] = arith.minsi %{{.*}}, %{{.*}} : index
// CHECK-NEXT:          %[[ROW:.*]] = arith.addi %[[R0]], %[[PRC]] : index
// CHECK-NEXT:          %[[GH:.*]] = arith.divui %[[ROW]], %[[SQ]] : index
// CHECK-NEXT:          %[[I:.*]] = arith.remui %[[ROW]], %[[SQ]] : index
// CHECK-NEXT:          %[[HB:.*]] = arith.muli %[[HK]], %[[G]] : index
// CHECK-NEXT:          %[[HEAD:.*]] = arith.addi %[[HB]], %[[GH]] : index
// CHECK:               %[[QX:.*]] = vector.load %[[QB]][%[[BI]], %[[HEAD]], %[[I]], %{{.*}}] : memref<2x8x100x64xf32>, vector<8xf32>
// CHECK-NEXT:          %[[QSV:.*]] = vector.broadcast %[[SCALE]] : f32 to vector<8xf32>
// CHECK-NEXT:          arith.mulf %[[QX]], %[[QSV]] : vector<8xf32>
// All of Sk = 130: two key blocks, the second partial.
// CHECK:             %[[NKB:.*]] = arith.ceildivui %[[SK]], %{{.*}} : index
// CHECK:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:               :12 = scf.for
// CHECK:                 memref.load %[[KB]][%[[BI]], %[[HK]], %{{.*}}, %{{.*}}] : memref<2x2x130x64xf32>
// CHECK-COUNT-12:        vector.fma
// CHECK:               :12 = scf.for
// CHECK:                 vector.load %[[VB]][%[[BI]], %[[HK]], %{{.*}}, %{{.*}}] : memref<2x2x130x64xf32>, vector<8xf32>
// CHECK-COUNT-12:        vector.fma
// Result rows go back to (query head, query index) of the group (when the
// keys are not split; otherwise the combine step does it).
// CHECK:             } else {
// CHECK:             scf.for %[[FR:.*]] = %{{.*}} to %[[NROWS]] step
// CHECK-NEXT:          %[[FROW:.*]] = arith.addi %[[R0]], %[[FR]] : index
// CHECK-NEXT:          %[[FGH:.*]] = arith.divui %[[FROW]], %[[SQ]] : index
// CHECK-NEXT:          %[[FI:.*]] = arith.remui %[[FROW]], %[[SQ]] : index
// CHECK-NEXT:          %[[FHB:.*]] = arith.muli %[[HK]], %[[G]] : index
// CHECK-NEXT:          %[[FHEAD:.*]] = arith.addi %[[FHB]], %[[FGH]] : index
// CHECK:                 memref.store %{{.*}}, %[[OUT]][%[[BI]], %[[FHEAD]], %[[FI]], %{{.*}}] : memref<2x8x100x64xf32>
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable : memref<2x8x100x64xf32> to tensor<2x8x100x64xf32>
//
// NEG-LABEL: func.func @sdpa_gqa
// NEG-NOT:   130x100
// NEG-NOT:   100x130
// NEG-NOT:   arith.cmpi sle, %{{.*}} : vector<8xi32>
func.func @sdpa_gqa(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x130x64xf32>,
                    %v: tensor<2x2x130x64xf32>) -> tensor<2x8x100x64xf32> {
  %o = attn.sdpa %q, %k, %v {scale = 0.5 : f32}
         : (tensor<2x8x100x64xf32>, tensor<2x2x130x64xf32>, tensor<2x2x130x64xf32>)
         -> tensor<2x8x100x64xf32>
  return %o : tensor<2x8x100x64xf32>
}

// -----------------------------------------------------------------------------
// Causal with Sq = 128 < Sk = 256 (bottom-right aligned: query i sees keys
// j <= i + Sk - Sq). Each row's last visible key goes to an i32 row; the key
// loop stops at the block's causal limit; the bias runs only on blocks that
// cross the diagonal (scf.if).
// CHECK-LABEL: func.func @sdpa_causal
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<1x4x128x64xf32>, %[[K:[^:]*]]: tensor<1x4x256x64xf32>, %[[V:[^:]*]]: tensor<1x4x256x64xf32>)
// CHECK:         %[[QB:.*]] = bufferization.to_buffer %[[Q]]
// CHECK-NEXT:    %[[KB:.*]] = bufferization.to_buffer %[[K]]
// CHECK:         memref.dim %[[QB]], %{{.*}} : memref<1x4x128x64xf32>
// CHECK:         memref.dim %[[QB]], %{{.*}} : memref<1x4x128x64xf32>
// CHECK:         %[[SQ:.*]] = memref.dim %[[QB]], %{{.*}} : memref<1x4x128x64xf32>
// CHECK:         %[[SK:.*]] = memref.dim %[[KB]], %{{.*}} : memref<1x4x256x64xf32>
// CHECK:         %[[ROWS:.*]] = arith.muli %{{.*}}, %[[SQ]] : index
// CHECK-NEXT:    %[[OFF:.*]] = arith.subi %[[SK]], %[[SQ]] : index
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x128x64xf32>
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:         scf.parallel (%[[BI:[^,]*]], %[[HK:[^,]*]], %[[RB:[^,]*]], %[[SP:[^)]*]]) =
// CHECK-NEXT:      memref.alloca_scope {
// CHECK:             %[[R0:.*]] = arith.muli %[[RB]], %{{.*}} : index
// CHECK:             %[[NROWS:.*]] = arith.minsi %{{.*}}, %{{.*}} : index
// CHECK:             %[[NRT:.*]] = arith.ceildivui %[[NROWS]], %{{.*}} : index
// CHECK:             %[[NRT6:.*]] = arith.muli %[[NRT]], %{{.*}} : index
// CHECK:             %[[NQT:.*]] = arith.ceildivui %[[NRT6]], %{{.*}} : index
// CHECK:             %[[NCH2:.*]] = arith.muli %[[NQT]], %{{.*}} : index
// At most 6 rows (decode) use one softmax chunk of 8.
// CHECK-NEXT:        %[[NCH:.*]] = arith.select %[[NARROW:[^,]*]], %{{.*}}, %[[NCH2]] : index
// CHECK:             %[[QT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<64x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x64xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48x64xf32>
// CHECK-NEXT:        %[[ST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        %[[LAST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48xi32>
// CHECK-NEXT:        %[[GMAX:.*]] = memref.alloca() {alignment = 64 : i64} : memref<6xi32>
// CHECK-NEXT:        %[[GMIN:.*]] = memref.alloca() {alignment = 64 : i64} : memref<6xi32>
// Q packed as in @sdpa_f32.
// CHECK:                 vector.store %{{.*}}, %[[QT]]
// lastKey[r] = i + Sk - Sq; rows past the block: INT32_MIN (no key), so
// that maxima over whole tiles only see real rows.
// CHECK:             %[[NOKEY:.*]] = arith.constant dense<-2147483648> : vector<8xi32>
// CHECK:               vector.store %[[NOKEY]], %[[LAST]][%{{.*}}] : memref<48xi32>, vector<8xi32>
// CHECK:             scf.for %[[PR:.*]] = %{{.*}} to %[[NROWS]] step
// CHECK-NEXT:          %[[ROW:.*]] = arith.addi %[[R0]], %[[PR]] : index
// CHECK-NEXT:          arith.divui %[[ROW]], %[[SQ]] : index
// CHECK-NEXT:          %[[I:.*]] = arith.remui %[[ROW]], %[[SQ]] : index
// CHECK:               %[[LK:.*]] = arith.addi %[[I]], %[[OFF]] : index
// CHECK-NEXT:          %[[LK32:.*]] = arith.index_cast %[[LK]] : index to i32
// CHECK-NEXT:          memref.store %[[LK32]], %[[LAST]][%[[PR]]] : memref<48xi32>
// Per group of 8 rows: the largest and the smallest last key (what tiles
// are tested against).
// CHECK:             scf.for %[[GR:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:          %[[GLK:.*]] = vector.load %[[LAST]][%[[GR]]] : memref<48xi32>, vector<8xi32>
// CHECK:               %[[GI:.*]] = arith.divui %[[GR]], %{{.*}} : index
// CHECK-NEXT:          %[[GHI:.*]] = vector.reduction <maxsi>, %[[GLK]] : vector<8xi32> into i32
// CHECK-NEXT:          memref.store %[[GHI]], %[[GMAX]][%[[GI]]] : memref<6xi32>
// CHECK-NEXT:          %[[GLO:.*]] = vector.reduction <minsi>, %[[GLK]] : vector<8xi32> into i32
// CHECK-NEXT:          memref.store %[[GLO]], %[[GMIN]][%[[GI]]] : memref<6xi32>
// Query indices of the block span [minI, maxI] (all of [0, Sq) when the block
// covers more than one head).
// CHECK:             %[[LASTROW:.*]] = arith.addi %[[R0]], %{{.*}} : index
// CHECK-NEXT:        %[[H0:.*]] = arith.divui %[[R0]], %[[SQ]] : index
// CHECK-NEXT:        %[[H1:.*]] = arith.divui %[[LASTROW]], %[[SQ]] : index
// CHECK-NEXT:        %[[ONE:.*]] = arith.cmpi eq, %[[H0]], %[[H1]] : index
// CHECK-NEXT:        %[[I0:.*]] = arith.remui %[[R0]], %[[SQ]] : index
// CHECK:             %[[MINI:.*]] = arith.select %[[ONE]], %[[I0]], %{{.*}} : index
// CHECK-NEXT:        %[[I1:.*]] = arith.remui %[[LASTROW]], %[[SQ]] : index
// CHECK:             %[[MAXI:.*]] = arith.select %[[ONE]], %[[I1]], %{{.*}} : index
// keyEnd = max(0, min(Sk, maxI + Sk - Sq + 1)); key blocks = ceil(keyEnd / 96).
// CHECK:             %[[LIM:.*]] = arith.addi %[[MAXI]], %[[OFF]] : index
// CHECK:             %[[LIM1:.*]] = arith.addi %[[LIM]], %{{.*}} : index
// CHECK-NEXT:        %[[LIMS:.*]] = arith.minsi %[[SK]], %[[LIM1]] : index
// CHECK-NEXT:        %[[KEND:.*]] = arith.maxsi %{{.*}}, %[[LIMS]] : index
// CHECK:             %[[NKB:.*]] = arith.ceildivui %[[KEND]], %{{.*}} : index
// Decode (at most 4 rows; D % 8 == 0, no mask): one streaming pass over the
// task's keys, two at a time; more rows take the 8-row stream or the
// key-block loop (else).
// CHECK:             %[[STREAM:.*]] = arith.cmpi sle, %[[NROWS]], %{{.*}} : index
// CHECK-NEXT:        scf.if %[[STREAM]] {
// lastKey of the 4 (clamped) rows per lane: lane x + 4y is row x, key y.
// CHECK:               %[[LKV:.*]] = vector.from_elements %[[L0:[^,]*]], %[[L1:[^,]*]], %[[L2:[^,]*]], %[[L3:[^,]*]], %[[L0]], %[[L1]], %[[L2]], %[[L3]] : vector<8xi32>
// CHECK:               scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[SM:[^ ]*]] = %{{.*}}, %[[SL:[^ ]*]] = %{{.*}}) -> (vector<8xf32>, vector<8xf32>) {
// K and V rows 8 keys ahead: 4 cache lines each, for both keys.
// CHECK-COUNT-16:        memref.prefetch
// CHECK:                 :8 = scf.for
// CHECK-COUNT-8:           vector.fma
// The 8 dot products as one vector (unpack/add rounds).
// CHECK-COUNT-14:        vector.shuffle
// A second key past the end, or causally hidden: -inf.
// CHECK:                 arith.cmpi sle, %{{.*}}, %[[LKV]] : vector<8xi32>
// CHECK:                 vector.reduction <or>
// O and l are rescaled only when a row maximum grows.
// CHECK-NEXT:            scf.if %{{.*}} -> (vector<8xf32>, vector<8xf32>) {
// CHECK:                 } else {
// CHECK-NEXT:              scf.yield %[[SM]], %[[SL]] : vector<8xf32>, vector<8xf32>
// O += p V: 8 column vectors x 4 rows x 2 keys.
// CHECK-COUNT-64:        vector.fma
// 5 to 8 rows (e.g. Sq = 1 with 8 query heads per kv head): the same stream
// with one score vector per key (lane x: row x), each from its own loop of 8
// accumulators.
// CHECK:             } else {
// CHECK:               %[[WIDE:.*]] = arith.cmpi sle, %[[NROWS]], %{{.*}} : index
// CHECK-NEXT:          scf.if %[[WIDE]] {
// CHECK:                 vector.from_elements %[[W0:[^,]*]], %[[W1:[^,]*]], %[[W2:[^,]*]], %[[W3:[^,]*]], %[[W4:[^,]*]], %[[W5:[^,]*]], %[[W6:[^,]*]], %[[W7:[^,]*]] : vector<8xi32>
// CHECK:                 scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<8xf32>, vector<8xf32>) {
// CHECK-COUNT-16:          memref.prefetch
// CHECK:                   :8 = scf.for
// CHECK-COUNT-8:             vector.fma
// CHECK:                   :8 = scf.for
// CHECK-COUNT-8:             vector.fma
// CHECK:                   vector.reduction <or>
// O += p V: 8 column vectors x 8 rows x 2 keys.
// CHECK-COUNT-128:         vector.fma
// More rows: the key-block loop.
// CHECK:               } else {
// CHECK:                 scf.for %[[KBLK:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:          %[[K0:.*]] = arith.muli %[[KBLK]], %{{.*}} : index
// CHECK:               %[[REST:.*]] = arith.subi %[[KEND]], %[[K0]] : index
// CHECK-NEXT:          %[[NK:.*]] = arith.minsi %{{.*}}, %[[REST]] : index
// A score tile (6 keys x 16 rows, two groups of 8) whose first key lies
// past the last key any of its rows sees is not computed: its scores are
// -inf (else branch). A computed tile whose last key lies past the last key
// of one of its rows (the diagonal) is masked before the stores and the row
// maxima: no bias pass, no second pass for the maxima.
// CHECK:                 %[[TMIN0:.*]] = memref.load %[[GMIN]][%{{.*}}] : memref<6xi32>
// CHECK:                 %[[TMIN1:.*]] = memref.load %[[GMIN]][%{{.*}}] : memref<6xi32>
// CHECK-NEXT:            %[[TMIN:.*]] = arith.minsi %[[TMIN0]], %[[TMIN1]] : i32
// CHECK:                 %[[TMAX0:.*]] = memref.load %[[GMAX]][%{{.*}}] : memref<6xi32>
// CHECK:                 %[[TMAX1:.*]] = memref.load %[[GMAX]][%{{.*}}] : memref<6xi32>
// CHECK-NEXT:            %[[TMAX:.*]] = arith.maxsi %[[TMAX0]], %[[TMAX1]] : i32
// CHECK-NEXT:            %[[TVIS:.*]] = arith.cmpi sle, %{{.*}}, %[[TMAX]] : i32
// CHECK-NEXT:            scf.if %[[TVIS]] {
// CHECK:                   %[[ACC:.*]]:12 = scf.for
// CHECK-COUNT-12:            vector.fma
// CHECK:                   %[[TLK:.*]] = arith.index_cast %{{.*}} : index to i32
// CHECK-NEXT:              %[[CROSS:.*]] = arith.cmpi sgt, %[[TLK]], %[[TMIN]] : i32
// CHECK-NEXT:              %[[MASKED:.*]]:12 = scf.if %[[CROSS]] -> (vector<8xf32>
// CHECK-COUNT-2:             vector.load %[[LAST]][%{{.*}}] : memref<48xi32>, vector<8xi32>
// CHECK-COUNT-12:            arith.select %{{.*}}, %[[ACC]]#{{[0-9]+}}, %{{.*}} : vector<8xi1>, vector<8xf32>
// CHECK:                   } else {
// CHECK-NEXT:                scf.yield %[[ACC]]#0, %[[ACC]]#1,
// CHECK:                   vector.store %[[MASKED]]#0, %[[ST]]
// CHECK:                   arith.maximumf %{{.*}}, %[[MASKED]]#0
// CHECK:                 } else {
// CHECK-NEXT:              %[[NINFT:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT:              %[[NINFTV:.*]] = vector.broadcast %[[NINFT]] : f32 to vector<8xf32>
// CHECK-COUNT-12:          vector.store %[[NINFTV]], %[[ST]]
// (The shifted last tile and the short-block tile: the same kernel.)
// CHECK:                   :12 = scf.for
// CHECK-COUNT-12:            vector.fma
// CHECK:                   :12 = scf.for
// CHECK-COUNT-12:            vector.fma
// The bias pass runs only for the narrow dot-product kernel (at most 6
// rows), on blocks whose last key lies past minI + Sk - Sq (the diagonal).
// CHECK:               %[[NK1:.*]] = arith.subi %[[NK]], %{{.*}} : index
// CHECK-NEXT:          %[[LASTK:.*]] = arith.addi %[[K0]], %[[NK1]] : index
// CHECK-NEXT:          %[[DIAGK:.*]] = arith.addi %[[MINI]], %[[OFF]] : index
// CHECK-NEXT:          %[[DIAG:.*]] = arith.cmpi sgt, %[[LASTK]], %[[DIAGK]] : index
// CHECK-NEXT:          scf.if %[[DIAG]] {
// CHECK-NEXT:            %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT:            %[[NINFV:.*]] = vector.broadcast %[[NINF]] : f32 to vector<8xf32>
// CHECK-NEXT:            scf.if %[[NARROW]] {
// CHECK:                   scf.for %[[BJ:.*]] = %{{.*}} to %[[NK]] step
// CHECK-NEXT:                %[[KEY:.*]] = arith.addi %[[K0]], %[[BJ]] : index
// CHECK-NEXT:                %[[KEY32:.*]] = arith.index_cast %[[KEY]] : index to i32
// CHECK-NEXT:                %[[KEYV:.*]] = vector.broadcast %[[KEY32]] : i32 to vector<8xi32>
// CHECK:                     %[[NR:.*]] = arith.muli %[[NCH]], %{{.*}} : index
// CHECK:                     scf.for %[[BR:.*]] = %{{.*}} to %[[NR]] step
// CHECK-NEXT:                  %[[LASTV:.*]] = vector.load %[[LAST]][%[[BR]]] : memref<48xi32>, vector<8xi32>
// CHECK-NEXT:                  %[[VIS:.*]] = arith.cmpi sle, %[[KEYV]], %[[LASTV]] : vector<8xi32>
// CHECK-NEXT:                  %[[SV:.*]] = vector.load %[[ST]][%[[BJ]], %[[BR]]] : memref<96x48xf32>, vector<8xf32>
// CHECK-NEXT:                  %[[SEL:.*]] = arith.select %[[VIS]], %[[SV]], %[[NINFV]] : vector<8xi1>, vector<8xf32>
// CHECK-NEXT:                  vector.store %[[SEL]], %[[ST]][%[[BJ]], %[[BR]]] : memref<96x48xf32>, vector<8xf32>
// CHECK-NEXT:                }
// CHECK-NEXT:              }
// CHECK-NEXT:            }
// CHECK-NEXT:          }
// The softmax of 8 rows stops at the last key any of them sees; later keys
// only get p = 0 (6-row value tiles may read a few).
// CHECK:               scf.for %[[SR:.*]] = %{{.*}} to %{{.*}} step
// CHECK:                 %[[SG:.*]] = arith.divui %[[SR]], %{{.*}} : index
// CHECK-NEXT:            %[[SLK:.*]] = memref.load %[[GMAX]][%[[SG]]] : memref<6xi32>
// CHECK-NEXT:            %[[SLKI:.*]] = arith.index_cast %[[SLK]] : i32 to index
// CHECK:                 %[[SL1:.*]] = arith.addi %[[SLKI]], %{{.*}} : index
// CHECK-NEXT:            %[[SLR:.*]] = arith.subi %[[SL1]], %[[K0]] : index
// CHECK-NEXT:            %[[SLM:.*]] = arith.minsi %[[NK]], %[[SLR]] : index
// CHECK-NEXT:            %[[SEND:.*]] = arith.maxsi %{{.*}}, %[[SLM]] : index
// CHECK:                 scf.for %[[SZ:.*]] = %[[SEND]] to %[[NK]] step
// CHECK-NEXT:              vector.store %{{.*}}, %[[ST]][%[[SZ]], %[[SR]]]
// CHECK:                 scf.for %{{.*}} = %{{.*}} to %[[SEND]] step %{{.*}} iter_args(
// CHECK:                 scf.for %{{.*}} = %{{.*}} to %[[SEND]] step %{{.*}} iter_args(
// The value kernel of a 6-row tile stops after the last key visible to one
// of its rows: keys = clamp(max lastKey + 1 - k0, 0, nk).
// CHECK-COUNT-5:         arith.maxsi %{{.*}}, %{{.*}} : i32
// CHECK-NEXT:            %[[VLI:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK:                 %[[VL1:.*]] = arith.addi %[[VLI]], %{{.*}} : index
// CHECK-NEXT:            %[[VLR:.*]] = arith.subi %[[VL1]], %[[K0]] : index
// CHECK-NEXT:            %[[VLM:.*]] = arith.minsi %[[NK]], %[[VLR]] : index
// CHECK-NEXT:            %[[VEND:.*]] = arith.maxsi %{{.*}}, %[[VLM]] : index
// CHECK:                 :12 = scf.for %{{.*}} = %{{.*}} to %[[VEND]] step
// CHECK:           scf.reduce
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable
//
// NEG-LABEL: func.func @sdpa_causal
// NEG-NOT:   128x256
// NEG-NOT:   256x128
func.func @sdpa_causal(%q: tensor<1x4x128x64xf32>, %k: tensor<1x4x256x64xf32>,
                       %v: tensor<1x4x256x64xf32>) -> tensor<1x4x128x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
         : (tensor<1x4x128x64xf32>, tensor<1x4x256x64xf32>, tensor<1x4x256x64xf32>)
         -> tensor<1x4x128x64xf32>
  return %o : tensor<1x4x128x64xf32>
}

// -----------------------------------------------------------------------------
// i1 mask broadcast over the batch (Bm = 1, Hm = H): the bias runs on every
// key block, no scf.if; masked-out scores become -inf. Mask indices: batch 0,
// head h mod Hm, query index i, key k0 + j.
// CHECK-LABEL: func.func @sdpa_mask_i1
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<2x4x64x32xf32>, %[[K:[^:]*]]: tensor<2x4x64x32xf32>, %[[V:[^:]*]]: tensor<2x4x64x32xf32>, %[[MASK:[^:]*]]: tensor<1x4x64x64xi1>)
// CHECK:         bufferization.to_buffer %[[Q]] read_only
// CHECK-NEXT:    bufferization.to_buffer %[[K]] read_only
// CHECK-NEXT:    bufferization.to_buffer %[[V]] read_only
// CHECK-NEXT:    %[[MB:.*]] = bufferization.to_buffer %[[MASK]] read_only : tensor<1x4x64x64xi1> to memref<1x4x64x64xi1>
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4x64x32xf32>
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:         scf.parallel
// CHECK:             memref.alloca() {alignment = 64 : i64} : memref<32x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        %[[ST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// (The key-block loop: bounds computed, not constants like the packing loops.)
// CHECK:             scf.for %[[KBLK:[^ ]*]] = %{{[0-9]+}} to %{{[0-9]+}} step
// CHECK:               %[[K0:.*]] = arith.muli %[[KBLK]], %{{.*}} : index
// CHECK:               %[[NK:.*]] = arith.minsi %{{.*}}, %{{.*}} : index
// CHECK:               :12 = scf.for
// CHECK-COUNT-12:        vector.fma
// CHECK:               scf.for %[[BR:.*]] = %{{.*}} to %{{.*}} step
// CHECK:                 %[[I:.*]] = arith.remui %{{.*}}, %{{.*}} : index
// CHECK:                 %[[HEAD:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK-NEXT:            %[[MB0:.*]] = arith.constant 0 : index
// CHECK-NEXT:            %[[C1:.*]] = arith.constant 1 : index
// CHECK-NEXT:            %[[HM:.*]] = memref.dim %[[MB]], %[[C1]] : memref<1x4x64x64xi1>
// CHECK-NEXT:            %[[MH:.*]] = arith.remui %[[HEAD]], %[[HM]] : index
// CHECK:                 scf.for %[[BJ:.*]] = %{{.*}} to %[[NK]] step
// CHECK-NEXT:              %[[KEY:.*]] = arith.addi %[[K0]], %[[BJ]] : index
// CHECK-NEXT:              %[[MV:.*]] = memref.load %[[MB]][%[[MB0]], %[[MH]], %[[I]], %[[KEY]]] : memref<1x4x64x64xi1>
// CHECK-NEXT:              %[[SV:.*]] = memref.load %[[ST]][%[[BJ]], %[[BR]]] : memref<96x48xf32>
// CHECK-NEXT:              %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT:              %[[SEL:.*]] = arith.select %[[MV]], %[[SV]], %[[NINF]] : f32
// CHECK-NEXT:              memref.store %[[SEL]], %[[ST]][%[[BJ]], %[[BR]]] : memref<96x48xf32>
// CHECK:               :12 = scf.for
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable
//
// NEG-LABEL: func.func @sdpa_mask_i1
// NEG-NOT:   arith.cmpi sle, %{{.*}} : vector<8xi32>
// NEG-NOT:   memref<48xi32>
func.func @sdpa_mask_i1(%q: tensor<2x4x64x32xf32>, %k: tensor<2x4x64x32xf32>,
                        %v: tensor<2x4x64x32xf32>, %m: tensor<1x4x64x64xi1>)
    -> tensor<2x4x64x32xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<2x4x64x32xf32>, tensor<2x4x64x32xf32>, tensor<2x4x64x32xf32>,
            tensor<1x4x64x64xi1>) -> tensor<2x4x64x32xf32>
  return %o : tensor<2x4x64x32xf32>
}

// -----------------------------------------------------------------------------
// Causal and an i1 mask over the heads (Bm = B, Hm = 1): with a mask the bias
// (causal select for the narrow kernel -- the score tiles mask the diagonal
// themselves --, then mask select) runs on every block, not under scf.if.
// CHECK-LABEL: func.func @sdpa_causal_mask_i1
// CHECK-SAME:    %[[MASK:[^:]*]]: tensor<2x1x64x64xi1>)
// CHECK:         %[[MB:.*]] = bufferization.to_buffer %[[MASK]] read_only : tensor<2x1x64x64xi1> to memref<2x1x64x64xi1>
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4x64x32xf32>
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:         scf.parallel (%[[BI:[^,]*]], %{{[^,]*}}, %{{[^)]*}}) =
// CHECK:             memref.alloca() {alignment = 64 : i64} : memref<32x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        %[[LAST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48xi32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<6xi32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<6xi32>
// CHECK:             scf.for
// CHECK:               :12 = scf.for
// CHECK-COUNT-12:        vector.fma
// CHECK:               :12 = scf.for
// CHECK-COUNT-12:        vector.fma
// CHECK:               :12 = scf.for
// CHECK-COUNT-12:        vector.fma
// CHECK:               scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:                 scf.for %[[CBR:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:              vector.load %[[LAST]][%[[CBR]]] : memref<48xi32>, vector<8xi32>
// CHECK-NEXT:              arith.cmpi sle, %{{.*}}, %{{.*}} : vector<8xi32>
// CHECK:               %[[BM:.*]] = memref.dim %[[MB]], %{{.*}} : memref<2x1x64x64xi1>
// CHECK-NEXT:          %[[MBI:.*]] = arith.remui %[[BI]], %[[BM]] : index
// CHECK-NEXT:          %[[MH0:.*]] = arith.constant 0 : index
// CHECK:                 memref.load %[[MB]][%[[MBI]], %[[MH0]], %{{.*}}, %{{.*}}] : memref<2x1x64x64xi1>
// CHECK-NEXT:            memref.load
// CHECK-NEXT:            arith.constant 0xFF800000 : f32
// CHECK-NEXT:            arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK:               :12 = scf.for
//
// NEG-LABEL: func.func @sdpa_causal_mask_i1
func.func @sdpa_causal_mask_i1(%q: tensor<2x4x64x32xf32>, %k: tensor<2x4x64x32xf32>,
                               %v: tensor<2x4x64x32xf32>, %m: tensor<2x1x64x64xi1>)
    -> tensor<2x4x64x32xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {causal}
         : (tensor<2x4x64x32xf32>, tensor<2x4x64x32xf32>, tensor<2x4x64x32xf32>,
            tensor<2x1x64x64xi1>) -> tensor<2x4x64x32xf32>
  return %o : tensor<2x4x64x32xf32>
}

// -----------------------------------------------------------------------------
// Additive f32 mask (Sq = 64, Sk = 80): added to the base-2 scores, so times
// log2(e) = 1.44269502.
// CHECK-LABEL: func.func @sdpa_mask_f32
// CHECK-SAME:    %[[MASK:[^:]*]]: tensor<1x2x64x80xf32>)
// CHECK:         %[[MB:.*]] = bufferization.to_buffer %[[MASK]] read_only : tensor<1x2x64x80xf32> to memref<1x2x64x80xf32>
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x64x32xf32>
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:             memref.alloca() {alignment = 64 : i64} : memref<32x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        %[[ST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK:               :12 = scf.for
// CHECK-COUNT-12:        vector.fma
// CHECK:               %[[LOG2E:.*]] = arith.constant 1.44269502 : f32
// CHECK:                 %[[MV:.*]] = memref.load %[[MB]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x2x64x80xf32>
// CHECK-NEXT:            %[[SV:.*]] = memref.load %[[ST]][%[[BJ:.*]], %[[BR:.*]]] : memref<96x48xf32>
// CHECK-NEXT:            %[[MS:.*]] = arith.mulf %[[MV]], %[[LOG2E]] : f32
// CHECK-NEXT:            %[[SB:.*]] = arith.addf %[[SV]], %[[MS]] : f32
// CHECK-NEXT:            memref.store %[[SB]], %[[ST]][%[[BJ]], %[[BR]]] : memref<96x48xf32>
// CHECK:               :12 = scf.for
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable
//
// NEG-LABEL: func.func @sdpa_mask_f32
// NEG-NOT:   arith.cmpi sle, %{{.*}} : vector<8xi32>
// NEG-NOT:   memref<{{.*}}xi1>
func.func @sdpa_mask_f32(%q: tensor<1x2x64x32xf32>, %k: tensor<1x2x80x32xf32>,
                         %v: tensor<1x2x80x32xf32>, %m: tensor<1x2x64x80xf32>)
    -> tensor<1x2x64x32xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<1x2x64x32xf32>, tensor<1x2x80x32xf32>, tensor<1x2x80x32xf32>,
            tensor<1x2x64x80xf32>) -> tensor<1x2x64x32xf32>
  return %o : tensor<1x2x64x32xf32>
}

// -----------------------------------------------------------------------------
// f16 data and an f16 additive mask broadcast over B and H: Q widened while
// packed, each key block of K and V widened once (8 lanes at a time) into f32
// scratch that the kernels read, mask scalars widened where loaded, f32
// accumulators, arith.truncf on the final store.
// CHECK-LABEL: func.func @sdpa_f16
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<1x2x64x32xf16>, %[[K:[^:]*]]: tensor<1x2x64x32xf16>, %[[V:[^:]*]]: tensor<1x2x64x32xf16>, %[[MASK:[^:]*]]: tensor<1x1x64x64xf16>)
// CHECK:         %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only : tensor<1x2x64x32xf16> to memref<1x2x64x32xf16>
// CHECK-NEXT:    %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only : tensor<1x2x64x32xf16> to memref<1x2x64x32xf16>
// CHECK-NEXT:    %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only : tensor<1x2x64x32xf16> to memref<1x2x64x32xf16>
// CHECK-NEXT:    %[[MB:.*]] = bufferization.to_buffer %[[MASK]] read_only : tensor<1x1x64x64xf16> to memref<1x1x64x64xf16>
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x64x32xf16>
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:             %[[QT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<32x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        %[[OT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        %[[KF:.*]] = memref.alloca() {alignment = 64 : i64} : memref<96x32xf32>
// CHECK-NEXT:        %[[VF:.*]] = memref.alloca() {alignment = 64 : i64} : memref<96x32xf32>
// CHECK:                 %[[QX:.*]] = vector.load %[[QB]][{{.*}}] : memref<1x2x64x32xf16>, vector<8xf16>
// CHECK-NEXT:            %[[QE:.*]] = arith.extf %[[QX]] : vector<8xf16> to vector<8xf32>
// CHECK-NEXT:            %[[QSV:.*]] = vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK-NEXT:            %[[QS:.*]] = arith.mulf %[[QE]], %[[QSV]] : vector<8xf32>
// CHECK:                 vector.store %{{.*}}, %[[QT]][{{.*}}] : memref<32x48xf32>, vector<8xf32>
// CHECK:                 %[[KX:.*]] = vector.load %[[KB]][{{.*}}] : memref<1x2x64x32xf16>, vector<8xf16>
// CHECK-NEXT:            %[[KE:.*]] = arith.extf %[[KX]] : vector<8xf16> to vector<8xf32>
// CHECK-NEXT:            vector.store %[[KE]], %[[KF]][{{.*}}] : memref<96x32xf32>, vector<8xf32>
// CHECK:               %[[VX:.*]] = vector.load %[[VB]][{{.*}}] : memref<1x2x64x32xf16>, vector<8xf16>
// CHECK-NEXT:          %[[VE:.*]] = arith.extf %[[VX]] : vector<8xf16> to vector<8xf32>
// CHECK:               vector.store %[[VE]], %[[VF]][{{.*}}] : memref<96x32xf32>, vector<8xf32>
// CHECK:               :12 = scf.for
// CHECK:                 %[[KS:.*]] = memref.load %[[KF]][{{.*}}] : memref<96x32xf32>
// CHECK-NEXT:            vector.broadcast %[[KS]] : f32 to vector<8xf32>
// CHECK:                 %[[MX:.*]] = memref.load %[[MB]][{{.*}}] : memref<1x1x64x64xf16>
// CHECK-NEXT:            memref.load
// CHECK-NEXT:            %[[ME:.*]] = arith.extf %[[MX]] : f16 to f32
// CHECK-NEXT:            arith.mulf %[[ME]], %{{.*}} : f32
// CHECK:               :12 = scf.for
// CHECK:                 vector.load %[[VF]][{{.*}}] : memref<96x32xf32>, vector<8xf32>
// CHECK:               :12 = scf.for
// CHECK:                 vector.load %[[VF]][{{.*}}] : memref<96x32xf32>, vector<8xf32>
// CHECK:               %[[OV:.*]] = memref.load %[[OT]][{{.*}}] : memref<48x32xf32>
// CHECK-NEXT:          %[[OS:.*]] = arith.mulf %[[OV]], %{{.*}} : f32
// CHECK-NEXT:          %[[OH:.*]] = arith.truncf %[[OS]] : f32 to f16
// CHECK-NEXT:          memref.store %[[OH]], %[[OUT]][{{.*}}] : memref<1x2x64x32xf16>
// CHECK:         bufferization.to_tensor %[[OUT]] restrict writable : memref<1x2x64x32xf16> to tensor<1x2x64x32xf16>
//
// NEG-LABEL: func.func @sdpa_f16
// NEG-NOT:   xf16>, vector<8xf32>
// NEG-NOT:   memref.alloca() {{.*}}xf16>
func.func @sdpa_f16(%q: tensor<1x2x64x32xf16>, %k: tensor<1x2x64x32xf16>,
                    %v: tensor<1x2x64x32xf16>, %m: tensor<1x1x64x64xf16>)
    -> tensor<1x2x64x32xf16> {
  %o = attn.sdpa %q, %k, %v mask %m
         : (tensor<1x2x64x32xf16>, tensor<1x2x64x32xf16>, tensor<1x2x64x32xf16>,
            tensor<1x1x64x64xf16>) -> tensor<1x2x64x32xf16>
  return %o : tensor<1x2x64x32xf16>
}

// -----------------------------------------------------------------------------
// bf16: the same widening and rounding.
// CHECK-LABEL: func.func @sdpa_bf16
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x64x32xbf16>
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:             memref.alloca() {alignment = 64 : i64} : memref<32x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x32xf32>
// Q, K and V widened 8 lanes at a time, the result rounded 8 lanes at a time.
// CHECK:                 arith.extf %{{.*}} : vector<8xbf16> to vector<8xf32>
// CHECK:               %[[OH:.*]] = arith.truncf %{{.*}} : vector<8xf32> to vector<8xbf16>
// CHECK:               vector.store %[[OH]], %[[OUT]][{{.*}}] : memref<1x2x64x32xbf16>, vector<8xbf16>
func.func @sdpa_bf16(%q: tensor<1x2x64x32xbf16>, %k: tensor<1x2x64x32xbf16>,
                     %v: tensor<1x2x64x32xbf16>) -> tensor<1x2x64x32xbf16> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<1x2x64x32xbf16>, tensor<1x2x64x32xbf16>, tensor<1x2x64x32xbf16>)
         -> tensor<1x2x64x32xbf16>
  return %o : tensor<1x2x64x32xbf16>
}

// -----------------------------------------------------------------------------
// Dv = 20 (not a multiple of 8): ot is padded to 32 columns (two tiles of
// 16); in the second value tile, columns 16..19 come from a
// vector.maskedload with 4 lanes (never reading past the row) and columns
// 24..31 are zeros. Only the 20 real columns are stored.
// CHECK-LABEL: func.func @sdpa_dv20
// CHECK-SAME:    %[[V:[^:]*]]: tensor<1x2x64x20xf32>)
// CHECK:         %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only : tensor<1x2x64x20xf32> to memref<1x2x64x20xf32>
// CHECK:         %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x64x20xf32>
// Flash-decoding: fewer than 16 tasks split the keys; the partial states
// are empty otherwise.
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x{{[0-9]+}}xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:             memref.alloca() {alignment = 64 : i64} : memref<32x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        %[[OT:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x32xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK:               :12 = scf.for
// CHECK-COUNT-12:        vector.fma
// First value tile (columns 0..15): plain vector loads.
// CHECK:               :12 = scf.for %{{.*}} iter_args
// CHECK:                 vector.load %[[VB]][{{.*}}] : memref<1x2x64x20xf32>, vector<8xf32>
// CHECK:                 vector.load %[[VB]][{{.*}}] : memref<1x2x64x20xf32>, vector<8xf32>
// CHECK-COUNT-12:        vector.fma
// Second value tile (columns 16..31).
// CHECK:               :12 = scf.for %{{.*}} iter_args
// CHECK-NEXT:            %[[KEY:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK-NEXT:            %[[C16:.*]] = arith.constant 16 : index
// CHECK-NEXT:            %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT:            %[[MASK:.*]] = vector.create_mask %[[C4]] : vector<8xi1>
// CHECK-NEXT:            %[[PASS:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-NEXT:            vector.maskedload %[[VB]][%{{.*}}, %{{.*}}, %[[KEY]], %[[C16]]], %[[MASK]], %[[PASS]] : memref<1x2x64x20xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// CHECK-NOT:             vector.load %[[VB]]
// CHECK-COUNT-12:        vector.fma
// CHECK-NOT:           :12 = scf.for
// CHECK:             %[[C20:.*]] = arith.constant 20 : index
// CHECK:             scf.for %[[FC:.*]] = %{{.*}} to %[[C20]] step
// CHECK-NEXT:          memref.load %[[OT]]
// CHECK-NEXT:          arith.mulf
// CHECK-NEXT:          memref.store %{{.*}}, %[[OUT]][%{{.*}}, %{{.*}}, %{{.*}}, %[[FC]]] : memref<1x2x64x20xf32>
//
// NEG-LABEL: func.func @sdpa_dv20
// NEG-NOT:   vector.transfer_read
func.func @sdpa_dv20(%q: tensor<1x2x64x32xf32>, %k: tensor<1x2x64x32xf32>,
                     %v: tensor<1x2x64x20xf32>) -> tensor<1x2x64x20xf32> {
  %o = attn.sdpa %q, %k, %v
         : (tensor<1x2x64x32xf32>, tensor<1x2x64x32xf32>, tensor<1x2x64x20xf32>)
         -> tensor<1x2x64x20xf32>
  return %o : tensor<1x2x64x20xf32>
}

// -----------------------------------------------------------------------------
// Dynamic B, H, Sq / Sk (causal): the result alloc takes its sizes from Q, the
// loop bounds are the runtime dims, the scratch stays static.
// CHECK-LABEL: func.func @sdpa_dynamic
// CHECK-SAME:    (%[[Q:[^:]*]]: tensor<?x?x?x64xf32>, %[[K:[^:]*]]: tensor<?x?x?x64xf32>, %[[V:[^:]*]]: tensor<?x?x?x64xf32>)
// CHECK:         %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only : tensor<?x?x?x64xf32> to memref<?x?x?x64xf32>
// CHECK-NEXT:    %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only : tensor<?x?x?x64xf32> to memref<?x?x?x64xf32>
// CHECK:         %[[B:.*]] = memref.dim %[[QB]], %{{.*}} : memref<?x?x?x64xf32>
// CHECK:         %[[H:.*]] = memref.dim %[[QB]], %{{.*}} : memref<?x?x?x64xf32>
// CHECK:         %[[SQ:.*]] = memref.dim %[[QB]], %{{.*}} : memref<?x?x?x64xf32>
// CHECK:         %[[SK:.*]] = memref.dim %[[KB]], %{{.*}} : memref<?x?x?x64xf32>
// CHECK:         %[[HKV:.*]] = memref.dim %[[KB]], %{{.*}} : memref<?x?x?x64xf32>
// CHECK:         %[[OUT:.*]] = memref.alloc(%[[B]], %[[H]], %[[SQ]]) {alignment = 64 : i64} : memref<?x?x?x64xf32>
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48x64xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK-NEXT:    memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x48xf32>
// CHECK:         scf.parallel (%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^)]*}}) = (%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) to (%[[B]], %[[HKV]], %{{.*}}, %{{.*}}) step
// CHECK:             memref.alloca() {alignment = 64 : i64} : memref<64x48xf32>
// CHECK-NEXT:        %[[QR:.*]] = memref.alloca() {alignment = 64 : i64} : memref<48x64xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48x64xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48xi32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<6xi32>
// CHECK-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<6xi32>
// CHECK:               :12 = scf.for
// CHECK:               scf.if
// CHECK:               :12 = scf.for
// CHECK:         %[[RES:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<?x?x?x64xf32> to tensor<?x?x?x64xf32>
// CHECK-NEXT:    return %[[RES]]
//
// NEG-LABEL: func.func @sdpa_dynamic
// NEG-NOT:   memref<?x?xf32>
// NEG-NOT:   memref.alloca(%
func.func @sdpa_dynamic(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>,
                        %v: tensor<?x?x?x64xf32>) -> tensor<?x?x?x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
         : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>)
         -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// -----------------------------------------------------------------------------
// block-q=96 block-k=48: 96-row tasks, qT D x 96, ot 96 x Dv, sT 48 x 96,
// rows of 96; key blocks of 48.
// OPT-LABEL: func.func @sdpa_f32
// OPT:         %[[C96:.*]] = arith.constant 96 : index
// OPT-NEXT:    arith.ceildivui %{{.*}}, %[[C96]] : index
// OPT:         scf.parallel
// OPT:             memref.alloca() {alignment = 64 : i64} : memref<64x96xf32>
// OPT-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x64xf32>
// OPT-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96x64xf32>
// OPT-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<48x96xf32>
// OPT-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96xf32>
// OPT-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96xf32>
// OPT-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96xf32>
// OPT-NEXT:        memref.alloca() {alignment = 64 : i64} : memref<96xf32>
// OPT:             %[[C48:.*]] = arith.constant 48 : index
// OPT-NEXT:        %[[NKB:.*]] = arith.ceildivui %{{.*}}, %[[C48]] : index
// OPT:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// OPT:               :12 = scf.for
// OPT:                 vector.store %{{.*}}, %{{.*}} : memref<48x96xf32>, vector<8xf32>
// OPT-LABEL: func.func @sdpa_gqa
// OPT-LABEL: func.func @sdpa_causal
// OPT:             memref.alloca() {alignment = 64 : i64} : memref<96xi32>
