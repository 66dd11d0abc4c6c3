//===- LowerSdpaToLinalg.cpp - attn.sdpa -> unfused linalg ----------------===//
//
// The reference lowering: every step of attention is its own linalg.generic
// on tensors, and the B x H x Sq x Sk score matrix is materialized on purpose.
// Kv heads are read through `h floordiv (H/Hkv)` in the indexing map when the
// group size is static, and through tensor.extract with a computed head index
// when it is not.
//
//===----------------------------------------------------------------------===//
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Transforms/Passes.h"

#include "GenericUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNLOWERSDPATOLINALG
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

class SdpaReferenceLowering {
public:
  SdpaReferenceLowering(OpBuilder &b, SdpaOp op)
      : b(b), loc(op.getLoc()), op(op), q(op.getQuery()), k(op.getKey()),
        v(op.getValue()) {
    auto qt = cast<RankedTensorType>(q.getType());
    auto kt = cast<RankedTensorType>(k.getType());
    elemType = qt.getElementType();
    bDim = dimOf(b, loc, q, 0);
    hDim = dimOf(b, loc, q, 1);
    sqDim = dimOf(b, loc, q, 2);
    skDim = dimOf(b, loc, k, 2);
    dvDim = dimOf(b, loc, v, 3);
    if (!qt.isDynamicDim(1) && !kt.isDynamicDim(1)) {
      staticGroup = qt.getDimSize(1) / kt.getDimSize(1);
    } else {
      groupValue = arith::DivUIOp::create(b, loc, dimValue(b, loc, q, 1),
                                          dimValue(b, loc, k, 1));
    }
  }

  Value lower() {
    Value scores = buildScores();
    Value biased = buildBias(scores);
    Value rowMax = buildRowMax(biased);
    Value probs = buildExp(biased, rowMax);
    Value rowSum = buildRowSum(probs);
    Value acc = buildPV(probs);
    return buildNormalize(acc, rowSum);
  }

private:
  MLIRContext *ctx() { return b.getContext(); }
  AffineExpr d(unsigned i) { return getAffineDimExpr(i, ctx()); }
  AffineMap map(unsigned numDims, ArrayRef<AffineExpr> exprs) {
    return AffineMap::get(numDims, 0, exprs, ctx());
  }
  /// The kv head read by query head `h` in an indexing map.
  AffineExpr kvHead(AffineExpr h) {
    return *staticGroup == 1 ? h : h.floorDiv(*staticGroup);
  }
  /// Reads `t[b, h / G, j, x]` inside a generic body (dynamic group size).
  Value extractKv(OpBuilder &nb, Location nl, Value t, unsigned bIdx,
                  unsigned hIdx, unsigned jIdx, unsigned xIdx) {
    Value bi = linalg::IndexOp::create(nb, nl, bIdx);
    Value hi = linalg::IndexOp::create(nb, nl, hIdx);
    Value ji = linalg::IndexOp::create(nb, nl, jIdx);
    Value xi = linalg::IndexOp::create(nb, nl, xIdx);
    Value hk = arith::DivUIOp::create(nb, nl, hi, groupValue);
    return tensor::ExtractOp::create(nb, nl, t, ValueRange{bi, hk, ji, xi});
  }

