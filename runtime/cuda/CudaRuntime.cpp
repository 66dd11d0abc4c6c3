//===- CudaRuntime.cpp - The mgpu* entry points over the CUDA driver ------===//
//
// See include/attn/cuda_runtime.h for the contract. Everything here is
// self-contained (cuda.h for types and prototypes, libc, libstdc++, libdl) so
// that a device machine builds it with a plain
//   g++ -O2 -fPIC -shared -I<cuda>/include -Iinclude CudaRuntime.cpp -ldl
// The driver is never linked: each cu* function is looked up with dlsym under
// the versioned name cuda.h maps it to (cuMemAlloc -> cuMemAlloc_v2, ...).
//
//===----------------------------------------------------------------------===//

#include "attn/cuda_runtime.h"

#include <cuda.h>
#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

#define ATTN_STR2(x) #x
#define ATTN_STR(x) ATTN_STR2(x)

// The driver functions used: X(required, name). `name` is the unversioned
// spelling; decltype/ATTN_STR see cuda.h's macro expansion (the _v2 names).
#define ATTN_CUDA_SYMBOLS(X)                                                   \
  X(1, cuInit)                                                                 \
  X(1, cuGetErrorName)                                                         \
  X(1, cuGetErrorString)                                                       \
  X(1, cuDeviceGet)                                                            \
  X(1, cuDeviceGetAttribute)                                                   \
  X(1, cuDevicePrimaryCtxRetain)                                               \
  X(1, cuCtxGetCurrent)                                                        \
  X(1, cuCtxSetCurrent)                                                        \
  X(1, cuCtxPushCurrent)                                                       \
  X(1, cuCtxPopCurrent)                                                        \
  X(1, cuCtxSynchronize)                                                       \
  X(1, cuModuleLoadDataEx)                                                     \
  X(1, cuModuleUnload)                                                         \
  X(1, cuModuleGetFunction)                                                    \
  X(1, cuFuncSetAttribute)                                                     \
  X(1, cuLaunchKernel)                                                         \
  X(0, cuLaunchKernelEx)                                                       \
  X(1, cuStreamCreate)                                                         \
  X(1, cuStreamDestroy)                                                        \
  X(1, cuStreamSynchronize)                                                    \
  X(1, cuStreamWaitEvent)                                                      \
  X(1, cuEventCreate)                                                          \
  X(1, cuEventDestroy)                                                         \
  X(1, cuEventRecord)                                                          \
  X(1, cuEventSynchronize)                                                     \
  X(1, cuMemAlloc)                                                             \
  X(1, cuMemAllocManaged)                                                      \
  X(1, cuMemFree)                                                              \
  X(0, cuMemPoolCreate)                                                        \
  X(0, cuMemPoolSetAttribute)                                                  \
  X(0, cuMemAllocFromPoolAsync)                                                \
  X(0, cuMemFreeAsync)                                                         \
  X(1, cuMemcpyAsync)                                                          \
  X(1, cuMemsetD32Async)                                                       \
  X(1, cuMemsetD16Async)                                                       \
  X(1, cuMemHostRegister)                                                      \
  X(1, cuMemHostUnregister)

struct Driver {
#define ATTN_MEMBER(req, name) decltype(&name) p_##name = nullptr;
  ATTN_CUDA_SYMBOLS(ATTN_MEMBER)
#undef ATTN_MEMBER
  bool ok = false;
  std::string error; // why not ok: the message every call records
};

//===----------------------------------------------------------------------===//
// Error state: one sticky message, process-wide.
//===----------------------------------------------------------------------===//

struct ErrorState {
  std::mutex mutex;
  std::string message;
  std::atomic<bool> pending{false};
  bool verbose = false;
};

// Leaked on purpose: module destructors run at exit and may still record.
ErrorState &errors() {
  static ErrorState *state = [] {
    auto *s = new ErrorState();
    const char *v = std::getenv("ATTN_CUDA_VERBOSE");
    s->verbose = v && *v && std::strcmp(v, "0") != 0;
    return s;
  }();
  return *state;
}

bool errorPending() {
  return errors().pending.load(std::memory_order_acquire);
}

void record(const std::string &msg) {
  ErrorState &e = errors();
  if (e.verbose)
    std::fprintf(stderr, "%s\n", msg.c_str());
  std::lock_guard<std::mutex> lock(e.mutex);
  if (e.pending.load(std::memory_order_relaxed))
    return; // the first error is kept
  e.message = msg;
  e.pending.store(true, std::memory_order_release);
}

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0)
    return std::string();
  if (static_cast<size_t>(n) < sizeof(buf))
    return std::string(buf, n);
  std::string out(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  std::vsnprintf(&out[0], out.size(), fmt, ap);
  va_end(ap);
  out.resize(n);
  return out;
}

