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
      auto toBuf = [&](Value t) -> Value {
        auto tt = cast<RankedTensorType>(t.getType());
        auto mt = MemRefType::get(tt.getShape(), tt.getElementType());
        return bufferization::ToBufferOp::create(b, loc, mt, t,
                                                 /*readOnly=*/true);
      };
      SmallVector<Value> args{toBuf(op.getQuery()), toBuf(op.getKey()),
                              toBuf(op.getValue())};
      if (op.getMask())
        args.push_back(toBuf(op.getMask()));

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
      Value out = memref::AllocOp::create(b, loc, outTy, dyn,
                                          b.getI64IntegerAttr(64));
      args.push_back(out);

      // The launcher declaration, with a module-unique name.
      std::string name;
      do {
        name = std::string(kGpuSdpaPrefix) + std::to_string(counter++);
      } while (symbols.lookup(name) || symbols.lookup(name + "_device"));
      SmallVector<Type> argTypes;
      for (Value a : args)
        argTypes.push_back(a.getType());
      OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
      auto decl = func::FuncOp::create(mb, loc, name,
                                       mb.getFunctionType(argTypes, {}));
      decl.setPrivate();
      double scale = op.getScale()
                         ? op.getScale()->convertToDouble()
                         : 1.0 / std::sqrt(double(qt.getDimSize(3)));
      SmallVector<NamedAttribute> conf{
          mb.getNamedAttr("scale", mb.getF32FloatAttr(float(scale)))};
      if (op.getCausal())
        conf.push_back(mb.getNamedAttr("causal", mb.getUnitAttr()));
      decl->setAttr(kGpuSdpaAttr, mb.getDictionaryAttr(conf));
      symbols.insert(decl);

      func::CallOp::create(b, loc, decl, args);
      Value res = bufferization::ToTensorOp::create(b, loc, rt, out,
                                                    /*restrict=*/true,
                                                    /*writable=*/true);
      op.getResult().replaceAllUsesWith(res);
      op.erase();
      if (single)
        fn->setAttr(kGpuDeviceLauncherAttr,
                    FlatSymbolRefAttr::get(b.getContext(), name + "_device"));
    }
  }
};

} // namespace
