//===- OracleTest.cpp - Tests for attn/Support/Oracle.h -------------------===//

#include "attn/Support/Oracle.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace attn;

namespace {

const double kInf = std::numeric_limits<double>::infinity();

Tensor64 T(std::vector<int64_t> shape, std::vector<double> data) {
  Tensor64 t;
  t.shape = std::move(shape);
  t.data = std::move(data);
  return t;
}

/// Deterministic pseudo-random tensor in [-1, 1].
Tensor64 R(std::vector<int64_t> shape, uint64_t seed) {
  Tensor64 t;
  t.shape = shape;
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
  for (int64_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    t.data.push_back(double(s >> 11) / double(uint64_t(1) << 53) * 2 - 1);
  }
  return t;
}

Tensor64 sdpa(const Tensor64 &q, const Tensor64 &k, const Tensor64 &v,
              const Tensor64 *mask = nullptr, SdpaConfig cfg = {}) {
  Tensor64 o;
  std::string err;
  EXPECT_TRUE(oracleSdpa(q, k, v, mask, cfg, o, err)) << err;
  return o;
}

Tensor64 mha(const MhaOperands &ops, const MhaConfig &cfg) {
  Tensor64 o;
  std::string err;
  EXPECT_TRUE(oracleMha(ops, cfg, o, err)) << err;
  return o;
}

void expectNear(const Tensor64 &a, const Tensor64 &b, double tol = 1e-12) {
  ASSERT_EQ(a.shape, b.shape);
  ASSERT_EQ(a.data.size(), b.data.size());
  for (size_t i = 0; i < a.data.size(); ++i)
    EXPECT_NEAR(a.data[i], b.data[i], tol) << "at " << i;
}

std::string sdpaShapeErr(std::vector<int64_t> q, std::vector<int64_t> k,
                         std::vector<int64_t> v,
                         std::vector<int64_t> mask = {}) {
  std::vector<int64_t> out;
  std::string err;
  if (sdpaShape(q, k, v, mask.empty() ? nullptr : &mask, out, err))
    return "<accepted>";
  return err;
}

/// [B, S, H*Dh] (row-major) viewed as [B, H, S, Dh].
Tensor64 splitHeads(const Tensor64 &x, int64_t H) {
  int64_t B = x.shape[0], S = x.shape[1], Dh = x.shape[2] / H;
  Tensor64 r;
  r.shape = {B, H, S, Dh};
  r.data.resize(x.data.size());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t d = 0; d < Dh; ++d)
          r.data[size_t(((b * H + h) * S + s) * Dh + d)] =
              x.data[size_t((b * S + s) * H * Dh + h * Dh + d)];
  return r;
}

/// [B, H, S, Dv] -> [B, S, H*Dv].
Tensor64 mergeHeads(const Tensor64 &o) {
  int64_t B = o.shape[0], H = o.shape[1], S = o.shape[2], Dv = o.shape[3];
  Tensor64 r;
  r.shape = {B, S, H * Dv};
  r.data.resize(o.data.size());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t s = 0; s < S; ++s)
        for (int64_t d = 0; d < Dv; ++d)
          r.data[size_t((b * S + s) * H * Dv + h * Dv + d)] =
              o.data[size_t(((b * H + h) * S + s) * Dv + d)];
  return r;
}

Tensor64 eye(int64_t n) {
  Tensor64 t = T({n, n}, std::vector<double>(size_t(n * n), 0.0));
  for (int64_t i = 0; i < n; ++i)
    t.data[size_t(i * n + i)] = 1.0;
  return t;
}

/// Repeats kv heads so that each query head has its own copy.
Tensor64 repeatKv(const Tensor64 &k, int64_t H) {
  int64_t B = k.shape[0], Hkv = k.shape[1], S = k.shape[2], D = k.shape[3];
  Tensor64 r;
  r.shape = {B, H, S, D};
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h) {
      int64_t hk = h / (H / Hkv);
      auto first = k.data.begin() + std::ptrdiff_t(((b * Hkv + hk) * S) * D);
      r.data.insert(r.data.end(), first, first + std::ptrdiff_t(S * D));
    }
  return r;
}

} // namespace

//===----------------------------------------------------------------------===//
// sdpa: hand-computed values
//===----------------------------------------------------------------------===//

TEST(OracleSdpa, TwoKeysKnownWeights) {
  // Sq=1, Sk=2, D=1: scores = [1*1, 1*2] (scale 1/sqrt(1) = 1).
  Tensor64 q = T({1, 1, 1, 1}, {1});
  Tensor64 k = T({1, 1, 2, 1}, {1, 2});
  Tensor64 v = T({1, 1, 2, 1}, {10, 20});
  Tensor64 o = sdpa(q, k, v);
  ASSERT_EQ(o.shape, (std::vector<int64_t>{1, 1, 1, 1}));
  double w0 = std::exp(1.0), w1 = std::exp(2.0);
  EXPECT_NEAR(o.data[0], (10 * w0 + 20 * w1) / (w0 + w1), 1e-12);

  SdpaConfig cfg;
  cfg.scale = 0.5;
  o = sdpa(q, k, v, nullptr, cfg);
  w0 = std::exp(0.5);
  w1 = std::exp(1.0);
  EXPECT_NEAR(o.data[0], (10 * w0 + 20 * w1) / (w0 + w1), 1e-12);
}

