//===- Oracle.cpp - Double-precision reference for attn ops ---------------===//
//
// SPEC.md 1.1 (attn.sdpa) and 1.2 (attn.mha) by plain loops in double.
// Deliberately simple and independent of the compiler's lowerings.
//
//===----------------------------------------------------------------------===//

#include "attn/Support/Oracle.h"

#include <cmath>
#include <limits>
#include <new>

namespace attn {

namespace {

std::string dimDesc(const char *operand, size_t dim, const char *sym,
                    int64_t size) {
  return std::string(operand) + " dim " + std::to_string(dim) + " (" + sym +
         "=" + std::to_string(size) + ")";
}

bool fail(std::string &err, std::string msg) {
  err = std::move(msg);
  return false;
}

/// "<a> does not match <b>" where a = operand a's dim, b = operand b's dim.
bool mismatch(std::string &err, const char *opA, size_t dimA, const char *symA,
              int64_t sizeA, const char *opB, size_t dimB, const char *symB,
              int64_t sizeB) {
  return fail(err, dimDesc(opA, dimA, symA, sizeA) + " does not match " +
                       dimDesc(opB, dimB, symB, sizeB));
}

std::string shapeStr(const std::vector<int64_t> &s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i)
      r += ", ";
    r += std::to_string(s[i]);
  }
  return r + "]";
}

bool checkRank(const std::vector<int64_t> &s, size_t rank, const char *name,
               std::string &err) {
  if (s.size() != rank)
    return fail(err, std::string(name) + " must have rank " +
                         std::to_string(rank) + ", got rank " +
                         std::to_string(s.size()) + " " + shapeStr(s));
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] < 0)
      return fail(err, std::string(name) + " dim " + std::to_string(i) +
                           " is negative (" + std::to_string(s[i]) + ")");
  return true;
}

/// Element count of a shape, or -1 on overflow.
int64_t product(const std::vector<int64_t> &s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0)
      return -1;
    if (__builtin_mul_overflow(n, d, &n))
      return -1;
  }
  return n;
}

bool checkData(const Tensor64 &t, const char *name, std::string &err) {
  int64_t n = product(t.shape);
  if (n < 0)
    return fail(err, std::string(name) + " shape " + shapeStr(t.shape) +
                         " is too large");
  if (uint64_t(n) != uint64_t(t.data.size()))
    return fail(err, std::string(name) + " has " +
                         std::to_string(t.data.size()) + " values but shape " +
                         shapeStr(t.shape) + " needs " + std::to_string(n));
  return true;
}

/// Mask dims 0 and 1 broadcast: size 1 or equal to the full size.
bool checkBroadcastDim(const std::vector<int64_t> &mask, size_t dim,
                       const char *maskSym, const char *fullOp, size_t fullDim,
                       const char *fullSym, int64_t full, std::string &err) {
  int64_t m = mask[dim];
  if (m == 1 || m == full)
    return true;
  return fail(err, dimDesc("mask", dim, maskSym, m) + " must be 1 or match " +
                       dimDesc(fullOp, fullDim, fullSym, full));
}

} // namespace

bool sdpaShape(const std::vector<int64_t> &q, const std::vector<int64_t> &k,
               const std::vector<int64_t> &v, const std::vector<int64_t> *mask,
               std::vector<int64_t> &out, std::string &err) {
  if (!checkRank(q, 4, "query", err) || !checkRank(k, 4, "key", err) ||
      !checkRank(v, 4, "value", err))
    return false;
  if (mask && !checkRank(*mask, 4, "mask", err))
    return false;
  int64_t B = q[0], H = q[1], Sq = q[2], D = q[3];
  int64_t Hkv = k[1], Sk = k[2];
  if (k[0] != B)
    return mismatch(err, "key", 0, "B", k[0], "query", 0, "B", B);
  if (v[0] != B)
    return mismatch(err, "value", 0, "B", v[0], "query", 0, "B", B);
  if (v[1] != Hkv)
    return mismatch(err, "value", 1, "Hkv", v[1], "key", 1, "Hkv", Hkv);
  // Hkv = 0 is refused even with H = 0, as the verifier refuses a static 0
  // (the compiled code divides by the group size H / Hkv).
  if (Hkv == 0 && H == 0)
    return fail(err, dimDesc("key", 1, "Hkv", Hkv) + " must be positive");
  if (Hkv == 0 || H % Hkv != 0)
    return fail(err, dimDesc("query", 1, "H", H) +
                         " is not a multiple of " +
                         dimDesc("key", 1, "Hkv", Hkv));
  if (k[3] != D)
    return mismatch(err, "key", 3, "D", k[3], "query", 3, "D", D);
  if (v[2] != Sk)
    return mismatch(err, "value", 2, "Sk", v[2], "key", 2, "Sk", Sk);
  if (mask) {
    const std::vector<int64_t> &m = *mask;
    if (!checkBroadcastDim(m, 0, "Bm", "query", 0, "B", B, err) ||
        !checkBroadcastDim(m, 1, "Hm", "query", 1, "H", H, err))
      return false;
    if (m[2] != Sq)
      return mismatch(err, "mask", 2, "Sq", m[2], "query", 2, "Sq", Sq);
    if (m[3] != Sk)
      return mismatch(err, "mask", 3, "Sk", m[3], "key", 2, "Sk", Sk);
  }
  out = {B, H, Sq, v[3]};
  return true;
}

