// RUN: attn-opt %s -split-input-file -verify-diagnostics

// One case per verifier diagnostic of attn.sdpa and attn.mha (AttnOps.cpp),
// plus the element-type and attribute constraints that ODS enforces. Each
// expectation is the whole message: shape errors name the operand, the
// dimension and both disagreeing sizes.

//===----------------------------------------------------------------------===//
// attn.sdpa
//===----------------------------------------------------------------------===//

// query rank
func.func @sdpa_1(%q: tensor<2x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op query must have rank 4, got rank 3 ('tensor<2x16x64xf32>')}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// key rank
func.func @sdpa_2(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x1x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op key must have rank 4, got rank 5 ('tensor<2x2x1x32x64xf32>')}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x1x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// value rank
func.func @sdpa_3(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op value must have rank 4, got rank 3 ('tensor<2x32x48xf32>')}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// result rank
func.func @sdpa_4(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op result must have rank 4, got rank 2 ('tensor<16x48xf32>')}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<16x48xf32>
  return %o : tensor<16x48xf32>
}

// -----

// key element type
func.func @sdpa_5(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf16>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op key element type 'f16' does not match query element type 'f32'}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf16>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// value element type
func.func @sdpa_6(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xbf16>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op value element type 'bf16' does not match query element type 'f32'}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xbf16>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// result element type
func.func @sdpa_7(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf16> {
  // expected-error @+1 {{'attn.sdpa' op result element type 'f16' does not match query element type 'f32'}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf16>
  return %o : tensor<2x8x16x48xf16>
}

// -----

// dynamic D in query
func.func @sdpa_8(%q: tensor<2x8x16x?xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op query dim 3 (D) must be static}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x?xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// dynamic D in key
func.func @sdpa_9(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x?xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op key dim 3 (D) must be static}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x?xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// dynamic Dv in value
func.func @sdpa_10(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x?xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op value dim 3 (Dv) must be static}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x?xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// dynamic Dv in result
func.func @sdpa_11(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x?xf32> {
  // expected-error @+1 {{'attn.sdpa' op result dim 3 (Dv) must be static}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x?xf32>
  return %o : tensor<2x8x16x?xf32>
}

// -----

// key B
func.func @sdpa_12(%q: tensor<2x8x16x64xf32>, %k: tensor<3x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op key dim 0 (B) is 3 but query dim 0 (B) is 2}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<3x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// value B
func.func @sdpa_13(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<1x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op value dim 0 (B) is 1 but query dim 0 (B) is 2}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<1x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// key D
func.func @sdpa_14(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x32xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op key dim 3 (D) is 32 but query dim 3 (D) is 64}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x32xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// value Hkv
func.func @sdpa_15(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x4x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op value dim 1 (Hkv) is 4 but key dim 1 (Hkv) is 2}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x4x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// value Sk
func.func @sdpa_16(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x31x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op value dim 2 (Sk) is 31 but key dim 2 (Sk) is 32}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x31x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// result B
func.func @sdpa_17(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<4x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op result dim 0 (B) is 4 but query dim 0 (B) is 2}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<4x8x16x48xf32>
  return %o : tensor<4x8x16x48xf32>
}

// -----

// result H
func.func @sdpa_18(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x2x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op result dim 1 (H) is 2 but query dim 1 (H) is 8}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x2x16x48xf32>
  return %o : tensor<2x2x16x48xf32>
}

// -----

// result Sq
func.func @sdpa_19(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x32x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op result dim 2 (Sq) is 32 but query dim 2 (Sq) is 16}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x32x48xf32>
  return %o : tensor<2x8x32x48xf32>
}

// -----

