// attn.sdpa and attn.mha with dynamic dimensions, for the run-time shape
// checks of the bad-input tests.
func.func @sdpa(%q: tensor<?x?x?x16xf32>, %k: tensor<?x?x?x16xf32>,
                %v: tensor<?x?x?x16xf32>, %m: tensor<?x?x?x?xi1>) -> tensor<?x?x?x16xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>,
          tensor<?x?x?x?xi1>) -> tensor<?x?x?x16xf32>
  return %o : tensor<?x?x?x16xf32>
}

func.func @mha(%x: tensor<?x?x32xf32>, %wq: tensor<32x32xf32>, %wk: tensor<32x16xf32>,
               %wv: tensor<32x16xf32>, %wo: tensor<32x32xf32>, %mem: tensor<?x?x32xf32>)
    -> tensor<?x?x32xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo memory %mem {num_heads = 4 : i64, num_kv_heads = 2 : i64}
       : (tensor<?x?x32xf32>, tensor<32x32xf32>, tensor<32x16xf32>, tensor<32x16xf32>,
          tensor<32x32xf32>, tensor<?x?x32xf32>) -> tensor<?x?x32xf32>
  return %y : tensor<?x?x32xf32>
}
