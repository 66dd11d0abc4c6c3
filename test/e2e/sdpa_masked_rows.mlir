// Rows in which every key is hidden (by an i1 mask, by an additive -inf
// mask, or by an i1 mask together with causal) yield zeros, never NaN. The
// masks are built with numpy; the outputs are inspected with numpy.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- row_i1_bcast.mlir
// A broadcast (1 x 1 x Sq x Sk) mask hides rows 3 and 12 completely for every b, h.
// RUN: %python -c "import numpy as np; m = np.ones((1, 1, 13, 19), bool); m[0, 0, 3, :] = False; m[0, 0, 12, :] = False; m[0, 0, 5, ::2] = False; np.save('%t/row_i1_bcast.mask.npy', m)"
// RUN: attn-run %t/row_i1_bcast.mlir --function=row_i1_bcast --pipeline=reference --check --input=2x4x13x32xf32=random:1 --input=2x4x19x32xf32=random:2 --input=2x4x19x32xf32=random:3 --input=@%t/row_i1_bcast.mask.npy --output=@%t/row_i1_bcast.reference.npy | FileCheck %s --check-prefix=ROW_I1_BCAST
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (2, 4, 13, 32), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[:, :, 3] == 0).all() and (o[:, :, 12] == 0).all(), 'masked rows not zero'; assert (np.abs(o[:, :, 5]).sum(-1) > 0).all(), 'partly masked row is zero'" %t/row_i1_bcast.reference.npy
// RUN: attn-run %t/row_i1_bcast.mlir --function=row_i1_bcast --pipeline=cpu --check --input=2x4x13x32xf32=random:1 --input=2x4x19x32xf32=random:2 --input=2x4x19x32xf32=random:3 --input=@%t/row_i1_bcast.mask.npy --output=@%t/row_i1_bcast.cpu.npy | FileCheck %s --check-prefix=ROW_I1_BCAST
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (2, 4, 13, 32), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[:, :, 3] == 0).all() and (o[:, :, 12] == 0).all(), 'masked rows not zero'; assert (np.abs(o[:, :, 5]).sum(-1) > 0).all(), 'partly masked row is zero'" %t/row_i1_bcast.cpu.npy
// ROW_I1_BCAST: result[0]: 2x4x13x32xf32 [
// ROW_I1_BCAST-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @row_i1_bcast(%q: tensor<2x4x13x32xf32>, %k: tensor<2x4x19x32xf32>, %v: tensor<2x4x19x32xf32>, %m: tensor<1x1x13x19xi1>)
    -> tensor<2x4x13x32xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x13x32xf32>, tensor<2x4x19x32xf32>, tensor<2x4x19x32xf32>, tensor<1x1x13x19xi1>)
       -> tensor<2x4x13x32xf32>
  return %o : tensor<2x4x13x32xf32>
}

//--- row_i1_bh.mlir
// A per-(b, h) mask hides row 7 of (b=1, h=2) and row 0 of (b=0, h=3) only.
// RUN: %python -c "import numpy as np; m = np.ones((2, 4, 13, 19), bool); m[1, 2, 7, :] = False; m[0, 3, 0, :] = False; np.save('%t/row_i1_bh.mask.npy', m)"
// RUN: attn-run %t/row_i1_bh.mlir --function=row_i1_bh --pipeline=reference --check --input=2x4x13x32xf32=random:1 --input=2x4x19x32xf32=random:2 --input=2x4x19x48xf32=random:3 --input=@%t/row_i1_bh.mask.npy --output=@%t/row_i1_bh.reference.npy | FileCheck %s --check-prefix=ROW_I1_BH
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (2, 4, 13, 48), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[1, 2, 7] == 0).all() and (o[0, 3, 0] == 0).all(), 'masked rows not zero'; assert (np.abs(o).sum(-1) > 0).sum() == 2 * 4 * 13 - 2, 'wrong number of zero rows'" %t/row_i1_bh.reference.npy
// RUN: attn-run %t/row_i1_bh.mlir --function=row_i1_bh --pipeline=cpu --check --input=2x4x13x32xf32=random:1 --input=2x4x19x32xf32=random:2 --input=2x4x19x48xf32=random:3 --input=@%t/row_i1_bh.mask.npy --output=@%t/row_i1_bh.cpu.npy | FileCheck %s --check-prefix=ROW_I1_BH
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (2, 4, 13, 48), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[1, 2, 7] == 0).all() and (o[0, 3, 0] == 0).all(), 'masked rows not zero'; assert (np.abs(o).sum(-1) > 0).sum() == 2 * 4 * 13 - 2, 'wrong number of zero rows'" %t/row_i1_bh.cpu.npy
// ROW_I1_BH: result[0]: 2x4x13x48xf32 [
// ROW_I1_BH-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @row_i1_bh(%q: tensor<2x4x13x32xf32>, %k: tensor<2x4x19x32xf32>, %v: tensor<2x4x19x48xf32>, %m: tensor<2x4x13x19xi1>)
    -> tensor<2x4x13x48xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<2x4x13x32xf32>, tensor<2x4x19x32xf32>, tensor<2x4x19x48xf32>, tensor<2x4x13x19xi1>)
       -> tensor<2x4x13x48xf32>
  return %o : tensor<2x4x13x48xf32>
}

