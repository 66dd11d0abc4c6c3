//===- attn-opt.cpp - mlir-opt with the attn dialect ----------------------===//
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::attn::registerAttnPasses();
  mlir::attn::registerAttnPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::attn::AttnDialect>();
  // SPEC.md 2: bad input (parse/verify/pass failure) exits with 2.
  return mlir::failed(mlir::MlirOptMain(argc, argv,
                                        "attn-mlir optimizer driver\n",
                                        registry))
             ? 2
             : 0;
}
