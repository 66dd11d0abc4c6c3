//===- Runner.cpp - JIT compilation and invocation of attn functions ------===//
#include "attn/Runner/Runner.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <set>

using namespace mlir;
using namespace mlir::attn;

void mlir::attn::registerRunnerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<AttnDialect>();
  // Builtin, LLVM, OpenMP, and (for the NVVM pipeline's gpu.binary and
  // gpu.launch_func) GPU and NVVM.
  registerAllToLLVMIRTranslations(registry);
}

// The JIT resolves the OpenMP runtime's __kmpc_* entry points from the
// process, which links Debian's libomp (see lib/Runner/CMakeLists.txt).
extern "C" void omp_set_num_threads(int);
extern "C" int omp_get_max_threads(void);

void mlir::attn::setNumThreads(int n) { omp_set_num_threads(n); }
int mlir::attn::getMaxThreads() { return omp_get_max_threads(); }

//===----------------------------------------------------------------------===//
// Signatures
//===----------------------------------------------------------------------===//

std::string TensorSig::str() const {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += (d < 0 ? std::string("?") : std::to_string(d)) + "x";
  return s + elemTypeName(type) + ">";
}

bool TensorSig::accepts(const std::vector<int64_t> &concrete) const {
  if (concrete.size() != shape.size())
    return false;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] >= 0 && shape[i] != concrete[i])
      return false;
  return true;
}

static bool toSig(Type t, TensorSig &sig) {
  auto rt = dyn_cast<RankedTensorType>(t);
  if (!rt)
    return false;
  Type e = rt.getElementType();
  if (e.isF32())
    sig.type = ElemType::F32;
  else if (e.isF16())
    sig.type = ElemType::F16;
  else if (e.isBF16())
    sig.type = ElemType::BF16;
  else if (e.isInteger(1))
    sig.type = ElemType::I1;
  else
    return false;
  sig.shape.clear();
  for (int64_t d : rt.getShape())
    sig.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return true;
}

static std::string typeStr(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

bool mlir::attn::getSignature(func::FuncOp fn, FunctionSig &sig,
                              std::string &err) {
  sig.name = fn.getSymName().str();
  auto ft = fn.getFunctionType();
  sig.args.resize(ft.getNumInputs());
  sig.results.resize(ft.getNumResults());
  for (unsigned i = 0; i < ft.getNumInputs(); ++i)
    if (!toSig(ft.getInput(i), sig.args[i])) {
      err = "function @" + sig.name + " argument " + std::to_string(i) +
            " has type " + typeStr(ft.getInput(i)) +
            "; expected a ranked tensor of f32, f16, bf16 or i1";
      return false;
    }
  for (unsigned i = 0; i < ft.getNumResults(); ++i)
    if (!toSig(ft.getResult(i), sig.results[i])) {
      err = "function @" + sig.name + " result " + std::to_string(i) +
            " has type " + typeStr(ft.getResult(i)) +
            "; expected a ranked tensor of f32, f16, bf16 or i1";
      return false;
    }
  return true;
}

//===----------------------------------------------------------------------===//
// Shape propagation and the oracle over a whole function
//===----------------------------------------------------------------------===//

namespace {

/// Query/key pairs not hidden by causality.
double visiblePairs(int64_t sq, int64_t sk, bool causal) {
  if (!causal)
    return double(sq) * double(sk);
  // Row i sees max(0, i + sk - sq + 1) keys (never more than sk): closed
  // form, since sq may be huge when the query has no elements (B or H = 0).
  if (sq <= 0 || sk <= 0)
    return 0;
  double q = double(sq), k = double(sk);
  if (sq <= sk) // rows see sk-sq+1, ..., sk keys
    return q * (2 * k - q + 1) / 2;
  return k * (k + 1) / 2; // the first sq-sk rows see nothing
}

bool isBoolMask(Value mask) {
  return mask &&
         cast<RankedTensorType>(mask.getType()).getElementType().isInteger(1);
}

SdpaConfig sdpaConfig(SdpaOp op) {
  SdpaConfig c;
  c.scale = op.getEffectiveScale();
  c.causal = op.getCausal();
  c.maskIsBool = isBoolMask(op.getMask());
  return c;
}

MhaConfig mhaConfig(MhaOp op) {
  MhaConfig c;
  c.numHeads = op.getNumHeads();
  c.numKvHeads = op.getNumKvHeadsOrDefault();
  c.scale = op.getEffectiveScale();
  c.causal = op.getCausal();
  c.residual = op.getResidual();
  c.maskIsBool = isBoolMask(op.getMask());
  return c;
}

/// Walks the ops of a function body in order with a per-Value state; `T` is
/// a concrete shape or a whole Tensor64.
template <typename T> class FunctionWalker {
public:
  llvm::DenseMap<Value, T> values;

  const T *get(Value v) {
    if (!v)
      return nullptr;
    auto it = values.find(v);
    return it == values.end() ? nullptr : &it->second;
  }
};

std::string locStr(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto fl = dyn_cast<FileLineColLoc>(op->getLoc()))
    os << fl.getFilename().getValue() << ":" << fl.getLine() << ":"
       << fl.getColumn() << ": ";
  return s;
}

std::string shapeStr(const std::vector<int64_t> &s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i)
    r += (i ? "x" : "") + std::to_string(s[i]);
  return r.empty() ? "scalar" : r;
}