//--- row_i1_f16.mlir
// f16 with a fully masked row 4.
// RUN: %python -c "import numpy as np; m = np.ones((1, 2, 9, 11), bool); m[0, :, 4, :] = False; np.save('%t/row_i1_f16.mask.npy', m)"
// RUN: attn-run %t/row_i1_f16.mlir --function=row_i1_f16 --pipeline=reference --check --input=1x2x9x64xf16=random:1 --input=1x2x11x64xf16=random:2 --input=1x2x11x64xf16=random:3 --input=@%t/row_i1_f16.mask.npy --output=@%t/row_i1_f16.reference.npy | FileCheck %s --check-prefix=ROW_I1_F16
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 2, 9, 64), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[0, :, 4] == 0).all(), 'masked row not zero'" %t/row_i1_f16.reference.npy
// RUN: attn-run %t/row_i1_f16.mlir --function=row_i1_f16 --pipeline=cpu --check --input=1x2x9x64xf16=random:1 --input=1x2x11x64xf16=random:2 --input=1x2x11x64xf16=random:3 --input=@%t/row_i1_f16.mask.npy --output=@%t/row_i1_f16.cpu.npy | FileCheck %s --check-prefix=ROW_I1_F16
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 2, 9, 64), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[0, :, 4] == 0).all(), 'masked row not zero'" %t/row_i1_f16.cpu.npy
// ROW_I1_F16: result[0]: 1x2x9x64xf16 [
// ROW_I1_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @row_i1_f16(%q: tensor<1x2x9x64xf16>, %k: tensor<1x2x11x64xf16>, %v: tensor<1x2x11x64xf16>, %m: tensor<1x2x9x11xi1>)
    -> tensor<1x2x9x64xf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x2x9x64xf16>, tensor<1x2x11x64xf16>, tensor<1x2x11x64xf16>, tensor<1x2x9x11xi1>)
       -> tensor<1x2x9x64xf16>
  return %o : tensor<1x2x9x64xf16>
}

//--- row_i1_bf16_gqa.mlir
// bf16 GQA with a fully masked row 8 of head 5.
// RUN: %python -c "import numpy as np; m = np.ones((1, 8, 9, 11), bool); m[0, 5, 8, :] = False; np.save('%t/row_i1_bf16_gqa.mask.npy', m)"
// RUN: attn-run %t/row_i1_bf16_gqa.mlir --function=row_i1_bf16_gqa --pipeline=reference --check --input=1x8x9x64xbf16=random:1 --input=1x2x11x64xbf16=random:2 --input=1x2x11x64xbf16=random:3 --input=@%t/row_i1_bf16_gqa.mask.npy --output=@%t/row_i1_bf16_gqa.reference.npy | FileCheck %s --check-prefix=ROW_I1_BF16_GQA
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]).view(np.uint16).astype(np.uint32).__lshift__(16).view(np.float32); assert o.shape == (1, 8, 9, 64), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[0, 5, 8] == 0).all(), 'masked row not zero'" %t/row_i1_bf16_gqa.reference.npy
// RUN: attn-run %t/row_i1_bf16_gqa.mlir --function=row_i1_bf16_gqa --pipeline=cpu --check --input=1x8x9x64xbf16=random:1 --input=1x2x11x64xbf16=random:2 --input=1x2x11x64xbf16=random:3 --input=@%t/row_i1_bf16_gqa.mask.npy --output=@%t/row_i1_bf16_gqa.cpu.npy | FileCheck %s --check-prefix=ROW_I1_BF16_GQA
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]).view(np.uint16).astype(np.uint32).__lshift__(16).view(np.float32); assert o.shape == (1, 8, 9, 64), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[0, 5, 8] == 0).all(), 'masked row not zero'" %t/row_i1_bf16_gqa.cpu.npy
// ROW_I1_BF16_GQA: result[0]: 1x8x9x64xbf16 [
// ROW_I1_BF16_GQA-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @row_i1_bf16_gqa(%q: tensor<1x8x9x64xbf16>, %k: tensor<1x2x11x64xbf16>, %v: tensor<1x2x11x64xbf16>, %m: tensor<1x8x9x11xi1>)
    -> tensor<1x8x9x64xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x8x9x64xbf16>, tensor<1x2x11x64xbf16>, tensor<1x2x11x64xbf16>, tensor<1x8x9x11xi1>)
       -> tensor<1x8x9x64xbf16>
  return %o : tensor<1x8x9x64xbf16>
}

