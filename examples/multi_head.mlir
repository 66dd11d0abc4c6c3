// The multi-head attention layer of "Attention Is All You Need" (base model):
// d_model = 512, h = 8 heads of d_k = d_v = 64, output projection W^O,
// applied to a batch of 2 sequences of 64 tokens. Its projections have no
// biases, as in the paper.
//
//   attn-run examples/multi_head.mlir --check
func.func @main(%x: tensor<2x64x512xf32>, %wq: tensor<512x512xf32>,
                %wk: tensor<512x512xf32>, %wv: tensor<512x512xf32>,
                %wo: tensor<512x512xf32>) -> tensor<2x64x512xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
       : (tensor<2x64x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>,
          tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<2x64x512xf32>
  return %y : tensor<2x64x512xf32>
}
