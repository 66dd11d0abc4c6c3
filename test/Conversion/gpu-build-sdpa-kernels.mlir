// RUN: attn-opt %s --attn-gpu-build-sdpa-kernels --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-gpu-build-sdpa-kernels --canonicalize --split-input-file | FileCheck %s --check-prefix=GRID

// f16, D = 64: the tensor-core kernel, its split-K variant with the
// combination, and both host bodies.
// CHECK: module attributes {gpu.container_module}
// CHECK: func.func private @attnCudaSdpaSplits(i64, i64) -> i64
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: memref<2x8x200x64xf16>, %[[K:[a-z0-9]+]]: memref<2x2x300x64xf16>, %[[V:[a-z0-9]+]]: memref<2x2x300x64xf16>, %[[O:[a-z0-9]+]]: memref<2x8x200x64xf16>)
// The runtime picks the number of key splits from the CTA count (batch x
// heads x query blocks) and the key blocks (ceil(Sk / 64)).
// CHECK: %[[SK:.*]] = memref.dim %[[K]], %c2{{[_0-9]*}}
// CHECK: %[[NKB:.*]] = arith.ceildivui %[[SK]], %c64{{[_0-9]*}} : index
// CHECK: %[[CTAS:.*]] = arith.muli
// CHECK: %[[CTAS64:.*]] = arith.index_cast %[[CTAS]] : index to i64
// CHECK: %[[NKB64:.*]] = arith.index_cast %[[NKB]] : index to i64
// CHECK: %[[N:.*]] = call @attnCudaSdpaSplits(%[[CTAS64]], %[[NKB64]]) : (i64, i64) -> i64
// CHECK: %[[S:.*]] = arith.index_cast %[[N]] : i64 to index
// CHECK: %[[SPLIT:.*]] = arith.cmpi sgt, %[[S]], %c1{{[_0-9]*}} : index
// CHECK: scf.if %[[SPLIT]] {
// Split-K: the same copies, f32 scratch for the O parts and the (max, sum)
// pairs of each (split, batch x head, query row), the split kernel over
// splits x query blocks, the combination (one CTA per query row).
// CHECK: gpu.wait async
// CHECK: gpu.memcpy async
// CHECK: %[[DO2:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<2x8x200x64xf16>
// CHECK: %[[ROWS:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK: %[[OP:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] (%{{.*}}) : memref<?xf32>
// CHECK: %[[ML:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] (%{{.*}}) : memref<?xf32>
// CHECK: %[[GXS:.*]] = arith.muli %{{.*}}, %[[S]] : index
// CHECK: %[[LS:.*]] = gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0_split blocks in (%[[GXS]], {{.*}} dynamic_shared_memory_size %c36864_i32 args({{.*}}, %[[DO2]] : memref<2x8x200x64xf16>, %[[OP]] : memref<?xf32>, %[[ML]] : memref<?xf32>, %[[S]] : index)
// CHECK: %[[LC:.*]] = gpu.launch_func async [%[[LS]]] @attn_kernels::@__attn_gpu_sdpa_0_combine blocks in {{.*}} dynamic_shared_memory_size %c0_i32 args(%[[OP]] : memref<?xf32>, %[[ML]] : memref<?xf32>, %[[DO2]] : memref<2x8x200x64xf16>, %[[S]] : index)
// CHECK: gpu.memcpy async [%[[LC]]] %[[O]], %[[DO2]]
// CHECK: gpu.dealloc async [%{{.*}}] %[[OP]]
// CHECK: gpu.dealloc async [%{{.*}}] %[[ML]]
// CHECK: gpu.wait [
// One split: the whole kernel.
// CHECK: } else {
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
// GRID: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0_split blocks in (%{{.*}}, %c16, %c1) threads in (%c128, %c1, %c1)
// GRID: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0_combine blocks in (%c200, %c16, %c1) threads in (%c128, %c1, %c1)
// GRID: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0 blocks in (%c4, %c16, %c1) threads in (%c128, %c1, %c1)
// CHECK: %[[C:.*]] = gpu.memcpy async [%[[L]]] %[[O]], %[[DO]]
// CHECK: gpu.dealloc async
// CHECK: gpu.dealloc async
// CHECK: gpu.dealloc async
// CHECK: %[[E:.*]] = gpu.dealloc async [%{{.*}}] %[[DO]]
// CHECK: gpu.wait [%[[E]]]

