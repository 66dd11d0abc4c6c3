// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-decompose-mha{kernels=true}))' --mlir-print-local-scope > %t
// RUN: FileCheck %s --input-file=%t --enable-var-scope --implicit-check-not=attn.mha --implicit-check-not='memref.alloc('
// RUN: FileCheck %s --input-file=%t --check-prefix=NEG

// attn-decompose-mha{kernels=true}: the Q/K/V projections whose head size is
// a multiple of 8 become register-tiled GEMMs on buffers:
//
//   out = memref.alloc : B x N x S x Dh, f32 (the head layout)
//   scf.parallel over column tiles of 16 (8 when N*Dh is not a multiple of 16)
//     scf.for reduction chunk kc (256 when E % 256 == 0, else all of E)
//       scf.for tiles of 6 rows (rows past B*S clamped to the last one)
//         init = kc == 0 ? bias (or 0) : partial result
//         scf.for j < chunk, 12 vector<8xf32> iter_args, 12 vector.fma
//         store into out[row / S, col / Dh, row % S, col % Dh]
//   bufferization.to_tensor out restrict writable
//
// then one attn.sdpa on f32 and the output projection as the same GEMM
// (reduction over (head, Dv), one head per chunk, init = bo + x), rounded to
// the element type at the end. The only heap buffers are these results
// (--implicit-check-not='memref.alloc(').

