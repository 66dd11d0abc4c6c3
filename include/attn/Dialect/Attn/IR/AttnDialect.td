//===- AttnDialect.td - attn dialect definition ------------*- tablegen -*-===//
#ifndef ATTN_DIALECT
#define ATTN_DIALECT

include "mlir/IR/OpBase.td"

def Attn_Dialect : Dialect {
  let name = "attn";
  let summary = "Attention graphs: scaled dot-product and multi-head attention";
  let description = [{
    The `attn` dialect holds whole attention computations as single ops so
    that the compiler can choose how to tile, fuse and schedule them:
    `attn.sdpa` (softmax(QK^T * scale + mask) V with GQA, causal and masks)
    and `attn.mha` (projections, heads, sdpa, output projection, residual).
  }];
  let cppNamespace = "::mlir::attn";
}

class Attn_Op<string mnemonic, list<Trait> traits = []> :
    Op<Attn_Dialect, mnemonic, traits>;

#endif // ATTN_DIALECT
