// A multi-head layer whose value heads are narrower than its query/key heads
// (d_k = 64, d_v = 32), as the textbooks allow: d_model = 256, 4 heads,
// W_q and W_k are 256 x (4*64), W_v is 256 x (4*32), W^O is (4*32) x 256.
// With biases and a causal mask (a decoder's self-attention).
//
//   attn-run examples/dk_ne_dv.mlir --check
func.func @main(%x: tensor<1x48x256xf32>, %wq: tensor<256x256xf32>,
                %wk: tensor<256x256xf32>, %wv: tensor<256x128xf32>,
                %wo: tensor<128x256xf32>, %bq: tensor<256xf32>,
                %bk: tensor<256xf32>, %bv: tensor<128xf32>,
                %bo: tensor<256xf32>) -> tensor<1x48x256xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo)
         {num_heads = 4 : i64, causal}
       : (tensor<1x48x256xf32>, tensor<256x256xf32>, tensor<256x256xf32>,
          tensor<256x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
          tensor<256xf32>, tensor<128xf32>, tensor<256xf32>)
       -> tensor<1x48x256xf32>
  return %y : tensor<1x48x256xf32>
}
