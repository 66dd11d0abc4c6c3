// One decoder step of a grouped-query-attention model (Llama-style): 32 query
// heads share 8 kv heads of D = 128; one new query row attends to a 4096-key
// cache. `causal` is bottom-right aligned, so the single query row (the
// newest position) sees the whole cache.
//
//   attn-run examples/gqa_decode.mlir --check --benchmark=5
func.func @main(%q: tensor<1x32x1x128xf32>, %k: tensor<1x8x4096x128xf32>,
                %v: tensor<1x8x4096x128xf32>) -> tensor<1x32x1x128xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<1x32x1x128xf32>, tensor<1x8x4096x128xf32>,
          tensor<1x8x4096x128xf32>) -> tensor<1x32x1x128xf32>
  return %o : tensor<1x32x1x128xf32>
}
