// BERT-base self-attention layer: batch 2, sequence 128, E = 768, 12 heads of
// 64, Q/K/V/O projections with biases, a padding mask (i1, true = attend,
// one row of keys per sequence broadcast over heads) and the residual x + ...
// (the input of BERT's following LayerNorm).
//
//   attn-run examples/bert_layer.mlir --check --benchmark=5
func.func @main(%x: tensor<2x128x768xf32>,
                %wq: tensor<768x768xf32>, %wk: tensor<768x768xf32>,
                %wv: tensor<768x768xf32>, %wo: tensor<768x768xf32>,
                %bq: tensor<768xf32>, %bk: tensor<768xf32>,
                %bv: tensor<768xf32>, %bo: tensor<768xf32>,
                %mask: tensor<2x1x128x128xi1>) -> tensor<2x128x768xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) mask %mask
         {num_heads = 12 : i64, residual}
       : (tensor<2x128x768xf32>, tensor<768x768xf32>, tensor<768x768xf32>,
          tensor<768x768xf32>, tensor<768x768xf32>, tensor<768xf32>,
          tensor<768xf32>, tensor<768xf32>, tensor<768xf32>,
          tensor<2x1x128x128xi1>) -> tensor<2x128x768xf32>
  return %y : tensor<2x128x768xf32>
}
