// RUN: attn-opt %s --attn-gpu-outline-sdpa --split-input-file | FileCheck %s

// A function that is exactly one attn.sdpa of its arguments: the call to the
// launcher on buffers, a host result buffer, and the device-entry marker.
// CHECK-LABEL: func.func @single
// CHECK-SAME: attributes {attn.gpu_device_launcher = @__attn_gpu_sdpa_0_device}
// CHECK: %[[Q:.*]] = bufferization.to_buffer %arg0 read_only : tensor<2x8x128x64xf16> to memref<2x8x128x64xf16>
// CHECK: %[[K:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK: %[[V:.*]] = bufferization.to_buffer %arg2 read_only
// CHECK: %[[O:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x128x64xf16>
// CHECK: call @__attn_gpu_sdpa_0(%[[Q]], %[[K]], %[[V]], %[[O]])
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[O]] restrict writable
// CHECK: return %[[R]]
// CHECK: func.func private @__attn_gpu_sdpa_0(memref<2x8x128x64xf16>, memref<2x2x256x64xf16>, memref<2x2x256x64xf16>, memref<2x8x128x64xf16>)
// CHECK-SAME: attn.gpu_sdpa = {causal, scale = 1.250000e-01 : f32}
// CHECK-NOT: attn.sdpa
func.func @single(%q: tensor<2x8x128x64xf16>, %k: tensor<2x2x256x64xf16>, %v: tensor<2x2x256x64xf16>) -> tensor<2x8x128x64xf16> {
  %o = attn.sdpa %q, %k, %v {causal} : (tensor<2x8x128x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x64xf16>) -> tensor<2x8x128x64xf16>
  return %o : tensor<2x8x128x64xf16>
}

// -----

// Dynamic sizes of the result come from the operands (Dv from the value);
// the mask is passed on; an explicit scale is kept; no device entry because
// the function does more than one sdpa of its arguments.
// CHECK-LABEL: func.func @two
// CHECK-NOT: attn.gpu_device_launcher
// CHECK: %[[Q:.*]] = bufferization.to_buffer %arg0 read_only : tensor<?x4x?x32xf32> to memref<?x4x?x32xf32>
// CHECK: %[[M:.*]] = bufferization.to_buffer %arg3 read_only : tensor<1x1x?x?xi1> to memref<1x1x?x?xi1>
// CHECK: %[[B:.*]] = memref.dim %[[Q]], %c0
// CHECK: %[[S:.*]] = memref.dim %[[Q]], %c2
// CHECK: %[[O:.*]] = memref.alloc(%[[B]], %[[S]]) {alignment = 64 : i64} : memref<?x4x?x16xf32>
// CHECK: call @__attn_gpu_sdpa_0({{.*}}, %[[M]], %[[O]])
// CHECK: call @__attn_gpu_sdpa_1(
// CHECK: func.func private @__attn_gpu_sdpa_0({{.*}}memref<1x1x?x?xi1>, memref<?x4x?x16xf32>) attributes {attn.gpu_sdpa = {scale = 5.000000e-01 : f32}}
// CHECK: func.func private @__attn_gpu_sdpa_1({{.*}}) attributes {attn.gpu_sdpa = {scale = 0.176776{{[0-9]*}} : f32}}
func.func @two(%q: tensor<?x4x?x32xf32>, %k: tensor<?x4x?x32xf32>, %v: tensor<?x4x?x16xf32>, %m: tensor<1x1x?x?xi1>) -> (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) {
  %a = attn.sdpa %q, %k, %v mask %m {scale = 0.5 : f32} : (tensor<?x4x?x32xf32>, tensor<?x4x?x32xf32>, tensor<?x4x?x16xf32>, tensor<1x1x?x?xi1>) -> tensor<?x4x?x16xf32>
  %b = attn.sdpa %q, %k, %v : (tensor<?x4x?x32xf32>, tensor<?x4x?x32xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  return %a, %b : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>
}
