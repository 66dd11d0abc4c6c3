//===- Oracle.h - Double-precision reference for attn ops -------*- C++ -*-===//
//
// An independent implementation of SPEC.md's semantics of attn.sdpa and
// attn.mha in double precision, by plain loops. It shares no code with the
// compiler's lowerings and is what `attn-run --check` compares against.
// The shape functions double as run-time validation of dynamic dimensions.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_SUPPORT_ORACLE_H
#define ATTN_SUPPORT_ORACLE_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace attn {

struct Tensor64 {
  std::vector<int64_t> shape;
  std::vector<double> data; // row-major
};

struct SdpaConfig {
  std::optional<double> scale; // default 1/sqrt(D)
  bool causal = false;
  bool maskIsBool = false; // mask values are 0/1 (attend iff != 0)
};

/// Checks q [B,H,Sq,D], k [B,Hkv,Sk,D], v [B,Hkv,Sk,Dv], mask [Bm,Hm,Sq,Sk]
/// (Bm in {1,B}, Hm in {1,H}; empty if no mask) and H % Hkv == 0. On success
/// sets `out` = [B,H,Sq,Dv]; otherwise `err` names the operands and sizes.
bool sdpaShape(const std::vector<int64_t> &q, const std::vector<int64_t> &k,
               const std::vector<int64_t> &v, const std::vector<int64_t> *mask,
               std::vector<int64_t> &out, std::string &err);

bool oracleSdpa(const Tensor64 &q, const Tensor64 &k, const Tensor64 &v,
                const Tensor64 *mask, const SdpaConfig &cfg, Tensor64 &out,
                std::string &err);

struct MhaConfig {
  int64_t numHeads = 1;
  int64_t numKvHeads = 0; // 0: = numHeads
  std::optional<double> scale; // default 1/sqrt(Dh)
  bool causal = false;
  bool residual = false;
  bool maskIsBool = false;
};

struct MhaOperands {
  const Tensor64 *x = nullptr;  // [B,S,E]
  const Tensor64 *wq = nullptr, *wk = nullptr, *wv = nullptr, *wo = nullptr;
  const Tensor64 *bq = nullptr, *bk = nullptr, *bv = nullptr, *bo = nullptr;
  const Tensor64 *memory = nullptr; // [B,Skv,E]
  const Tensor64 *mask = nullptr;   // [Bm,Hm,S,Skv]
};

/// Shape rules of SPEC.md 1.2 on concrete shapes; out = [B,S,E_out].
bool mhaShape(const MhaOperands &ops, const MhaConfig &cfg,
              std::vector<int64_t> &out, std::string &err);

bool oracleMha(const MhaOperands &ops, const MhaConfig &cfg, Tensor64 &out,
               std::string &err);

} // namespace attn

#endif // ATTN_SUPPORT_ORACLE_H
