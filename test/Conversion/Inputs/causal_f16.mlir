func.func @causal(%q: tensor<2x8x200x64xf16>, %k: tensor<2x2x300x64xf16>, %v: tensor<2x2x300x64xf16>) -> tensor<2x8x200x64xf16> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<2x8x200x64xf16>, tensor<2x2x300x64xf16>, tensor<2x2x300x64xf16>) -> tensor<2x8x200x64xf16>
  return %o : tensor<2x8x200x64xf16>
}