// Names for when the driver cannot say (a stub library, an old driver).
const char *knownErrorName(CUresult r) {
  switch (r) {
#define ATTN_ERR(e)                                                            \
  case e:                                                                      \
    return #e;
    ATTN_ERR(CUDA_ERROR_INVALID_VALUE)
    ATTN_ERR(CUDA_ERROR_OUT_OF_MEMORY)
    ATTN_ERR(CUDA_ERROR_NOT_INITIALIZED)
    ATTN_ERR(CUDA_ERROR_DEINITIALIZED)
    ATTN_ERR(CUDA_ERROR_STUB_LIBRARY)
    ATTN_ERR(CUDA_ERROR_DEVICE_UNAVAILABLE)
    ATTN_ERR(CUDA_ERROR_NO_DEVICE)
    ATTN_ERR(CUDA_ERROR_INVALID_DEVICE)
    ATTN_ERR(CUDA_ERROR_INVALID_IMAGE)
    ATTN_ERR(CUDA_ERROR_INVALID_CONTEXT)
    ATTN_ERR(CUDA_ERROR_NO_BINARY_FOR_GPU)
    ATTN_ERR(CUDA_ERROR_INVALID_PTX)
    ATTN_ERR(CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
    ATTN_ERR(CUDA_ERROR_JIT_COMPILER_NOT_FOUND)
    ATTN_ERR(CUDA_ERROR_INVALID_HANDLE)
    ATTN_ERR(CUDA_ERROR_NOT_FOUND)
    ATTN_ERR(CUDA_ERROR_NOT_READY)
    ATTN_ERR(CUDA_ERROR_ILLEGAL_ADDRESS)
    ATTN_ERR(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES)
    ATTN_ERR(CUDA_ERROR_LAUNCH_TIMEOUT)
    ATTN_ERR(CUDA_ERROR_CONTEXT_IS_DESTROYED)
    ATTN_ERR(CUDA_ERROR_ASSERT)
    ATTN_ERR(CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED)
    ATTN_ERR(CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED)
    ATTN_ERR(CUDA_ERROR_ILLEGAL_INSTRUCTION)
    ATTN_ERR(CUDA_ERROR_MISALIGNED_ADDRESS)
    ATTN_ERR(CUDA_ERROR_INVALID_ADDRESS_SPACE)
    ATTN_ERR(CUDA_ERROR_INVALID_PC)
    ATTN_ERR(CUDA_ERROR_LAUNCH_FAILED)
    ATTN_ERR(CUDA_ERROR_NOT_PERMITTED)
    ATTN_ERR(CUDA_ERROR_NOT_SUPPORTED)
    ATTN_ERR(CUDA_ERROR_SYSTEM_DRIVER_MISMATCH)
    ATTN_ERR(CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE)
    ATTN_ERR(CUDA_ERROR_INVALID_CLUSTER_SIZE)
    ATTN_ERR(CUDA_ERROR_OPERATING_SYSTEM)
    ATTN_ERR(CUDA_ERROR_UNKNOWN)
#undef ATTN_ERR
  default:
    return nullptr;
  }
}

Driver &driver();

// "CUDA_ERROR_OUT_OF_MEMORY (out of memory)", asking `d` where it can.
std::string describe(CUresult r, const Driver &d) {
  const char *name = nullptr, *text = nullptr;
  if (d.p_cuGetErrorName && d.p_cuGetErrorName(r, &name) != CUDA_SUCCESS)
    name = nullptr;
  if (d.p_cuGetErrorString && d.p_cuGetErrorString(r, &text) != CUDA_SUCCESS)
    text = nullptr;
  if (!name)
    name = knownErrorName(r);
  std::string out = name ? name : format("CUresult %d", static_cast<int>(r));
  if (text && *text)
    out += format(" (%s)", text);
  return out;
}

std::string describe(CUresult r) { return describe(r, driver()); }

// Records "attn-cuda: <call> failed: <describe(r)><suffix>" unless r is 0.
bool check(CUresult r, const std::string &call, const std::string &suffix = "") {
  if (r == CUDA_SUCCESS)
    return true;
  record("attn-cuda: " + call + " failed: " + describe(r) + suffix);
  return false;
}

//===----------------------------------------------------------------------===//
// The driver, loaded once.
//===----------------------------------------------------------------------===//

void loadDriver(Driver &d) {
  std::vector<std::string> names;
  const char *env = std::getenv("ATTN_CUDA_DRIVER_LIBRARY");
  if (env && *env) {
    names.push_back(env);
  } else {
    names.push_back("libcuda.so.1");
    names.push_back("libcuda.so");
  }
  void *handle = nullptr;
  std::string path, firstError;
  for (const std::string &n : names) {
    handle = dlopen(n.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle) {
      path = n;
      break;
    }
    const char *why = dlerror();
    if (firstError.empty() && why)
      firstError = why;
  }
  if (!handle) {
    d.error = "attn-cuda: CUDA driver library " + names.front() +
              " not found (" + firstError + ")";
    return;
  }
#define ATTN_LOOKUP(req, name)                                                 \
  d.p_##name = reinterpret_cast<decltype(&name)>(                              \
      dlsym(handle, ATTN_STR(name)));                                          \
  if ((req) && !d.p_##name) {                                                  \
    d.error = "attn-cuda: CUDA driver library " + path + " lacks " +           \
              ATTN_STR(name) + " (driver too old?)";                           \
    return;                                                                    \
  }
  ATTN_CUDA_SYMBOLS(ATTN_LOOKUP)
#undef ATTN_LOOKUP
  CUresult r = d.p_cuInit(0);
  if (r != CUDA_SUCCESS) {
    // Not describe(r): that would re-enter driver()'s initialization.
    d.error = "attn-cuda: cuInit(0) failed: " + describe(r, d);
    return;
  }
  d.ok = true;
}

