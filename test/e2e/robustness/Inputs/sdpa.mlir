// A plain attn.sdpa for the robustness tests.
func.func @main(%q: tensor<1x4x256x64xf32>, %k: tensor<1x4x256x64xf32>,
                %v: tensor<1x4x256x64xf32>) -> tensor<1x4x256x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x4x256x64xf32>, tensor<1x4x256x64xf32>, tensor<1x4x256x64xf32>)
       -> tensor<1x4x256x64xf32>
  return %o : tensor<1x4x256x64xf32>
}
