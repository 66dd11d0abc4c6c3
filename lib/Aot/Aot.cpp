//===- Aot.cpp - Ahead-of-time compilation of attn functions --------------===//
//
// See Aot.h. The lowering is the JIT's (buildPipelineByName on a clone whose
// tensor arguments are read-only); what differs is the end: instead of
// ExecutionEngine, the LLVM module gets plain-C entry points (IRBuilder),
// every other symbol becomes internal, and the host (or --cpu) target
// machine optimizes it and emits an object, which clang links into a shared
// library that needs only libc, libm and libomp.
//
//===----------------------------------------------------------------------===//
#include "attn/Aot/Aot.h"
#include "attn/Conversion/Passes.h"
#include "attn/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Transforms/Passes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/AsmParser/AsmParserState.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

#ifndef ATTN_CLANG_PATH
#define ATTN_CLANG_PATH "/usr/lib/llvm-22/bin/clang"
#endif
#ifndef ATTN_OMP_LIBDIR
#define ATTN_OMP_LIBDIR "/usr/lib/llvm-22/lib"
#endif

using namespace mlir;
using namespace mlir::attn;

namespace {

bool isCIdentifier(StringRef s) {
  if (s.empty() || !(llvm::isAlpha(s[0]) || s[0] == '_'))
    return false;
  return llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

bool isCKeyword(StringRef s) {
  static const llvm::StringSet<> kw = {
      "auto",     "break",    "case",     "char",   "const",    "continue",
      "default",  "do",       "double",   "else",   "enum",     "extern",
      "float",    "for",      "goto",     "if",     "inline",   "int",
      "long",     "register", "restrict", "return", "short",    "signed",
      "sizeof",   "static",   "struct",   "switch", "typedef",  "union",
      "unsigned", "void",     "volatile", "while",  "bool",     "true",
      "false",    "_Bool",    "class",    "new",    "delete",   "this",
      "template", "typename", "namespace", "private", "public", "operator",
      "int64_t",  "uint8_t",  "uint16_t", "NULL"};
  return kw.contains(s);
}

/// A C parameter name from an MLIR SSA name ("%q" -> "q", "%0" -> "").
std::string cName(StringRef ssa) {
  ssa.consume_front("%");
  std::string s;
  for (char c : ssa)
    s += (llvm::isAlnum(c) || c == '_') ? c : '_';
  if (s.empty() || llvm::isDigit(s[0]))
    return "";
  if (isCKeyword(s))
    s += "_";
  return s;
}

const char *cElemType(ElemType t) {
  switch (t) {
  case ElemType::F32:
    return "float";
  case ElemType::F16:
  case ElemType::BF16:
    return "uint16_t";
  case ElemType::I1:
    return "uint8_t";
  }
  return "void";
}

/// Dimension expressions of values, in terms of the function's arguments.
using Dims = std::vector<AotDim>;

Dims dimsOfType(Type t) {
  Dims d;
  if (auto rt = dyn_cast<RankedTensorType>(t))
    for (int64_t s : rt.getShape())
      d.push_back(ShapedType::isDynamic(s) ? AotDim() : AotDim::constant(s));
  return d;
}

class DimAnalysis {
public:
  llvm::DenseMap<Value, Dims> dims;
  std::vector<AotCheck> checks;

  Dims get(Value v) {
    if (!v)
      return {};
    auto it = dims.find(v);
    return it == dims.end() ? dimsOfType(v.getType()) : it->second;
  }
  static AotDim at(const Dims &d, size_t i) {
    return i < d.size() ? d[i] : AotDim();
  }
  void add(AotCheck::Kind k, AotDim l, AotDim r) {
    if (l.kind == AotDim::Unknown || r.kind == AotDim::Unknown)
      return;
    if (l.kind == AotDim::Const && r.kind == AotDim::Const)
      return; // the verifier checked it
    if (k == AotCheck::Equal && l == r)
      return;
    for (const AotCheck &c : checks)
      if (c.kind == k && c.lhs == l && c.rhs == r)
        return;
    checks.push_back({k, l, r});
  }
  void eq(AotDim l, AotDim r) { add(AotCheck::Equal, l, r); }

  /// The static sizes of the declared result type win; the formula must
  /// agree with them at run time.
  Dims refine(const Dims &formula, Type declared) {
    Dims d = dimsOfType(declared);
    for (size_t i = 0; i < d.size(); ++i) {
      AotDim f = at(formula, i);
      if (d[i].kind == AotDim::Const)
        eq(f, d[i]);
      else
        d[i] = f;
    }
    return d;
  }

  void visitSdpa(SdpaOp op) {
    Dims q = get(op.getQuery()), k = get(op.getKey()), v = get(op.getValue());
    eq(at(k, 0), at(q, 0));
    eq(at(v, 0), at(q, 0));
    eq(at(v, 1), at(k, 1));
    add(AotCheck::MultipleOf, at(q, 1), at(k, 1));
    eq(at(k, 3), at(q, 3));
    eq(at(v, 2), at(k, 2));
    if (Value mv = op.getMask()) {
      Dims m = get(mv);
      add(AotCheck::OneOrEqual, at(m, 0), at(q, 0));
      add(AotCheck::OneOrEqual, at(m, 1), at(q, 1));
      eq(at(m, 2), at(q, 2));
      eq(at(m, 3), at(k, 2));
    }
    dims[op.getResult()] =
        refine({at(q, 0), at(q, 1), at(q, 2), at(v, 3)}, op.getType());
  }

  void visitMha(MhaOp op) {
    Dims x = get(op.getX()), wq = get(op.getWq()), wk = get(op.getWk()),
         wv = get(op.getWv()), wo = get(op.getWo());
    int64_t h = op.getNumHeads(), hkv = op.getNumKvHeadsOrDefault();
    int64_t dh = op.getHeadDim(), dv = op.getValueHeadDim();
    eq(at(wq, 0), at(x, 2));
    eq(at(wk, 0), at(x, 2));
    eq(at(wv, 0), at(x, 2));
    eq(at(wq, 1), AotDim::constant(h * dh));
    eq(at(wk, 1), AotDim::constant(hkv * dh));
    eq(at(wv, 1), AotDim::constant(hkv * dv));
    eq(at(wo, 0), AotDim::constant(h * dv));
    if (op.getBq()) {
      eq(at(get(op.getBq()), 0), at(wq, 1));
      eq(at(get(op.getBk()), 0), at(wk, 1));
      eq(at(get(op.getBv()), 0), at(wv, 1));
      eq(at(get(op.getBo()), 0), at(wo, 1));
    }
    AotDim skv = at(x, 1);
    if (Value memv = op.getMemory()) {
      Dims mem = get(memv);
      eq(at(mem, 0), at(x, 0));
      eq(at(mem, 2), at(x, 2));
      skv = at(mem, 1);
    }
    if (Value mv = op.getMask()) {
      Dims m = get(mv);
      add(AotCheck::OneOrEqual, at(m, 0), at(x, 0));
      add(AotCheck::OneOrEqual, at(m, 1), AotDim::constant(h));
      eq(at(m, 2), at(x, 1));
      eq(at(m, 3), skv);
    }
    if (op.getResidual())
      eq(at(wo, 1), at(x, 2));
    dims[op.getResult()] = refine({at(x, 0), at(x, 1), at(wo, 1)}, op.getType());
  }
};

std::string dimExpr(const AotDim &d, const std::vector<std::vector<std::string>>
                                         &dimParams) {
  if (d.kind == AotDim::Const)
    return std::to_string(d.value);
  if (d.kind == AotDim::ArgDim)
    return dimParams[d.arg][d.dim];
  return "?";
}

/// Parameter names of the dynamic dimensions: dimParams[arg][dim].
std::vector<std::vector<std::string>> dimParamNames(const AotFunction &f) {
  std::vector<std::vector<std::string>> r(f.sig.args.size());
  llvm::StringSet<> used;
  for (auto &n : f.argNames)
    used.insert(n);
  for (auto &n : f.resultNames)
    used.insert(n);
  for (size_t a = 0; a < f.sig.args.size(); ++a) {
    r[a].resize(f.sig.args[a].shape.size());
    for (size_t d = 0; d < f.sig.args[a].shape.size(); ++d) {
      if (f.sig.args[a].shape[d] >= 0)
        continue;
      std::string n = f.argNames[a] + "_d" + std::to_string(d);
      while (used.contains(n))
        n += "_";
      used.insert(n);
      r[a][d] = n;
    }
  }
  return r;
}

std::unique_ptr<OwningOpRef<ModuleOp>> lowerClone(ModuleOp module,
                                                  StringRef pipeline,
                                                  std::string &err,
                                                  StringRef gpuChip = "sm_80",
                                                  int cpuVectorBits = 256,
                                                  bool gpuMhaLowp = false) {
  MLIRContext *ctx = module.getContext();
  auto clone = std::make_unique<OwningOpRef<ModuleOp>>(module.clone());
  markInputsReadOnly(**clone);
  PassManager pm(ctx);
  if (pipeline == "nvvm") {
    NvvmPipelineOptions nvvm;
    nvvm.chip = gpuChip.str();
    nvvm.mhaLowpIntermediates = gpuMhaLowp;
    buildNvvmPipeline(pm, nvvm);
  } else if (!buildPipelineByName(pipeline, pm, cpuVectorBits)) {
    err = "unknown pipeline '" + pipeline.str() +
          "' (expected cpu or reference)";
    return nullptr;
  }
  FirstErrorCollector diags(ctx);
  if (failed(pm.run(**clone))) {
    err = "lowering failed: " +
          (diags.first.empty() ? std::string("pass failure") : diags.first);
    return nullptr;
  }
  return clone;
}

void initTargets() {
  static bool once = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    return true;
  }();
  (void)once;
}

std::string baseName(StringRef path) { return llvm::sys::path::filename(path).str(); }

/// Builds the C entry point of `f` around the lowered function `impl`.
bool buildEntryPoint(llvm::Module &mod, llvm::Function *impl,
                     const AotFunction &f, std::string &err) {
  llvm::LLVMContext &c = mod.getContext();
  llvm::Type *i64 = llvm::Type::getInt64Ty(c);
  llvm::Type *i32 = llvm::Type::getInt32Ty(c);
  llvm::PointerType *ptr = llvm::PointerType::getUnqual(c);

  // The lowered function takes each memref expanded: allocated and aligned
  // pointers, offset, sizes, strides.
  size_t want = 0;
  for (const TensorSig &a : f.sig.args)
    want += 3 + 2 * a.shape.size();
  if (f.deviceEntry || f.outParams)
    for (const TensorSig &r : f.sig.results)
      want += 3 + 2 * r.shape.size();
  if (impl->arg_size() != want) {
    err = "internal error: lowered @" + f.name + " takes " +
          std::to_string(impl->arg_size()) + " parameters, expected " +
          std::to_string(want);
    return false;
  }

  std::vector<llvm::Type *> params;
  for (const TensorSig &a : f.sig.args) {
    params.push_back(ptr);
    for (int64_t d : a.shape)
      if (d < 0)
        params.push_back(i64);
  }
  for (size_t r = 0; r < f.sig.results.size(); ++r)
    params.push_back(ptr);
  auto *fty = llvm::FunctionType::get(i32, params, false);
  auto *w = llvm::Function::Create(fty, llvm::GlobalValue::ExternalLinkage,
                                   f.symbol, &mod);
  if (w->getName() != f.symbol) {
    err = "the entry point name " + f.symbol +
          " clashes with a symbol the generated code needs; use another "
          "prefix or rename @" + f.name;
    w->eraseFromParent();
    return false;
  }
  w->addFnAttr(llvm::Attribute::NoUnwind);

  auto dimNames = dimParamNames(f);
  std::vector<llvm::Value *> argPtr(f.sig.args.size());
  std::vector<std::vector<llvm::Value *>> argDims(f.sig.args.size());
  std::vector<llvm::Value *> outPtr;
  {
    auto it = w->arg_begin();
    for (size_t a = 0; a < f.sig.args.size(); ++a) {
      argPtr[a] = &*it;
      it->setName(f.argNames[a]);
      ++it;
      for (size_t d = 0; d < f.sig.args[a].shape.size(); ++d) {
        int64_t s = f.sig.args[a].shape[d];
        if (s >= 0) {
          argDims[a].push_back(llvm::ConstantInt::get(i64, s));
        } else {
          it->setName(dimNames[a][d]);
          argDims[a].push_back(&*it);
          ++it;
        }
      }
    }
    for (size_t r = 0; r < f.sig.results.size(); ++r, ++it) {
      it->setName(f.resultNames[r]);
      outPtr.push_back(&*it);
    }
  }
  auto value = [&](const AotDim &d) -> llvm::Value * {
    if (d.kind == AotDim::Const)
      return llvm::ConstantInt::get(i64, d.value);
    return argDims[d.arg][d.dim];
  };

  auto *entry = llvm::BasicBlock::Create(c, "entry", w);
  auto *badSizes = llvm::BasicBlock::Create(c, "bad_sizes", w);
  auto *checkNull = llvm::BasicBlock::Create(c, "check_null", w);
  auto *badNull = llvm::BasicBlock::Create(c, "bad_null", w);
  auto *call = llvm::BasicBlock::Create(c, "call", w);
  llvm::IRBuilder<> b(entry);
  llvm::Value *bad = b.getFalse();
  auto *zero = llvm::ConstantInt::get(i64, 0);
  auto *one = llvm::ConstantInt::get(i64, 1);

  // Sizes: non-negative, element counts (and byte sizes) without overflow.
  llvm::Function *umul = llvm::Intrinsic::getOrInsertDeclaration(
      &mod, llvm::Intrinsic::umul_with_overflow, {i64});
  auto mulChecked = [&](llvm::Value *x, llvm::Value *y) {
    llvm::Value *r = b.CreateCall(umul, {x, y});
    bad = b.CreateOr(bad, b.CreateExtractValue(r, 1));
    return b.CreateExtractValue(r, 0);
  };
  for (auto &ds : argDims)
    for (llvm::Value *d : ds)
      if (!isa<llvm::Constant>(d))
        bad = b.CreateOr(bad, b.CreateICmpSLT(d, zero));
  for (const AotCheck &chk : f.checks) {
    llvm::Value *l = value(chk.lhs), *r = value(chk.rhs);
    llvm::Value *fail = nullptr;
    switch (chk.kind) {
    case AotCheck::Equal:
      fail = b.CreateICmpNE(l, r);
      break;
    case AotCheck::OneOrEqual:
      fail = b.CreateAnd(b.CreateICmpNE(l, one), b.CreateICmpNE(l, r));
      break;
    case AotCheck::MultipleOf: {
      // r == 0 ? l != 0 : l % r != 0 (r < 0 is caught above).
      llvm::Value *safe = b.CreateSelect(b.CreateICmpSLE(r, zero), one, r);
      fail = b.CreateSelect(b.CreateICmpEQ(r, zero), b.CreateICmpNE(l, zero),
                            b.CreateICmpNE(b.CreateSRem(l, safe), zero));
      break;
    }
    }
    bad = b.CreateOr(bad, fail);
  }
  // Strides of the dense row-major inputs.
  std::vector<std::vector<llvm::Value *>> argStrides(f.sig.args.size());
  std::vector<llvm::Value *> argBytes(f.sig.args.size());
  for (size_t a = 0; a < f.sig.args.size(); ++a) {
    size_t rank = argDims[a].size();
    argStrides[a].assign(rank, one);
    llvm::Value *s = one;
    for (size_t d = rank; d-- > 0;) {
      argStrides[a][d] = s;
      s = mulChecked(s, argDims[a][d]);
    }
    argBytes[a] = mulChecked(
        s, llvm::ConstantInt::get(i64, int64_t(elemSize(f.sig.args[a].type))));
  }
  std::vector<llvm::Value *> resultBytes;
  for (size_t r = 0; r < f.sig.results.size(); ++r) {
    llvm::Value *n = llvm::ConstantInt::get(
        i64, int64_t(elemSize(f.sig.results[r].type)));
    for (const AotDim &d : f.resultDims[r])
      n = mulChecked(n, value(d));
    resultBytes.push_back(n);
  }
  b.CreateCondBr(bad, badSizes, checkNull);

  b.SetInsertPoint(badSizes);
  b.CreateRet(llvm::ConstantInt::get(i32, kAotErrSizes));

  b.SetInsertPoint(checkNull);
  llvm::Value *isNull = b.getFalse();
  for (llvm::Value *p : argPtr)
    isNull = b.CreateOr(isNull, b.CreateIsNull(p));
  for (llvm::Value *p : outPtr)
    isNull = b.CreateOr(isNull, b.CreateIsNull(p));
  b.CreateCondBr(isNull, badNull, call);

  b.SetInsertPoint(badNull);
  b.CreateRet(llvm::ConstantInt::get(i32, kAotErrNull));

  b.SetInsertPoint(call);
  if (f.deviceEntry) {
    // The tensor-core kernel copies K and V rows with 16-byte cp.async: a
    // misaligned device pointer would fault on the GPU and lose the CUDA
    // context. Every device pointer must be 16-byte aligned (cudaMalloc's
    // and PyTorch's allocations are); nothing is launched otherwise.
    llvm::Value *low = zero;
    for (llvm::Value *p : argPtr)
      low = b.CreateOr(low, b.CreatePtrToInt(p, i64));
    for (llvm::Value *p : outPtr)
      low = b.CreateOr(low, b.CreatePtrToInt(p, i64));
    llvm::Value *misaligned = b.CreateICmpNE(
        b.CreateAnd(low, llvm::ConstantInt::get(i64, 15)), zero);
    auto *badAlign = llvm::BasicBlock::Create(c, "misaligned", w);
    auto *aligned = llvm::BasicBlock::Create(c, "aligned", w);
    b.CreateCondBr(misaligned, badAlign, aligned);
    b.SetInsertPoint(badAlign);
    b.CreateRet(llvm::ConstantInt::get(i32, kAotErrAlign));
    b.SetInsertPoint(aligned);
  }
  std::vector<llvm::Value *> callArgs;
  for (size_t a = 0; a < f.sig.args.size(); ++a) {
    callArgs.push_back(argPtr[a]);
    callArgs.push_back(argPtr[a]);
    callArgs.push_back(zero);
    for (llvm::Value *d : argDims[a])
      callArgs.push_back(d);
    for (llvm::Value *s : argStrides[a])
      callArgs.push_back(s);
  }
  // Result buffers passed in (destination passing): the device entry's
  // device pointers, the cpu pipelines' result memrefs.
  auto withResults = [&](ArrayRef<llvm::Value *> bufs) {
    std::vector<llvm::Value *> args = callArgs;
    for (size_t r = 0; r < f.sig.results.size(); ++r) {
      std::vector<llvm::Value *> dims;
      for (const AotDim &d : f.resultDims[r])
        dims.push_back(value(d));
      std::vector<llvm::Value *> strides(dims.size(), one);
      llvm::Value *st = one;
      for (size_t d = dims.size(); d-- > 0;) {
        strides[d] = st;
        st = b.CreateMul(st, dims[d]);
      }
      args.push_back(bufs[r]);
      args.push_back(bufs[r]);
      args.push_back(zero);
      args.insert(args.end(), dims.begin(), dims.end());
      args.insert(args.end(), strides.begin(), strides.end());
    }
    return args;
  };
  auto typesMatch = [&](const std::vector<llvm::Value *> &args) {
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i]->getType() != impl->getArg(i)->getType()) {
        err = "internal error: lowered @" + f.name + " parameter " +
              std::to_string(i) + " has an unexpected type";
        w->eraseFromParent();
        return false;
      }
    return true;
  };
  if (f.outParams && !f.deviceEntry) {
    // The generated code writes the caller's buffers directly. Inputs are
    // only read, also when an output overlaps one (in-place use): then the
    // results go to temporary buffers first, copied out after the call.
    auto addr = [&](llvm::Value *p) { return b.CreatePtrToInt(p, i64); };
    auto overlaps = [&](llvm::Value *p, llvm::Value *np, llvm::Value *q,
                        llvm::Value *nq) {
      llvm::Value *a = addr(p), *c = addr(q);
      return b.CreateAnd(b.CreateICmpULT(a, b.CreateAdd(c, nq)),
                         b.CreateICmpULT(c, b.CreateAdd(a, np)));
    };
    llvm::Value *clash = b.getFalse();
    for (size_t r = 0; r < outPtr.size(); ++r) {
      for (size_t a = 0; a < argPtr.size(); ++a)
        clash = b.CreateOr(clash, overlaps(outPtr[r], resultBytes[r],
                                           argPtr[a], argBytes[a]));
      for (size_t o = 0; o < r; ++o)
        clash = b.CreateOr(clash, overlaps(outPtr[r], resultBytes[r],
                                           outPtr[o], resultBytes[o]));
    }
    auto *direct = llvm::BasicBlock::Create(c, "direct", w);
    auto *staged = llvm::BasicBlock::Create(c, "staged", w);
    b.CreateCondBr(clash, staged, direct);

    b.SetInsertPoint(direct);
    std::vector<llvm::Value *> args = withResults(outPtr);
    if (!typesMatch(args))
      return false;
    b.CreateCall(impl->getFunctionType(), impl, args);
    b.CreateRet(llvm::ConstantInt::get(i32, kAotOk));

    b.SetInsertPoint(staged);
    llvm::FunctionCallee mallocFn = mod.getOrInsertFunction(
        "malloc", llvm::FunctionType::get(ptr, {i64}, false));
    llvm::FunctionCallee freeFn = mod.getOrInsertFunction(
        "free",
        llvm::FunctionType::get(llvm::Type::getVoidTy(c), {ptr}, false));
    std::vector<llvm::Value *> tmp;
    llvm::Value *noMem = b.getFalse();
    for (size_t r = 0; r < outPtr.size(); ++r) {
      tmp.push_back(b.CreateCall(mallocFn, {b.CreateAdd(resultBytes[r], one)}));
      noMem = b.CreateOr(noMem, b.CreateIsNull(tmp.back()));
    }
    auto *run = llvm::BasicBlock::Create(c, "staged_run", w);
    auto *fail = llvm::BasicBlock::Create(c, "staged_no_memory", w);
    b.CreateCondBr(noMem, fail, run);
    b.SetInsertPoint(fail);
    for (llvm::Value *t : tmp)
      b.CreateCall(freeFn, {t});
    b.CreateRet(llvm::ConstantInt::get(i32, kAotErrInternal));
    b.SetInsertPoint(run);
    b.CreateCall(impl->getFunctionType(), impl, withResults(tmp));
    for (size_t r = 0; r < outPtr.size(); ++r)
      b.CreateMemMove(outPtr[r], llvm::MaybeAlign(1), tmp[r],
                      llvm::MaybeAlign(1), resultBytes[r]);
    for (llvm::Value *t : tmp)
      b.CreateCall(freeFn, {t});
    b.CreateRet(llvm::ConstantInt::get(i32, kAotOk));
    return true;
  }
  if (f.deviceEntry)
    callArgs = withResults(outPtr);
  if (!typesMatch(callArgs))
    return false;
  llvm::Value *ret = b.CreateCall(impl->getFunctionType(), impl, callArgs);
  // The CUDA runtime keeps its first error; report it as a status.
  auto cudaStatus = [&](llvm::Value *status) {
    if (!f.checkCuda)
      return status;
    llvm::FunctionCallee hasErr = mod.getOrInsertFunction(
        "attnCudaHasError", llvm::FunctionType::get(i32, {}, false));
    llvm::Value *failed = b.CreateICmpNE(b.CreateCall(hasErr, {}),
                                         llvm::ConstantInt::get(i32, 0));
    return b.CreateSelect(failed, llvm::ConstantInt::get(i32, kAotErrCuda),
                          status);
  };
  if (f.deviceEntry) {
    b.CreateRet(cudaStatus(llvm::ConstantInt::get(i32, kAotOk)));
    return true;
  }

  llvm::FunctionCallee freeFn = mod.getOrInsertFunction(
      "free", llvm::FunctionType::get(llvm::Type::getVoidTy(c), {ptr}, false));
  llvm::Value *status = llvm::ConstantInt::get(i32, kAotOk);
  std::vector<llvm::Value *> allocated;
  size_t nres = f.sig.results.size();
  for (size_t r = 0; r < nres; ++r) {
    llvm::Value *desc = nres == 1 ? ret : b.CreateExtractValue(ret, unsigned(r));
    size_t rank = f.sig.results[r].shape.size();
    llvm::Value *alloc = b.CreateExtractValue(desc, 0);
    llvm::Value *aligned = b.CreateExtractValue(desc, 1);
    llvm::Value *offset = b.CreateExtractValue(desc, 2);
    int64_t es = int64_t(elemSize(f.sig.results[r].type));
    llvm::Value *got = llvm::ConstantInt::get(i64, es);
    for (unsigned d = 0; d < rank; ++d)
      got = b.CreateMul(got, b.CreateExtractValue(desc, {3u, d}));
    // The result type has the identity layout (bufferization option), so
    // the data is dense from `aligned + offset`. A size other than the
    // documented one is not copied (the caller's buffer has that size).
    llvm::Value *ok = b.CreateICmpEQ(got, resultBytes[r]);
    status = b.CreateSelect(ok, status,
                            llvm::ConstantInt::get(i32, kAotErrInternal));
    llvm::Value *src = b.CreateGEP(b.getInt8Ty(), aligned,
                                   b.CreateMul(offset, b.getInt64(es)));
    b.CreateMemCpy(outPtr[r], llvm::MaybeAlign(1), src, llvm::MaybeAlign(1),
                   b.CreateSelect(ok, got, zero));
    allocated.push_back(alloc);
  }
  // Only once every result is copied (results may share a buffer), free what
  // the function allocated: not an input it returned, not a buffer returned
  // twice.
  for (size_t r = 0; r < nres; ++r) {
    llvm::Value *alloc = allocated[r];
    llvm::Value *doFree = b.CreateIsNotNull(alloc);
    for (llvm::Value *p : argPtr)
      doFree = b.CreateAnd(doFree, b.CreateICmpNE(alloc, p));
    for (size_t e = 0; e < r; ++e)
      doFree = b.CreateAnd(doFree, b.CreateICmpNE(alloc, allocated[e]));
    auto *freeBB = llvm::BasicBlock::Create(c, "free", w);
    auto *next = llvm::BasicBlock::Create(c, "next", w);
    b.CreateCondBr(doFree, freeBB, next);
    b.SetInsertPoint(freeBB);
    b.CreateCall(freeFn, {alloc});
    b.CreateBr(next);
    b.SetInsertPoint(next);
  }
  b.CreateRet(cudaStatus(status));
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// Parsing and analysis
//===----------------------------------------------------------------------===//