Tensor64 shapeOnly(const std::vector<int64_t> &s) {
  Tensor64 t;
  t.shape = s;
  return t;
}

/// Upstream ops the oracle evaluates besides attn's: enough to write the
/// textbook layers with linalg matmuls and reshapes around attn.sdpa.
bool oracleEvaluates(Operation *op) {
  if (auto mm = dyn_cast<linalg::MatmulOp>(op))
    return !mm.hasUserDefinedMaps();
  if (auto c = dyn_cast<arith::ConstantOp>(op))
    return isa<FloatType>(getElementTypeOrSelf(c.getType()));
  return isa<tensor::CastOp, tensor::EmptyOp, linalg::FillOp,
             tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op);
}

std::vector<int64_t> staticShape(Type t) {
  auto rt = cast<RankedTensorType>(t);
  return std::vector<int64_t>(rt.getShape().begin(), rt.getShape().end());
}

/// Evaluates one of the upstream ops of `oracleEvaluates`.
bool evaluateUpstream(Operation *op, FunctionWalker<Tensor64> &w,
                      Tensor64 &out, std::string &err) {
  auto operand = [&](unsigned i) -> const Tensor64 * {
    const Tensor64 *t = w.get(op->getOperand(i));
    if (!t)
      err = "the oracle cannot evaluate operand " + std::to_string(i) +
            " of " + op->getName().getStringRef().str();
    return t;
  };
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    if (auto f = dyn_cast<FloatAttr>(c.getValue())) {
      out.data = {f.getValueAsDouble()};
      return true;
    }
    auto dense = dyn_cast<DenseFPElementsAttr>(c.getValue());
    if (!dense) {
      err = "the oracle evaluates only dense float constants";
      return false;
    }
    out.shape = staticShape(c.getType());
    for (const APFloat &v : dense.getValues<APFloat>())
      out.data.push_back(v.convertToDouble());
    return true;
  }
  if (isa<tensor::EmptyOp>(op) || isa<tensor::ExpandShapeOp>(op) ||
      isa<tensor::CollapseShapeOp>(op) || isa<tensor::CastOp>(op)) {
    auto rt = cast<RankedTensorType>(op->getResult(0).getType());
    if (isa<tensor::EmptyOp>(op)) {
      if (!rt.hasStaticShape()) {
        err = "the oracle evaluates only static tensor.empty";
        return false;
      }
      out.shape = staticShape(rt);
      int64_t n = 1;
      for (int64_t d : out.shape)
        n *= d;
      out.data.assign(n, 0.0);
      return true;
    }
    const Tensor64 *src = operand(0);
    if (!src)
      return false;
    out.data = src->data;
    if (isa<tensor::CastOp>(op)) {
      out.shape = src->shape;
      return true;
    }
    if (!rt.hasStaticShape()) {
      err = "the oracle evaluates only static reshapes";
      return false;
    }
    out.shape = staticShape(rt);
    return true;
  }
  if (isa<linalg::FillOp>(op)) {
    const Tensor64 *v = operand(0), *dst = operand(1);
    if (!v || !dst)
      return false;
    out.shape = dst->shape;
    out.data.assign(dst->data.size(), v->data.at(0));
    return true;
  }
  if (isa<linalg::MatmulOp>(op)) {
    const Tensor64 *a = operand(0), *b = operand(1), *c = operand(2);
    if (!a || !b || !c)
      return false;
    int64_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    out = *c;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t x = 0; x < k; ++x)
          acc += a->data[i * k + x] * b->data[x * n + j];
        out.data[i * n + j] += acc;
      }
    return true;
  }
  err = "the oracle does not evaluate " + op->getName().getStringRef().str();
  return false;
}

} // namespace