// -----------------------------------------------------------------------------
// f32, E = 64, H = 4 and Hkv = 2 heads of Dh = Dv = 16, bias group, residual.
// CHECK-LABEL: func.func @mha_kernels
// CHECK-SAME:    (%[[X:[^:]*]]: tensor<2x10x64xf32>, %[[WQ:[^:]*]]: tensor<64x64xf32>, %[[WK:[^:]*]]: tensor<64x32xf32>, %[[WV:[^:]*]]: tensor<64x32xf32>, %[[WO:[^:]*]]: tensor<64x64xf32>,
// CHECK-SAME:     %[[BQ:[^:]*]]: tensor<64xf32>, %[[BK:[^:]*]]: tensor<32xf32>, %[[BV:[^:]*]]: tensor<32xf32>, %[[BO:[^:]*]]: tensor<64xf32>)
//
// Q = x . wq + bq into 2 x 4 x 10 x 16.
// CHECK:         %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x10x64xf32> to memref<2x10x64xf32>
// CHECK-NEXT:    %[[WQB:.*]] = bufferization.to_buffer %[[WQ]] read_only : tensor<64x64xf32> to memref<64x64xf32>
// CHECK-NEXT:    %[[BQB:.*]] = bufferization.to_buffer %[[BQ]] read_only : tensor<64xf32> to memref<64xf32>
// CHECK:         %[[B:.*]] = memref.dim %[[XB]], %{{.*}} : memref<2x10x64xf32>
// CHECK:         %[[S:.*]] = memref.dim %[[XB]], %{{.*}} : memref<2x10x64xf32>
// CHECK-NEXT:    %[[QBUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4x10x16xf32>
// CHECK-NEXT:    %[[NROWS:.*]] = arith.muli %[[B]], %[[S]] : index
// 64 columns in 4 tiles of 16.
// CHECK:         %[[NT:.*]] = arith.constant 4 : index
// CHECK-NEXT:    scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[NT]]) step (%{{.*}}) {
// CHECK-NEXT:      %[[C16:.*]] = arith.constant 16 : index
// CHECK-NEXT:      %[[COL0:.*]] = arith.muli %[[T]], %[[C16]] : index
// CHECK-NEXT:      %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[COLA:.*]] = arith.addi %[[COL0]], %[[C0]] : index
// CHECK-NEXT:      %[[C8:.*]] = arith.constant 8 : index
// CHECK-NEXT:      %[[COLB:.*]] = arith.addi %[[COL0]], %[[C8]] : index
// CHECK-NEXT:      %[[LASTROW:.*]] = arith.subi %[[NROWS]], %{{.*}} : index
// CHECK-NEXT:      %[[C6:.*]] = arith.constant 6 : index
// CHECK-NEXT:      %[[RT:.*]] = arith.ceildivui %[[NROWS]], %[[C6]] : index
// E = 64 is one chunk.
// CHECK-NEXT:      %[[E:.*]] = arith.constant 64 : index
// CHECK-NEXT:      %{{.*}} = arith.constant 0 : index
// CHECK-NEXT:      %[[CHUNK:.*]] = arith.constant 64 : index
// CHECK-NEXT:      scf.for %[[KC:.*]] = %{{.*}} to %[[E]] step %[[CHUNK]] {
// CHECK-NEXT:        %[[FIRST:.*]] = arith.cmpi eq, %[[KC]], %{{.*}} : index
// CHECK:             scf.for %[[RTI:.*]] = %{{.*}} to %[[RT]] step %{{.*}} {
// Six rows, clamped to the last row.
// CHECK:               %[[ROW0:.*]] = arith.minsi %{{.*}}, %[[LASTROW]] : index
// CHECK-COUNT-5:       arith.minsi %{{.*}}, %[[LASTROW]] : index
// Initial value of C(row0, cols 0..7): bias on the first chunk, else the partial sum.
// CHECK:               %[[BI:.*]] = arith.divui %[[ROW0]], %[[S]] : index
// CHECK-NEXT:          %[[HEAD:.*]] = arith.divui %[[COLA]], %[[DH:.*]] : index
// CHECK-NEXT:          %[[SI:.*]] = arith.remui %[[ROW0]], %[[S]] : index
// CHECK-NEXT:          %[[DI:.*]] = arith.remui %[[COLA]], %[[DH]] : index
// CHECK-NEXT:          %[[PART:.*]] = vector.load %[[QBUF]][%[[BI]], %[[HEAD]], %[[SI]], %[[DI]]] : memref<2x4x10x16xf32>, vector<8xf32>
// CHECK-NEXT:          %[[BIAS:.*]] = vector.load %[[BQB]][%[[COLA]]] : memref<64xf32>, vector<8xf32>
// CHECK-NEXT:          %[[INIT:.*]] = arith.select %[[FIRST]], %[[BIAS]], %[[PART]] : vector<8xf32>
// CHECK:               vector.load %[[BQB]][%[[COLB]]] : memref<64xf32>, vector<8xf32>
// The micro-kernel: 12 accumulators, w rows as vectors, x broadcast.
// CHECK:               %[[ACC:.*]]:12 = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{[^ ]*}} = %[[INIT]], {{(%[^,]+ = %[^,]+, ){10}%[^)]+}}) -> ({{(vector<8xf32>, ){11}vector<8xf32>}}) {
// CHECK-NEXT:            %[[KK:.*]] = arith.addi %[[KC]], %[[J]] : index
// CHECK-NEXT:            %[[WA:.*]] = vector.load %[[WQB]][%[[KK]], %[[COLA]]] : memref<64x64xf32>, vector<8xf32>
// CHECK-NEXT:            %[[KK2:.*]] = arith.addi %[[KC]], %[[J]] : index
// CHECK-NEXT:            %[[WB:.*]] = vector.load %[[WQB]][%[[KK2]], %[[COLB]]] : memref<64x64xf32>, vector<8xf32>
// CHECK-NEXT:            %[[XBI:.*]] = arith.divui %[[ROW0]], %[[S]] : index
// CHECK-NEXT:            %[[XSI:.*]] = arith.remui %[[ROW0]], %[[S]] : index
// CHECK-NEXT:            %[[XK:.*]] = arith.addi %[[KC]], %[[J]] : index
// CHECK-NEXT:            %[[XS:.*]] = memref.load %[[XB]][%[[XBI]], %[[XSI]], %[[XK]]] : memref<2x10x64xf32>
// CHECK-NEXT:            %[[XV:.*]] = vector.broadcast %[[XS]] : f32 to vector<8xf32>
// CHECK-NEXT:            vector.fma %[[XV]], %[[WA]], %{{.*}} : vector<8xf32>
// CHECK-NEXT:            vector.fma %[[XV]], %[[WB]], %{{.*}} : vector<8xf32>
// CHECK-COUNT-10:        vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NOT:             vector.fma
// CHECK:                 scf.yield {{(%[0-9]+, ){11}%[0-9]+}} :
// CHECK-NEXT:          }
// Results go straight into the head layout.
// CHECK:               vector.store %[[ACC]]#0, %[[QBUF]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<2x4x10x16xf32>, vector<8xf32>
// CHECK:               vector.store %[[ACC]]#11, %[[QBUF]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<2x4x10x16xf32>, vector<8xf32>
// CHECK:           scf.reduce
// CHECK:         %[[QT:.*]] = bufferization.to_tensor %[[QBUF]] restrict writable : memref<2x4x10x16xf32> to tensor<2x4x10x16xf32>
//
// K = x . wk + bk into 2 x 2 x 10 x 16 (32 columns, 2 tiles).
// CHECK-NEXT:    %[[XB2:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x10x64xf32> to memref<2x10x64xf32>
// CHECK-NEXT:    %[[WKB:.*]] = bufferization.to_buffer %[[WK]] read_only : tensor<64x32xf32> to memref<64x32xf32>
// CHECK-NEXT:    %[[BKB:.*]] = bufferization.to_buffer %[[BK]] read_only : tensor<32xf32> to memref<32xf32>
// CHECK:         %[[KBUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x2x10x16xf32>
// CHECK:         %[[NT2:.*]] = arith.constant 2 : index
// CHECK-NEXT:    scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[NT2]]) step
// CHECK:               vector.load %[[BKB]][%{{.*}}] : memref<32xf32>, vector<8xf32>
// CHECK:               :12 = scf.for
// CHECK:                 vector.load %[[WKB]][%{{.*}}, %{{.*}}] : memref<64x32xf32>, vector<8xf32>
// CHECK:                 memref.load %[[XB2]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x10x64xf32>
// CHECK-COUNT-12:        vector.fma
// CHECK:               vector.store %{{.*}}, %[[KBUF]]
// CHECK:         %[[KT:.*]] = bufferization.to_tensor %[[KBUF]] restrict writable : memref<2x2x10x16xf32> to tensor<2x2x10x16xf32>
//
// V = x . wv + bv into 2 x 2 x 10 x 16.
// CHECK-NEXT:    bufferization.to_buffer %[[X]] read_only
// CHECK-NEXT:    %[[WVB:.*]] = bufferization.to_buffer %[[WV]] read_only : tensor<64x32xf32> to memref<64x32xf32>
// CHECK-NEXT:    %[[BVB:.*]] = bufferization.to_buffer %[[BV]] read_only : tensor<32xf32> to memref<32xf32>
// CHECK:         %[[VBUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x2x10x16xf32>
// CHECK:               vector.load %[[BVB]][%{{.*}}] : memref<32xf32>, vector<8xf32>
// CHECK:               :12 = scf.for
// CHECK:                 vector.load %[[WVB]][%{{.*}}, %{{.*}}] : memref<64x32xf32>, vector<8xf32>
// CHECK-COUNT-12:        vector.fma
// CHECK:         %[[VT:.*]] = bufferization.to_tensor %[[VBUF]] restrict writable : memref<2x2x10x16xf32> to tensor<2x2x10x16xf32>
//
// One f32 sdpa on the head-layout tensors, scale 1/sqrt(16).
// CHECK-NEXT:    %[[H:.*]] = attn.sdpa %[[QT]], %[[KT]], %[[VT]] {scale = 2.500000e-01 : f32} : (tensor<2x4x10x16xf32>, tensor<2x2x10x16xf32>, tensor<2x2x10x16xf32>) -> tensor<2x4x10x16xf32>
//
// Output projection: y = bo + x + sum_{h,e} heads[b,h,s,e] * wo[h*16 + e, o].
// CHECK-NEXT:    %[[HB:.*]] = bufferization.to_buffer %[[H]] read_only : tensor<2x4x10x16xf32> to memref<2x4x10x16xf32>
// CHECK-NEXT:    %[[WOB:.*]] = bufferization.to_buffer %[[WO]] read_only : tensor<64x64xf32> to memref<64x64xf32>
// CHECK-NEXT:    %[[XR:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x10x64xf32> to memref<2x10x64xf32>
// CHECK-NEXT:    %[[BOB:.*]] = bufferization.to_buffer %[[BO]] read_only : tensor<64xf32> to memref<64xf32>
// CHECK:         %[[OB:.*]] = memref.dim %[[HB]], %{{.*}} : memref<2x4x10x16xf32>
// CHECK:         %[[OS:.*]] = memref.dim %[[HB]], %{{.*}} : memref<2x4x10x16xf32>
// CHECK-NEXT:    %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x10x64xf32>
// CHECK-NEXT:    %[[ONR:.*]] = arith.muli %[[OB]], %[[OS]] : index
// CHECK-NEXT:    %[[DV:.*]] = arith.constant 16 : index
// CHECK:         scf.parallel (%[[OT:.*]]) = (%{{.*}}) to (%{{.*}}) step
// CHECK:             %[[OCOLA:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// Reduction over H * Dv = 64 in chunks of one head (16).
// CHECK:             %[[HDV:.*]] = arith.constant 64 : index
// CHECK-NEXT:        %{{.*}} = arith.constant 0 : index
// CHECK-NEXT:        %[[OCH:.*]] = arith.constant 16 : index
// CHECK-NEXT:        scf.for %[[OKC:.*]] = %{{.*}} to %[[HDV]] step %[[OCH]] {
// CHECK-NEXT:          %[[OFIRST:.*]] = arith.cmpi eq, %[[OKC]], %{{.*}} : index
// Initial value bo + x.
// CHECK:                 %[[OPART:.*]] = vector.load %[[Y]][%{{.*}}, %{{.*}}, %[[OCOLA]]] : memref<2x10x64xf32>, vector<8xf32>
// CHECK-NEXT:            %[[BO8:.*]] = vector.load %[[BOB]][%[[OCOLA]]] : memref<64xf32>, vector<8xf32>
// CHECK-NEXT:            %[[RB:.*]] = arith.divui %{{.*}}, %[[OS]] : index
// CHECK-NEXT:            %[[RS:.*]] = arith.remui %{{.*}}, %[[OS]] : index
// CHECK-NEXT:            %[[X8:.*]] = vector.load %[[XR]][%[[RB]], %[[RS]], %[[OCOLA]]] : memref<2x10x64xf32>, vector<8xf32>
// CHECK-NEXT:            %[[BX:.*]] = arith.addf %[[BO8]], %[[X8]] : vector<8xf32>
// CHECK-NEXT:            %[[OINIT:.*]] = arith.select %[[OFIRST]], %[[BX]], %[[OPART]] : vector<8xf32>
// The kernel reads heads[b, kc / Dv, s, j] (the head merge).
// CHECK:                 %[[OACC:.*]]:12 = scf.for %[[OJ:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{[^ ]*}} = %[[OINIT]], {{(%[^,]+ = %[^,]+, ){10}%[^)]+}}) -> ({{(vector<8xf32>, ){11}vector<8xf32>}}) {
// CHECK-NEXT:              %[[OKK:.*]] = arith.addi %[[OKC]], %[[OJ]] : index
// CHECK-NEXT:              vector.load %[[WOB]][%[[OKK]], %[[OCOLA]]] : memref<64x64xf32>, vector<8xf32>
// CHECK:                   %[[HH:.*]] = arith.divui %[[OKC]], %[[DV]] : index
// CHECK-NEXT:              %{{.*}} = arith.remui %{{.*}}, %[[OS]] : index
// CHECK-NEXT:              %[[HV:.*]] = memref.load %[[HB]][%{{.*}}, %[[HH]], %{{.*}}, %[[OJ]]] : memref<2x4x10x16xf32>
// CHECK-NEXT:              vector.broadcast %[[HV]] : f32 to vector<8xf32>
// CHECK-COUNT-12:          vector.fma
// CHECK-NOT:               vector.fma
// CHECK:                   scf.yield
// CHECK:                 vector.store %[[OACC]]#0, %[[Y]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x10x64xf32>, vector<8xf32>
// CHECK:         %[[YT:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<2x10x64xf32> to tensor<2x10x64xf32>
// f32: no rounding step.
// CHECK-NEXT:    return %[[YT]] : tensor<2x10x64xf32>
//
// NEG-LABEL: func.func @mha_kernels
// NEG-NOT:   linalg.
// NEG-NOT:   tensor.empty
// NEG-NOT:   arith.truncf
// NEG-NOT:   arith.extf
func.func @mha_kernels(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>,
                       %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                       %wo: tensor<64x64xf32>, %bq: tensor<64xf32>,
                       %bk: tensor<32xf32>, %bv: tensor<32xf32>,
                       %bo: tensor<64xf32>) -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo)
         {num_heads = 4 : i64, num_kv_heads = 2 : i64, residual}
         : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
            tensor<64x32xf32>, tensor<64x64xf32>, tensor<64xf32>,
            tensor<32xf32>, tensor<32xf32>, tensor<64xf32>) -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

