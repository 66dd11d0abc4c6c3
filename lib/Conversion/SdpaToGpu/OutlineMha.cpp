//===- OutlineMha.cpp - attn.mha -> call of a GPU launcher on buffers -----===//
//
// First step of the NVVM pipeline for attn.mha (see Passes.td): each
// attn.mha becomes a call `@__attn_gpu_mha_<n>(x, wq, wk, wv, wo, [bq, bk,
// bv, bo], [memory], [mask], out)` on buffers, to a private declaration that
// records the layer's configuration. attn-gpu-build-mha-kernels gives the
// declaration its body (projection kernels, attention, host code) after
// bufferization.
//
//===----------------------------------------------------------------------===//
#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "Outline.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNGPUOUTLINEMHA
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

struct OutlineMhaPass
    : public attn::impl::AttnGpuOutlineMhaBase<OutlineMhaPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<MhaOp> ops;
    module.walk([&](MhaOp op) { ops.push_back(op); });
    unsigned counter = 0;
    for (MhaOp op : ops) {
      auto fn = op->getParentOfType<func::FuncOp>();
      bool single = fn && isSingleAttnFunction(fn);
      OpBuilder b(op);
      Location loc = op.getLoc();
      // The operands in the op's order (bias group, memory, mask).
      SmallVector<Value> args;
      for (Value v : op->getOperands())
        args.push_back(readOnlyBuffer(b, loc, v));

      // The result buffer [B, S, E_out], dynamic sizes from x and wo.
      auto rt = cast<RankedTensorType>(op.getType());
      SmallVector<Value> dyn;
      for (int64_t i = 0; i < 3; ++i) {
        if (!rt.isDynamicDim(i))
          continue;
        Value src = i == 2 ? args[4] : args[0];
        dyn.push_back(memref::DimOp::create(b, loc, src, i == 2 ? 1 : i));
      }
      auto outTy = MemRefType::get(rt.getShape(), rt.getElementType());
      args.push_back(memref::AllocOp::create(b, loc, outTy, dyn,
                                             b.getI64IntegerAttr(64)));

      SmallVector<NamedAttribute> conf{
          b.getNamedAttr("num_heads", b.getI64IntegerAttr(op.getNumHeads())),
          b.getNamedAttr("num_kv_heads",
                         b.getI64IntegerAttr(op.getNumKvHeadsOrDefault())),
          b.getNamedAttr("scale",
                         b.getF32FloatAttr(float(op.getEffectiveScale())))};
      auto flag = [&](StringRef n, bool on) {
        if (on)
          conf.push_back(b.getNamedAttr(n, b.getUnitAttr()));
      };
      flag("causal", op.getCausal());
      flag("residual", op.getResidual());
      flag("bias", bool(op.getBq()));
      flag("memory", bool(op.getMemory()));
      flag("mask", bool(op.getMask()));
      replaceWithLauncherCall(op, args, kGpuMhaPrefix, {"_sdpa"}, kGpuMhaAttr,
                              b.getDictionaryAttr(conf), single, symbols,
                              counter);
    }
  }
};

} // namespace