Driver &driver() {
  static Driver *d = [] {
    auto *drv = new Driver();
    loadDriver(*drv);
    return drv;
  }();
  return *d;
}

// Records the driver's load error when it is unusable.
bool driverUsable() {
  Driver &d = driver();
  if (!d.ok)
    record(d.error);
  return d.ok;
}

//===----------------------------------------------------------------------===//
// Contexts: the primary context of each device used, retained once.
//===----------------------------------------------------------------------===//

std::atomic<int> defaultDevice{0};

struct DeviceContext {
  CUdevice device = 0;
  CUcontext context = nullptr;
};

struct ContextTable {
  std::mutex mutex;
  std::unordered_map<int, DeviceContext> byOrdinal;
};

ContextTable &contexts() {
  static ContextTable *t = new ContextTable();
  return *t;
}

bool primaryContext(DeviceContext &out) {
  if (!driverUsable())
    return false;
  Driver &d = driver();
  int ordinal = defaultDevice.load(std::memory_order_relaxed);
  ContextTable &t = contexts();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.byOrdinal.find(ordinal);
  if (it != t.byOrdinal.end()) {
    out = it->second;
    return true;
  }
  DeviceContext dc;
  if (!check(d.p_cuDeviceGet(&dc.device, ordinal),
             format("cuDeviceGet(%d)", ordinal)))
    return false;
  if (!check(d.p_cuDevicePrimaryCtxRetain(&dc.context, dc.device),
             format("cuDevicePrimaryCtxRetain(device %d)", ordinal)))
    return false;
  t.byOrdinal.emplace(ordinal, dc);
  out = dc;
  return true;
}

// Makes the default device's primary context current for one call: set once
// on a thread that has none, pushed and popped around the call on a thread
// whose current context is another one.
class ScopedContext {
public:
  ScopedContext() {
    if (!primaryContext(dc_))
      return;
    Driver &d = driver();
    CUcontext current = nullptr;
    if (!check(d.p_cuCtxGetCurrent(&current), "cuCtxGetCurrent"))
      return;
    if (current == dc_.context) {
      ok_ = true;
    } else if (!current) {
      ok_ = check(d.p_cuCtxSetCurrent(dc_.context), "cuCtxSetCurrent");
    } else {
      ok_ = pushed_ = check(d.p_cuCtxPushCurrent(dc_.context),
                            "cuCtxPushCurrent");
    }
  }
  ~ScopedContext() {
    if (pushed_) {
      CUcontext popped = nullptr;
      check(driver().p_cuCtxPopCurrent(&popped), "cuCtxPopCurrent");
    }
  }
  ScopedContext(const ScopedContext &) = delete;
  ScopedContext &operator=(const ScopedContext &) = delete;

  bool ok() const { return ok_; }
  CUcontext context() const { return dc_.context; }
  CUdevice device() const { return dc_.device; }

private:
  DeviceContext dc_;
  bool ok_ = false, pushed_ = false;
};

//===----------------------------------------------------------------------===//
// Per-handle bookkeeping: kernel names (for messages), the dynamic shared
// memory limit set on each function, the stream pool.
//===----------------------------------------------------------------------===//

struct Tables {
  std::mutex mutex;
  // Stream-ordered allocation: one memory pool per context, and which
  // pointers came from it (freed with cuMemFreeAsync).
  std::unordered_map<CUcontext, CUmemoryPool> pools;
  std::unordered_map<CUdeviceptr, CUcontext> pooled;
  std::unordered_map<int, int> smCount; // by device ordinal
  std::unordered_map<CUfunction, std::string> kernelNames;
  std::unordered_map<CUfunction, int> smemLimit; // set above the 48 KiB default
  std::unordered_map<CUstream, CUcontext> ourStreams;
  std::vector<std::pair<CUcontext, CUstream>> freeStreams;
};

Tables &tables() {
  static Tables *t = new Tables();
  return *t;
}

constexpr size_t kStreamPoolPerContext = 16;
constexpr int kDefaultSharedMemory = 48 * 1024;

std::string kernelName(CUfunction f) {
  Tables &t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.kernelNames.find(f);
  return it == t.kernelNames.end() ? format("%p", static_cast<void *>(f))
                                   : it->second;
}

// Flattens a JIT log to one line: "line 1; line 2".
std::string oneLine(const char *log) {
  std::string out;
  for (const char *p = log; *p; ++p) {
    if (*p == '\n' || *p == '\r') {
      while (!out.empty() && out.back() == ' ')
        out.pop_back();
      if (!out.empty() && out.compare(out.size() - 2, 2, "; ") != 0)
        out += "; ";
    } else {
      out += *p;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';'))
    out.pop_back();
  return out;
}

// ".target sm_90a" of a PTX text, for messages.
std::string ptxTarget(const char *ptx) {
  const char *t = std::strstr(ptx, ".target");
  if (!t)
    return std::string();
  t += 7;
  while (*t == ' ' || *t == '\t')
    ++t;
  const char *e = t;
  while (*e && *e != '\n' && *e != '\r' && *e != ' ' && *e != ',')
    ++e;
  return std::string(t, e);
}

