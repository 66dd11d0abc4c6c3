//===- LowerSdpaToFlash.cpp - attn.sdpa -> fused flash loop nest ----------===//
//
// Rewrites attn.sdpa into one fused loop nest on buffers (flash attention):
//
//   scf.parallel (b, kv head, row block)            -- one task per block
//     pack the block's query rows (all query heads of the kv group, so K/V
//       are read once per group) into Qs, pre-multiplied by the scale
//     scf.for key block (up to the causal limit: blocks above the diagonal
//       are never visited)
//       pack K block transposed into Kt              (D x BK)
//       S = Qs . Kt        6x16 register-tiled vector.fma micro-kernel
//                          (vector-bits=512: 12 keys x 16 rows)
//       causal: tiles past the diagonal are not computed (-inf), tiles
//         crossing it masked in registers; masks added after the scores
//       online softmax per row: running max m, running sum l, rescale O
//         (causal: each 8 rows' keys end at their last visible one)
//       O += P . V         6x16 register-tiled vector.fma micro-kernel
//                          (vector-bits=512: 6 rows x 32 columns)
//     O / l -> result (0 for fully hidden rows)
//
// Nothing of size Sq x Sk exists: per task, S is BQ x BK. The op's tensors are
// bridged with bufferization.to_buffer / to_tensor so that one-shot
// bufferization leaves the nest alone. f16/bf16 inputs are widened in
// registers; accumulation is f32.
//
//===----------------------------------------------------------------------===//
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Transforms/Passes.h"

#include "KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <numeric>
#include <limits>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNLOWERSDPATOFLASH
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Below this many (batch, kv head, row block) tasks, the keys are split.
constexpr int64_t kMinTasks = 16;
/// Keys per tile of the narrow (<= 6 query rows, D % 8 != 0) score kernel.
constexpr int64_t kNarrowKeys = 8;
/// Query rows of the streaming decode kernels (emitDecodeStream: one with 4
/// rows, one with 8), and how many keys ahead they prefetch K and V rows.
constexpr int64_t kDecodeRows = 4;
constexpr int64_t kDecodeRowsWide = 8;
constexpr int64_t kDecodePrefetch = 8;
/// Next-task prefetch (planNextTaskPrefetch): how many key blocks of a new
/// kv head are fetched ahead, and the locality hint (3: prefetcht0; 2,
/// prefetcht1, measured the same or up to 3% slower).
constexpr int64_t kPrefetchKeyBlocks = 4;
constexpr int64_t kPrefetchLocality = 3;

/// Shuffle masks of two 8-lane vectors x, y (lanes of y numbered 8..15) for
/// the 8x8 transpose and the 8-way horizontal sum: interleave 32-bit
/// elements (unpack ps), 64-bit pairs (unpack pd), 128-bit halves.
constexpr int64_t kLoPs[] = {0, 8, 1, 9, 4, 12, 5, 13};
constexpr int64_t kHiPs[] = {2, 10, 3, 11, 6, 14, 7, 15};
constexpr int64_t kLoPd[] = {0, 1, 8, 9, 4, 5, 12, 13};
constexpr int64_t kHiPd[] = {2, 3, 10, 11, 6, 7, 14, 15};
constexpr int64_t kLo128[] = {0, 1, 2, 3, 8, 9, 10, 11};
constexpr int64_t kHi128[] = {4, 5, 6, 7, 12, 13, 14, 15};

class FlashLowering {
public:
  FlashLowering(OpBuilder &b, SdpaOp op, int64_t blockQ, int64_t blockK,
                int64_t vectorBits)
      : b(b), e{b, op.getLoc()}, op(op), bq(blockQ), bk(blockK),
        vl(vectorBits / 32) {}

  Value lower() {
    Location loc = op.getLoc();
    auto qt = cast<RankedTensorType>(op.getQuery().getType());
    auto vt = cast<RankedTensorType>(op.getValue().getType());
    elem = qt.getElementType();
    d = qt.getDimSize(3);
    dv = vt.getDimSize(3);
    // Value tiles cover kNV vectors of vl lanes.
    dvp = (dv + kNV * vl - 1) / (kNV * vl) * (kNV * vl);

    auto toBuf = [&](Value t) {
      auto tt = cast<RankedTensorType>(t.getType());
      auto mt = MemRefType::get(tt.getShape(), tt.getElementType());
      return bufferization::ToBufferOp::create(b, loc, mt, t, true)
          .getResult();
    };
    q = toBuf(op.getQuery());
    k = toBuf(op.getKey());
    v = toBuf(op.getValue());
    if (op.getMask())
      mask = toBuf(op.getMask());

    bDim = e.dim(q, 0);
    hDim = e.dim(q, 1);
    sq = e.dim(q, 2);
    sk = e.dim(k, 2);
    hkv = e.dim(k, 1);
    group = e.div(hDim, hkv);
    rows = e.mul(group, sq);
    causalOffset = e.sub(sk, sq);

    auto rt = cast<RankedTensorType>(op.getType());
    SmallVector<Value> dynSizes;
    Value sizes[4] = {bDim, hDim, sq, e.idx(dv)};
    for (int64_t i = 0; i < 4; ++i)
      if (rt.isDynamicDim(i))
        dynSizes.push_back(sizes[i]);
    out = memref::AllocOp::create(
        b, loc, MemRefType::get(rt.getShape(), rt.getElementType()), dynSizes,
        b.getI64IntegerAttr(64));

    numBlocks = e.ceilDiv(rows, e.idx(bq));
    // Flash-decoding: with fewer than kMinTasks (batch, kv head, row block)
    // tasks -- decode steps, a single kv head -- the key range of each row
    // block is split into nSplit parts that run as tasks of their own; each
    // leaves its running max, sum and unnormalized accumulator in partial
    // buffers, and a second parallel loop combines them.
    Value tasks = e.mul(e.mul(bDim, hkv), numBlocks);
    Value maxKeyBlocks = e.maxS(e.ceilDiv(sk, e.idx(bk)), e.idx(1));
    nSplit = e.minS(e.maxS(e.ceilDiv(e.idx(kMinTasks), e.maxS(tasks, e.idx(1))),
                           e.idx(1)),
                    maxKeyBlocks);
    splitting = e.cmp(arith::CmpIPredicate::sgt, nSplit, e.idx(1));
    Value slots = e.select(splitting, e.mul(tasks, nSplit), e.idx(0));
    pO = memref::AllocOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic, bq, dvp}, f32()),
        ValueRange{slots}, b.getI64IntegerAttr(64));
    pM = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic, bq}, f32()),
        ValueRange{slots}, b.getI64IntegerAttr(64));
    pL = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic, bq}, f32()),
        ValueRange{slots}, b.getI64IntegerAttr(64));
    scf::ParallelOp::create(
        b, loc, ValueRange{e.idx(0), e.idx(0), e.idx(0), e.idx(0)},
        ValueRange{bDim, hkv, numBlocks, nSplit},
        ValueRange{e.idx(1), e.idx(1), e.idx(1), e.idx(1)},
        [&](OpBuilder &nb, Location nl, ValueRange ivs) {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          auto scope = memref::AllocaScopeOp::create(b, nl, TypeRange{});
          Block *body = b.createBlock(&scope.getBodyRegion());
          b.setInsertionPointToStart(body);
          emitTask(ivs[0], ivs[1], ivs[2], ivs[3]);
          memref::AllocaScopeReturnOp::create(b, nl, ValueRange{});
        });
    e.ifThen(splitting, [&] {
      scf::ParallelOp::create(
          b, loc, ValueRange{e.idx(0), e.idx(0), e.idx(0)},
          ValueRange{bDim, hkv, numBlocks},
          ValueRange{e.idx(1), e.idx(1), e.idx(1)},
          [&](OpBuilder &nb, Location nl, ValueRange ivs) {
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPoint(nb.getInsertionBlock(),
                                nb.getInsertionPoint());
            emitCombine(ivs[0], ivs[1], ivs[2]);
          });
    });
    // pO/pM/pL are freed by the buffer-deallocation pipeline after their
    // last use.
    return bufferization::ToTensorOp::create(b, loc, rt, out,
                                             /*restrict=*/true,
                                             /*writable=*/true)
        .getResult();
  }

