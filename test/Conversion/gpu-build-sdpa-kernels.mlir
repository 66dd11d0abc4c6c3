// RUN: attn-opt %s --attn-gpu-build-sdpa-kernels --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-gpu-build-sdpa-kernels --canonicalize --split-input-file | FileCheck %s --check-prefix=GRID

// f16, D = 64: the tensor-core kernel and both host bodies.
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: memref<2x8x200x64xf16>, %[[K:[a-z0-9]+]]: memref<2x2x300x64xf16>, %[[V:[a-z0-9]+]]: memref<2x2x300x64xf16>, %[[O:[a-z0-9]+]]: memref<2x8x200x64xf16>)
// CHECK: %[[T0:.*]] = gpu.wait async
// CHECK: %[[DQ:.*]], %[[T1:.*]] = gpu.alloc async [%[[T0]]] () : memref<2x8x200x64xf16>
// CHECK: %[[T2:.*]] = gpu.memcpy async [%[[T1]]] %[[DQ]], %[[Q]]
// CHECK: gpu.alloc async
// CHECK: gpu.memcpy async
// CHECK: gpu.alloc async
// CHECK: gpu.memcpy async
// CHECK: %[[DO:.*]], %[[T7:.*]] = gpu.alloc async [%{{.*}}] () : memref<2x8x200x64xf16>
// Grid: 4 blocks of 64 query rows x 16 (batch x head); 4 warps; 2 stages of
// (64 x 72) K and V halves = 36864 bytes of dynamic shared memory.
// CHECK: %[[L:.*]] = gpu.launch_func async [%[[T7]]] @attn_kernels::@__attn_gpu_sdpa_0 blocks in ({{.*}}) threads in (%c128, %{{.*}}, %{{.*}}) dynamic_shared_memory_size %c36864_i32 args(%[[DQ]] : memref<2x8x200x64xf16>, %{{.*}}, %{{.*}}, %[[DO]] : memref<2x8x200x64xf16>)
// GRID-LABEL: func.func private @__attn_gpu_sdpa_0(
// GRID: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0 blocks in (%c4, %c16, %c1) threads in (%c128, %c1, %c1)
// CHECK: %[[C:.*]] = gpu.memcpy async [%[[L]]] %[[O]], %[[DO]]
// CHECK: gpu.dealloc async
// CHECK: gpu.dealloc async
// CHECK: gpu.dealloc async
// CHECK: %[[E:.*]] = gpu.dealloc async [%{{.*}}] %[[DO]]
// CHECK: gpu.wait [%[[E]]]

