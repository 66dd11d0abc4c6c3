// Causal attention is bottom-right aligned: query i sees key j iff
// j <= i + Sk - Sq. With Sq > Sk the first Sq - Sk rows see no key at all and
// must be exactly zero (never NaN); the outputs are written with --output and
// inspected with numpy.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- causal_sq_lt_sk.mlir
// Sq = 16 < Sk = 40: every row sees at least 25 keys.
// RUN: attn-run %t/causal_sq_lt_sk.mlir --function=causal_sq_lt_sk --pipeline=reference --check | FileCheck %s --check-prefix=CAUSAL_SQ_LT_SK
// RUN: attn-run %t/causal_sq_lt_sk.mlir --function=causal_sq_lt_sk --pipeline=cpu --check | FileCheck %s --check-prefix=CAUSAL_SQ_LT_SK
// CAUSAL_SQ_LT_SK: result[0]: 1x4x16x64xf32 [
// CAUSAL_SQ_LT_SK-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @causal_sq_lt_sk(%q: tensor<1x4x16x64xf32>, %k: tensor<1x4x40x64xf32>, %v: tensor<1x4x40x64xf32>)
    -> tensor<1x4x16x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x4x16x64xf32>, tensor<1x4x40x64xf32>, tensor<1x4x40x64xf32>)
       -> tensor<1x4x16x64xf32>
  return %o : tensor<1x4x16x64xf32>
}

//--- causal_sq_eq_sk.mlir
// Sq == Sk = 33: the usual lower triangle.
// RUN: attn-run %t/causal_sq_eq_sk.mlir --function=causal_sq_eq_sk --pipeline=reference --check | FileCheck %s --check-prefix=CAUSAL_SQ_EQ_SK
// RUN: attn-run %t/causal_sq_eq_sk.mlir --function=causal_sq_eq_sk --pipeline=cpu --check | FileCheck %s --check-prefix=CAUSAL_SQ_EQ_SK
// CAUSAL_SQ_EQ_SK: result[0]: 2x4x33x64xf32 [
// CAUSAL_SQ_EQ_SK-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @causal_sq_eq_sk(%q: tensor<2x4x33x64xf32>, %k: tensor<2x4x33x64xf32>, %v: tensor<2x4x33x64xf32>)
    -> tensor<2x4x33x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<2x4x33x64xf32>, tensor<2x4x33x64xf32>, tensor<2x4x33x64xf32>)
       -> tensor<2x4x33x64xf32>
  return %o : tensor<2x4x33x64xf32>
}

