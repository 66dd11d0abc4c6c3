//===- VerifierTest.cpp - attn verifiers through the C++ API --------------===//
//
// Builds attn ops with OpBuilder (no parser) and checks that mlir::verify
// accepts the valid ones and rejects the invalid ones with a diagnostic that
// names the operand and the two sizes.
//
//===----------------------------------------------------------------------===//
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::attn;

namespace {

class VerifierTest : public ::testing::Test {
protected:
  VerifierTest() : b(&ctx) {
    ctx.loadDialect<AttnDialect, func::FuncDialect>();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &ctx, [this](Diagnostic &d) {
          messages += d.str() + "\n";
          return success();
        });
  }

  RankedTensorType t(ArrayRef<int64_t> shape, Type e = {}) {
    return RankedTensorType::get(shape, e ? e : b.getF32Type());
  }

  /// Builds `func @f(args) { %r = attn.sdpa ...; return }` and verifies it.
  LogicalResult sdpa(RankedTensorType q, RankedTensorType k,
                     RankedTensorType v, RankedTensorType out,
                     RankedTensorType mask = {}, FloatAttr scale = {}) {
    SmallVector<Type> args{q, k, v};
    if (mask)
      args.push_back(mask);
    return build(args, out, [&](ValueRange a) {
      return SdpaOp::create(b, b.getUnknownLoc(), out, a[0], a[1], a[2],
                            mask ? a[3] : Value(), scale, false)
          .getResult();
    });
  }

  LogicalResult build(ArrayRef<Type> args, Type out,
                      function_ref<Value(ValueRange)> body) {
    messages.clear();
    module = ModuleOp::create(b.getUnknownLoc());
    b.setInsertionPointToEnd(module->getBody());
    auto fn = func::FuncOp::create(b, b.getUnknownLoc(), "f",
                                   b.getFunctionType(args, {out}));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToEnd(entry);
    Value r = body(entry->getArguments());
    func::ReturnOp::create(b, b.getUnknownLoc(), r);
    return verify(*module);
  }

  template <typename OpT> OpT firstOp() {
    OpT found;
    module->walk([&](OpT op) {
      if (!found)
        found = op;
    });
    return found;
  }

  MLIRContext ctx;
  OpBuilder b;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::string messages;
};

TEST_F(VerifierTest, AcceptsGqaWithMaskAndScale) {
  EXPECT_TRUE(succeeded(sdpa(t({2, 8, 37, 64}), t({2, 2, 53, 64}),
                             t({2, 2, 53, 32}), t({2, 8, 37, 32}),
                             t({1, 8, 37, 53}, b.getI1Type()),
                             b.getF32FloatAttr(0.125f)))) << messages;
}

TEST_F(VerifierTest, AcceptsDynamicDims) {
  int64_t q = ShapedType::kDynamic;
  EXPECT_TRUE(succeeded(sdpa(t({q, q, q, 64}), t({q, q, q, 64}),
                             t({q, q, q, 64}), t({q, q, q, 64}),
                             t({q, q, q, q}, b.getF32Type()))))
      << messages;
}

TEST_F(VerifierTest, RejectsHeadDimMismatchNamingBothSizes) {
  EXPECT_TRUE(failed(sdpa(t({1, 4, 16, 64}), t({1, 4, 16, 32}),
                          t({1, 4, 16, 64}), t({1, 4, 16, 64}))));
  EXPECT_NE(messages.find("key dim 3 (D) is 32 but query dim 3 (D) is 64"),
            std::string::npos)
      << messages;
}

TEST_F(VerifierTest, RejectsHeadsNotMultipleOfKvHeads) {
  EXPECT_TRUE(failed(sdpa(t({1, 6, 16, 64}), t({1, 4, 16, 64}),
                          t({1, 4, 16, 64}), t({1, 6, 16, 64}))));
  EXPECT_NE(messages.find("query dim 1 (H) is 6"), std::string::npos)
      << messages;
  EXPECT_NE(messages.find("key dim 1 (Hkv) 4"), std::string::npos) << messages;
}

