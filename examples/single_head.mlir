// The textbook single-head self-attention layer (no output projection):
//   Q = X W_q,  K = X W_k,  V = X W_v,  Y = softmax(Q K^T / sqrt(d_k)) V
// for a sequence of n = 16 tokens with d_model = 64 and d_k = d_v = 32.
// The projections are ordinary linalg matmuls; attn.sdpa takes the
// (batch, head)-shaped views of Q, K and V.
//
//   attn-run examples/single_head.mlir --check
func.func @main(%x: tensor<16x64xf32>, %wq: tensor<64x32xf32>,
                %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>)
    -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %q = linalg.matmul ins(%x, %wq : tensor<16x64xf32>, tensor<64x32xf32>)
                     outs(%acc : tensor<16x32xf32>) -> tensor<16x32xf32>
  %k = linalg.matmul ins(%x, %wk : tensor<16x64xf32>, tensor<64x32xf32>)
                     outs(%acc : tensor<16x32xf32>) -> tensor<16x32xf32>
  %v = linalg.matmul ins(%x, %wv : tensor<16x64xf32>, tensor<64x32xf32>)
                     outs(%acc : tensor<16x32xf32>) -> tensor<16x32xf32>
  %q4 = tensor.expand_shape %q [[0, 1, 2], [3]] output_shape [1, 1, 16, 32]
        : tensor<16x32xf32> into tensor<1x1x16x32xf32>
  %k4 = tensor.expand_shape %k [[0, 1, 2], [3]] output_shape [1, 1, 16, 32]
        : tensor<16x32xf32> into tensor<1x1x16x32xf32>
  %v4 = tensor.expand_shape %v [[0, 1, 2], [3]] output_shape [1, 1, 16, 32]
        : tensor<16x32xf32> into tensor<1x1x16x32xf32>
  %o4 = attn.sdpa %q4, %k4, %v4
        : (tensor<1x1x16x32xf32>, tensor<1x1x16x32xf32>, tensor<1x1x16x32xf32>)
        -> tensor<1x1x16x32xf32>
  %y = tensor.collapse_shape %o4 [[0, 1, 2], [3]]
       : tensor<1x1x16x32xf32> into tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}
