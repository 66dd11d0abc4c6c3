//===- attn-run.cpp - JIT runner for attn functions -----------------------===//
//
//   attn-run FILE.mlir [--function=NAME] [--pipeline=cpu|reference]
//            [--threads=N] [--input=@a.npy | --input=SHAPE=random[:SEED]]...
//            [--output=@o.npy]... [--check] [--benchmark=N]
//
// Exit codes (SPEC.md 2): 0 success, 1 --check above tolerance, 2 bad input.
// Every error is one line `attn-run: error: ...`; no output file is written
// unless the run succeeded, and outputs are written atomically.
//
//===----------------------------------------------------------------------===//
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Runner/Runner.h"
#include "attn/Support/NDArray.h"
#include "attn/Support/Npy.h"
#include "attn/Support/ToolArgs.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::attn;

namespace {

constexpr int kExitCheckFailed = 1;
constexpr int kExitBadInput = 2;

[[noreturn]] void fail(const std::string &msg) {
  ::attn::failLine("attn-run", msg, kExitBadInput);
}

const char *kUsage =
    "usage: attn-run FILE.mlir [--function=NAME] [--pipeline=cpu|reference]\n"
    "                [--threads=N] [--input=@a.npy | "
    "--input=SHAPE=random[:SEED]]...\n"
    "                [--output=@o.npy]... [--check] [--benchmark=N]\n";

struct Options {
  std::string file;
  std::string function;
  std::string pipeline = "cpu";
  int64_t threads = 0; // 0: every core
  std::vector<std::string> inputs, outputs;
  bool check = false;
  int64_t benchmark = 0;
};

bool parseInt(const std::string &s, int64_t &v) {
  if (s.empty() || s.size() > 18)
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  v = std::stoll(s);
  return true;
}

Options parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag) -> std::string {
      if (auto v = ::attn::flagValue(i, argc, argv, flag))
        return *v;
      fail(::attn::missingValue(flag));
    };
    auto is = [&](const char *flag) { return ::attn::isFlag(a, flag); };
    if (a == "--help" || a == "-h") {
      llvm::outs() << kUsage;
      std::exit(0);
    } else if (is("--function")) {
      o.function = value("--function");
      if (o.function.empty())
        fail("--function needs a function name");
    } else if (is("--pipeline")) {
      o.pipeline = value("--pipeline");
      if (o.pipeline != "cpu" && o.pipeline != "reference")
        fail("unknown pipeline '" + o.pipeline +
             "' (expected cpu or reference)");
    } else if (is("--threads")) {
      std::string v = value("--threads");
      if (!parseInt(v, o.threads) || o.threads < 1 || o.threads > 1024)
        fail("--threads expects a positive integer, got '" + v + "'");
    } else if (is("--input")) {
      o.inputs.push_back(value("--input"));
    } else if (is("--output")) {
      o.outputs.push_back(value("--output"));
    } else if (a == "--check") {
      o.check = true;
    } else if (is("--benchmark")) {
      std::string v = value("--benchmark");
      if (!parseInt(v, o.benchmark) || o.benchmark < 1 ||
          o.benchmark > 1000000)
        fail("--benchmark expects a positive number of runs, got '" + v + "'");
    } else if (a.size() > 1 && a[0] == '-') {
      fail("unknown option '" + a + "' (see --help)");
    } else if (o.file.empty()) {
      o.file = a;
    } else {
      fail("more than one input file: '" + o.file + "' and '" + a + "'");
    }
  }
  if (o.file.empty())
    fail("no input file (usage: attn-run FILE.mlir [options], see --help)");
  return o;
}

/// "@x.npy" or "x.npy" -> path; empty if not a file reference.
std::string filePath(const std::string &spec) {
  if (!spec.empty() && spec[0] == '@')
    return spec.substr(1);
  if (spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".npy") == 0 &&
      spec.find('=') == std::string::npos)
    return spec;
  return "";
}

/// Stream for argument `i` drawn with seed `seed`.
uint64_t argSeed(uint64_t seed, size_t i) {
  return seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull * (i + 1);
}