TEST(OracleSdpa, DefaultScaleAndDvDifferentFromD) {
  // D=2 (scale 1/sqrt(2)), Dv=3.
  Tensor64 q = T({1, 1, 1, 2}, {1, 0});
  Tensor64 k = T({1, 1, 2, 2}, {1, 0, 0, 1});
  Tensor64 v = T({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor64 o = sdpa(q, k, v);
  ASSERT_EQ(o.shape, (std::vector<int64_t>{1, 1, 1, 3}));
  double w0 = std::exp(1 / std::sqrt(2.0)), w1 = 1.0, z = w0 + w1;
  EXPECT_NEAR(o.data[0], (1 * w0 + 4 * w1) / z, 1e-12);
  EXPECT_NEAR(o.data[1], (2 * w0 + 5 * w1) / z, 1e-12);
  EXPECT_NEAR(o.data[2], (3 * w0 + 6 * w1) / z, 1e-12);
}

TEST(OracleSdpa, StableForLargeScores) {
  // Scores 1000 and 1001 would overflow exp() without subtracting the max.
  Tensor64 q = T({1, 1, 1, 1}, {1});
  Tensor64 k = T({1, 1, 2, 1}, {1000, 1001});
  Tensor64 v = T({1, 1, 2, 1}, {0, 1});
  Tensor64 o = sdpa(q, k, v);
  EXPECT_NEAR(o.data[0], 1 / (1 + std::exp(-1.0)), 1e-12);
}

TEST(OracleSdpa, CausalFewerQueriesThanKeys) {
  // Sq=2, Sk=4: query i sees keys j <= i + 2. Zero keys -> uniform weights.
  Tensor64 q = R({1, 1, 2, 3}, 1);
  Tensor64 k = T({1, 1, 4, 3}, std::vector<double>(12, 0.0));
  Tensor64 v = T({1, 1, 4, 1}, {1, 2, 4, 8});
  SdpaConfig cfg;
  cfg.causal = true;
  Tensor64 o = sdpa(q, k, v, nullptr, cfg);
  EXPECT_NEAR(o.data[0], (1 + 2 + 4) / 3.0, 1e-12);
  EXPECT_NEAR(o.data[1], (1 + 2 + 4 + 8) / 4.0, 1e-12);
}

TEST(OracleSdpa, CausalMoreQueriesThanKeys) {
  // Sq=4, Sk=2: query i sees keys j <= i - 2; rows 0 and 1 see nothing.
  Tensor64 q = R({1, 1, 4, 3}, 2);
  Tensor64 k = T({1, 1, 2, 3}, std::vector<double>(6, 0.0));
  Tensor64 v = T({1, 1, 2, 2}, {1, 10, 3, 30});
  SdpaConfig cfg;
  cfg.causal = true;
  Tensor64 o = sdpa(q, k, v, nullptr, cfg);
  ASSERT_EQ(o.shape, (std::vector<int64_t>{1, 1, 4, 2}));
  const double want[] = {0, 0, 0, 0, 1, 10, 2, 20};
  for (int i = 0; i < 8; ++i) {
    EXPECT_FALSE(std::isnan(o.data[size_t(i)]));
    EXPECT_NEAR(o.data[size_t(i)], want[i], 1e-12) << i;
  }
}

TEST(OracleSdpa, CausalSquareEqualsLowerTriangleBoolMask) {
  Tensor64 q = R({2, 2, 5, 4}, 3), k = R({2, 2, 5, 4}, 4),
           v = R({2, 2, 5, 3}, 5);
  Tensor64 mask = T({1, 1, 5, 5}, std::vector<double>(25, 0.0));
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j <= i; ++j)
      mask.data[size_t(i * 5 + j)] = 1;
  SdpaConfig causal;
  causal.causal = true;
  SdpaConfig boolMask;
  boolMask.maskIsBool = true;
  expectNear(sdpa(q, k, v, nullptr, causal), sdpa(q, k, v, &mask, boolMask));
  // And the bool mask equals a float mask with 0 / -inf.
  Tensor64 fmask = mask;
  for (double &m : fmask.data)
    m = m != 0 ? 0.0 : -kInf;
  expectNear(sdpa(q, k, v, &fmask), sdpa(q, k, v, &mask, boolMask));
}

TEST(OracleSdpa, BoolMask) {
  // Two queries over three keys with zero scores. Row 0 masks key 1, row 1
  // masks every key.
  Tensor64 q = R({1, 1, 2, 2}, 6);
  Tensor64 k = T({1, 1, 3, 2}, std::vector<double>(6, 0.0));
  Tensor64 v = T({1, 1, 3, 1}, {3, 100, 5});
  Tensor64 mask = T({1, 1, 2, 3}, {1, 0, 1, 0, 0, 0});
  SdpaConfig cfg;
  cfg.maskIsBool = true;
  Tensor64 o = sdpa(q, k, v, &mask, cfg);
  EXPECT_NEAR(o.data[0], 4.0, 1e-12);
  EXPECT_EQ(o.data[1], 0.0);
  // Any non-zero value means "attend".
  mask.data = {2, 0, -1, 0, 0, 0};
  o = sdpa(q, k, v, &mask, cfg);
  EXPECT_NEAR(o.data[0], 4.0, 1e-12);
  // Fully masked plus causal.
  cfg.causal = true;
  o = sdpa(q, k, v, &mask, cfg);
  EXPECT_EQ(o.data[1], 0.0);
}

TEST(OracleSdpa, FloatMaskIsAdded) {
  // Zero scores, mask [0, ln 3]: weights 1/4, 3/4.
  Tensor64 q = T({1, 1, 1, 1}, {0.7});
  Tensor64 k = T({1, 1, 2, 1}, {0, 0});
  Tensor64 v = T({1, 1, 2, 1}, {4, 8});
  Tensor64 mask = T({1, 1, 1, 2}, {0, std::log(3.0)});
  Tensor64 o = sdpa(q, k, v, &mask);
  EXPECT_NEAR(o.data[0], 4 * 0.25 + 8 * 0.75, 1e-12);
  // Added after scaling: s_j = scale * q.k_j + m_j.
  k.data = {1, 2};
  SdpaConfig cfg;
  cfg.scale = 2.0;
  mask.data = {0.5, -1.0};
  o = sdpa(q, k, v, &mask, cfg);
  double s0 = 2.0 * 0.7 * 1 + 0.5, s1 = 2.0 * 0.7 * 2 - 1.0;
  double w0 = std::exp(s0), w1 = std::exp(s1);
  EXPECT_NEAR(o.data[0], (4 * w0 + 8 * w1) / (w0 + w1), 1e-12);
  // A float mask of -inf everywhere in the row yields zeros, not NaN.
  mask.data = {-kInf, -kInf};
  o = sdpa(q, k, v, &mask, cfg);
  EXPECT_EQ(o.data[0], 0.0);
  // -inf on one key removes it.
  mask.data = {-kInf, 0};
  o = sdpa(q, k, v, &mask, cfg);
  EXPECT_NEAR(o.data[0], 8.0, 1e-12);
}

TEST(OracleSdpa, GqaHeadMapping) {
  // H=4, Hkv=2, Sk=1: the output is the single value row of the kv head.
  // Head 0,1 -> kv head 0; heads 2,3 -> kv head 1.
  Tensor64 q = R({1, 4, 1, 2}, 7);
  Tensor64 k = R({1, 2, 1, 2}, 8);
  Tensor64 v = T({1, 2, 1, 1}, {100, 200});
  Tensor64 o = sdpa(q, k, v);
  ASSERT_EQ(o.shape, (std::vector<int64_t>{1, 4, 1, 1}));
  EXPECT_NEAR(o.data[0], 100, 1e-12);
  EXPECT_NEAR(o.data[1], 100, 1e-12);
  EXPECT_NEAR(o.data[2], 200, 1e-12);
  EXPECT_NEAR(o.data[3], 200, 1e-12);
}

TEST(OracleSdpa, GqaEqualsRepeatedKv) {
  for (int64_t Hkv : {1, 2, 3, 6}) {
    Tensor64 q = R({2, 6, 3, 4}, 10), k = R({2, Hkv, 5, 4}, 11),
             v = R({2, Hkv, 5, 2}, 12);
    SdpaConfig cfg;
    cfg.causal = true;
    expectNear(sdpa(q, k, v, nullptr, cfg),
               sdpa(q, repeatKv(k, 6), repeatKv(v, 6), nullptr, cfg));
  }
}

TEST(OracleSdpa, MaskBroadcast) {
  const int64_t B = 2, H = 3, Sq = 2, Sk = 3;
  Tensor64 q = R({B, H, Sq, 4}, 20), k = R({B, H, Sk, 4}, 21),
           v = R({B, H, Sk, 2}, 22);
  // Bm=1, Hm=1 against the same mask materialized to [B, H, Sq, Sk].
  Tensor64 small = R({1, 1, Sq, Sk}, 23);
  Tensor64 full = T({B, H, Sq, Sk}, {});
  for (int64_t i = 0; i < B * H; ++i)
    full.data.insert(full.data.end(), small.data.begin(), small.data.end());
  expectNear(sdpa(q, k, v, &small), sdpa(q, k, v, &full));

  // Bm=1, Hm=H: per-head masks shared across the batch.
  Tensor64 perHead = R({1, H, Sq, Sk}, 24);
  full.data.clear();
  for (int64_t b = 0; b < B; ++b)
    full.data.insert(full.data.end(), perHead.data.begin(),
                     perHead.data.end());
  expectNear(sdpa(q, k, v, &perHead), sdpa(q, k, v, &full));

  // Bm=B, Hm=1: per-batch masks shared across heads.
  Tensor64 perBatch = R({B, 1, Sq, Sk}, 25);
  full.data.clear();
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      full.data.insert(full.data.end(),
                       perBatch.data.begin() + b * Sq * Sk,
                       perBatch.data.begin() + (b + 1) * Sq * Sk);
  expectNear(sdpa(q, k, v, &perBatch), sdpa(q, k, v, &full));
  // The mask matters.
  Tensor64 noMask = sdpa(q, k, v);
  Tensor64 masked = sdpa(q, k, v, &perBatch);
  double diff = 0;
  for (size_t i = 0; i < noMask.data.size(); ++i)
    diff += std::fabs(noMask.data[i] - masked.data[i]);
  EXPECT_GT(diff, 1e-3);
}

TEST(OracleSdpa, ZeroSizedDims) {
  // Sk = 0: every row is hidden -> zeros.
  Tensor64 o = sdpa(R({1, 1, 2, 3}, 1), T({1, 1, 0, 3}, {}),
                    T({1, 1, 0, 2}, {}));
  ASSERT_EQ(o.shape, (std::vector<int64_t>{1, 1, 2, 2}));
  for (double x : o.data)
    EXPECT_EQ(x, 0.0);
  o = sdpa(T({0, 2, 2, 3}, {}), T({0, 1, 4, 3}, {}), T({0, 1, 4, 2}, {}));
  EXPECT_EQ(o.shape, (std::vector<int64_t>{0, 2, 2, 2}));
  EXPECT_TRUE(o.data.empty());
}

//===----------------------------------------------------------------------===//
// sdpa: shape errors
//===----------------------------------------------------------------------===//

TEST(OracleSdpaShape, ResultShape) {
  std::vector<int64_t> out;
  std::string err;
  std::vector<int64_t> mask = {1, 8, 128, 256};
  ASSERT_TRUE(sdpaShape({2, 8, 128, 64}, {2, 2, 256, 64}, {2, 2, 256, 32},
                        &mask, out, err))
      << err;
  EXPECT_EQ(out, (std::vector<int64_t>{2, 8, 128, 32}));
}

TEST(OracleSdpaShape, Errors) {
  EXPECT_EQ(sdpaShapeErr({1, 1, 4, 64}, {1, 1, 4, 32}, {1, 1, 4, 8}),
            "key dim 3 (D=32) does not match query dim 3 (D=64)");
  EXPECT_EQ(sdpaShapeErr({2, 1, 4, 8}, {3, 1, 4, 8}, {2, 1, 4, 8}),
            "key dim 0 (B=3) does not match query dim 0 (B=2)");
  EXPECT_EQ(sdpaShapeErr({2, 1, 4, 8}, {2, 1, 4, 8}, {1, 1, 4, 8}),
            "value dim 0 (B=1) does not match query dim 0 (B=2)");
  EXPECT_EQ(sdpaShapeErr({1, 4, 4, 8}, {1, 2, 4, 8}, {1, 4, 4, 8}),
            "value dim 1 (Hkv=4) does not match key dim 1 (Hkv=2)");
  EXPECT_EQ(sdpaShapeErr({1, 6, 4, 8}, {1, 4, 4, 8}, {1, 4, 4, 8}),
            "query dim 1 (H=6) is not a multiple of key dim 1 (Hkv=4)");
  EXPECT_EQ(sdpaShapeErr({1, 6, 4, 8}, {1, 0, 4, 8}, {1, 0, 4, 8}),
            "query dim 1 (H=6) is not a multiple of key dim 1 (Hkv=0)");
  EXPECT_EQ(sdpaShapeErr({1, 1, 4, 8}, {1, 1, 5, 8}, {1, 1, 6, 8}),
            "value dim 2 (Sk=6) does not match key dim 2 (Sk=5)");
  EXPECT_EQ(sdpaShapeErr({1, 1, 4}, {1, 1, 4, 8}, {1, 1, 4, 8}),
            "query must have rank 4, got rank 3 [1, 1, 4]");
  EXPECT_EQ(sdpaShapeErr({1, 1, 4, 8}, {1, 1, 4, 8, 1}, {1, 1, 4, 8}),
            "key must have rank 4, got rank 5 [1, 1, 4, 8, 1]");
  EXPECT_EQ(sdpaShapeErr({1, 1, 4, 8}, {1, 1, 4, 8}, {1, 4, 8}),
            "value must have rank 4, got rank 3 [1, 4, 8]");
  EXPECT_EQ(sdpaShapeErr({1, 1, 4, 8}, {1, 1, 4, 8}, {1, 1, 4, 8}, {4, 4}),
            "mask must have rank 4, got rank 2 [4, 4]");
  EXPECT_EQ(sdpaShapeErr({2, 4, 3, 8}, {2, 4, 5, 8}, {2, 4, 5, 8},
                         {3, 1, 3, 5}),
            "mask dim 0 (Bm=3) must be 1 or match query dim 0 (B=2)");
  EXPECT_EQ(sdpaShapeErr({2, 4, 3, 8}, {2, 4, 5, 8}, {2, 4, 5, 8},
                         {1, 2, 3, 5}),
            "mask dim 1 (Hm=2) must be 1 or match query dim 1 (H=4)");
  EXPECT_EQ(sdpaShapeErr({2, 4, 3, 8}, {2, 4, 5, 8}, {2, 4, 5, 8},
                         {1, 1, 4, 5}),
            "mask dim 2 (Sq=4) does not match query dim 2 (Sq=3)");
  EXPECT_EQ(sdpaShapeErr({2, 4, 3, 8}, {2, 4, 5, 8}, {2, 4, 5, 8},
                         {1, 1, 3, 3}),
            "mask dim 3 (Sk=3) does not match key dim 2 (Sk=5)");
  EXPECT_EQ(sdpaShapeErr({1, -1, 4, 8}, {1, 1, 4, 8}, {1, 1, 4, 8}),
            "query dim 1 is negative (-1)");
}

TEST(OracleSdpaShape, DataSizeChecked) {
  Tensor64 q = R({1, 1, 2, 2}, 1), k = R({1, 1, 2, 2}, 2),
           v = R({1, 1, 2, 2}, 3);
  k.data.pop_back();
  Tensor64 o;
  std::string err;
  EXPECT_FALSE(oracleSdpa(q, k, v, nullptr, {}, o, err));
  EXPECT_EQ(err, "key has 3 values but shape [1, 1, 2, 2] needs 4");
}

//===----------------------------------------------------------------------===//
// mha
//===----------------------------------------------------------------------===//

TEST(OracleMha, ScalarHandComputed) {
  // B=S=E=H=1: a single key, weight 1; y = x*wv*wo.
  Tensor64 x = T({1, 1, 1}, {2}), wq = T({1, 1}, {3}), wk = T({1, 1}, {5}),
           wv = T({1, 1}, {7}), wo = T({1, 1}, {11});
  MhaOperands ops;
  ops.x = &x;
  ops.wq = &wq;
  ops.wk = &wk;
  ops.wv = &wv;
  ops.wo = &wo;
  MhaConfig cfg;
  Tensor64 y = mha(ops, cfg);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_NEAR(y.data[0], 154, 1e-12);
  cfg.residual = true;
  EXPECT_NEAR(mha(ops, cfg).data[0], 156, 1e-12);
  Tensor64 one = T({1}, {1});
  ops.bq = ops.bk = ops.bv = ops.bo = &one;
  cfg.residual = false;
  EXPECT_NEAR(mha(ops, cfg).data[0], (2 * 7 + 1) * 11 + 1, 1e-12);
}

TEST(OracleMha, TwoTokensCausalHandComputed) {
  // E=1, H=1, S=2: q_i = 2 x_i, k_i = x_i, v_i = 3 x_i, y = 0.5 * o.
  Tensor64 x = T({1, 2, 1}, {1, 2}), wq = T({1, 1}, {2}), wk = T({1, 1}, {1}),
           wv = T({1, 1}, {3}), wo = T({1, 1}, {0.5});
  MhaOperands ops;
  ops.x = &x;
  ops.wq = &wq;
  ops.wk = &wk;
  ops.wv = &wv;
  ops.wo = &wo;
  MhaConfig cfg;
  cfg.causal = true;
  Tensor64 y = mha(ops, cfg);
  // Row 0 sees key 0 only: o = v0 = 3.
  EXPECT_NEAR(y.data[0], 0.5 * 3, 1e-12);
  // Row 1: q = 4, scores 4*1 and 4*2 (scale 1), values 3 and 6.
  double w0 = std::exp(4.0), w1 = std::exp(8.0);
  EXPECT_NEAR(y.data[1], 0.5 * (3 * w0 + 6 * w1) / (w0 + w1), 1e-12);
}

TEST(OracleMha, IdentityWeightsMatchSdpa) {
  const int64_t B = 2, S = 3, E = 8, H = 2;
  Tensor64 x = R({B, S, E}, 30), I = eye(E);
  MhaOperands ops;
  ops.x = &x;
  ops.wq = ops.wk = ops.wv = ops.wo = &I;
  for (bool causal : {false, true}) {
    MhaConfig cfg;
    cfg.numHeads = H;
    cfg.causal = causal;
    SdpaConfig sc;
    sc.causal = causal;
    Tensor64 xh = splitHeads(x, H);
    Tensor64 want = mergeHeads(sdpa(xh, xh, xh, nullptr, sc));
    expectNear(mha(ops, cfg), want);

    // Residual adds x.
    cfg.residual = true;
    Tensor64 y = mha(ops, cfg);
    for (size_t i = 0; i < want.data.size(); ++i)
      EXPECT_NEAR(y.data[i], want.data[i] + x.data[i], 1e-12);

    // An explicit scale is passed through.
    cfg.residual = false;
    cfg.scale = 0.3;
    sc.scale = 0.3;
    expectNear(mha(ops, cfg), mergeHeads(sdpa(xh, xh, xh, nullptr, sc)));
  }
}

TEST(OracleMha, HeadColumnLayout) {
  // wq selects column block h*Dh.. for head h; wo reads head h from columns
  // h*Dv... Swap the two heads' blocks in wv and in wo's rows: same output.
  const int64_t E = 4, H = 2;
  Tensor64 x = R({1, 3, E}, 31), wq = R({E, 4}, 32), wk = R({E, 4}, 33),
           wv = R({E, 6}, 34), wo = R({6, 5}, 35);
  MhaOperands ops;
  ops.x = &x;
  ops.wq = &wq;
  ops.wk = &wk;
  ops.wv = &wv;
  ops.wo = &wo;
  MhaConfig cfg;
  cfg.numHeads = H;
  Tensor64 y = mha(ops, cfg);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{1, 3, 5}));
  auto swapCols = [](Tensor64 t, int64_t width) {
    int64_t rows = t.shape[0], cols = t.shape[1];
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < width; ++c)
        std::swap(t.data[size_t(r * cols + c)],
                  t.data[size_t(r * cols + c + width)]);
    return t;
  };
  Tensor64 wq2 = swapCols(wq, 2), wk2 = swapCols(wk, 2), wv2 = swapCols(wv, 3);
  Tensor64 wo2 = wo; // swap row blocks [0,3) and [3,6)
  for (int64_t r = 0; r < 3; ++r)
    for (int64_t c = 0; c < 5; ++c)
      std::swap(wo2.data[size_t(r * 5 + c)], wo2.data[size_t((r + 3) * 5 + c)]);
  MhaOperands ops2 = ops;
  ops2.wq = &wq2;
  ops2.wk = &wk2;
  ops2.wv = &wv2;
  ops2.wo = &wo2;
  expectNear(mha(ops2, cfg), y);
}