CUmodule loadModule(const void *image, const std::string &what, int optLevel) {
  ScopedContext scope;
  if (!scope.ok())
    return nullptr;
  Driver &d = driver();
  static constexpr size_t kLogSize = 8192;
  std::vector<char> log(kLogSize, '\0');
  CUjit_option options[3] = {CU_JIT_ERROR_LOG_BUFFER,
                             CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                             CU_JIT_OPTIMIZATION_LEVEL};
  void *values[3] = {log.data(), reinterpret_cast<void *>(kLogSize - 1),
                     reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  unsigned numOptions = optLevel >= 0 ? 3 : 2;
  CUmodule module = nullptr;
  CUresult r =
      d.p_cuModuleLoadDataEx(&module, image, numOptions, options, values);
  if (r != CUDA_SUCCESS) {
    log.back() = '\0';
    std::string flat = oneLine(log.data());
    check(r, "cuModuleLoadDataEx(" + what + ")",
          flat.empty() ? std::string() : ": " + flat);
    return nullptr;
  }
  return module;
}

bool validDims(intptr_t x, intptr_t y, intptr_t z) {
  const intptr_t kMax = 0x7fffffff;
  return x >= 1 && y >= 1 && z >= 1 && x <= kMax && y <= kMax && z <= kMax;
}

// Enables `smem` bytes of dynamic shared memory on `f` when above 48 KiB.
bool prepareSharedMemory(CUfunction f, int32_t smem, const ScopedContext &s) {
  if (smem <= kDefaultSharedMemory)
    return true;
  Tables &t = tables();
  {
    std::lock_guard<std::mutex> lock(t.mutex);
    auto it = t.smemLimit.find(f);
    if (it != t.smemLimit.end() && it->second >= smem)
      return true;
  }
  Driver &d = driver();
  CUresult r = d.p_cuFuncSetAttribute(
      f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem);
  if (r != CUDA_SUCCESS) {
    int optin = 0;
    std::string suffix;
    if (d.p_cuDeviceGetAttribute(
            &optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
            s.device()) == CUDA_SUCCESS)
      suffix = format("; the device allows at most %d bytes per block", optin);
    check(r,
          format("cuFuncSetAttribute(%s, MAX_DYNAMIC_SHARED_SIZE_BYTES, %d)",
                 kernelName(f).c_str(), static_cast<int>(smem)),
          suffix);
    return false;
  }
  std::lock_guard<std::mutex> lock(t.mutex);
  t.smemLimit[f] = smem;
  return true;
}

// The checks every launch makes before reaching the driver.
bool launchable(const char *entry, CUfunction f, intptr_t gx, intptr_t gy,
                intptr_t gz, intptr_t bx, intptr_t by, intptr_t bz,
                int32_t smem) {
  if (errorPending())
    return false; // never launch after a failed step
  if (!f) {
    record(format("attn-cuda: %s: null kernel function (its module or "
                  "function lookup failed)",
                  entry));
    return false;
  }
  if (!validDims(gx, gy, gz) || !validDims(bx, by, bz) || smem < 0) {
    record(format("attn-cuda: %s(%s): invalid launch: grid %lldx%lldx%lld, "
                  "block %lldx%lldx%lld, %d bytes shared",
                  entry, kernelName(f).c_str(), (long long)gx, (long long)gy,
                  (long long)gz, (long long)bx, (long long)by, (long long)bz,
                  static_cast<int>(smem)));
    return false;
  }
  return true;
}

// The data pointer and byte size of a dense ranked memref descriptor
// {allocated, aligned, offset, sizes[rank], strides[rank]}.
bool denseMemRef(const char *entry, int64_t rank, void *descriptor,
                 int64_t elementSize, char *&data, int64_t &bytes) {
  if (!descriptor || rank < 0 || elementSize <= 0) {
    record(format("attn-cuda: %s: bad memref (descriptor %p, rank %lld, "
                  "element size %lld)",
                  entry, descriptor, (long long)rank, (long long)elementSize));
    return false;
  }
  struct Header {
    char *allocated;
    char *aligned;
    int64_t offset;
  };
  const Header *h = static_cast<const Header *>(descriptor);
  const int64_t *sizes = reinterpret_cast<const int64_t *>(h + 1);
  const int64_t *strides = sizes + rank;
  int64_t expected = 1;
  for (int64_t i = rank - 1; i >= 0; --i) {
    if (sizes[i] != 1 && strides[i] != expected) {
      record(format("attn-cuda: %s: memref is not dense (dimension %lld has "
                    "stride %lld, expected %lld)",
                    entry, (long long)i, (long long)strides[i],
                    (long long)expected));
      return false;
    }
    expected *= sizes[i];
  }
  data = h->aligned + h->offset * elementSize;
  bytes = expected * elementSize;
  return true;
}

// The pool of stream-ordered allocations on the scope's device (created on
// first use; null when the driver lacks the entry points, and then
// allocations are plain cuMemAlloc). Freed memory stays in the pool up to
// kPoolKeepBytes across synchronizations, so that a call's scratch and
// device buffers do not go back to the driver and come again each time.
constexpr uint64_t kPoolKeepBytes = 256ull << 20;

CUmemoryPool memoryPool(const ScopedContext &scope) {
  Driver &d = driver();
  if (!d.p_cuMemPoolCreate || !d.p_cuMemPoolSetAttribute ||
      !d.p_cuMemAllocFromPoolAsync || !d.p_cuMemFreeAsync)
    return nullptr;
  Tables &t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.pools.find(scope.context());
  if (it != t.pools.end())
    return it->second;
  CUmemPoolProps props;
  std::memset(&props, 0, sizeof(props));
  props.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
  props.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  props.location.id = static_cast<int>(scope.device());
  CUmemoryPool pool = nullptr;
  // A device or driver without memory pools: cuMemAlloc it is (not an
  // error, so nothing is recorded).
  if (d.p_cuMemPoolCreate(&pool, &props) != CUDA_SUCCESS)
    pool = nullptr;
  if (pool) {
    cuuint64_t keep = kPoolKeepBytes;
    d.p_cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &keep);
  }
  t.pools[scope.context()] = pool;
  return pool;
}

} // namespace