NDArray bindInput(const std::string &spec, size_t i, const TensorSig &sig) {
  std::string what = "input " + std::to_string(i);
  NDArray a;
  std::string err;
  std::string path = filePath(spec);
  if (!path.empty()) {
    if (!readNpy(path, a, err))
      fail(what + ": " + err);
    what += " (" + path + ")";
  } else {
    // SHAPE=random[:SEED]
    size_t eq = spec.find('=');
    if (eq == std::string::npos)
      fail(what + ": expected @FILE.npy or SHAPE=random[:SEED], got '" + spec +
           "'");
    std::vector<int64_t> shape;
    ElemType t;
    if (!parseShapedType(spec.substr(0, eq), shape, t, err))
      fail(what + ": " + err);
    std::string gen = spec.substr(eq + 1);
    uint64_t seed = 0;
    if (gen.compare(0, 6, "random") != 0)
      fail(what + ": unknown generator '" + gen + "' (expected random[:SEED])");
    if (gen.size() > 6) {
      int64_t s;
      if (gen[6] != ':' || !parseInt(gen.substr(7), s))
        fail(what + ": bad seed in '" + gen + "' (expected random:SEED)");
      seed = uint64_t(s);
    }
    if (!a.allocate(t, shape, err))
      fail(what + ": " + err);
    fillRandom(a, argSeed(seed, i));
  }
  if (a.type != sig.type || !sig.accepts(a.shape))
    fail(what + " has type " + a.typeString() +
         " but function argument " + std::to_string(i) + " is " + sig.str());
  return a;
}

std::string fmtShape(const std::vector<int64_t> &s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i)
    r += (i ? "x" : "") + std::to_string(s[i]);
  return r;
}

double tolerance(ElemType t) {
  switch (t) {
  case ElemType::F16:
    return 2e-2;
  case ElemType::BF16:
    return 6e-2;
  default:
    return 2e-4;
  }
}

volatile std::sig_atomic_t deferredSignal = 0;
extern "C" void noteSignal(int sig) { deferredSignal = sig; }

/// Holds back the termination signals between construction and release().
class DeferTerminationSignals {
public:
  DeferTerminationSignals() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = noteSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < kCount; ++i)
      sigaction(kSignals[i], &sa, &saved[i]);
  }
  void release() {
    if (released)
      return;
    released = true;
    for (size_t i = 0; i < kCount; ++i)
      sigaction(kSignals[i], &saved[i], nullptr);
    if (deferredSignal)
      std::raise(deferredSignal);
  }
  ~DeferTerminationSignals() { release(); }

private:
  static constexpr size_t kCount = 4;
  static constexpr int kSignals[kCount] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  struct sigaction saved[kCount];
  bool released = false;
};

/// Fails if an attn op of `fn` would need a score matrix larger than a host
/// array may be (checkTensorSize's limit) under the reference pipeline.
/// Operand shapes are the bound argument shapes, or static types.
void checkReferenceScores(func::FuncOp fn,
                          const std::vector<std::vector<int64_t>> &argShapes) {
  auto shapeOf = [&](Value v) -> std::vector<int64_t> {
    if (auto ba = dyn_cast<BlockArgument>(v))
      if (ba.getOwner() == &fn.getBody().front() &&
          ba.getArgNumber() < argShapes.size())
        return argShapes[ba.getArgNumber()];
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (t && t.hasStaticShape())
      return std::vector<int64_t>(t.getShape().begin(), t.getShape().end());
    return {};
  };
  fn.walk([&](Operation *op) {
    std::vector<int64_t> scores;
    if (auto sdpa = dyn_cast<SdpaOp>(op)) {
      std::vector<int64_t> q = shapeOf(sdpa.getQuery()), k = shapeOf(sdpa.getKey());
      if (q.size() == 4 && k.size() == 4)
        scores = {q[0], q[1], q[2], k[2]};
    } else if (auto mha = dyn_cast<MhaOp>(op)) {
      std::vector<int64_t> x = shapeOf(mha.getX());
      std::vector<int64_t> kv = mha.getMemory() ? shapeOf(mha.getMemory()) : x;
      if (x.size() == 3 && kv.size() == 3)
        scores = {x[0], int64_t(mha.getNumHeads()), x[1], kv[1]};
    }
    uint64_t bytes;
    std::string err;
    if (!scores.empty() && !checkTensorSize(ElemType::F32, scores, bytes, err))
      fail("--pipeline=reference materializes the scores of " +
           op->getName().getStringRef().str() + ": " + err +
           " (--pipeline=cpu does not)");
  });
}

