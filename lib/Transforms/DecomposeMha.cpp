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
#include "KernelEmitter.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

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
  MhaDecomposition(OpBuilder &b, MhaOp op, bool kernels, int64_t vectorBits)
      : b(b), loc(op.getLoc()), op(op), kernels(kernels),
        wideLanes(vectorBits / 32) {}

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

  /// Read-only buffer view of a tensor operand (for the kernels).
  Value buffer(Value t) {
    auto tt = cast<RankedTensorType>(t.getType());
    return bufferization::ToBufferOp::create(
               b, loc, MemRefType::get(tt.getShape(), tt.getElementType()), t,
               true)
        .getResult();
  }

  Value kernelResult(Value buf) {
    auto mt = cast<MemRefType>(buf.getType());
    auto tt = RankedTensorType::get(mt.getShape(), mt.getElementType());
    return bufferization::ToTensorOp::create(b, loc, tt, buf, true, true)
        .getResult();
  }

  /// Vector of `lanes` f32 from a rank-1 bias at `col` (zero if no bias).
  Value biasVector(Emitter &e, Value biasBuf, Value col, int64_t lanes) {
    if (!biasBuf)
      return e.splat(e.f32(0.0), lanes);
    auto bt = cast<MemRefType>(biasBuf.getType()).getElementType();
    return e.toF32(e.vload(bt, biasBuf, {col}, lanes));
  }

  /// Vector lanes of a GEMM whose column vectors must stay inside runs of
  /// `multiple` columns: the wide vectors where they fit, else 8.
  int64_t lanesFor(int64_t multiple) {
    return multiple % wideLanes == 0 ? wideLanes : kVL;
  }

  /// The projection as a micro-kernel GEMM over rows (b, s) and columns
  /// n*hd + d, written straight into the B x N x S x hd layout.
  Value projectWithKernel(Value in, Value w, Value bias, int64_t n,
                          int64_t hd) {
    Emitter e{b, loc};
    Value inBuf = buffer(in), wBuf = buffer(w);
    Value biasBuf = bias ? buffer(bias) : Value();
    Type wElem = cast<MemRefType>(wBuf.getType()).getElementType();
    auto inTy = cast<RankedTensorType>(in.getType());
    Value bDim = e.dim(inBuf, 0), sDim = e.dim(inBuf, 1);
    SmallVector<int64_t> shape{inTy.getDimSize(0), n, inTy.getDimSize(1), hd};
    SmallVector<Value> dyn;
    if (ShapedType::isDynamic(shape[0]))
      dyn.push_back(bDim);
    if (ShapedType::isDynamic(shape[2]))
      dyn.push_back(sDim);
    Value outBuf = memref::AllocOp::create(
        b, loc, MemRefType::get(shape, b.getF32Type()), dyn,
        b.getI64IntegerAttr(64));
    int64_t eDim = cast<RankedTensorType>(w.getType()).getDimSize(0);
    GemmSpec g;
    g.numRows = e.mul(bDim, sDim);
    g.n = n * hd;
    g.k = eDim;
    // A column vector stays inside one head.
    g.lanes = lanesFor(hd);
    g.kChunk = eDim % 256 == 0 ? 256 : eDim;
    g.loadA = [&](Value row, Value kc, Value j) {
      return e.toF32(e.load(inBuf, {e.div(row, sDim), e.rem(row, sDim),
                                    e.add(kc, j)}));
    };
    g.loadB = [&](Value kc, Value j, Value col) {
      return e.toF32(e.vload(wElem, wBuf, {e.add(kc, j), col}, g.lanes));
    };
    g.init = [&](Value, Value col) {
      return biasVector(e, biasBuf, col, g.lanes);
    };
    g.indexC = [&](Value row, Value col) {
      Value hdv = e.idx(hd);
      return std::pair<Value, SmallVector<Value>>(
          outBuf, {e.div(row, sDim), e.div(col, hdv), e.rem(row, sDim),
                   e.rem(col, hdv)});
    };
    emitGemm(e, g);
    return kernelResult(outBuf);
  }

  /// out[b,n,s,d] = bias[n*hd+d] + sum_e in[b,s,e] * w[e, n*hd+d]  (f32)
  Value project(Value in, Value w, Value bias, int64_t n, int64_t hd) {
    int64_t eDim = cast<RankedTensorType>(w.getType()).getDimSize(0);
    if (kernels && hd % kVL == 0 && !ShapedType::isDynamic(eDim))
      return projectWithKernel(in, w, bias, n, hd);
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

  /// The output projection as a micro-kernel GEMM: rows (b, s), reduction
  /// over (head, e) one head per chunk, bias and residual as the initial
  /// value. Returns the f32 result.
  Value outputProjectionWithKernel(Value heads, int64_t dv) {
    Emitter e{b, loc};
    Value x = op.getX();
    Value headsBuf = buffer(heads), woBuf = buffer(op.getWo());
    Value xBuf = op.getResidual() ? buffer(x) : Value();
    Value boBuf = op.getBo() ? buffer(op.getBo()) : Value();
    Type elem = cast<RankedTensorType>(x.getType()).getElementType();
    auto yTy = cast<RankedTensorType>(op.getType());
    Value bDim = e.dim(headsBuf, 0), sDim = e.dim(headsBuf, 2);
    SmallVector<Value> dyn;
    if (yTy.isDynamicDim(0))
      dyn.push_back(bDim);
    if (yTy.isDynamicDim(1))
      dyn.push_back(sDim);
    Value yBuf = memref::AllocOp::create(
        b, loc, MemRefType::get(yTy.getShape(), b.getF32Type()), dyn,
        b.getI64IntegerAttr(64));
    GemmSpec g;
    g.numRows = e.mul(bDim, sDim);
    g.n = yTy.getDimSize(2);
    g.k = op.getNumHeads() * dv;
    g.lanes = lanesFor(g.n);
    g.kChunk = dv;
    Value dvv = e.idx(dv);
    g.loadA = [&](Value row, Value kc, Value j) {
      return e.load(headsBuf, {e.div(row, sDim), e.div(kc, dvv),
                               e.rem(row, sDim), j});
    };
    g.loadB = [&](Value kc, Value j, Value col) {
      return e.toF32(e.vload(elem, woBuf, {e.add(kc, j), col}, g.lanes));
    };
    g.init = [&](Value row, Value col) {
      Value v = biasVector(e, boBuf, col, g.lanes);
      if (xBuf)
        v = e.fadd(v, e.toF32(e.vload(elem, xBuf,
                                      {e.div(row, sDim), e.rem(row, sDim), col},
                                      g.lanes)));
      return v;
    };
    g.indexC = [&](Value row, Value col) {
      return std::pair<Value, SmallVector<Value>>(
          yBuf, {e.div(row, sDim), e.rem(row, sDim), col});
    };
    emitGemm(e, g);
    return kernelResult(yBuf);
  }

  /// y[b,s,o] = bo[o] (+ x[b,s,o]) + sum_{h,e} heads[b,h,s,e] * wo[h*dv+e, o]
  Value outputProjection(Value heads, int64_t dv) {
    Value x = op.getX(), wo = op.getWo(), bo = op.getBo();
    auto yTy = cast<RankedTensorType>(op.getType());
    if (kernels && !yTy.isDynamicDim(2) && yTy.getDimSize(2) % kVL == 0) {
      Type elem = cast<RankedTensorType>(x.getType()).getElementType();
      Value y = outputProjectionWithKernel(heads, dv);
      return convertTensor(b, loc, y, elem);
    }
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
  bool kernels;
  /// Lanes of the GEMM vectors where the columns allow (vector-bits / 32).
  int64_t wideLanes;
};

struct AttnDecomposeMhaPass
    : public attn::impl::AttnDecomposeMhaBase<AttnDecomposeMhaPass> {
  using Base::Base;
  void runOnOperation() override {
    if (vectorBits != 256 && vectorBits != 512) {
      getOperation().emitError()
          << "attn-decompose-mha: vector-bits must be 256 or 512";
      return signalPassFailure();
    }
    SmallVector<MhaOp> ops;
    getOperation().walk([&](MhaOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (MhaOp op : ops) {
      rewriter.setInsertionPoint(op);
      Value result =
          MhaDecomposition(rewriter, op, kernels, vectorBits).decompose();
      rewriter.replaceOp(op, result);
    }
  }
};

} // namespace
