//===- CudaRuntimeTest.cpp - libattn_cuda_runtime without a GPU -----------===//
//
// The runtime's behaviour where no usable driver exists: every entry point
// returns NULL or does nothing, records one clear message, never aborts, and
// the error API reports and clears it. Each scenario runs in a forked child
// so that it sees a fresh library (the driver is looked up once per process)
// with its own ATTN_CUDA_DRIVER_LIBRARY / ATTN_CUDA_VERBOSE; the child's
// checks come back as text and its stderr is captured.
//
//===----------------------------------------------------------------------===//

#include "attn/cuda_runtime.h"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

struct ChildResult {
  bool exitedNormally = false;
  int exitCode = -1;
  std::string report; // the child's failed checks, one per line
  std::string err;    // the child's stderr
};

using Env = std::vector<std::pair<std::string, std::string>>;

std::string readAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

ChildResult inChild(const Env &env, const std::function<std::string()> &body) {
  ChildResult res;
  char errPath[] = "/tmp/attn-cuda-test-XXXXXX";
  int errFd = mkstemp(errPath);
  int pipeFds[2];
  if (errFd < 0 || pipe(pipeFds) != 0) {
    res.report = "test harness: mkstemp/pipe failed";
    return res;
  }
  unlink(errPath);
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(pipeFds[0]);
    dup2(errFd, 2);
    for (const auto &kv : env)
      setenv(kv.first.c_str(), kv.second.c_str(), 1);
    std::string report;
    try {
      report = body();
    } catch (const std::exception &e) {
      report = std::string("uncaught exception in the child: ") + e.what();
    } catch (...) {
      report = "uncaught exception in the child";
    }
    ssize_t w = write(pipeFds[1], report.data(), report.size());
    (void)w;
    close(pipeFds[1]);
    _exit(report.empty() ? 0 : 1);
  }
  close(pipeFds[1]);
  res.report = readAll(pipeFds[0]);
  close(pipeFds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  res.exitedNormally = WIFEXITED(status);
  res.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  lseek(errFd, 0, SEEK_SET);
  res.err = readAll(errFd);
  close(errFd);
  return res;
}

// Runs `body` in a child and turns its report into test failures.
void expectChildPasses(const Env &env,
                       const std::function<std::string()> &body,
                       ChildResult *out = nullptr) {
  ChildResult r = inChild(env, body);
  EXPECT_TRUE(r.exitedNormally) << "the child died (abort or signal); stderr:\n"
                                << r.err;
  EXPECT_EQ(r.exitCode, 0) << r.report << "stderr:\n" << r.err;
  if (out)
    *out = r;
}

#define CHILD_CHECK(cond)                                                      \
  do {                                                                         \
    if (!(cond))                                                               \
      fails += std::string(__FILE__) + ":" + std::to_string(__LINE__) +        \
               ": " #cond "  [last error: '" + attnCudaLastError() + "']\n";   \
  } while (0)

bool contains(const char *s, const char *part) {
  return s && std::strstr(s, part) != nullptr;
}

std::string take() {
  char buf[2048];
  return attnCudaTakeError(buf, sizeof(buf)) ? std::string(buf)
                                             : std::string();
}

const Env kNoDriver = {
    {"ATTN_CUDA_DRIVER_LIBRARY", "/nonexistent/attn-test/libcuda.so.1"}};
const char *kNoDriverMsg = "attn-cuda: CUDA driver library "
                           "/nonexistent/attn-test/libcuda.so.1 not found (";

const char kPtx[] = ".version 8.0\n.target sm_90a\n.address_size 64\n";

// A dense 2x3 memref descriptor of floats.
struct MemRef2D {
  void *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
};

//===----------------------------------------------------------------------===//

