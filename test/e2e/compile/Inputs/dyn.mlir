// Dynamic sizes for the C ABI tests: GQA (H = 4, Hkv = 2), causal, an i1
// mask broadcast over heads, Dv != D; and a function with three results, one
// returned twice and one an argument.
func.func @gqa(%q: tensor<?x4x?x16xf32>, %k: tensor<?x2x?x16xf32>,
               %v: tensor<?x2x?x8xf32>, %mask: tensor<?x1x?x?xi1>)
    -> tensor<?x4x?x8xf32> {
  %o = attn.sdpa %q, %k, %v mask %mask {causal}
       : (tensor<?x4x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x8xf32>,
          tensor<?x1x?x?xi1>) -> tensor<?x4x?x8xf32>
  return %o : tensor<?x4x?x8xf32>
}

func.func @three(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>,
                 %v: tensor<1x1x?x16xf32>)
    -> (tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>)
       -> tensor<1x2x?x16xf32>
  return %o, %o, %q : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
}

func.func private @not_exported(%a: tensor<4xf32>) -> tensor<4xf32>
