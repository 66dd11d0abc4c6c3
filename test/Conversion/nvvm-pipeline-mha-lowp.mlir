// REQUIRES: cuda-toolkit
// An f16 attn.mha under the NVVM pipeline. By default Q, K, V and the head
// outputs are f32 (the cpu pipeline's precision): the Q/K/V projections run
// on tensor cores, the attention on the f32 SIMT kernel (no mma.sync).
// With mha-lowp-intermediates they stay f16 and the attention runs on the
// tensor-core flash kernel too.
// RUN: attn-opt --attn-nvvm-pipeline %s | FileCheck %s --check-prefix=F32
// RUN: attn-opt --attn-nvvm-pipeline=mha-lowp-intermediates=true %s | FileCheck %s --check-prefix=LOWP

// F32: gpu.binary @attn_kernels
// F32-SAME: .entry __attn_gpu_mha_0_q(
// F32-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// F32-SAME: .entry __attn_gpu_mha_0_sdpa(
// F32-NOT: mma.sync
// F32-SAME: .entry __attn_gpu_mha_0_sdpa_split(

// LOWP: gpu.binary @attn_kernels
// LOWP-SAME: .entry __attn_gpu_mha_0_o(
// LOWP-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// LOWP-SAME: .entry __attn_gpu_mha_0_sdpa(
// LOWP-SAME: ldmatrix.sync.aligned
// LOWP-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// LOWP-SAME: .entry __attn_gpu_mha_0_sdpa_split(
func.func @layer(%x: tensor<2x128x256xf16>, %wq: tensor<256x256xf16>, %wk: tensor<256x256xf16>,
                 %wv: tensor<256x256xf16>, %wo: tensor<256x256xf16>) -> tensor<2x128x256xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 4 : i64, residual}
       : (tensor<2x128x256xf16>, tensor<256x256xf16>, tensor<256x256xf16>, tensor<256x256xf16>,
          tensor<256x256xf16>) -> tensor<2x128x256xf16>
  return %y : tensor<2x128x256xf16>
}