TEST(CudaRuntime, NoDriverEveryEntryPointRecordsTheDriverError) {
  expectChildPasses(kNoDriver, [] {
    std::string fails;
    // Each call that needs the driver returns NULL / does nothing and
    // records the load failure again once the previous one was taken.
    auto expectDriverError = [&](const char *what) {
      std::string msg = take();
      if (msg.rfind(kNoDriverMsg, 0) != 0)
        fails += std::string(what) + ": expected the driver message, got '" +
                 msg + "'\n";
      if (attnCudaHasError())
        fails += std::string(what) + ": error still pending after take\n";
    };
    float host[6] = {1, 2, 3, 4, 5, 6};
    void *fake = host; // never dereferenced by the runtime without a driver
    void *params[1] = {&fake};

    CHILD_CHECK(mgpuModuleLoadJIT(const_cast<char *>(kPtx), 3) == nullptr);
    expectDriverError("mgpuModuleLoadJIT");
    CHILD_CHECK(mgpuModuleLoad(host, sizeof(host)) == nullptr);
    expectDriverError("mgpuModuleLoad");
    CHILD_CHECK(mgpuModuleGetFunction(fake, "k") == nullptr);
    expectDriverError("mgpuModuleGetFunction");
    mgpuLaunchKernel(fake, 1, 1, 1, 32, 1, 1, 0, nullptr, params, nullptr, 1);
    expectDriverError("mgpuLaunchKernel");
    mgpuLaunchKernel(fake, 1, 1, 1, 32, 1, 1, 96 * 1024, nullptr, params,
                     nullptr, 1);
    expectDriverError("mgpuLaunchKernel (96 KiB shared)");
    mgpuLaunchClusterKernel(fake, 2, 1, 1, 4, 1, 1, 128, 1, 1, 0, nullptr,
                            params, nullptr);
    expectDriverError("mgpuLaunchClusterKernel");
    CHILD_CHECK(mgpuStreamCreate() == nullptr);
    expectDriverError("mgpuStreamCreate");
    CHILD_CHECK(mgpuEventCreate() == nullptr);
    expectDriverError("mgpuEventCreate");
    CHILD_CHECK(mgpuMemAlloc(268435456, nullptr, 0) == nullptr);
    expectDriverError("mgpuMemAlloc");
    CHILD_CHECK(mgpuMemAlloc(4096, nullptr, 1) == nullptr);
    expectDriverError("mgpuMemAlloc (managed)");
    mgpuMemFree(fake, nullptr);
    expectDriverError("mgpuMemFree");
    mgpuMemcpy(fake, host, sizeof(host), nullptr);
    expectDriverError("mgpuMemcpy");
    mgpuMemset32(fake, 7u, 6, nullptr);
    expectDriverError("mgpuMemset32");
    mgpuMemset16(fake, 7, 6, nullptr);
    expectDriverError("mgpuMemset16");
    MemRef2D d = {host, host, 0, {2, 3}, {3, 1}};
    mgpuMemHostRegisterMemRef(2, &d, sizeof(float));
    expectDriverError("mgpuMemHostRegisterMemRef");
    mgpuMemHostUnregisterMemRef(2, &d, sizeof(float));
    expectDriverError("mgpuMemHostUnregisterMemRef");
    attnCudaSynchronize();
    expectDriverError("attnCudaSynchronize");
    CHILD_CHECK(host[0] == 1 && host[5] == 6); // nothing wrote through it
    return fails;
  });
}

TEST(CudaRuntime, NoDriverReleasesAndWaitsAreQuietNoOps) {
  expectChildPasses(kNoDriver, [] {
    std::string fails;
    int dummy = 0;
    void *fake = &dummy;
    // Handles that can only come from a working driver: nothing to release.
    mgpuModuleUnload(fake);
    mgpuStreamDestroy(fake);
    mgpuStreamSynchronize(fake);
    mgpuStreamWaitEvent(fake, fake);
    mgpuEventDestroy(fake);
    mgpuEventSynchronize(fake);
    mgpuEventRecord(fake, fake);
    // NULL handles, as left by failed creations.
    mgpuModuleUnload(nullptr);
    mgpuStreamDestroy(nullptr);
    mgpuStreamSynchronize(nullptr);
    mgpuEventDestroy(nullptr);
    mgpuMemFree(nullptr, nullptr);
    mgpuSetDefaultDevice(1);
    CHILD_CHECK(!attnCudaHasError());
    CHILD_CHECK(std::strcmp(attnCudaLastError(), "") == 0);
    CHILD_CHECK(dummy == 0);
    return fails;
  });
}

TEST(CudaRuntime, DefaultDriverNameInMessage) {
  // Only meaningful where no driver is installed (as on the CI machines).
  void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (h) {
    dlclose(h);
    GTEST_SKIP() << "libcuda.so.1 is installed here";
  }
  expectChildPasses({}, [] {
    std::string fails;
    CHILD_CHECK(mgpuMemAlloc(268435456, nullptr, 0) == nullptr);
    CHILD_CHECK(contains(attnCudaLastError(),
                         "attn-cuda: CUDA driver library libcuda.so.1 not "
                         "found (libcuda.so.1: cannot open shared object"));
    return fails;
  });
}