TEST(OracleMha, GqaAndDvDifferentFromDh) {
  // H=4, Hkv=2, Dh=3, Dv=2, E=6 via explicit projections and sdpa.
  const int64_t B = 1, S = 4, E = 6, H = 4, Hkv = 2, Dh = 3, Dv = 2;
  Tensor64 x = R({B, S, E}, 40), wq = R({E, H * Dh}, 41),
           wk = R({E, Hkv * Dh}, 42), wv = R({E, Hkv * Dv}, 43),
           wo = R({H * Dv, 5}, 44);
  auto matmul = [](const Tensor64 &a, const Tensor64 &w) {
    int64_t rows = a.shape[0] * a.shape[1], K = a.shape[2], N = w.shape[1];
    Tensor64 r = T({a.shape[0], a.shape[1], N},
                   std::vector<double>(size_t(rows * N), 0.0));
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t n = 0; n < N; ++n)
        for (int64_t e = 0; e < K; ++e)
          r.data[size_t(i * N + n)] +=
              a.data[size_t(i * K + e)] * w.data[size_t(e * N + n)];
    return r;
  };
  MhaOperands ops;
  ops.x = &x;
  ops.wq = &wq;
  ops.wk = &wk;
  ops.wv = &wv;
  ops.wo = &wo;
  MhaConfig cfg;
  cfg.numHeads = H;
  cfg.numKvHeads = Hkv;
  cfg.causal = true;
  SdpaConfig sc;
  sc.causal = true;
  Tensor64 o = sdpa(splitHeads(matmul(x, wq), H), splitHeads(matmul(x, wk), Hkv),
                    splitHeads(matmul(x, wv), Hkv), nullptr, sc);
  EXPECT_EQ(o.shape, (std::vector<int64_t>{B, H, S, Dv}));
  expectNear(mha(ops, cfg), matmul(mergeHeads(o), wo));
  std::vector<int64_t> shape;
  std::string err;
  ASSERT_TRUE(mhaShape(ops, cfg, shape, err)) << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{B, S, 5}));
}

