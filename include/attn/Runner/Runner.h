//===- Runner.h - JIT compilation and invocation of attn functions -*- C++ -*-===//
//
// What attn-run (and later the Python package) needs: the tensor signature of
// a function, run-time shape validation and flop counts by propagating
// concrete shapes through its attn ops, the double-precision oracle applied
// to a whole function, and a JIT-compiled module that can be called with
// host arrays.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_RUNNER_RUNNER_H
#define ATTN_RUNNER_RUNNER_H

#include "attn/Support/NDArray.h"
#include "attn/Support/Oracle.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
namespace attn {

// The MLIR-free support library lives in ::attn.
using namespace ::attn;

/// A tensor type of a function boundary: element type and sizes (-1 where
/// dynamic).
struct TensorSig {
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  std::string str() const; // "tensor<1x?x64xf32>"
  bool accepts(const std::vector<int64_t> &concrete) const;
};

struct FunctionSig {
  std::string name;
  std::vector<TensorSig> args, results;
};

/// Reads the boundary types of `fn`; fails (with `err`) unless every argument
/// and result is a ranked tensor of f32, f16, bf16 or i1.
bool getSignature(func::FuncOp fn, FunctionSig &sig, std::string &err);

/// Result of propagating concrete input shapes through a function.
struct ShapeInfo {
  std::vector<std::vector<int64_t>> results;
  double flops = 0;          // SPEC.md 2.2 counting
  bool oracleSupported = true; // every op is one the oracle evaluates
  std::string unsupportedOp;
};

/// Validates the dynamic dimensions of a call: runs the shape rules of every
/// attn op on the concrete shapes, and checks the results against the
/// declared result types.
bool inferShapes(func::FuncOp fn, const std::vector<std::vector<int64_t>> &in,
                 ShapeInfo &info, std::string &err);

/// Marks every tensor argument of the module's function definitions
/// `bufferization.writable = false`: the lowered code never writes an input
/// (results go to their own buffers, the out-parameters). Both the JIT and
/// attn-compile lower such a copy of the module.
void markInputsReadOnly(ModuleOp module);

/// Evaluates `fn` with the double-precision oracle.
bool evaluateWithOracle(func::FuncOp fn, const std::vector<NDArray> &inputs,
                        std::vector<Tensor64> &results, std::string &err);

/// A module lowered by a named pipeline and JIT-compiled for the host CPU.
class CompiledModule {
public:
  ~CompiledModule();
  /// Lowers a clone of `module` with `pipeline` ("reference" or "cpu") and
  /// JIT-compiles it. Diagnostics are returned in `err` as one line.
  static std::unique_ptr<CompiledModule>
  compile(ModuleOp module, const std::string &pipeline, std::string &err);

  /// Calls `fn` on host arrays (already validated against `sig`); fills
  /// `outputs` with the results. The lowered functions take their results
  /// as out-parameters: `outputs` is sized first (inferShapes on the source
  /// module, cached per input shapes) and reused when a previous call left
  /// arrays of the same types and shapes there. The cache makes invoke
  /// unsafe to call on one CompiledModule from several threads at once.
  bool invoke(const FunctionSig &sig, const std::vector<NDArray> &inputs,
              std::vector<NDArray> &outputs, std::string &err);

private:
  CompiledModule() = default;
  std::unique_ptr<ExecutionEngine> engine;
  OwningOpRef<ModuleOp> source;
  std::string lastFn;
  std::vector<std::vector<int64_t>> lastInputShapes, lastResultShapes;
};

/// While alive, records the first error diagnostic of a context as one line
/// `file:line:col: message` (newlines folded) in `first`: the form of the
/// tools' `attn-<tool>: error: ...` lines.
class FirstErrorCollector {
public:
  explicit FirstErrorCollector(MLIRContext *ctx);
  std::string first;

private:
  ScopedDiagnosticHandler handler;
};

/// Threads used by the parallel loops of compiled code (OpenMP).
void setNumThreads(int n);
int getMaxThreads();

/// Registers what attn tools need in a context: our dialect, func, and the
/// dialects of the pipelines, with their LLVM translations.
void registerRunnerDialects(DialectRegistry &registry);

} // namespace attn
} // namespace mlir

#endif