#ifdef ATTN_CUDA_STUB_LIBRARY
TEST(CudaRuntime, StubDriverResolvesEverySymbolAndReportsCuInit) {
  // CUDA's link stub exports every driver symbol and fails cuInit with
  // CUDA_ERROR_STUB_LIBRARY: a message naming a missing symbol here would
  // mean a wrong (e.g. unversioned) name is looked up.
  if (access(ATTN_CUDA_STUB_LIBRARY, R_OK) != 0)
    GTEST_SKIP() << ATTN_CUDA_STUB_LIBRARY << " is not readable";
  expectChildPasses({{"ATTN_CUDA_DRIVER_LIBRARY", ATTN_CUDA_STUB_LIBRARY}},
                    [] {
                      std::string fails;
                      CHILD_CHECK(mgpuStreamCreate() == nullptr);
                      std::string msg = take();
                      CHILD_CHECK(msg.rfind("attn-cuda: cuInit(0) failed: "
                                            "CUDA_ERROR_STUB_LIBRARY",
                                            0) == 0);
                      CHILD_CHECK(msg.find("lacks") == std::string::npos);
                      CHILD_CHECK(mgpuModuleLoadJIT(const_cast<char *>(kPtx),
                                                    3) == nullptr);
                      CHILD_CHECK(contains(attnCudaLastError(),
                                           "CUDA_ERROR_STUB_LIBRARY"));
                      return fails;
                    });
}
#endif

TEST(CudaRuntime, FirstErrorIsStickyAndBlocksLaterWork) {
  expectChildPasses(kNoDriver, [] {
    std::string fails;
    float host[4] = {1, 2, 3, 4}, other[4] = {5, 6, 7, 8};
    mgpuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr,
                     0);
    CHILD_CHECK(attnCudaHasError() == 1);
    std::string first = attnCudaLastError();
    CHILD_CHECK(first == "attn-cuda: mgpuLaunchKernel: null kernel function "
                         "(its module or function lookup failed)");
    // Later failures do not replace it; harmful calls are skipped.
    CHILD_CHECK(mgpuMemAlloc(1024, nullptr, 0) == nullptr);
    mgpuMemcpy(host, other, sizeof(host), nullptr);
    mgpuMemcpy(nullptr, other, sizeof(host), nullptr);
    mgpuMemset32(host, 0u, 4, nullptr);
    CHILD_CHECK(mgpuModuleLoadJIT(const_cast<char *>(kPtx), 3) == nullptr);
    CHILD_CHECK(attnCudaLastError() == first);
    CHILD_CHECK(host[0] == 1 && host[3] == 4);
    CHILD_CHECK(take() == first);
    CHILD_CHECK(!attnCudaHasError());
    CHILD_CHECK(std::strcmp(attnCudaLastError(), "") == 0);
    CHILD_CHECK(take().empty());
    return fails;
  });
}

TEST(CudaRuntime, TakeErrorCopiesTruncatesAndClears) {
  expectChildPasses(kNoDriver, [] {
    std::string fails;
    char buf[16];
    std::memset(buf, 'x', sizeof(buf));
    CHILD_CHECK(attnCudaTakeError(buf, sizeof(buf)) == 0);
    CHILD_CHECK(buf[0] == 'x'); // untouched when nothing is pending
    CHILD_CHECK(mgpuStreamCreate() == nullptr);
    CHILD_CHECK(attnCudaTakeError(buf, 11) == 1);
    CHILD_CHECK(std::strcmp(buf, "attn-cuda:") == 0);
    CHILD_CHECK(buf[11] == 'x');
    CHILD_CHECK(attnCudaTakeError(buf, sizeof(buf)) == 0);
    CHILD_CHECK(mgpuEventCreate() == nullptr);
    CHILD_CHECK(attnCudaTakeError(nullptr, 0) == 1); // clears, copies nothing
    CHILD_CHECK(!attnCudaHasError());
    return fails;
  });
}

