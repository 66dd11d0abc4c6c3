//===- AttnOps.td - attn dialect operations ----------------*- tablegen -*-===//
#ifndef ATTN_OPS
#define ATTN_OPS

include "attn/Dialect/Attn/IR/AttnDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonTypeConstraints.td"

def Attn_ElemType : AnyTypeOf<[F32, F16, BF16]>;
def Attn_Tensor : RankedTensorOf<[F32, F16, BF16]>;
def Attn_MaskTensor : RankedTensorOf<[I1, F32, F16, BF16]>;

def Attn_SdpaOp : Attn_Op<"sdpa", [Pure]> {
  let summary = "Scaled dot-product attention";
  let description = [{
    `o = softmax(scale * Q K^T + bias) V` per batch, head and query row.

    - query `B x H x Sq x D`, key `B x Hkv x Sk x D`, value `B x Hkv x Sk x Dv`,
      result `B x H x Sq x Dv`; element types f32, f16 or bf16 (one for all
      four); accumulation is f32.
    - `H % Hkv == 0`: query head `h` reads kv head `h / (H / Hkv)` (GQA/MQA).
    - optional mask `Bm x Hm x Sq x Sk` with `Bm` in {1, B}, `Hm` in {1, H}:
      i1 (true = attend) or the element type / f32 (added to the scaled score).
    - `scale` defaults to `1/sqrt(D)`.
    - `causal`: bottom-right aligned, query `i` sees key `j` iff
      `j <= i + Sk - Sq`.
    - A row where every key is hidden yields zeros.

    Every dimension but `D` and `Dv` may be dynamic.

    ```mlir
    %o = attn.sdpa %q, %k, %v mask %m {causal}
           : (tensor<1x12x128x64xf16>, tensor<1x12x128x64xf16>,
              tensor<1x12x128x64xf16>, tensor<1x1x128x128xi1>)
           -> tensor<1x12x128x64xf16>
    ```
  }];
  let arguments = (ins Attn_Tensor:$query, Attn_Tensor:$key,
                       Attn_Tensor:$value, Optional<Attn_MaskTensor>:$mask,
                       OptionalAttr<F32Attr>:$scale, UnitAttr:$causal);
  let results = (outs Attn_Tensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The scale in effect: the attribute, or 1/sqrt(D).
    double getEffectiveScale();
  }];
}

def Attn_MhaOp : Attn_Op<"mha", [Pure, AttrSizedOperandSegments]> {
  let summary = "Multi-head attention layer";
  let description = [{
    `Q = x wq (+bq)`, `K = kv wk (+bk)`, `V = kv wv (+bv)` with `kv` = `memory`
    if present (cross-attention) else `x`; Q split into `num_heads` heads of
    `Dh`, K and V into `num_kv_heads` heads of `Dh` and `Dv`; per head
    `attn.sdpa` semantics (scale, causal, mask); heads concatenated and
    projected by `wo (+bo)`; `residual` adds `x`.

    ```mlir
    %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 8 : i64, causal, residual}
           : (tensor<2x128x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>,
              tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<2x128x512xf32>
    ```
  }];
  let arguments = (ins Attn_Tensor:$x, Attn_Tensor:$wq, Attn_Tensor:$wk,
                       Attn_Tensor:$wv, Attn_Tensor:$wo,
                       Optional<Attn_Tensor>:$bq, Optional<Attn_Tensor>:$bk,
                       Optional<Attn_Tensor>:$bv, Optional<Attn_Tensor>:$bo,
                       Optional<Attn_Tensor>:$memory,
                       Optional<Attn_MaskTensor>:$mask,
                       I64Attr:$num_heads, OptionalAttr<I64Attr>:$num_kv_heads,
                       OptionalAttr<F32Attr>:$scale, UnitAttr:$causal,
                       UnitAttr:$residual);
  let results = (outs Attn_Tensor:$result);
  let assemblyFormat = [{
    $x `,` $wq `,` $wk `,` $wv `,` $wo
    (`bias` `(` $bq^ `,` $bk `,` $bv `,` $bo `)`)?
    (`memory` $memory^)? (`mask` $mask^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getNumKvHeadsOrDefault() {
      return getNumKvHeads() ? *getNumKvHeads() : getNumHeads();
    }
    bool hasBias() { return static_cast<bool>(getBq()); }
    /// Per-head query/key size Dh and value size Dv (static).
    int64_t getHeadDim();
    int64_t getValueHeadDim();
    double getEffectiveScale();
  }];
}

#endif // ATTN_OPS
