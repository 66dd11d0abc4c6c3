//===- AttnC.cpp - C API of the attn-mlir compiler ------------------------===//
//
// Thin C wrappers over lib/Aot and lib/Runner; every error becomes a string,
// never an abort. See include/attn-c/AttnC.h.
//
//===----------------------------------------------------------------------===//
#include "attn-c/AttnC.h"

#include "attn/Aot/Aot.h"
#include "attn/Runner/Runner.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <mutex>
#include <sys/stat.h>

#ifndef ATTN_VERSION
#define ATTN_VERSION "0.0.0"
#endif
#ifndef ATTN_GIT_HASH
#define ATTN_GIT_HASH "unknown"
#endif

using namespace mlir;
using namespace mlir::attn;

struct AttnModule {
  std::unique_ptr<MLIRContext> context;
  ParsedModule parsed;
  std::string sourceName;
};

namespace {

char *dupString(const std::string &s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p)
    std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

void setError(char **error, const std::string &msg) {
  if (error)
    *error = dupString(msg);
}

void clearError(char **error) {
  if (error)
    *error = nullptr;
}

DialectRegistry &registry() {
  static DialectRegistry *r = [] {
    auto *reg = new DialectRegistry();
    registerRunnerDialects(*reg);
    return reg;
  }();
  return *r;
}

std::string fileIdentity(const char *path) {
  struct stat st;
  if (!path || stat(path, &st) != 0)
    return "";
  return std::string(path) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

int collectLibraries(struct dl_phdr_info *info, size_t, void *data) {
  auto *out = static_cast<std::string *>(data);
  llvm::StringRef name = info->dlpi_name ? info->dlpi_name : "";
  if (name.contains("libLLVM") || name.contains("libMLIR") ||
      name.contains("libomp"))
    *out += fileIdentity(info->dlpi_name) + ";";
  return 0;
}

} // namespace

extern "C" {

int attnApiVersion(void) { return ATTN_C_API_VERSION; }

const char *attnVersion(void) {
  static const std::string v = std::string("attn-mlir ") + ATTN_VERSION +
                               " (git " + ATTN_GIT_HASH + ", LLVM " +
                               LLVM_VERSION_STRING + ")";
  return v.c_str();
}

const char *attnCompilerId(void) {
  // The code this library generates is a function of its own contents and
  // of the LLVM/MLIR libraries it runs on: hash the former, identify the
  // latter by path, size and modification time.
  static const std::string id = [] {
    std::string material = attnVersion();
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&attnCompilerId), &info) &&
        info.dli_fname) {
      if (auto buf = llvm::MemoryBuffer::getFile(info.dli_fname, false, false))
        material += llvm::utohexstr(
                        llvm::xxh3_64bits(llvm::arrayRefFromStringRef(
                            (*buf)->getBuffer())),
                        /*LowerCase=*/true) +
                    ":" + std::to_string((*buf)->getBufferSize());
      else
        material += fileIdentity(info.dli_fname);
    }
    std::string libs;
    dl_iterate_phdr(collectLibraries, &libs);
    material += "|" + libs;
    llvm::XXH128_hash_t h =
        llvm::xxh3_128bits(llvm::arrayRefFromStringRef(material));
    return llvm::utohexstr(h.high64, true, 16) +
           llvm::utohexstr(h.low64, true, 16);
  }();
  return id.c_str();
}

const char *attnHostCpu(void) {
  static const std::string s = hostCpuName();
  return s.c_str();
}

const char *attnHostFeatures(void) {
  static const std::string s = hostCpuFeatures();
  return s.c_str();
}

AttnModule *attnParse(const char *text, size_t length, const char *sourceName,
                      char **error) {
  clearError(error);
  if (!text) {
    setError(error, "no text to parse");
    return nullptr;
  }
  auto m = std::make_unique<AttnModule>();
  m->sourceName = sourceName && *sourceName ? sourceName : "<string>";
  m->context = std::make_unique<MLIRContext>(registry(),
                                             MLIRContext::Threading::DISABLED);
  m->context->loadAllAvailableDialects();
  std::string err;
  if (!parseModule(*m->context, llvm::StringRef(text, length), m->sourceName,
                   m->parsed, err)) {
    setError(error, err);
    return nullptr;
  }
  return m.release();
}

void attnModuleDestroy(AttnModule *module) { delete module; }