bool mlir::attn::parseModule(MLIRContext &ctx, StringRef text,
                             StringRef sourceName, ParsedModule &out,
                             std::string &err) {
  FirstErrorCollector diags(&ctx);
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, sourceName),
                        llvm::SMLoc());
  Block block;
  AsmParserState state;
  ParserConfig config(&ctx, /*verifyAfterParse=*/false);
  Location loc = FileLineColLoc::get(&ctx, sourceName, 0, 0);
  if (failed(parseAsmSourceFile(sm, &block, config, &state))) {
    err = diags.first.empty() ? "cannot parse " + sourceName.str()
                              : diags.first;
    return false;
  }
  // Names of the entry block arguments, while the blocks are still ours.
  std::map<std::pair<std::string, unsigned>, std::string> names;
  for (Operation &op : block) {
    auto fn = dyn_cast<func::FuncOp>(op);
    if (!fn || fn.isExternal())
      continue;
    const AsmParserState::BlockDefinition *def =
        state.getBlockDef(&fn.getBody().front());
    if (!def)
      continue;
    for (unsigned i = 0; i < def->arguments.size(); ++i) {
      llvm::SMRange r = def->arguments[i].loc;
      if (!r.isValid())
        continue;
      StringRef s(r.Start.getPointer(),
                  r.End.getPointer() - r.Start.getPointer());
      names[{fn.getSymName().str(), i}] = s.str();
    }
  }
  OwningOpRef<ModuleOp> module =
      mlir::detail::constructContainerOpForParserIfNecessary<ModuleOp>(
          &block, &ctx, loc);
  if (!module) {
    err = diags.first.empty() ? "cannot parse " + sourceName.str()
                              : diags.first;
    return false;
  }
  if (failed(verify(*module))) {
    err = diags.first.empty() ? "the module does not verify" : diags.first;
    return false;
  }
  out.module = std::move(module);
  out.argNames = std::move(names);
  return true;
}

