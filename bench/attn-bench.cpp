//===- attn-bench.cpp - make bench: attn-mlir against this machine --------===//
//
// One program, one run: measures this machine's FMA peak and memory read
// bandwidth, then times the fused CPU pipeline at 1 and 2 threads and the
// reference pipeline on the shapes of the fused-pipeline issue, and prints a
// markdown table (medians; ratios from this same run).
//
//===----------------------------------------------------------------------===//
#include "attn/Runner/Runner.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace mlir;
using namespace mlir::attn;

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// 12 independent FMA chains (the register tile of a good micro-kernel),
/// 8-wide (256-bit) or 16-wide (512-bit, AVX-512F), `iters` rounds; returns
/// a value that depends on every chain.
float fmaChains256(long iters) {
  __m256 a[12];
  for (int i = 0; i < 12; ++i)
    a[i] = _mm256_set1_ps(1.0f + i * 1e-3f);
  __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iters; ++i)
    for (int j = 0; j < 12; ++j)
      a[j] = _mm256_fmadd_ps(a[j], x, y);
  __m256 acc = a[0];
  for (int j = 1; j < 12; ++j)
    acc = _mm256_add_ps(acc, a[j]);
  float out[8];
  _mm256_storeu_ps(out, acc);
  return out[0];
}

__attribute__((target("avx512f"))) float fmaChains512(long iters) {
  __m512 a[12];
  for (int i = 0; i < 12; ++i)
    a[i] = _mm512_set1_ps(1.0f + i * 1e-3f);
  __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < iters; ++i)
    for (int j = 0; j < 12; ++j)
      a[j] = _mm512_fmadd_ps(a[j], x, y);
  __m512 acc = a[0];
  for (int j = 1; j < 12; ++j)
    acc = _mm512_add_ps(acc, a[j]);
  return _mm512_reduce_add_ps(acc);
}

bool hasAvx512() { return __builtin_cpu_supports("avx512f"); }

/// FMA peak in GFLOP/s over all threads: `bits` = 256 or 512 wide FMAs,
/// `fmas` of them per thread.
double fmaPeak(int threads, int bits = 256, long fmas = 200000000) {
  const long iters = fmas / 12;
  std::vector<double> secs(threads);
  std::vector<std::thread> pool;
  std::atomic<float> sink{0};
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      auto s = Clock::now();
      float r = bits == 512 ? fmaChains512(iters) : fmaChains256(iters);
      secs[t] = msSince(s) / 1e3;
      sink = sink + r;
    });
  for (auto &th : pool)
    th.join();
  double flops = double(iters) * 12 * (bits / 32) * 2 * threads;
  return flops / *std::max_element(secs.begin(), secs.end()) / 1e9;
}

/// Read bandwidth (GB/s) summing a 512 MiB array with `threads` threads.
double readBandwidth(int threads) {
  size_t n = (512ull << 20) / sizeof(float);
  std::vector<float> data(n, 1.0f);
  std::vector<double> best(threads, 1e30);
  for (int rep = 0; rep < 5; ++rep) {
    std::vector<std::thread> pool;
    std::atomic<float> sink{0};
    auto s = Clock::now();
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        size_t lo = n / threads * t, hi = n / threads * (t + 1);
        __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0,
               acc3 = acc0;
        for (size_t i = lo; i + 32 <= hi; i += 32) {
          acc0 = _mm256_add_ps(acc0, _mm256_loadu_ps(&data[i]));
          acc1 = _mm256_add_ps(acc1, _mm256_loadu_ps(&data[i + 8]));
          acc2 = _mm256_add_ps(acc2, _mm256_loadu_ps(&data[i + 16]));
          acc3 = _mm256_add_ps(acc3, _mm256_loadu_ps(&data[i + 24]));
        }
        float out[8];
        _mm256_storeu_ps(out, _mm256_add_ps(_mm256_add_ps(acc0, acc1),
                                            _mm256_add_ps(acc2, acc3)));
        sink = sink + out[0];
      });
    for (auto &th : pool)
      th.join();
    best[0] = std::min(best[0], msSince(s) / 1e3);
  }
  return double(n * sizeof(float)) / best[0] / 1e9;
}