TEST_F(VerifierTest, RejectsMaskThatDoesNotBroadcast) {
  EXPECT_TRUE(failed(sdpa(t({4, 2, 16, 64}), t({4, 2, 16, 64}),
                          t({4, 2, 16, 64}), t({4, 2, 16, 64}),
                          t({2, 1, 16, 16}, b.getI1Type()))));
  EXPECT_NE(messages.find("mask dim 0 (Bm) is 2 but must be 1 or query dim 0 "
                          "(B) 4"),
            std::string::npos)
      << messages;
}

TEST_F(VerifierTest, RejectsElementTypeMismatch) {
  EXPECT_TRUE(failed(sdpa(t({1, 1, 8, 16}), t({1, 1, 8, 16}, b.getF16Type()),
                          t({1, 1, 8, 16}), t({1, 1, 8, 16}))));
  EXPECT_NE(messages.find("key element type 'f16' does not match query "
                          "element type 'f32'"),
            std::string::npos)
      << messages;
}

TEST_F(VerifierTest, RejectsNonFiniteScale) {
  EXPECT_TRUE(failed(sdpa(t({1, 1, 8, 16}), t({1, 1, 8, 16}), t({1, 1, 8, 16}),
                          t({1, 1, 8, 16}), {},
                          b.getF32FloatAttr(
                              std::numeric_limits<float>::infinity()))));
  EXPECT_NE(messages.find("scale must be finite"), std::string::npos)
      << messages;
}

TEST_F(VerifierTest, EffectiveScaleDefaultsToInverseSqrtD) {
  ASSERT_TRUE(succeeded(sdpa(t({1, 1, 8, 64}), t({1, 1, 8, 64}),
                             t({1, 1, 8, 64}), t({1, 1, 8, 64}))));
  SdpaOp op = firstOp<SdpaOp>();
  EXPECT_DOUBLE_EQ(op.getEffectiveScale(), 0.125);
}

TEST_F(VerifierTest, MhaRejectsResidualWithDifferentOutputWidth) {
  Type x = t({2, 16, 64}), wq = t({64, 64}), wo = t({64, 32}),
       out = t({2, 16, 32});
  auto r = build({x, wq, wq, wq, wo}, out, [&](ValueRange a) {
    return MhaOp::create(b, b.getUnknownLoc(), out, a[0], a[1], a[2], a[3],
                         a[4], Value(), Value(), Value(), Value(), Value(),
                         Value(), b.getI64IntegerAttr(4), IntegerAttr(),
                         FloatAttr(), UnitAttr(), b.getUnitAttr())
        .getResult();
  });
  EXPECT_TRUE(failed(r));
  EXPECT_NE(messages.find("wo dim 1 (E_out) is 32 but x dim 2 (E) is 64"),
            std::string::npos)
      << messages;
}

TEST_F(VerifierTest, MhaAcceptsGqaLayerAndReportsHeadDims) {
  Type x = t({2, 16, 64}), wq = t({64, 64}), wkv = t({64, 32}),
       wo = t({64, 64});
  auto r = build({x, wq, wkv, wkv, wo}, x, [&](ValueRange a) {
    return MhaOp::create(b, b.getUnknownLoc(), x, a[0], a[1], a[2], a[3],
                         a[4], Value(), Value(), Value(), Value(), Value(),
                         Value(), b.getI64IntegerAttr(4),
                         b.getI64IntegerAttr(2), FloatAttr(), UnitAttr(),
                         UnitAttr())
        .getResult();
  });
  ASSERT_TRUE(succeeded(r)) << messages;
  MhaOp op = firstOp<MhaOp>();
  EXPECT_EQ(op.getHeadDim(), 16);
  EXPECT_EQ(op.getValueHeadDim(), 16);
  EXPECT_EQ(op.getNumKvHeadsOrDefault(), 2);
}

} // namespace
