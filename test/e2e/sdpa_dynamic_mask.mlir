// attn.sdpa with dynamic mask dimensions.
// Dynamic dimensions bound at run time with --input=SHAPE=random.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- dyn_mask_i1.mlir
// Dynamic i1 mask, bound as B x 1 x Sq x Sk.
// RUN: attn-run %t/dyn_mask_i1.mlir --function=dyn_mask_i1 --pipeline=reference --check --input=2x4x37x64xf32=random:1 --input=2x4x53x64xf32=random:2 --input=2x4x53x64xf32=random:3 --input=2x1x37x53xi1=random:4 | FileCheck %s --check-prefix=DYN_MASK_I1
// RUN: attn-run %t/dyn_mask_i1.mlir --function=dyn_mask_i1 --pipeline=cpu --check --input=2x4x37x64xf32=random:1 --input=2x4x53x64xf32=random:2 --input=2x4x53x64xf32=random:3 --input=2x1x37x53xi1=random:4 | FileCheck %s --check-prefix=DYN_MASK_I1
// DYN_MASK_I1: result[0]: 2x4x37x64xf32 [
// DYN_MASK_I1-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_mask_i1(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>, %v: tensor<?x?x?x64xf32>, %m: tensor<?x1x?x?xi1>)
    -> tensor<?x?x?x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x1x?x?xi1>)
       -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

//--- dyn_mask_bcast.mlir
// Fully dynamic f32 mask bound as 1 x 1 x Sq x Sk (broadcast).
// RUN: attn-run %t/dyn_mask_bcast.mlir --function=dyn_mask_bcast --pipeline=reference --check --input=2x4x37x64xf32=random:1 --input=2x4x53x64xf32=random:2 --input=2x4x53x64xf32=random:3 --input=1x1x37x53xf32=random:4 | FileCheck %s --check-prefix=DYN_MASK_BCAST
// RUN: attn-run %t/dyn_mask_bcast.mlir --function=dyn_mask_bcast --pipeline=cpu --check --input=2x4x37x64xf32=random:1 --input=2x4x53x64xf32=random:2 --input=2x4x53x64xf32=random:3 --input=1x1x37x53xf32=random:4 | FileCheck %s --check-prefix=DYN_MASK_BCAST
// DYN_MASK_BCAST: result[0]: 2x4x37x64xf32 [
// DYN_MASK_BCAST-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_mask_bcast(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>, %v: tensor<?x?x?x64xf32>, %m: tensor<?x?x?x?xf32>)
    -> tensor<?x?x?x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x?xf32>)
       -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

//--- dyn_mask_bh.mlir
// Fully dynamic i1 mask bound as B x H x Sq x Sk.
// RUN: attn-run %t/dyn_mask_bh.mlir --function=dyn_mask_bh --pipeline=reference --check --input=2x4x37x64xf32=random:1 --input=2x4x53x64xf32=random:2 --input=2x4x53x64xf32=random:3 --input=2x4x37x53xi1=random:4 | FileCheck %s --check-prefix=DYN_MASK_BH
// RUN: attn-run %t/dyn_mask_bh.mlir --function=dyn_mask_bh --pipeline=cpu --check --input=2x4x37x64xf32=random:1 --input=2x4x53x64xf32=random:2 --input=2x4x53x64xf32=random:3 --input=2x4x37x53xi1=random:4 | FileCheck %s --check-prefix=DYN_MASK_BH
// DYN_MASK_BH: result[0]: 2x4x37x64xf32 [
// DYN_MASK_BH-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @dyn_mask_bh(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>, %v: tensor<?x?x?x64xf32>, %m: tensor<?x?x?x?xi1>)
    -> tensor<?x?x?x64xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x?xi1>)
       -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}