// result Dv
func.func @sdpa_20(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x64xf32> {
  // expected-error @+1 {{'attn.sdpa' op result dim 3 (Dv) is 64 but value dim 3 (Dv) is 48}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x64xf32>
  return %o : tensor<2x8x16x64xf32>
}

// -----

// D = 0
func.func @sdpa_21(%q: tensor<2x8x16x0xf32>, %k: tensor<2x2x32x0xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op query dim 3 (D) must be positive}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x0xf32>, tensor<2x2x32x0xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// H % Hkv != 0
func.func @sdpa_22(%q: tensor<2x8x16x64xf32>, %k: tensor<2x3x32x64xf32>, %v: tensor<2x3x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op query dim 1 (H) is 8 which is not a multiple of key dim 1 (Hkv) 3}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x3x32x64xf32>, tensor<2x3x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// Hkv = 0
func.func @sdpa_23(%q: tensor<2x8x16x64xf32>, %k: tensor<2x0x32x64xf32>, %v: tensor<2x0x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op key dim 1 (Hkv) must be positive}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x0x32x64xf32>, tensor<2x0x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// H % Hkv checked also with dynamic batch and sequence dims
func.func @sdpa_24(%q: tensor<?x6x?x64xf32>, %k: tensor<?x4x?x64xf32>, %v: tensor<?x4x?x48xf32>) -> tensor<?x6x?x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op query dim 1 (H) is 6 which is not a multiple of key dim 1 (Hkv) 4}}
  %o = attn.sdpa %q, %k, %v : (tensor<?x6x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x48xf32>) -> tensor<?x6x?x48xf32>
  return %o : tensor<?x6x?x48xf32>
}

// -----

// mask rank
func.func @sdpa_25(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>, %m: tensor<16x32xi1>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op mask must have rank 4, got rank 2 ('tensor<16x32xi1>')}}
  %o = attn.sdpa %q, %k, %v mask %m : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>, tensor<16x32xi1>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// mask element type f16 on f32 data
func.func @sdpa_26(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>, %m: tensor<1x1x16x32xf16>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op mask element type 'f16' must be i1, f32 or the element type 'f32'}}
  %o = attn.sdpa %q, %k, %v mask %m : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>, tensor<1x1x16x32xf16>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// mask element type bf16 on f16 data
func.func @sdpa_27(%q: tensor<2x8x16x64xf16>, %k: tensor<2x2x32x64xf16>, %v: tensor<2x2x32x48xf16>, %m: tensor<1x1x16x32xbf16>) -> tensor<2x8x16x48xf16> {
  // expected-error @+1 {{'attn.sdpa' op mask element type 'bf16' must be i1, f32 or the element type 'f16'}}
  %o = attn.sdpa %q, %k, %v mask %m : (tensor<2x8x16x64xf16>, tensor<2x2x32x64xf16>, tensor<2x2x32x48xf16>, tensor<1x1x16x32xbf16>) -> tensor<2x8x16x48xf16>
  return %o : tensor<2x8x16x48xf16>
}

// -----

// mask Bm neither 1 nor B
func.func @sdpa_28(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>, %m: tensor<3x1x16x32xi1>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op mask dim 0 (Bm) is 3 but must be 1 or query dim 0 (B) 2}}
  %o = attn.sdpa %q, %k, %v mask %m : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>, tensor<3x1x16x32xi1>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// mask Hm neither 1 nor H (Hkv is not accepted either)
func.func @sdpa_29(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>, %m: tensor<1x2x16x32xi1>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op mask dim 1 (Hm) is 2 but must be 1 or query dim 1 (H) 8}}
  %o = attn.sdpa %q, %k, %v mask %m : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>, tensor<1x2x16x32xi1>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// mask Sq
func.func @sdpa_30(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>, %m: tensor<1x1x32x32xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op mask dim 2 (Sq) is 32 but query dim 2 (Sq) is 16}}
  %o = attn.sdpa %q, %k, %v mask %m : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>, tensor<1x1x32x32xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// mask Sk
func.func @sdpa_31(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>, %m: tensor<2x8x16x16xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op mask dim 3 (Sk) is 16 but key dim 2 (Sk) is 32}}
  %o = attn.sdpa %q, %k, %v mask %m : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>, tensor<2x8x16x16xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// scale = +inf
func.func @sdpa_32(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op scale must be finite}}
  %o = attn.sdpa %q, %k, %v {scale = 0x7F800000 : f32} : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// scale = -inf, with causal
func.func @sdpa_33(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op scale must be finite}}
  %o = attn.sdpa %q, %k, %v {scale = 0xFF800000 : f32, causal} : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// scale = NaN