TEST(CudaRuntime, ArgumentChecksBeforeTheDriver) {
  expectChildPasses(kNoDriver, [] {
    std::string fails;
    float host[6] = {0};
    // Nothing to do: no error, no driver needed.
    CHILD_CHECK(mgpuMemAlloc(0, nullptr, 0) == nullptr);
    mgpuMemcpy(nullptr, nullptr, 0, nullptr);
    mgpuMemset32(nullptr, 0u, 0, nullptr);
    CHILD_CHECK(!attnCudaHasError());

    mgpuMemcpy(nullptr, host, 24, nullptr);
    CHILD_CHECK(contains(attnCudaLastError(), "mgpuMemcpy(dst (nil), src"));
    CHILD_CHECK(contains(attnCudaLastError(), "24 bytes): null pointer"));
    take();
    mgpuMemset16(nullptr, 1, 8, nullptr);
    CHILD_CHECK(contains(attnCudaLastError(), "mgpuMemset16(dst (nil), 8 "
                                              "elements): null pointer"));
    take();
    CHILD_CHECK(mgpuMemAlloc(-5, nullptr, 0) == nullptr);
    CHILD_CHECK(contains(attnCudaLastError(),
                         "mgpuMemAlloc(-5 bytes): negative size"));
    take();
    void *f = host;
    mgpuLaunchKernel(f, 0, 1, 1, 128, 1, 1, 0, nullptr, nullptr, nullptr, 0);
    CHILD_CHECK(contains(attnCudaLastError(), "invalid launch: grid 0x1x1"));
    take();
    mgpuLaunchClusterKernel(f, 0, 1, 1, 2, 1, 1, 128, 1, 1, 0, nullptr,
                            nullptr, nullptr);
    CHILD_CHECK(contains(attnCudaLastError(), "invalid cluster 0x1x1"));
    take();
    CHILD_CHECK(mgpuModuleGetFunction(nullptr, "attn_kernel") == nullptr);
    CHILD_CHECK(std::string(attnCudaLastError()) ==
                "attn-cuda: mgpuModuleGetFunction(attn_kernel): no module "
                "(its load failed)");
    take();
    CHILD_CHECK(mgpuModuleLoadJIT(nullptr, 3) == nullptr);
    CHILD_CHECK(std::string(attnCudaLastError()) ==
                "attn-cuda: mgpuModuleLoadJIT: null PTX");
    take();
    MemRef2D strided = {host, host, 0, {2, 3}, {6, 2}};
    mgpuMemHostRegisterMemRef(2, &strided, sizeof(float));
    CHILD_CHECK(contains(attnCudaLastError(), "memref is not dense"));
    take();
    mgpuSetDefaultDevice(-1);
    CHILD_CHECK(contains(attnCudaLastError(), "negative device"));
    take();
    return fails;
  });
}

TEST(CudaRuntime, VerbosePrintsEveryErrorToStderr) {
  Env env = kNoDriver;
  env.emplace_back("ATTN_CUDA_VERBOSE", "1");
  ChildResult r;
  expectChildPasses(
      env,
      [] {
        mgpuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr,
                         nullptr, 0);
        mgpuMemset16(nullptr, 1, 8, nullptr); // skipped: an error is pending
        take();
        mgpuStreamCreate();
        return std::string();
      },
      &r);
  EXPECT_NE(r.err.find("attn-cuda: mgpuLaunchKernel: null kernel function"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(kNoDriverMsg), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("mgpuMemset16"), std::string::npos) << r.err;

  // Quiet by default.
  expectChildPasses(
      kNoDriver,
      [] {
        mgpuStreamCreate();
        return std::string();
      },
      &r);
  EXPECT_EQ(r.err, "");
}

TEST(CudaRuntime, ErrorsAreProcessWide) {
  expectChildPasses(kNoDriver, [] {
    std::string fails;
    std::thread t([] { mgpuMemAlloc(64, nullptr, 0); });
    t.join();
    CHILD_CHECK(contains(attnCudaLastError(), kNoDriverMsg));
    CHILD_CHECK(!take().empty());
    return fails;
  });
}

