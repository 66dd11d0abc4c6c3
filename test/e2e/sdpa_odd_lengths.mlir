// attn.sdpa (f32) with sequence lengths that are not multiples of any tile
// size, and a degenerate 1 x 1 problem; both pipelines against the oracle.
// Each function lives in its own split-file part, so that every attn-run
// call JIT-compiles only the function it runs.
//
// RUN: rm -rf %t && split-file %s %t

//--- odd_37x53.mlir
// Sq = 37, Sk = 53.
// RUN: attn-run %t/odd_37x53.mlir --function=odd_37x53 --pipeline=reference --check | FileCheck %s --check-prefix=ODD_37X53
// RUN: attn-run %t/odd_37x53.mlir --function=odd_37x53 --pipeline=cpu --check | FileCheck %s --check-prefix=ODD_37X53
// ODD_37X53: result[0]: 1x4x37x64xf32 [
// ODD_37X53-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @odd_37x53(%q: tensor<1x4x37x64xf32>, %k: tensor<1x4x53x64xf32>, %v: tensor<1x4x53x64xf32>)
    -> tensor<1x4x37x64xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x4x37x64xf32>, tensor<1x4x53x64xf32>, tensor<1x4x53x64xf32>)
       -> tensor<1x4x37x64xf32>
  return %o : tensor<1x4x37x64xf32>
}

//--- one_query_row.mlir
// One query row against 37 keys, Dv = 48, batch 2.
// RUN: attn-run %t/one_query_row.mlir --function=one_query_row --pipeline=reference --check | FileCheck %s --check-prefix=ONE_QUERY_ROW
// RUN: attn-run %t/one_query_row.mlir --function=one_query_row --pipeline=cpu --check | FileCheck %s --check-prefix=ONE_QUERY_ROW
// ONE_QUERY_ROW: result[0]: 2x3x1x48xf32 [
// ONE_QUERY_ROW-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @one_query_row(%q: tensor<2x3x1x64xf32>, %k: tensor<2x3x37x64xf32>, %v: tensor<2x3x37x48xf32>)
    -> tensor<2x3x1x48xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<2x3x1x64xf32>, tensor<2x3x37x64xf32>, tensor<2x3x37x48xf32>)
       -> tensor<2x3x1x48xf32>
  return %o : tensor<2x3x1x48xf32>
}

//--- single.mlir
// Degenerate 1x1 attention: the output is v itself.
// RUN: attn-run %t/single.mlir --function=single --pipeline=reference --check | FileCheck %s --check-prefix=SINGLE
// RUN: attn-run %t/single.mlir --function=single --pipeline=cpu --check | FileCheck %s --check-prefix=SINGLE
// SINGLE: result[0]: 1x1x1x16xf32 [
// SINGLE-NEXT: max_abs_err={{.*}} max_rel_err={{.*}} check=pass
func.func @single(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x1x16xf32>, %v: tensor<1x1x1x16xf32>)
    -> tensor<1x1x1x16xf32> {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32>)
       -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}
