//===- EmulatedDriver.cpp - The CUDA driver API over the PTX emulator -----===//
//
// libattn_cuda_emulator.so: the driver entry points libattn_cuda_runtime
// uses (ATTN_CUDA_SYMBOLS in CudaRuntime.cpp), implemented on the CPU so
// that attn-compile --target=nvptx artefacts run where there is no GPU:
//
//   ATTN_CUDA_DRIVER_LIBRARY=<build>/lib/libattn_cuda_emulator.so ./app
//
// One emulated device. Device memory is host memory (cuMemAlloc is an
// aligned malloc, so device pointers are host pointers); copies are memcpy;
// streams and events exist but every operation completes when it is issued.
// Modules are PTX text, parsed by the emulator; cuLaunchKernel interprets
// the kernel (PtxEmulator.h), checking every global access against the
// allocations. A fault makes the launch fail with CUDA_ERROR_LAUNCH_FAILED
// (CUDA_ERROR_ILLEGAL_ADDRESS for memory faults), and the context stays
// failed, as on a GPU; cuGetErrorString then describes the fault, which is
// how its message reaches attnCudaLastError(). ATTN_CUDA_EMULATOR_TRACE=1
// prints each launch to stderr; ATTN_CUDA_EMULATOR_PROFILE=1 what it
// executed (instruction counts per CTA, shared-memory bank conflicts).
//
//===----------------------------------------------------------------------===//
#include "PtxEmulator.h"

#include <cuda.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#define EMU_API extern "C" __attribute__((visibility("default")))

