// RUN: attn-opt %s --attn-gpu-outline-mha --split-input-file | FileCheck %s

// A function that is exactly one attn.mha of its arguments: the call to the
// launcher on buffers (operands in the op's order, the result buffer last),
// the layer's configuration on the declaration (the default scale
// 1/sqrt(Dh) made explicit), and the device-entry marker.
// CHECK-LABEL: func.func @single
// CHECK-SAME: attributes {attn.gpu_device_launcher = @__attn_gpu_mha_0_device}
// CHECK: %[[X:.*]] = bufferization.to_buffer %arg0 read_only : tensor<2x16x64xf16> to memref<2x16x64xf16>
// CHECK: %[[WQ:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK: %[[WO:.*]] = bufferization.to_buffer %arg4 read_only
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x16x32xf16>
// CHECK: call @__attn_gpu_mha_0(%[[X]], %[[WQ]], %{{.*}}, %{{.*}}, %[[WO]], %[[Y]])
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[Y]] restrict writable
// CHECK: return %[[R]]
// CHECK: func.func private @__attn_gpu_mha_0(memref<2x16x64xf16>, memref<64x64xf16>, memref<64x32xf16>, memref<64x32xf16>, memref<64x32xf16>, memref<2x16x32xf16>)
// CHECK-SAME: attn.gpu_mha = {causal, num_heads = 4 : i64, num_kv_heads = 2 : i64, scale = 2.500000e-01 : f32}
// CHECK-NOT: attn.mha
func.func @single(%x: tensor<2x16x64xf16>, %wq: tensor<64x64xf16>, %wk: tensor<64x32xf16>,
                  %wv: tensor<64x32xf16>, %wo: tensor<64x32xf16>) -> tensor<2x16x32xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, num_kv_heads = 2 : i64, causal}
       : (tensor<2x16x64xf16>, tensor<64x64xf16>, tensor<64x32xf16>, tensor<64x32xf16>,
          tensor<64x32xf16>) -> tensor<2x16x32xf16>
  return %y : tensor<2x16x32xf16>
}

// -----

// Every optional group: biases, memory (cross-attention), a mask; dynamic
// batch and lengths (the result's from x); residual and an explicit scale.
// No device entry: the function does more than one mha of its arguments.
// CHECK-LABEL: func.func @all
// CHECK-NOT: attn.gpu_device_launcher
// CHECK: %[[X:.*]] = bufferization.to_buffer %arg0 read_only : tensor<?x?x32xf32> to memref<?x?x32xf32>
// CHECK: %[[MEM:.*]] = bufferization.to_buffer %arg9 read_only : tensor<?x?x32xf32>
// CHECK: %[[M:.*]] = bufferization.to_buffer %arg10 read_only : tensor<?x1x?x?xf32>
// CHECK: %[[B:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[S:.*]] = memref.dim %[[X]], %c1
// CHECK: %[[Y:.*]] = memref.alloc(%[[B]], %[[S]]) {alignment = 64 : i64} : memref<?x?x32xf32>
// CHECK: call @__attn_gpu_mha_0(%[[X]], {{.*}}, %[[MEM]], %[[M]], %[[Y]])
// CHECK: call @__attn_gpu_mha_1(
// CHECK: func.func private @__attn_gpu_mha_0({{.*}}) attributes {attn.gpu_mha = {bias, mask, memory, num_heads = 2 : i64, num_kv_heads = 2 : i64, residual, scale = 5.000000e-01 : f32}}
// CHECK: func.func private @__attn_gpu_mha_1(
func.func @all(%x: tensor<?x?x32xf32>, %wq: tensor<32x32xf32>, %wk: tensor<32x32xf32>,
               %wv: tensor<32x32xf32>, %wo: tensor<32x32xf32>, %bq: tensor<32xf32>,
               %bk: tensor<32xf32>, %bv: tensor<32xf32>, %bo: tensor<32xf32>,
               %mem: tensor<?x?x32xf32>, %m: tensor<?x1x?x?xf32>) -> (tensor<?x?x32xf32>, tensor<?x?x32xf32>) {
  %a = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) memory %mem mask %m
         {num_heads = 2 : i64, residual, scale = 0.5 : f32}
       : (tensor<?x?x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>,
          tensor<32x32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>,
          tensor<?x?x32xf32>, tensor<?x1x?x?xf32>) -> tensor<?x?x32xf32>
  %b = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 2 : i64}
       : (tensor<?x?x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>,
          tensor<32x32xf32>) -> tensor<?x?x32xf32>
  return %a, %b : tensor<?x?x32xf32>, tensor<?x?x32xf32>
}

// -----

// attn.sdpa is left to attn-gpu-outline-sdpa.
// CHECK-LABEL: func.func @sdpa_only
// CHECK-NOT: attn.gpu_device_launcher
// CHECK: attn.sdpa
func.func @sdpa_only(%q: tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32> {
  %o = attn.sdpa %q, %q, %q : (tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32>
  return %o : tensor<1x1x8x16xf32>
}
