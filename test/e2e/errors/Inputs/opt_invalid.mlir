func.func @f(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32> {
  %o = attn.sdpa %q, %k, %k : (tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}
