//===- AttnOps.cpp - attn dialect operations ------------------------------===//
//
// Verifiers name the operand, the dimension and both disagreeing sizes, e.g.
//   'attn.sdpa' op key dim 3 (D) is 32 but query dim 3 (D) is 64
//
//===----------------------------------------------------------------------===//
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

namespace {

/// One named dimension of one named operand, e.g. ("key", 3, "D").
struct DimRef {
  StringRef operand;
  RankedTensorType type;
  unsigned dim;
  StringRef name;

  int64_t size() const { return type.getDimSize(dim); }
  bool isStatic() const { return !ShapedType::isDynamic(size()); }
};

/// Collects the checks of one op and reports the first failure.
class Checker {
public:
  explicit Checker(Operation *op) : op(op) {}

  LogicalResult rank(StringRef operand, RankedTensorType t, int64_t want) {
    if (t.getRank() == want)
      return success();
    return op->emitOpError() << operand << " must have rank " << want
                             << ", got rank " << t.getRank() << " (" << t
                             << ")";
  }

  LogicalResult staticDim(DimRef d) {
    if (d.isStatic())
      return success();
    return op->emitOpError() << d.operand << " dim " << d.dim << " (" << d.name
                             << ") must be static";
  }

  /// Both sizes must agree where both are static.
  LogicalResult same(DimRef a, DimRef b) {
    if (!a.isStatic() || !b.isStatic() || a.size() == b.size())
      return success();
    return op->emitOpError()
           << a.operand << " dim " << a.dim << " (" << a.name << ") is "
           << a.size() << " but " << b.operand << " dim " << b.dim << " ("
           << b.name << ") is " << b.size();
  }

  /// `a` must be a static `want` computed from other operands (described).
  LogicalResult equals(DimRef a, int64_t want, const Twine &what) {
    if (!a.isStatic() || ShapedType::isDynamic(want) || a.size() == want)
      return success();
    return op->emitOpError() << a.operand << " dim " << a.dim << " (" << a.name
                             << ") is " << a.size() << " but " << what
                             << " is " << want;
  }

  /// A broadcastable mask dimension: 1 or the size of `full`.
  LogicalResult oneOr(DimRef m, DimRef full) {
    if (!m.isStatic() || m.size() == 1 || !full.isStatic() ||
        m.size() == full.size())
      return success();
    return op->emitOpError()
           << m.operand << " dim " << m.dim << " (" << m.name << ") is "
           << m.size() << " but must be 1 or " << full.operand << " dim "
           << full.dim << " (" << full.name << ") " << full.size();
  }

  LogicalResult elemType(StringRef operand, RankedTensorType t,
                         StringRef refOperand, Type want) {
    if (t.getElementType() == want)
      return success();
    return op->emitOpError() << operand << " element type "
                             << t.getElementType() << " does not match "
                             << refOperand << " element type " << want;
  }

  LogicalResult maskType(RankedTensorType m, Type elem) {
    Type mt = m.getElementType();
    if (mt.isInteger(1) || mt == elem || mt.isF32())
      return success();
    return op->emitOpError() << "mask element type " << mt
                             << " must be i1, f32 or the element type "
                             << elem;
  }

  LogicalResult scale(std::optional<APFloat> s) {
    if (!s || s->isFinite())
      return success();
    return op->emitOpError() << "scale must be finite";
  }

private:
  Operation *op;
};

RankedTensorType rt(Value v) { return cast<RankedTensorType>(v.getType()); }

} // namespace

//===----------------------------------------------------------------------===//
// SdpaOp
//===----------------------------------------------------------------------===//

double SdpaOp::getEffectiveScale() {
  if (auto s = getScaleAttr())
    return s.getValueAsDouble();
  int64_t d = rt(getQuery()).getDimSize(3);
  return 1.0 / std::sqrt(static_cast<double>(d));
}