// The device-pointer launcher: the launches alone, and the split-K scratch.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0_device(
// CHECK: call @attnCudaSdpaSplits
// CHECK: scf.if
// CHECK-NEXT: gpu.wait async
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.alloc async [%{{.*}}] (%{{.*}}) : memref<?xf32>
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0_split
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0_combine
// CHECK-NOT: gpu.memcpy
// CHECK: } else {
// CHECK-NEXT: gpu.wait async
// CHECK-NOT: gpu.alloc
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0 blocks
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
// Whether the warp has a row below Sq (200 is not a multiple of 64).
// CHECK: %[[WL:.*]] = arith.cmpi ult, %{{.*}}, %{{.*}} : index
// The key-block loop: prefetch, wait for the current stage, barrier.
// CHECK: scf.for {{.*}} iter_args(
// CHECK: nvgpu.device_async_create_group
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK-NEXT: gpu.barrier
// A warp with no row below Sq skips the block's work.
// CHECK-NEXT: scf.if %[[WL]] -> (vector<2x2xf32>,
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
// Split-K: blockIdx.x = row block x splits + split; the split's share of
// the key blocks, ceil(blocks / splits) each; unnormalized f32 O rows and
// (max, sum) pairs out.
// CHECK: gpu.func @__attn_gpu_sdpa_0_split(%{{.*}}, %[[OPA:.*]]: memref<?xf32>, %[[MLA:.*]]: memref<?xf32>, %[[NS:.*]]: index) kernel
// CHECK: %[[BXS:.*]] = gpu.block_id  x
// CHECK: %[[SP:.*]] = arith.remui %[[BXS]], %[[NS]] : index
// CHECK: arith.divui %[[BXS]], %[[NS]] : index
// CHECK: %[[PER:.*]] = arith.ceildivui %{{.*}}, %[[NS]] : index
// CHECK: %[[B0:.*]] = arith.muli %[[SP]], %[[PER]] : index
// CHECK: %[[BEGIN:.*]] = arith.minsi %[[B0]], %{{.*}} : index
// CHECK: %[[E0:.*]] = arith.addi %[[BEGIN]], %[[PER]] : index
// CHECK: %[[END:.*]] = arith.minsi %[[E0]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[BEGIN]] to %[[END]] step
// CHECK: vector.store %{{.*}}, %[[OPA]][%{{.*}}] {alignment = 8 : i64} : memref<?xf32>, vector<2xf32>
// CHECK: vector.store %{{.*}}, %[[MLA]][%{{.*}}] {alignment = 8 : i64} : memref<?xf32>, vector<2xf32>
// CHECK: gpu.return
// The combination: M = max of the splits' maxima, then
// sum 2^(m_s - M) O_s / sum 2^(m_s - M) l_s (zeros when no key was seen).
// CHECK: gpu.func @__attn_gpu_sdpa_0_combine(%[[CO:.*]]: memref<?xf32>, %[[CML:.*]]: memref<?xf32>, %[[OUT:.*]]: memref<2x8x200x64xf16>, %[[CS:.*]]: index) kernel
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[CS]] {{.*}} -> (f32)
// CHECK: memref.load %[[CML]]
// CHECK: arith.maximumf
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[CS]] {{.*}} -> (f32, f32)
// CHECK: %[[W:.*]] = math.exp2
// CHECK: math.fma %[[W]]
// CHECK: math.fma %[[W]]
// CHECK: arith.divf
// CHECK: memref.store %{{.*}}, %[[OUT]]
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

