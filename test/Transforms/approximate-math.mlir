// RUN: attn-opt %s --attn-approximate-math --mlir-print-local-scope \
// RUN:   | FileCheck %s --enable-var-scope --implicit-check-not=math.exp

// attn-approximate-math: every f32 math.exp, scalar or vector, becomes MLIR's
// polynomial approximation (Cephes): clamp x to [-87.8, 88.8], n = floor(x *
// log2(e) + 0.5) clamped to [-127, 127], a = x - n * ln(2) in two steps, e^a
// by a polynomial of math.fma, 2^n by building the exponent bits (fptosi,
// + 127, << 23, bitcast), result e^a * 2^n. No math.exp is left
// (--implicit-check-not); other math ops (math.log) are untouched.

// CHECK-LABEL: func.func @exp_scalar
// CHECK-SAME:    (%[[X:.*]]: f32) -> f32
// CHECK-DAG:     %[[C127I:.*]] = arith.constant 127 : i32
// CHECK-DAG:     %[[C23I:.*]] = arith.constant 23 : i32
// CHECK-DAG:     %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[LOG2E:.*]] = arith.constant 1.44269502 : f32
// CHECK-DAG:     %[[LN2HI:.*]] = arith.constant -0.693359375 : f32
// CHECK-DAG:     %[[LO:.*]] = arith.constant -8.780000e+01 : f32
// CHECK-DAG:     %[[HI:.*]] = arith.constant 8.880000e+01 : f32
// x clamped to [-87.8, 88.8].
// CHECK:         %[[GE:.*]] = arith.cmpf uge, %[[X]], %[[LO]] : f32
// CHECK-NEXT:    %[[X1:.*]] = arith.select %[[GE]], %[[X]], %[[LO]] : f32
// CHECK-NEXT:    %[[LE:.*]] = arith.cmpf ule, %[[X1]], %[[HI]] : f32
// CHECK-NEXT:    %[[XC:.*]] = arith.select %[[LE]], %[[X1]], %[[HI]] : f32
// n = floor(x * log2(e) + 1/2), then clamped to [-127, 127].
// CHECK-NEXT:    %[[T:.*]] = math.fma %[[XC]], %[[LOG2E]], %[[HALF]] : f32
// CHECK-NEXT:    %[[N0:.*]] = math.floor %[[T]] : f32
// CHECK-NEXT:    %[[NGE:.*]] = arith.cmpf uge, %[[N0]], %{{.*}} : f32
// CHECK-NEXT:    %[[N1:.*]] = arith.select %[[NGE]], %[[N0]], %{{.*}} : f32
// CHECK-NEXT:    %[[NLE:.*]] = arith.cmpf ule, %[[N1]], %{{.*}} : f32
// CHECK-NEXT:    %[[N:.*]] = arith.select %[[NLE]], %[[N1]], %{{.*}} : f32
// a = x - n * ln(2), split in a high and a low part.
// CHECK-NEXT:    %[[A0:.*]] = math.fma %[[LN2HI]], %[[N]], %[[XC]] : f32
// CHECK-NEXT:    %[[A:.*]] = math.fma %{{.*}}, %[[N]], %[[A0]] : f32
// e^a = 1 + a + a^2 * p(a).
// CHECK-COUNT-5: math.fma %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:    %[[A2:.*]] = arith.mulf %[[A]], %[[A]] : f32
// CHECK-NEXT:    %[[Z0:.*]] = math.fma %{{.*}}, %[[A2]], %[[A]] : f32
// CHECK-NEXT:    %[[Z:.*]] = arith.addf %[[Z0]], %[[ONE]] : f32
// 2^n from the exponent bits.
// CHECK-NEXT:    %[[NI:.*]] = arith.fptosi %[[N]] : f32 to i32
// CHECK-NEXT:    %[[EB:.*]] = arith.addi %[[NI]], %[[C127I]] : i32
// CHECK-NEXT:    %[[BITS:.*]] = arith.shli %[[EB]], %[[C23I]] : i32
// CHECK-NEXT:    %[[P2:.*]] = arith.bitcast %[[BITS]] : i32 to f32
// CHECK-NEXT:    %[[R:.*]] = arith.mulf %[[Z]], %[[P2]] : f32
// CHECK-NEXT:    return %[[R]] : f32
func.func @exp_scalar(%x: f32) -> f32 {
  %0 = math.exp %x : f32
  return %0 : f32
}