//--- causal_sq_gt_sk.mlir
// Sq = 40 > Sk = 16: rows 0..23 see no key.
// RUN: attn-run %t/causal_sq_gt_sk.mlir --function=causal_sq_gt_sk --pipeline=reference --check --output=@%t/causal_sq_gt_sk.reference.npy | FileCheck %s --check-prefix=CAUSAL_SQ_GT_SK
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (2, 4, 40, 64), o.shape; assert np.isfinite(o).all(), 'non-finite'; assert (o[:, :, :24] == 0).all(), 'hidden rows not zero'; assert (np.abs(o[:, :, 24:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/causal_sq_gt_sk.reference.npy
// RUN: attn-run %t/causal_sq_gt_sk.mlir --function=causal_sq_gt_sk --pipeline=cpu --check --output=@%t/causal_sq_gt_sk.cpu.npy | FileCheck %s --check-prefix=CAUSAL_SQ_GT_SK
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (2, 4, 40, 64), o.shape; assert np.isfinite(o).all(), 'non-finite'; assert (o[:, :, :24] == 0).all(), 'hidden rows not zero'; assert (np.abs(o[:, :, 24:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/causal_sq_gt_sk.cpu.npy
// CAUSAL_SQ_GT_SK: result[0]: 2x4x40x64xf32 [
// CAUSAL_SQ_GT_SK-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @causal_sq_gt_sk(%q: tensor<2x4x40x64xf32>, %k: tensor<2x4x16x64xf32>, %v: tensor<2x4x16x64xf32>)
    -> tensor<2x4x40x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<2x4x40x64xf32>, tensor<2x4x16x64xf32>, tensor<2x4x16x64xf32>)
       -> tensor<2x4x40x64xf32>
  return %o : tensor<2x4x40x64xf32>
}

//--- causal_sq_gt_sk_f16.mlir
// f16, Sq = 40 > Sk = 16, Dv = 48: rows 0..23 are zero.
// RUN: attn-run %t/causal_sq_gt_sk_f16.mlir --function=causal_sq_gt_sk_f16 --pipeline=reference --check --output=@%t/causal_sq_gt_sk_f16.reference.npy | FileCheck %s --check-prefix=CAUSAL_SQ_GT_SK_F16
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 2, 40, 48), o.shape; assert np.isfinite(o).all(), 'non-finite'; assert (o[:, :, :24] == 0).all(), 'hidden rows not zero'; assert (np.abs(o[:, :, 24:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/causal_sq_gt_sk_f16.reference.npy
// RUN: attn-run %t/causal_sq_gt_sk_f16.mlir --function=causal_sq_gt_sk_f16 --pipeline=cpu --check --output=@%t/causal_sq_gt_sk_f16.cpu.npy | FileCheck %s --check-prefix=CAUSAL_SQ_GT_SK_F16
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 2, 40, 48), o.shape; assert np.isfinite(o).all(), 'non-finite'; assert (o[:, :, :24] == 0).all(), 'hidden rows not zero'; assert (np.abs(o[:, :, 24:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/causal_sq_gt_sk_f16.cpu.npy
// CAUSAL_SQ_GT_SK_F16: result[0]: 1x2x40x48xf16 [
// CAUSAL_SQ_GT_SK_F16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @causal_sq_gt_sk_f16(%q: tensor<1x2x40x32xf16>, %k: tensor<1x2x16x32xf16>, %v: tensor<1x2x16x48xf16>)
    -> tensor<1x2x40x48xf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x2x40x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x48xf16>)
       -> tensor<1x2x40x48xf16>
  return %o : tensor<1x2x40x48xf16>
}

//--- causal_sq_gt_sk_bf16.mlir
// bf16, Sq = 21 > Sk = 5: rows 0..15 are zero.
// RUN: attn-run %t/causal_sq_gt_sk_bf16.mlir --function=causal_sq_gt_sk_bf16 --pipeline=reference --check --output=@%t/causal_sq_gt_sk_bf16.reference.npy | FileCheck %s --check-prefix=CAUSAL_SQ_GT_SK_BF16
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]).view(np.uint16).astype(np.uint32).__lshift__(16).view(np.float32); assert o.shape == (1, 2, 21, 16), o.shape; assert np.isfinite(o).all(), 'non-finite'; assert (o[:, :, :16] == 0).all(), 'hidden rows not zero'; assert (np.abs(o[:, :, 16:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/causal_sq_gt_sk_bf16.reference.npy
// RUN: attn-run %t/causal_sq_gt_sk_bf16.mlir --function=causal_sq_gt_sk_bf16 --pipeline=cpu --check --output=@%t/causal_sq_gt_sk_bf16.cpu.npy | FileCheck %s --check-prefix=CAUSAL_SQ_GT_SK_BF16
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]).view(np.uint16).astype(np.uint32).__lshift__(16).view(np.float32); assert o.shape == (1, 2, 21, 16), o.shape; assert np.isfinite(o).all(), 'non-finite'; assert (o[:, :, :16] == 0).all(), 'hidden rows not zero'; assert (np.abs(o[:, :, 16:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/causal_sq_gt_sk_bf16.cpu.npy
// CAUSAL_SQ_GT_SK_BF16: result[0]: 1x2x21x16xbf16 [
// CAUSAL_SQ_GT_SK_BF16-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @causal_sq_gt_sk_bf16(%q: tensor<1x2x21x16xbf16>, %k: tensor<1x2x5x16xbf16>, %v: tensor<1x2x5x16xbf16>)
    -> tensor<1x2x21x16xbf16> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x2x21x16xbf16>, tensor<1x2x5x16xbf16>, tensor<1x2x5x16xbf16>)
       -> tensor<1x2x21x16xbf16>
  return %o : tensor<1x2x21x16xbf16>
}

//--- causal_sq_gt_sk_dyn.mlir
// Dynamic B / Sq / Sk, GQA, bound to Sq = 30 > Sk = 7: rows 0..22 are zero.
// RUN: attn-run %t/causal_sq_gt_sk_dyn.mlir --function=causal_sq_gt_sk_dyn --pipeline=reference --check --input=1x8x30x64xf32=random:1 --input=1x2x7x64xf32=random:2 --input=1x2x7x64xf32=random:3 --output=@%t/causal_sq_gt_sk_dyn.reference.npy | FileCheck %s --check-prefix=CAUSAL_SQ_GT_SK_DYN
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 8, 30, 64), o.shape; assert np.isfinite(o).all(), 'non-finite'; assert (o[:, :, :23] == 0).all(), 'hidden rows not zero'; assert (np.abs(o[:, :, 23:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/causal_sq_gt_sk_dyn.reference.npy
// RUN: attn-run %t/causal_sq_gt_sk_dyn.mlir --function=causal_sq_gt_sk_dyn --pipeline=cpu --check --input=1x8x30x64xf32=random:1 --input=1x2x7x64xf32=random:2 --input=1x2x7x64xf32=random:3 --output=@%t/causal_sq_gt_sk_dyn.cpu.npy | FileCheck %s --check-prefix=CAUSAL_SQ_GT_SK_DYN
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); assert o.shape == (1, 8, 30, 64), o.shape; assert np.isfinite(o).all(), 'non-finite'; assert (o[:, :, :23] == 0).all(), 'hidden rows not zero'; assert (np.abs(o[:, :, 23:]).sum(-1) > 0).all(), 'visible rows are zero'" %t/causal_sq_gt_sk_dyn.cpu.npy
// CAUSAL_SQ_GT_SK_DYN: result[0]: 1x8x30x64xf32 [
// CAUSAL_SQ_GT_SK_DYN-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @causal_sq_gt_sk_dyn(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x64xf32>)
    -> tensor<?x8x?x64xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>)
       -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
