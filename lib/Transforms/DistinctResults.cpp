//===- DistinctResults.cpp - one buffer per returned memref ---------------===//
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNDISTINCTRESULTS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;

namespace {
struct AttnDistinctResultsPass
    : public attn::impl::AttnDistinctResultsBase<AttnDistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      llvm::SmallPtrSet<Value, 4> seen;
      for (OpOperand &use : ret->getOpOperands()) {
        Value v = use.get();
        auto mt = dyn_cast<MemRefType>(v.getType());
        if (!mt || seen.insert(v).second)
          continue;
        // A repeat: its own buffer, with the layout of a fresh allocation.
        auto fresh = MemRefType::get(mt.getShape(), mt.getElementType(),
                                     MemRefLayoutAttrInterface(),
                                     mt.getMemorySpace());
        if (fresh != mt)
          continue; // only identity-layout results reach the out-params
        SmallVector<Value> sizes;
        for (int64_t d = 0; d < mt.getRank(); ++d)
          if (mt.isDynamicDim(d))
            sizes.push_back(memref::DimOp::create(b, ret.getLoc(), v, d));
        Value copy = memref::AllocOp::create(b, ret.getLoc(), fresh, sizes,
                                             b.getI64IntegerAttr(64));
        memref::CopyOp::create(b, ret.getLoc(), v, copy);
        use.set(copy);
      }
    });
  }
};
} // namespace