TEST(OracleMha, Biases) {
  const int64_t E = 4, H = 2;
  Tensor64 x = R({2, 3, E}, 50), I = eye(E);
  Tensor64 zero = T({E}, std::vector<double>(E, 0.0));
  Tensor64 bo = T({E}, {1, 2, 3, 4});
  Tensor64 bv = T({E}, {-1, 0.5, 2, 0});
  Tensor64 bk = T({E}, {0.3, -0.7, 1.1, 0.2});
  MhaOperands ops;
  ops.x = &x;
  ops.wq = ops.wk = ops.wv = ops.wo = &I;
  MhaConfig cfg;
  cfg.numHeads = H;
  Tensor64 base = mha(ops, cfg);

  // bo is added to every output row.
  ops.bq = ops.bk = ops.bv = &zero;
  ops.bo = &bo;
  Tensor64 y = mha(ops, cfg);
  for (size_t i = 0; i < y.data.size(); ++i)
    EXPECT_NEAR(y.data[i], base.data[i] + bo.data[i % E], 1e-12);

  // bv shifts every value by a constant; weights sum to one.
  ops.bo = &zero;
  ops.bv = &bv;
  y = mha(ops, cfg);
  for (size_t i = 0; i < y.data.size(); ++i)
    EXPECT_NEAR(y.data[i], base.data[i] + bv.data[i % E], 1e-12);

  // bk adds q.bk to every score of a row: softmax is unchanged.
  ops.bv = &zero;
  ops.bk = &bk;
  expectNear(mha(ops, cfg), base, 1e-12);

  // bq changes the queries: compare with sdpa on x + bq.
  ops.bk = &zero;
  ops.bq = &bk;
  Tensor64 xq = x;
  for (size_t i = 0; i < xq.data.size(); ++i)
    xq.data[i] += bk.data[i % E];
  Tensor64 xh = splitHeads(x, H);
  expectNear(mha(ops, cfg),
             mergeHeads(sdpa(splitHeads(xq, H), xh, xh)));
}

