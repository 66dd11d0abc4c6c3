//===- Outline.h - Shared steps of attn-gpu-outline-{sdpa,mha} --*- C++ -*-===//
#ifndef ATTN_LIB_CONVERSION_SDPATOGPU_OUTLINE_H
#define ATTN_LIB_CONVERSION_SDPATOGPU_OUTLINE_H

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir {
namespace attn {

/// A read-only buffer of tensor `t` (identity layout).
inline Value readOnlyBuffer(OpBuilder &b, Location loc, Value t) {
  auto tt = cast<RankedTensorType>(t.getType());
  auto mt = MemRefType::get(tt.getShape(), tt.getElementType());
  return bufferization::ToBufferOp::create(b, loc, mt, t, /*readOnly=*/true);
}

/// Replaces `op` (one tensor result, computed into `args.back()`, a host
/// buffer) by a call on `args` to a new private declaration `<prefix><n>`
/// (n: the first free with its `_device` and `suffixes` variants, counted
/// in `counter`) carrying `conf` as `attr`. With `single`, marks the
/// enclosing function for a device-pointer entry `<prefix><n>_device`.
inline void replaceWithLauncherCall(Operation *op, ArrayRef<Value> args,
                                    StringRef prefix,
                                    ArrayRef<StringRef> suffixes,
                                    StringRef attr, DictionaryAttr conf,
                                    bool single, SymbolTable &symbols,
                                    unsigned &counter) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  auto taken = [&](const std::string &n) {
    if (symbols.lookup(n) || symbols.lookup(n + "_device"))
      return true;
    for (StringRef s : suffixes)
      if (symbols.lookup(n + s.str()))
        return true;
    return false;
  };
  std::string name;
  do {
    name = prefix.str() + std::to_string(counter++);
  } while (taken(name));
  SmallVector<Type> argTypes;
  for (Value a : args)
    argTypes.push_back(a.getType());
  auto module = op->getParentOfType<ModuleOp>();
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  auto decl =
      func::FuncOp::create(mb, loc, name, mb.getFunctionType(argTypes, {}));
  decl.setPrivate();
  decl->setAttr(attr, conf);
  symbols.insert(decl);

  func::CallOp::create(b, loc, decl, args);
  auto rt = cast<RankedTensorType>(op->getResult(0).getType());
  Value res = bufferization::ToTensorOp::create(b, loc, rt, args.back(),
                                                /*restrict=*/true,
                                                /*writable=*/true);
  auto fn = op->getParentOfType<func::FuncOp>();
  op->getResult(0).replaceAllUsesWith(res);
  op->erase();
  if (single)
    fn->setAttr(kGpuDeviceLauncherAttr,
                FlatSymbolRefAttr::get(b.getContext(), name + "_device"));
}

} // namespace attn
} // namespace mlir

#endif