// The same on vector<8xf32>, with splat constants.
// CHECK-LABEL: func.func @exp_vector
// CHECK-SAME:    (%[[X:.*]]: vector<8xf32>) -> vector<8xf32>
// CHECK-DAG:     %[[C127I:.*]] = arith.constant dense<127> : vector<8xi32>
// CHECK-DAG:     %[[C23I:.*]] = arith.constant dense<23> : vector<8xi32>
// CHECK-DAG:     %[[LOG2E:.*]] = arith.constant dense<1.44269502> : vector<8xf32>
// CHECK-DAG:     %[[LO:.*]] = arith.constant dense<-8.780000e+01> : vector<8xf32>
// CHECK:         %[[GE:.*]] = arith.cmpf uge, %[[X]], %[[LO]] : vector<8xf32>
// CHECK-NEXT:    %[[X1:.*]] = arith.select %[[GE]], %[[X]], %[[LO]] : vector<8xi1>, vector<8xf32>
// CHECK:         %[[XC:.*]] = arith.select %{{.*}}, %[[X1]], %{{.*}} : vector<8xi1>, vector<8xf32>
// CHECK-NEXT:    %[[T:.*]] = math.fma %[[XC]], %[[LOG2E]], %{{.*}} : vector<8xf32>
// CHECK-NEXT:    math.floor %[[T]] : vector<8xf32>
// CHECK-COUNT-8: math.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:         %[[N:.*]] = arith.fptosi %{{.*}} : vector<8xf32> to vector<8xi32>
// CHECK-NEXT:    %[[EB:.*]] = arith.addi %[[N]], %[[C127I]] : vector<8xi32>
// CHECK-NEXT:    %[[BITS:.*]] = arith.shli %[[EB]], %[[C23I]] : vector<8xi32>
// CHECK-NEXT:    %[[P2:.*]] = arith.bitcast %[[BITS]] : vector<8xi32> to vector<8xf32>
// CHECK-NEXT:    %[[R:.*]] = arith.mulf %{{.*}}, %[[P2]] : vector<8xf32>
// CHECK-NEXT:    return %[[R]] : vector<8xf32>
func.func @exp_vector(%x: vector<8xf32>) -> vector<8xf32> {
  %0 = math.exp %x : vector<8xf32>
  return %0 : vector<8xf32>
}

// math.log (scalar and vector) is left alone.
// CHECK-LABEL: func.func @log_untouched
// CHECK-SAME:    (%[[X:.*]]: f32, %[[Y:.*]]: vector<8xf32>)
// CHECK-NEXT:    %[[L0:.*]] = math.log %[[X]] : f32
// CHECK-NEXT:    %[[L1:.*]] = math.log %[[Y]] : vector<8xf32>
// CHECK-NEXT:    return %[[L0]], %[[L1]] : f32, vector<8xf32>
func.func @log_untouched(%x: f32, %y: vector<8xf32>) -> (f32, vector<8xf32>) {
  %0 = math.log %x : f32
  %1 = math.log %y : vector<8xf32>
  return %0, %1 : f32, vector<8xf32>
}

// Inside loops (as in the lowered softmax), and next to a math.log that stays.
// CHECK-LABEL: func.func @exp_in_loop
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[V:.*]] = vector.load %{{.*}}[%[[I]]] : memref<64xf32>, vector<8xf32>
// CHECK:           math.floor
// CHECK:           arith.fptosi
// CHECK:           %[[E:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NEXT:      %[[L:.*]] = math.log %[[E]] : vector<8xf32>
// CHECK-NEXT:      vector.store %[[L]], %{{.*}}[%[[I]]] : memref<64xf32>, vector<8xf32>
func.func @exp_in_loop(%m: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c8 {
    %v = vector.load %m[%i] : memref<64xf32>, vector<8xf32>
    %e = math.exp %v : vector<8xf32>
    %l = math.log %e : vector<8xf32>
    vector.store %l, %m[%i] : memref<64xf32>, vector<8xf32>
  }
  return
}
