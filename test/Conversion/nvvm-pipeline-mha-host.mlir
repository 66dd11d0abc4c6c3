// REQUIRES: cuda-toolkit
// The NVVM pipeline on attn.mha: the whole layer runs on the GPU. The
// public function only calls the layer's launcher; the launcher runs the
// Q, K, V projection kernels, the attention (a device-buffer sdpa
// launcher) and the output projection; no projection is left in host code
// (no vector FMAs on the host, no OpenMP).
// RUN: attn-opt --attn-nvvm-pipeline %s | FileCheck %s

// CHECK-LABEL: llvm.func @layer(
// CHECK-SAME: attn.gpu_device_launcher = @__attn_gpu_mha_0_device
// CHECK-NOT: llvm.intr.fmuladd
// CHECK: llvm.call @__attn_gpu_mha_0(
// CHECK-NOT: llvm.intr.fmuladd
// CHECK-LABEL: llvm.func @__attn_gpu_mha_0(
// CHECK: gpu.launch_func {{.*}}@attn_kernels::@__attn_gpu_mha_0_q
// CHECK: gpu.launch_func {{.*}}@attn_kernels::@__attn_gpu_mha_0_k
// CHECK: gpu.launch_func {{.*}}@attn_kernels::@__attn_gpu_mha_0_v
// CHECK: llvm.call @mgpuStreamSynchronize
// CHECK: llvm.call @__attn_gpu_mha_0_sdpa(
// CHECK: gpu.launch_func {{.*}}@attn_kernels::@__attn_gpu_mha_0_o
// CHECK-LABEL: llvm.func @__attn_gpu_mha_0_sdpa(
// CHECK: gpu.launch_func {{.*}}@attn_kernels::@__attn_gpu_mha_0_sdpa
// CHECK-NOT: llvm.func @__attn_gpu_mha_0_sdpa_device
// CHECK-LABEL: llvm.func @__attn_gpu_mha_0_device(
// CHECK-NOT: mgpuMemcpy
// CHECK: gpu.launch_func {{.*}}@attn_kernels::@__attn_gpu_mha_0_q
// CHECK-NOT: omp.
// CHECK: gpu.binary @attn_kernels
func.func @layer(%x: tensor<2x16x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>,
                 %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x16x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual}
       : (tensor<2x16x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
          tensor<64x64xf32>) -> tensor<2x16x64xf32>
  return %y : tensor<2x16x64xf32>
}