bool mlir::attn::analyzeModule(const ParsedModule &pm, const AotOptions &opts,
                               std::vector<AotFunction> &fns,
                               std::string &err) {
  fns.clear();
  ModuleOp module = *pm.module;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal() || fn.isPrivate())
      continue;
    AotFunction f;
    f.name = fn.getSymName().str();
    f.symbol = opts.prefix + f.name;
    if (!isCIdentifier(f.symbol) || isCKeyword(f.symbol)) {
      err = "function @" + f.name + " has no C name ('" + f.symbol +
            "' is not a C identifier); rename it or choose another --prefix";
      return false;
    }
    if (!getSignature(fn, f.sig, err))
      return false;

    // C parameter names: the source's %names where they make C names.
    llvm::StringSet<> used;
    for (unsigned i = 0; i < f.sig.args.size(); ++i) {
      std::string n;
      auto it = pm.argNames.find({f.name, i});
      if (it != pm.argNames.end())
        n = cName(it->second);
      if (n.empty())
        n = "arg" + std::to_string(i);
      while (used.contains(n))
        n += "_";
      used.insert(n);
      f.argNames.push_back(n);
    }
    for (unsigned r = 0; r < f.sig.results.size(); ++r) {
      std::string n = f.sig.results.size() == 1 ? "out" : "out" + std::to_string(r);
      while (used.contains(n))
        n += "_";
      used.insert(n);
      f.resultNames.push_back(n);
    }

    // Sizes of every value in terms of the arguments, and the checks the
    // attn ops' shape rules imply on dynamic sizes.
    DimAnalysis da;
    Block &entry = fn.getBody().front();
    for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
      Dims d;
      for (size_t k = 0; k < f.sig.args[i].shape.size(); ++k)
        d.push_back(f.sig.args[i].shape[k] >= 0
                        ? AotDim::constant(f.sig.args[i].shape[k])
                        : AotDim::argDim(int(i), int(k)));
      da.dims[entry.getArgument(i)] = d;
    }
    Operation *ret = nullptr;
    for (Operation &op : entry) {
      if (auto s = dyn_cast<SdpaOp>(op))
        da.visitSdpa(s);
      else if (auto m = dyn_cast<MhaOp>(op))
        da.visitMha(m);
      else if (auto c = dyn_cast<tensor::CastOp>(op))
        da.dims[c.getResult()] = da.refine(da.get(c.getSource()), c.getType());
      else if (isa<func::ReturnOp>(op))
        ret = &op;
    }
    for (unsigned r = 0; r < f.sig.results.size(); ++r) {
      Dims d = ret ? da.refine(da.get(ret->getOperand(r)),
                               ret->getOperand(r).getType())
                   : dimsOfType(fn.getFunctionType().getResult(r));
      // The declared result type may be more static than the value.
      d = da.refine(d, fn.getFunctionType().getResult(r));
      for (size_t k = 0; k < d.size(); ++k)
        if (d[k].kind == AotDim::Unknown) {
          err = "function @" + f.name + " result " + std::to_string(r) +
                " dim " + std::to_string(k) +
                " is dynamic and not the size of an argument's dimension; the "
                "C entry point needs it to size the caller's buffer";
          return false;
        }
      f.resultDims.push_back(d);
    }
    f.checks = da.checks;
    f.checkCuda = opts.target == "nvptx";
    f.outParams = opts.pipeline != "nvvm";
    bool device = f.checkCuda && isSingleAttnFunction(fn);
    fns.push_back(f);
    if (device) {
      AotFunction d = f;
      d.symbol = f.symbol + "_device";
      d.deviceEntry = true;
      fns.push_back(std::move(d));
    }
  }
  if (fns.empty()) {
    err = "no public function with a body to export";
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Header
//===----------------------------------------------------------------------===//

std::string mlir::attn::emitHeader(const std::vector<AotFunction> &fns,
                                   const AotOptions &opts, StringRef guardBase,
                                   StringRef sourceName) {
  std::string guard;
  for (char ch : guardBase)
    guard += llvm::isAlnum(ch) ? char(llvm::toUpper(ch)) : '_';
  if (guard.empty() || llvm::isDigit(guard[0]))
    guard = "ATTN_" + guard;
  guard += "_H";

  std::string s;
  llvm::raw_string_ostream os(s);
  os << "/* " << guardBase << ".h: C entry points generated by attn-compile\n"
     << " * from " << sourceName << " (pipeline " << opts.pipeline << ").\n"
     << " *\n"
     << " * Tensors are dense row-major (C order) arrays: float for f32,\n"
     << " * uint16_t bit patterns for f16 (IEEE binary16) and bf16, one byte\n"
     << " * (0 or 1) per i1 mask element. Inputs are only read. Each result is\n"
     << " * written to a buffer the caller allocates with the size given below\n"
     << " * (elements); outputs may overlap inputs or each other (in-place\n"
     << " * use: the results are then staged in temporary buffers; inputs are\n"
     << " * read as given). A dynamic dimension is passed as an int64_t after its\n"
     << " * tensor. Parallel loops use OpenMP (OMP_NUM_THREADS). Any\n"
     << " * alignment works; tensors aligned to 64 bytes run a few percent\n"
     << " * faster (no vector load splits a cache line).\n"
     << " * Returns ATTN_OK, or ATTN_ERR_SIZES when sizes are negative or\n"
     << " * break the shape rules of the attn ops (nothing is computed),\n"
     << " * ATTN_ERR_NULL for a NULL tensor pointer (ATTN_ERR_INTERNAL: a\n"
     << " * result did not have the size documented here, a compiler bug; or\n"
     << " * no memory for staging overlapping outputs).\n";
  if (opts.target == "nvptx")
    os << " *\n"
       << " * --target=nvptx (" << opts.gpuChip << "): the functions run on the GPU\n"
       << " * through libattn_cuda_runtime (link with it and -ldl). NAME takes host\n"
       << " * pointers: it allocates device memory, copies the inputs in, launches\n"
       << " * and copies the results back. NAME_device (for functions that are one\n"
       << " * attn.sdpa or one attn.mha) takes device pointers,\n"
       << " * each aligned to 16 bytes (ATTN_ERR_ALIGN otherwise, nothing\n"
       << " * launched), and only launches (attn.mha: with device scratch for\n"
       << " * its intermediates).\n"
       << " * Both return when\n"
       << " * the GPU is done; ATTN_ERR_CUDA means the CUDA runtime failed: the\n"
       << " * message is attnCudaLastError() (attn/cuda_runtime.h).\n";
  os << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifndef ATTN_OK\n"
     << "#define ATTN_OK 0\n"
     << "#define ATTN_ERR_SIZES 1\n"
     << "#define ATTN_ERR_NULL 2\n"
     << "#define ATTN_ERR_INTERNAL 3\n"
     << "#endif\n"
     << "#ifndef ATTN_ERR_CUDA\n#define ATTN_ERR_CUDA 4\n#endif\n"
     << "#ifndef ATTN_ERR_ALIGN\n#define ATTN_ERR_ALIGN 5\n#endif\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n";
  for (const AotFunction &f : fns) {
    auto dimNames = dimParamNames(f);
    auto count = [&](const std::vector<AotDim> &dims) {
      std::string c;
      for (size_t i = 0; i < dims.size(); ++i)
        c += (i ? " * " : "") + dimExpr(dims[i], dimNames);
      if (dims.empty())
        return std::string("1");
      bool allConst = llvm::all_of(
          dims, [](const AotDim &d) { return d.kind == AotDim::Const; });
      if (allConst && dims.size() > 1) {
        int64_t n = 1;
        for (auto &d : dims)
          n *= d.value;
        c += " = " + std::to_string(n);
      }
      return c;
    };
    os << "\n/* @" << f.name
       << (f.deviceEntry ? " (device pointers)" : f.checkCuda ? " (host pointers)" : "")
       << "\n";
    size_t w = 0;
    for (auto &n : f.argNames)
      w = std::max(w, n.size());
    for (auto &n : f.resultNames)
      w = std::max(w, n.size());
    for (size_t a = 0; a < f.sig.args.size(); ++a) {
      std::vector<AotDim> dims;
      for (size_t d = 0; d < f.sig.args[a].shape.size(); ++d)
        dims.push_back(f.sig.args[a].shape[d] >= 0
                           ? AotDim::constant(f.sig.args[a].shape[d])
                           : AotDim::argDim(int(a), int(d)));
      os << " *   " << f.argNames[a] << std::string(w - f.argNames[a].size(), ' ')
         << "  in   " << f.sig.args[a].str() << ": " << count(dims)
         << " elements\n";
    }
    for (size_t r = 0; r < f.sig.results.size(); ++r) {
      TensorSig ts = f.sig.results[r];
      os << " *   " << f.resultNames[r]
         << std::string(w - f.resultNames[r].size(), ' ') << "  out  "
         << ts.str() << ": " << count(f.resultDims[r]) << " elements\n";
    }
    os << " */\n";
    std::string decl = "int " + f.symbol + "(";
    std::vector<std::string> ps;
    for (size_t a = 0; a < f.sig.args.size(); ++a) {
      ps.push_back("const " + std::string(cElemType(f.sig.args[a].type)) +
                   " *" + f.argNames[a]);
      for (size_t d = 0; d < f.sig.args[a].shape.size(); ++d)
        if (f.sig.args[a].shape[d] < 0)
          ps.push_back("int64_t " + dimNames[a][d]);
    }
    for (size_t r = 0; r < f.sig.results.size(); ++r)
      ps.push_back(std::string(cElemType(f.sig.results[r].type)) + " *" +
                   f.resultNames[r]);
    if (ps.empty())
      ps.push_back("void");
    // One parameter per line when the declaration is long.
    std::string oneLine = decl;
    for (size_t i = 0; i < ps.size(); ++i)
      oneLine += (i ? ", " : "") + ps[i];
    oneLine += ");";
    if (oneLine.size() <= 78) {
      os << oneLine << "\n";
    } else {
      os << decl << "\n";
      for (size_t i = 0; i < ps.size(); ++i)
        os << "    " << ps[i] << (i + 1 < ps.size() ? ",\n" : ");\n");
    }
  }
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return s;
}

//===----------------------------------------------------------------------===//
// Target machine, lowering, LLVM IR
//===----------------------------------------------------------------------===//

std::string mlir::attn::hostCpuName() { return llvm::sys::getHostCPUName().str(); }

std::string mlir::attn::hostCpuFeatures() {
  std::vector<std::string> fs;
  for (auto &f : llvm::sys::getHostCPUFeatures())
    fs.push_back((f.second ? "+" : "-") + f.first().str());
  llvm::sort(fs);
  return llvm::join(fs, ",");
}

std::unique_ptr<llvm::TargetMachine>
mlir::attn::createAotTargetMachine(const AotOptions &opts, std::string &err) {
  initTargets();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string lookupErr;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, lookupErr);
  if (!target) {
    err = "no target for " + triple.str() + ": " + lookupErr;
    return nullptr;
  }
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(triple, "", ""));
  bool host = opts.cpu.empty() || opts.cpu == "host";
  std::string cpu = host ? hostCpuName() : opts.cpu;
  if (!host && (!sti || !sti->isCPUStringValid(cpu))) {
    err = "unknown CPU '" + cpu + "' for " + triple.getArchName().str() +
          " (e.g. host, x86-64, x86-64-v2, x86-64-v3, x86-64-v4, haswell, "
          "skylake-avx512, znver3, sapphirerapids)";
    return nullptr;
  }
  llvm::SubtargetFeatures features;
  if (host)
    for (auto &f : llvm::sys::getHostCPUFeatures())
      features.AddFeature(f.first(), f.second);
  if (!opts.features.empty()) {
    llvm::SmallVector<StringRef> parts;
    StringRef(opts.features).split(parts, ',', -1, /*KeepEmpty=*/false);
    for (StringRef p : parts) {
      p = p.trim();
      if (p.size() < 2 || (p[0] != '+' && p[0] != '-')) {
        err = "malformed --features entry '" + p.str() +
              "' (expected +name or -name, comma-separated)";
        return nullptr;
      }
      StringRef name = p.drop_front();
      bool known = sti && llvm::any_of(sti->getAllProcessorFeatures(),
                                       [&](const llvm::SubtargetFeatureKV &kv) {
                                         return name == kv.Key;
                                       });
      if (!known) {
        err = "unknown CPU feature '" + name.str() + "' for " +
              triple.getArchName().str() + " (e.g. +avx2, +fma, +avx512f, -avx512f)";
        return nullptr;
      }
      features.AddFeature(p);
    }
  }
  llvm::TargetOptions to;
  // Constructors (the nvptx host object's kernel loader) in .init_array:
  // LLVM's default is the legacy .ctors, which lld-linked shared libraries
  // never run (found by the PTX emulator: every launch saw no module).
  to.UseInitArray = true;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features.getString(), to, llvm::Reloc::PIC_,
      llvm::CodeModel::Small, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    err = "cannot create a target machine for " + triple.str() + " cpu " + cpu;
  return tm;
}