// The device-pointer launcher: the launch alone.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0_device(
// CHECK-NEXT: gpu.wait async
// CHECK-NOT: gpu.alloc
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.launch_func async
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.wait [

// CHECK-LABEL: gpu.module @attn_kernels
// CHECK: gpu.func @__attn_gpu_sdpa_0({{.*}}) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// Causal: query blocks in reverse launch order (the longest CTAs first).
// CHECK: %[[BX:.*]] = gpu.block_id  x
// CHECK: %[[GX:.*]] = gpu.grid_dim  x
// CHECK: %[[LAST:.*]] = arith.subi %[[GX]], %{{.*}} : index
// CHECK: %[[RB:.*]] = arith.subi %[[LAST]], %[[BX]] : index
// CHECK: arith.muli %[[RB]], %c64 : index
// CHECK: gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}} to memref<2x64x72xf16, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}} to memref<2x64x72xf16, #gpu.address_space<workgroup>>
// Q fragments straight from global memory.
// CHECK: vector.load %{{.*}} {alignment = 4 : i64} : memref<2x8x200x64xf16>, vector<2xf16>
// CHECK: vector.from_elements {{.*}} : vector<4x2xf16>
// The first tile, zero-filled past Sk.
// CHECK: scf.if
// CHECK: nvgpu.device_async_copy %{{.*}}, %{{.*}}, 8, %{{.*}} {bypassL1} : memref<2x2x300x64xf16> to memref<2x64x72xf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_create_group
// The key-block loop: prefetch, wait for the current stage, barrier.
// CHECK: scf.for {{.*}} iter_args(
// CHECK: nvgpu.device_async_create_group
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<2x64x72xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// Bias (causal here) only on blocks that cross the diagonal or Sk.
// CHECK: scf.if %{{.*}} -> (f32,
// The scores stay unscaled (causal here: the scale is folded): scale*log2(e)
// (0.125 * 1.4427 = 0.18034) multiplies the row maximum and goes into exp2's
// argument by an fma.
// CHECK: %[[KS:.*]] = arith.constant 0.180336{{[0-9]*}} : f32
// Row maxima across the quad, the online softmax in base 2.
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: arith.mulf %{{.*}}, %[[KS]] : f32
// Lazy rescaling: the references move only when a row maximum of the warp
// grew by more than 8 (one vote per warp); O and l are rescaled only then.
// CHECK: arith.cmpf ugt
// CHECK: %[[ANY:.*]] = nvvm.vote.sync  any %{{.*}}, %{{.*}} -> i1
// CHECK: %[[NR:.*]] = arith.negf
// CHECK: %[[A:.*]] = math.fma %{{.*}}, %[[KS]], %[[NR]] : f32
// CHECK-NEXT: math.exp2 %[[A]] : f32
// CHECK: scf.if %[[ANY]] -> (vector<2x2xf32>,
// CHECK: math.exp2
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<2x2xf32>
// CHECK: arith.truncf {{.*}} : f32 to f16
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: nvgpu.mma.sync
// CHECK: gpu.barrier
// CHECK: scf.yield
// O / l stored as f16 pairs.
// CHECK: arith.truncf {{.*}} : vector<2xf32> to vector<2xf16>
// CHECK: vector.store {{.*}} {alignment = 4 : i64} : memref<2x8x200x64xf16>, vector<2xf16>
// CHECK: gpu.return
module {
  func.func private @__attn_gpu_sdpa_0(memref<2x8x200x64xf16>, memref<2x2x300x64xf16>, memref<2x2x300x64xf16>, memref<2x8x200x64xf16>) attributes {attn.gpu_sdpa = {causal, scale = 1.250000e-01 : f32}}
}

// -----

// bf16 goes through nvvm.mma.sync (nvgpu cannot type bf16 operands).
// CHECK-LABEL: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<1x4x64x128xbf16>
// CHECK: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
// CHECK-NOT: nvgpu.mma.sync
module {
  func.func private @__attn_gpu_sdpa_0(memref<1x4x64x128xbf16>, memref<1x4x64x128xbf16>, memref<1x4x64x128xbf16>, memref<1x4x64x128xbf16>) attributes {attn.gpu_sdpa = {scale = 1.250000e-01 : f32}}
}

// -----

// f32 (and head sizes the tensor-core kernel does not take): the FMA kernel,
// one warp per query row (grid.x = Sq / 4), a full-warp shuffle reduction
// per key, the mask read per score.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf32>
// CHECK: gpu.launch_func async {{.*}} dynamic_shared_memory_size %c0_i32
// GRID-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf32>
// GRID: %[[SQ:.*]] = memref.dim %arg0, %c2
// GRID: %[[GX:.*]] = arith.ceildivui %[[SQ]], %c4
// GRID: %[[GX1:.*]] = arith.maxsi %[[GX]], %c1
// GRID: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0 blocks in (%[[GX1]], %{{.*}}, %{{.*}})
// CHECK-LABEL: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf32>
// CHECK-NOT: nvgpu
// CHECK: scf.for
// CHECK: math.fma
// CHECK: gpu.shuffle xor %{{.*}}, %c16_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c8_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c4_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: memref.load {{.*}} : memref<?x1x?x?xi1>
// CHECK: math.exp2
module {
  func.func private @__attn_gpu_sdpa_0(memref<?x4x?x40xf32>, memref<?x2x?x40xf32>, memref<?x2x?x72xf32>, memref<?x1x?x?xi1>, memref<?x4x?x72xf32>) attributes {attn.gpu_sdpa = {scale = 1.250000e-01 : f32}}
}