// f32 (head sizes multiples of 4, D 16-128, Dv 32-128): the tiled SIMT
// kernel. 64 query rows per CTA (grid.x = Sq / 64); Q, two stages of 32-key
// K and V tiles, and P in shared memory (Q/K rows padded to 4 mod 32 words:
// 40 -> 68); 16-byte cp.async of 4 floats; S in 4x4 register tiles from
// 16-byte loads; row maxima over the 8 lanes of a row group; P stored and
// read back within the warp (bar.warp.sync); O += P V from 16-byte V loads;
// 16-byte stores of O / l.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf32>
// CHECK: gpu.launch_func async {{.*}} dynamic_shared_memory_size %c61952_i32
// GRID-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf32>
// GRID: %[[SQ:.*]] = memref.dim %arg0, %c2
// GRID: %[[GX:.*]] = arith.ceildivui %[[SQ]], %c64
// GRID: %[[GX1:.*]] = arith.maxsi %[[GX]], %c1
// GRID: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0 blocks in (%[[GX1]], %{{.*}}, %{{.*}})
// ptxas gets `.minnctapersm 2` (else it squeezes some into 128 registers
// with spills).
// CHECK-LABEL: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf32>
// CHECK-SAME: nvvm.minctasm = 2 : i32
// CHECK-NOT: nvgpu.mma
// CHECK: %[[QS:.*]] = memref.view {{.*}} to memref<64x68xf32, #gpu.address_space<workgroup>>
// CHECK: %[[KS:.*]] = memref.view {{.*}} to memref<2x32x68xf32, #gpu.address_space<workgroup>>
// CHECK: %[[VS:.*]] = memref.view {{.*}} to memref<2x32x72xf32, #gpu.address_space<workgroup>>
// CHECK: %[[PS:.*]] = memref.view {{.*}} to memref<64x34xf32, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %arg0[{{.*}}], %[[QS]][{{.*}}], 4, %{{.*}} {bypassL1} : memref<?x4x?x40xf32> to memref<64x68xf32
// CHECK: scf.for
// CHECK: nvgpu.device_async_wait
// CHECK: gpu.barrier
// CHECK: scf.for %{{.*}} = %{{.*}} to %c10{{[_0-9]*}} step
// CHECK: vector.load %[[QS]][{{.*}}] {alignment = 16 : i64} : memref<64x68xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: vector.load %[[KS]][{{.*}}] {alignment = 16 : i64} : memref<2x32x68xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: math.fma
// CHECK: memref.load {{.*}} : memref<?x1x?x?xi1>
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c4_i32{{[_0-9]*}}, %c32_i32{{[_0-9]*}} : f32
// CHECK: math.exp2
// CHECK: memref.store %{{.*}}, %[[PS]][
// CHECK: nvvm.bar.warp.sync
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32{{[_0-9]*}} step
// CHECK: memref.load %[[PS]][
// CHECK: vector.load %[[VS]][{{.*}}] {alignment = 16 : i64} : memref<2x32x72xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: math.fma %{{.*}} : vector<4xf32>
// CHECK-NOT: nvvm.bar.warp.sync
// CHECK: gpu.barrier
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<?x4x?x72xf32>, vector<4xf32>
// Split-K as for the tensor-core kernel: float4 O parts, (m, l) pairs from
// the first lane of each row group.
// CHECK: gpu.func @__attn_gpu_sdpa_0_split({{.*}}, %[[SOP:.*]]: memref<?xf32>, %[[SML:.*]]: memref<?xf32>, %{{.*}}: index) kernel attributes {known_block_size = array<i32: 128, 1, 1>, nvvm.minctasm = 2 : i32}
// CHECK: vector.store %{{.*}}, %[[SOP]][%{{.*}}] {alignment = 16 : i64} : memref<?xf32>, vector<4xf32>
// CHECK: vector.store %{{.*}}, %[[SML]][%{{.*}}] {alignment = 8 : i64} : memref<?xf32>, vector<2xf32>
// CHECK: gpu.func @__attn_gpu_sdpa_0_combine(
module {
  func.func private @__attn_gpu_sdpa_0(memref<?x4x?x40xf32>, memref<?x2x?x40xf32>, memref<?x2x?x72xf32>, memref<?x1x?x?xi1>, memref<?x4x?x72xf32>) attributes {attn.gpu_sdpa = {scale = 1.250000e-01 : f32}}
}