bool mlir::attn::inferShapes(func::FuncOp fn,
                             const std::vector<std::vector<int64_t>> &in,
                             ShapeInfo &info, std::string &err) {
  FunctionWalker<std::vector<int64_t>> w;
  Block &entry = fn.getBody().front();
  for (auto [arg, s] : llvm::zip(entry.getArguments(), in))
    w.values[arg] = s;
  info = ShapeInfo();
  for (Operation &op : entry) {
    std::vector<int64_t> out;
    if (auto sdpa = dyn_cast<SdpaOp>(op)) {
      auto q = w.get(sdpa.getQuery()), k = w.get(sdpa.getKey()),
           v = w.get(sdpa.getValue()), m = w.get(sdpa.getMask());
      if (!q || !k || !v || (sdpa.getMask() && !m)) {
        err = locStr(&op) + "cannot infer the operand shapes of attn.sdpa";
        return false;
      }
      if (!sdpaShape(*q, *k, *v, sdpa.getMask() ? m : nullptr, out, err)) {
        err = locStr(&op) + "attn.sdpa: " + err;
        return false;
      }
      info.flops += 2.0 * double(out[0]) * double(out[1]) *
                    visiblePairs((*q)[2], (*k)[2], sdpa.getCausal()) *
                    double((*q)[3] + (*v)[3]);
    } else if (auto mha = dyn_cast<MhaOp>(op)) {
      std::vector<Tensor64> holders;
      holders.reserve(11);
      auto hold = [&](Value v, const Tensor64 *&slot) -> bool {
        if (!v)
          return true;
        auto s = w.get(v);
        if (!s)
          return false;
        holders.push_back(shapeOnly(*s));
        slot = &holders.back();
        return true;
      };
      MhaOperands ops;
      if (!hold(mha.getX(), ops.x) || !hold(mha.getWq(), ops.wq) ||
          !hold(mha.getWk(), ops.wk) || !hold(mha.getWv(), ops.wv) ||
          !hold(mha.getWo(), ops.wo) || !hold(mha.getBq(), ops.bq) ||
          !hold(mha.getBk(), ops.bk) || !hold(mha.getBv(), ops.bv) ||
          !hold(mha.getBo(), ops.bo) || !hold(mha.getMemory(), ops.memory) ||
          !hold(mha.getMask(), ops.mask)) {
        err = locStr(&op) + "cannot infer the operand shapes of attn.mha";
        return false;
      }
      if (!mhaShape(ops, mhaConfig(mha), out, err)) {
        err = locStr(&op) + "attn.mha: " + err;
        return false;
      }
      double b = double(out[0]), s = double(out[1]), eOut = double(out[2]);
      double e = double(ops.x->shape[2]);
      double skv = double(ops.memory ? ops.memory->shape[1] : ops.x->shape[1]);
      double h = double(mha.getNumHeads()),
             hkv = double(mha.getNumKvHeadsOrDefault());
      double dh = double(mha.getHeadDim()), dv = double(mha.getValueHeadDim());
      info.flops += 2 * b * s * e * h * dh + 2 * b * skv * e * hkv * (dh + dv) +
                    2 * b * s * h * dv * eOut +
                    2 * b * h *
                        visiblePairs(int64_t(s), int64_t(skv),
                                     mha.getCausal()) *
                        (dh + dv);
    } else if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands()) {
        auto s = w.get(v);
        if (!s) {
          err = "cannot infer the shape of a returned value";
          return false;
        }
        info.results.push_back(*s);
      }
      break;
    } else {
      // Any other op: trust fully static result types; the oracle cannot
      // evaluate it.
      if (info.oracleSupported && !oracleEvaluates(&op)) {
        info.oracleSupported = false;
        info.unsupportedOp = op.getName().getStringRef().str();
      }
      if (auto cast = dyn_cast<tensor::CastOp>(op)) {
        if (auto s = w.get(cast.getSource()))
          out = *s;
      }
      for (Value r : op.getResults()) {
        auto rt = dyn_cast<RankedTensorType>(r.getType());
        if (!rt)
          continue;
        if (out.empty()) {
          if (!rt.hasStaticShape()) {
            err = locStr(&op) + "cannot infer the dynamic result shape of " +
                  op.getName().getStringRef().str();
            return false;
          }
          out.assign(rt.getShape().begin(), rt.getShape().end());
        }
        w.values[r] = out;
      }
      continue;
    }
    // Check against the declared result type.
    TensorSig declared;
    toSig(op.getResult(0).getType(), declared);
    if (!declared.accepts(out)) {
      err = locStr(&op) + op.getName().getStringRef().str() +
            " computes a result of shape " + shapeStr(out) +
            " but its type is " + declared.str();
      return false;
    }
    w.values[op.getResult(0)] = out;
  }
  return true;
}

