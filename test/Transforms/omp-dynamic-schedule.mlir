// RUN: attn-opt %s --pass-pipeline='builtin.module(convert-scf-to-openmp,attn-omp-dynamic-schedule)' | FileCheck %s

// attn-omp-dynamic-schedule: the worksharing loop that convert-scf-to-openmp
// makes of an scf.parallel (static by default) hands its iterations out
// dynamically; a loop that already has a schedule keeps it.

// CHECK-LABEL: func.func @tasks
// CHECK:         omp.parallel
// CHECK:           omp.wsloop schedule(dynamic) {
// CHECK-NEXT:        omp.loop_nest
func.func @tasks(%n: index, %buf: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %one, %buf[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// CHECK-LABEL: func.func @keeps_static
// CHECK:         omp.wsloop schedule(static) {
func.func @keeps_static(%n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  omp.parallel {
    omp.wsloop schedule(static) {
      omp.loop_nest (%i) : i32 = (%c0) to (%n) step (%c1) {
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