struct Case {
  std::string name, dtype, text;
  double flops = 0, bytes = 0;
  bool decode = false;
};

std::string sdpaText(int64_t b, int64_t h, int64_t hkv, int64_t sq,
                     int64_t sk, int64_t d, const std::string &t,
                     bool causal) {
  auto ty = [&](int64_t heads, int64_t s) {
    std::ostringstream os;
    os << "tensor<" << b << "x" << heads << "x" << s << "x" << d << "x" << t
       << ">";
    return os.str();
  };
  std::ostringstream os;
  os << "func.func @main(%q: " << ty(h, sq) << ", %k: " << ty(hkv, sk)
     << ", %v: " << ty(hkv, sk) << ") -> " << ty(h, sq) << " {\n"
     << "  %o = attn.sdpa %q, %k, %v " << (causal ? "{causal} " : "")
     << ": (" << ty(h, sq) << ", " << ty(hkv, sk) << ", " << ty(hkv, sk)
     << ") -> " << ty(h, sq) << "\n  return %o : " << ty(h, sq) << "\n}\n";
  return os.str();
}

struct Timing {
  double ms = 0, compileMs = 0;
  int runs = 0;
  bool ok = false;
};

/// Compiles `c` with `pipeline` and returns the median of at least `runs`
/// timed calls after `warmups` untimed ones; more calls, up to `budgetMs` of
/// them, so that a burst of load from another tenant of this shared machine
/// that lasts a few milliseconds moves the median of a short case little.
Timing timeCase(MLIRContext &ctx, const Case &c, const std::string &pipeline,
                int threads, int runs, int warmups = 1,
                double budgetMs = 0) {
  Timing t;
  OwningOpRef<ModuleOp> m = parseSourceString<ModuleOp>(c.text, &ctx);
  if (!m)
    return t;
  func::FuncOp fn = *m->getOps<func::FuncOp>().begin();
  FunctionSig sig;
  std::string err;
  if (!getSignature(fn, sig, err))
    return t;
  std::vector<NDArray> inputs(sig.args.size());
  for (size_t i = 0; i < sig.args.size(); ++i) {
    inputs[i].allocate(sig.args[i].type, sig.args[i].shape, err);
    fillRandom(inputs[i], 1000 + i);
  }
  auto s = Clock::now();
  auto cm = CompiledModule::compile(*m, pipeline, err);
  t.compileMs = msSince(s);
  if (!cm) {
    llvm::errs() << "bench: " << c.name << ": " << err << "\n";
    return t;
  }
  setNumThreads(threads);
  std::vector<NDArray> outs;
  for (int i = 0; i < warmups; ++i)
    if (!cm->invoke(sig, inputs, outs, err))
      return t;
  std::vector<double> ms;
  auto start = Clock::now();
  while (int(ms.size()) < runs ||
         (msSince(start) < budgetMs && ms.size() < 1000)) {
    auto r = Clock::now();
    cm->invoke(sig, inputs, outs, err);
    ms.push_back(msSince(r));
  }
  t.runs = int(ms.size());
  t.ms = median(ms);
  t.ok = true;
  return t;
}

double visible(int64_t sq, int64_t sk, bool causal) {
  if (!causal)
    return double(sq) * sk;
  double n = 0;
  for (int64_t i = 0; i < sq; ++i)
    n += std::max<int64_t>(0, std::min<int64_t>(sk, i + sk - sq + 1));
  return n;
}

/// Peak RSS (MiB) of `attn-run` on one input, from wait4's rusage.
double peakRssMiB(const std::string &attnRun, const std::string &file,
                  const std::vector<std::string> &args) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<const char *> argv{attnRun.c_str(), file.c_str()};
    for (auto &a : args)
      argv.push_back(a.c_str());
    argv.push_back(nullptr);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execv(attnRun.c_str(), const_cast<char *const *>(argv.data()));
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return -1;
  return ru.ru_maxrss / 1024.0;
}

} // namespace