  // s[b,h,i,j] = sum_d q[b,h,i,d] * k[b,h/G,j,d]
  Value buildScores() {
    Value init = filledF32(b, loc, {bDim, hDim, sqDim, skDim}, 0.0);
    SmallVector<Value> ins{q};
    SmallVector<AffineMap> maps{map(5, {d(0), d(1), d(2), d(4)})};
    if (staticGroup) {
      ins.push_back(k);
      maps.push_back(map(5, {d(0), kvHead(d(1)), d(3), d(4)}));
    }
    maps.push_back(map(5, {d(0), d(1), d(2), d(3)}));
    return linalg::GenericOp::create(
               b, loc, init.getType(), ins, ValueRange{init}, maps,
               iterators(4, 1),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value qv = toF32(nb, nl, args[0]);
                 Value kv = staticGroup
                                ? args[1]
                                : extractKv(nb, nl, k, 0, 1, 3, 4);
                 kv = toF32(nb, nl, kv);
                 Value prod = arith::MulFOp::create(nb, nl, qv, kv);
                 Value sum =
                     arith::AddFOp::create(nb, nl, args.back(), prod);
                 yieldValue(nb, nl, sum);
               })
        .getResult(0);
  }

  /// Index of a broadcastable mask dimension for loop index `idx`.
  Value maskIndex(OpBuilder &nb, Location nl, Value mask, unsigned maskDim,
                  Value idx) {
    auto mt = cast<RankedTensorType>(mask.getType());
    if (!mt.isDynamicDim(maskDim) && mt.getDimSize(maskDim) == 1)
      return arith::ConstantIndexOp::create(nb, nl, 0);
    auto qt = cast<RankedTensorType>(q.getType());
    if (!mt.isDynamicDim(maskDim) && !qt.isDynamicDim(maskDim))
      return idx; // equal static sizes (verified)
    // Dynamic: the mask dimension is 1 or the full size; idx % size is right
    // for both.
    Value size = tensor::DimOp::create(nb, nl, mask, maskDim);
    return arith::RemUIOp::create(nb, nl, idx, size);
  }

  // t = scale * s + mask bias, -inf where hidden.
  Value buildBias(Value scores) {
    Value mask = op.getMask();
    bool causal = op.getCausal();
    Value causalOffset;
    if (causal)
      causalOffset = arith::SubIOp::create(b, loc, dimValue(b, loc, k, 2),
                                           dimValue(b, loc, q, 2));
    Value init = emptyTensor(b, loc, {bDim, hDim, sqDim, skDim},
                             b.getF32Type());
    AffineMap id = b.getMultiDimIdentityMap(4);
    double scale = op.getEffectiveScale();
    return linalg::GenericOp::create(
               b, loc, init.getType(), ValueRange{scores}, ValueRange{init},
               ArrayRef<AffineMap>{id, id}, iterators(4),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value scaleCst = arith::ConstantOp::create(
                     nb, nl, nb.getF32FloatAttr(scale));
                 Value negInf = arith::ConstantOp::create(
                     nb, nl, nb.getF32FloatAttr(kNegInf));
                 Value x = arith::MulFOp::create(nb, nl, args[0], scaleCst);
                 Value bi, hi, ii, ji;
                 if (mask || causal) {
                   bi = linalg::IndexOp::create(nb, nl, 0);
                   hi = linalg::IndexOp::create(nb, nl, 1);
                   ii = linalg::IndexOp::create(nb, nl, 2);
                   ji = linalg::IndexOp::create(nb, nl, 3);
                 }
                 if (mask) {
                   Value mb = maskIndex(nb, nl, mask, 0, bi);
                   Value mh = maskIndex(nb, nl, mask, 1, hi);
                   Value m = tensor::ExtractOp::create(
                       nb, nl, mask, ValueRange{mb, mh, ii, ji});
                   if (m.getType().isInteger(1))
                     x = arith::SelectOp::create(nb, nl, m, x, negInf);
                   else
                     x = arith::AddFOp::create(nb, nl, x, toF32(nb, nl, m));
                 }
                 if (causal) {
                   Value last = arith::AddIOp::create(nb, nl, ii, causalOffset);
                   Value visible = arith::CmpIOp::create(
                       nb, nl, arith::CmpIPredicate::sle, ji, last);
                   x = arith::SelectOp::create(nb, nl, visible, x, negInf);
                 }
                 yieldValue(nb, nl, x);
               })
        .getResult(0);
  }

  Value buildRowReduction(Value t, double initValue, bool isMax) {
    Value init = filledF32(b, loc, {bDim, hDim, sqDim}, initValue);
    return linalg::GenericOp::create(
               b, loc, init.getType(), ValueRange{t}, ValueRange{init},
               ArrayRef<AffineMap>{map(4, {d(0), d(1), d(2), d(3)}),
                                   map(4, {d(0), d(1), d(2)})},
               iterators(3, 1),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value r =
                     isMax ? arith::MaximumFOp::create(nb, nl, args[1], args[0])
                                 .getResult()
                           : arith::AddFOp::create(nb, nl, args[1], args[0])
                                 .getResult();
                 yieldValue(nb, nl, r);
               })
        .getResult(0);
  }

  Value buildRowMax(Value t) { return buildRowReduction(t, kNegInf, true); }
  Value buildRowSum(Value p) { return buildRowReduction(p, 0.0, false); }

  // p = exp(t - max), 0 in rows whose max is -inf (every key hidden).
  Value buildExp(Value t, Value rowMax) {
    Value init = emptyTensor(b, loc, {bDim, hDim, sqDim, skDim},
                             b.getF32Type());
    AffineMap id = b.getMultiDimIdentityMap(4);
    return linalg::GenericOp::create(
               b, loc, init.getType(), ValueRange{t, rowMax}, ValueRange{init},
               ArrayRef<AffineMap>{id, map(4, {d(0), d(1), d(2)}), id},
               iterators(4),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value negInf = arith::ConstantOp::create(
                     nb, nl, nb.getF32FloatAttr(kNegInf));
                 Value zero =
                     arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(0));
                 Value diff = arith::SubFOp::create(nb, nl, args[0], args[1]);
                 Value e = math::ExpOp::create(nb, nl, diff);
                 Value hidden = arith::CmpFOp::create(
                     nb, nl, arith::CmpFPredicate::OEQ, args[1], negInf);
                 yieldValue(
                     nb, nl, arith::SelectOp::create(nb, nl, hidden, zero, e));
               })
        .getResult(0);
  }

  // acc[b,h,i,e] = sum_j p[b,h,i,j] * v[b,h/G,j,e]
  Value buildPV(Value p) {
    Value init = filledF32(b, loc, {bDim, hDim, sqDim, dvDim}, 0.0);
    SmallVector<Value> ins{p};
    SmallVector<AffineMap> maps{map(5, {d(0), d(1), d(2), d(4)})};
    if (staticGroup) {
      ins.push_back(v);
      maps.push_back(map(5, {d(0), kvHead(d(1)), d(4), d(3)}));
    }
    maps.push_back(map(5, {d(0), d(1), d(2), d(3)}));
    return linalg::GenericOp::create(
               b, loc, init.getType(), ins, ValueRange{init}, maps,
               iterators(4, 1),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value vv = staticGroup ? args[1]
                                        : extractKv(nb, nl, v, 0, 1, 4, 3);
                 vv = toF32(nb, nl, vv);
                 Value prod = arith::MulFOp::create(nb, nl, args[0], vv);
                 yieldValue(
                     nb, nl, arith::AddFOp::create(nb, nl, args.back(), prod));
               })
        .getResult(0);
  }

  // o = acc / rowSum (0 where the row sum is 0), rounded to the element type.
  Value buildNormalize(Value acc, Value rowSum) {
    Value init = emptyTensor(b, loc, {bDim, hDim, sqDim, dvDim}, elemType);
    AffineMap id = b.getMultiDimIdentityMap(4);
    return linalg::GenericOp::create(
               b, loc, init.getType(), ValueRange{acc, rowSum},
               ValueRange{init},
               ArrayRef<AffineMap>{id, map(4, {d(0), d(1), d(2)}), id},
               iterators(4),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value zero =
                     arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(0));
                 Value empty = arith::CmpFOp::create(
                     nb, nl, arith::CmpFPredicate::OEQ, args[1], zero);
                 Value r = arith::DivFOp::create(nb, nl, args[0], args[1]);
                 r = arith::SelectOp::create(nb, nl, empty, zero, r);
                 yieldValue(nb, nl, fromF32(nb, nl, r, elemType));
               })
        .getResult(0);
  }

  OpBuilder &b;
  Location loc;
  SdpaOp op;
  Value q, k, v;
  Type elemType;
  OpFoldResult bDim, hDim, sqDim, skDim, dvDim;
  std::optional<int64_t> staticGroup;
  Value groupValue;
};

struct AttnLowerSdpaToLinalgPass
    : public attn::impl::AttnLowerSdpaToLinalgBase<AttnLowerSdpaToLinalgPass> {
  void runOnOperation() override {
    SmallVector<SdpaOp> ops;
    getOperation().walk([&](SdpaOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (SdpaOp op : ops) {
      rewriter.setInsertionPoint(op);
      Value result = SdpaReferenceLowering(rewriter, op).lower();
      // The declared result type may be more (or less) static than what the
      // operands imply; keep it.
      if (result.getType() != op.getType())
        result = tensor::CastOp::create(rewriter, op.getLoc(), op.getType(),
                                        result);
      rewriter.replaceOp(op, result);
    }
  }
};

} // namespace