bool sameFile(const std::string &a, const std::string &b) {
  struct stat sa, sb;
  if (stat(a.c_str(), &sa) != 0 || stat(b.c_str(), &sb) != 0)
    return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

} // namespace

int main(int argc, char **argv) {
  Options opt = parseArgs(argc, argv);

  DialectRegistry registry;
  registerRunnerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  // Parse and verify, with the first diagnostic as the one error line.
  FirstErrorCollector diags(&context);
  auto buffer = llvm::MemoryBuffer::getFile(opt.file, /*IsText=*/true);
  if (!buffer)
    fail("cannot open " + opt.file + ": " + buffer.getError().message());
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    fail(diags.first.empty() ? "cannot parse " + opt.file : diags.first);

  // Pick the function: --function, else @main, else the first one.
  func::FuncOp fn;
  std::vector<std::string> names;
  module->walk([&](func::FuncOp f) {
    if (f.isExternal())
      return;
    names.push_back(f.getSymName().str());
    if ((!opt.function.empty() && f.getSymName() == opt.function) ||
        (opt.function.empty() && f.getSymName() == "main"))
      fn = f;
  });
  if (!fn && opt.function.empty() && !names.empty())
    fn = *module->getOps<func::FuncOp>().begin();
  if (!fn) {
    std::string all;
    for (auto &n : names)
      all += (all.empty() ? "@" : ", @") + n;
    fail(opt.function.empty()
             ? "no function with a body in " + opt.file
             : "no function @" + opt.function + " in " + opt.file +
                   (all.empty() ? "" : " (it has " + all + ")"));
  }
  FunctionSig sig;
  std::string err;
  if (!getSignature(fn, sig, err))
    fail(err);

  // Bind the inputs.
  std::vector<NDArray> inputs;
  if (opt.inputs.empty()) {
    for (size_t i = 0; i < sig.args.size(); ++i) {
      const TensorSig &a = sig.args[i];
      if (std::any_of(a.shape.begin(), a.shape.end(),
                      [](int64_t d) { return d < 0; }))
        fail("argument " + std::to_string(i) + " has type " + a.str() +
             " with dynamic dimensions: give its shape with --input=SHAPE="
             "random or --input=@FILE.npy");
      NDArray arr;
      if (!arr.allocate(a.type, a.shape, err))
        fail("argument " + std::to_string(i) + ": " + err);
      fillRandom(arr, argSeed(0, i));
      inputs.push_back(std::move(arr));
    }
  } else {
    if (opt.inputs.size() != sig.args.size())
      fail("@" + sig.name + " takes " + std::to_string(sig.args.size()) +
           " arguments but " + std::to_string(opt.inputs.size()) +
           " --input were given");
    for (size_t i = 0; i < opt.inputs.size(); ++i)
      inputs.push_back(bindInput(opt.inputs[i], i, sig.args[i]));
  }
  if (opt.outputs.size() > sig.results.size())
    fail("@" + sig.name + " has " + std::to_string(sig.results.size()) +
         " results but " + std::to_string(opt.outputs.size()) +
         " --output were given");
  for (size_t i = 0; i < opt.outputs.size(); ++i) {
    std::string path = filePath(opt.outputs[i]);
    if (path.empty())
      fail("output " + std::to_string(i) + ": expected @FILE.npy, got '" +
           opt.outputs[i] + "'");
    for (const std::string &in : opt.inputs)
      if (!filePath(in).empty() && sameFile(filePath(in), path))
        fail("output " + std::to_string(i) + " (" + path +
             ") would overwrite an input file");
    if (sameFile(opt.file, path))
      fail("output " + std::to_string(i) + " (" + path +
           ") would overwrite the program " + opt.file);
    {
      size_t slash = path.rfind('/');
      std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
      struct stat st;
      if (dir.empty())
        dir = "/";
      if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail("output " + std::to_string(i) + ": cannot write " + path +
             ": no such directory " + dir);
      // The file is replaced by a rename: only a regular file may be there
      // (a directory would fail the rename after other outputs were
      // committed; a device such as /dev/null would be replaced).
      if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        fail("output " + std::to_string(i) + ": cannot write " + path +
             ": it exists and is not a regular file");
    }
    for (size_t j = 0; j < i; ++j)
      if (filePath(opt.outputs[j]) == path)
        fail("outputs " + std::to_string(j) + " and " + std::to_string(i) +
             " are the same file " + path);
    opt.outputs[i] = path;
  }

  // Run-time shape rules (dynamic dimensions) and flops.
  std::vector<std::vector<int64_t>> shapes;
  for (const NDArray &a : inputs)
    shapes.push_back(a.shape);
  ShapeInfo info;
  if (!inferShapes(fn, shapes, info, err))
    fail(err);
  // Results must fit in host arrays (the compiled code allocates them; a
  // size that overflows or cannot be held would crash it).
  for (size_t r = 0; r < info.results.size() && r < sig.results.size(); ++r) {
    uint64_t bytes;
    if (!checkTensorSize(sig.results[r].type, info.results[r], bytes, err))
      fail("result " + std::to_string(r) + " of @" + sig.name + ": " + err);
  }
  // The reference pipeline materializes every op's B x H x Sq x Sk f32
  // scores; the compiled code would crash if that allocation failed.
  if (opt.pipeline == "reference")
    checkReferenceScores(fn, shapes);
  if (opt.check && !info.oracleSupported)
    fail("--check: the reference oracle does not evaluate " +
         info.unsupportedOp + " (it evaluates attn ops, linalg.matmul/fill, reshapes and constants)");

  if (opt.threads > 0)
    setNumThreads(int(opt.threads));
  else
    opt.threads = getMaxThreads();

  // Compile.
  auto t0 = std::chrono::steady_clock::now();
  // Only the chosen function (and what it references) is compiled.
  {
    SymbolTable symbols(*module);
    SmallVector<func::FuncOp> unused;
    for (auto f : module->getOps<func::FuncOp>())
      if (f != fn && SymbolTable::symbolKnownUseEmpty(f, *module))
        unused.push_back(f);
    for (auto f : unused)
      f.erase();
  }
  auto compiled = CompiledModule::compile(*module, opt.pipeline, err);
  if (!compiled)
    fail(err);
  double compileMs = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - t0)
                         .count();

  std::vector<NDArray> outputs;
  if (!compiled->invoke(sig, inputs, outputs, err))
    fail(err);

  for (size_t i = 0; i < outputs.size(); ++i) {
    const NDArray &o = outputs[i];
    llvm::outs() << "result[" << i << "]: " << o.typeString() << " [";
    int64_t n = std::min<int64_t>(o.numElements(), 4);
    for (int64_t j = 0; j < n; ++j)
      llvm::outs() << (j ? ", " : "") << llvm::format("%.6g", o.get(j));
    llvm::outs() << (o.numElements() > n ? ", ...]" : "]") << "\n";
  }

  int rc = 0;
  if (opt.check) {
    std::vector<Tensor64> ref;
    if (!evaluateWithOracle(fn, inputs, ref, err))
      fail("--check: " + err);
    // Errors are measured against the scale of each result: max(1, max|ref|).
    // For attn.sdpa on inputs in [-1, 1] (outputs are convex combinations of
    // V rows) that is the plain absolute error; for a layer whose outputs
    // reach 100s it is what f32 arithmetic can honestly promise (a float32
    // numpy implementation differs from float64 by the same amount).
    double maxAbs = 0, maxRel = 0;
    bool pass = true;
    for (size_t r = 0; r < outputs.size(); ++r) {
      const NDArray &o = outputs[r];
      if (ref[r].shape != o.shape)
        fail("--check: result " + std::to_string(r) + " has shape " +
             fmtShape(o.shape) + " but the oracle computed " +
             fmtShape(ref[r].shape));
      double scale = 1.0;
      for (double x : ref[r].data)
        if (std::isfinite(x))
          scale = std::max(scale, std::fabs(x));
      double resultAbs = 0;
      for (int64_t i = 0; i < o.numElements(); ++i) {
        double got = o.get(i), want = ref[r].data[i];
        double absErr = std::fabs(got - want);
        if (std::isnan(got) || std::isnan(want))
          absErr = std::isnan(got) && std::isnan(want) ? 0 : INFINITY;
        else if (got == want) // equal infinities
          absErr = 0;
        resultAbs = std::max(resultAbs, absErr);
      }
      double rel = resultAbs / scale;
      maxAbs = std::max(maxAbs, resultAbs);
      maxRel = std::max(maxRel, rel);
      if (!(rel <= tolerance(o.type)))
        pass = false;
    }
    llvm::outs() << llvm::format("max_abs_err=%.3e max_rel_err=%.3e", maxAbs,
                                 maxRel)
                 << (pass ? " check=pass" : " check=FAIL") << "\n";
    if (!pass)
      rc = kExitCheckFailed;
  }

  // Write the outputs only now that the run succeeded, all or nothing: every
  // file is staged next to its target first, then all are renamed. SIGINT,
  // SIGTERM, SIGHUP and SIGQUIT are held back meanwhile (a handler notes
  // them, in whichever thread they land), so that an interrupt cannot leave
  // a temporary file or half of the outputs behind; one that arrived is
  // re-raised once the files are in place.
  DeferTerminationSignals deferSignals;
  std::vector<std::string> staged;
  for (size_t i = 0; i < opt.outputs.size(); ++i) {
    std::string tmp;
    if (!stageNpy(opt.outputs[i], outputs[i], tmp, err)) {
      for (const std::string &t : staged)
        ::unlink(t.c_str());
      fail("output " + std::to_string(i) + ": " + err);
    }
    staged.push_back(tmp);
  }
  for (size_t i = 0; i < opt.outputs.size(); ++i)
    if (!commitNpy(staged[i], opt.outputs[i], err)) {
      for (size_t j = i + 1; j < staged.size(); ++j)
        ::unlink(staged[j].c_str());
      fail("output " + std::to_string(i) + ": " + err);
    }
  deferSignals.release();

  if (opt.benchmark > 0) {
    std::vector<double> ms;
    std::vector<NDArray> scratch;
    if (!compiled->invoke(sig, inputs, scratch, err)) // warm-up
      fail(err);
    for (int64_t i = 0; i < opt.benchmark; ++i) {
      auto s = std::chrono::steady_clock::now();
      if (!compiled->invoke(sig, inputs, scratch, err))
        fail(err);
      ms.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - s)
                       .count());
    }
    std::sort(ms.begin(), ms.end());
    double median = ms.size() % 2 ? ms[ms.size() / 2]
                                  : 0.5 * (ms[ms.size() / 2 - 1] +
                                           ms[ms.size() / 2]);
    double gflops = median > 0 ? info.flops / (median * 1e6) : 0;
    llvm::outs() << "{\"function\": \"" << sig.name << "\", \"pipeline\": \""
                 << opt.pipeline << "\", \"threads\": " << opt.threads
                 << llvm::format(", \"median_ms\": %.4f, \"min_ms\": %.4f, "
                                 "\"gflops\": %.3f, \"compile_ms\": %.1f}",
                                 median, ms.front(), gflops, compileMs)
                 << "\n";
  }
  llvm::outs().flush();
  return rc;
}