TEST(CudaRuntime, SdpaSplitsHeuristic) {
  // 264 slots (two CTAs on each of 132 SMs).
  // Enough CTAs (>= 80% of the slots) or one key block: no split.
  EXPECT_EQ(attnCudaSdpaSplitsFor(212, 64, 264), 1);
  EXPECT_EQ(attnCudaSdpaSplitsFor(8, 1, 264), 1);
  EXPECT_EQ(attnCudaSdpaSplitsFor(0, 64, 264), 1);
  EXPECT_EQ(attnCudaSdpaSplitsFor(8, 64, 0), 1);
  // Decode, 32 heads over 64 key blocks: s splits fill 32 s / 264 of a wave;
  // the best eligible count (8, 16, 32 or 64) fills 97%, and 7 is the
  // smallest within 85% of that (224 / 264 = 85%; 6 gives 73%).
  EXPECT_EQ(attnCudaSdpaSplitsFor(32, 64, 264), 7);
  // Never more splits than key blocks: 8 CTAs over 4 blocks -> 4.
  EXPECT_EQ(attnCudaSdpaSplitsFor(8, 4, 264), 4);
  // One CTA: at most 128 splits (48% of the slots); the smallest eligible
  // count within 85% of that is 111 (109 and 110 give 38 blocks per split,
  // as 108 does).
  EXPECT_EQ(attnCudaSdpaSplitsFor(1, 4096, 264), 111);
  // Counts giving the same blocks per split as one fewer are skipped: 10
  // blocks in 6..9 splits are all 2 per split, so 5 (2 each) is taken.
  EXPECT_EQ(attnCudaSdpaSplitsFor(50, 10, 264), 5);
}

TEST(CudaRuntime, SdpaSplitsForcedByEnvironment) {
  expectChildPasses({{"ATTN_CUDA_SDPA_SPLITS", "5"}}, [] {
    std::string fails;
    CHILD_CHECK(attnCudaSdpaSplits(10000, 64) == 5);
    CHILD_CHECK(attnCudaSdpaSplits(10000, 3) == 3); // at most the blocks
    CHILD_CHECK(attnCudaSdpaSplits(10000, 0) == 1);
    CHILD_CHECK(!attnCudaHasError()); // no driver was needed
    return fails;
  });
  expectChildPasses({{"ATTN_CUDA_SDPA_SPLITS", "1000"}}, [] {
    std::string fails;
    CHILD_CHECK(attnCudaSdpaSplits(1, 4096) == 128);
    return fails;
  });
  // Not a count: the heuristic, which without a driver records the driver
  // error and gives 1.
  Env env = kNoDriver;
  env.push_back({"ATTN_CUDA_SDPA_SPLITS", "four"});
  expectChildPasses(env, [] {
    std::string fails;
    CHILD_CHECK(attnCudaSdpaSplits(1, 4096) == 1);
    CHILD_CHECK(contains(attnCudaLastError(), kNoDriverMsg));
    return fails;
  });
}

#ifdef ATTN_CUDA_EMULATOR_LIBRARY
TEST(CudaRuntime, EmulatedDeviceSplitsAndStreamOrderedMemory) {
  expectChildPasses(
      {{"ATTN_CUDA_DRIVER_LIBRARY", ATTN_CUDA_EMULATOR_LIBRARY}}, [] {
        std::string fails;
        // The emulated device has 132 SMs: the decode case above.
        CHILD_CHECK(attnCudaSdpaSplits(32, 64) == 7);
        CHILD_CHECK(attnCudaSdpaSplits(1000, 64) == 1);
        // Pool memory on a stream: a round trip, freed in stream order.
        void *stream = mgpuStreamCreate();
        CHILD_CHECK(stream != nullptr);
        float in[64], out[64];
        for (int i = 0; i < 64; ++i)
          in[i] = float(i) * 0.5f;
        void *d = mgpuMemAlloc(sizeof(in), stream, 0);
        CHILD_CHECK(d != nullptr);
        mgpuMemcpy(d, in, sizeof(in), stream);
        mgpuMemcpy(out, d, sizeof(out), stream);
        mgpuMemFree(d, stream);
        mgpuStreamSynchronize(stream);
        mgpuStreamDestroy(stream);
        CHILD_CHECK(std::memcmp(in, out, sizeof(in)) == 0);
        // Without a stream: a plain allocation, freed synchronously.
        void *p = mgpuMemAlloc(256, nullptr, 0);
        CHILD_CHECK(p != nullptr);
        mgpuMemFree(p, nullptr);
        // Pool memory freed without a stream: after the context's work.
        void *s2 = mgpuStreamCreate();
        void *q = mgpuMemAlloc(256, s2, 0);
        CHILD_CHECK(q != nullptr);
        mgpuMemFree(q, nullptr);
        mgpuStreamDestroy(s2);
        CHILD_CHECK(!attnCudaHasError());
        return fails;
      });
}
#endif

} // namespace
