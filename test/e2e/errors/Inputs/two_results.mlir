// Two results, for tests that pass two --output files.
func.func @main(%q: tensor<1x2x5x16xf32>, %k: tensor<1x2x7x16xf32>,
                %v: tensor<1x2x7x16xf32>) -> (tensor<1x2x5x16xf32>, tensor<1x2x5x16xf32>) {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x2x5x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>)
       -> tensor<1x2x5x16xf32>
  %c = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x2x5x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>)
       -> tensor<1x2x5x16xf32>
  return %o, %c : tensor<1x2x5x16xf32>, tensor<1x2x5x16xf32>
}
