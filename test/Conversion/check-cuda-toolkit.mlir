// The toolkit is found through CUDA_ROOT (and exported for serialization);
// with no variable, no ptxas on PATH and a default that does not exist the
// pass fails with one error naming where it looked.
// REQUIRES: cuda-toolkit
// RUN: env CUDA_ROOT=%cuda_root attn-opt %s --attn-check-cuda-toolkit | FileCheck %s
// RUN: env -u CUDA_ROOT -u CUDA_HOME -u CUDA_PATH PATH=/usr/bin:/bin \
// RUN:   %expect_exit 2 attn-opt %s --attn-check-cuda-toolkit=default-root=%t.nonexistent 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSING

// CHECK: module
// MISSING: attn-opt: error: {{.*}}CUDA libdevice not found (looked for {{.*}}nonexistent/nvvm/libdevice/libdevice.10.bc); install the CUDA toolkit or set CUDA_ROOT
module {}
