//===- Aot.h - Ahead-of-time compilation of attn functions -------*- C++ -*-===//
//
// What attn-compile and the C API (Python package) share: a module of attn
// functions lowered with the same named pipeline as the JIT, translated to
// LLVM IR, given one plain-C entry point per public function, optimized for
// a chosen x86 CPU, and emitted as an object, a shared library (linked by
// clang against libc, libm and libomp only), LLVM IR, or a C header.
//
// The C entry point of `func.func @NAME(%a: tensor<...>, ...) -> (...)` is
//
//   int PREFIX NAME(const T *a, int64_t a_d<i>..., ..., T *out0, ...);
//
// one pointer per tensor argument (dense, row-major), followed by one
// int64_t per dynamic dimension of that argument, then one caller-allocated
// buffer per result. It checks the sizes against the shape rules of SPEC.md
// (returning ATTN_ERR_SIZES instead of reading out of bounds), calls the
// lowered function, copies each result into its buffer and frees it.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_AOT_AOT_H
#define ATTN_AOT_AOT_H

#include "attn/Runner/Runner.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir {
namespace attn {

/// Return codes of the generated entry points (also #defined in headers).
enum AotStatus {
  kAotOk = 0,
  kAotErrSizes = 1,    // a size is negative or sizes break the shape rules
  kAotErrNull = 2,     // a tensor pointer is NULL
  kAotErrInternal = 3, // a result does not have the documented size
  kAotErrCuda = 4,     // the CUDA runtime reported an error (--target=nvptx)
  kAotErrAlign = 5,    // a NAME_device pointer is not 16-byte aligned
};

/// A size in terms of the entry point's arguments: a constant, or dimension
/// `dim` of argument `arg` (a dynamic one), or unknown.
struct AotDim {
  enum Kind { Const, ArgDim, Unknown } kind = Unknown;
  int64_t value = 0; // Const
  int arg = -1, dim = -1;
  static AotDim constant(int64_t v) { return {Const, v, -1, -1}; }
  static AotDim argDim(int a, int d) { return {ArgDim, 0, a, d}; }
  bool operator==(const AotDim &o) const {
    return kind == o.kind && value == o.value && arg == o.arg && dim == o.dim;
  }
};

/// A run-time check of the entry point: `lhs == rhs`, `lhs in {1, rhs}`,
/// or `rhs == 0 ? lhs == 0 : lhs % rhs == 0`.
struct AotCheck {
  enum Kind { Equal, OneOrEqual, MultipleOf } kind = Equal;
  AotDim lhs, rhs;
};

/// One exported function.
struct AotFunction {
  std::string name;                  // MLIR symbol
  std::string symbol;                // C entry point: prefix + name
  FunctionSig sig;                   // boundary tensor types
  std::vector<std::string> argNames; // C parameter names (from %names)
  std::vector<std::string> resultNames;
  std::vector<std::vector<AotDim>> resultDims; // every dim known
  std::vector<AotCheck> checks;
  /// --target=nvptx: after the call, a CUDA runtime error (attnCudaHasError)
  /// turns into kAotErrCuda.
  bool checkCuda = false;
  /// The device-pointer variant (`<symbol>_device`) of a function that is one
  /// attn.sdpa: it calls the launcher the lowering names in the function's
  /// `attn.gpu_device_launcher` attribute, with the result buffers passed in
  /// (destination passing) instead of returned.
  bool deviceEntry = false;
  /// The lowered function takes its results as trailing memref parameters
  /// (the cpu and reference pipelines); else it returns them (nvvm).
  bool outParams = false;
};

/// Target and naming options.
struct AotOptions {
  std::string pipeline = "cpu";
  std::string target = "host"; // "host" or "nvptx" (pipeline "nvvm")
  std::string gpuChip = "sm_80";
  /// nvvm: f16/bf16 attn.mha keeps its intermediates in f16/bf16
  /// (NvvmPipelineOptions::mhaLowpIntermediates).
  bool gpuMhaLowp = false;
  std::string cpu;      // "" or "host": the host CPU
  std::string features; // "+f1,-f2": added to the CPU's (host: detected) set
  std::string prefix = "attn_";
};

/// A parsed module that remembers the source names of function arguments
/// (`%q` -> `q`), for the C parameter names.
struct ParsedModule {
  OwningOpRef<ModuleOp> module;
  std::map<std::pair<std::string, unsigned>, std::string> argNames;
};

/// Parses `text` (named `sourceName` in diagnostics) and verifies it. On
/// failure `err` is the first diagnostic as one line "file:line:col: msg".
bool parseModule(MLIRContext &ctx, llvm::StringRef text,
                 llvm::StringRef sourceName, ParsedModule &out,
                 std::string &err);

/// The public functions with bodies, their C names, result sizes and
/// run-time checks. Fails if there is none, a name is not a C identifier,
/// a boundary type is not a tensor of f32/f16/bf16/i1, or a dynamic result
/// dimension cannot be expressed in the arguments' sizes.
bool analyzeModule(const ParsedModule &pm, const AotOptions &opts,
                   std::vector<AotFunction> &fns, std::string &err);

/// The C header declaring the entry points of `fns`.
std::string emitHeader(const std::vector<AotFunction> &fns,
                       const AotOptions &opts, llvm::StringRef guardBase,
                       llvm::StringRef sourceName);

/// A target machine for the host triple and `opts.cpu`/`opts.features`
/// (validated: unknown CPUs and features are errors), position independent.
std::unique_ptr<llvm::TargetMachine>
createAotTargetMachine(const AotOptions &opts, std::string &err);

/// Lowers `pm.module` (a clone; arguments are marked read-only) with
/// `opts.pipeline` and returns the MLIR text (LLVM dialect).
bool lowerToText(ModuleOp module, llvm::StringRef pipeline, std::string &out,
                 std::string &err, llvm::StringRef gpuChip = "sm_80");

/// Lowers, translates to LLVM IR, adds the C entry points of `fns`, makes
/// everything else internal and optimizes (O3) for `tm`.
std::unique_ptr<llvm::Module> compileToLLVM(ModuleOp module,
                                            const std::vector<AotFunction> &fns,
                                            const AotOptions &opts,
                                            llvm::TargetMachine &tm,
                                            llvm::LLVMContext &llvmCtx,
                                            std::string &err);

enum class ArtifactKind { Object, SharedLibrary, Header, LLVMIR, PTX };

/// Picks the artefact from the output file name's suffix (.o, .so, .h, .ll,
/// .ptx).
bool artifactKindFromPath(llvm::StringRef path, ArtifactKind &kind,
                          std::string &err);

/// Produces one artefact at `outPath`, atomically (a temporary file in the
/// same directory, renamed at the end): an existing file is never truncated
/// or overwritten on failure.
bool compileArtifact(const ParsedModule &pm, const AotOptions &opts,
                     ArtifactKind kind, llvm::StringRef outPath,
                     llvm::StringRef sourceName, std::string &err);

/// Writes `data` to `path` atomically (temporary + rename).
bool writeFileAtomically(llvm::StringRef path, llvm::StringRef data,
                         std::string &err);

/// The host CPU name and feature string as LLVM sees them.
std::string hostCpuName();
std::string hostCpuFeatures();

} // namespace attn
} // namespace mlir

#endif // ATTN_AOT_AOT_H