//--- row_i1_causal.mlir
// Causal (Sq = 6, Sk = 10) lets row 2 see keys 0..6; the mask hides exactly
// those, so row 2 sees nothing.
// RUN: %python -c "import numpy as np; m = np.ones((1, 1, 6, 10), bool); m[0, 0, 2, :7] = False; np.save('%t/row_i1_causal.mask.npy', m)"
// RUN: attn-run %t/row_i1_causal.mlir --function=row_i1_causal --pipeline=reference --check --input=1x2x6x16xf32=random:1 --input=1x2x10x16xf32=random:2 --input=1x2x10x16xf32=random:3 --input=@%t/row_i1_causal.mask.npy --output=@%t/row_i1_causal.reference.npy | FileCheck %s --check-prefix=ROW_I1_CAUSAL
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 2, 6, 16), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[:, :, 2] == 0).all(), 'row 2 not zero'; assert (np.abs(o).sum(-1) > 0).sum() == 2 * 6 - 2, 'wrong number of zero rows'" %t/row_i1_causal.reference.npy
// RUN: attn-run %t/row_i1_causal.mlir --function=row_i1_causal --pipeline=cpu --check --input=1x2x6x16xf32=random:1 --input=1x2x10x16xf32=random:2 --input=1x2x10x16xf32=random:3 --input=@%t/row_i1_causal.mask.npy --output=@%t/row_i1_causal.cpu.npy | FileCheck %s --check-prefix=ROW_I1_CAUSAL
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 2, 6, 16), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[:, :, 2] == 0).all(), 'row 2 not zero'; assert (np.abs(o).sum(-1) > 0).sum() == 2 * 6 - 2, 'wrong number of zero rows'" %t/row_i1_causal.cpu.npy
// ROW_I1_CAUSAL: result[0]: 1x2x6x16xf32 [
// ROW_I1_CAUSAL-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @row_i1_causal(%q: tensor<1x2x6x16xf32>, %k: tensor<1x2x10x16xf32>, %v: tensor<1x2x10x16xf32>, %m: tensor<1x1x6x10xi1>)
    -> tensor<1x2x6x16xf32> {
  %o = attn.sdpa %q, %k, %v mask %m {causal}
       : (tensor<1x2x6x16xf32>, tensor<1x2x10x16xf32>, tensor<1x2x10x16xf32>, tensor<1x1x6x10xi1>)
       -> tensor<1x2x6x16xf32>
  return %o : tensor<1x2x6x16xf32>
}

//--- row_ninf.mlir
// An additive f32 mask of -inf over all of row 0 (and one entry of row 2).
// RUN: %python -c "import numpy as np; m = np.zeros((1, 1, 5, 7), np.float32); m[0, 0, 0, :] = -np.inf; m[0, 0, 2, 3] = -np.inf; np.save('%t/row_ninf.mask.npy', m)"
// RUN: attn-run %t/row_ninf.mlir --function=row_ninf --pipeline=reference --check --input=1x2x5x16xf32=random:1 --input=1x2x7x16xf32=random:2 --input=1x2x7x16xf32=random:3 --input=@%t/row_ninf.mask.npy --output=@%t/row_ninf.reference.npy | FileCheck %s --check-prefix=ROW_NINF
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 2, 5, 16), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[:, :, 0] == 0).all(), 'row 0 not zero'; assert np.isfinite(o).all(), 'inf'; assert (np.abs(o[:, :, 1:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/row_ninf.reference.npy
// RUN: attn-run %t/row_ninf.mlir --function=row_ninf --pipeline=cpu --check --input=1x2x5x16xf32=random:1 --input=1x2x7x16xf32=random:2 --input=1x2x7x16xf32=random:3 --input=@%t/row_ninf.mask.npy --output=@%t/row_ninf.cpu.npy | FileCheck %s --check-prefix=ROW_NINF
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 2, 5, 16), o.shape; assert not np.isnan(o).any(), 'NaN'; assert (o[:, :, 0] == 0).all(), 'row 0 not zero'; assert np.isfinite(o).all(), 'inf'; assert (np.abs(o[:, :, 1:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/row_ninf.cpu.npy
// ROW_NINF: result[0]: 1x2x5x16xf32 [
// ROW_NINF-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @row_ninf(%q: tensor<1x2x5x16xf32>, %k: tensor<1x2x7x16xf32>, %v: tensor<1x2x7x16xf32>, %m: tensor<1x1x5x7xf32>)
    -> tensor<1x2x5x16xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<1x2x5x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>, tensor<1x1x5x7xf32>)
       -> tensor<1x2x5x16xf32>
  return %o : tensor<1x2x5x16xf32>
}