int main(int argc, char **argv) {
  std::string self = argv[0];
  std::string binDir = self.substr(0, self.rfind('/') + 1);
  std::string examples = argc > 1 ? argv[1] : "examples";
  bool quick = argc > 2 && std::string(argv[2]) == "--quick";
  // The reference materializes Sq x Sk and runs at a few GFLOP/s: one
  // untimed-warm-up-free call is enough to rank it (and keeps make bench in
  // minutes).
  int runs = quick ? 3 : 7, refRuns = 1;
  double budgetMs = quick ? 100 : 400;

  DialectRegistry registry;
  registerRunnerDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  std::string cpu;
  {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line))
      if (line.rfind("model name", 0) == 0) {
        cpu = line.substr(line.find(':') + 2);
        break;
      }
  }
  // The fused pipeline uses 512-bit vectors where the CPU has AVX-512F
  // (cpuVectorBitsFor), and the peak it is measured against is that of the
  // widest FMA the CPU has; the 256-bit peak is printed beside it.
  int bits = hasAvx512() ? 512 : 256;
  // Best of three: a peak taken while another tenant shares a core would
  // inflate every percentage and let disturbed timings pass the probes.
  double peak1 = 0, peak2 = 0;
  for (int i = 0; i < 3; ++i) {
    peak1 = std::max(peak1, fmaPeak(1, bits));
    peak2 = std::max(peak2, fmaPeak(2, bits));
  }
  double peak1Narrow = bits == 512 ? fmaPeak(1, 256) : peak1;
  double bw1 = readBandwidth(1), bw2 = readBandwidth(2);
  char date[32];
  time_t now = time(nullptr);
  strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
  llvm::outs() << "## attn-mlir benchmark, " << date << ", " << cpu << ", "
               << std::thread::hardware_concurrency() << " threads\n\n"
               << llvm::format("FMA peak (%d-bit FMAs, the widest this CPU "
                               "has; the fused pipeline's vectors are as "
                               "wide): %.1f GFLOP/s (1 thread), %.1f (2 "
                               "threads); with 256-bit FMAs %.1f (1 thread). "
                               "Read bandwidth: %.1f GB/s (1 thread), %.1f "
                               "(2 threads).\n\n",
                               bits, peak1, peak2, peak1Narrow, bw1, bw2);
  llvm::outs().flush();

  std::vector<Case> cases;
  struct Shape {
    int64_t b, h, s, d;
  } shapes[] = {{1, 8, 512, 64}, {1, 8, 2048, 64}, {1, 8, 4096, 64},
                {1, 16, 1024, 128}, {4, 12, 512, 64}};
  for (const char *t : {"f32", "f16"})
    for (bool causal : {false, true})
      for (Shape s : shapes) {
        Case c;
        std::ostringstream os;
        os << "(" << s.b << "," << s.h << "," << s.s << "," << s.d << ")"
           << (causal ? " causal" : "");
        c.name = os.str();
        c.dtype = t;
        c.text = sdpaText(s.b, s.h, s.h, s.s, s.s, s.d, t, causal);
        c.flops = 2.0 * s.b * s.h * visible(s.s, s.s, causal) * 2 * s.d;
        cases.push_back(c);
      }
  {
    std::ifstream f(examples + "/bert_layer.mlir");
    std::stringstream ss;
    ss << f.rdbuf();
    Case c;
    c.name = "BERT layer (2,128,768), 12 heads";
    c.dtype = "f32";
    c.text = ss.str();
    // Projections 4 x 2*B*S*E*E plus attention.
    c.flops = 4 * 2.0 * 2 * 128 * 768 * 768 + 2.0 * 2 * 12 * 128 * 128 * 128;
    if (!c.text.empty())
      cases.push_back(c);
  }
  {
    Case c;
    c.name = "decode (1,32/8,1x4096,128)";
    c.dtype = "f32";
    c.decode = true;
    c.text = sdpaText(1, 32, 8, 1, 4096, 128, "f32", true);
    c.flops = 2.0 * 32 * 4096 * 256;
    c.bytes = 2.0 * 8 * 4096 * 128 * 4 + 2.0 * 32 * 128 * 4;
    cases.push_back(c);
  }

  llvm::outs() << "| case | dtype | fused 1T GFLOP/s | % peak 1T | 1T FMA "
                  "probe | fused 2T GFLOP/s | 2T/1T | 2T FMA probe | "
                  "reference GFLOP/s (1 run) | fused 1T / reference | JIT "
                  "compile ms |\n"
               << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  llvm::outs().flush();
  // The two vCPUs of this machine are sometimes one physical core for a
  // while (another tenant), and a tenant on the sibling of our core slows a
  // 1-thread run as well: each fused timing is bracketed by short FMA probes
  // of its thread count, and repeated (at most kAttempts times) while the
  // lower probe reads under kProbeOk of the best rate of that thread count
  // seen in this run (the peak above or an earlier probe). The attempt with
  // the best probe is reported, with that probe (% of the peak), so that a
  // figure taken on a shared core shows as one.
  constexpr int kAttempts = 3;
  constexpr double kProbeOk = 0.85;
  const long kProbeFmas = 50000000;
  double best[3] = {0, peak1, peak2};
  auto timeProbed = [&](const Case &c, int threads, double &probe) {
    Timing chosen;
    probe = -1;
    for (int a = 0; a < kAttempts && probe < kProbeOk * best[threads]; ++a) {
      double before = fmaPeak(threads, bits, kProbeFmas);
      Timing t = timeCase(ctx, c, "cpu", threads, runs, 1, budgetMs);
      double after = fmaPeak(threads, bits, kProbeFmas);
      best[threads] = std::max({best[threads], before, after});
      double p = std::min(before, after);
      if (p > probe) {
        probe = p;
        chosen = t;
      }
    }
    return chosen;
  };
  for (const Case &c : cases) {
    double probe1, probe;
    Timing f1 = timeProbed(c, 1, probe1);
    Timing f2 = timeProbed(c, 2, probe);
    Timing r = timeCase(ctx, c, "reference", 1, refRuns, /*warmups=*/0);
    auto gf = [&](const Timing &t) {
      return t.ok && t.ms > 0 ? c.flops / (t.ms * 1e6) : 0.0;
    };
    llvm::outs() << "| " << c.name << " | " << c.dtype << " | "
                 << llvm::format("%.1f | %.0f%% | %.0f%% | %.1f | %.2fx | "
                                 "%.0f%% | %.2f | %.0fx | %.0f |",
                                 gf(f1), 100 * gf(f1) / peak1,
                                 100 * probe1 / peak1, gf(f2),
                                 gf(f2) / std::max(gf(f1), 1e-9),
                                 100 * probe / peak2, gf(r),
                                 gf(f1) / std::max(gf(r), 1e-9), f1.compileMs);
    if (c.decode && f1.ok && f2.ok)
      llvm::outs() << llvm::format(
          " %.1f GB/s (%.0f%% of 1T bw) at 1T, %.1f GB/s (%.0f%% of 2T bw) "
          "at 2T",
          c.bytes / (f1.ms * 1e6), 100 * c.bytes / (f1.ms * 1e6) / bw1,
          c.bytes / (f2.ms * 1e6), 100 * c.bytes / (f2.ms * 1e6) / bw2);
    llvm::outs() << "\n";
    llvm::outs().flush();
  }

  // Peak RSS of a (1,8,16384,64) f32 run against a tiny run of the same tool.
  std::string attnRun = binDir + "attn-run";
  std::string big = "/tmp/attn-bench-16k.mlir", tiny = "/tmp/attn-bench-tiny.mlir";
  std::ofstream(big) << sdpaText(1, 8, 8, 16384, 16384, 64, "f32", false);
  std::ofstream(tiny) << sdpaText(1, 1, 1, 64, 64, 64, "f32", false);
  double rssBig = peakRssMiB(attnRun, big, {"--threads=2"});
  double rssTiny = peakRssMiB(attnRun, tiny, {"--threads=2"});
  double io = 4.0 * 8 * 16384 * 64 * 4 / (1 << 20);
  llvm::outs() << llvm::format(
      "\nPeak RSS of attn-run on (1,8,16384,64) f32: %.0f MiB; of a "
      "(1,1,64,64) run: %.0f MiB; inputs + outputs: %.0f MiB; so the run "
      "needs %.0f MiB beyond its tensors and the tool's baseline.\n",
      rssBig, rssTiny, io, rssBig - rssTiny - io);
  return 0;
}