char *attnSignatures(AttnModule *module, const char *prefix, char **error) {
  clearError(error);
  if (!module) {
    setError(error, "no module");
    return nullptr;
  }
  AotOptions opts;
  if (prefix)
    opts.prefix = prefix;
  std::vector<AotFunction> fns;
  std::string err;
  if (!analyzeModule(module->parsed, opts, fns, err)) {
    setError(error, err);
    return nullptr;
  }
  llvm::json::Array all;
  for (const AotFunction &f : fns) {
    auto tensor = [](const std::string &name, const TensorSig &t) {
      llvm::json::Array shape;
      for (int64_t d : t.shape)
        shape.push_back(d);
      return llvm::json::Object{{"name", name},
                                {"type", elemTypeName(t.type)},
                                {"shape", std::move(shape)}};
    };
    llvm::json::Array args, results;
    for (size_t a = 0; a < f.sig.args.size(); ++a)
      args.push_back(tensor(f.argNames[a], f.sig.args[a]));
    for (size_t r = 0; r < f.sig.results.size(); ++r) {
      llvm::json::Object o = tensor(f.resultNames[r], f.sig.results[r]);
      llvm::json::Array dims;
      for (const AotDim &d : f.resultDims[r]) {
        if (d.kind == AotDim::Const)
          dims.push_back(llvm::json::Object{{"const", d.value}});
        else
          dims.push_back(llvm::json::Object{{"arg", d.arg}, {"dim", d.dim}});
      }
      o["dims"] = std::move(dims);
      results.push_back(std::move(o));
    }
    all.push_back(llvm::json::Object{{"name", f.name},
                                     {"symbol", f.symbol},
                                     {"args", std::move(args)},
                                     {"results", std::move(results)}});
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::json::Value(std::move(all));
  return dupString(s);
}

char *attnLower(AttnModule *module, const char *pipeline, char **error) {
  clearError(error);
  if (!module) {
    setError(error, "no module");
    return nullptr;
  }
  std::string out, err;
  if (!lowerToText(*module->parsed.module, pipeline ? pipeline : "cpu", out,
                   err)) {
    setError(error, err);
    return nullptr;
  }
  return dupString(out);
}

int attnCompile(AttnModule *module, const char *outPath, const char *pipeline,
                const char *cpu, const char *features, const char *prefix,
                char **error) {
  clearError(error);
  if (!module || !outPath) {
    setError(error, "no module or output path");
    return 1;
  }
  AotOptions opts;
  if (pipeline)
    opts.pipeline = pipeline;
  if (opts.pipeline == "nvvm") {
    // GPU code (attn-compile --target=nvptx): the library needs
    // libattn_cuda_runtime and a CUDA driver when called.
    opts.target = "nvptx";
  } else if (opts.pipeline != "cpu" && opts.pipeline != "reference") {
    setError(error, "unknown pipeline '" + opts.pipeline +
                        "' (expected cpu, reference or nvvm)");
    return 1;
  }
  if (cpu)
    opts.cpu = cpu;
  if (features)
    opts.features = features;
  if (prefix)
    opts.prefix = prefix;
  std::string err;
  ArtifactKind kind;
  if (!artifactKindFromPath(outPath, kind, err) ||
      !compileArtifact(module->parsed, opts, kind, outPath, module->sourceName,
                       err)) {
    setError(error, err);
    return 1;
  }
  return 0;
}

int attnInferShapes(AttnModule *module, const char *function,
                    const int64_t *argShapes, size_t numArgDims,
                    int64_t *resultShapes, size_t numResultDims,
                    char **error) {
  clearError(error);
  if (!module || !function) {
    setError(error, "no module or function");
    return 1;
  }
  auto fn = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      *module->parsed.module,
      StringAttr::get(module->context.get(), function));
  if (!fn || fn.isExternal()) {
    setError(error, std::string("no function @") + function);
    return 1;
  }
  FunctionSig sig;
  std::string err;
  if (!getSignature(fn, sig, err)) {
    setError(error, err);
    return 1;
  }
  size_t need = 0;
  for (auto &a : sig.args)
    need += a.shape.size();
  if (need != numArgDims || (need && !argShapes)) {
    setError(error, "@" + sig.name + " needs " + std::to_string(need) +
                        " argument sizes, got " + std::to_string(numArgDims));
    return 1;
  }
  std::vector<std::vector<int64_t>> shapes;
  size_t pos = 0;
  for (size_t i = 0; i < sig.args.size(); ++i) {
    std::vector<int64_t> s(argShapes + pos,
                           argShapes + pos + sig.args[i].shape.size());
    pos += s.size();
    for (int64_t d : s)
      if (d < 0) {
        setError(error, "argument " + std::to_string(i) +
                            " has a negative size");
        return 1;
      }
    if (!sig.args[i].accepts(s)) {
      std::string got;
      for (size_t k = 0; k < s.size(); ++k)
        got += (k ? "x" : "") + std::to_string(s[k]);
      setError(error, "argument " + std::to_string(i) + " has shape " + got +
                          " but @" + sig.name + " expects " +
                          sig.args[i].str());
      return 1;
    }
    shapes.push_back(std::move(s));
  }
  ShapeInfo info;
  if (!inferShapes(fn, shapes, info, err)) {
    setError(error, err);
    return 1;
  }
  size_t out = 0;
  for (auto &r : info.results)
    out += r.size();
  if (out != numResultDims || (out && !resultShapes)) {
    setError(error, "@" + sig.name + " has " + std::to_string(out) +
                        " result sizes, room for " +
                        std::to_string(numResultDims));
    return 1;
  }
  pos = 0;
  for (auto &r : info.results)
    for (int64_t d : r)
      resultShapes[pos++] = d;
  return 0;
}

void attnSetNumThreads(int n) {
  if (n > 0)
    setNumThreads(n);
}

int attnGetMaxThreads(void) { return getMaxThreads(); }

void attnFree(void *p) { std::free(p); }

} // extern "C"