bool mlir::attn::lowerToText(ModuleOp module, StringRef pipeline,
                             std::string &out, std::string &err,
                             StringRef gpuChip) {
  // The lowering as the host's JIT would run it.
  auto lowered = lowerClone(
      module, pipeline, err, gpuChip,
      cpuVectorBitsFor(llvm::sys::getHostCPUFeatures().lookup("avx512f")));
  if (!lowered)
    return false;
  out.clear();
  llvm::raw_string_ostream os(out);
  (*lowered)->print(os);
  return true;
}

std::unique_ptr<llvm::Module>
mlir::attn::compileToLLVM(ModuleOp module, const std::vector<AotFunction> &fns,
                          const AotOptions &opts, llvm::TargetMachine &tm,
                          llvm::LLVMContext &llvmCtx, std::string &err) {
  auto lowered = lowerClone(module, opts.pipeline, err, opts.gpuChip,
                            cpuVectorBitsFor(tm.getMCSubtargetInfo()->checkFeatures(
                                "+avx512f")),
                            opts.gpuMhaLowp);
  if (!lowered)
    return nullptr;
  // The device entries call the launcher that the lowering recorded on the
  // lowered function.
  std::map<std::string, std::string> launcher;
  (*lowered)->walk([&](LLVM::LLVMFuncOp fn) {
    if (auto a = fn->getAttrOfType<FlatSymbolRefAttr>(kGpuDeviceLauncherAttr))
      launcher[fn.getSymName().str()] = a.getValue().str();
  });
  std::unique_ptr<llvm::Module> mod;
  {
    FirstErrorCollector diags(module.getContext());
    mod = translateModuleToLLVMIR(**lowered, llvmCtx, "attn");
    if (!mod) {
      err = "translation to LLVM IR failed" +
            (diags.first.empty() ? std::string() : ": " + diags.first);
      return nullptr;
    }
  }
  mod->setDataLayout(tm.createDataLayout());
  mod->setTargetTriple(tm.getTargetTriple());
  mod->setPICLevel(llvm::PICLevel::BigPIC);

  // The lowered functions, found before anything is renamed.
  std::vector<llvm::Function *> impls;
  for (const AotFunction &f : fns) {
    std::string implName = f.name;
    if (f.deviceEntry) {
      auto it = launcher.find(f.name);
      if (it == launcher.end()) {
        err = "internal error: no device launcher recorded for @" + f.name;
        return nullptr;
      }
      implName = it->second;
    }
    llvm::Function *impl = mod->getFunction(implName);
    if (!impl || impl->isDeclaration()) {
      err = "internal error: @" + f.name + " is missing after lowering";
      return nullptr;
    }
    impls.push_back(impl);
  }
  // Entry point names win over the (soon internal) definitions.
  for (const AotFunction &f : fns)
    if (llvm::GlobalValue *gv = mod->getNamedValue(f.symbol)) {
      if (gv->isDeclaration()) {
        err = "the entry point name " + f.symbol +
              " clashes with a run-time function the generated code calls; "
              "choose another prefix";
        return nullptr;
      }
      gv->setName(f.symbol + ".impl");
    }
  llvm::StringSet<> entryPoints;
  for (size_t i = 0; i < fns.size(); ++i) {
    if (!buildEntryPoint(*mod, impls[i], fns[i], err))
      return nullptr;
    entryPoints.insert(fns[i].symbol);
  }
  // Only the entry points are the library's interface.
  for (llvm::Function &fn : *mod) {
    if (fn.isDeclaration())
      continue;
    if (!entryPoints.contains(fn.getName()))
      fn.setLinkage(llvm::GlobalValue::InternalLinkage);
    fn.addFnAttr("target-cpu", tm.getTargetCPU());
    fn.addFnAttr("target-features", tm.getTargetFeatureString());
  }
  for (llvm::GlobalVariable &gv : mod->globals())
    if (!gv.isDeclaration() && !gv.hasAppendingLinkage())
      gv.setLinkage(llvm::GlobalValue::InternalLinkage);

  {
    std::string verr;
    llvm::raw_string_ostream vos(verr);
    if (llvm::verifyModule(*mod, &vos)) {
      err = "internal error: invalid LLVM IR: " + verr;
      std::replace(err.begin(), err.end(), '\n', ' ');
      return nullptr;
    }
  }
  auto optimize = makeOptimizingTransformer(3, 0, &tm);
  if (llvm::Error e = optimize(mod.get())) {
    err = "LLVM optimization failed: " + llvm::toString(std::move(e));
    return nullptr;
  }
  return mod;
}