//===----------------------------------------------------------------------===//
// The C API
//===----------------------------------------------------------------------===//

extern "C" {

int attnCudaHasError(void) { return errorPending() ? 1 : 0; }

const char *attnCudaLastError(void) {
  ErrorState &e = errors();
  std::lock_guard<std::mutex> lock(e.mutex);
  return e.pending.load(std::memory_order_relaxed) ? e.message.c_str() : "";
}

int attnCudaTakeError(char *buf, size_t size) {
  ErrorState &e = errors();
  std::lock_guard<std::mutex> lock(e.mutex);
  if (!e.pending.load(std::memory_order_relaxed))
    return 0;
  if (buf && size > 0) {
    size_t n = e.message.size() < size - 1 ? e.message.size() : size - 1;
    std::memcpy(buf, e.message.data(), n);
    buf[n] = '\0';
  }
  e.message.clear();
  e.pending.store(false, std::memory_order_release);
  return 1;
}

void attnCudaSynchronize(void) {
  ScopedContext scope;
  if (scope.ok())
    check(driver().p_cuCtxSynchronize(), "cuCtxSynchronize");
}

int64_t attnCudaSdpaSplitsFor(int64_t ctas, int64_t keyBlocks,
                              int64_t slots) {
  constexpr int64_t kMaxSplits = 128;
  if (ctas <= 0 || keyBlocks <= 1 || slots <= 0)
    return 1;
  // Enough CTAs to fill most of the device already.
  if (ctas * 5 >= slots * 4)
    return 1;
  int64_t most = std::min(std::min(kMaxSplits, slots), keyBlocks);
  // Efficiency of s splits: the fraction of the last wave that is busy.
  // A split count that gives the same blocks per split as s - 1 is skipped.
  auto blocksPer = [&](int64_t s) { return (keyBlocks + s - 1) / s; };
  auto efficiency = [&](int64_t s) {
    double waves = double(ctas * s) / double(slots);
    return waves / std::ceil(waves);
  };
  double best = 0;
  for (int64_t s = 1; s <= most; ++s)
    if (s == 1 || blocksPer(s) != blocksPer(s - 1))
      best = std::max(best, efficiency(s));
  for (int64_t s = 1; s <= most; ++s)
    if ((s == 1 || blocksPer(s) != blocksPer(s - 1)) &&
        efficiency(s) >= 0.85 * best)
      return s;
  return 1;
}

int64_t attnCudaSdpaSplits(int64_t ctas, int64_t keyBlocks) {
  if (const char *env = std::getenv("ATTN_CUDA_SDPA_SPLITS")) {
    char *end = nullptr;
    long long n = std::strtoll(env, &end, 10);
    if (*env && end && *end == '\0' && n >= 1)
      return std::max<int64_t>(1, std::min<int64_t>(
                                      std::min<int64_t>(n, 128), keyBlocks));
  }
  if (errorPending() || ctas <= 0 || keyBlocks <= 1)
    return 1;
  ScopedContext scope;
  if (!scope.ok())
    return 1;
  int ordinal = defaultDevice.load(std::memory_order_relaxed);
  int sms = 0;
  {
    Tables &t = tables();
    std::lock_guard<std::mutex> lock(t.mutex);
    auto it = t.smCount.find(ordinal);
    if (it != t.smCount.end())
      sms = it->second;
  }
  if (sms == 0) {
    if (driver().p_cuDeviceGetAttribute(
            &sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, scope.device()) !=
            CUDA_SUCCESS ||
        sms <= 0)
      sms = 1; // unknown: no split unless it is forced
    Tables &t = tables();
    std::lock_guard<std::mutex> lock(t.mutex);
    t.smCount[ordinal] = sms;
  }
  // Two CTAs of the tensor-core kernel per SM (FA2 plans splits so too).
  return attnCudaSdpaSplitsFor(ctas, keyBlocks, 2 * int64_t(sms));
}

//===--- Modules and kernels ----------------------------------------------===//

void *mgpuModuleLoad(void *data, int64_t size) {
  if (!data) {
    record("attn-cuda: mgpuModuleLoad: null image");
    return nullptr;
  }
  const unsigned char *b = static_cast<const unsigned char *>(data);
  const char *kind = "image";
  if (size >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F')
    kind = "cubin";
  else if (size >= 4 && b[0] == 0x50 && b[1] == 0xed && b[2] == 0x55 &&
           b[3] == 0xba)
    kind = "fatbin";
  return loadModule(data, format("%s, %lld bytes", kind, (long long)size), -1);
}

void *mgpuModuleLoadJIT(void *data, int32_t optLevel) {
  if (!data) {
    record("attn-cuda: mgpuModuleLoadJIT: null PTX");
    return nullptr;
  }
  const char *ptx = static_cast<const char *>(data);
  int level = optLevel < 0 ? 0 : optLevel > 4 ? 4 : optLevel;
  std::string target = ptxTarget(ptx);
  std::string what = format("PTX%s%s, %zu bytes, -O%d",
                            target.empty() ? "" : " .target ", target.c_str(),
                            std::strlen(ptx), level);
  return loadModule(data, what, level);
}

void mgpuModuleUnload(void *module) {
  if (!module)
    return;
  Driver &d = driver();
  if (!d.ok)
    return;
  CUresult r = d.p_cuModuleUnload(static_cast<CUmodule>(module));
  // At process exit the driver may already be shut down.
  if (r != CUDA_ERROR_DEINITIALIZED)
    check(r, "cuModuleUnload");
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!name) {
    record("attn-cuda: mgpuModuleGetFunction: null kernel name");
    return nullptr;
  }
  if (!module) {
    record(format("attn-cuda: mgpuModuleGetFunction(%s): no module (its load "
                  "failed)",
                  name));
    return nullptr;
  }
  ScopedContext scope;
  if (!scope.ok())
    return nullptr;
  CUfunction f = nullptr;
  if (!check(driver().p_cuModuleGetFunction(
                 &f, static_cast<CUmodule>(module), name),
             format("cuModuleGetFunction(%s)", name)))
    return nullptr;
  Tables &t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  t.kernelNames[f] = name;
  return f;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, int64_t /*paramsCount*/) {
  CUfunction f = static_cast<CUfunction>(function);
  if (!launchable("mgpuLaunchKernel", f, gridX, gridY, gridZ, blockX, blockY,
                  blockZ, smem))
    return;
  ScopedContext scope;
  if (!scope.ok() || !prepareSharedMemory(f, smem, scope))
    return;
  check(driver().p_cuLaunchKernel(
            f, static_cast<unsigned>(gridX), static_cast<unsigned>(gridY),
            static_cast<unsigned>(gridZ), static_cast<unsigned>(blockX),
            static_cast<unsigned>(blockY), static_cast<unsigned>(blockZ),
            static_cast<unsigned>(smem), static_cast<CUstream>(stream), params,
            extra),
        format("cuLaunchKernel(%s, grid %lldx%lldx%lld, block %lldx%lldx%lld, "
               "%d bytes shared)",
               kernelName(f).c_str(), (long long)gridX, (long long)gridY,
               (long long)gridZ, (long long)blockX, (long long)blockY,
               (long long)blockZ, static_cast<int>(smem)));
}

void mgpuLaunchClusterKernel(void *function, intptr_t clusterX,
                             intptr_t clusterY, intptr_t clusterZ,
                             intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                             intptr_t blockX, intptr_t blockY, intptr_t blockZ,
                             int32_t smem, void *stream, void **params,
                             void **extra) {
  CUfunction f = static_cast<CUfunction>(function);
  if (!launchable("mgpuLaunchClusterKernel", f, gridX, gridY, gridZ, blockX,
                  blockY, blockZ, smem))
    return;
  if (!validDims(clusterX, clusterY, clusterZ)) {
    record(format("attn-cuda: mgpuLaunchClusterKernel(%s): invalid cluster "
                  "%lldx%lldx%lld",
                  kernelName(f).c_str(), (long long)clusterX,
                  (long long)clusterY, (long long)clusterZ));
    return;
  }
  ScopedContext scope;
  if (!scope.ok() || !prepareSharedMemory(f, smem, scope))
    return;
  Driver &d = driver();
  if (!d.p_cuLaunchKernelEx) {
    record("attn-cuda: mgpuLaunchClusterKernel: the CUDA driver lacks "
           "cuLaunchKernelEx (thread-block clusters need CUDA 12)");
    return;
  }
  std::string call = format(
      "cuLaunchKernelEx(%s, cluster %lldx%lldx%lld, grid %lldx%lldx%lld, "
      "block %lldx%lldx%lld, %d bytes shared)",
      kernelName(f).c_str(), (long long)clusterX, (long long)clusterY,
      (long long)clusterZ, (long long)gridX, (long long)gridY, (long long)gridZ,
      (long long)blockX, (long long)blockY, (long long)blockZ,
      static_cast<int>(smem));
  if (clusterX * clusterY * clusterZ > 8 &&
      !check(d.p_cuFuncSetAttribute(
                 f, CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED, 1),
             "cuFuncSetAttribute(NON_PORTABLE_CLUSTER_SIZE_ALLOWED) for " +
                 call))
    return;
  CUlaunchAttribute attrs[2];
  std::memset(attrs, 0, sizeof(attrs));
  attrs[0].id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  attrs[0].value.clusterDim.x = static_cast<unsigned>(clusterX);
  attrs[0].value.clusterDim.y = static_cast<unsigned>(clusterY);
  attrs[0].value.clusterDim.z = static_cast<unsigned>(clusterZ);
  attrs[1].id = CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE;
  attrs[1].value.clusterSchedulingPolicyPreference =
      CU_CLUSTER_SCHEDULING_POLICY_SPREAD;
  CUlaunchConfig config;
  std::memset(&config, 0, sizeof(config));
  config.gridDimX = static_cast<unsigned>(gridX);
  config.gridDimY = static_cast<unsigned>(gridY);
  config.gridDimZ = static_cast<unsigned>(gridZ);
  config.blockDimX = static_cast<unsigned>(blockX);
  config.blockDimY = static_cast<unsigned>(blockY);
  config.blockDimZ = static_cast<unsigned>(blockZ);
  config.sharedMemBytes = static_cast<unsigned>(smem);
  config.hStream = static_cast<CUstream>(stream);
  config.attrs = attrs;
  config.numAttrs = 2;
  check(d.p_cuLaunchKernelEx(&config, f, params, extra), call);
}

//===--- Streams and events -----------------------------------------------===//

void *mgpuStreamCreate(void) {
  ScopedContext scope;
  if (!scope.ok())
    return nullptr;
  Tables &t = tables();
  {
    std::lock_guard<std::mutex> lock(t.mutex);
    for (size_t i = t.freeStreams.size(); i-- > 0;) {
      if (t.freeStreams[i].first == scope.context()) {
        CUstream s = t.freeStreams[i].second;
        t.freeStreams.erase(t.freeStreams.begin() + i);
        return s;
      }
    }
  }
  CUstream s = nullptr;
  if (!check(driver().p_cuStreamCreate(&s, CU_STREAM_NON_BLOCKING),
             "cuStreamCreate"))
    return nullptr;
  std::lock_guard<std::mutex> lock(t.mutex);
  t.ourStreams[s] = scope.context();
  return s;
}

void mgpuStreamDestroy(void *stream) {
  if (!stream || !driver().ok)
    return;
  CUstream s = static_cast<CUstream>(stream);
  Tables &t = tables();
  {
    std::lock_guard<std::mutex> lock(t.mutex);
    auto it = t.ourStreams.find(s);
    if (it != t.ourStreams.end()) {
      size_t sameContext = 0;
      for (const auto &entry : t.freeStreams)
        sameContext += entry.first == it->second;
      if (sameContext < kStreamPoolPerContext) {
        t.freeStreams.emplace_back(it->second, s);
        return; // pooled; work still queued on it stays ordered before reuse
      }
      t.ourStreams.erase(it);
    }
  }
  check(driver().p_cuStreamDestroy(s), "cuStreamDestroy");
}

void mgpuStreamSynchronize(void *stream) {
  if (!stream || !driver().ok)
    return;
  check(driver().p_cuStreamSynchronize(static_cast<CUstream>(stream)),
        "cuStreamSynchronize");
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  if (!stream || !event || !driver().ok)
    return;
  check(driver().p_cuStreamWaitEvent(static_cast<CUstream>(stream),
                                     static_cast<CUevent>(event), 0),
        "cuStreamWaitEvent");
}

void *mgpuEventCreate(void) {
  ScopedContext scope;
  if (!scope.ok())
    return nullptr;
  CUevent e = nullptr;
  if (!check(driver().p_cuEventCreate(&e, CU_EVENT_DISABLE_TIMING),
             "cuEventCreate"))
    return nullptr;
  return e;
}

void mgpuEventDestroy(void *event) {
  if (!event || !driver().ok)
    return;
  check(driver().p_cuEventDestroy(static_cast<CUevent>(event)),
        "cuEventDestroy");
}

void mgpuEventSynchronize(void *event) {
  if (!event || !driver().ok)
    return;
  check(driver().p_cuEventSynchronize(static_cast<CUevent>(event)),
        "cuEventSynchronize");
}

void mgpuEventRecord(void *event, void *stream) {
  if (!event || !stream || !driver().ok)
    return;
  check(driver().p_cuEventRecord(static_cast<CUevent>(event),
                                 static_cast<CUstream>(stream)),
        "cuEventRecord");
}

//===--- Memory -----------------------------------------------------------===//

void *mgpuMemAlloc(int64_t sizeBytes, void *stream, int8_t isHostShared) {
  if (errorPending())
    return nullptr;
  if (sizeBytes < 0) {
    record(format("attn-cuda: mgpuMemAlloc(%lld bytes): negative size",
                  (long long)sizeBytes));
    return nullptr;
  }
  if (sizeBytes == 0)
    return nullptr;
  ScopedContext scope;
  if (!scope.ok())
    return nullptr;
  CUdeviceptr p = 0;
  Driver &d = driver();
  if (stream && !isHostShared) {
    if (CUmemoryPool pool = memoryPool(scope)) {
      if (!check(d.p_cuMemAllocFromPoolAsync(&p, static_cast<size_t>(sizeBytes),
                                             pool,
                                             static_cast<CUstream>(stream)),
                 format("cuMemAllocFromPoolAsync(%lld bytes)",
                        (long long)sizeBytes)))
        return nullptr;
      Tables &t = tables();
      std::lock_guard<std::mutex> lock(t.mutex);
      t.pooled[p] = scope.context();
      return reinterpret_cast<void *>(p);
    }
  }
  bool ok =
      isHostShared
          ? check(d.p_cuMemAllocManaged(&p, static_cast<size_t>(sizeBytes),
                                        CU_MEM_ATTACH_GLOBAL),
                  format("cuMemAllocManaged(%lld bytes)", (long long)sizeBytes))
          : check(d.p_cuMemAlloc(&p, static_cast<size_t>(sizeBytes)),
                  format("cuMemAlloc(%lld bytes)", (long long)sizeBytes));
  return ok ? reinterpret_cast<void *>(p) : nullptr;
}

void mgpuMemFree(void *ptr, void *stream) {
  if (!ptr)
    return;
  ScopedContext scope;
  if (!scope.ok())
    return;
  bool pooled = false;
  {
    Tables &t = tables();
    std::lock_guard<std::mutex> lock(t.mutex);
    pooled = t.pooled.erase(reinterpret_cast<CUdeviceptr>(ptr)) != 0;
  }
  if (pooled) {
    // Stream-ordered: reusable once `stream` has reached this point. With
    // no stream, as cuMemFree does: after all work of the context (our
    // streams are non-blocking, so the null stream alone would not wait
    // for the work that may still use the memory).
    if (!stream &&
        !check(driver().p_cuCtxSynchronize(), "cuCtxSynchronize (mgpuMemFree)"))
      return;
    check(driver().p_cuMemFreeAsync(reinterpret_cast<CUdeviceptr>(ptr),
                                    static_cast<CUstream>(stream)),
          format("cuMemFreeAsync(%p)", ptr));
    return;
  }
  check(driver().p_cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)),
        format("cuMemFree(%p)", ptr));
}

