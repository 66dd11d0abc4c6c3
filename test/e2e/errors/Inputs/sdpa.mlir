// A small static attn.sdpa used by the bad-input tests:
// q 1x2x5x16, k / v 1x2x7x16 (f32), result 1x2x5x16.
func.func @main(%q: tensor<1x2x5x16xf32>, %k: tensor<1x2x7x16xf32>,
                %v: tensor<1x2x7x16xf32>) -> tensor<1x2x5x16xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x2x5x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>)
       -> tensor<1x2x5x16xf32>
  return %o : tensor<1x2x5x16xf32>
}

// The same with an i1 mask and in bf16 with a bf16 mask.
func.func @masked(%q: tensor<1x2x5x16xf32>, %k: tensor<1x2x7x16xf32>,
                  %v: tensor<1x2x7x16xf32>, %m: tensor<1x1x5x7xi1>) -> tensor<1x2x5x16xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x2x5x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>,
          tensor<1x1x5x7xi1>) -> tensor<1x2x5x16xf32>
  return %o : tensor<1x2x5x16xf32>
}

func.func @bf16(%q: tensor<1x2x5x16xbf16>, %k: tensor<1x2x7x16xbf16>,
                %v: tensor<1x2x7x16xbf16>, %m: tensor<1x1x5x7xbf16>) -> tensor<1x2x5x16xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x2x5x16xbf16>, tensor<1x2x7x16xbf16>, tensor<1x2x7x16xbf16>,
          tensor<1x1x5x7xbf16>) -> tensor<1x2x5x16xbf16>
  return %o : tensor<1x2x5x16xbf16>
}
