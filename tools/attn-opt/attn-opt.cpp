//===- attn-opt.cpp - mlir-opt with the attn dialect ----------------------===//
//
// mlir-opt's flags and behaviour, plus SPEC.md 2's error contract: on any
// failure (parse, verify, pass, -verify-diagnostics mismatch, unknown flag)
// exactly one line `attn-opt: error: <file:line:col: message>` on stderr and
// exit code 2. mlir-opt's own diagnostics are captured while it runs and
// replayed unchanged when it succeeds (e.g. remarks, timing).
//
//===----------------------------------------------------------------------===//
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Transforms/Passes.h"
#include "attn/Conversion/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

FILE *gCapture = nullptr; // stderr of MlirOptMain while it runs
int gSavedStderr = -1;

std::string stopCapture() {
  if (!gCapture)
    return "";
  llvm::errs().flush();
  std::fflush(stderr);
  dup2(gSavedStderr, 2);
  close(gSavedStderr);
  std::string text;
  std::rewind(gCapture);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, gCapture)) > 0)
    text.append(buf, n);
  std::fclose(gCapture);
  gCapture = nullptr;
  return text;
}

/// The first error of mlir-opt's output as `file:line:col: message`.
std::string firstError(const std::string &text) {
  size_t pos = 0;
  std::string fallback;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos)
      end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (fallback.empty() && !line.empty())
      fallback = line;
    size_t at = line.find("error: ");
    if (at == std::string::npos)
      continue;
    std::string where = line.substr(0, at);
    std::string message = line.substr(at + 7);
    // mlir-opt's "file:1:2: error: msg" and llvm::cl's "attn-opt: error: ...".
    if (where == "attn-opt: " || where.empty())
      return message;
    return where + message;
  }
  // llvm::cl's "attn-opt: Unknown command line argument ...".
  if (fallback.rfind("attn-opt: ", 0) == 0)
    fallback = fallback.substr(10);
  return fallback.empty() ? std::string("failed") : fallback;
}

[[noreturn]] void failWith(const std::string &text) {
  std::fflush(stdout);
  llvm::errs() << "attn-opt: error: " << firstError(text) << "\n";
  llvm::errs().flush();
  _exit(2);
}

/// llvm::cl reports bad flags by calling exit(1) from inside MlirOptMain.
void onExit() {
  if (gCapture)
    failWith(stopCapture());
}

} // namespace

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::attn::registerAttnPasses();
  mlir::attn::registerAttnConversionPasses();
  mlir::attn::registerAttnPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary (the NVVM pipeline) translates kernels to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::attn::AttnDialect>();

  // --help and --version print and exit(0) from inside llvm::cl: nothing to
  // capture, and the exit handler must not turn them into an error.
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-help" || a == "-h" || a == "--help-hidden" ||
        a == "-help-hidden" || a == "--help-list" || a == "--version" ||
        a == "-version")
      return mlir::asMainReturnCode(mlir::MlirOptMain(
          argc, argv, "attn-mlir optimizer driver\n", registry));
  }

  std::fflush(stderr);
  gCapture = std::tmpfile();
  if (gCapture) {
    gSavedStderr = dup(2);
    if (gSavedStderr < 0 || dup2(fileno(gCapture), 2) < 0) {
      std::fclose(gCapture);
      gCapture = nullptr;
    }
  }
  std::atexit(onExit);
  bool ok = mlir::succeeded(mlir::MlirOptMain(
      argc, argv, "attn-mlir optimizer driver\n", registry));
  std::string text = stopCapture();
  if (!ok)
    failWith(text);
  llvm::errs() << text;
  return 0;
}