void mgpuMemcpy(void *dst, void *src, int64_t sizeBytes, void *stream) {
  if (errorPending())
    return;
  if (sizeBytes == 0)
    return;
  if (!dst || !src || sizeBytes < 0) {
    record(format("attn-cuda: mgpuMemcpy(dst %p, src %p, %lld bytes): null "
                  "pointer or negative size",
                  dst, src, (long long)sizeBytes));
    return;
  }
  ScopedContext scope;
  if (!scope.ok())
    return;
  check(driver().p_cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                                 reinterpret_cast<CUdeviceptr>(src),
                                 static_cast<size_t>(sizeBytes),
                                 static_cast<CUstream>(stream)),
        format("cuMemcpyAsync(%lld bytes)", (long long)sizeBytes));
}

} // extern "C"

namespace {
/// mgpuMemset32/16: cuMemsetD32Async / cuMemsetD16Async of `count` elements
/// (`fn` reaches the driver only after the checks, as every entry does).
template <typename T, typename Fn>
void memsetElements(const char *entry, const char *driverName, Fn fn,
                    void *dst, T value, int64_t count, void *stream) {
  if (errorPending() || count == 0)
    return;
  if (!dst || count < 0) {
    record(format("attn-cuda: %s(dst %p, %lld elements): null "
                  "pointer or negative count",
                  entry, dst, (long long)count));
    return;
  }
  ScopedContext scope;
  if (!scope.ok())
    return;
  check(fn(reinterpret_cast<CUdeviceptr>(dst), value,
           static_cast<size_t>(count), static_cast<CUstream>(stream)),
        format("%s(%lld elements)", driverName, (long long)count));
}
} // namespace