//===----------------------------------------------------------------------===//
// Artefacts
//===----------------------------------------------------------------------===//

bool mlir::attn::artifactKindFromPath(StringRef path, ArtifactKind &kind,
                                      std::string &err) {
  StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".o")
    kind = ArtifactKind::Object;
  else if (ext == ".so")
    kind = ArtifactKind::SharedLibrary;
  else if (ext == ".h")
    kind = ArtifactKind::Header;
  else if (ext == ".ll")
    kind = ArtifactKind::LLVMIR;
  else if (ext == ".ptx")
    kind = ArtifactKind::PTX;
  else {
    err = "cannot tell the artefact from the name " + path.str() +
          " (expected a .o, .so, .h, .ll or .ptx suffix)";
    return false;
  }
  return true;
}

namespace {

/// A unique temporary path next to `path`, created empty (so that it is
/// ours); removed on destruction unless released.
struct TempFile {
  std::string path;
  bool keep = false;
  bool create(StringRef target, StringRef suffix, std::string &err) {
    llvm::SmallString<256> model(target);
    model += ".tmp-%%%%%%%%";
    model += suffix;
    int fd;
    llvm::SmallString<256> result;
    if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, result)) {
      err = "cannot write " + target.str() + ": " + ec.message();
      return false;
    }
    ::close(fd);
    path = result.str().str();
    return true;
  }
  ~TempFile() {
    if (!path.empty() && !keep)
      llvm::sys::fs::remove(path);
  }
};

