//===- KernelEmitter.h - Building blocks of the CPU micro-kernels ---------===//
//
// Small helpers that emit scf/arith/vector/memref ops at one location, shared
// by the lowerings that write loop nests with register-tiled vector.fma
// micro-kernels (flash attention, the mha projections).
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_LIB_TRANSFORMS_KERNELEMITTER_H
#define ATTN_LIB_TRANSFORMS_KERNELEMITTER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

#include <functional>

namespace mlir {
namespace attn {

constexpr int64_t kVL = 8;  // f32 lanes of a 256-bit vector
constexpr int64_t kMR = 6;  // rows of a micro-kernel tile
constexpr int64_t kNV = 2;  // vectors per micro-kernel tile row (16 columns)
constexpr int64_t kNR = kNV * kVL;

/// Thin emission helpers over an OpBuilder at a fixed location.
struct Emitter {
  OpBuilder &b;
  Location loc;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value ceilDiv(Value x, Value y) {
    return arith::CeilDivUIOp::create(b, loc, x, y);
  }
  Value minS(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value maxS(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value fadd(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value fsub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value fmul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value fmax(Value x, Value y) {
    return arith::MaximumFOp::create(b, loc, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value dim(Value m, int64_t i) {
    return memref::DimOp::create(b, loc, m, i).getResult();
  }
  Value load(Value m, ValueRange ivs) {
    return memref::LoadOp::create(b, loc, m, ivs);
  }
  void store(Value v, Value m, ValueRange ivs) {
    memref::StoreOp::create(b, loc, v, m, ivs);
  }
  VectorType vecTy(Type e, int64_t lanes = kVL) {
    return VectorType::get({lanes}, e);
  }
  Value vload(Type e, Value m, ValueRange ivs, int64_t lanes = kVL) {
    return vector::LoadOp::create(b, loc, vecTy(e, lanes), m, ivs);
  }
  void vstore(Value v, Value m, ValueRange ivs) {
    vector::StoreOp::create(b, loc, v, m, ivs);
  }
  Value splat(Value s, int64_t lanes = kVL) {
    return vector::BroadcastOp::create(b, loc, vecTy(s.getType(), lanes), s);
  }
  Value toF32(Value v) {
    Type e = getElementTypeOrSelf(v.getType());
    if (e.isF32())
      return v;
    Type to = b.getF32Type();
    if (auto vt = dyn_cast<VectorType>(v.getType()))
      to = VectorType::get(vt.getShape(), to);
    return arith::ExtFOp::create(b, loc, to, v);
  }

  /// for (iv = lb; iv < ub; iv += step) body(iv)
  void forLoop(Value lb, Value ub, Value step,
               function_ref<void(Value)> body) {
    scf::ForOp::create(b, loc, lb, ub, step, ValueRange{},
                       [&](OpBuilder &nb, Location nl, Value iv, ValueRange) {
                         OpBuilder::InsertionGuard g(b);
                         b.setInsertionPoint(nb.getInsertionBlock(),
                                             nb.getInsertionPoint());
                         body(iv);
                         scf::YieldOp::create(b, loc);
                       });
  }
  void forLoop(int64_t lb, Value ub, int64_t step,
               function_ref<void(Value)> body) {
    forLoop(idx(lb), ub, idx(step), body);
  }

  /// Loop carrying values: returns the final values.
  SmallVector<Value>
  forLoopIter(Value lb, Value ub, Value step, ValueRange init,
              function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto op = scf::ForOp::create(
        b, loc, lb, ub, step, init,
        [&](OpBuilder &nb, Location nl, Value iv, ValueRange args) {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          SmallVector<Value> next = body(iv, args);
          scf::YieldOp::create(b, loc, next);
        });
    return SmallVector<Value>(op.getResults());
  }

  void ifThen(Value cond, function_ref<void()> body) {
    auto op = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&op.getThenRegion().front());
    body();
  }
};

/// C[r, c] = init(r, c) + sum_{kk < k} A(r, kk) * B(kk, c) for r < numRows
/// (dynamic) and c < n (static, a multiple of 8), as an scf.parallel over
/// column tiles of 16 (or 8) with 6-row register tiles and the reduction in
/// chunks of `kChunk` (which divides k) kept in L1. Rows past numRows are
/// clamped to the last row: they recompute and store that row's values, so
/// no tile needs a guard. The callbacks see the chunk start `kc` and the
/// offset `j` within it (kk = kc + j) so that addressing that depends only on
/// the chunk stays out of the inner loop.
struct GemmSpec {
  Value numRows;
  int64_t n = 0, k = 0, kChunk = 0;
  /// Lanes of the vectors (8, or 16 for 512-bit targets); n is a multiple.
  int64_t lanes = kVL;
  /// A(row, kc + j) as an f32 scalar.
  std::function<Value(Value row, Value kc, Value j)> loadA;
  /// B(kc + j, col .. col + lanes - 1) as vector<lanes x f32>.
  std::function<Value(Value kc, Value j, Value col)> loadB;
  /// Initial value of C(row, col .. col + lanes - 1).
  std::function<Value(Value row, Value col)> init;
  /// The f32 buffer and indices of C(row, col .. col + lanes - 1).
  std::function<std::pair<Value, SmallVector<Value>>(Value row, Value col)>
      indexC;
};

inline void emitGemm(Emitter &e, const GemmSpec &g) {
  OpBuilder &b = e.b;
  int64_t nv = g.n % (kNV * g.lanes) == 0 ? kNV : 1;
  int64_t tileCols = nv * g.lanes;
  Value one = e.idx(1), zero = e.idx(0);
  scf::ParallelOp::create(
      b, e.loc, ValueRange{zero}, ValueRange{e.idx(g.n / tileCols)},
      ValueRange{one}, [&](OpBuilder &nb, Location, ValueRange ivs) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        Value col0 = e.mul(ivs[0], e.idx(tileCols));
        SmallVector<Value> cols;
        for (int64_t x = 0; x < nv; ++x)
          cols.push_back(e.add(col0, e.idx(x * g.lanes)));
        Value lastRow = e.sub(g.numRows, one);
        Value rowTiles = e.ceilDiv(g.numRows, e.idx(kMR));
        e.forLoop(0, e.idx(g.k), g.kChunk, [&](Value kc) {
          Value first = e.cmp(arith::CmpIPredicate::eq, kc, zero);
          e.forLoop(0, rowTiles, 1, [&](Value rt) {
            SmallVector<Value> rowsOfTile;
            for (int64_t r = 0; r < kMR; ++r)
              rowsOfTile.push_back(
                  e.minS(e.add(e.mul(rt, e.idx(kMR)), e.idx(r)), lastRow));
            SmallVector<Value> init;
            for (int64_t r = 0; r < kMR; ++r)
              for (int64_t x = 0; x < nv; ++x) {
                auto [buf, ind] = g.indexC(rowsOfTile[r], cols[x]);
                Value partial = e.vload(b.getF32Type(), buf, ind, g.lanes);
                init.push_back(
                    e.select(first, g.init(rowsOfTile[r], cols[x]), partial));
              }
            SmallVector<Value> acc = e.forLoopIter(
                zero, e.idx(g.kChunk), one, init, [&](Value j, ValueRange a) {
                  SmallVector<Value> bv;
                  for (int64_t x = 0; x < nv; ++x)
                    bv.push_back(g.loadB(kc, j, cols[x]));
                  SmallVector<Value> next;
                  for (int64_t r = 0; r < kMR; ++r) {
                    Value av = e.splat(g.loadA(rowsOfTile[r], kc, j), g.lanes);
                    for (int64_t x = 0; x < nv; ++x)
                      next.push_back(vector::FMAOp::create(
                          b, e.loc, av, bv[x], a[r * nv + x]));
                  }
                  return next;
                });
            for (int64_t r = 0; r < kMR; ++r)
              for (int64_t x = 0; x < nv; ++x) {
                auto [buf, ind] = g.indexC(rowsOfTile[r], cols[x]);
                e.vstore(acc[r * nv + x], buf, ind);
              }
          });
        });
      });
}

} // namespace attn
} // namespace mlir

#endif