LogicalResult SdpaOp::verify() {
  Checker c(*this);
  auto q = rt(getQuery()), k = rt(getKey()), v = rt(getValue()),
       o = rt(getResult());
  if (failed(c.rank("query", q, 4)) || failed(c.rank("key", k, 4)) ||
      failed(c.rank("value", v, 4)) || failed(c.rank("result", o, 4)))
    return failure();
  Type elem = q.getElementType();
  if (failed(c.elemType("key", k, "query", elem)) ||
      failed(c.elemType("value", v, "query", elem)) ||
      failed(c.elemType("result", o, "query", elem)))
    return failure();

  DimRef qB{"query", q, 0, "B"}, qH{"query", q, 1, "H"}, qS{"query", q, 2, "Sq"},
      qD{"query", q, 3, "D"};
  DimRef kB{"key", k, 0, "B"}, kH{"key", k, 1, "Hkv"}, kS{"key", k, 2, "Sk"},
      kD{"key", k, 3, "D"};
  DimRef vB{"value", v, 0, "B"}, vH{"value", v, 1, "Hkv"},
      vS{"value", v, 2, "Sk"}, vD{"value", v, 3, "Dv"};
  DimRef oB{"result", o, 0, "B"}, oH{"result", o, 1, "H"},
      oS{"result", o, 2, "Sq"}, oD{"result", o, 3, "Dv"};

  if (failed(c.staticDim(qD)) || failed(c.staticDim(kD)) ||
      failed(c.staticDim(vD)) || failed(c.staticDim(oD)))
    return failure();
  if (failed(c.same(kB, qB)) || failed(c.same(vB, qB)) ||
      failed(c.same(kD, qD)) || failed(c.same(vH, kH)) ||
      failed(c.same(vS, kS)) || failed(c.same(oB, qB)) ||
      failed(c.same(oH, qH)) || failed(c.same(oS, qS)) ||
      failed(c.same(oD, vD)))
    return failure();
  if (qD.size() == 0)
    return emitOpError() << "query dim 3 (D) must be positive";
  // Where the query leaves a size dynamic, the result (or value) may fix it.
  DimRef bRef = qB.isStatic() ? qB : oB;
  DimRef hRef = qH.isStatic() ? qH : oH;
  DimRef hkvRef = kH.isStatic() ? kH : vH;
  if (hkvRef.isStatic() && hkvRef.size() == 0)
    return emitOpError() << hkvRef.operand << " dim 1 (Hkv) must be positive";
  if (hRef.isStatic() && hkvRef.isStatic() &&
      hRef.size() % hkvRef.size() != 0)
    return emitOpError() << hRef.operand << " dim 1 (H) is " << hRef.size()
                         << " which is not a multiple of " << hkvRef.operand
                         << " dim 1 (Hkv) " << hkvRef.size();
  if (Value mask = getMask()) {
    auto m = rt(mask);
    if (failed(c.rank("mask", m, 4)) || failed(c.maskType(m, elem)))
      return failure();
    DimRef mB{"mask", m, 0, "Bm"}, mH{"mask", m, 1, "Hm"},
        mS{"mask", m, 2, "Sq"}, mK{"mask", m, 3, "Sk"};
    if (failed(c.oneOr(mB, bRef)) || failed(c.oneOr(mH, hRef)) ||
        failed(c.same(mS, qS.isStatic() ? qS : oS)) ||
        failed(c.same(mK, kS.isStatic() ? kS : vS)))
      return failure();
  }
  return c.scale(getScale());
}

//===----------------------------------------------------------------------===//
// MhaOp
//===----------------------------------------------------------------------===//

int64_t MhaOp::getHeadDim() {
  return rt(getWq()).getDimSize(1) / getNumHeads();
}

int64_t MhaOp::getValueHeadDim() {
  return rt(getWv()).getDimSize(1) / getNumKvHeadsOrDefault();
}

double MhaOp::getEffectiveScale() {
  if (auto s = getScaleAttr())
    return s.getValueAsDouble();
  return 1.0 / std::sqrt(static_cast<double>(getHeadDim()));
}

