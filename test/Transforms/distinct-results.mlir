// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-distinct-results))' | FileCheck %s
// RUN: attn-opt %s --pass-pipeline='builtin.module(func.func(attn-distinct-results),buffer-results-to-out-params{hoist-static-allocs=true hoist-dynamic-allocs=true modify-public-functions=true})' | FileCheck %s --check-prefix=OUT

// attn-distinct-results: a memref returned more than once gets, for each
// repeat, a fresh allocation (same sizes, 64-byte aligned) with a copy of it;
// the first occurrence and every other result are left as they are. Then
// buffer-results-to-out-params can hoist each allocation into its own
// out-parameter.

// CHECK-LABEL: func.func @twice_dynamic
// CHECK-SAME:    (%[[N:.*]]: index, %[[ARG:.*]]: memref<?x4xf32>)
// CHECK:         %[[A:.*]] = memref.alloc(%[[N]]) : memref<?x4xf32>
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[D0:.*]] = memref.dim %[[A]], %[[C0]] : memref<?x4xf32>
// CHECK-NEXT:    %[[B:.*]] = memref.alloc(%[[D0]]) {alignment = 64 : i64} : memref<?x4xf32>
// CHECK-NEXT:    memref.copy %[[A]], %[[B]] : memref<?x4xf32> to memref<?x4xf32>
// CHECK:         %[[D1:.*]] = memref.dim %[[A]], %{{.*}} : memref<?x4xf32>
// CHECK-NEXT:    %[[C:.*]] = memref.alloc(%[[D1]]) {alignment = 64 : i64} : memref<?x4xf32>
// CHECK-NEXT:    memref.copy %[[A]], %[[C]] : memref<?x4xf32> to memref<?x4xf32>
// CHECK-NEXT:    return %[[A]], %[[B]], %[[ARG]], %[[C]] :
//
// Each allocation becomes its out-parameter; the repeats are copies of the
// first one's, the argument is copied in.
// OUT-LABEL: func.func @twice_dynamic
// OUT-SAME:    (%[[N:.*]]: index, %[[ARG:[^:]*]]: memref<?x4xf32>, %[[O0:[^:]*]]: memref<?x4xf32>, %[[O1:[^:]*]]: memref<?x4xf32>, %[[O2:[^:]*]]: memref<?x4xf32>, %[[O3:[^:]*]]: memref<?x4xf32>)
// OUT-NOT:     memref.alloc
// OUT:         linalg.fill ins(%{{.*}} : f32) outs(%[[O0]] : memref<?x4xf32>)
// OUT:         memref.copy %[[O0]], %[[O1]]
// OUT:         memref.copy %[[O0]], %[[O3]]
// OUT:         memref.copy %[[ARG]], %[[O2]]
// OUT-NEXT:    return
func.func @twice_dynamic(%n: index, %arg: memref<?x4xf32>)
    -> (memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>) {
  %a = memref.alloc(%n) : memref<?x4xf32>
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%a : memref<?x4xf32>)
  return %a, %a, %arg, %a
      : memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>
}

// Distinct results (and non-memref ones) are left alone.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT:     memref.copy
// CHECK:         return %{{.*}}, %{{.*}}, %{{.*}} : memref<8xf32>, memref<8xf32>, index
func.func @distinct(%n: index) -> (memref<8xf32>, memref<8xf32>, index) {
  %a = memref.alloc() : memref<8xf32>
  %b = memref.alloc() : memref<8xf32>
  return %a, %b, %n : memref<8xf32>, memref<8xf32>, index
}