bool mlir::attn::evaluateWithOracle(func::FuncOp fn,
                                    const std::vector<NDArray> &inputs,
                                    std::vector<Tensor64> &results,
                                    std::string &err) {
  FunctionWalker<Tensor64> w;
  Block &entry = fn.getBody().front();
  for (auto [arg, a] : llvm::zip(entry.getArguments(), inputs)) {
    Tensor64 t;
    t.shape = a.shape;
    int64_t n = a.numElements();
    t.data.resize(n);
    for (int64_t i = 0; i < n; ++i)
      t.data[i] = a.get(i);
    w.values[arg] = std::move(t);
  }
  results.clear();
  for (Operation &op : entry) {
    Tensor64 out;
    if (auto sdpa = dyn_cast<SdpaOp>(op)) {
      auto q = w.get(sdpa.getQuery()), k = w.get(sdpa.getKey()),
           v = w.get(sdpa.getValue()), m = w.get(sdpa.getMask());
      if (!q || !k || !v || (sdpa.getMask() && !m)) {
        err = "the oracle cannot evaluate the operands of attn.sdpa";
        return false;
      }
      if (!oracleSdpa(*q, *k, *v, m, sdpaConfig(sdpa), out, err))
        return false;
    } else if (auto mha = dyn_cast<MhaOp>(op)) {
      MhaOperands ops;
      ops.x = w.get(mha.getX());
      ops.wq = w.get(mha.getWq());
      ops.wk = w.get(mha.getWk());
      ops.wv = w.get(mha.getWv());
      ops.wo = w.get(mha.getWo());
      ops.bq = w.get(mha.getBq());
      ops.bk = w.get(mha.getBk());
      ops.bv = w.get(mha.getBv());
      ops.bo = w.get(mha.getBo());
      ops.memory = w.get(mha.getMemory());
      ops.mask = w.get(mha.getMask());
      if (!oracleMha(ops, mhaConfig(mha), out, err))
        return false;
    } else if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands()) {
        auto t = w.get(v);
        if (!t) {
          err = "the oracle cannot evaluate a returned value";
          return false;
        }
        results.push_back(*t);
      }
      return true;
    } else if (oracleEvaluates(&op)) {
      if (!evaluateUpstream(&op, w, out, err))
        return false;
    } else {
      err = "the oracle does not evaluate " +
            op.getName().getStringRef().str();
      return false;
    }
    w.values[op.getResult(0)] = std::move(out);
  }
  err = "function has no return";
  return false;
}

//===----------------------------------------------------------------------===//
// JIT
//===----------------------------------------------------------------------===//

FirstErrorCollector::FirstErrorCollector(MLIRContext *ctx)
    : handler(ctx, [this](Diagnostic &d) {
        if (d.getSeverity() == DiagnosticSeverity::Error && first.empty()) {
          llvm::raw_string_ostream os(first);
          if (auto fl = dyn_cast<FileLineColLoc>(d.getLocation()))
            os << fl.getFilename().getValue() << ":" << fl.getLine() << ":"
               << fl.getColumn() << ": ";
          os << d.str();
          os.flush();
          std::replace(first.begin(), first.end(), '\n', ' ');
        }
        return success();
      }) {}

void mlir::attn::markInputsReadOnly(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  module.walk([&](func::FuncOp fn) {
    if (fn.isExternal())
      return;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      if (isa<TensorType>(fn.getArgument(i).getType()))
        fn.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                      BoolAttr::get(ctx, false));
  });
}

CompiledModule::~CompiledModule() = default;