// -----------------------------------------------------------------------------
// E = 512 (8 heads of 64): the projections reduce in chunks of 256 (kept in
// L1), the output projection in chunks of one head (64). 512 columns in 32
// tiles of 16.
// CHECK-LABEL: func.func @mha_e512
// CHECK:         %[[QBUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x8x20x64xf32>
// CHECK:         %[[NT:.*]] = arith.constant 32 : index
// CHECK-NEXT:    scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[NT]]) step
// CHECK:             %[[E:.*]] = arith.constant 512 : index
// CHECK-NEXT:        %{{.*}} = arith.constant 0 : index
// CHECK-NEXT:        %[[CH:.*]] = arith.constant 256 : index
// CHECK-NEXT:        scf.for %{{.*}} = %{{.*}} to %[[E]] step %[[CH]] {
// CHECK:                 %[[C256:.*]] = arith.constant 256 : index
// CHECK-NEXT:            :12 = scf.for %{{.*}} = %{{.*}} to %[[C256]] step %{{.*}} iter_args
// CHECK:         bufferization.to_tensor %[[QBUF]] restrict writable
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<1x8x20x64xf32>
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<1x8x20x64xf32>
// CHECK:         attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.250000e-01 : f32} : (tensor<1x8x20x64xf32>, tensor<1x8x20x64xf32>, tensor<1x8x20x64xf32>) -> tensor<1x8x20x64xf32>
// CHECK:         %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x20x512xf32>
// CHECK:             %[[HDV:.*]] = arith.constant 512 : index
// CHECK-NEXT:        %{{.*}} = arith.constant 0 : index
// CHECK-NEXT:        %[[OCH:.*]] = arith.constant 64 : index
// CHECK-NEXT:        scf.for %{{.*}} = %{{.*}} to %[[HDV]] step %[[OCH]] {
// No bias, no residual: the first chunk starts from 0.
// CHECK:                 %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:            %[[ZV:.*]] = vector.broadcast %[[Z]] : f32 to vector<8xf32>
// CHECK-NEXT:            arith.select %{{.*}}, %[[ZV]], %{{.*}} : vector<8xf32>
// CHECK:         %[[YT:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<1x20x512xf32> to tensor<1x20x512xf32>
// CHECK-NEXT:    return %[[YT]]
func.func @mha_e512(%x: tensor<1x20x512xf32>, %wq: tensor<512x512xf32>,
                    %wk: tensor<512x512xf32>, %wv: tensor<512x512xf32>,
                    %wo: tensor<512x512xf32>) -> tensor<1x20x512xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
         : (tensor<1x20x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>,
            tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<1x20x512xf32>
  return %y : tensor<1x20x512xf32>
}