namespace {

using attn::ptxemu::Program;

// The largest dynamic + static shared memory per block an H100 allows.
/// As an H100 SXM, so that launch heuristics plan as they would there.
constexpr int kMultiprocessors = 132;
constexpr int kMaxSharedOptin = 227 * 1024;
constexpr int kDefaultSharedLimit = 48 * 1024;

struct EmuModule {
  Program *program = nullptr;
};

struct EmuFunction {
  EmuModule *module;
  std::string name;
  int maxDynamicShared = kDefaultSharedLimit;
};

struct State {
  std::mutex mutex;
  bool initialized = false;
  CUresult sticky = CUDA_SUCCESS; // a launch faulted: the context is lost
  std::string detail;             // the fault, for cuGetErrorString
  std::map<uint64_t, size_t> allocations; // device and registered host memory
  std::map<uint64_t, size_t> registered;
  CUcontext current = nullptr;
  bool trace = false;
  bool profile = false;
};

State &state() {
  static State *s = [] {
    auto *st = new State();
    const char *t = std::getenv("ATTN_CUDA_EMULATOR_TRACE");
    st->trace = t && *t && std::strcmp(t, "0") != 0;
    const char *p = std::getenv("ATTN_CUDA_EMULATOR_PROFILE");
    st->profile = p && *p && std::strcmp(p, "0") != 0;
    return st;
  }();
  return *s;
}

// The primary context: any non-null handle.
CUcontext primaryContext() {
  static int token;
  return reinterpret_cast<CUcontext>(&token);
}

bool inside(const std::map<uint64_t, size_t> &m, uint64_t a, uint64_t n) {
  auto it = m.upper_bound(a);
  if (it == m.begin())
    return false;
  --it;
  return a >= it->first && a - it->first <= it->second &&
         n <= it->second - (a - it->first);
}

// Whether [a, a + n) is device memory or registered host memory.
bool accessible(uint64_t a, uint64_t n) {
  State &s = state();
  return inside(s.allocations, a, n) || inside(s.registered, a, n);
}

double pct(uint64_t waves, uint64_t ideal) {
  return ideal ? 100.0 * (static_cast<double>(waves) - ideal) / ideal : 0.0;
}

// ATTN_CUDA_EMULATOR_PROFILE=1: what each launch executed, per CTA.
void printProfile(const std::string &name,
                  const attn::ptxemu::LaunchConfig &cfg,
                  const attn::ptxemu::LaunchStats &st) {
  double c = st.ctas ? static_cast<double>(st.ctas) : 1.0;
  auto per = [&](uint64_t v) { return static_cast<double>(v) / c; };
  std::fprintf(
      stderr,
      "attn-cuda-emulator profile: %s grid %ux%ux%u block %ux%ux%u smem %zu: "
      "per CTA %.0f warp instructions, mma.sync %.0f, ldmatrix %.0f, "
      "cp.async %.0f, shfl %.0f, ex2 %.0f, bar %.0f, branches %.0f, "
      "ld/st.global %.0f/%.0f, ld/st.shared %.0f/%.0f; "
      "other %.2f per mma.sync; shared bank conflicts (extra wavefronts): "
      "ldmatrix %.1f%%, cp.async %.1f%%, ld/st.shared %.1f%%\n",
      name.c_str(), cfg.grid[0], cfg.grid[1], cfg.grid[2], cfg.block[0],
      cfg.block[1], cfg.block[2], cfg.dynamicShared, per(st.warpInstructions),
      per(st.mma), per(st.ldmatrix), per(st.cpAsync), per(st.shfl),
      per(st.ex2), per(st.barriers), per(st.branches), per(st.globalLoads),
      per(st.globalStores), per(st.sharedLoads), per(st.sharedStores),
      st.mma ? static_cast<double>(st.warpInstructions - st.mma) / st.mma
             : 0.0,
      pct(st.ldmatrixWaves, st.ldmatrixIdeal),
      pct(st.cpAsyncWaves, st.cpAsyncIdeal), pct(st.sharedWaves, st.sharedIdeal));
}

CUresult ready() {
  State &s = state();
  if (!s.initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  return s.sticky;
}

} // namespace

EMU_API CUresult cuInit(unsigned flags) {
  if (flags != 0)
    return CUDA_ERROR_INVALID_VALUE;
  state().initialized = true;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuGetErrorName(CUresult r, const char **out) {
  if (!out)
    return CUDA_ERROR_INVALID_VALUE;
  switch (r) {
  case CUDA_SUCCESS: *out = "CUDA_SUCCESS"; break;
  case CUDA_ERROR_INVALID_VALUE: *out = "CUDA_ERROR_INVALID_VALUE"; break;
  case CUDA_ERROR_OUT_OF_MEMORY: *out = "CUDA_ERROR_OUT_OF_MEMORY"; break;
  case CUDA_ERROR_NOT_INITIALIZED: *out = "CUDA_ERROR_NOT_INITIALIZED"; break;
  case CUDA_ERROR_INVALID_IMAGE: *out = "CUDA_ERROR_INVALID_IMAGE"; break;
  case CUDA_ERROR_INVALID_PTX: *out = "CUDA_ERROR_INVALID_PTX"; break;
  case CUDA_ERROR_NOT_FOUND: *out = "CUDA_ERROR_NOT_FOUND"; break;
  case CUDA_ERROR_ILLEGAL_ADDRESS: *out = "CUDA_ERROR_ILLEGAL_ADDRESS"; break;
  case CUDA_ERROR_LAUNCH_FAILED: *out = "CUDA_ERROR_LAUNCH_FAILED"; break;
  case CUDA_ERROR_INVALID_HANDLE: *out = "CUDA_ERROR_INVALID_HANDLE"; break;
  case CUDA_ERROR_NOT_SUPPORTED: *out = "CUDA_ERROR_NOT_SUPPORTED"; break;
  case CUDA_ERROR_INVALID_DEVICE: *out = "CUDA_ERROR_INVALID_DEVICE"; break;
  default: *out = nullptr; return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

EMU_API CUresult cuGetErrorString(CUresult r, const char **out) {
  if (!out)
    return CUDA_ERROR_INVALID_VALUE;
  State &s = state();
  if ((r == CUDA_ERROR_LAUNCH_FAILED || r == CUDA_ERROR_ILLEGAL_ADDRESS ||
       r == CUDA_ERROR_INVALID_PTX || r == CUDA_ERROR_INVALID_VALUE) &&
      !s.detail.empty()) {
    *out = s.detail.c_str();
    return CUDA_SUCCESS;
  }
  switch (r) {
  case CUDA_SUCCESS: *out = "no error"; break;
  case CUDA_ERROR_INVALID_VALUE: *out = "invalid argument"; break;
  case CUDA_ERROR_OUT_OF_MEMORY: *out = "out of memory"; break;
  case CUDA_ERROR_NOT_INITIALIZED: *out = "initialization error"; break;
  case CUDA_ERROR_INVALID_HANDLE: *out = "invalid resource handle"; break;
  case CUDA_ERROR_NOT_FOUND: *out = "named symbol not found"; break;
  case CUDA_ERROR_NOT_SUPPORTED: *out = "operation not supported"; break;
  default: *out = "emulated CUDA driver error"; break;
  }
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDeviceGet(CUdevice *d, int ordinal) {
  if (CUresult r = ready())
    return r;
  if (!d)
    return CUDA_ERROR_INVALID_VALUE;
  if (ordinal != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  *d = 0;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDeviceGetAttribute(int *v, CUdevice_attribute a, CUdevice d) {
  if (CUresult r = ready())
    return r;
  if (!v || d != 0)
    return CUDA_ERROR_INVALID_VALUE;
  switch (a) {
  case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN:
    *v = kMaxSharedOptin;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK:
    *v = kDefaultSharedLimit;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
    *v = 1024;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_WARP_SIZE:
    *v = 32;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
    *v = 9;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
    *v = 0;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT:
    *v = kMultiprocessors;
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_NOT_SUPPORTED;
  }
}

EMU_API CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) {
  if (CUresult r = ready())
    return r;
  if (!c || d != 0)
    return CUDA_ERROR_INVALID_VALUE;
  *c = primaryContext();
  return CUDA_SUCCESS;
}

// The current context is per thread on a GPU; one is enough here.
EMU_API CUresult cuCtxGetCurrent(CUcontext *c) {
  if (!c)
    return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(state().mutex);
  *c = state().current;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuCtxSetCurrent(CUcontext c) {
  std::lock_guard<std::mutex> lock(state().mutex);
  state().current = c;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuCtxPushCurrent(CUcontext c) { return cuCtxSetCurrent(c); }

EMU_API CUresult cuCtxPopCurrent(CUcontext *c) {
  std::lock_guard<std::mutex> lock(state().mutex);
  if (c)
    *c = state().current;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuCtxSynchronize() { return ready(); }

EMU_API CUresult cuModuleLoadDataEx(CUmodule *m, const void *image,
                                    unsigned numOptions, CUjit_option *options,
                                    void **values) {
  if (CUresult r = ready())
    return r;
  if (!m || !image)
    return CUDA_ERROR_INVALID_VALUE;
  char *log = nullptr;
  size_t logSize = 0;
  for (unsigned i = 0; i < numOptions; ++i) {
    if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
      log = static_cast<char *>(values[i]);
    else if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
      logSize = reinterpret_cast<uintptr_t>(values[i]);
  }
  const char *text = static_cast<const char *>(image);
  std::string error;
  Program *p = nullptr;
  if (std::memcmp(text, "\x7f" "ELF", 4) == 0) {
    error = "the PTX emulator runs PTX text, not cubin/ELF images";
  } else {
    attn::ptxemu::ProgramPtr prog = attn::ptxemu::parsePtx(text, error);
    p = prog.release();
  }
  if (!p) {
    std::string msg = "attn PTX emulator: " + error;
    if (log && logSize) {
      std::strncpy(log, msg.c_str(), logSize - 1);
      log[logSize - 1] = '\0';
    }
    state().detail = msg;
    return CUDA_ERROR_INVALID_PTX;
  }
  *m = reinterpret_cast<CUmodule>(new EmuModule{p});
  return CUDA_SUCCESS;
}

EMU_API CUresult cuModuleUnload(CUmodule m) {
  if (!m)
    return CUDA_ERROR_INVALID_HANDLE;
  auto *em = reinterpret_cast<EmuModule *>(m);
  attn::ptxemu::destroyProgram(em->program);
  delete em;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuModuleGetFunction(CUfunction *f, CUmodule m,
                                     const char *name) {
  if (CUresult r = ready())
    return r;
  if (!f || !m || !name)
    return CUDA_ERROR_INVALID_VALUE;
  auto *em = reinterpret_cast<EmuModule *>(m);
  std::vector<size_t> sizes;
  if (!attn::ptxemu::kernelParamSizes(*em->program, name, sizes))
    return CUDA_ERROR_NOT_FOUND;
  *f = reinterpret_cast<CUfunction>(new EmuFunction{em, name});
  return CUDA_SUCCESS;
}

EMU_API CUresult cuFuncSetAttribute(CUfunction f, CUfunction_attribute a,
                                    int v) {
  if (CUresult r = ready())
    return r;
  if (!f)
    return CUDA_ERROR_INVALID_HANDLE;
  auto *ef = reinterpret_cast<EmuFunction *>(f);
  if (a == CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES) {
    size_t st = attn::ptxemu::kernelStaticShared(*ef->module->program, ef->name);
    if (v < 0 || static_cast<size_t>(v) + st > kMaxSharedOptin)
      return CUDA_ERROR_INVALID_VALUE;
    ef->maxDynamicShared = v;
    return CUDA_SUCCESS;
  }
  return CUDA_ERROR_NOT_SUPPORTED;
}

EMU_API CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy,
                                unsigned gz, unsigned bx, unsigned by,
                                unsigned bz, unsigned sharedBytes, CUstream,
                                void **kernelParams, void **extra) {
  if (CUresult r = ready())
    return r;
  if (!f)
    return CUDA_ERROR_INVALID_HANDLE;
  if (extra)
    return CUDA_ERROR_NOT_SUPPORTED;
  auto *ef = reinterpret_cast<EmuFunction *>(f);
  State &s = state();
  const Program &prog = *ef->module->program;
  if (static_cast<int>(sharedBytes) > ef->maxDynamicShared) {
    s.detail = "attn PTX emulator: " + ef->name + " launched with " +
               std::to_string(sharedBytes) +
               " bytes of dynamic shared memory, above its limit of " +
               std::to_string(ef->maxDynamicShared) +
               " (cuFuncSetAttribute MAX_DYNAMIC_SHARED_SIZE_BYTES)";
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::vector<size_t> sizes;
  attn::ptxemu::kernelParamSizes(prog, ef->name, sizes);
  attn::ptxemu::LaunchConfig cfg;
  cfg.grid[0] = gx;
  cfg.grid[1] = gy;
  cfg.grid[2] = gz;
  cfg.block[0] = bx;
  cfg.block[1] = by;
  cfg.block[2] = bz;
  cfg.dynamicShared = sharedBytes;
  if (!sizes.empty() && !kernelParams)
    return CUDA_ERROR_INVALID_VALUE;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const auto *p = static_cast<const uint8_t *>(kernelParams[i]);
    cfg.params.emplace_back(p, p + sizes[i]);
  }
  auto t0 = std::chrono::steady_clock::now();
  std::string error;
  attn::ptxemu::LaunchStats stats;
  bool ok = attn::ptxemu::launch(prog, ef->name, cfg, accessible, error,
                                 s.profile ? &stats : nullptr);
  if (s.profile && ok)
    printProfile(ef->name, cfg, stats);
  if (s.trace) {
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
    std::fprintf(stderr,
                 "attn-cuda-emulator: %s grid %ux%ux%u block %ux%ux%u smem %u: "
                 "%s (%.1f ms)\n",
                 ef->name.c_str(), gx, gy, gz, bx, by, bz, sharedBytes,
                 ok ? "ok" : error.c_str(), ms);
  }
  if (!ok) {
    s.detail = "attn PTX emulator: " + error;
    s.sticky = error.find("memory access") != std::string::npos ||
                       error.find("outside") != std::string::npos
                   ? CUDA_ERROR_ILLEGAL_ADDRESS
                   : CUDA_ERROR_LAUNCH_FAILED;
    return s.sticky;
  }
  return CUDA_SUCCESS;
}

EMU_API CUresult cuLaunchKernelEx(const CUlaunchConfig *, CUfunction, void **,
                                  void **) {
  return CUDA_ERROR_NOT_SUPPORTED;
}

EMU_API CUresult cuStreamCreate(CUstream *st, unsigned) {
  if (CUresult r = ready())
    return r;
  if (!st)
    return CUDA_ERROR_INVALID_VALUE;
  *st = reinterpret_cast<CUstream>(new int(0));
  return CUDA_SUCCESS;
}

EMU_API CUresult cuStreamDestroy(CUstream st) {
  delete reinterpret_cast<int *>(st);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuStreamSynchronize(CUstream) { return ready(); }
EMU_API CUresult cuStreamWaitEvent(CUstream, CUevent, unsigned) {
  return ready();
}

EMU_API CUresult cuEventCreate(CUevent *e, unsigned) {
  if (CUresult r = ready())
    return r;
  if (!e)
    return CUDA_ERROR_INVALID_VALUE;
  *e = reinterpret_cast<CUevent>(new int(0));
  return CUDA_SUCCESS;
}

EMU_API CUresult cuEventDestroy(CUevent e) {
  delete reinterpret_cast<int *>(e);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuEventRecord(CUevent, CUstream) { return ready(); }
EMU_API CUresult cuEventSynchronize(CUevent) { return ready(); }

namespace {
CUresult allocate(CUdeviceptr *p, size_t bytes) {
  if (CUresult r = ready())
    return r;
  if (!p || bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  void *m = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!m)
    return CUDA_ERROR_OUT_OF_MEMORY;
  // Fresh device memory holds NaN bytes: a kernel that reads what nobody
  // wrote shows it in its results.
  std::memset(m, 0xff, bytes);
  std::lock_guard<std::mutex> lock(state().mutex);
  state().allocations[reinterpret_cast<uint64_t>(m)] = bytes;
  *p = reinterpret_cast<CUdeviceptr>(m);
  return CUDA_SUCCESS;
}
} // namespace

EMU_API CUresult cuMemAlloc(CUdeviceptr *p, size_t bytes) {
  return allocate(p, bytes);
}

EMU_API CUresult cuMemAllocManaged(CUdeviceptr *p, size_t bytes, unsigned) {
  return allocate(p, bytes);
}

EMU_API CUresult cuMemFree(CUdeviceptr p) {
  if (!p)
    return CUDA_SUCCESS;
  std::lock_guard<std::mutex> lock(state().mutex);
  auto it = state().allocations.find(static_cast<uint64_t>(p));
  if (it == state().allocations.end())
    return CUDA_ERROR_INVALID_VALUE;
  state().allocations.erase(it);
  std::free(reinterpret_cast<void *>(p));
  return CUDA_SUCCESS;
}

// Stream-ordered allocation: the emulator runs every stream's work when it
// is issued, so a pool allocation is a plain one and an asynchronous free
// takes effect at once.
EMU_API CUresult cuMemPoolCreate(CUmemoryPool *pool,
                                 const CUmemPoolProps *props) {
  if (CUresult r = ready())
    return r;
  if (!pool || !props || props->location.type != CU_MEM_LOCATION_TYPE_DEVICE ||
      props->location.id != 0)
    return CUDA_ERROR_INVALID_VALUE;
  static int thePool;
  *pool = reinterpret_cast<CUmemoryPool>(&thePool);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuMemPoolSetAttribute(CUmemoryPool pool, CUmemPool_attribute,
                                       void *value) {
  if (CUresult r = ready())
    return r;
  return pool && value ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

EMU_API CUresult cuMemAllocFromPoolAsync(CUdeviceptr *p, size_t bytes,
                                         CUmemoryPool pool, CUstream) {
  if (CUresult r = ready())
    return r;
  if (!pool)
    return CUDA_ERROR_INVALID_VALUE;
  return allocate(p, bytes);
}

EMU_API CUresult cuMemFreeAsync(CUdeviceptr p, CUstream) {
  return cuMemFree(p);
}

EMU_API CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                               CUstream) {
  if (CUresult r = ready())
    return r;
  if (bytes == 0)
    return CUDA_SUCCESS;
  if (!dst || !src)
    return CUDA_ERROR_INVALID_VALUE;
  // Device pointers must be allocations; other pointers are host memory the
  // caller owns (unified addressing, as on a GPU).
  std::memmove(reinterpret_cast<void *>(dst), reinterpret_cast<void *>(src),
               bytes);
  return CUDA_SUCCESS;
}

namespace {
// Fills n elements of type T at dst, which must be device memory.
template <typename T> CUresult memsetElements(CUdeviceptr dst, T v, size_t n) {
  if (CUresult r = ready())
    return r;
  if (!inside(state().allocations, dst, n * sizeof(T)))
    return CUDA_ERROR_INVALID_VALUE;
  T *p = reinterpret_cast<T *>(dst);
  for (size_t i = 0; i < n; ++i)
    p[i] = v;
  return CUDA_SUCCESS;
}
} // namespace

EMU_API CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned v, size_t n,
                                  CUstream) {
  return memsetElements<uint32_t>(dst, v, n);
}

EMU_API CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short v, size_t n,
                                  CUstream) {
  return memsetElements<uint16_t>(dst, v, n);
}

EMU_API CUresult cuMemHostRegister(void *p, size_t bytes, unsigned) {
  if (CUresult r = ready())
    return r;
  if (!p || !bytes)
    return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(state().mutex);
  state().registered[reinterpret_cast<uint64_t>(p)] = bytes;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuMemHostUnregister(void *p) {
  std::lock_guard<std::mutex> lock(state().mutex);
  auto it = state().registered.find(reinterpret_cast<uint64_t>(p));
  if (it == state().registered.end())
    return CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED;
  state().registered.erase(it);
  return CUDA_SUCCESS;
}
