// The gpu.launch form: host code built by gpu-kernel-outlining and gpu-async-region.
// ABI-PIPELINE: gpu-kernel-outlining,func.func(gpu-async-region)
module attributes {gpu.container_module} {
  func.func @host(%h: memref<256xf32>, %h2: memref<256xf32>) {
    %c1 = arith.constant 1 : index
    %c256 = arith.constant 256 : index
    %f = arith.constant 1.0 : f32
    %i = arith.constant 7 : i32
    %t0 = gpu.wait async
    %d, %t1 = gpu.alloc async [%t0] () : memref<256xf32>
    %di, %t1b = gpu.alloc async [%t1] () : memref<256xi32>
    %dh, %t1c = gpu.alloc async [%t1b] () : memref<256xf16>
    %t2 = gpu.memcpy async [%t1c] %d, %h : memref<256xf32>, memref<256xf32>
    %t3 = gpu.memset async [%t2] %di, %i : memref<256xi32>, i32
    %hf = arith.constant 1.0 : f16
    %t3b = gpu.memset async [%t3] %dh, %hf : memref<256xf16>, f16
    gpu.wait [%t3b]
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1) {
      %v = memref.load %d[%tx] : memref<256xf32>
      %e = math.exp %v : f32
      memref.store %e, %d[%tx] : memref<256xf32>
      gpu.terminator
    }
    %t4 = gpu.wait async
    %t5 = gpu.memcpy async [%t4] %h2, %d : memref<256xf32>, memref<256xf32>
    %t6 = gpu.dealloc async [%t5] %d : memref<256xf32>
    %t7 = gpu.dealloc async [%t6] %di : memref<256xi32>
    %t8 = gpu.dealloc async [%t7] %dh : memref<256xf16>
    gpu.wait [%t8]
    return
  }
}