namespace {
bool oracleSdpaImpl(const Tensor64 &q, const Tensor64 &k, const Tensor64 &v,
                    const Tensor64 *mask, const SdpaConfig &cfg, Tensor64 &out,
                    std::string &err) {
  std::vector<int64_t> outShape;
  if (!sdpaShape(q.shape, k.shape, v.shape, mask ? &mask->shape : nullptr,
                 outShape, err))
    return false;
  if (!checkData(q, "query", err) || !checkData(k, "key", err) ||
      !checkData(v, "value", err) || (mask && !checkData(*mask, "mask", err)))
    return false;
  int64_t outCount = product(outShape);
  if (outCount < 0)
    return fail(err, "result shape " + shapeStr(outShape) + " is too large");
  if (outCount == 0) {
    // Nothing to compute; Sk may be huge when the key has no elements.
    out.shape = outShape;
    out.data.clear();
    return true;
  }

  const int64_t B = q.shape[0], H = q.shape[1], Sq = q.shape[2],
                D = q.shape[3];
  const int64_t Hkv = k.shape[1], Sk = k.shape[2], Dv = v.shape[3];
  const int64_t group = Hkv == 0 ? 1 : H / Hkv;
  const double scale =
      cfg.scale ? *cfg.scale : (D > 0 ? 1.0 / std::sqrt(double(D)) : 1.0);
  const double ninf = -std::numeric_limits<double>::infinity();
  const int64_t Bm = mask ? mask->shape[0] : 0;
  const int64_t Hm = mask ? mask->shape[1] : 0;

  Tensor64 result;
  result.shape = outShape;
  result.data.assign(size_t(outCount), 0.0);
  std::vector<double> s(static_cast<size_t>(Sk));

  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h) {
      const int64_t hk = h / group;
      for (int64_t i = 0; i < Sq; ++i) {
        const double *qi = q.data.data() + size_t(((b * H + h) * Sq + i) * D);
        double mx = ninf;
        bool anyNaN = false;
        for (int64_t j = 0; j < Sk; ++j) {
          bool visible = !cfg.causal || j <= i + Sk - Sq;
          double bias = 0.0;
          if (mask) {
            int64_t mb = Bm == 1 ? 0 : b, mh = Hm == 1 ? 0 : h;
            double mv = mask->data[size_t(((mb * Hm + mh) * Sq + i) * Sk + j)];
            if (cfg.maskIsBool) {
              if (mv == 0.0)
                visible = false;
            } else {
              bias = mv;
            }
          }
          if (!visible) {
            s[size_t(j)] = ninf;
            continue;
          }
          const double *kj = k.data.data() + size_t(((b * Hkv + hk) * Sk + j) * D);
          double dot = 0.0;
          for (int64_t d = 0; d < D; ++d)
            dot += qi[d] * kj[d];
          s[size_t(j)] = scale * dot + bias;
          if (s[size_t(j)] > mx)
            mx = s[size_t(j)];
          else if (std::isnan(s[size_t(j)]))
            anyNaN = true;
        }
        double *oi = result.data.data() + size_t(((b * H + h) * Sq + i) * Dv);
        if (mx == ninf && !anyNaN)
          continue; // every key hidden: zeros
        double sum = 0.0;
        for (int64_t j = 0; j < Sk; ++j) {
          double w = s[size_t(j)] == ninf ? 0.0 : std::exp(s[size_t(j)] - mx);
          s[size_t(j)] = w;
          sum += w;
        }
        for (int64_t j = 0; j < Sk; ++j) {
          double w = s[size_t(j)];
          if (w == 0.0)
            continue;
          const double *vj = v.data.data() + size_t(((b * Hkv + hk) * Sk + j) * Dv);
          for (int64_t d = 0; d < Dv; ++d)
            oi[d] += w * vj[d];
        }
        for (int64_t d = 0; d < Dv; ++d)
          oi[d] /= sum;
      }
    }
  out = std::move(result);
  return true;
}
} // namespace