// -----------------------------------------------------------------------------
// f16 layer (causal, no bias): weights and activations widened where loaded
// (vector<8xf16> weight rows, f16 x scalars), f32 head buffers and sdpa, the
// f32 result rounded to f16 by a final elementwise arith.truncf.
// CHECK-LABEL: func.func @mha_f16
// CHECK-SAME:    (%[[X:[^:]*]]: tensor<1x7x32xf16>, %[[WQ:[^:]*]]: tensor<32x32xf16>,
// CHECK:         %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<1x7x32xf16> to memref<1x7x32xf16>
// CHECK-NEXT:    %[[WQB:.*]] = bufferization.to_buffer %[[WQ]] read_only : tensor<32x32xf16> to memref<32x32xf16>
// CHECK:         %[[QBUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x7x16xf32>
// No bias: zeros on the first chunk.
// CHECK:                 %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:            %[[ZV:.*]] = vector.broadcast %[[Z]] : f32 to vector<8xf32>
// CHECK-NEXT:            arith.select %{{.*}}, %[[ZV]], %{{.*}} : vector<8xf32>
// CHECK:                 :12 = scf.for
// CHECK-NEXT:              arith.addi
// CHECK-NEXT:              %[[W16:.*]] = vector.load %[[WQB]][%{{.*}}, %{{.*}}] : memref<32x32xf16>, vector<8xf16>
// CHECK-NEXT:              arith.extf %[[W16]] : vector<8xf16> to vector<8xf32>
// CHECK:                   %[[X16:.*]] = memref.load %[[XB]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<1x7x32xf16>
// CHECK-NEXT:              %[[X32:.*]] = arith.extf %[[X16]] : f16 to f32
// CHECK-NEXT:              vector.broadcast %[[X32]] : f32 to vector<8xf32>
// CHECK-COUNT-12:          vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<1x2x7x16xf32>
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<1x2x7x16xf32>
// CHECK:         %[[H:.*]] = attn.sdpa %{{.*}}, %{{.*}}, %{{.*}} {causal, scale = 2.500000e-01 : f32} : (tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>) -> tensor<1x2x7x16xf32>
// CHECK:         %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x7x32xf32>
// CHECK:                 :12 = scf.for
// CHECK:                   vector.load %{{.*}} : memref<32x32xf16>, vector<8xf16>
// CHECK-NEXT:              arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// CHECK:         %[[YT:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<1x7x32xf32> to tensor<1x7x32xf32>
// CHECK-NEXT:    %[[E:.*]] = tensor.empty() : tensor<1x7x32xf16>
// CHECK-NEXT:    %[[R:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[YT]] : tensor<1x7x32xf32>) outs(%[[E]] : tensor<1x7x32xf16>)
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %{{.*}}: f16):
// CHECK-NEXT:      %[[T:.*]] = arith.truncf %[[IN]] : f32 to f16
// CHECK-NEXT:      linalg.yield %[[T]] : f16
// CHECK:         return %[[R]] : tensor<1x7x32xf16>
//
// NEG-LABEL: func.func @mha_f16
// NEG-NOT:   memref.alloc() {{.*}}xf16>
func.func @mha_f16(%x: tensor<1x7x32xf16>, %wq: tensor<32x32xf16>,
                   %wk: tensor<32x32xf16>, %wv: tensor<32x32xf16>,
                   %wo: tensor<32x32xf16>) -> tensor<1x7x32xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 2 : i64, causal}
         : (tensor<1x7x32xf16>, tensor<32x32xf16>, tensor<32x32xf16>,
            tensor<32x32xf16>, tensor<32x32xf16>) -> tensor<1x7x32xf16>
  return %y : tensor<1x7x32xf16>
}

