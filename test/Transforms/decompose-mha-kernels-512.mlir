// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-decompose-mha{kernels=true vector-bits=512}))' --mlir-print-local-scope \
// RUN:   | FileCheck %s --implicit-check-not=attn.mha
// RUN: %expect_exit 2 attn-opt %s --pass-pipeline='builtin.module(func.func(attn-decompose-mha{kernels=true vector-bits=384}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERR
// ERR: attn-opt: error: {{.*}}: attn-decompose-mha: vector-bits must be 256 or 512

// attn-decompose-mha{kernels=true vector-bits=512} (AVX-512 targets): the
// projection GEMMs use 16-lane vectors (6 rows x 32 columns, 12
// accumulators) where a column vector stays inside one head (head size a
// multiple of 16; for the output projection, the model width), else the
// 8-lane kernel of vector-bits=256.

// Head size 16: Q, K, V projections and the output projection all 16 lanes.
// CHECK-LABEL: func.func @hd16
// CHECK-COUNT-4: :12 = scf.for {{.*}} -> ({{(vector<16xf32>, ){11}vector<16xf32>}})
// CHECK-NOT:     :12 = scf.for
// CHECK:         return
func.func @hd16(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>,
                %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
                %wo: tensor<64x64xf32>) -> tensor<2x10x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual}
         : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
            tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

// Head size 8: the three head projections keep 8 lanes (6 x 16 tiles), the
// output projection (width 32) takes 16.
// CHECK-LABEL: func.func @hd8
// CHECK-COUNT-3: :12 = scf.for {{.*}} -> ({{(vector<8xf32>, ){11}vector<8xf32>}})
// CHECK:         :12 = scf.for {{.*}} -> ({{(vector<16xf32>, ){11}vector<16xf32>}})
// CHECK-NOT:     :12 = scf.for
// CHECK:         return
func.func @hd8(%x: tensor<1x7x32xf32>, %wq: tensor<32x32xf32>,
               %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>,
               %wo: tensor<32x32xf32>) -> tensor<1x7x32xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64}
         : (tensor<1x7x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>,
            tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<1x7x32xf32>
  return %y : tensor<1x7x32xf32>
}
