//===- CudaToolkit.cpp - Finding libdevice; checking the emitted PTX ------===//
//
// Two guards around upstream's NVVM serialization, which otherwise fails
// silently: without a toolkit it leaves `.extern .func __nv_*` math
// declarations in the PTX (a module that no driver can load).
//
//===----------------------------------------------------------------------===//
#include "attn/Conversion/Passes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNCHECKCUDATOOLKIT
#define GEN_PASS_DEF_ATTNVERIFYGPUBINARY
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

std::string mlir::attn::findCudaToolkit(std::string &looked,
                                        llvm::StringRef defaultRoot) {
  SmallVector<std::string> candidates;
  for (const char *var : {"CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"})
    if (const char *v = std::getenv(var); v && *v)
      candidates.push_back(v);
  if (auto ptxas = llvm::sys::findProgramByName("ptxas")) {
    // <toolkit>/bin/ptxas
    SmallString<256> dir(*ptxas);
    llvm::sys::path::remove_filename(dir);
    llvm::sys::path::remove_filename(dir);
    candidates.push_back(std::string(dir));
  }
  if (!defaultRoot.empty())
    candidates.push_back(defaultRoot.str());
  looked.clear();
  for (const std::string &c : candidates) {
    SmallString<256> lib(c);
    llvm::sys::path::append(lib, "nvvm", "libdevice", "libdevice.10.bc");
    if (llvm::sys::fs::exists(lib))
      return c;
    if (!looked.empty())
      looked += ", ";
    looked += std::string(lib);
  }
  return "";
}

namespace {

struct CheckCudaToolkitPass
    : public attn::impl::AttnCheckCudaToolkitBase<CheckCudaToolkitPass> {
  using Base::Base;
  void runOnOperation() override {
    std::string looked;
    std::string root = findCudaToolkit(looked, defaultRoot);
    if (root.empty()) {
      getOperation().emitError()
          << "CUDA libdevice not found (looked for " << looked
          << "); install the CUDA toolkit or set CUDA_ROOT";
      return signalPassFailure();
    }
    // Serialization looks at CUDA_ROOT first: point it at what we found.
    const char *cur = std::getenv("CUDA_ROOT");
    if (!cur || root != cur)
      ::setenv("CUDA_ROOT", root.c_str(), /*overwrite=*/1);
  }
};

struct VerifyGpuBinaryPass
    : public attn::impl::AttnVerifyGpuBinaryBase<VerifyGpuBinaryPass> {
  void runOnOperation() override {
    getOperation().walk([&](gpu::BinaryOp bin) {
      for (Attribute a : bin.getObjects()) {
        auto obj = dyn_cast<gpu::ObjectAttr>(a);
        if (!obj || obj.getFormat() != gpu::CompilationTarget::Assembly)
          continue;
        StringRef ptx = obj.getObject().getValue();
        // `.extern .func (.param .b32 func_retval0) __nv_expf(...)`
        SmallVector<StringRef> lines;
        ptx.split(lines, '\n');
        for (StringRef line : lines) {
          line = line.trim();
          size_t at = line.find("__nv_");
          if (!line.starts_with(".extern") || !line.contains(".func") ||
              at == StringRef::npos)
            continue;
          StringRef name = line.substr(at).take_while(
              [](char ch) { return llvm::isAlnum(ch) || ch == '_'; });
          bin.emitError() << "PTX of '" << bin.getSymName()
                          << "' calls libdevice function '" << name
                          << "' that was not linked (libdevice missing?)";
          signalPassFailure();
          return;
        }
        if (!ptx.contains(".entry")) {
          bin.emitError() << "PTX of '" << bin.getSymName()
                          << "' has no kernel entry";
          signalPassFailure();
          return;
        }
      }
    });
  }
};

} // namespace