LogicalResult MhaOp::verify() {
  Checker c(*this);
  auto x = rt(getX()), wq = rt(getWq()), wk = rt(getWk()), wv = rt(getWv()),
       wo = rt(getWo()), y = rt(getResult());
  if (failed(c.rank("x", x, 3)) || failed(c.rank("wq", wq, 2)) ||
      failed(c.rank("wk", wk, 2)) || failed(c.rank("wv", wv, 2)) ||
      failed(c.rank("wo", wo, 2)) || failed(c.rank("result", y, 3)))
    return failure();
  Type elem = x.getElementType();
  for (auto [name, t] : {std::pair<StringRef, RankedTensorType>{"wq", wq},
                         {"wk", wk}, {"wv", wv}, {"wo", wo}, {"result", y}})
    if (failed(c.elemType(name, t, "x", elem)))
      return failure();

  int64_t h = getNumHeads();
  int64_t hkv = getNumKvHeadsOrDefault();
  if (h <= 0)
    return emitOpError() << "num_heads must be positive, got " << h;
  if (hkv <= 0)
    return emitOpError() << "num_kv_heads must be positive, got " << hkv;
  if (h % hkv != 0)
    return emitOpError() << "num_heads " << h
                         << " is not a multiple of num_kv_heads " << hkv;

  DimRef xB{"x", x, 0, "B"}, xS{"x", x, 1, "S"}, xE{"x", x, 2, "E"};
  DimRef wqE{"wq", wq, 0, "E"}, wqN{"wq", wq, 1, "H*Dh"};
  DimRef wkE{"wk", wk, 0, "E"}, wkN{"wk", wk, 1, "Hkv*Dh"};
  DimRef wvE{"wv", wv, 0, "E"}, wvN{"wv", wv, 1, "Hkv*Dv"};
  DimRef woN{"wo", wo, 0, "H*Dv"}, woE{"wo", wo, 1, "E_out"};
  DimRef yB{"result", y, 0, "B"}, yS{"result", y, 1, "S"},
      yE{"result", y, 2, "E_out"};

  for (DimRef d : {wqN, wkN, wvN, woN})
    if (failed(c.staticDim(d)))
      return failure();
  if (wqN.size() % h != 0 || wqN.size() == 0)
    return emitOpError() << "wq dim 1 (H*Dh) is " << wqN.size()
                         << " which is not a positive multiple of num_heads "
                         << h;
  int64_t dh = wqN.size() / h;
  if (wvN.size() % hkv != 0 || wvN.size() == 0)
    return emitOpError() << "wv dim 1 (Hkv*Dv) is " << wvN.size()
                         << " which is not a positive multiple of num_kv_heads "
                         << hkv;
  int64_t dv = wvN.size() / hkv;
  // hkv * dh <= wq dim 1 cannot overflow; h * dv = (h / hkv) * wv dim 1 can.
  int64_t hdv;
  if (__builtin_mul_overflow(h, dv, &hdv))
    return emitOpError() << "num_heads * Dv (" << h << " * " << dv
                         << ") overflows";
  if (failed(c.equals(wkN, hkv * dh,
                      "num_kv_heads * Dh (" + Twine(hkv) + " * " + Twine(dh) +
                          ")")) ||
      failed(c.equals(woN, hdv,
                      "num_heads * Dv (" + Twine(h) + " * " + Twine(dv) +
                          ")")))
    return failure();

  // Keys and values come from `memory` (cross-attention) or from x.
  DimRef kvB = xB, kvS = xS, kvE = xE;
  if (Value mem = getMemory()) {
    auto m = rt(mem);
    if (failed(c.rank("memory", m, 3)) ||
        failed(c.elemType("memory", m, "x", elem)))
      return failure();
    kvB = {"memory", m, 0, "B"};
    kvS = {"memory", m, 1, "Skv"};
    kvE = {"memory", m, 2, "E"};
    if (failed(c.same(kvB, xB)) || failed(c.same(kvE, xE)))
      return failure();
  }
  if (failed(c.same(wqE, xE)) || failed(c.same(wkE, kvE)) ||
      failed(c.same(wvE, kvE)) || failed(c.same(yB, xB)) ||
      failed(c.same(yS, xS)) || failed(c.same(yE, woE)))
    return failure();
  if (getResidual() && failed(c.same(woE, xE)))
    return failure();

  if (hasBias()) {
    struct {
      StringRef name;
      Value v;
      DimRef ref;
    } biases[] = {{"bq", getBq(), wqN},
                  {"bk", getBk(), wkN},
                  {"bv", getBv(), wvN},
                  {"bo", getBo(), woE}};
    for (auto &b : biases) {
      auto t = rt(b.v);
      if (failed(c.rank(b.name, t, 1)) ||
          failed(c.elemType(b.name, t, "x", elem)) ||
          failed(c.same(DimRef{b.name, t, 0, b.ref.name}, b.ref)))
        return failure();
    }
  }

  if (Value mask = getMask()) {
    auto m = rt(mask);
    if (failed(c.rank("mask", m, 4)) || failed(c.maskType(m, elem)))
      return failure();
    DimRef mB{"mask", m, 0, "Bm"}, mH{"mask", m, 1, "Hm"},
        mS{"mask", m, 2, "S"}, mK{"mask", m, 3, "Skv"};
    if (failed(c.oneOr(mB, xB)) || failed(c.same(mS, xS)) ||
        failed(c.same(mK, kvS)))
      return failure();
    if (mH.isStatic() && mH.size() != 1 && mH.size() != h)
      return emitOpError() << "mask dim 1 (Hm) is " << mH.size()
                           << " but must be 1 or num_heads " << h;
  }
  return c.scale(getScale());
}

#define GET_OP_CLASSES
#include "attn/Dialect/Attn/IR/AttnOps.cpp.inc"
