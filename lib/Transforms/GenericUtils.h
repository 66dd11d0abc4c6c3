//===- GenericUtils.h - Small builders shared by the attn lowerings -------===//
#ifndef ATTN_LIB_TRANSFORMS_GENERICUTILS_H
#define ATTN_LIB_TRANSFORMS_GENERICUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace attn {

/// Size of dimension `i` of a ranked tensor value: static attr or tensor.dim.
inline OpFoldResult dimOf(OpBuilder &b, Location loc, Value t, int64_t i) {
  auto ty = cast<RankedTensorType>(t.getType());
  if (!ty.isDynamicDim(i))
    return b.getIndexAttr(ty.getDimSize(i));
  return tensor::DimOp::create(b, loc, t, i).getResult();
}

inline Value dimValue(OpBuilder &b, Location loc, Value t, int64_t i) {
  return getValueOrCreateConstantIndexOp(b, loc, dimOf(b, loc, t, i));
}

/// tensor.empty of the given mixed sizes and element type.
inline Value emptyTensor(OpBuilder &b, Location loc,
                         ArrayRef<OpFoldResult> sizes, Type elem) {
  return tensor::EmptyOp::create(b, loc, sizes, elem).getResult();
}

/// A tensor of `sizes` filled with the f32 constant `v`.
inline Value filledF32(OpBuilder &b, Location loc,
                       ArrayRef<OpFoldResult> sizes, double v) {
  Value empty = emptyTensor(b, loc, sizes, b.getF32Type());
  Value cst = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  return linalg::FillOp::create(b, loc, cst, empty).getResult(0);
}

/// Widens a scalar float to f32 (no-op for f32).
inline Value toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

/// Rounds an f32 scalar to `t` (no-op for f32).
inline Value fromF32(OpBuilder &b, Location loc, Value v, Type t) {
  if (t.isF32())
    return v;
  return arith::TruncFOp::create(b, loc, t, v);
}

/// Terminates a linalg.generic body with one value.
inline void yieldValue(OpBuilder &b, Location loc, Value v) {
  linalg::YieldOp::create(b, loc, ValueRange{v});
}

inline SmallVector<utils::IteratorType>
iterators(int64_t parallel, int64_t reduction = 0) {
  SmallVector<utils::IteratorType> it(parallel, utils::IteratorType::parallel);
  it.append(reduction, utils::IteratorType::reduction);
  return it;
}

/// Elementwise conversion of a whole tensor to element type `to`.
inline Value convertTensor(OpBuilder &b, Location loc, Value t, Type to) {
  auto ty = cast<RankedTensorType>(t.getType());
  if (ty.getElementType() == to)
    return t;
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0; i < ty.getRank(); ++i)
    sizes.push_back(dimOf(b, loc, t, i));
  Value init = emptyTensor(b, loc, sizes, to);
  AffineMap id = b.getMultiDimIdentityMap(ty.getRank());
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{t}, ValueRange{init},
             ArrayRef<AffineMap>{id, id}, iterators(ty.getRank()),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value v = args[0];
               if (v.getType().isInteger(1))
                 v = arith::UIToFPOp::create(nb, nl, nb.getF32Type(), v);
               else
                 v = toF32(nb, nl, v);
               yieldValue(nb, nl, fromF32(nb, nl, v, to));
             })
      .getResult(0);
}

} // namespace attn
} // namespace mlir

#endif