// -----------------------------------------------------------------------------
// Dh = 6 (E = 24, 4 heads) is not a multiple of 8: the Q/K/V projections fall
// back to linalg.generic (head split in the indexing map). The output
// projection (E_out = 24, a multiple of 8) stays a kernel, with 8-column
// tiles (24 is not a multiple of 16): 3 tiles, 6 accumulators, chunks of
// Dv = 6; residual without bias: init = 0 + x.
// CHECK-LABEL: func.func @mha_fallback
// CHECK-SAME:    (%[[X:[^:]*]]: tensor<2x5x24xf32>, %[[WQ:[^:]*]]: tensor<24x24xf32>, %[[WK:[^:]*]]: tensor<24x24xf32>, %[[WV:[^:]*]]: tensor<24x24xf32>, %[[WO:[^:]*]]: tensor<24x24xf32>)
// CHECK:         %[[Q0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x5x6xf32>) -> tensor<2x4x5x6xf32>
// CHECK-NEXT:    %[[Q:.*]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d4, d1 * 6 + d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>]
// CHECK-SAME:      ins(%[[X]], %[[WQ]] : tensor<2x5x24xf32>, tensor<24x24xf32>) outs(%[[Q0]] : tensor<2x4x5x6xf32>)
// CHECK:         %[[K:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[X]], %[[WK]] : tensor<2x5x24xf32>, tensor<24x24xf32>)
// CHECK:         %[[V:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[X]], %[[WV]] : tensor<2x5x24xf32>, tensor<24x24xf32>)
// CHECK:         %[[H:.*]] = attn.sdpa %[[Q]], %[[K]], %[[V]] {scale = 0.408248305 : f32} : (tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>) -> tensor<2x4x5x6xf32>
// CHECK-NEXT:    %[[HB:.*]] = bufferization.to_buffer %[[H]] read_only : tensor<2x4x5x6xf32> to memref<2x4x5x6xf32>
// CHECK-NEXT:    %[[WOB:.*]] = bufferization.to_buffer %[[WO]] read_only : tensor<24x24xf32> to memref<24x24xf32>
// CHECK-NEXT:    %[[XR:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x5x24xf32> to memref<2x5x24xf32>
// CHECK:         %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x5x24xf32>
// CHECK:         %[[NT:.*]] = arith.constant 3 : index
// CHECK-NEXT:    scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[NT]]) step (%{{.*}}) {
// CHECK-NEXT:      %[[C8:.*]] = arith.constant 8 : index
// CHECK-NEXT:      arith.muli %[[T]], %[[C8]] : index
// CHECK:           %[[HDV:.*]] = arith.constant 24 : index
// CHECK-NEXT:      %{{.*}} = arith.constant 0 : index
// CHECK-NEXT:      %[[CH:.*]] = arith.constant 6 : index
// CHECK-NEXT:      scf.for %{{.*}} = %{{.*}} to %[[HDV]] step %[[CH]] {
// CHECK:               %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:          %[[ZV:.*]] = vector.broadcast %[[Z]] : f32 to vector<8xf32>
// CHECK:               %[[X8:.*]] = vector.load %[[XR]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x5x24xf32>, vector<8xf32>
// CHECK-NEXT:          arith.addf %[[ZV]], %[[X8]] : vector<8xf32>
// CHECK:               %[[ACC:.*]]:6 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{(%[^,]+ = %[^,]+, ){5}%[^)]+}}) -> ({{(vector<8xf32>, ){5}vector<8xf32>}}) {
// CHECK:                 memref.load %[[HB]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<2x4x5x6xf32>
// CHECK-COUNT-6:         vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NOT:             vector.fma
// CHECK:                 scf.yield
// CHECK:         %[[YT:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<2x5x24xf32> to tensor<2x5x24xf32>
// CHECK-NEXT:    return %[[YT]] : tensor<2x5x24xf32>
//
// NEG-LABEL: func.func @mha_fallback
// NEG-NOT:   :12 = scf.for
// NEG-NOT:   memref<2x4x5x6xf32>, vector
func.func @mha_fallback(%x: tensor<2x5x24xf32>, %wq: tensor<24x24xf32>,
                        %wk: tensor<24x24xf32>, %wv: tensor<24x24xf32>,
                        %wo: tensor<24x24xf32>) -> tensor<2x5x24xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual}
         : (tensor<2x5x24xf32>, tensor<24x24xf32>, tensor<24x24xf32>,
            tensor<24x24xf32>, tensor<24x24xf32>) -> tensor<2x5x24xf32>
  return %y : tensor<2x5x24xf32>
}

