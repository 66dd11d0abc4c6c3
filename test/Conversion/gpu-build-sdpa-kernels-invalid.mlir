// RUN: attn-opt %s --attn-gpu-build-sdpa-kernels -verify-diagnostics

// A launcher declaration that attn-gpu-outline-sdpa cannot have made.
// expected-error@+1 {{malformed attn GPU launcher declaration}}
func.func private @__attn_gpu_sdpa_0(memref<2x8x200x64xf16>) attributes {attn.gpu_sdpa = {scale = 1.250000e-01 : f32}}