bool checkOutputPath(StringRef path, std::string &err) {
  if (llvm::sys::fs::is_directory(path)) {
    err = "cannot write " + path.str() + ": it is a directory";
    return false;
  }
  StringRef dir = llvm::sys::path::parent_path(path);
  if (dir.empty())
    dir = ".";
  if (!llvm::sys::fs::is_directory(dir)) {
    err = "cannot write " + path.str() + ": no such directory " + dir.str();
    return false;
  }
  return true;
}

bool writeTo(StringRef path, StringRef data, std::string &err) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    err = "cannot write " + path.str() + ": " + ec.message();
    return false;
  }
  os << data;
  os.close();
  if (os.has_error()) {
    err = "cannot write " + path.str() + ": " + os.error().message();
    os.clear_error();
    return false;
  }
  return true;
}

bool renameInto(StringRef from, StringRef to, std::string &err) {
  if (std::error_code ec = llvm::sys::fs::rename(from, to)) {
    err = "cannot write " + to.str() + ": " + ec.message();
    return false;
  }
  return true;
}

} // namespace

bool mlir::attn::writeFileAtomically(StringRef path, StringRef data,
                                     std::string &err) {
  if (!checkOutputPath(path, err))
    return false;
  TempFile tmp;
  if (!tmp.create(path, "", err) || !writeTo(tmp.path, data, err) ||
      !renameInto(tmp.path, path, err))
    return false;
  tmp.keep = true;
  return true;
}

