// Tensor-core kernels for nvptx-emulated-profile.test.
func.func @f16_d128(%q: tensor<1x2x256x128xf16>, %k: tensor<1x2x256x128xf16>, %v: tensor<1x2x256x128xf16>) -> tensor<1x2x256x128xf16> {
  %o = attn.sdpa %q, %k, %v : (tensor<1x2x256x128xf16>, tensor<1x2x256x128xf16>, tensor<1x2x256x128xf16>) -> tensor<1x2x256x128xf16>
  return %o : tensor<1x2x256x128xf16>
}
func.func @bf16_d64_causal(%q: tensor<1x2x256x64xbf16>, %k: tensor<1x2x256x64xbf16>, %v: tensor<1x2x256x64xbf16>) -> tensor<1x2x256x64xbf16> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<1x2x256x64xbf16>, tensor<1x2x256x64xbf16>, tensor<1x2x256x64xbf16>) -> tensor<1x2x256x64xbf16>
  return %o : tensor<1x2x256x64xbf16>
}
func.func @f16_decode_gqa(%q: tensor<1x8x1x64xf16>, %k: tensor<1x2x256x64xf16>, %v: tensor<1x2x256x64xf16>) -> tensor<1x8x1x64xf16> {
  %o = attn.sdpa %q, %k, %v : (tensor<1x8x1x64xf16>, tensor<1x2x256x64xf16>, tensor<1x2x256x64xf16>) -> tensor<1x8x1x64xf16>
  return %o : tensor<1x8x1x64xf16>
}
func.func @f32_d64(%q: tensor<1x2x256x64xf32>, %k: tensor<1x2x256x64xf32>, %v: tensor<1x2x256x64xf32>) -> tensor<1x2x256x64xf32> {
  %o = attn.sdpa %q, %k, %v : (tensor<1x2x256x64xf32>, tensor<1x2x256x64xf32>, tensor<1x2x256x64xf32>) -> tensor<1x2x256x64xf32>
  return %o : tensor<1x2x256x64xf32>
}
// attn.mha layers: the projection GEMMs (tensor cores for f16, FMAs for f32).
func.func @mha_f16(%x: tensor<2x128x64xf16>, %wq: tensor<64x64xf16>, %wk: tensor<64x64xf16>,
                   %wv: tensor<64x64xf16>, %wo: tensor<64x64xf16>) -> tensor<2x128x64xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 2 : i64, residual}
       : (tensor<2x128x64xf16>, tensor<64x64xf16>, tensor<64x64xf16>, tensor<64x64xf16>,
          tensor<64x64xf16>) -> tensor<2x128x64xf16>
  return %y : tensor<2x128x64xf16>
}
func.func @mha_f32(%x: tensor<2x128x256xf32>, %wq: tensor<256x256xf32>, %wk: tensor<256x256xf32>,
                   %wv: tensor<256x256xf32>, %wo: tensor<256x256xf32>) -> tensor<2x128x256xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual}
       : (tensor<2x128x256xf32>, tensor<256x256xf32>, tensor<256x256xf32>, tensor<256x256xf32>,
          tensor<256x256xf32>) -> tensor<2x128x256xf32>
  return %y : tensor<2x128x256xf32>
}