// -----------------------------------------------------------------------------
// Cross-attention with dynamic B and S: Q from x, K and V from the memory
// (its own dynamic length); the head buffers and the result take their sizes
// from the runtime dims.
// CHECK-LABEL: func.func @mha_cross_dyn
// CHECK-SAME:    (%[[X:[^:]*]]: tensor<?x?x64xf32>, {{.*}}, %[[MEM:[^:]*]]: tensor<?x?x64xf32>)
// CHECK:         %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<?x?x64xf32> to memref<?x?x64xf32>
// CHECK:         %[[B:.*]] = memref.dim %[[XB]], %{{.*}} : memref<?x?x64xf32>
// CHECK:         %[[S:.*]] = memref.dim %[[XB]], %{{.*}} : memref<?x?x64xf32>
// CHECK-NEXT:    %[[QBUF:.*]] = memref.alloc(%[[B]], %[[S]]) {alignment = 64 : i64} : memref<?x4x?x16xf32>
// CHECK:         bufferization.to_tensor %[[QBUF]] restrict writable : memref<?x4x?x16xf32> to tensor<?x4x?x16xf32>
// CHECK-NEXT:    %[[MB:.*]] = bufferization.to_buffer %[[MEM]] read_only : tensor<?x?x64xf32> to memref<?x?x64xf32>
// CHECK:         %[[MB0:.*]] = memref.dim %[[MB]], %{{.*}} : memref<?x?x64xf32>
// CHECK:         %[[MS:.*]] = memref.dim %[[MB]], %{{.*}} : memref<?x?x64xf32>
// CHECK-NEXT:    %[[KBUF:.*]] = memref.alloc(%[[MB0]], %[[MS]]) {alignment = 64 : i64} : memref<?x4x?x16xf32>
// CHECK:                   memref.load %[[MB]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x?x64xf32>
// CHECK:         bufferization.to_tensor %[[KBUF]] restrict writable
// CHECK-NEXT:    %[[MB2:.*]] = bufferization.to_buffer %[[MEM]] read_only : tensor<?x?x64xf32> to memref<?x?x64xf32>
// CHECK:         %[[VBUF:.*]] = memref.alloc(%{{.*}}, %{{.*}}) {alignment = 64 : i64} : memref<?x4x?x16xf32>
// CHECK:                   memref.load %[[MB2]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x?x64xf32>
// CHECK:         attn.sdpa {{.*}} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
// CHECK-NEXT:    %[[HB:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<?x4x?x16xf32> to memref<?x4x?x16xf32>
// CHECK:         %[[OB:.*]] = memref.dim %[[HB]], %{{.*}} : memref<?x4x?x16xf32>
// CHECK:         %[[OS:.*]] = memref.dim %[[HB]], %{{.*}} : memref<?x4x?x16xf32>
// CHECK-NEXT:    %[[Y:.*]] = memref.alloc(%[[OB]], %[[OS]]) {alignment = 64 : i64} : memref<?x?x64xf32>
// CHECK:         %[[YT:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<?x?x64xf32> to tensor<?x?x64xf32>
// CHECK-NEXT:    return %[[YT]] : tensor<?x?x64xf32>
//
// NEG-LABEL: func.func @mha_cross_dyn
// NEG-NOT:   linalg.
func.func @mha_cross_dyn(%x: tensor<?x?x64xf32>, %wq: tensor<64x64xf32>,
                         %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
                         %wo: tensor<64x64xf32>, %mem: tensor<?x?x64xf32>)
    -> tensor<?x?x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64}
         : (tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
            tensor<64x64xf32>, tensor<64x64xf32>, tensor<?x?x64xf32>)
         -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
