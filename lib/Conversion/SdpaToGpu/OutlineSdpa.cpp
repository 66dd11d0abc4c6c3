//===- OutlineSdpa.cpp - attn.sdpa -> call of a GPU launcher on buffers ---===//
//
// First step of the NVVM pipeline (see Passes.td): each attn.sdpa becomes a
// call `@__attn_gpu_sdpa_<n>(q, k, v, [mask], out)` on buffers, to a private
// declaration that records the op's scale and causal flag. The declaration
// gets its host body (device buffers, copies, kernel launch) only after
// bufferization, from attn-gpu-build-sdpa-kernels.
//
//===----------------------------------------------------------------------===//
#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "Outline.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include <cmath>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNGPUOUTLINESDPA
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

bool mlir::attn::isSingleAttnFunction(func::FuncOp fn) {
  if (fn.isExternal() || fn.isPrivate() || fn.getNumResults() != 1 ||
      fn.getBody().getBlocks().size() != 1)
    return false;
  Block &body = fn.getBody().front();
  Operation *op = &body.front();
  if (!isa<SdpaOp, MhaOp>(op) || op->getNextNode() != body.getTerminator())
    return false;
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  if (ret.getNumOperands() != 1 || ret.getOperand(0) != op->getResult(0))
    return false;
  if (op->getNumOperands() != fn.getNumArguments())
    return false;
  for (auto [i, v] : llvm::enumerate(op->getOperands()))
    if (v != fn.getArgument(i))
      return false;
  return true;
}

namespace {

struct OutlineSdpaPass
    : public attn::impl::AttnGpuOutlineSdpaBase<OutlineSdpaPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<SdpaOp> ops;
    module.walk([&](SdpaOp op) { ops.push_back(op); });
    unsigned counter = 0;
    for (SdpaOp op : ops) {
      auto fn = op->getParentOfType<func::FuncOp>();
      bool single = fn && isSingleAttnFunction(fn);
      OpBuilder b(op);
      Location loc = op.getLoc();
      auto qt = cast<RankedTensorType>(op.getQuery().getType());
      SmallVector<Value> args;
      for (Value v : op->getOperands())
        args.push_back(readOnlyBuffer(b, loc, v));

      // The result buffer, with its dynamic sizes read off the operands.
      auto rt = cast<RankedTensorType>(op.getType());
      SmallVector<Value> dyn;
      for (int64_t i = 0; i < 4; ++i) {
        if (!rt.isDynamicDim(i))
          continue;
        Value src = i == 3 ? args[2] : args[0];
        dyn.push_back(memref::DimOp::create(b, loc, src, i));
      }
      auto outTy = MemRefType::get(rt.getShape(), rt.getElementType());
      args.push_back(memref::AllocOp::create(b, loc, outTy, dyn,
                                             b.getI64IntegerAttr(64)));

      double scale = op.getScale()
                         ? op.getScale()->convertToDouble()
                         : 1.0 / std::sqrt(double(qt.getDimSize(3)));
      SmallVector<NamedAttribute> conf{
          b.getNamedAttr("scale", b.getF32FloatAttr(float(scale)))};
      if (op.getCausal())
        conf.push_back(b.getNamedAttr("causal", b.getUnitAttr()));
      replaceWithLauncherCall(op, args, kGpuSdpaPrefix, {}, kGpuSdpaAttr,
                              b.getDictionaryAttr(conf), single, symbols,
                              counter);
    }
  }
};

} // namespace
