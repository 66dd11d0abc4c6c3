func.func @f(%x: tensor<1x2x4xf32>, %wq: tensor<4x1099511627776xf32>, %wk: tensor<4x1xf32>, %wv: tensor<4x1099511627776xf32>, %wo: tensor<1099511627776x4xf32>) -> tensor<1x2x4xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 1099511627776 : i64, num_kv_heads = 1 : i64}
       : (tensor<1x2x4xf32>, tensor<4x1099511627776xf32>, tensor<4x1xf32>, tensor<4x1099511627776xf32>, tensor<1099511627776x4xf32>) -> tensor<1x2x4xf32>
  return %y : tensor<1x2x4xf32>
}
