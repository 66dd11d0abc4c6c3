//===- DecomposeMha.cpp - attn.mha -> projections + attn.sdpa -------------===//
//
// Q/K/V projections are linalg.generic contractions whose output indexing
// produces the B x N x S x Dh head layout directly (`w[e, n*Dh + d]`), so the
// head split costs no reshape or transpose; the output projection contracts
// over (head, Dv) reading `wo[h*Dv + e, o]`, which is the head merge.
// Intermediates are f32; only the layer's result is rounded to the element
// type.
//
//===----------------------------------------------------------------------===//
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Transforms/Passes.h"

#include "GenericUtils.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNDECOMPOSEMHA
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

class MhaDecomposition {
public:
  MhaDecomposition(OpBuilder &b, MhaOp op) : b(b), loc(op.getLoc()), op(op) {}

  Value decompose() {
    Value x = op.getX();
    Value kvIn = op.getMemory() ? op.getMemory() : x;
    int64_t h = op.getNumHeads(), hkv = op.getNumKvHeadsOrDefault();
    int64_t dh = op.getHeadDim(), dv = op.getValueHeadDim();

    Value q = project(x, op.getWq(), op.getBq(), h, dh);
    Value k = project(kvIn, op.getWk(), op.getBk(), hkv, dh);
    Value v = project(kvIn, op.getWv(), op.getBv(), hkv, dv);

    Value mask = op.getMask();
    if (mask) {
      Type mt = cast<RankedTensorType>(mask.getType()).getElementType();
      if (!mt.isInteger(1) && !mt.isF32())
        mask = convertTensor(b, loc, mask, b.getF32Type());
    }
    SmallVector<int64_t> headsShape{
        cast<RankedTensorType>(q.getType()).getDimSize(0), h,
        cast<RankedTensorType>(q.getType()).getDimSize(2), dv};
    auto headsType = RankedTensorType::get(headsShape, b.getF32Type());
    Value heads = SdpaOp::create(b, loc, headsType, q, k, v, mask,
                                 b.getF32FloatAttr(op.getEffectiveScale()),
                                 op.getCausal());
    return outputProjection(heads, dv);
  }

private:
  MLIRContext *ctx() { return b.getContext(); }
  AffineExpr d(unsigned i) { return getAffineDimExpr(i, ctx()); }
  AffineMap map(unsigned n, ArrayRef<AffineExpr> e) {
    return AffineMap::get(n, 0, e, ctx());
  }

  /// out[b,n,s,d] = bias[n*hd+d] + sum_e in[b,s,e] * w[e, n*hd+d]  (f32)
  Value project(Value in, Value w, Value bias, int64_t n, int64_t hd) {
    SmallVector<OpFoldResult> sizes{dimOf(b, loc, in, 0), b.getIndexAttr(n),
                                    dimOf(b, loc, in, 1), b.getIndexAttr(hd)};
    Value init;
    if (bias) {
      Value empty = emptyTensor(b, loc, sizes, b.getF32Type());
      init = linalg::GenericOp::create(
                 b, loc, empty.getType(), ValueRange{bias}, ValueRange{empty},
                 ArrayRef<AffineMap>{map(4, {d(1) * hd + d(3)}),
                                     b.getMultiDimIdentityMap(4)},
                 iterators(4),
                 [&](OpBuilder &nb, Location nl, ValueRange args) {
                   yieldValue(nb, nl, toF32(nb, nl, args[0]));
                 })
                 .getResult(0);
    } else {
      init = filledF32(b, loc, sizes, 0.0);
    }
    // Loops (b, n, s, d, e).
    return linalg::GenericOp::create(
               b, loc, init.getType(), ValueRange{in, w}, ValueRange{init},
               ArrayRef<AffineMap>{map(5, {d(0), d(2), d(4)}),
                                   map(5, {d(4), d(1) * hd + d(3)}),
                                   map(5, {d(0), d(1), d(2), d(3)})},
               iterators(4, 1),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value prod = arith::MulFOp::create(
                     nb, nl, toF32(nb, nl, args[0]), toF32(nb, nl, args[1]));
                 yieldValue(
                     nb, nl, arith::AddFOp::create(nb, nl, args[2], prod));
               })
        .getResult(0);
  }

  /// y[b,s,o] = bo[o] (+ x[b,s,o]) + sum_{h,e} heads[b,h,s,e] * wo[h*dv+e, o]
  Value outputProjection(Value heads, int64_t dv) {
    Value x = op.getX(), wo = op.getWo(), bo = op.getBo();
    Type elem = cast<RankedTensorType>(x.getType()).getElementType();
    SmallVector<OpFoldResult> sizes{dimOf(b, loc, x, 0), dimOf(b, loc, x, 1),
                                    dimOf(b, loc, wo, 1)};
    Value init;
    if (bo || op.getResidual()) {
      SmallVector<Value> ins;
      SmallVector<AffineMap> maps;
      if (bo) {
        ins.push_back(bo);
        maps.push_back(map(3, {d(2)}));
      }
      if (op.getResidual()) {
        ins.push_back(x);
        maps.push_back(b.getMultiDimIdentityMap(3));
      }
      maps.push_back(b.getMultiDimIdentityMap(3));
      Value empty = emptyTensor(b, loc, sizes, b.getF32Type());
      init = linalg::GenericOp::create(
                 b, loc, empty.getType(), ins, ValueRange{empty}, maps,
                 iterators(3),
                 [&](OpBuilder &nb, Location nl, ValueRange args) {
                   Value r = toF32(nb, nl, args[0]);
                   if (args.size() == 3)
                     r = arith::AddFOp::create(nb, nl, r,
                                               toF32(nb, nl, args[1]));
                   yieldValue(nb, nl, r);
                 })
                 .getResult(0);
    } else {
      init = filledF32(b, loc, sizes, 0.0);
    }
    // Loops (b, s, o, h, e).
    Value y =
        linalg::GenericOp::create(
            b, loc, init.getType(), ValueRange{heads, wo}, ValueRange{init},
            ArrayRef<AffineMap>{map(5, {d(0), d(3), d(1), d(4)}),
                                map(5, {d(3) * dv + d(4), d(2)}),
                                map(5, {d(0), d(1), d(2)})},
            iterators(3, 2),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value prod =
                  arith::MulFOp::create(nb, nl, args[0], toF32(nb, nl, args[1]));
              yieldValue(
                  nb, nl, arith::AddFOp::create(nb, nl, args[2], prod));
            })
            .getResult(0);
    Value out = convertTensor(b, loc, y, elem);
    // Keep the op's declared (possibly more static) result type.
    if (out.getType() != op.getType())
      out = tensor::CastOp::create(b, loc, op.getType(), out);
    return out;
  }

  OpBuilder &b;
  Location loc;
  MhaOp op;
};

struct AttnDecomposeMhaPass
    : public attn::impl::AttnDecomposeMhaBase<AttnDecomposeMhaPass> {
  void runOnOperation() override {
    SmallVector<MhaOp> ops;
    getOperation().walk([&](MhaOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (MhaOp op : ops) {
      rewriter.setInsertionPoint(op);
      Value result = MhaDecomposition(rewriter, op).decompose();
      rewriter.replaceOp(op, result);
    }
  }
};

} // namespace