std::unique_ptr<CompiledModule>
CompiledModule::compile(ModuleOp module, const std::string &pipeline,
                        std::string &err) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;

  MLIRContext *ctx = module.getContext();
  OwningOpRef<ModuleOp> clone(module.clone());
  markInputsReadOnly(*clone);

  auto tmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!tmb) {
    err = "cannot detect the host CPU: " + llvm::toString(tmb.takeError());
    return nullptr;
  }
  PassManager pm(ctx);
  if (!buildPipelineByName(pipeline, pm,
                           cpuVectorBitsFor(llvm::sys::getHostCPUFeatures().lookup(
                               "avx512f")))) {
    err = "unknown pipeline '" + pipeline + "' (expected cpu or reference)";
    return nullptr;
  }
  {
    FirstErrorCollector diags(ctx);
    if (failed(pm.run(*clone))) {
      err = "lowering failed: " +
            (diags.first.empty() ? std::string("pass failure") : diags.first);
      return nullptr;
    }
  }

  tmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto tm = tmb->createTargetMachine();
  if (!tm) {
    err = "cannot create a target machine: " + llvm::toString(tm.takeError());
    return nullptr;
  }
  auto transformer = makeOptimizingTransformer(3, 0, tm->get());
  ExecutionEngineOptions opts;
  opts.transformer = transformer;
  opts.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  opts.enableGDBNotificationListener = false;
  opts.enablePerfNotificationListener = false;
  FirstErrorCollector diags(ctx);
  auto engine = ExecutionEngine::create(*clone, opts, std::move(*tm));
  if (!engine) {
    err = "JIT compilation failed: " + llvm::toString(engine.takeError());
    if (!diags.first.empty())
      err += ": " + diags.first;
    return nullptr;
  }
  std::unique_ptr<CompiledModule> cm(new CompiledModule());
  cm->source = OwningOpRef<ModuleOp>(module.clone());
  cm->engine = std::move(*engine);
  cm->engine->initialize();
  return cm;
}

bool CompiledModule::invoke(const FunctionSig &sig,
                            const std::vector<NDArray> &inputs,
                            std::vector<NDArray> &outputs, std::string &err) {
  // The result shapes, for the out-parameters.
  std::vector<std::vector<int64_t>> inShapes;
  for (const NDArray &a : inputs)
    inShapes.push_back(a.shape);
  if (sig.name != lastFn || inShapes != lastInputShapes) {
    auto fn = source->lookupSymbol<func::FuncOp>(sig.name);
    if (!fn) {
      err = "no function @" + sig.name;
      return false;
    }
    ShapeInfo info;
    if (!inferShapes(fn, inShapes, info, err))
      return false;
    if (info.results.size() != sig.results.size()) {
      err = "@" + sig.name + " returns " + std::to_string(info.results.size()) +
            " values, its type says " + std::to_string(sig.results.size());
      return false;
    }
    lastFn = sig.name;
    lastInputShapes = inShapes;
    lastResultShapes = info.results;
  }
  // Arrays from a previous call with the same types and shapes are reused
  // (repeated calls, e.g. --benchmark, do not pay a fresh zeroed allocation).
  std::vector<NDArray> previous = std::move(outputs);
  outputs.clear();
  for (size_t r = 0; r < sig.results.size(); ++r) {
    NDArray out;
    const std::vector<int64_t> &shape = lastResultShapes[r];
    if (r < previous.size() && previous[r].type == sig.results[r].type &&
        previous[r].shape == shape) {
      out = std::move(previous[r]);
    } else {
      std::string allocErr;
      if (!out.allocate(sig.results[r].type, shape, allocErr)) {
        err = "result has an invalid shape: " + allocErr;
        return false;
      }
    }
    outputs.push_back(std::move(out));
  }

  // Each memref argument, then each result buffer, is passed as its
  // expanded descriptor: allocated and aligned pointers, offset, sizes,
  // strides; one pointer per field.
  std::vector<std::vector<int64_t>> fields;
  auto describe = [&](const NDArray &a) {
    std::vector<int64_t> f;
    int64_t r = int64_t(a.shape.size());
    f.resize(3 + 2 * r);
    int64_t ptr = int64_t(reinterpret_cast<intptr_t>(a.data.data()));
    f[0] = ptr;
    f[1] = ptr;
    f[2] = 0;
    int64_t stride = 1;
    for (int64_t d = r - 1; d >= 0; --d) {
      f[3 + d] = a.shape[d];
      f[3 + r + d] = stride;
      stride *= a.shape[d];
    }
    fields.push_back(std::move(f));
  };
  for (const NDArray &a : inputs)
    describe(a);
  for (const NDArray &o : outputs)
    describe(o);
  std::vector<void *> packed;
  for (auto &f : fields)
    for (auto &x : f)
      packed.push_back(&x);

  if (llvm::Error e = engine->invokePacked(sig.name, packed)) {
    err = "cannot call @" + sig.name + ": " + llvm::toString(std::move(e));
    return false;
  }
  return true;
}