bool oracleSdpa(const Tensor64 &q, const Tensor64 &k, const Tensor64 &v,
                const Tensor64 *mask, const SdpaConfig &cfg, Tensor64 &out,
                std::string &err) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
    return oracleSdpaImpl(q, k, v, mask, cfg, out, err);
  } catch (const std::bad_alloc &) {
    return fail(err, "the reference oracle ran out of memory");
  }
#else
  return oracleSdpaImpl(q, k, v, mask, cfg, out, err);
#endif
}

namespace {

struct MhaDims {
  int64_t B, S, E, H, Hkv, Dh, Dv, Skv, Eout;
};

bool mhaDims(const MhaOperands &ops, const MhaConfig &cfg, MhaDims &r,
             std::string &err) {
  if (!ops.x || !ops.wq || !ops.wk || !ops.wv || !ops.wo)
    return fail(err, "x, wq, wk, wv and wo are required operands");
  if (!checkRank(ops.x->shape, 3, "x", err) ||
      !checkRank(ops.wq->shape, 2, "wq", err) ||
      !checkRank(ops.wk->shape, 2, "wk", err) ||
      !checkRank(ops.wv->shape, 2, "wv", err) ||
      !checkRank(ops.wo->shape, 2, "wo", err))
    return false;
  const std::vector<int64_t> &x = ops.x->shape, &wq = ops.wq->shape,
                             &wk = ops.wk->shape, &wv = ops.wv->shape,
                             &wo = ops.wo->shape;
  r.B = x[0];
  r.S = x[1];
  r.E = x[2];
  r.H = cfg.numHeads;
  r.Hkv = cfg.numKvHeads == 0 ? cfg.numHeads : cfg.numKvHeads;
  if (r.H <= 0)
    return fail(err, "num_heads must be positive, got " + std::to_string(r.H));
  if (r.Hkv <= 0)
    return fail(err, "num_kv_heads must be positive, got " +
                         std::to_string(r.Hkv));
  if (r.H % r.Hkv != 0)
    return fail(err, "num_heads (H=" + std::to_string(r.H) +
                         ") is not a multiple of num_kv_heads (Hkv=" +
                         std::to_string(r.Hkv) + ")");
  if (wq[0] != r.E)
    return mismatch(err, "wq", 0, "E", wq[0], "x", 2, "E", r.E);
  if (wk[0] != r.E)
    return mismatch(err, "wk", 0, "E", wk[0], "x", 2, "E", r.E);
  if (wv[0] != r.E)
    return mismatch(err, "wv", 0, "E", wv[0], "x", 2, "E", r.E);
  if (wq[1] % r.H != 0)
    return fail(err, dimDesc("wq", 1, "H*Dh", wq[1]) +
                         " is not a multiple of num_heads (H=" +
                         std::to_string(r.H) + ")");
  r.Dh = wq[1] / r.H;
  if (wk[1] != r.Hkv * r.Dh) // Hkv <= H, so no overflow
    return fail(err, dimDesc("wk", 1, "Hkv*Dh", wk[1]) +
                         " does not match num_kv_heads * Dh (" +
                         std::to_string(r.Hkv) + "*" + std::to_string(r.Dh) +
                         "=" + std::to_string(r.Hkv * r.Dh) +
                         ", Dh from wq dim 1)");
  if (wv[1] % r.Hkv != 0)
    return fail(err, dimDesc("wv", 1, "Hkv*Dv", wv[1]) +
                         " is not a multiple of num_kv_heads (Hkv=" +
                         std::to_string(r.Hkv) + ")");
  r.Dv = wv[1] / r.Hkv;
  int64_t hdv;
  if (__builtin_mul_overflow(r.H, r.Dv, &hdv))
    return fail(err, "num_heads * Dv overflows");
  if (wo[0] != hdv)
    return fail(err, dimDesc("wo", 0, "H*Dv", wo[0]) +
                         " does not match num_heads * Dv (" +
                         std::to_string(r.H) + "*" + std::to_string(r.Dv) +
                         "=" + std::to_string(hdv) + ", Dv from wv dim 1)");
  r.Eout = wo[1];

  int nb = !!ops.bq + !!ops.bk + !!ops.bv + !!ops.bo;
  if (nb != 0 && nb != 4)
    return fail(err, "biases bq, bk, bv and bo must be given all four or none");
  if (nb == 4) {
    struct {
      const Tensor64 *t;
      const char *name;
      const char *sym;
      int64_t want;
      const char *wantDesc;
    } biases[] = {{ops.bq, "bq", "H*Dh", wq[1], "wq dim 1"},
                  {ops.bk, "bk", "Hkv*Dh", wk[1], "wk dim 1"},
                  {ops.bv, "bv", "Hkv*Dv", wv[1], "wv dim 1"},
                  {ops.bo, "bo", "E_out", r.Eout, "wo dim 1"}};
    for (auto &bi : biases) {
      if (!checkRank(bi.t->shape, 1, bi.name, err))
        return false;
      if (bi.t->shape[0] != bi.want)
        return fail(err, dimDesc(bi.name, 0, bi.sym, bi.t->shape[0]) +
                             " does not match " + bi.wantDesc + " (" +
                             bi.sym + "=" + std::to_string(bi.want) + ")");
    }
  }

  r.Skv = r.S;
  if (ops.memory) {
    const std::vector<int64_t> &m = ops.memory->shape;
    if (!checkRank(m, 3, "memory", err))
      return false;
    if (m[0] != r.B)
      return mismatch(err, "memory", 0, "B", m[0], "x", 0, "B", r.B);
    if (m[2] != r.E)
      return mismatch(err, "memory", 2, "E", m[2], "x", 2, "E", r.E);
    r.Skv = m[1];
  }
  if (ops.mask) {
    const std::vector<int64_t> &m = ops.mask->shape;
    if (!checkRank(m, 4, "mask", err))
      return false;
    if (m[0] != 1 && m[0] != r.B)
      return fail(err, dimDesc("mask", 0, "Bm", m[0]) + " must be 1 or match " +
                           dimDesc("x", 0, "B", r.B));
    if (m[1] != 1 && m[1] != r.H)
      return fail(err, dimDesc("mask", 1, "Hm", m[1]) +
                           " must be 1 or match num_heads (H=" +
                           std::to_string(r.H) + ")");
    if (m[2] != r.S)
      return mismatch(err, "mask", 2, "S", m[2], "x", 1, "S", r.S);
    if (m[3] != r.Skv)
      return mismatch(err, "mask", 3, "Skv", m[3], ops.memory ? "memory" : "x",
                      1, ops.memory ? "Skv" : "S", r.Skv);
  }
  if (cfg.residual && r.Eout != r.E)
    return fail(err, dimDesc("wo", 1, "E_out", r.Eout) + " does not match " +
                         dimDesc("x", 2, "E", r.E) + " (required by residual)");
  return true;
}

/// out[b, h, s, d] = sum_e in[b, s, e] * w[e, h*Dh + d] (+ bias[h*Dh + d]).
Tensor64 projectHeads(const Tensor64 &in, const Tensor64 &w,
                      const Tensor64 *bias, int64_t heads, int64_t dh) {
  const int64_t B = in.shape[0], S = in.shape[1], E = in.shape[2];
  const int64_t N = w.shape[1];
  Tensor64 r;
  r.shape = {B, heads, S, dh};
  r.data.assign(size_t(B * heads * S * dh), 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s) {
      const double *xs = in.data.data() + size_t((b * S + s) * E);
      for (int64_t h = 0; h < heads; ++h)
        for (int64_t d = 0; d < dh; ++d) {
          int64_t c = h * dh + d;
          double acc = bias ? bias->data[size_t(c)] : 0.0;
          for (int64_t e = 0; e < E; ++e)
            acc += xs[e] * w.data[size_t(e * N + c)];
          r.data[size_t(((b * heads + h) * S + s) * dh + d)] = acc;
        }
    }
  return r;
}

} // namespace

