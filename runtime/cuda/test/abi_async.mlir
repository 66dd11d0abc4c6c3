// Explicit async tokens, events between streams, a cluster launch with 64 KiB of
// dynamic shared memory, gpu.set_default_device, gpu.host_register, and a
// wait on a token from outside (an event: mgpuEventSynchronize).
// ABI-PIPELINE:
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%p: memref<256xf32>) kernel {
      %tx = gpu.thread_id x
      %v = memref.load %p[%tx] : memref<256xf32>
      %e = math.exp %v : f32
      memref.store %e, %p[%tx] : memref<256xf32>
      gpu.return
    }
  }
  func.func @host(%h: memref<256xf32>, %u: memref<*xf32>) {
    %c0 = arith.constant 0 : i32
    gpu.set_default_device %c0
    gpu.host_register %u : memref<*xf32>
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c256 = arith.constant 256 : index
    %sm = arith.constant 65536 : i32
    %a0 = gpu.wait async
    %b0 = gpu.wait async
    %d, %t1 = gpu.alloc async [%a0] () : memref<256xf32>
    %e, %t2 = gpu.alloc async [%b0] () : memref<256xf32>
    %t3 = gpu.wait async [%t1, %t2]
    %t4 = gpu.launch_func async [%t3] @kernels::@k clusters in (%c2, %c1, %c1) blocks in (%c2, %c1, %c1) threads in (%c256, %c1, %c1) dynamic_shared_memory_size %sm args(%d : memref<256xf32>)
    %t5 = gpu.launch_func async [%t4] @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c256, %c1, %c1) args(%e : memref<256xf32>)
    gpu.wait [%t5]
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c256, %c1, %c1) args(%e : memref<256xf32>)
    gpu.host_unregister %u : memref<*xf32>
    return
  }
  func.func @wait_on(%tok: !gpu.async.token) {
    gpu.wait [%tok]
    return
  }
}
