// RUN: attn-opt %s --attn-gpu-build-mha-kernels --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-gpu-build-mha-kernels --attn-gpu-build-sdpa-kernels --split-input-file | FileCheck %s --check-prefix=BOTH
// RUN: attn-opt %s --attn-gpu-build-mha-kernels=lowp-intermediates=true --split-input-file | FileCheck %s --check-prefix=LOWP

// A self-attention layer (GQA 4/2, residual): four GEMM kernels, the f32
// intermediates Q [B,H,S,Dh], K and V [B,Hkv,S,.], head outputs [B,H,S,Dv];
// the attention as a device-buffer sdpa launcher; host and device bodies.
// CHECK-LABEL: func.func private @__attn_gpu_mha_0(
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<2x16x64xf32>
// CHECK: %[[XD:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<2x16x64xf32>
// CHECK: gpu.memcpy async {{.*}} %[[XD]], %[[X]]
// CHECK: %[[Q:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<2x4x16x16xf32>
// CHECK: %[[K:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<2x2x16x16xf32>
// CHECK: %[[V:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<2x2x16x16xf32>
// CHECK: %[[O:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<2x4x16x16xf32>
// CHECK: gpu.launch_func async {{.*}} @attn_kernels::@__attn_gpu_mha_0_q {{.*}} dynamic_shared_memory_size %c8704_i32 args(%[[XD]] : {{.*}}, %[[Q]] : memref<2x4x16x16xf32>)
// CHECK: gpu.launch_func async {{.*}} @attn_kernels::@__attn_gpu_mha_0_k {{.*}} args(%[[XD]] : {{.*}}, %[[K]] : memref<2x2x16x16xf32>)
// CHECK: %[[T:.*]] = gpu.launch_func async {{.*}} @attn_kernels::@__attn_gpu_mha_0_v {{.*}} args(%[[XD]] : {{.*}}, %[[V]] : memref<2x2x16x16xf32>)
// CHECK: gpu.wait [%[[T]]]
// CHECK: call @__attn_gpu_mha_0_sdpa(%[[Q]], %[[K]], %[[V]], %[[O]])
// CHECK: gpu.launch_func async {{.*}} @attn_kernels::@__attn_gpu_mha_0_o {{.*}} args(%[[O]] : memref<2x4x16x16xf32>, %{{.*}} : memref<64x64xf32>, %[[XD]] : memref<2x16x64xf32>, %[[YD:.*]] : memref<2x16x64xf32>)
// CHECK: gpu.memcpy async {{.*}} %arg5, %[[YD]]
// CHECK-COUNT-10: gpu.dealloc async
// CHECK: gpu.wait [
// CHECK: func.func private @__attn_gpu_mha_0_sdpa(memref<2x4x16x16xf32>, memref<2x2x16x16xf32>, memref<2x2x16x16xf32>, memref<2x4x16x16xf32>) attributes {attn.gpu_sdpa = {device, scale = 2.500000e-01 : f32}}
// CHECK-LABEL: func.func private @__attn_gpu_mha_0_device(
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.launch_func {{.*}} @attn_kernels::@__attn_gpu_mha_0_q {{.*}} args(%arg0 : memref<2x16x64xf32>, %arg1 : memref<64x64xf32>,
// CHECK: call @__attn_gpu_mha_0_sdpa(
// CHECK: gpu.launch_func {{.*}} @attn_kernels::@__attn_gpu_mha_0_o {{.*}} %arg0 : memref<2x16x64xf32>, %arg5 : memref<2x16x64xf32>)
// CHECK-NOT: gpu.memcpy
// CHECK-COUNT-4: gpu.dealloc async
// CHECK: return
// The kernels: 64x64 tiles, 16-deep slices of A and B in 2 x 16 x 68 floats
// of shared memory, 32 accumulators and 16 prefetched values per thread,
// 16 x 32 FMAs per slice.
// CHECK: gpu.module @attn_kernels attributes {attn.gpu_kernels}
// CHECK: gpu.func @__attn_gpu_mha_0_q(%{{.*}}: memref<2x16x64xf32>, %{{.*}}: memref<64x64xf32>, %{{.*}}: memref<2x4x16x16xf32>) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// CHECK: memref.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : memref<2x16x64xf32> into memref<2048xf32>
// CHECK: memref.view {{.*}} to memref<16x68xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK: gpu.barrier
// CHECK: gpu.barrier
// CHECK-COUNT-512: math.fma
// CHECK: scf.yield
// CHECK: gpu.func @__attn_gpu_mha_0_k(%{{.*}}: memref<2x16x64xf32>, %{{.*}}: memref<64x32xf32>, %{{.*}}: memref<2x2x16x16xf32>)
// CHECK: gpu.func @__attn_gpu_mha_0_v(
// CHECK: gpu.func @__attn_gpu_mha_0_o(%{{.*}}: memref<2x4x16x16xf32>, %{{.*}}: memref<64x64xf32>, %{{.*}}: memref<2x16x64xf32>, %{{.*}}: memref<2x16x64xf32>)

// With the sdpa pass after it: one gpu.module holds all the kernels, the
// layer's attention launcher has the device body and no twin.
// BOTH: func.func private @__attn_gpu_mha_0(
// BOTH-LABEL: func.func private @__attn_gpu_mha_0_sdpa(
// BOTH-NOT: gpu.memcpy
// BOTH: gpu.launch_func
// BOTH-NOT: func.func private @__attn_gpu_mha_0_sdpa_device
// BOTH: gpu.module @attn_kernels attributes {attn.gpu_kernels}
// BOTH: gpu.func @__attn_gpu_mha_0_q(
// BOTH: gpu.func @__attn_gpu_mha_0_o(
// BOTH: gpu.func @__attn_gpu_mha_0_sdpa(
// BOTH-NOT: gpu.module
// BOTH: func.func private @__attn_gpu_mha_0(%{{.*}}: memref<?x?x32xf16>
func.func private @__attn_gpu_mha_0(memref<2x16x64xf32>, memref<64x64xf32>, memref<64x32xf32>, memref<64x32xf32>, memref<64x64xf32>, memref<2x16x64xf32>) attributes {attn.gpu_mha = {num_heads = 4 : i64, num_kv_heads = 2 : i64, residual, scale = 0.25 : f32}}

// -----

// Cross-attention with biases, a mask and dynamic sizes, f16: K and V are
// projected from the memory (sized by it), each projection gets its bias,
// the mask goes to the attention as it is. By default Q, K, V and the head
// outputs are f32 (the cpu pipeline's precision): the Q, K, V projections
// (f16 A and W) run on tensor cores, the output projection (f32 A) with FMAs.
// CHECK-LABEL: func.func private @__attn_gpu_mha_0(
// CHECK: call @__attn_gpu_mha_0_sdpa({{.*}}) : (memref<?x2x?x16xf32>, memref<?x2x?x16xf32>, memref<?x2x?x16xf32>, memref<?x1x?x?xi1>, memref<?x2x?x16xf32>) -> ()
// CHECK: gpu.func @__attn_gpu_mha_0_q(%{{.*}}: memref<?x?x32xf16>, %{{.*}}: memref<32x32xf16>, %{{.*}}: memref<32xf16>, %{{.*}}: memref<?x2x?x16xf32>)
// CHECK: nvgpu.mma.sync
// CHECK: gpu.func @__attn_gpu_mha_0_o(%{{.*}}: memref<?x2x?x16xf32>, %{{.*}}: memref<32x16xf16>, %{{.*}}: memref<16xf16>, %{{.*}}: memref<?x?x16xf16>)
// CHECK-NOT: nvgpu.mma.sync
// CHECK: math.fma
// CHECK: arith.truncf {{.*}} : f32 to f16
// With lowp-intermediates they are f16 (as PyTorch keeps them), so every
// projection runs on tensor cores (K, N multiples of 8): cp.async slices,
// ldmatrix, mma.sync.
// LOWP-LABEL: func.func private @__attn_gpu_mha_0(
// LOWP: %[[X:.*]], %{{.*}} = gpu.alloc async {{.*}} (%{{.*}}, %{{.*}}) : memref<?x?x32xf16>
// LOWP: %[[BQ:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<32xf16>
// LOWP: %[[BK:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<32xf16>
// LOWP: %[[BV:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<32xf16>
// LOWP: %[[BO:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<16xf16>
// LOWP: %[[MEM:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<?x?x32xf16>
// LOWP: %[[M:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<?x1x?x?xi1>
// LOWP: %[[Q:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<?x2x?x16xf16>
// LOWP: %[[K:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<?x2x?x16xf16>
// LOWP: gpu.launch_func {{.*}}::@__attn_gpu_mha_0_q {{.*}} args(%[[X]] : {{.*}}, %[[BQ]] : memref<32xf16>, %[[Q]] :
// LOWP: gpu.launch_func {{.*}}::@__attn_gpu_mha_0_k {{.*}} args(%[[MEM]] : {{.*}}, %[[BK]] : memref<32xf16>, %[[K]] :
// LOWP: gpu.launch_func {{.*}}::@__attn_gpu_mha_0_v {{.*}} args(%[[MEM]] : {{.*}}, %[[BV]] : memref<32xf16>,
// LOWP: call @__attn_gpu_mha_0_sdpa(%[[Q]], %[[K]], %{{.*}}, %[[M]], %{{.*}}) : (memref<?x2x?x16xf16>, memref<?x2x?x16xf16>, memref<?x2x?x16xf16>, memref<?x1x?x?xi1>, memref<?x2x?x16xf16>) -> ()
// LOWP: gpu.launch_func {{.*}}::@__attn_gpu_mha_0_o {{.*}} args(%{{.*}} : memref<?x2x?x16xf16>, %{{.*}} : memref<32x16xf16>, %[[BO]] : memref<16xf16>, %{{.*}} : memref<?x?x16xf16>)
// LOWP: attn.gpu_sdpa = {causal, device, scale = 5.000000e-01 : f32}
// LOWP: gpu.func @__attn_gpu_mha_0_q(%{{.*}}: memref<?x?x32xf16>, %{{.*}}: memref<32x32xf16>, %{{.*}}: memref<32xf16>, %{{.*}}: memref<?x2x?x16xf16>)
// LOWP: memref.view {{.*}} to memref<2x64x40xf16, #gpu.address_space<workgroup>>
// LOWP: memref.view {{.*}} to memref<2x32x72xf16, #gpu.address_space<workgroup>>
// LOWP: nvgpu.device_async_copy
// LOWP: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// LOWP: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// LOWP: nvgpu.mma.sync
// LOWP: gpu.func @__attn_gpu_mha_0_o(%{{.*}}: memref<?x2x?x16xf16>, %{{.*}}: memref<32x16xf16>, %{{.*}}: memref<16xf16>, %{{.*}}: memref<?x?x16xf16>)
// LOWP: nvgpu.mma.sync
// LOWP: arith.truncf {{.*}} : f32 to f16
func.func private @__attn_gpu_mha_0(memref<?x?x32xf16>, memref<32x32xf16>, memref<32x32xf16>, memref<32x32xf16>, memref<32x16xf16>, memref<32xf16>, memref<32xf16>, memref<32xf16>, memref<16xf16>, memref<?x?x32xf16>, memref<?x1x?x?xi1>, memref<?x?x16xf16>) attributes {attn.gpu_mha = {bias, causal, mask, memory, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.5 : f32}}