bool mhaShape(const MhaOperands &ops, const MhaConfig &cfg,
              std::vector<int64_t> &out, std::string &err) {
  MhaDims d;
  if (!mhaDims(ops, cfg, d, err))
    return false;
  out = {d.B, d.S, d.Eout};
  return true;
}

namespace {
bool oracleMhaImpl(const MhaOperands &ops, const MhaConfig &cfg, Tensor64 &out,
                   std::string &err) {
  MhaDims d;
  if (!mhaDims(ops, cfg, d, err))
    return false;
  struct {
    const Tensor64 *t;
    const char *name;
  } all[] = {{ops.x, "x"},   {ops.wq, "wq"},         {ops.wk, "wk"},
             {ops.wv, "wv"}, {ops.wo, "wo"},         {ops.bq, "bq"},
             {ops.bk, "bk"}, {ops.bv, "bv"},         {ops.bo, "bo"},
             {ops.memory, "memory"}, {ops.mask, "mask"}};
  for (auto &t : all)
    if (t.t && !checkData(*t.t, t.name, err))
      return false;

  // Sizes of the intermediates, which x's or memory's elements do not bound
  // when E = 0.
  for (const std::vector<int64_t> &s :
       {std::vector<int64_t>{d.B, d.H, d.S, d.Dh},
        std::vector<int64_t>{d.B, d.Hkv, d.Skv, d.Dh},
        std::vector<int64_t>{d.B, d.Hkv, d.Skv, d.Dv},
        std::vector<int64_t>{d.B, d.H, d.S, d.Dv},
        std::vector<int64_t>{d.B, d.S, d.Eout}})
    if (product(s) < 0)
      return fail(err, "intermediate shape " + shapeStr(s) + " is too large");
  if (product({d.B, d.S, d.Eout}) == 0) {
    out.shape = {d.B, d.S, d.Eout};
    out.data.clear();
    return true;
  }

  const Tensor64 &kvIn = ops.memory ? *ops.memory : *ops.x;
  Tensor64 q = projectHeads(*ops.x, *ops.wq, ops.bq, d.H, d.Dh);
  Tensor64 k = projectHeads(kvIn, *ops.wk, ops.bk, d.Hkv, d.Dh);
  Tensor64 v = projectHeads(kvIn, *ops.wv, ops.bv, d.Hkv, d.Dv);

  SdpaConfig sc;
  sc.scale = cfg.scale; // default 1/sqrt(Dh) = sdpa's default 1/sqrt(D)
  sc.causal = cfg.causal;
  sc.maskIsBool = cfg.maskIsBool;
  Tensor64 o;
  if (!oracleSdpa(q, k, v, ops.mask, sc, o, err))
    return false;

  // y[b, s, :] = concat_h(o[b, h, s, :]) . wo (+ bo) (+ x[b, s, :])
  const int64_t C = d.H * d.Dv;
  Tensor64 y;
  y.shape = {d.B, d.S, d.Eout};
  y.data.assign(size_t(d.B * d.S * d.Eout), 0.0);
  std::vector<double> cat(static_cast<size_t>(C));
  for (int64_t b = 0; b < d.B; ++b)
    for (int64_t s = 0; s < d.S; ++s) {
      for (int64_t h = 0; h < d.H; ++h)
        for (int64_t j = 0; j < d.Dv; ++j)
          cat[size_t(h * d.Dv + j)] =
              o.data[size_t(((b * d.H + h) * d.S + s) * d.Dv + j)];
      double *ys = y.data.data() + size_t((b * d.S + s) * d.Eout);
      for (int64_t e = 0; e < d.Eout; ++e) {
        double acc = ops.bo ? ops.bo->data[size_t(e)] : 0.0;
        for (int64_t c = 0; c < C; ++c)
          acc += cat[size_t(c)] * ops.wo->data[size_t(c * d.Eout + e)];
        if (cfg.residual)
          acc += ops.x->data[size_t((b * d.S + s) * d.E + e)];
        ys[e] = acc;
      }
    }
  out = std::move(y);
  return true;
}
} // namespace

bool oracleMha(const MhaOperands &ops, const MhaConfig &cfg, Tensor64 &out,
               std::string &err) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
    return oracleMhaImpl(ops, cfg, out, err);
  } catch (const std::bad_alloc &) {
    return fail(err, "the reference oracle ran out of memory");
  }
#else
  return oracleMhaImpl(ops, cfg, out, err);
#endif
}

} // namespace attn
