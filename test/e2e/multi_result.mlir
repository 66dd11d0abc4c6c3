// A function returning the same attention result twice and an argument:
// attn-run must copy every result before freeing the buffer they share
// (outputs large enough to be unmapped when freed).
// RUN: attn-run %s --pipeline=cpu --check --input=1x2x300x64xf32=random:1 --input=1x1x300x64xf32=random:2 --input=1x1x300x64xf32=random:3 | FileCheck %s
// RUN: attn-run %s --pipeline=reference --check --input=1x2x300x64xf32=random:1 --input=1x1x300x64xf32=random:2 --input=1x1x300x64xf32=random:3 | FileCheck %s
// CHECK: result[0]: 1x2x300x64xf32 [[FIRST:\[.*\]]]
// CHECK: result[1]: 1x2x300x64xf32 [[FIRST]]
// CHECK: result[2]: 1x2x300x64xf32
// CHECK: check=pass
func.func @main(%q: tensor<1x2x?x64xf32>, %k: tensor<1x1x?x64xf32>,
                %v: tensor<1x1x?x64xf32>)
    -> (tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>) {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x2x?x64xf32>, tensor<1x1x?x64xf32>, tensor<1x1x?x64xf32>)
       -> tensor<1x2x?x64xf32>
  return %o, %o, %q : tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>
}