extern "C" {

void mgpuMemset32(void *dst, uint32_t value, int64_t count, void *stream) {
  memsetElements(
      "mgpuMemset32", "cuMemsetD32Async",
      [](auto... a) { return driver().p_cuMemsetD32Async(a...); }, dst, value,
      count, stream);
}

void mgpuMemset16(void *dst, uint16_t value, int64_t count, void *stream) {
  memsetElements(
      "mgpuMemset16", "cuMemsetD16Async",
      [](auto... a) { return driver().p_cuMemsetD16Async(a...); }, dst, value,
      count, stream);
}

void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementSizeBytes) {
  char *data = nullptr;
  int64_t bytes = 0;
  if (!denseMemRef("mgpuMemHostRegisterMemRef", rank, descriptor,
                   elementSizeBytes, data, bytes) ||
      bytes == 0)
    return;
  ScopedContext scope;
  if (!scope.ok())
    return;
  check(driver().p_cuMemHostRegister(data, static_cast<size_t>(bytes), 0),
        format("cuMemHostRegister(%p, %lld bytes)", static_cast<void *>(data),
               (long long)bytes));
}

void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementSizeBytes) {
  char *data = nullptr;
  int64_t bytes = 0;
  if (!denseMemRef("mgpuMemHostUnregisterMemRef", rank, descriptor,
                   elementSizeBytes, data, bytes) ||
      bytes == 0)
    return;
  ScopedContext scope;
  if (!scope.ok())
    return;
  check(driver().p_cuMemHostUnregister(data),
        format("cuMemHostUnregister(%p)", static_cast<void *>(data)));
}

void mgpuSetDefaultDevice(int32_t device) {
  if (device < 0) {
    record(format("attn-cuda: mgpuSetDefaultDevice(%d): negative device",
                  static_cast<int>(device)));
    return;
  }
  defaultDevice.store(device, std::memory_order_relaxed);
}

} // extern "C"
