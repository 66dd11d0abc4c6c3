// RUN: attn-opt %s --attn-gpu-build-mha-kernels -verify-diagnostics --split-input-file

// An mha launcher declaration that attn-gpu-outline-mha cannot have made:
// its configuration says there are biases, its arguments have none.
// expected-error@+1 {{malformed attn GPU mha launcher declaration}}
func.func private @__attn_gpu_mha_0(memref<2x16x64xf32>, memref<64x64xf32>, memref<64x64xf32>, memref<64x64xf32>, memref<64x64xf32>, memref<2x16x64xf32>) attributes {attn.gpu_mha = {bias, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.25 : f32}}

// -----

// wq's columns are not a whole number of heads' worth... of zero: no heads.
// expected-error@+1 {{malformed attn GPU mha launcher declaration}}
func.func private @__attn_gpu_mha_0(memref<2x16x64xf32>, memref<64x2xf32>, memref<64x64xf32>, memref<64x64xf32>, memref<64x64xf32>, memref<2x16x64xf32>) attributes {attn.gpu_mha = {num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.25 : f32}}