func.func @sdpa_34(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op scale must be finite}}
  %o = attn.sdpa %q, %k, %v {scale = 0x7FC00000 : f32} : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// f64 query (ODS)
func.func @sdpa_35(%q: tensor<2x8x16x64xf64>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<2x8x16x64xf64>'}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf64>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// f64 value (ODS)
func.func @sdpa_36(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf64>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op operand #2 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<2x2x32x48xf64>'}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf64>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// f64 result (ODS)
func.func @sdpa_37(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf64> {
  // expected-error @+1 {{'attn.sdpa' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<2x8x16x48xf64>'}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf64>
  return %o : tensor<2x8x16x48xf64>
}

// -----

// unranked key (ODS)
func.func @sdpa_38(%q: tensor<2x8x16x64xf32>, %k: tensor<*xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op operand #1 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<*xf32>'}}
  %o = attn.sdpa %q, %k, %v : (tensor<2x8x16x64xf32>, tensor<*xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// i32 mask (ODS)
func.func @sdpa_39(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>, %m: tensor<1x1x16x32xi32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op operand #3 must be ranked tensor of 1-bit signless integer or 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x1x16x32xi32>'}}
  %o = attn.sdpa %q, %k, %v mask %m : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>, tensor<1x1x16x32xi32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

// -----

// f64 scale attribute (ODS)
func.func @sdpa_40(%q: tensor<2x8x16x64xf32>, %k: tensor<2x2x32x64xf32>, %v: tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32> {
  // expected-error @+1 {{'attn.sdpa' op attribute 'scale' failed to satisfy constraint: 32-bit float attribute}}
  %o = attn.sdpa %q, %k, %v {scale = 0.125 : f64} : (tensor<2x8x16x64xf32>, tensor<2x2x32x64xf32>, tensor<2x2x32x48xf32>) -> tensor<2x8x16x48xf32>
  return %o : tensor<2x8x16x48xf32>
}

//===----------------------------------------------------------------------===//
// attn.mha
//===----------------------------------------------------------------------===//

// -----

// x rank
func.func @mha_1(%x: tensor<10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op x must have rank 3, got rank 2 ('tensor<10x64xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wq rank
func.func @mha_2(%x: tensor<2x10x64xf32>, %wq: tensor<64x4x16xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wq must have rank 2, got rank 3 ('tensor<64x4x16xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x4x16xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wk rank
func.func @mha_3(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<2048xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wk must have rank 2, got rank 1 ('tensor<2048xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<2048xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wv rank
func.func @mha_4(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x2x8xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wv must have rank 2, got rank 3 ('tensor<64x2x8xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x2x8xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wo rank
func.func @mha_5(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<4x8x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wo must have rank 2, got rank 3 ('tensor<4x8x32xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<4x8x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// result rank
func.func @mha_6(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x4x8xf32> {
  // expected-error @+1 {{'attn.mha' op result must have rank 3, got rank 4 ('tensor<2x10x4x8xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x4x8xf32>
  return %y : tensor<2x10x4x8xf32>
}

// -----

// wq element type
func.func @mha_7(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf16>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wq element type 'f16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf16>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wk element type
func.func @mha_8(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xbf16>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wk element type 'bf16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xbf16>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wv element type
func.func @mha_9(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf16>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wv element type 'f16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf16>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wo element type
func.func @mha_10(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf16>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wo element type 'f16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf16>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// result element type
func.func @mha_11(%x: tensor<2x10x64xf16>, %wq: tensor<64x64xf16>, %wk: tensor<64x32xf16>, %wv: tensor<64x16xf16>, %wo: tensor<32x32xf16>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op result element type 'f32' does not match x element type 'f16'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf16>, tensor<64x64xf16>, tensor<64x32xf16>, tensor<64x16xf16>, tensor<32x32xf16>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// num_heads = 0
func.func @mha_12(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op num_heads must be positive, got 0}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 0 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// num_heads < 0
func.func @mha_13(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op num_heads must be positive, got -4}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = -4 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// num_kv_heads = 0
func.func @mha_14(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op num_kv_heads must be positive, got 0}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 0 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// num_kv_heads < 0
func.func @mha_15(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op num_kv_heads must be positive, got -2}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = -2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// num_heads % num_kv_heads
func.func @mha_16(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op num_heads 4 is not a multiple of num_kv_heads 3}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 3 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// dynamic wq dim 1
func.func @mha_17(%x: tensor<2x10x64xf32>, %wq: tensor<64x?xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wq dim 1 (H*Dh) must be static}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x?xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// dynamic wk dim 1
func.func @mha_18(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x?xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wk dim 1 (Hkv*Dh) must be static}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x?xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// dynamic wv dim 1
func.func @mha_19(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x?xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wv dim 1 (Hkv*Dv) must be static}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x?xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// dynamic wo dim 0
func.func @mha_20(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<?x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wo dim 0 (H*Dv) must be static}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<?x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wq dim 1 not a multiple of num_heads
func.func @mha_21(%x: tensor<2x10x64xf32>, %wq: tensor<64x62xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wq dim 1 (H*Dh) is 62 which is not a positive multiple of num_heads 4}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x62xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wq dim 1 zero
func.func @mha_22(%x: tensor<2x10x64xf32>, %wq: tensor<64x0xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wq dim 1 (H*Dh) is 0 which is not a positive multiple of num_heads 4}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x0xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wv dim 1 not a multiple of num_kv_heads
func.func @mha_23(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x15xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wv dim 1 (Hkv*Dv) is 15 which is not a positive multiple of num_kv_heads 2}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x15xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wv dim 1 zero
func.func @mha_24(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x0xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wv dim 1 (Hkv*Dv) is 0 which is not a positive multiple of num_kv_heads 2}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x0xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wk dim 1 != num_kv_heads * Dh
func.func @mha_25(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wk dim 1 (Hkv*Dh) is 64 but num_kv_heads * Dh (2 * 16) is 32}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wk dim 1 with num_kv_heads defaulted to num_heads
func.func @mha_26(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wk dim 1 (Hkv*Dh) is 32 but num_kv_heads * Dh (4 * 16) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wo dim 0 != num_heads * Dv
func.func @mha_27(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<16x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wo dim 0 (H*Dv) is 16 but num_heads * Dv (4 * 8) is 32}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<16x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// memory rank
func.func @mha_28(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %mem: tensor<7x64xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op memory must have rank 3, got rank 2 ('tensor<7x64xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<7x64xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// memory element type
func.func @mha_29(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %mem: tensor<2x7x64xf16>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op memory element type 'f16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<2x7x64xf16>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// memory B
func.func @mha_30(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %mem: tensor<3x7x64xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op memory dim 0 (B) is 3 but x dim 0 (B) is 2}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<3x7x64xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// memory E
func.func @mha_31(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %mem: tensor<2x7x48xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op memory dim 2 (E) is 48 but x dim 2 (E) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<2x7x48xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wq E
func.func @mha_32(%x: tensor<2x10x64xf32>, %wq: tensor<32x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wq dim 0 (E) is 32 but x dim 2 (E) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<32x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wk E
func.func @mha_33(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<48x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wk dim 0 (E) is 48 but x dim 2 (E) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<48x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wv E
func.func @mha_34(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<65x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wv dim 0 (E) is 65 but x dim 2 (E) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<65x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wk E against memory E (cross-attention)
func.func @mha_35(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<48x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %mem: tensor<2x7x64xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wk dim 0 (E) is 48 but memory dim 2 (E) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<48x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<2x7x64xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// wv E against memory E (cross-attention)
func.func @mha_36(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<32x16xf32>, %wo: tensor<32x32xf32>, %mem: tensor<2x7x64xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wv dim 0 (E) is 32 but memory dim 2 (E) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<32x16xf32>, tensor<32x32xf32>, tensor<2x7x64xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// result B
func.func @mha_37(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<1x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op result dim 0 (B) is 1 but x dim 0 (B) is 2}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<1x10x32xf32>
  return %y : tensor<1x10x32xf32>
}

// -----

// result S
func.func @mha_38(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x12x32xf32> {
  // expected-error @+1 {{'attn.mha' op result dim 1 (S) is 12 but x dim 1 (S) is 10}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x12x32xf32>
  return %y : tensor<2x12x32xf32>
}

// -----

// result E_out
func.func @mha_39(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x64xf32> {
  // expected-error @+1 {{'attn.mha' op result dim 2 (E_out) is 64 but wo dim 1 (E_out) is 32}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

// -----

// residual needs E_out == E
func.func @mha_40(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op wo dim 1 (E_out) is 32 but x dim 2 (E) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64, residual} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bq rank
func.func @mha_41(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<4x16xf32>, %bk: tensor<32xf32>, %bv: tensor<16xf32>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bq must have rank 1, got rank 2 ('tensor<4x16xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<4x16xf32>, tensor<32xf32>, tensor<16xf32>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bq element type
func.func @mha_42(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf16>, %bk: tensor<32xf32>, %bv: tensor<16xf32>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bq element type 'f16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf16>, tensor<32xf32>, tensor<16xf32>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bq size
func.func @mha_43(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<60xf32>, %bk: tensor<32xf32>, %bv: tensor<16xf32>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bq dim 0 (H*Dh) is 60 but wq dim 1 (H*Dh) is 64}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<60xf32>, tensor<32xf32>, tensor<16xf32>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bk rank
func.func @mha_44(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<2x16xf32>, %bv: tensor<16xf32>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bk must have rank 1, got rank 2 ('tensor<2x16xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<2x16xf32>, tensor<16xf32>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bk element type
func.func @mha_45(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<32xf16>, %bv: tensor<16xf32>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bk element type 'f16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<32xf16>, tensor<16xf32>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bk size
func.func @mha_46(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<16xf32>, %bv: tensor<16xf32>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bk dim 0 (Hkv*Dh) is 16 but wk dim 1 (Hkv*Dh) is 32}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bv rank
func.func @mha_47(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<32xf32>, %bv: tensor<2x8xf32>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bv must have rank 1, got rank 2 ('tensor<2x8xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<32xf32>, tensor<2x8xf32>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bv element type
func.func @mha_48(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<32xf32>, %bv: tensor<16xf16>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bv element type 'f16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<32xf32>, tensor<16xf16>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bv size
func.func @mha_49(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<32xf32>, %bv: tensor<8xf32>, %bo: tensor<32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bv dim 0 (Hkv*Dv) is 8 but wv dim 1 (Hkv*Dv) is 16}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<32xf32>, tensor<8xf32>, tensor<32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bo rank
func.func @mha_50(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<32xf32>, %bv: tensor<16xf32>, %bo: tensor<1x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bo must have rank 1, got rank 2 ('tensor<1x32xf32>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<32xf32>, tensor<16xf32>, tensor<1x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bo element type
func.func @mha_51(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<32xf32>, %bv: tensor<16xf32>, %bo: tensor<32xf16>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bo element type 'f16' does not match x element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<32xf32>, tensor<16xf32>, tensor<32xf16>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// bo size
func.func @mha_52(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %bq: tensor<64xf32>, %bk: tensor<32xf32>, %bv: tensor<16xf32>, %bo: tensor<64xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op bo dim 0 (E_out) is 64 but wo dim 1 (E_out) is 32}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<64xf32>, tensor<32xf32>, tensor<16xf32>, tensor<64xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha mask rank
func.func @mha_53(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %m: tensor<1x10x10xi1>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op mask must have rank 4, got rank 3 ('tensor<1x10x10xi1>')}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<1x10x10xi1>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha mask element type
func.func @mha_54(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %m: tensor<1x1x10x10xbf16>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op mask element type 'bf16' must be i1, f32 or the element type 'f32'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<1x1x10x10xbf16>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha mask Bm
func.func @mha_55(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %m: tensor<4x1x10x10xi1>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op mask dim 0 (Bm) is 4 but must be 1 or x dim 0 (B) 2}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<4x1x10x10xi1>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha mask S
func.func @mha_56(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %m: tensor<1x1x7x10xi1>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op mask dim 2 (S) is 7 but x dim 1 (S) is 10}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<1x1x7x10xi1>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha mask Skv (self-attention: Skv = S)
func.func @mha_57(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %m: tensor<1x1x10x7xi1>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op mask dim 3 (Skv) is 7 but x dim 1 (S) is 10}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<1x1x10x7xi1>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha mask Skv against memory
func.func @mha_58(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %mem: tensor<2x7x64xf32>, %m: tensor<1x1x10x10xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op mask dim 3 (Skv) is 10 but memory dim 1 (Skv) is 7}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<2x7x64xf32>, tensor<1x1x10x10xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha mask Hm: num_kv_heads is not a valid broadcast size
func.func @mha_59(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %m: tensor<1x2x10x10xi1>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op mask dim 1 (Hm) is 2 but must be 1 or num_heads 4}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<1x2x10x10xi1>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha scale = +inf
func.func @mha_60(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op scale must be finite}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64, scale = 0x7F800000 : f32} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// mha scale = NaN
func.func @mha_61(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op scale must be finite}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64, scale = 0xFFC00000 : f32} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// num_heads is required (ODS)
func.func @mha_62(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op requires attribute 'num_heads'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {causal} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// f64 x (ODS)
func.func @mha_63(%x: tensor<2x10x64xf64>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<2x10x64xf64>'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf64>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// i32 mask (ODS)
func.func @mha_64(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>, %m: tensor<1x1x10x10xi32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op operand #5 must be ranked tensor of 1-bit signless integer or 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x1x10x10xi32>'}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo mask %m {num_heads = 4 : i64, num_kv_heads = 2 : i64} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>, tensor<1x1x10x10xi32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// num_heads must be i64 (ODS)
func.func @mha_65(%x: tensor<2x10x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>, %wo: tensor<32x32xf32>) -> tensor<2x10x32xf32> {
  // expected-error @+1 {{'attn.mha' op attribute 'num_heads' failed to satisfy constraint: 64-bit signless integer attribute}}
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i32} : (tensor<2x10x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x16xf32>, tensor<32x32xf32>) -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// A dynamic query H does not hide a static result H that breaks H % Hkv.
func.func @sdpa_result_heads_not_multiple(%q: tensor<2x?x16x64xf32>, %k: tensor<2x4x16x64xf32>, %v: tensor<2x4x16x64xf32>) -> tensor<2x6x16x64xf32> {
  // expected-error @+1 {{'attn.sdpa' op result dim 1 (H) is 6 which is not a multiple of key dim 1 (Hkv) 4}}
  %0 = attn.sdpa %q, %k, %v : (tensor<2x?x16x64xf32>, tensor<2x4x16x64xf32>, tensor<2x4x16x64xf32>) -> tensor<2x6x16x64xf32>
  return %0 : tensor<2x6x16x64xf32>
}

// -----

// Zero kv heads with a dynamic query H.
func.func @sdpa_zero_kv_heads_dynamic_h(%q: tensor<2x?x16x64xf32>, %k: tensor<2x0x16x64xf32>, %v: tensor<2x0x16x64xf32>) -> tensor<2x?x16x64xf32> {
  // expected-error @+1 {{'attn.sdpa' op key dim 1 (Hkv) must be positive}}
  %0 = attn.sdpa %q, %k, %v : (tensor<2x?x16x64xf32>, tensor<2x0x16x64xf32>, tensor<2x0x16x64xf32>) -> tensor<2x?x16x64xf32>
  return %0 : tensor<2x?x16x64xf32>
}

// -----

// The mask's Hm is checked against a static result H when the query's is dynamic.
func.func @sdpa_mask_heads_vs_result(%q: tensor<2x?x16x64xf32>, %k: tensor<2x2x16x64xf32>, %v: tensor<2x2x16x64xf32>, %m: tensor<2x3x16x16xi1>) -> tensor<2x6x16x64xf32> {
  // expected-error @+1 {{'attn.sdpa' op mask dim 1 (Hm) is 3 but must be 1 or result dim 1 (H) 6}}
  %0 = attn.sdpa %q, %k, %v mask %m : (tensor<2x?x16x64xf32>, tensor<2x2x16x64xf32>, tensor<2x2x16x64xf32>, tensor<2x3x16x16xi1>) -> tensor<2x6x16x64xf32>
  return %0 : tensor<2x6x16x64xf32>
}
