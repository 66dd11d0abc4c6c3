//===- attn-compile.cpp - Ahead-of-time compiler for attn functions -------===//
//
//   attn-compile FILE.mlir -o OUT [--pipeline=cpu|reference] [--cpu=NAME]
//                [--features=+f,-g] [--prefix=attn_]
//
// OUT's suffix picks the artefact (SPEC.md 2.3): .o object, .so shared
// library, .h C header of the entry points, .ll LLVM IR. Every public
// function gets a C entry point `int PREFIX<name>(const T *arg, int64_t
// <arg>_d<i> for each dynamic dim..., T *out...)`; see the generated header.
//
// Exit codes: 0 success, 2 bad input or usage, with one line
// `attn-compile: error: ...` on stderr. OUT is written atomically: it is
// left untouched when compilation fails.
//
//===----------------------------------------------------------------------===//
#include "attn/Aot/Aot.h"
#include "attn/Support/ToolArgs.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <string>

using namespace mlir;
using namespace mlir::attn;

namespace {

constexpr int kExitBadInput = 2;

[[noreturn]] void fail(const std::string &msg) {
  ::attn::failLine("attn-compile", msg, kExitBadInput);
}

const char *kUsage =
    "usage: attn-compile FILE.mlir -o OUT.{o,so,h,ll,ptx} [--pipeline=cpu|reference]\n"
    "                    [--cpu=host|NAME] [--features=+f1,-f2] [--prefix=attn_]\n"
    "  OUT's suffix picks the artefact: .o object, .so shared library (needs\n"
    "  only libc, libm, libomp), .h C header of the entry points, .ll LLVM IR.\n"
    "  --cpu: an LLVM x86 CPU name (default: the host CPU and its features);\n"
    "  --features: features added to or removed from the CPU's.\n"
    "  --target=nvptx [--gpu-chip=sm_80|sm_90a|...]: attn.sdpa and attn.mha\n"
    "  run on NVIDIA GPUs (the nvvm pipeline); OUT may also be .ptx (the\n"
    "  kernels). Objects and libraries call libattn_cuda_runtime\n"
    "  (runtime/cuda); functions that are one attn.sdpa or one attn.mha also\n"
    "  get NAME_device, taking device pointers.\n"
    "  --gpu-mha-lowp-intermediates (with --target=nvptx): f16/bf16 attn.mha\n"
    "  keeps Q, K, V and the head outputs in f16/bf16 (all on tensor cores,\n"
    "  as PyTorch) instead of f32 (the cpu pipeline's precision).\n";

struct Options {
  std::string file, output;
  AotOptions aot;
};

Options parseArgs(int argc, char **argv) {
  Options o;
  bool sawOutput = false, sawPipeline = false, sawChip = false,
       sawLowp = false;
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
    } else if (a == "-o" || is("--output")) {
      if (sawOutput)
        fail("more than one output (-o) given");
      sawOutput = true;
      if (a == "-o") {
        if (i + 1 >= argc)
          fail("option -o needs a file name");
        o.output = argv[++i];
      } else {
        o.output = value("--output");
      }
      if (o.output.empty())
        fail("option -o needs a file name");
    } else if (a.size() > 2 && a.compare(0, 2, "-o") == 0 && a[2] != '-') {
      if (sawOutput)
        fail("more than one output (-o) given");
      sawOutput = true;
      o.output = a.substr(2);
    } else if (is("--pipeline")) {
      o.aot.pipeline = value("--pipeline");
      sawPipeline = true;
      if (o.aot.pipeline != "cpu" && o.aot.pipeline != "reference" &&
          o.aot.pipeline != "nvvm")
        fail("unknown pipeline '" + o.aot.pipeline +
             "' (expected cpu, reference or nvvm)");
    } else if (is("--cpu")) {
      o.aot.cpu = value("--cpu");
      if (o.aot.cpu.empty())
        fail("--cpu needs a CPU name (or host)");
    } else if (is("--features")) {
      o.aot.features = value("--features");
    } else if (is("--prefix")) {
      o.aot.prefix = value("--prefix");
    } else if (is("--target")) {
      std::string t = value("--target");
      if (t == "nvptx") {
        o.aot.target = "nvptx";
      } else if (t == "host" || t == "x86_64" || t == "x86-64") {
        o.aot.target = "host";
      } else {
        fail("unknown target '" + t + "' (expected host or nvptx)");
      }
    } else if (is("--gpu-chip")) {
      std::string c = value("--gpu-chip");
      // sm_<major><minor>[a], from sm_80 (mma.sync, cp.async, ldmatrix) up.
      bool ok = c.size() >= 5 && c.compare(0, 3, "sm_") == 0;
      size_t digits = 0;
      for (size_t k = 3; ok && k < c.size(); ++k) {
        if (std::isdigit((unsigned char)c[k]))
          ++digits;
        else if (!(k + 1 == c.size() && c[k] == 'a'))
          ok = false;
      }
      if (!ok || digits < 2 || std::stoi(c.substr(3, digits)) < 80)
        fail("unknown GPU chip '" + c +
             "' (expected sm_80 or newer, e.g. sm_80, sm_90a)");
      o.aot.gpuChip = c;
      sawChip = true;
    } else if (a == "--gpu-mha-lowp-intermediates") {
      o.aot.gpuMhaLowp = true;
      sawLowp = true;
    } else if (a.size() > 1 && a[0] == '-') {
      fail("unknown option '" + a + "' (see --help)");
    } else if (o.file.empty()) {
      o.file = a;
    } else {
      fail("more than one input file: '" + o.file + "' and '" + a + "'");
    }
  }
  if (o.aot.target == "nvptx") {
    if (sawPipeline && o.aot.pipeline != "nvvm")
      fail("--target=nvptx compiles with the nvvm pipeline, not '" +
           o.aot.pipeline + "'");
    o.aot.pipeline = "nvvm";
    // The PTX features follow the chip: sm_90a needs PTX 8.0, as does ours.
  } else {
    if (o.aot.pipeline == "nvvm")
      fail("--pipeline=nvvm needs --target=nvptx");
    if (sawChip)
      fail("--gpu-chip needs --target=nvptx");
    if (sawLowp)
      fail("--gpu-mha-lowp-intermediates needs --target=nvptx");
  }
  if (o.file.empty())
    fail("no input file (usage: attn-compile FILE.mlir -o OUT, see --help)");
  if (!sawOutput)
    fail("no output file: give -o OUT.{o,so,h,ll,ptx}");
  return o;
}

} // namespace

int main(int argc, char **argv) {
  Options opt = parseArgs(argc, argv);
  std::string err;
  ArtifactKind kind;
  if (!artifactKindFromPath(opt.output, kind, err))
    fail(err);
  {
    llvm::sys::fs::UniqueID in, out;
    if (!llvm::sys::fs::getUniqueID(opt.file, in) &&
        !llvm::sys::fs::getUniqueID(opt.output, out) && in == out)
      fail("output " + opt.output + " would overwrite the input " + opt.file);
  }
  if (llvm::sys::fs::is_directory(opt.file))
    fail("cannot read " + opt.file + ": it is a directory");
  auto buffer = llvm::MemoryBuffer::getFile(opt.file, /*IsText=*/true);
  if (!buffer)
    fail("cannot open " + opt.file + ": " + buffer.getError().message());

  DialectRegistry registry;
  registerRunnerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  ParsedModule pm;
  if (!parseModule(context, (*buffer)->getBuffer(), opt.file, pm, err))
    fail(err);
  if (!compileArtifact(pm, opt.aot, kind, opt.output, opt.file, err))
    fail(err);
  return 0;
}