// -----

// Head sizes neither kernel takes (f16 with D = 40): the FMA kernel, one
// warp per query row (grid.x = Sq / 4), a full-warp shuffle reduction per
// key, the mask read per score.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf16>
// CHECK: gpu.launch_func async {{.*}} dynamic_shared_memory_size %c0_i32
// GRID-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf16>
// GRID: %[[SQ:.*]] = memref.dim %arg0, %c2
// GRID: %[[GX:.*]] = arith.ceildivui %[[SQ]], %c4
// GRID: %[[GX1:.*]] = arith.maxsi %[[GX]], %c1
// GRID: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0 blocks in (%[[GX1]], %{{.*}}, %{{.*}})
// CHECK-LABEL: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<?x4x?x40xf16>
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
  func.func private @__attn_gpu_sdpa_0(memref<?x4x?x40xf16>, memref<?x2x?x40xf16>, memref<?x2x?x72xf16>, memref<?x1x?x?xi1>, memref<?x4x?x72xf16>) attributes {attn.gpu_sdpa = {scale = 1.250000e-01 : f32}}
}

// -----

// Heads above 128 (D = Dv = 256): K/V tiles of 32 keys, two stages, and the
// CTA's 64 Q rows in shared memory after them (2 x 2 x 32 x 264 x 2 +
// 64 x 264 x 2 = 101376 bytes), copied with the first tile's group; each
// k-step's A fragment comes from one ldmatrix x4 on them, not registers.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<1x2x128x256xf16>
// CHECK: %[[SK:.*]] = memref.dim %arg1, %c2
// CHECK: arith.ceildivui %[[SK]], %c32
// CHECK: gpu.launch_func async [%{{.*}}] @attn_kernels::@__attn_gpu_sdpa_0 blocks {{.*}} dynamic_shared_memory_size %c101376_i32
// CHECK-LABEL: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<1x2x128x256xf16>
// CHECK: memref.view {{.*}} to memref<2x32x264xf16, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}} to memref<2x32x264xf16, #gpu.address_space<workgroup>>
// CHECK: %[[QS:.*]] = memref.view {{.*}} to memref<64x264xf16, #gpu.address_space<workgroup>>
// CHECK-NOT: vector.load
// CHECK: nvgpu.device_async_copy {{.*}} : memref<1x2x128x256xf16> to memref<64x264xf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy {{.*}} : memref<1x2x128x256xf16> to memref<2x32x264xf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_create_group
// CHECK: scf.for
// CHECK: nvgpu.ldmatrix %[[QS]][%{{.*}}, %{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<64x264xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<2x32x264xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.mma.sync
module {
  func.func private @__attn_gpu_sdpa_0(memref<1x2x128x256xf16>, memref<1x2x128x256xf16>, memref<1x2x128x256xf16>, memref<1x2x128x256xf16>) attributes {attn.gpu_sdpa = {scale = 6.250000e-02 : f32}}
}

// -----