TEST(OracleMha, CrossAttentionWithMask) {
  const int64_t B = 2, S = 3, Skv = 5, E = 4, H = 2;
  Tensor64 x = R({B, S, E}, 60), mem = R({B, Skv, E}, 61), I = eye(E);
  Tensor64 mask = T({B, 1, S, Skv}, {});
  for (int i = 0; i < B * S * Skv; ++i)
    mask.data.push_back((i * 7) % 3 != 0);
  MhaOperands ops;
  ops.x = &x;
  ops.wq = ops.wk = ops.wv = ops.wo = &I;
  ops.memory = &mem;
  ops.mask = &mask;
  MhaConfig cfg;
  cfg.numHeads = H;
  cfg.maskIsBool = true;
  cfg.causal = true;
  SdpaConfig sc;
  sc.maskIsBool = true;
  sc.causal = true;
  Tensor64 mh = splitHeads(mem, H);
  Tensor64 want = mergeHeads(sdpa(splitHeads(x, H), mh, mh, &mask, sc));
  expectNear(mha(ops, cfg), want);
  std::vector<int64_t> shape;
  std::string err;
  ASSERT_TRUE(mhaShape(ops, cfg, shape, err)) << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{B, S, E}));
}

namespace {

struct MhaShapes {
  std::vector<int64_t> x = {2, 3, 8}, wq = {8, 8}, wk = {8, 8}, wv = {8, 8},
                       wo = {8, 8};
  std::vector<int64_t> bq, bk, bv, bo, memory, mask;
  bool biases = false;
};

std::string mhaErr(const MhaShapes &s, const MhaConfig &cfg) {
  Tensor64 x{s.x, {}}, wq{s.wq, {}}, wk{s.wk, {}}, wv{s.wv, {}}, wo{s.wo, {}};
  Tensor64 bq{s.bq, {}}, bk{s.bk, {}}, bv{s.bv, {}}, bo{s.bo, {}};
  Tensor64 memory{s.memory, {}}, mask{s.mask, {}};
  MhaOperands ops;
  ops.x = &x;
  ops.wq = &wq;
  ops.wk = &wk;
  ops.wv = &wv;
  ops.wo = &wo;
  if (!s.bq.empty())
    ops.bq = &bq;
  if (!s.bk.empty())
    ops.bk = &bk;
  if (!s.bv.empty())
    ops.bv = &bv;
  if (!s.bo.empty())
    ops.bo = &bo;
  if (!s.memory.empty())
    ops.memory = &memory;
  if (!s.mask.empty())
    ops.mask = &mask;
  std::vector<int64_t> out;
  std::string err;
  if (mhaShape(ops, cfg, out, err))
    return "<accepted>";
  return err;
}

} // namespace