bool mlir::attn::compileArtifact(const ParsedModule &pm, const AotOptions &opts,
                                 ArtifactKind kind, StringRef outPath,
                                 StringRef sourceName, std::string &err) {
  if (!checkOutputPath(outPath, err))
    return false;
  std::vector<AotFunction> fns;
  if (!analyzeModule(pm, opts, fns, err))
    return false;
  bool gpu = opts.target == "nvptx";
  if (kind == ArtifactKind::PTX && !gpu) {
    err = "cannot write " + outPath.str() + ": PTX needs --target=nvptx";
    return false;
  }
  // The target options are checked whatever the artefact.
  auto tm = createAotTargetMachine(opts, err);
  if (!tm)
    return false;
  if (kind == ArtifactKind::PTX) {
    auto lowered = lowerClone(*pm.module, opts.pipeline, err, opts.gpuChip,
                              256, opts.gpuMhaLowp);
    if (!lowered)
      return false;
    std::string ptx;
    (*lowered)->walk([&](gpu::BinaryOp bin) {
      for (Attribute a : bin.getObjects())
        if (auto obj = dyn_cast<gpu::ObjectAttr>(a))
          if (obj.getFormat() == gpu::CompilationTarget::Assembly)
            ptx += obj.getObject().getValue().str();
    });
    if (ptx.empty()) {
      err = "no GPU kernel to write to " + outPath.str() + ": " +
            sourceName.str() + " has no attn.sdpa or attn.mha";
      return false;
    }
    return writeFileAtomically(outPath, ptx, err);
  }
  if (kind == ArtifactKind::Header) {
    StringRef stem = llvm::sys::path::stem(outPath);
    return writeFileAtomically(outPath, emitHeader(fns, opts, stem, sourceName),
                               err);
  }
  llvm::LLVMContext llvmCtx;
  auto mod = compileToLLVM(*pm.module, fns, opts, *tm, llvmCtx, err);
  if (!mod)
    return false;
  if (kind == ArtifactKind::LLVMIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    mod->print(os, nullptr);
    return writeFileAtomically(outPath, text, err);
  }
  llvm::SmallVector<char, 0> obj;
  {
    llvm::raw_svector_ostream os(obj);
    llvm::legacy::PassManager codegen;
    if (tm->addPassesToEmitFile(codegen, os, nullptr,
                                llvm::CodeGenFileType::ObjectFile)) {
      err = "the target cannot emit an object file";
      return false;
    }
    codegen.run(*mod);
  }
  StringRef objData(obj.data(), obj.size());
  if (kind == ArtifactKind::Object)
    return writeFileAtomically(outPath, objData, err);

  // Shared library: link the object with clang (lld) against libm and
  // Debian's libomp, with an rpath to the latter.
  TempFile objFile, soFile, logFile;
  if (!objFile.create(outPath, ".o", err) ||
      !writeTo(objFile.path, objData, err) ||
      !soFile.create(outPath, ".so", err) ||
      !logFile.create(outPath, ".log", err))
    return false;
  std::string clang = ATTN_CLANG_PATH;
  if (const char *env = std::getenv("ATTN_CLANG"); env && *env)
    clang = env;
  if (!llvm::sys::fs::can_execute(clang)) {
    err = "cannot link " + outPath.str() + ": no clang at " + clang +
          " (install clang-22 or set ATTN_CLANG)";
    return false;
  }
  std::string ompDir = ATTN_OMP_LIBDIR;
  std::string soname = "-Wl,-soname," + baseName(outPath);
  std::string rpath = "-Wl,-rpath," + ompDir;
  std::string libDir = "-L" + ompDir;
  std::vector<StringRef> args = {clang,  "-shared",           "-o",
                                 soFile.path, objFile.path,   "-fuse-ld=lld",
                                 "-Wl,--no-undefined", "-Wl,-z,noexecstack",
                                 soname, rpath, libDir, "-Wl,--as-needed",
                                 "-lomp", "-lm"};
  // GPU code calls the mgpu* entry points of libattn_cuda_runtime.
  std::string cudaDir, cudaRpath, cudaLib;
  if (gpu) {
#ifdef ATTN_CUDA_RUNTIME_DIR
    cudaDir = ATTN_CUDA_RUNTIME_DIR;
    if (const char *env = std::getenv("ATTN_CUDA_RUNTIME_DIR"); env && *env)
      cudaDir = env;
#else
    if (const char *env = std::getenv("ATTN_CUDA_RUNTIME_DIR"); env && *env)
      cudaDir = env;
#endif
    if (cudaDir.empty()) {
      err = "cannot link " + outPath.str() +
            ": this build has no libattn_cuda_runtime (cuda.h was not found); "
            "write a .o and link it with runtime/cuda, or set "
            "ATTN_CUDA_RUNTIME_DIR";
      return false;
    }
    cudaLib = "-L" + cudaDir;
    cudaRpath = "-Wl,-rpath," + cudaDir;
    args.push_back(cudaLib);
    args.push_back(cudaRpath);
    args.push_back("-lattn_cuda_runtime");
  }
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(logFile.path),
                                          StringRef(logFile.path)};
  std::string execErr;
  int rc = llvm::sys::ExecuteAndWait(clang, args, std::nullopt, redirects, 0, 0,
                                     &execErr);
  if (rc != 0) {
    std::string log;
    if (auto buf = llvm::MemoryBuffer::getFile(logFile.path))
      log = (*buf)->getBuffer().trim().str();
    std::replace(log.begin(), log.end(), '\n', ' ');
    err = "linking " + outPath.str() + " failed: " +
          (log.empty() ? (execErr.empty() ? "clang exited with " +
                                                std::to_string(rc)
                                          : execErr)
                       : log);
    return false;
  }
  if (!renameInto(soFile.path, outPath, err))
    return false;
  soFile.keep = true;
  return true;
}