// Decode with grouped heads (Sq = 1, 8 query heads on 2 kv heads, a mask
// with every head): the kernels see q, the mask and the result as
// [B, Hkv, G, .] views of the same memory, one CTA per kv head with the 4
// heads of its group as rows; causal is dropped (nothing is hidden at
// Sq = 1). Copies in and out use the launcher's own shapes.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<2x8x1x64xf16>
// CHECK: %[[QV:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [2, 2, 4, 64], strides: [512, 256, 64, 1] : memref<2x8x1x64xf16> to memref<2x2x4x64xf16>
// CHECK: memref.dim %[[QV]], %c1
// CHECK: scf.if
// CHECK: %[[DQ:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<2x8x1x64xf16>
// CHECK: %[[DM:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<1x8x1x300xi1>
// CHECK: %[[DO:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<2x8x1x64xf16>
// CHECK: %[[DQV:.*]] = memref.reinterpret_cast %[[DQ]] to offset: [0], sizes: [2, 2, 4, 64]
// CHECK: %[[DMV:.*]] = memref.reinterpret_cast %[[DM]] to offset: [0], sizes: [1, 2, 4, 300], strides: [2400, 1200, 300, 1] : memref<1x8x1x300xi1> to memref<1x2x4x300xi1>
// CHECK: %[[DOV:.*]] = memref.reinterpret_cast %[[DO]] to offset: [0], sizes: [2, 2, 4, 64]
// CHECK: gpu.launch_func async {{.*}} @attn_kernels::@__attn_gpu_sdpa_0_split {{.*}} args(%[[DQV]] : memref<2x2x4x64xf16>, %{{.*}}, %{{.*}}, %[[DMV]] : memref<1x2x4x300xi1>, %[[DOV]] : memref<2x2x4x64xf16>,
// CHECK: gpu.launch_func async {{.*}} @attn_kernels::@__attn_gpu_sdpa_0_combine {{.*}} args(%{{.*}}, %{{.*}}, %[[DOV]] : memref<2x2x4x64xf16>,
// CHECK: gpu.memcpy async [%{{.*}}] %arg4, %[[DO]] : memref<2x8x1x64xf16>, memref<2x8x1x64xf16>
// CHECK-LABEL: gpu.module @attn_kernels
// CHECK: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<2x2x4x64xf16>, %arg1: memref<2x2x300x64xf16>, %arg2: memref<2x2x300x64xf16>, %arg3: memref<1x2x4x300xi1>, %arg4: memref<2x2x4x64xf16>) kernel
module {
  func.func private @__attn_gpu_sdpa_0(memref<2x8x1x64xf16>, memref<2x2x300x64xf16>, memref<2x2x300x64xf16>, memref<1x8x1x300xi1>, memref<2x8x1x64xf16>) attributes {attn.gpu_sdpa = {causal, scale = 1.250000e-01 : f32}}
}

// -----

// Not packed: a mask broadcast over the heads (it would need a stride-0
// row dimension), and Sq > 1.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<2x8x1x64xf16>
// CHECK-NOT: memref.reinterpret_cast
// CHECK: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<2x8x1x64xf16>
module {
  func.func private @__attn_gpu_sdpa_0(memref<2x8x1x64xf16>, memref<2x2x300x64xf16>, memref<2x2x300x64xf16>, memref<1x1x1x300xi1>, memref<2x8x1x64xf16>) attributes {attn.gpu_sdpa = {scale = 1.250000e-01 : f32}}
}

// -----

// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<2x8x2x64xf16>
// CHECK-NOT: memref.reinterpret_cast
// CHECK: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<2x8x2x64xf16>
module {
  func.func private @__attn_gpu_sdpa_0(memref<2x8x2x64xf16>, memref<2x2x300x64xf16>, memref<2x2x300x64xf16>, memref<2x8x2x64xf16>) attributes {attn.gpu_sdpa = {scale = 1.250000e-01 : f32}}
}

// -----

// Grouped decode with a run-time batch (and Sk): the views take the batch
// from the operand; the strides are static.
// CHECK-LABEL: func.func private @__attn_gpu_sdpa_0(%arg0: memref<?x8x1x64xf16>
// CHECK: %[[B:.*]] = memref.dim %arg0, %c0
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [%[[B]], 2, 4, 64], strides: [512, 256, 64, 1] : memref<?x8x1x64xf16> to memref<?x2x4x64xf16>
// CHECK: gpu.func @__attn_gpu_sdpa_0(%arg0: memref<?x2x4x64xf16>, %arg1: memref<?x2x?x64xf16>, %arg2: memref<?x2x?x64xf16>, %arg3: memref<?x2x4x300xf16>, %arg4: memref<?x2x4x64xf16>) kernel
module {
  func.func private @__attn_gpu_sdpa_0(memref<?x8x1x64xf16>, memref<?x2x?x64xf16>, memref<?x2x?x64xf16>, memref<?x8x1x300xf16>, memref<?x8x1x64xf16>) attributes {attn.gpu_sdpa = {scale = 1.250000e-01 : f32}}
}
