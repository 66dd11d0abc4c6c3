//===- Passes.td - attn conversion passes (GPU) ------------*- tablegen -*-===//
#ifndef ATTN_CONVERSION_PASSES
#define ATTN_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def AttnGpuOutlineSdpa : Pass<"attn-gpu-outline-sdpa", "ModuleOp"> {
  let summary = "Replace each attn.sdpa by a call to a GPU launcher on buffers";
  let description = [{
    First step of the NVVM pipeline, run on tensors before bufferization.
    Every `attn.sdpa` becomes `bufferization.to_buffer` of its operands, a
    host `memref.alloc` for the result, and a `func.call` to a new private
    declaration `@__attn_gpu_sdpa_<n>(q, k, v, [mask], out)` that carries the
    op's configuration (`attn.gpu_sdpa = {scale, causal}`). The call keeps the
    host-side GPU work (allocation, copies, launch) out of bufferization and
    the buffer-deallocation pipeline, which reject `gpu` ops;
    `attn-gpu-build-sdpa-kernels` gives the declaration its body afterwards.

    A public function whose body is exactly `return attn.sdpa(args...)`
    (arguments in order, mask optional) is marked
    `attn.gpu_device_launcher = @__attn_gpu_sdpa_<n>_device`: attn-compile
    then also exports an entry point that takes device pointers.
  }];
  let dependentDialects = ["func::FuncDialect", "memref::MemRefDialect",
                           "bufferization::BufferizationDialect"];
}