private:
  Type f32() { return b.getF32Type(); }
  /// Per-task scratch lives on the stack of the thread running the task,
  /// released at the end of the task's memref.alloca_scope.
  Value alloc(ArrayRef<int64_t> shape, Type t = {}) {
    return memref::AllocaOp::create(
        b, e.loc, MemRefType::get(shape, t ? t : f32()),
        b.getI64IntegerAttr(64));
  }
  Value negInf() { return e.f32(-std::numeric_limits<double>::infinity()); }

  /// Maximum for the running row maxima: `fastmath<nnan,nsz>` lets x86 use
  /// a plain vmaxps instead of vmaxps + NaN compare + blends (~10% of the
  /// 512-bit prefill kernel's time). A NaN score still reaches the result:
  /// its exp2 (whose clamp keeps NaN semantics) makes p, l and O NaN.
  Value rowMax(Value x, Value y) {
    return arith::MaximumFOp::create(
        b, e.loc, x, y,
        arith::FastMathFlagsAttr::get(b.getContext(),
                                      arith::FastMathFlags::nnan |
                                          arith::FastMathFlags::nsz));
  }

  /// Query row `r` of the block -> (query head, query index).
  std::pair<Value, Value> rowCoords(Value r) { return rowCoordsOf(hk, r0, r); }
  std::pair<Value, Value> rowCoordsOf(Value hkX, Value r0X, Value r) {
    Value row = e.add(r0X, r);
    Value g = e.div(row, sq);
    Value i = e.rem(row, sq);
    return {e.add(e.mul(hkX, group), g), i};
  }

  /// Query indices [minI, maxI] of the rows [r0X, r0X + nrowsX) of a kv
  /// head's block (all of them when the block covers more than one query
  /// head of the group), and the end of the keys those rows see.
  struct RowSpan {
    Value minI, maxI, keyEnd;
  };
  RowSpan rowSpan(Value r0X, Value nrowsX) {
    Value lastRow = e.add(r0X, e.sub(nrowsX, e.idx(1)));
    Value oneHead =
        e.cmp(arith::CmpIPredicate::eq, e.div(r0X, sq), e.div(lastRow, sq));
    RowSpan s;
    s.minI = e.select(oneHead, e.rem(r0X, sq), e.idx(0));
    s.maxI = e.select(oneHead, e.rem(lastRow, sq), e.sub(sq, e.idx(1)));
    s.keyEnd = sk;
    if (op.getCausal())
      s.keyEnd = e.maxS(
          e.idx(0), e.minS(sk, e.add(e.add(s.maxI, causalOffset), e.idx(1))));
    return s;
  }

  /// 2^x for x <= 0 (or -inf) on vector<8xf32>: x clamped to -127, split into
  /// n + f, f in [0,1), 2^f by a degree-4 polynomial (relative error 2.7e-6,
  /// far inside f32's 2e-4 tolerance), 2^n by building the exponent bits. n = -127 builds
  /// +0.0, so exp2(-inf) is exactly 0.
  Value exp2(Value x) {
    static const float kCoeffs[] = {1.0000026226043701f, 0.6930038332939148f,
                                    0.24144279956817627f, 0.052011482417583466f,
                                    0.013534121215343475f};
    int64_t lanes = cast<VectorType>(x.getType()).getNumElements();
    x = e.fmax(x, splatN(lanes, e.f32(-127.0)));
    Value n = math::FloorOp::create(b, e.loc, x);
    Value f = e.fsub(x, n);
    Value p = splatN(lanes, e.f32(kCoeffs[4]));
    for (int i = 3; i >= 0; --i)
      p = math::FmaOp::create(b, e.loc, p, f, splatN(lanes, e.f32(kCoeffs[i])));
    VectorType iv = VectorType::get({lanes}, b.getI32Type());
    Value ni = arith::FPToSIOp::create(b, e.loc, iv, n);
    Value biased = arith::AddIOp::create(
        b, e.loc, ni,
        arith::ConstantOp::create(b, e.loc,
                                  DenseElementsAttr::get(iv, int32_t(127))));
    Value bits = arith::ShLIOp::create(
        b, e.loc, biased,
        arith::ConstantOp::create(b, e.loc,
                                  DenseElementsAttr::get(iv, int32_t(23))));
    Value pow2n = arith::BitcastOp::create(b, e.loc, vecN(lanes), bits);
    return e.fmul(p, pow2n);
  }

  /// Index of the partial-result slot of split `sp` of row block `rb`.
  Value slotOf(Value bIv, Value hkIv, Value rb, Value sp) {
    Value t = e.add(e.mul(e.add(e.mul(bIv, hkv), hkIv), numBlocks), rb);
    return e.add(e.mul(t, nSplit), sp);
  }

  void setRowBlock(Value bIv, Value hkIv, Value rb) {
    bi = bIv;
    hk = hkIv;
    r0 = e.mul(rb, e.idx(bq));
    nrows = e.minS(e.idx(bq), e.sub(rows, r0));
  }

  void emitTask(Value bIv, Value hkIv, Value rb, Value sp) {
    setRowBlock(bIv, hkIv, rb);
    // Value tiles cover 6 query rows, score tiles 16 query columns; the
    // score tiles cover every row the value tiles read (BQ is a multiple of
    // both), so no scratch is read before it is written.
    nRowTiles = e.ceilDiv(nrows, e.idx(kMR));
    nQTiles = e.ceilDiv(e.mul(nRowTiles, e.idx(kMR)), e.idx(kNR));
    // At most one 6-row value tile: narrow score tiles, one softmax chunk.
    narrow = e.cmp(arith::CmpIPredicate::sle, nrows, e.idx(kMR));
    nChunks = e.select(narrow, e.idx(1), e.mul(nQTiles, e.idx(kNV)));

    qT = alloc({d, bq});
    // Row-major copy of the packed queries for the decode dot kernel.
    if (d % kVL == 0)
      qR = alloc({bq, d});
    ot = alloc({bq, dvp});
    sT = alloc({bk, bq});
    mRow = alloc({bq});
    lRow = alloc({bq});
    alphaRow = alloc({bq});
    blockMax = alloc({bq});
    // f16/bf16: each key block of K and V is widened once into f32 scratch
    // (8 lanes at a time) and shared by all rows of the task, instead of a
    // scalar conversion per broadcast in the score kernel.
    if (!elem.isF32()) {
      kF = alloc({bk, d});
      vF = alloc({bk, dvp});
    }
    if (op.getCausal()) {
      lastKey = alloc({bq}, b.getI32Type());
      groupLastMax = alloc({bq / kVL}, b.getI32Type());
      groupLastMin = alloc({bq / kVL}, b.getI32Type());
    }

    Value zero = e.f32(0.0), zeroV = e.splat(zero);
    Value negInfV = e.splat(negInf());
    e.forLoop(0, e.idx(bq), kVL, [&](Value r) {
      e.vstore(negInfV, mRow, {r});
      e.vstore(zeroV, lRow, {r});
    });
    e.forLoop(0, e.idx(bq), 1, [&](Value r) {
      e.forLoop(0, e.idx(dvp), kVL,
                [&](Value c) { e.vstore(zeroV, ot, {r, c}); });
    });

    // Pack Q transposed, pre-multiplied by scale * log2(e) (softmax in base
    // 2); rows past the block are zero.
    Value scale = e.f32(op.getEffectiveScale() * M_LOG2E);
    e.forLoop(0, e.idx(d), 1, [&](Value c) {
      e.forLoop(0, e.idx(bq), kVL,
                [&](Value r) { e.vstore(zeroV, qT, {c, r}); });
    });
    if (d % kVL == 0) {
      // 8 rows x 8 columns at a time: contiguous loads along D, transposed
      // in registers, contiguous stores along the rows of qT.
      Value lastRow = e.sub(nrows, e.idx(1));
      e.forLoop(0, e.ceilDiv(nrows, e.idx(kVL)), 1, [&](Value g) {
        Value row0 = e.mul(g, e.idx(kVL));
        SmallVector<Value> valid, h, i;
        for (int64_t x = 0; x < kVL; ++x) {
          Value r = e.add(row0, e.idx(x));
          valid.push_back(e.cmp(arith::CmpIPredicate::slt, r, nrows));
          auto [hx, ix] = rowCoords(e.minS(r, lastRow));
          h.push_back(hx);
          i.push_back(ix);
        }
        e.forLoop(0, e.idx(d), kVL, [&](Value c) {
          SmallVector<Value> rowsV;
          for (int64_t x = 0; x < kVL; ++x)
            rowsV.push_back(e.select(
                valid[x],
                e.fmul(e.toF32(e.vload(elem, q, {bi, h[x], i[x], c})),
                       e.splat(scale)),
                zeroV));
          SmallVector<Value> cols = transpose8(rowsV);
          for (int64_t y = 0; y < kVL; ++y)
            e.vstore(cols[y], qT, {e.add(c, e.idx(y)), row0});
        });
      });
      // Row-major copy for the decode kernels: the narrow dot-product
      // scores (tasks of <= 6 rows) and the streams (<= 8 rows).
      Value decodeRows = e.cmp(arith::CmpIPredicate::sle, nrows,
                               e.idx(std::max(kMR, kDecodeRowsWide)));
      e.ifThen(decodeRows, [&] {
        e.forLoop(0, nrows, 1, [&](Value r) {
          Value h, i;
          std::tie(h, i) = rowCoords(r);
          e.forLoop(0, e.idx(d), kVL, [&](Value c) {
            e.vstore(e.fmul(e.toF32(e.vload(elem, q, {bi, h, i, c})),
                            e.splat(scale)),
                     qR, {r, c});
          });
        });
      });
    } else {
      e.forLoop(0, nrows, 1, [&](Value r) {
        Value h, i;
        std::tie(h, i) = rowCoords(r);
        e.forLoop(0, e.idx(d), 1, [&](Value c) {
          Value x = e.fmul(e.toF32(e.load(q, {bi, h, i, c})), scale);
          e.store(x, qT, {c, r});
        });
      });
    }
    if (op.getCausal()) {
      // Row r sees keys j <= i + Sk - Sq; rows past the block see none (the
      // kernels take maxima of lastKey over whole tiles).
      VectorType iv = VectorType::get({kVL}, b.getI32Type());
      Value noKeyV = arith::ConstantOp::create(
          b, e.loc,
          DenseElementsAttr::get(iv, std::numeric_limits<int32_t>::min()));
      e.forLoop(0, e.idx(bq), kVL,
                [&](Value r) { e.vstore(noKeyV, lastKey, {r}); });
      e.forLoop(0, nrows, 1, [&](Value r) {
        Value i = rowCoords(r).second;
        Value last = e.add(i, causalOffset);
        e.store(arith::IndexCastOp::create(b, e.loc, b.getI32Type(), last),
                lastKey, {r});
      });
      // Per group of 8 rows: the last key any of them sees, and the last
      // key all of them see (kernels test tiles against these, not rows).
      e.forLoop(0, e.idx(bq), kVL, [&](Value r) {
        Value lk = vector::LoadOp::create(b, e.loc, iv, lastKey, ValueRange{r});
        Value g = e.div(r, e.idx(kVL));
        e.store(vector::ReductionOp::create(b, e.loc,
                                            vector::CombiningKind::MAXSI, lk),
                groupLastMax, {g});
        e.store(vector::ReductionOp::create(b, e.loc,
                                            vector::CombiningKind::MINSI, lk),
                groupLastMin, {g});
      });
    }

    // Keys beyond the last visible one of the block are never visited.
    RowSpan span = rowSpan(r0, nrows);
    minI = span.minI;
    Value keyEnd = span.keyEnd;
    Value blockKeys = e.idx(bk);
    Value numKeyBlocks = e.ceilDiv(keyEnd, blockKeys);
    // This task's share of the key blocks (all of them unless splitting).
    Value perSplit = e.ceilDiv(numKeyBlocks, nSplit);
    Value kbBegin = e.minS(e.mul(sp, perSplit), numKeyBlocks);
    Value kbEnd = e.minS(e.add(kbBegin, perSplit), numKeyBlocks);
    planNextTaskPrefetch(rb, keyEnd, e.mul(e.sub(kbEnd, kbBegin), nRowTiles));
    taskKbBegin = kbBegin;

    auto keyBlocks = [&] {
      e.forLoop(kbBegin, kbEnd, e.idx(1), [&](Value kb) {
        Value k0 = e.mul(kb, blockKeys);
        Value nk = e.minS(blockKeys, e.sub(keyEnd, k0));
        emitKeyBlock(k0, nk);
      });
    };
    if (d % kVL == 0 && !mask) {
      // Decode (<= 4, else <= 8 query rows): one streaming pass over the
      // task's keys.
      Value kBegin = e.minS(e.mul(kbBegin, blockKeys), keyEnd);
      Value kEnd = e.minS(e.mul(kbEnd, blockKeys), keyEnd);
      OpBuilder::InsertionGuard g(b);
      for (int64_t streamRows : {kDecodeRows, kDecodeRowsWide}) {
        Value stream = e.cmp(arith::CmpIPredicate::sle, nrows,
                             e.idx(streamRows));
        auto ifOp = scf::IfOp::create(b, e.loc, stream, /*withElse=*/true);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        emitDecodeStream(streamRows, kBegin, kEnd);
        b.setInsertionPointToStart(&ifOp.getElseRegion().front());
      }
      keyBlocks();
    } else {
      keyBlocks();
    }

    auto ifOp = scf::IfOp::create(b, e.loc, splitting, /*withElse=*/true);
    {
      // Partial state for the combine step.
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      Value slot = slotOf(bIv, hkIv, rb, sp);
      e.forLoop(0, e.idx(bq), kVL, [&](Value r) {
        e.vstore(e.vload(f32(), mRow, {r}), pM, {slot, r});
        e.vstore(e.vload(f32(), lRow, {r}), pL, {slot, r});
      });
      e.forLoop(0, nrows, 1, [&](Value r) {
        e.forLoop(0, e.idx(dvp), kVL, [&](Value c) {
          e.vstore(e.vload(f32(), ot, {r, c}), pO, {slot, r, c});
        });
      });
    }
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&ifOp.getElseRegion().front());

    // O / l -> result; fully hidden rows (l == 0) give 0.
    Value one = e.f32(1.0);
    e.forLoop(0, nrows, 1, [&](Value r) {
      Value h, i;
      std::tie(h, i) = rowCoords(r);
      Value l = e.load(lRow, {r});
      Value hidden =
          arith::CmpFOp::create(b, e.loc, arith::CmpFPredicate::OEQ, l, zero);
      Value inv = e.select(hidden, zero,
                           arith::DivFOp::create(b, e.loc, one, l));
      // Whole vectors, then the scalar rest of Dv.
      int64_t dvVec = dv / kVL * kVL;
      Value ikNV = e.splat(inv);
      for (int64_t c = 0; c < dvVec; c += kVL) {
        Value x = e.fmul(e.vload(f32(), ot, {r, e.idx(c)}), ikNV);
        if (!elem.isF32())
          x = arith::TruncFOp::create(b, e.loc, e.vecTy(elem), x);
        e.vstore(x, out, {bi, h, i, e.idx(c)});
      }
      e.forLoop(dvVec, e.idx(dv), 1, [&](Value c) {
        Value x = e.fmul(e.load(ot, {r, c}), inv);
        if (!elem.isF32())
          x = arith::TruncFOp::create(b, e.loc, elem, x);
        e.store(x, out, {bi, h, i, c});
      });
    });
  }

  Value shuffle(Value x, Value y, ArrayRef<int64_t> mask) {
    return vector::ShuffleOp::create(b, e.loc, x, y, mask).getResult();
  }

  /// 8x8 transpose of rows[0..7] (vector<8xf32> each): result y holds
  /// element y of every row. Three rounds of 8 shuffles (unpack ps, unpack
  /// pd, 128-bit halves).
  SmallVector<Value> transpose8(ArrayRef<Value> rows) {
    // t[2p] = rows 2p, 2p+1 interleaved, columns (0, 1 | 4, 5); t[2p+1]:
    // columns (2, 3 | 6, 7).
    SmallVector<Value> t, u(8), out(8);
    for (int p = 0; p < 4; ++p) {
      t.push_back(shuffle(rows[2 * p], rows[2 * p + 1], kLoPs));
      t.push_back(shuffle(rows[2 * p], rows[2 * p + 1], kHiPs));
    }
    // u[4h + s]: rows 4h..4h+3 of columns (s | s + 4).
    for (int hh = 0; hh < 2; ++hh)
      for (int s2 = 0; s2 < 2; ++s2) {
        Value a = t[4 * hh + s2], c = t[4 * hh + 2 + s2];
        u[4 * hh + 2 * s2] = shuffle(a, c, kLoPd);
        u[4 * hh + 2 * s2 + 1] = shuffle(a, c, kHiPd);
      }
    for (int s = 0; s < 4; ++s) {
      out[s] = shuffle(u[s], u[4 + s], kLo128);
      out[s + 4] = shuffle(u[s], u[4 + s], kHi128);
    }
    return out;
  }

  /// Combines the nSplit partial states of one row block:
  /// M = max m_s, w_s = 2^(m_s - M), l = sum w_s l_s, o = sum w_s o_s / l.
  void emitCombine(Value bIv, Value hkIv, Value rb) {
    setRowBlock(bIv, hkIv, rb);
    Value zero = e.f32(0.0), one = e.f32(1.0);
    Value base = slotOf(bIv, hkIv, rb, e.idx(0));
    Value slotEnd = e.add(base, nSplit);
    e.forLoop(0, nrows, 1, [&](Value r) {
      Value h, i;
      std::tie(h, i) = rowCoords(r);
      Value mMax = e.forLoopIter(base, slotEnd, e.idx(1), {negInf()},
                                 [&](Value slot, ValueRange a) {
                                   return SmallVector<Value>{
                                       e.fmax(a[0], e.load(pM, {slot, r}))};
                                 })[0];
      Value allHidden = arith::CmpFOp::create(
          b, e.loc, arith::CmpFPredicate::OEQ, mMax, negInf());
      Value shift = e.select(allHidden, zero, mMax);
      auto weight = [&](Value slot) {
        return math::Exp2Op::create(b, e.loc,
                                    e.fsub(e.load(pM, {slot, r}), shift))
            .getResult();
      };
      Value l = e.forLoopIter(base, slotEnd, e.idx(1), {zero},
                              [&](Value slot, ValueRange a) {
                                return SmallVector<Value>{e.fadd(
                                    a[0], e.fmul(weight(slot),
                                                 e.load(pL, {slot, r})))};
                              })[0];
      Value hidden =
          arith::CmpFOp::create(b, e.loc, arith::CmpFPredicate::OEQ, l, zero);
      Value inv = e.select(hidden, zero,
                           arith::DivFOp::create(b, e.loc, one, l));
      e.forLoop(0, e.idx(dv), 1, [&](Value c) {
        Value o = e.forLoopIter(base, slotEnd, e.idx(1), {zero},
                                [&](Value slot, ValueRange a) {
                                  return SmallVector<Value>{e.fadd(
                                      a[0], e.fmul(weight(slot),
                                                   e.load(pO, {slot, r, c})))};
                                })[0];
        Value x = e.fmul(o, inv);
        if (!elem.isF32())
          x = arith::TruncFOp::create(b, e.loc, elem, x);
        e.store(x, out, {bi, h, i, c});
      });
    });
  }

  /// Where the kernels read key/value `j` of the block: its row in the
  /// widened scratch (f16/bf16) or in K and V themselves.
  Value keyRow(Value k0, Value j) { return kF ? j : e.add(k0, j); }

  /// Element `c` of a key row from keyRow(), as f32.
  Value keyElement(Value row, Value c) {
    if (kF)
      return e.load(kF, {row, c});
    return e.load(k, {bi, hk, row, c});
  }

  /// Columns [col, col + lanes) of a value row from keyRow(), as f32.
  Value valueVector(Value row, int64_t col, int64_t lanes) {
    if (vF)
      return vloadN(lanes, vF, {row, e.idx(col)});
    return loadValue(row, col, lanes);
  }

  void widenKeyBlock(Value k0, Value nk) {
    e.forLoop(0, nk, 1, [&](Value j) {
      Value key = e.add(k0, j);
      if (d % kVL == 0) {
        e.forLoop(0, e.idx(d), kVL, [&](Value c) {
          e.vstore(e.toF32(e.vload(elem, k, {bi, hk, key, c})), kF, {j, c});
        });
      } else {
        e.forLoop(0, e.idx(d), 1, [&](Value c) {
          e.store(e.toF32(e.load(k, {bi, hk, key, c})), kF, {j, c});
        });
      }
      for (int64_t col = 0; col < dvp; col += kVL)
        e.vstore(loadValue(key, col), vF, {j, e.idx(col)});
    });
  }

  void emitKeyBlock(Value k0, Value nk) {
    if (kF)
      widenKeyBlock(k0, nk);
    // The wide score kernel leaves each row's maximum over the block in
    // blockMax as a by-product of its epilogue.
    Value negInfV = e.splat(negInf());
    e.forLoop(0, e.idx(bq), kVL,
              [&](Value r) { e.vstore(negInfV, blockMax, {r}); });
    emitScoresKernel(k0, nk);

    // Masks are added after the scores, and the row maxima recomputed in
    // the softmax (as for the narrow kernels, which do not track them).
    // Causal: the score tiles mask the diagonal themselves; the bias pass
    // (emitBias) masks it only for the narrow dot-product kernel.
    Value recomputeMax = narrow;
    if (mask) {
      emitBias(k0, nk);
      recomputeMax = arith::ConstantIntOp::create(b, e.loc, 1, 1);
    } else if (op.getCausal()) {
      Value lastKeyOfBlock = e.add(k0, e.sub(nk, e.idx(1)));
      Value diag = e.cmp(arith::CmpIPredicate::sgt, lastKeyOfBlock,
                         e.add(minI, causalOffset));
      e.ifThen(diag, [&] { emitBias(k0, nk); });
    }

    emitOnlineSoftmax(k0, nk, recomputeMax);
    emitValueKernel(k0, nk);
  }

  // sT[j][r] = sum_c k[b, hk, k0 + j, c] * qT[c][r], K broadcast straight
  // from the input (no packing). Tiles of 6 keys x 16 query rows; a task
  // with at most 6 rows (decode) uses 12 keys x 8 rows instead, so that a
  // few live rows do not pay for 16.
  void emitScoresKernel(Value k0, Value nk) {
    auto ifOp = scf::IfOp::create(b, e.loc, narrow, /*withElse=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    if (qR)
      emitScoresDot(k0, nk);
    else
      emitScoresTiles(k0, nk, kNarrowKeys, 1, e.idx(1), kVL);
    b.setInsertionPointToStart(&ifOp.getElseRegion().front());
    // 16 rows per tile: two 8-lane vectors x 6 keys, or (512-bit vectors)
    // one 16-lane vector x 12 keys; 12 accumulators either way.
    if (vl == 2 * kVL)
      emitScoresTiles(k0, nk, 2 * kMR, 1, nQTiles, vl);
    else
      emitScoresTiles(k0, nk, kMR, kNV, nQTiles, kVL);
  }

  VectorType vecN(int64_t lanes) { return VectorType::get({lanes}, f32()); }
  Value vloadN(int64_t lanes, Value m, ValueRange ivs) {
    return vector::LoadOp::create(b, e.loc, vecN(lanes), m, ivs);
  }
  Value splatN(int64_t lanes, Value x) {
    return vector::BroadcastOp::create(b, e.loc, vecN(lanes), x);
  }

  /// Few query rows (decode): dot products along D instead. Each key row is
  /// streamed once with contiguous vector loads, against 4 query rows (kept
  /// row-major in qR) and 2 keys at a time -- 8 accumulators, horizontal
  /// sums at the end. Rows past the block and the odd last key are clamped.
  void emitScoresDot(Value k0, Value nk) {
    constexpr int64_t kRows = 4, kKeys = 2;
    Value lastKey = e.sub(nk, e.idx(1)), lastRow = e.sub(nrows, e.idx(1));
    e.forLoop(0, e.ceilDiv(nrows, e.idx(kRows)), 1, [&](Value g) {
      SmallVector<Value> rowIdx;
      for (int64_t x = 0; x < kRows; ++x)
        rowIdx.push_back(
            e.minS(e.add(e.mul(g, e.idx(kRows)), e.idx(x)), lastRow));
      e.forLoop(0, e.ceilDiv(nk, e.idx(kKeys)), 1, [&](Value jp) {
        SmallVector<Value> js, rowsK;
        for (int64_t y = 0; y < kKeys; ++y) {
          js.push_back(
              e.minS(e.add(e.mul(jp, e.idx(kKeys)), e.idx(y)), lastKey));
          rowsK.push_back(keyRow(k0, js.back()));
        }
        // The value kernel walks these V rows column tile by column tile
        // (a 4*Dv-byte stride): fetch them now, while the keys stream.
        if (!vF)
          for (int64_t y = 0; y < kKeys; ++y)
            for (int64_t col = 0; col < dv; col += 64 / 4)
              memref::PrefetchOp::create(
                  b, e.loc, v, ValueRange{bi, hk, rowsK[y], e.idx(col)},
                  b.getBoolAttr(false), b.getI32IntegerAttr(3),
                  b.getBoolAttr(true));
        SmallVector<Value> init(kRows * kKeys, e.splat(e.f32(0.0)));
        SmallVector<Value> acc = e.forLoopIter(
            e.idx(0), e.idx(d), e.idx(kVL), init, [&](Value c, ValueRange a) {
              SmallVector<Value> kv;
              for (int64_t y = 0; y < kKeys; ++y)
                kv.push_back(kF ? e.vload(f32(), kF, {rowsK[y], c})
                                : e.vload(f32(), k, {bi, hk, rowsK[y], c}));
              SmallVector<Value> next;
              for (int64_t x = 0; x < kRows; ++x) {
                Value qv = e.vload(f32(), qR, {rowIdx[x], c});
                for (int64_t y = 0; y < kKeys; ++y)
                  next.push_back(vector::FMAOp::create(b, e.loc, qv, kv[y],
                                                       a[x * kKeys + y]));
              }
              return next;
            });
        for (int64_t x = 0; x < kRows; ++x)
          for (int64_t y = 0; y < kKeys; ++y)
            e.store(vector::ReductionOp::create(b, e.loc,
                                                vector::CombiningKind::ADD,
                                                acc[x * kKeys + y]),
                    sT, {js[y], rowIdx[x]});
      });
    });
  }

  void emitScoresTiles(Value k0, Value nk, int64_t keysPerTile,
                       int64_t vecsPerTile, Value numQTiles, int64_t lanes) {
    Value lastValid = e.sub(nk, e.idx(1));
    // Tiles address their keys as consecutive rows (one base register and
    // constant offsets in the FMA loop: with clamped indices LLVM keeps 12
    // row pointers and reloads them from the stack in the loop, ~10% slower
    // with 512-bit vectors). The last tile of a block whose length is not a
    // multiple of the tile ends at the block's last key instead, recomputing
    // a few scores of the tile before it (same values, same maxima); only a
    // block shorter than one tile clamps keys past its end to its last one
    // (the loads stay in bounds and the softmax never reads those rows).
    Value tileKeys = e.idx(keysPerTile);
    Value nFull = e.div(nk, tileKeys);
    auto keyTile = [&](Value j0, bool clamp) {
      SmallVector<Value> keys;
      for (int64_t x = 0; x < keysPerTile; ++x) {
        Value j = e.add(j0, e.idx(x));
        keys.push_back(keyRow(k0, clamp ? e.minS(j, lastValid) : j));
      }
      emitScoreTileRow(k0, j0, keys, vecsPerTile, numQTiles, lanes);
    };
    e.forLoop(0, nFull, 1, [&](Value kt) { keyTile(e.mul(kt, tileKeys), false); });
    Value partial = e.cmp(arith::CmpIPredicate::slt, e.mul(nFull, tileKeys), nk);
    Value shifted = arith::AndIOp::create(
        b, e.loc, partial, e.cmp(arith::CmpIPredicate::sgt, nFull, e.idx(0)));
    e.ifThen(shifted, [&] { keyTile(e.sub(nk, tileKeys), false); });
    e.ifThen(e.cmp(arith::CmpIPredicate::eq, nFull, e.idx(0)),
             [&] { keyTile(e.idx(0), true); });
  }

  /// Causal: the last key any (`anyRow`) or every row of the rows
  /// [row0, row0 + n) sees, n a multiple of 8 (row0 too), as an i32.
  Value lastKeyOfRows(Value row0, int64_t n, bool anyRow) {
    Value g0 = e.div(row0, e.idx(kVL));
    Value groups = anyRow ? groupLastMax : groupLastMin;
    Value last = e.load(groups, {g0});
    for (int64_t x = 1; x < n / kVL; ++x) {
      Value lx = e.load(groups, {e.add(g0, e.idx(x))});
      last = anyRow ? e.maxS(last, lx) : e.minS(last, lx);
    }
    return last;
  }

  /// One row of score tiles: keys `keys` (rows j0.. of sT) against every
  /// 16-row tile of the block's queries.
  void emitScoreTileRow(Value k0, Value j0, ArrayRef<Value> keys,
                        int64_t vecsPerTile, Value numQTiles, int64_t lanes) {
    int64_t keysPerTile = keys.size();
    int64_t rowsPerTile = vecsPerTile * lanes;
    Type i32 = b.getI32Type();
    e.forLoop(0, numQTiles, 1, [&](Value qtile) {
      Value col0 = e.mul(qtile, e.idx(rowsPerTile));
      auto storeTile = [&](ArrayRef<Value> acc) {
        for (int64_t r = 0; r < keysPerTile; ++r)
          for (int64_t x = 0; x < vecsPerTile; ++x)
            e.vstore(acc[r * vecsPerTile + x], sT,
                     {e.add(j0, e.idx(r)), e.add(col0, e.idx(x * lanes))});
      };
      OpBuilder::InsertionGuard g(b);
      Value firstKey, tileMin;
      if (op.getCausal()) {
        // Causal: a tile whose first key lies past the last visible key of
        // all its rows is not computed; its scores are -inf.
        firstKey = arith::IndexCastOp::create(b, e.loc, i32, e.add(k0, j0));
        tileMin = lastKeyOfRows(col0, rowsPerTile, /*anyRow=*/false);
        Value visible = e.cmp(arith::CmpIPredicate::sle, firstKey,
                              lastKeyOfRows(col0, rowsPerTile, true));
        auto ifOp = scf::IfOp::create(b, e.loc, visible, /*withElse=*/true);
        b.setInsertionPointToStart(&ifOp.getElseRegion().front());
        storeTile(SmallVector<Value>(keysPerTile * vecsPerTile,
                                     splatN(lanes, negInf())));
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      }
      SmallVector<Value> init(keysPerTile * vecsPerTile,
                              splatN(lanes, e.f32(0.0)));
      SmallVector<Value> acc = e.forLoopIter(
          e.idx(0), e.idx(d), e.idx(1), init, [&](Value c, ValueRange a) {
            SmallVector<Value> qv;
            for (int64_t x = 0; x < vecsPerTile; ++x)
              qv.push_back(
                  vloadN(lanes, qT, {c, e.add(col0, e.idx(x * lanes))}));
            SmallVector<Value> next;
            for (int64_t r = 0; r < keysPerTile; ++r) {
              Value kv = splatN(lanes, keyElement(keys[r], c));
              for (int64_t x = 0; x < vecsPerTile; ++x)
                next.push_back(vector::FMAOp::create(b, e.loc, kv, qv[x],
                                                     a[r * vecsPerTile + x]));
            }
            return next;
          });
      if (op.getCausal()) {
        // A tile crossing the diagonal (some key past some row's last) is
        // masked here, before the stores and the row maxima: the blocks on
        // the diagonal need no separate bias pass and no second pass for
        // their maxima.
        Value lastTileKey = arith::IndexCastOp::create(
            b, e.loc, i32, e.add(k0, e.add(j0, e.idx(keysPerTile - 1))));
        SmallVector<Type> types(acc.size(), vecN(lanes));
        auto maskIf = scf::IfOp::create(
            b, e.loc, types,
            e.cmp(arith::CmpIPredicate::sgt, lastTileKey, tileMin),
            /*withElse=*/true);
        OpBuilder::InsertionGuard mg(b);
        b.setInsertionPointToStart(&maskIf.getThenRegion().front());
        VectorType iv = VectorType::get({lanes}, i32);
        SmallVector<Value> last;
        for (int64_t x = 0; x < vecsPerTile; ++x)
          last.push_back(vector::LoadOp::create(
              b, e.loc, iv, lastKey,
              ValueRange{e.add(col0, e.idx(x * lanes))}));
        Value negInfV = splatN(lanes, negInf());
        SmallVector<Value> masked;
        for (int64_t r = 0; r < keysPerTile; ++r) {
          Value key = arith::IndexCastOp::create(
              b, e.loc, i32, e.add(k0, e.add(j0, e.idx(r))));
          Value keyV = vector::BroadcastOp::create(b, e.loc, iv, key);
          for (int64_t x = 0; x < vecsPerTile; ++x)
            masked.push_back(e.select(
                e.cmp(arith::CmpIPredicate::sle, keyV, last[x]),
                acc[r * vecsPerTile + x], negInfV));
        }
        scf::YieldOp::create(b, e.loc, masked);
        b.setInsertionPointToStart(&maskIf.getElseRegion().front());
        scf::YieldOp::create(b, e.loc, acc);
        acc.assign(maskIf.getResults().begin(), maskIf.getResults().end());
      }
      storeTile(acc);
      // Row maxima over the tile's keys (clamped duplicates included:
      // they repeat a valid key's score).
      for (int64_t x = 0; x < vecsPerTile; ++x) {
        Value col = e.add(col0, e.idx(x * lanes));
        Value m = vloadN(lanes, blockMax, {col});
        for (int64_t r = 0; r < keysPerTile; ++r)
          m = rowMax(m, acc[r * vecsPerTile + x]);
        e.vstore(m, blockMax, {col});
      }
    });
  }

  // Causal: sT[j][r] = -inf where k0 + j > lastKey[r]. Masks: i1 false ->
  // -inf, additive masks added (times log2(e): scores are in base 2).
  void emitBias(Value k0, Value nk) {
    Value negInfV = e.splat(negInf());
    if (op.getCausal()) {
      // (The wide score tiles have masked the diagonal already.)
      VectorType iv = VectorType::get({kVL}, b.getI32Type());
      auto narrowIf = scf::IfOp::create(b, e.loc, narrow, /*withElse=*/false);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&narrowIf.getThenRegion().front());
      e.forLoop(0, nk, 1, [&](Value j) {
        Value key = arith::IndexCastOp::create(b, e.loc, b.getI32Type(),
                                               e.add(k0, j));
        Value keyV = vector::BroadcastOp::create(b, e.loc, iv, key);
        e.forLoop(0, e.mul(nChunks, e.idx(kVL)), kVL, [&](Value r) {
          Value last = vector::LoadOp::create(b, e.loc, iv, lastKey,
                                              ValueRange{r});
          Value visible = arith::CmpIOp::create(
              b, e.loc, arith::CmpIPredicate::sle, keyV, last);
          Value x = e.vload(f32(), sT, {j, r});
          e.vstore(e.select(visible, x, negInfV), sT, {j, r});
        });
      });
    }
    if (!mask)
      return;
    auto mt = cast<MemRefType>(mask.getType());
    Value log2e = e.f32(M_LOG2E);
    e.forLoop(0, nrows, 1, [&](Value r) {
      Value h, i;
      std::tie(h, i) = rowCoords(r);
      Value mb = mt.getDimSize(0) == 1 ? e.idx(0) : e.rem(bi, e.dim(mask, 0));
      Value mh = mt.getDimSize(1) == 1 ? e.idx(0) : e.rem(h, e.dim(mask, 1));
      e.forLoop(0, nk, 1, [&](Value j) {
        Value m = e.load(mask, {mb, mh, i, e.add(k0, j)});
        Value x = e.load(sT, {j, r});
        if (m.getType().isInteger(1))
          x = e.select(m, x, negInf());
        else
          x = e.fadd(x, e.fmul(e.toF32(m), log2e));
        e.store(x, sT, {j, r});
      });
    });
  }

  // Per 8 query rows at once (columns of sT; with 512-bit vectors 16, and
  // rows past the chunks -- narrow tasks have one chunk of 8 -- are scratch
  // no one reads): running max m, running sum l, probabilities in place,
  // and the factor alpha that rescales O.
  void emitOnlineSoftmax(Value k0, Value nk, Value recomputeMax) {
    int64_t lanes = vl;
    Value zeroV = splatN(lanes, e.f32(0.0));
    Value negInfV = splatN(lanes, negInf());
    Value rowsEnd = e.mul(e.ceilDiv(e.mul(nChunks, e.idx(kVL)), e.idx(lanes)),
                          e.idx(lanes));
    e.forLoop(0, rowsEnd, lanes, [&](Value r) {
      // Causal: keys past the last one any of these rows sees have p = 0;
      // only their zeros are stored (the value kernel's 6-row tiles may read
      // a few of them).
      Value jEnd = nk;
      if (op.getCausal()) {
        Value last = arith::IndexCastOp::create(
            b, e.loc, b.getIndexType(), lastKeyOfRows(r, lanes, true));
        jEnd = e.maxS(e.idx(0), e.minS(nk, e.sub(e.add(last, e.idx(1)), k0)));
        e.forLoop(jEnd, nk, e.idx(1),
                  [&](Value j) { e.vstore(zeroV, sT, {j, r}); });
      }
      auto maxIf = scf::IfOp::create(b, e.loc, TypeRange{vecN(lanes)},
                                     recomputeMax, /*withElse=*/true);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(&maxIf.getThenRegion().front());
        Value m = e.forLoopIter(e.idx(0), jEnd, e.idx(1), {negInfV},
                                [&](Value j, ValueRange a) {
                                  return SmallVector<Value>{rowMax(
                                      a[0], vloadN(lanes, sT, {j, r}))};
                                })[0];
        scf::YieldOp::create(b, e.loc, m);
        b.setInsertionPointToStart(&maxIf.getElseRegion().front());
        scf::YieldOp::create(b, e.loc, vloadN(lanes, blockMax, {r}));
      }
      Value mx = maxIf.getResult(0);
      Value mOld = vloadN(lanes, mRow, {r});
      Value mNew = rowMax(mOld, mx);
      Value allHidden = arith::CmpFOp::create(
          b, e.loc, arith::CmpFPredicate::OEQ, mNew, negInfV);
      Value shift = e.select(allHidden, zeroV, mNew);
      Value alpha = exp2(e.fsub(mOld, shift));
      Value sum = e.forLoopIter(
          e.idx(0), jEnd, e.idx(1), {zeroV}, [&](Value j, ValueRange a) {
            Value p = exp2(e.fsub(vloadN(lanes, sT, {j, r}), shift));
            e.vstore(p, sT, {j, r});
            return SmallVector<Value>{e.fadd(a[0], p)};
          })[0];
      Value lOld = vloadN(lanes, lRow, {r});
      e.vstore(math::FmaOp::create(b, e.loc, lOld, alpha, sum), lRow, {r});
      e.vstore(mNew, mRow, {r});
      e.vstore(alpha, alphaRow, {r});
    });
  }

  /// V row `key`, columns [c, c + lanes) widened to f32; masked where the
  /// columns run past Dv (never reads beyond the row).
  Value loadValue(Value key, int64_t col, int64_t lanes = kVL) {
    Value c = e.idx(col);
    VectorType vt = VectorType::get({lanes}, elem);
    Value x;
    if (col + lanes <= dv) {
      x = vector::LoadOp::create(b, e.loc, vt, v, ValueRange{bi, hk, key, c});
    } else {
      int64_t valid = std::max<int64_t>(0, dv - col);
      if (valid == 0)
        return splatN(lanes, e.f32(0.0));
      Value m = vector::CreateMaskOp::create(
          b, e.loc, VectorType::get({lanes}, b.getI1Type()),
          ValueRange{e.idx(valid)});
      Value pass = arith::ConstantOp::create(
          b, e.loc, DenseElementsAttr::get(vt, b.getZeroAttr(elem)));
      x = vector::MaskedLoadOp::create(b, e.loc, vt, v,
                                       ValueRange{bi, hk, key, c}, m, pass);
    }
    return e.toF32(x);
  }

  // ot[r][c] = alpha[r] * ot[r][c] + sum_j sT[j][r] * v[b, hk, k0 + j, c]
  // with 6 rows x 16 columns per tile.
  void emitValueKernel(Value k0, Value nk) {
    Value kbLocal = e.sub(e.div(k0, e.idx(bk)), taskKbBegin);
    e.forLoop(0, nRowTiles, 1, [&](Value rt) {
      emitNextTaskPrefetch(e.add(e.mul(kbLocal, nRowTiles), rt));
      Value row0 = e.mul(rt, e.idx(kMR));
      SmallVector<Value> alpha;
      for (int64_t r = 0; r < kMR; ++r)
        alpha.push_back(
            splatN(vl, e.load(alphaRow, {e.add(row0, e.idx(r))})));
      // Causal: keys past the last visible key of every row of the tile
      // have p = 0 there; the loop stops before them (diagonal blocks).
      Value keys = nk;
      if (op.getCausal()) {
        Value last = e.load(lastKey, {row0});
        for (int64_t r = 1; r < kMR; ++r)
          last = arith::MaxSIOp::create(
              b, e.loc, last, e.load(lastKey, {e.add(row0, e.idx(r))}));
        Value lastIdx =
            arith::IndexCastOp::create(b, e.loc, b.getIndexType(), last);
        keys = e.maxS(e.idx(0),
                      e.minS(nk, e.sub(e.add(lastIdx, e.idx(1)), k0)));
      }
      for (int64_t col0 = 0; col0 < dvp; col0 += kNV * vl) {
        SmallVector<Value> init;
        for (int64_t r = 0; r < kMR; ++r)
          for (int64_t x = 0; x < kNV; ++x)
            init.push_back(e.fmul(
                vloadN(vl, ot, {e.add(row0, e.idx(r)), e.idx(col0 + x * vl)}),
                alpha[r]));
        SmallVector<Value> acc = e.forLoopIter(
            e.idx(0), keys, e.idx(1), init, [&](Value j, ValueRange a) {
              Value row = keyRow(k0, j);
              SmallVector<Value> vv;
              for (int64_t x = 0; x < kNV; ++x)
                vv.push_back(valueVector(row, col0 + x * vl, vl));
              SmallVector<Value> next;
              for (int64_t r = 0; r < kMR; ++r) {
                Value p = splatN(vl, e.load(sT, {j, e.add(row0, e.idx(r))}));
                for (int64_t x = 0; x < kNV; ++x)
                  next.push_back(vector::FMAOp::create(b, e.loc, p, vv[x],
                                                       a[r * kNV + x]));
              }
              return next;
            });
        for (int64_t r = 0; r < kMR; ++r)
          for (int64_t x = 0; x < kNV; ++x)
            e.vstore(acc[r * kNV + x], ot,
                     {e.add(row0, e.idx(r)), e.idx(col0 + x * vl)});
      }
    });
  }

  /// What the next task in task order (the next row block of this kv head,
  /// else the first of the next kv head) reads first and this task does not
  /// bring into the cache: its query rows, the result rows it writes, and
  /// its new K and V rows (causal: the keys its rows see beyond this block's;
  /// next kv head: its first key blocks). Without it every task starts
  /// with cache misses on data that comes from DRAM once the tensors
  /// outgrow L3, which costs causal tasks (half the keys each) ~15%.
  /// The prefetches are spread over the `steps` value-kernel row tiles of
  /// this task (emitNextTaskPrefetch), a few rows each. Not with split keys
  /// (the next task is another part of the same row block).
  void planNextTaskPrefetch(Value rb, Value keyEnd, Value steps) {
    Value one = e.idx(1), zero = e.idx(0);
    Value rbN = e.add(rb, one);
    Value same = e.cmp(arith::CmpIPredicate::slt, rbN, numBlocks);
    Value hkN = e.select(same, hk, e.add(hk, one));
    Value wrap = e.cmp(arith::CmpIPredicate::eq, hkN, hkv);
    pfB = e.select(wrap, e.add(bi, one), bi);
    pfHk = e.select(wrap, zero, hkN);
    Value valid = arith::AndIOp::create(
        b, e.loc, e.cmp(arith::CmpIPredicate::slt, pfB, bDim),
        e.cmp(arith::CmpIPredicate::eq, nSplit, one));
    pfR0 = e.mul(e.select(same, rbN, zero), e.idx(bq));
    Value nrowsN = e.maxS(zero, e.minS(e.idx(bq), e.sub(rows, pfR0)));
    nrowsN = e.select(valid, nrowsN, zero);
    Value keyEndN = rowSpan(pfR0, e.maxS(nrowsN, one)).keyEnd;
    pfKeyBegin = e.select(same, keyEnd, zero);
    Value kvEnd =
        e.select(same, keyEndN, e.minS(keyEndN, e.idx(kPrefetchKeyBlocks * bk)));
    Value nKV = e.select(valid, e.maxS(zero, e.sub(kvEnd, pfKeyBegin)), zero);
    // Units: query rows, result rows, K rows, V rows.
    pfQEnd = nrowsN;
    pfOEnd = e.add(pfQEnd, nrowsN);
    pfKEnd = e.add(pfOEnd, nKV);
    pfVEnd = e.add(pfKEnd, nKV);
    pfPerStep = e.ceilDiv(pfVEnd, e.maxS(steps, one));
  }

  void emitNextTaskPrefetch(Value step) {
    Value u0 = e.mul(step, pfPerStep);
    Value u1 = e.minS(e.add(u0, pfPerStep), pfVEnd);
    auto segment = [&](Value begin, Value end,
                       function_ref<void(Value)> unit) {
      Value lo = e.maxS(u0, begin), hi = e.minS(u1, end);
      e.forLoop(lo, hi, e.idx(1), [&](Value u) { unit(e.sub(u, begin)); });
    };
    int64_t lineElems = 64 * 8 / elem.getIntOrFloatBitWidth();
    auto lines = [&](Value buf, ValueRange row, int64_t n, bool write) {
      for (int64_t c = 0; c < n; c += lineElems) {
        SmallVector<Value> ivs(row.begin(), row.end());
        ivs.push_back(e.idx(c));
        memref::PrefetchOp::create(b, e.loc, buf, ivs, b.getBoolAttr(write),
                                   b.getI32IntegerAttr(kPrefetchLocality),
                                   b.getBoolAttr(true));
      }
    };
    segment(e.idx(0), pfQEnd, [&](Value r) {
      auto [h, i] = rowCoordsOf(pfHk, pfR0, r);
      lines(q, {pfB, h, i}, d, false);
    });
    segment(pfQEnd, pfOEnd, [&](Value r) {
      auto [h, i] = rowCoordsOf(pfHk, pfR0, r);
      lines(out, {pfB, h, i}, dv, true);
    });
    segment(pfOEnd, pfKEnd, [&](Value j) {
      lines(k, {pfB, pfHk, e.add(pfKeyBegin, j)}, d, false);
    });
    segment(pfKEnd, pfVEnd, [&](Value j) {
      lines(v, {pfB, pfHk, e.add(pfKeyBegin, j)}, dv, false);
    });
  }

  /// Prefetch (read, into L1) of row `key`, column `col` of K or V.
  void prefetch(Value buf, Value key, int64_t col) {
    memref::PrefetchOp::create(b, e.loc, buf,
                               ValueRange{bi, hk, key, e.idx(col)},
                               b.getBoolAttr(false), b.getI32IntegerAttr(3),
                               b.getBoolAttr(true));
  }

  /// Sum of each of 8 vectors, as one vector: lane i = sum of a[i]'s lanes
  /// (unpack/add in three rounds, 21 shuffles and adds instead of 8 separate
  /// horizontal reductions).
  Value sum8(ArrayRef<Value> a) {
    auto round = [&](Value x, Value y, ArrayRef<int64_t> lo,
                     ArrayRef<int64_t> hi) {
      return e.fadd(shuffle(x, y, lo), shuffle(x, y, hi));
    };
    SmallVector<Value> u;
    for (int i = 0; i < 8; i += 2)
      u.push_back(round(a[i], a[i + 1], kLoPs, kHiPs));
    // w0: lanes (a0, a1, a2, a3 | a0, a1, a2, a3), partial sums; w1: a4..a7.
    Value w0 = round(u[0], u[1], kLoPd, kHiPd);
    Value w1 = round(u[2], u[3], kLoPd, kHiPd);
    return round(w0, w1, kLo128, kHi128);
  }

  /// Decode (a task with at most `kRows` = 4 or 8 query rows, D % 8 == 0,
  /// no mask): one streaming pass over the task's keys [kBegin, kEnd), two
  /// keys at a time, that reads each K and V row once, in address order (two
  /// sequential streams the hardware prefetcher follows), instead of score /
  /// softmax / value passes over key blocks:
  ///   s    = kRows x 2 dot products along D, in 8-lane vectors: with 4 rows
  ///          one vector (lane x + 4y: row x, key y), with 8 rows one per
  ///          key (lane x: row x)
  ///   m    = running row maxima; when one grows (rare after the first keys)
  ///          O and l are rescaled by 2^(m_old - m_new)
  ///   p    = 2^(s - m), l += p
  ///   O[x] += p[x, key 0] V[key 0] + p[x, key 1] V[key 1], all Dv columns
  ///          of both V rows, O in scratch
  /// Rows past the task's are clamped to its last row (they repeat its work
  /// and store the same values); a missing second key and causally hidden
  /// pairs get -inf. Leaves mRow, lRow and ot as the key-block loop does.
  void emitDecodeStream(int64_t kRows, Value kBegin, Value kEnd) {
    constexpr int64_t kKeys = 2;
    assert((kRows == 4 || kRows == 8) && "4 or 8 rows per decode stream");
    // Keys per score vector, and score vectors per key pair.
    const int64_t keysPerVec = kVL / kRows, nVec = kKeys / keysPerVec;
    // Lane of the score / probability of row x and key y (of the pair) in
    // the nVec vectors laid end to end.
    auto lane = [&](int64_t x, int64_t y) {
      return (y / keysPerVec) * kVL + (y % keysPerVec) * kRows + x;
    };
    VectorType vt = e.vecTy(f32());
    VectorType iv = VectorType::get({kVL}, b.getI32Type());
    Type i32 = b.getI32Type();
    Value lastRow = e.sub(nrows, e.idx(1));
    SmallVector<Value> rowIdx;
    for (int64_t x = 0; x < kRows; ++x)
      rowIdx.push_back(e.minS(e.idx(x), lastRow));
    Value zeroV = e.splat(e.f32(0.0)), negInfV = e.splat(negInf());
    auto toI32 = [&](Value x) {
      return arith::IndexCastOp::create(b, e.loc, i32, x).getResult();
    };
    // A vector whose lane x + kRows * y holds perRow[x].
    auto laneVec = [&](ArrayRef<Value> perRow) {
      SmallVector<Value> lanes;
      for (int64_t y = 0; y < keysPerVec; ++y)
        lanes.append(perRow.begin(), perRow.end());
      return vector::FromElementsOp::create(b, e.loc, iv, lanes).getResult();
    };
    // Lanes of score vector g see key jp + (g * keysPerVec + lane / kRows) if
    // it is < kEnd (and, causal, <= the row's last visible key).
    SmallVector<Value> laneOff;
    for (int64_t g = 0; g < nVec; ++g) {
      SmallVector<int32_t> offs;
      for (int64_t y = 0; y < keysPerVec; ++y)
        offs.append(kRows, int32_t(g * keysPerVec + y));
      laneOff.push_back(arith::ConstantOp::create(
          b, e.loc, DenseElementsAttr::get(iv, ArrayRef<int32_t>(offs))));
    }
    Value kEndV = vector::BroadcastOp::create(b, e.loc, iv, toI32(kEnd));
    Value lastKeyV;
    if (op.getCausal()) {
      SmallVector<Value> lk;
      for (int64_t x = 0; x < kRows; ++x)
        lk.push_back(e.load(lastKey, {rowIdx[x]}));
      lastKeyV = laneVec(lk);
    }
    static const int64_t kSwapHalves[] = {4, 5, 6, 7, 0, 1, 2, 3};
    // With 4 rows the two halves of a vector hold the two keys of a row:
    // maxima are taken across them (both halves then hold the row's).
    auto foldKeys = [&](Value x, bool sum) -> Value {
      if (keysPerVec == 1)
        return x;
      Value sw = vector::ShuffleOp::create(b, e.loc, x, x, kSwapHalves);
      return sum ? e.fadd(x, sw) : rowMax(x, sw);
    };
    Value lastKeyIdx = e.sub(kEnd, e.idx(1));

    SmallVector<Value> fin = e.forLoopIter(
        kBegin, kEnd, e.idx(kKeys), {negInfV, zeroV},
        [&](Value jp, ValueRange it) {
          Value m = it[0], l = it[1];
          SmallVector<Value> keys{jp, e.minS(e.add(jp, e.idx(1)), lastKeyIdx)};
          // The hardware prefetcher alone leaves the loop waiting on these
          // two streams (2x slower, measured): fetch the K and V rows
          // kDecodePrefetch keys ahead, one prefetch per cache line.
          for (int64_t y = 0; y < kKeys; ++y) {
            Value ahead =
                e.minS(e.add(keys[y], e.idx(kDecodePrefetch)), lastKeyIdx);
            int64_t lineElems = 64 * 8 / elem.getIntOrFloatBitWidth();
            for (int64_t c = 0; c < d; c += lineElems)
              prefetch(k, ahead, c);
            for (int64_t c = 0; c < dv; c += lineElems)
              prefetch(v, ahead, c);
          }
          // Scores: per score vector, 8 accumulators along D (8 registers,
          // also where only 16 vector registers exist), then one vector of
          // the 8 sums.
          SmallVector<Value> sc;
          for (int64_t g = 0; g < nVec; ++g) {
            SmallVector<Value> init(kVL, zeroV);
            SmallVector<Value> acc = e.forLoopIter(
                e.idx(0), e.idx(d), e.idx(kVL), init,
                [&](Value c, ValueRange a) {
                  SmallVector<Value> kv;
                  for (int64_t y = 0; y < keysPerVec; ++y)
                    kv.push_back(e.toF32(e.vload(
                        elem, k, {bi, hk, keys[g * keysPerVec + y], c})));
                  SmallVector<Value> next(kVL);
                  for (int64_t x = 0; x < kRows; ++x) {
                    Value qv = e.vload(f32(), qR, {rowIdx[x], c});
                    for (int64_t y = 0; y < keysPerVec; ++y)
                      next[x + kRows * y] = vector::FMAOp::create(
                          b, e.loc, qv, kv[y], a[x + kRows * y]);
                  }
                  return next;
                });
            Value s = sum8(acc);
            Value keyV = arith::AddIOp::create(
                b, e.loc,
                vector::BroadcastOp::create(b, e.loc, iv, toI32(jp)),
                laneOff[g]);
            Value visible = arith::CmpIOp::create(
                b, e.loc, arith::CmpIPredicate::slt, keyV, kEndV);
            if (lastKeyV)
              visible = arith::AndIOp::create(
                  b, e.loc, visible,
                  arith::CmpIOp::create(b, e.loc, arith::CmpIPredicate::sle,
                                        keyV, lastKeyV));
            sc.push_back(e.select(visible, s, negInfV));
          }

          // Running maxima (with 4 rows, duplicated in both halves).
          Value blockMaxV = sc[0];
          for (int64_t g = 1; g < nVec; ++g)
            blockMaxV = rowMax(blockMaxV, sc[g]);
          Value mNew = rowMax(m, foldKeys(blockMaxV, /*sum=*/false));
          Value grows = vector::ReductionOp::create(
              b, e.loc, vector::CombiningKind::OR,
              arith::CmpFOp::create(b, e.loc, arith::CmpFPredicate::OGT,
                                    mNew, m));
          auto rescale =
              scf::IfOp::create(b, e.loc, TypeRange{vt, vt}, grows, true);
          {
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPointToStart(&rescale.getThenRegion().front());
            // Rows with nothing visible yet have m = -inf (alpha = 0; O and
            // l are still 0); where mNew is -inf as well the shift is 0, so
            // that -inf - -inf never makes a NaN.
            Value hiddenNew = arith::CmpFOp::create(
                b, e.loc, arith::CmpFPredicate::OEQ, mNew, negInfV);
            Value alpha =
                exp2(e.fsub(m, e.select(hiddenNew, zeroV, mNew)));
            e.vstore(alpha, alphaRow, {e.idx(0)});
            SmallVector<Value> av;
            for (int64_t x = 0; x < kRows; ++x)
              av.push_back(e.splat(e.load(alphaRow, {e.idx(x)})));
            for (int64_t c = 0; c < dvp; c += kVL) {
              // All loads before the stores: clamped rows alias.
              SmallVector<Value> o;
              for (int64_t x = 0; x < kRows; ++x)
                o.push_back(
                    e.fmul(e.vload(f32(), ot, {rowIdx[x], e.idx(c)}), av[x]));
              for (int64_t x = 0; x < kRows; ++x)
                e.vstore(o[x], ot, {rowIdx[x], e.idx(c)});
            }
            scf::YieldOp::create(b, e.loc,
                                 ValueRange{mNew, e.fmul(l, alpha)});
            b.setInsertionPointToStart(&rescale.getElseRegion().front());
            scf::YieldOp::create(b, e.loc, ValueRange{m, l});
          }
          m = rescale.getResult(0);
          l = rescale.getResult(1);
          Value allHidden = arith::CmpFOp::create(
              b, e.loc, arith::CmpFPredicate::OEQ, m, negInfV);
          Value shift = e.select(allHidden, zeroV, m);

          // O += p V over all Dv columns of the two V rows; the
          // probabilities go through scratch (blockMax) to be broadcast.
          for (int64_t g = 0; g < nVec; ++g) {
            Value p = exp2(e.fsub(sc[g], shift));
            l = e.fadd(l, p);
            e.vstore(p, blockMax, {e.idx(g * kVL)});
          }
          SmallVector<Value> pb(nVec * kVL);
          for (int64_t x = 0; x < kRows; ++x)
            for (int64_t y = 0; y < kKeys; ++y)
              pb[lane(x, y)] = e.splat(e.load(blockMax, {e.idx(lane(x, y))}));
          for (int64_t c = 0; c < dvp; c += kVL) {
            SmallVector<Value> vv;
            for (int64_t y = 0; y < kKeys; ++y)
              vv.push_back(loadValue(keys[y], c));
            SmallVector<Value> o;
            for (int64_t x = 0; x < kRows; ++x)
              o.push_back(e.vload(f32(), ot, {rowIdx[x], e.idx(c)}));
            for (int64_t x = 0; x < kRows; ++x) {
              for (int64_t y = 0; y < kKeys; ++y)
                o[x] = vector::FMAOp::create(b, e.loc, pb[lane(x, y)], vv[y],
                                             o[x]);
            }
            for (int64_t x = 0; x < kRows; ++x)
              e.vstore(o[x], ot, {rowIdx[x], e.idx(c)});
          }
          return SmallVector<Value>{m, l};
        });
    // Back to the per-row state of the key-block loop (with 4 rows, l sums
    // both halves).
    Value lSum = foldKeys(fin[1], /*sum=*/true);
    for (int64_t x = 0; x < kRows; ++x) {
      e.store(vector::ExtractOp::create(b, e.loc, fin[0], x), mRow,
              {rowIdx[x]});
      e.store(vector::ExtractOp::create(b, e.loc, lSum, x), lRow,
              {rowIdx[x]});
    }
  }

  OpBuilder &b;
  Emitter e;
  SdpaOp op;
  int64_t bq, bk;
  /// Lanes of the prefill micro-kernels' vectors: 8 (256-bit) or 16.
  int64_t vl;
  Type elem;
  int64_t d = 0, dv = 0, dvp = 0;
  Value q, k, v, mask, out;
  Value bDim, hDim, sq, sk, hkv, group, rows, causalOffset;
  Value numBlocks, nSplit, splitting, pO, pM, pL;
  // Per task.
  Value bi, hk, r0, nrows, nQTiles, nRowTiles, nChunks, minI, narrow;
  Value qT, qR, ot, sT, mRow, lRow, alphaRow, blockMax, lastKey, kF, vF;
  Value groupLastMax, groupLastMin;
  Value taskKbBegin;
  // Next-task prefetch plan (planNextTaskPrefetch).
  Value pfB, pfHk, pfR0, pfKeyBegin, pfQEnd, pfOEnd, pfKEnd, pfVEnd, pfPerStep;
};

