// REQUIRES: cuda-toolkit
// The NVVM pipeline on attn.mha: the attention goes to the GPU, the
// projections stay in the host function as the cpu pipeline's vectorized
// GEMM kernels (vector<8xf32> fused multiply-adds, run sequentially: no
// OpenMP in a --target=nvptx library), not scalar loops.
// RUN: attn-opt --attn-nvvm-pipeline %s | FileCheck %s

// CHECK-LABEL: llvm.func @layer(
// CHECK: llvm.intr.fmuladd({{.*}}) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK: llvm.call @__attn_gpu_sdpa_0(
// CHECK: llvm.intr.fmuladd({{.*}}) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NOT: omp.
// CHECK: llvm.func @__attn_gpu_sdpa_0(
// CHECK: gpu.launch_func
// CHECK: gpu.binary @attn_kernels
func.func @layer(%x: tensor<2x16x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>,
                 %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x16x64xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual}
       : (tensor<2x16x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
          tensor<64x64xf32>) -> tensor<2x16x64xf32>
  return %y : tensor<2x16x64xf32>
}