def AttnGpuOutlineMha : Pass<"attn-gpu-outline-mha", "ModuleOp"> {
  let summary = "Replace each attn.mha by a call to a GPU launcher on buffers";
  let description = [{
    First step of the NVVM pipeline for `attn.mha`, on tensors before
    bufferization (like `attn-gpu-outline-sdpa`): every `attn.mha` becomes
    `bufferization.to_buffer` of its operands, a host `memref.alloc` for the
    result and a `func.call` to a new private declaration
    `@__attn_gpu_mha_<n>(x, wq, wk, wv, wo, [bq, bk, bv, bo], [memory],
    [mask], out)` carrying the layer's configuration (`attn.gpu_mha =
    {num_heads, num_kv_heads, scale, causal, residual, bias, memory, mask}`).
    `attn-gpu-build-mha-kernels` gives it its body after bufferization: the
    whole layer, projections included, runs on the GPU.

    A public function whose body is exactly `return attn.mha(args...)`
    (arguments in order) is marked `attn.gpu_device_launcher =
    @__attn_gpu_mha_<n>_device`: attn-compile then also exports an entry
    point that takes device pointers.
  }];
  let dependentDialects = ["func::FuncDialect", "memref::MemRefDialect",
                           "bufferization::BufferizationDialect"];
}

def AttnGpuBuildMhaKernels : Pass<"attn-gpu-build-mha-kernels", "ModuleOp"> {
  let summary = "Build the projection kernels and host code of outlined attn.mha calls";
  let description = [{
    For each `@__attn_gpu_mha_<n>` declaration left by `attn-gpu-outline-mha`
    (run after bufferization, before `attn-gpu-build-sdpa-kernels`):

    * four GEMM kernels in the `gpu.module` of the attn kernels: the Q, K
      and V projections (`x` or `memory` times the weight, plus the bias,
      written straight into the `B x heads x S x head size` layout the
      attention kernels read) and the output projection (the heads' outputs
      read as their concatenation, times `wo`, plus the bias and the
      residual, rounded to the element type), all with f32 accumulation,
      64 x 64 output tiles per 128-thread CTA. With f16/bf16 A and W (K and
      N multiples of 8) a tensor-core kernel: 32-deep slices of A and W
      double-buffered in shared memory by 16-byte cp.async, ldmatrix
      (transposed for W) and m16n8k16 mma.sync, 16 rows x 64 columns per
      warp. Otherwise a SIMT kernel: 4 x 8 outputs per thread from 16-byte
      shared-memory loads, 16-deep slices of A (transposed) and W staged in
      shared memory with the next slice's global loads in flight during the
      current one's FMAs, inputs of any type widened to f32 on load;
    * `@__attn_gpu_mha_<n>_sdpa(q, k, v, [mask], o)`, a launcher declaration
      for the attention that `attn-gpu-build-sdpa-kernels` builds as a
      device-buffer launcher (`device` in its `attn.gpu_sdpa`);
    * the host body: device buffers for the operands and the f32
      intermediates, copies in, the three projections, the attention, the
      output projection, the copy back; and `@__attn_gpu_mha_<n>_device`,
      the same on buffers that already live on the device.

    Q, K, V and the head outputs are f32 by default: the layer then is the
    cpu pipeline's (`attn-decompose-mha`) to f32 rounding, and f16/bf16
    inputs only reach tensor cores in the Q, K, V projections (whose
    products are exact in f32). `lowp-intermediates` keeps them in an
    f16/bf16 layer's own type, as PyTorch does: every projection and the
    attention then run on tensor cores, at the cost of rounding Q, K, V
    and the head outputs (about 1e-2 relative error on badly scaled
    layers, against about 1e-5).
  }];
  let options = [
    Option<"lowpIntermediates", "lowp-intermediates", "bool",
           /*default=*/"false",
           "Keep Q, K, V and the head outputs of f16/bf16 layers in f16/bf16">
  ];
  let dependentDialects = ["gpu::GPUDialect", "nvgpu::NVGPUDialect",
                           "NVVM::NVVMDialect", "LLVM::LLVMDialect",
                           "scf::SCFDialect", "vector::VectorDialect",
                           "memref::MemRefDialect", "arith::ArithDialect",
                           "math::MathDialect", "func::FuncDialect"];
}

def AttnGpuBuildSdpaKernels : Pass<"attn-gpu-build-sdpa-kernels", "ModuleOp"> {
  let summary = "Build the GPU kernels and host launch code of outlined attn.sdpa calls";
  let description = [{
    For each `@__attn_gpu_sdpa_<n>` declaration left by `attn-gpu-outline-sdpa`
    (run after bufferization) this pass adds a `gpu.func` kernel to the
    `gpu.module @attn_kernels` and gives the declaration a host body:
    `gpu.alloc` device buffers, `gpu.memcpy` the inputs, `gpu.launch_func`,
    copy the result back and free the buffers, all chained with async tokens.
    A second function `@__attn_gpu_sdpa_<n>_device` launches on buffers that
    already live on the device; a declaration whose configuration has
    `device` (the attention inside an outlined `attn.mha`) gets only that
    body, itself. The kernels join an existing `gpu.module` of attn kernels
    (`attn.gpu_kernels`) if an earlier pass made one.

    The kernel for f16/bf16 with `D` and `Dv` multiples of 16 (at most 128)
    is a flash-attention kernel on tensor cores: one CTA of 4 warps per
    (batch x head, block of 64 query rows), each warp owning 16 rows; Q
    fragments kept in registers; K and V tiles staged in shared memory
    (rows padded by 16 bytes against bank conflicts) with
    `nvgpu.device_async_copy` double buffering (keys past `Sk` zero-filled);
    `S = Q K^T` and `O += P V` as m16n8k16 `mma.sync` with f32 accumulation
    (`nvgpu.mma.sync` for f16; `nvvm.mma.sync` for bf16, which nvgpu's
    lowering does not type), B fragments from `nvgpu.ldmatrix` (transposed
    for V); the online softmax in registers in base 2 with quad shuffles for
    the row maxima; causal key blocks above the diagonal are never visited,
    and the bias (causal, key bound, mask) is applied only on blocks that
    need it. f32 with head sizes multiples of 4 (`D` 16-128, `Dv` 32-128)
    gets a tiled SIMT kernel: 64 query rows per CTA, Q and double-buffered
    32-key K/V tiles in shared memory (16-byte cp.async), each thread a 4x4
    tile of S from 16-byte loads, row statistics over 8 lanes by shuffles,
    P through shared memory within the warp, O += P V from 16-byte V loads
    (marked `nvvm.minctasm = 2`: ptxas otherwise spills some to 128
    registers); it has split-K and grouped-decode packing too.
    Every other case gets an FMA kernel: one warp per query row, lanes
    striding over `D`/`Dv`, a warp-shuffle dot product per key and the same
    online softmax. Warps whose 16 rows are all past `Sq` (decode, a last
    partial row block) skip the block's work and only take part in the
    copies and barriers.

    Split-K (flash-decoding): where `Sk` may span more than one key block,
    the tensor-core (and SIMT) kernel also gets a `_split` variant over one share of
    each CTA's key blocks (blockIdx.x = row block x splits + split) that
    writes unnormalized f32 O rows and each row's (maximum, sum) to scratch,
    and a `_combine` kernel (one CTA per query row) that rescales the shares
    to their common maximum and divides. The host code asks the runtime
    (`attnCudaSdpaSplits`, FlashAttention-2's heuristic over the device's
    SM count) how many splits to use and launches the whole kernel for one,
    the pair with `gpu.alloc`'d scratch otherwise.

    Grouped decode (static `Sq = 1`, `H = G x Hkv` with `G > 1`, static
    shapes but for the batch and `Sk`, no mask or one with every head): the kernels are built for, and launched on,
    `memref.reinterpret_cast` views `[B, Hkv, G, D]` of q, the mask and the
    result (the same memory), so that one CTA holds a group's G heads as
    rows and reads its K/V once; causal hides nothing there and is dropped.
  }];
  let dependentDialects = ["gpu::GPUDialect", "nvgpu::NVGPUDialect",
                           "NVVM::NVVMDialect", "LLVM::LLVMDialect",
                           "scf::SCFDialect", "vector::VectorDialect",
                           "memref::MemRefDialect", "arith::ArithDialect",
                           "math::MathDialect", "func::FuncDialect"];
}

def AttnCheckCudaToolkit : Pass<"attn-check-cuda-toolkit", "ModuleOp"> {
  let summary = "Fail unless the CUDA toolkit's libdevice can be found";
  let description = [{
    The NVVM target links math functions (`__nv_exp2f`, ...) from
    `libdevice.10.bc`, found through `CUDA_ROOT`, `CUDA_HOME`, `CUDA_PATH` or
    `ptxas` on `PATH`; when none of these leads to it, upstream serialization
    silently leaves `.extern .func __nv_*` declarations in the PTX. This pass
    looks for the toolkit (those variables, then `/usr/local/cuda`), fails
    with one error naming the places it looked when libdevice is missing, and
    otherwise exports `CUDA_ROOT` so that serialization finds the same one.
  }];
  let options = [
    Option<"defaultRoot", "default-root", "std::string",
           /*default=*/"\"/usr/local/cuda\"",
           "Toolkit directory tried last">,
  ];
}

def AttnVerifyGpuBinary : Pass<"attn-verify-gpu-binary", "ModuleOp"> {
  let summary = "Fail if a PTX gpu.binary still declares unresolved libdevice functions";
  let description = [{
    Runs after `gpu-module-to-binary`: every PTX object of every
    `gpu.binary` is scanned for `.extern .func __nv_` declarations (a math
    function that was not linked from libdevice) and for the entry points;
    either defect is reported as an error instead of a PTX that fails to load.
  }];
}

#endif
