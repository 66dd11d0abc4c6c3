//===- GpuEmitter.h - Emission helpers for the GPU kernels ------*- C++ -*-===//
//
// The CPU kernels' Emitter (Transforms/KernelEmitter.h) plus what the GPU
// kernels of attn-gpu-build-sdpa-kernels and attn-gpu-build-mha-kernels
// need: thread and block ids, warp shuffles, i32 constants, if/else.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_LIB_CONVERSION_SDPATOGPU_GPUEMITTER_H
#define ATTN_LIB_CONVERSION_SDPATOGPU_GPUEMITTER_H

#include "../../Transforms/KernelEmitter.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

namespace mlir {
namespace attn {

constexpr int64_t kWarp = 32;

/// Emission helpers for kernels: the shared CPU helpers plus GPU ones.
struct GpuEmitter : Emitter {
  Value i32(int32_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  }
  Value negInf() { return f32(-std::numeric_limits<double>::infinity()); }
  Value divS(Value x, Value y) { return arith::DivSIOp::create(b, loc, x, y); }
  Value floorDivS(Value x, Value y) {
    return arith::FloorDivSIOp::create(b, loc, x, y);
  }
  Value fcmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value exp2(Value x) { return math::Exp2Op::create(b, loc, x); }
  Value fdiv(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value threadId() {
    return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  }
  Value blockId(gpu::Dimension d) { return gpu::BlockIdOp::create(b, loc, d); }
  /// Butterfly shuffle within the warp.
  Value shflXor(Value v, int32_t mask) {
    return gpu::ShuffleOp::create(b, loc, v, i32(mask), i32(kWarp),
                                  gpu::ShuffleMode::XOR)
        .getShuffleResult();
  }
  Value extract(Value v, ArrayRef<int64_t> pos) {
    return vector::ExtractOp::create(b, loc, v, pos);
  }
  Value fromElements(VectorType t, ValueRange xs) {
    return vector::FromElementsOp::create(b, loc, t, xs);
  }
  /// Element-wise widening of a scalar of the input type to f32.
  Value widen(Value x) { return toF32(x); }
  Value narrow(Value x, Type to) {
    if (x.getType() == to)
      return x;
    return arith::TruncFOp::create(b, loc, to, x);
  }
  /// if (cond) then() else otherwise(), both yielding `types`.
  SmallVector<Value> ifElse(Value cond, TypeRange types,
                            function_ref<SmallVector<Value>()> then,
                            function_ref<SmallVector<Value>()> otherwise) {
    auto op = scf::IfOp::create(b, loc, types, cond, /*withElse=*/true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&op.getThenRegion().front());
      scf::YieldOp::create(b, loc, then());
      b.setInsertionPointToStart(&op.getElseRegion().front());
      scf::YieldOp::create(b, loc, otherwise());
    }
    return SmallVector<Value>(op.getResults());
  }
};

} // namespace attn
} // namespace mlir

#endif