struct AttnLowerSdpaToFlashPass
    : public attn::impl::AttnLowerSdpaToFlashBase<AttnLowerSdpaToFlashPass> {
  using Base::Base;
  void runOnOperation() override {
    // Query rows are tiled by 16 (scores) and 6 (values), keys by 6 or 12.
    int64_t rowMultiple = std::lcm(kMR, kNR);
    int64_t keyMultiple = std::lcm(kMR, kNarrowKeys);
    if (vectorBits != 256 && vectorBits != 512) {
      getOperation().emitError()
          << "attn-lower-sdpa-to-flash: vector-bits must be 256 or 512";
      return signalPassFailure();
    }
    if (blockQ <= 0 || blockQ % rowMultiple != 0 || blockK <= 0 ||
        blockK % keyMultiple != 0) {
      getOperation().emitError()
          << "attn-lower-sdpa-to-flash: block-q must be a positive multiple of "
          << rowMultiple << " and block-k a positive multiple of "
          << keyMultiple;
      return signalPassFailure();
    }
    SmallVector<SdpaOp> ops;
    getOperation().walk([&](SdpaOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (SdpaOp op : ops) {
      rewriter.setInsertionPoint(op);
      Value result =
          FlashLowering(rewriter, op, blockQ, blockK, vectorBits).lower();
      rewriter.replaceOp(op, result);
    }
  }
};

} // namespace