TEST(OracleMhaShape, Errors) {
  MhaConfig cfg;
  cfg.numHeads = 2;
  MhaShapes s;
  EXPECT_EQ(mhaErr(s, cfg), "<accepted>");

  s = {};
  s.x = {2, 8};
  EXPECT_EQ(mhaErr(s, cfg), "x must have rank 3, got rank 2 [2, 8]");
  s = {};
  s.wq = {7, 8};
  EXPECT_EQ(mhaErr(s, cfg), "wq dim 0 (E=7) does not match x dim 2 (E=8)");
  s = {};
  s.wv = {6, 8};
  EXPECT_EQ(mhaErr(s, cfg), "wv dim 0 (E=6) does not match x dim 2 (E=8)");
  s = {};
  s.wq = {8, 9};
  EXPECT_NE(mhaErr(s, cfg).find("wq dim 1 (H*Dh=9) is not a multiple of "
                                "num_heads (H=2)"),
            std::string::npos);
  s = {};
  s.wk = {8, 6};
  EXPECT_NE(mhaErr(s, cfg).find("wk dim 1 (Hkv*Dh=6) does not match"),
            std::string::npos)
      << mhaErr(s, cfg);
  s = {};
  s.wo = {6, 8};
  EXPECT_NE(mhaErr(s, cfg).find("wo dim 0 (H*Dv=6) does not match"),
            std::string::npos)
      << mhaErr(s, cfg);

  // Residual requires E_out == E.
  s = {};
  s.wo = {8, 5};
  EXPECT_EQ(mhaErr(s, cfg), "<accepted>");
  MhaConfig res = cfg;
  res.residual = true;
  EXPECT_EQ(mhaErr(s, res), "wo dim 1 (E_out=5) does not match x dim 2 (E=8) "
                            "(required by residual)");

  // Heads.
  MhaConfig bad = cfg;
  bad.numHeads = 0;
  EXPECT_EQ(mhaErr(MhaShapes{}, bad), "num_heads must be positive, got 0");
  bad = cfg;
  bad.numHeads = 4;
  bad.numKvHeads = 3;
  EXPECT_EQ(mhaErr(MhaShapes{}, bad),
            "num_heads (H=4) is not a multiple of num_kv_heads (Hkv=3)");
  MhaConfig gqa = cfg;
  gqa.numHeads = 4;
  gqa.numKvHeads = 2;
  s = {};
  s.wk = {8, 4};
  s.wv = {8, 6}; // Dv = 3
  s.wo = {12, 8};
  EXPECT_EQ(mhaErr(s, gqa), "<accepted>");
  s.wv = {8, 5};
  EXPECT_NE(mhaErr(s, gqa).find("wv dim 1 (Hkv*Dv=5) is not a multiple of "
                                "num_kv_heads (Hkv=2)"),
            std::string::npos);

  // Biases: all four or none, sizes checked.
  s = {};
  s.bq = {8};
  EXPECT_EQ(mhaErr(s, cfg),
            "biases bq, bk, bv and bo must be given all four or none");
  s.bk = {8};
  s.bv = {8};
  s.bo = {8};
  EXPECT_EQ(mhaErr(s, cfg), "<accepted>");
  s.bv = {4};
  EXPECT_EQ(mhaErr(s, cfg),
            "bv dim 0 (Hkv*Dv=4) does not match wv dim 1 (Hkv*Dv=8)");
  s.bv = {8};
  s.bo = {8, 1};
  EXPECT_EQ(mhaErr(s, cfg), "bo must have rank 1, got rank 2 [8, 1]");

  // Memory and mask.
  s = {};
  s.memory = {2, 7, 8};
  s.mask = {1, 2, 3, 7};
  EXPECT_EQ(mhaErr(s, cfg), "<accepted>");
  s.memory = {1, 7, 8};
  EXPECT_EQ(mhaErr(s, cfg), "memory dim 0 (B=1) does not match x dim 0 (B=2)");
  s.memory = {2, 7, 4};
  EXPECT_EQ(mhaErr(s, cfg), "memory dim 2 (E=4) does not match x dim 2 (E=8)");
  s.memory = {2, 7, 8};
  s.mask = {1, 2, 3, 3};
  EXPECT_EQ(mhaErr(s, cfg),
            "mask dim 3 (Skv=3) does not match memory dim 1 (Skv=7)");
  s.mask = {1, 2, 4, 7};
  EXPECT_EQ(mhaErr(s, cfg), "mask dim 2 (S=4) does not match x dim 1 (S=3)");
  s.mask = {3, 2, 3, 7};
  EXPECT_EQ(mhaErr(s, cfg),
            "mask dim 0 (Bm=3) must be 1 or match x dim 0 (B=2)");
  s.mask = {1, 3, 3, 7};
  EXPECT_EQ(mhaErr(s, cfg),
            "mask dim 1 (Hm=3) must be 1 or match num_heads (H=2)");
  s = {};
  s.mask = {1, 1, 3, 4};
  EXPECT_EQ(mhaErr(s, cfg), "mask dim 3 (Skv=4) does not match x dim 1 (S=3)");
}

TEST(OracleMhaShape, MissingOperandAndDataSize) {
  Tensor64 x = R({1, 2, 2}, 1), w = eye(2);
  MhaOperands ops;
  ops.x = &x;
  ops.wq = ops.wk = ops.wv = &w;
  std::vector<int64_t> out;
  std::string err;
  EXPECT_FALSE(mhaShape(ops, MhaConfig{}, out, err));
  EXPECT_NE(err.find("required"), std::string::npos) << err;
  ops.wo = &w;
  Tensor64 bad = x;
  bad.data.pop_back();
  ops.x = &bad;
  Tensor64 y;
  EXPECT_FALSE(oracleMha(ops, MhaConfig{}, y, err));
  EXPECT_EQ(err, "x has 3 values but shape [1, 2, 2] needs 4");
}
