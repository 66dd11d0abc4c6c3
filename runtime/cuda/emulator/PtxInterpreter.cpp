//===- PtxInterpreter.cpp - Executes decoded PTX, one CTA at a time -------===//
//
// Each warp keeps a program counter per lane and runs the instruction at the
// smallest counter of its running lanes for every lane that is there (lanes
// that branched ahead wait: structured code reconverges). A warp runs until
// all its lanes have exited or wait at a barrier; when every live thread of
// the CTA waits at one, the barrier opens and a new barrier epoch begins.
// Shared-memory bytes remember the last writing warp (and lane, with its
// warp's bar.warp.sync count) and the warps that read them in the current
// epoch, and whether a cp.async is still in flight to them, which is how
// races are found, between warps and between the lanes of one warp.
//
//===----------------------------------------------------------------------===//
#include "PtxProgram.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <sstream>

namespace attn::ptxemu {
namespace {

// Generic addresses of the shared window (the CTA's shared memory): far
// above any user-space host address.
constexpr uint64_t kSharedBase = 1ull << 60;

template <typename To, typename From> To bitCast(From v) {
  static_assert(sizeof(To) == sizeof(From), "bit casts keep the size");
  To t;
  std::memcpy(&t, &v, sizeof t);
  return t;
}
// Register bits <-> f32 (the low 32 bits) and f64.
float asF32(uint64_t v) { return bitCast<float>(static_cast<uint32_t>(v)); }
uint64_t f32Bits(float f) { return bitCast<uint32_t>(f); }
double asF64(uint64_t v) { return bitCast<double>(v); }
uint64_t f64Bits(double d) { return bitCast<uint64_t>(d); }

float f16ToF32(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e == 0x1f)
    return asF32(sign | 0x7f800000u | (m << 13));
  if (e == 0) {
    float v = std::ldexp(static_cast<float>(m), -24);
    return sign ? -v : v;
  }
  return asF32(sign | ((e + 112) << 23) | (m << 13));
}

uint16_t f32ToF16(float f) {
  uint32_t x = static_cast<uint32_t>(f32Bits(f));
  uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u)
    return static_cast<uint16_t>(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
  if (ax >= 0x477ff000u) // rounds to at least 65536
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (ax >= 0x38800000u) { // a normal half
    uint32_t r = ax - 0x38000000u;
    r += 0xfffu + ((r >> 13) & 1u);
    return static_cast<uint16_t>(sign | (r >> 13));
  }
  // Subnormal half: units of 2^-24, ties to even (the default FP mode).
  float scaled = asF32(ax) * 16777216.0f;
  return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(scaled)));
}

float bf16ToF32(uint16_t h) { return asF32(static_cast<uint32_t>(h) << 16); }

uint16_t f32ToBF16(float f) {
  uint32_t x = static_cast<uint32_t>(f32Bits(f));
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((x >> 16) | 0x40u);
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<uint16_t>(x >> 16);
}

int bitsOf(Ty t) {
  switch (t) {
  case Ty::B8: case Ty::U8: case Ty::S8: return 8;
  case Ty::B16: case Ty::U16: case Ty::S16: case Ty::F16: case Ty::BF16: return 16;
  case Ty::B32: case Ty::U32: case Ty::S32: case Ty::F32: case Ty::F16x2:
  case Ty::BF16x2: return 32;
  case Ty::B64: case Ty::U64: case Ty::S64: case Ty::F64: return 64;
  case Ty::Pred: return 1;
  default: return 0;
  }
}
bool isSigned(Ty t) {
  return t == Ty::S8 || t == Ty::S16 || t == Ty::S32 || t == Ty::S64;
}
bool isFloat(Ty t) {
  return t == Ty::F16 || t == Ty::BF16 || t == Ty::F32 || t == Ty::F64;
}
uint64_t zext(uint64_t v, int bits) {
  return bits >= 64 ? v : v & ((1ull << bits) - 1);
}
int64_t sext(uint64_t v, int bits) {
  if (bits >= 64)
    return static_cast<int64_t>(v);
  uint64_t m = 1ull << (bits - 1);
  v = zext(v, bits);
  return static_cast<int64_t>((v ^ m) - m);
}
// The value of an integer of type t held in v, widened to 64 bits.
uint64_t widen(uint64_t v, Ty t) {
  int b = bitsOf(t);
  return isSigned(t) ? static_cast<uint64_t>(sext(v, b)) : zext(v, b);
}

float toFloat(uint64_t v, Ty t) {
  switch (t) {
  case Ty::F16: return f16ToF32(static_cast<uint16_t>(v));
  case Ty::BF16: return bf16ToF32(static_cast<uint16_t>(v));
  default: return asF32(v);
  }
}

struct Fault {
  std::string what;
};

struct AsyncCopy {
  uint64_t dst;   // shared offset
  uint64_t src;   // global address
  uint32_t bytes, srcBytes;
};

struct ThreadAsync {
  std::vector<AsyncCopy> open;
  std::deque<std::vector<AsyncCopy>> groups;
};

enum LaneState : uint8_t { Running, AtBarrier, Exited, Absent };

struct Warp {
  int id = 0;
  std::vector<uint64_t> regs; // [reg * 32 + lane]
  int pc[32];
  LaneState state[32];
  unsigned tid[32][3];
  ThreadAsync async[32];
  uint32_t warpSyncs = 0; // bar.warp.sync executed so far
};

class Launch {
public:
  Launch(const Kernel &k, const LaunchConfig &cfg, const GlobalCheck &valid,
         LaunchStats *stats)
      : k(k), cfg(cfg), valid(valid), stats(stats) {
    params.assign(k.paramBytes, 0);
    for (size_t i = 0; i < k.params.size() && i < cfg.params.size(); ++i)
      std::memcpy(params.data() + k.params[i].offset, cfg.params[i].data(),
                  std::min(cfg.params[i].size(), k.params[i].size));
    sharedSize = k.staticShared + cfg.dynamicShared;
    shared.resize(sharedSize);
    wEpoch.assign(sharedSize, 0);
    wWarp.assign(sharedSize, -1);
    wLane.assign(sharedSize, -1);
    wSync.assign(sharedSize, 0);
    rEpoch.assign(sharedSize, 0);
    rMask.assign(sharedSize, 0);
    pending.assign(sharedSize, 0);
    nthreads = cfg.block[0] * cfg.block[1] * cfg.block[2];
    nwarps = (nthreads + 31) / 32;
  }

  bool run(std::string &error) {
    for (unsigned z = 0; z < cfg.grid[2]; ++z)
      for (unsigned y = 0; y < cfg.grid[1]; ++y)
        for (unsigned x = 0; x < cfg.grid[0]; ++x) {
          ctaid[0] = x;
          ctaid[1] = y;
          ctaid[2] = z;
          if (stats)
            ++stats->ctas;
          try {
            runCta();
          } catch (const Fault &f) {
            std::ostringstream os;
            os << "kernel " << k.name << ", block (" << x << "," << y << ","
               << z << ")";
            if (faultWarp >= 0)
              os << ", thread (" << faultTid[0] << "," << faultTid[1] << ","
                 << faultTid[2] << ")";
            if (faultInst)
              os << ", PTX line " << faultInst->line << " '"
                 << oneLine(faultInst->text, 80) << "'";
            os << ": " << f.what;
            error = oneLine(os.str(), 400);
            return false;
          }
        }
    return true;
  }

private:
  const Kernel &k;
  const LaunchConfig &cfg;
  const GlobalCheck &valid;
  LaunchStats *stats;
  std::vector<uint8_t> params;
  size_t sharedSize;
  std::vector<uint8_t> shared;
  std::vector<uint32_t> wEpoch, rEpoch, rMask;
  std::vector<int8_t> wWarp;
  // The writing lane, and its warp's bar.warp.sync count at the write:
  // lanes of one warp exchange data through shared memory only across a
  // bar.warp.sync (or a CTA barrier), as the CUDA memory model requires
  // (lanes are not in lockstep on Volta and later, only here).
  std::vector<int8_t> wLane;
  std::vector<uint32_t> wSync;
  std::vector<uint8_t> pending;
  uint32_t epoch = 0;
  unsigned nthreads, nwarps;
  unsigned ctaid[3];
  std::vector<Warp> warps;
  const Inst *faultInst = nullptr;
  int faultWarp = -1;
  unsigned faultTid[3] = {0, 0, 0};

  [[noreturn]] void fault(const Warp &w, int lane, const std::string &what) {
    faultWarp = w.id;
    if (lane >= 0)
      std::memcpy(faultTid, w.tid[lane], sizeof faultTid);
    throw Fault{what};
  }

  //===------------------------------------------------------------------===//
  // CTA scheduling
  //===------------------------------------------------------------------===//

  void runCta() {
    faultInst = nullptr;
    faultWarp = -1;
    ++epoch;
    // Shared memory starts as NaN bytes: reading what nobody wrote shows.
    std::fill(shared.begin(), shared.end(), 0xff);
    warps.assign(nwarps, Warp());
    for (unsigned w = 0; w < nwarps; ++w) {
      Warp &wp = warps[w];
      wp.id = static_cast<int>(w);
      wp.regs.assign(static_cast<size_t>(k.numRegs) * 32, 0);
      for (int l = 0; l < 32; ++l) {
        unsigned t = w * 32 + l;
        wp.pc[l] = 0;
        wp.state[l] = t < nthreads ? Running : Absent;
        wp.tid[l][0] = t % cfg.block[0];
        wp.tid[l][1] = (t / cfg.block[0]) % cfg.block[1];
        wp.tid[l][2] = t / (cfg.block[0] * cfg.block[1]);
      }
    }
    uint64_t steps = 0;
    for (;;) {
      for (Warp &w : warps)
        steps += runWarp(w, steps);
      // Every warp is blocked: at a barrier or done.
      bool anyWaiting = false;
      const Inst *bar = nullptr;
      for (Warp &w : warps)
        for (int l = 0; l < 32; ++l)
          if (w.state[l] == AtBarrier) {
            anyWaiting = true;
            const Inst *b = &k.code[w.pc[l]];
            if (bar && b != bar && barrierId(*b, w, l) != barrierId(*bar, w, l)) {
              faultInst = b;
              fault(w, l, "threads of one CTA wait at different barriers");
            }
            bar = b;
          }
      if (!anyWaiting)
        break;
      for (Warp &w : warps)
        for (int l = 0; l < 32; ++l)
          if (w.state[l] == AtBarrier) {
            w.state[l] = Running;
            ++w.pc[l];
          }
      ++epoch;
    }
    for (size_t i = 0; i < sharedSize; ++i)
      if (pending[i])
        throw Fault{"cp.async still in flight at the end of the CTA"};
  }

  uint64_t barrierId(const Inst &in, const Warp &w, int lane) {
    return in.ops.empty() ? 0 : read(in.ops[0], w, lane);
  }

  // Runs warp w until its lanes have all exited or wait at a barrier.
  uint64_t runWarp(Warp &w, uint64_t stepsSoFar) {
    uint64_t steps = 0;
    for (;;) {
      int pc = INT32_MAX;
      for (int l = 0; l < 32; ++l)
        if (w.state[l] == Running)
          pc = std::min(pc, w.pc[l]);
      if (pc == INT32_MAX)
        return steps;
      if (++steps + stepsSoFar > cfg.maxWarpStepsPerCta) {
        faultInst = &k.code[pc];
        fault(w, -1, "more than " + std::to_string(cfg.maxWarpStepsPerCta) +
                         " warp instructions in one CTA (an endless loop?)");
      }
      uint32_t here = 0, act = 0;
      const Inst &in = k.code[pc];
      for (int l = 0; l < 32; ++l)
        if (w.state[l] == Running && w.pc[l] == pc) {
          here |= 1u << l;
          bool g = in.guard < 0 ||
                   ((w.regs[in.guard * 32 + l] != 0) != in.guardNeg);
          if (g)
            act |= 1u << l;
        }
      faultInst = &in;
      if (stats)
        count(in, w, act);
      execute(in, w, here, act);
    }
  }

  uint32_t liveMask(const Warp &w) {
    uint32_t m = 0;
    for (int l = 0; l < 32; ++l)
      if (w.state[l] == Running || w.state[l] == AtBarrier)
        m |= 1u << l;
    return m;
  }

  void requireConverged(const Warp &w, uint32_t act, const char *what) {
    uint32_t live = liveMask(w);
    if (act != live) {
      int lane = __builtin_ctz(live & ~act ? live & ~act : live);
      fault(w, lane,
            std::string(what) + " reached by only part of the warp (mask " +
                hex(act) + " of " + hex(live) + ")");
    }
    uint32_t full = 0;
    for (int l = 0; l < 32; ++l)
      if (w.state[l] != Absent)
        full |= 1u << l;
    if (act != full)
      fault(w, -1, std::string(what) + " in a warp some of whose threads exited");
  }

  static std::string hex(uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%08x", v);
    return b;
  }

  //===------------------------------------------------------------------===//
  // Operands
  //===------------------------------------------------------------------===//

  uint64_t read(const Operand &o, const Warp &w, int lane) {
    switch (o.kind) {
    case Operand::Reg: {
      uint64_t v = w.regs[o.reg * 32 + lane];
      return o.negate ? (v == 0) : v;
    }
    case Operand::Imm:
      return o.imm;
    case Operand::Symbol:
      return o.symAddr;
    case Operand::Special: {
      int s = o.special;
      if (s < 3)
        return w.tid[lane][s];
      if (s < 6)
        return cfg.block[s - 3];
      if (s < 9)
        return ctaid[s - 6];
      if (s < 12)
        return cfg.grid[s - 9];
      if (s == 12)
        return static_cast<uint64_t>(lane);
      if (s == 13)
        return static_cast<uint64_t>(w.id);
      return nwarps;
    }
    default:
      fault(w, lane, "operand cannot be read as a value");
    }
  }

  void write(const Operand &o, Warp &w, int lane, uint64_t v) {
    if (o.kind == Operand::Sink)
      return;
    if (o.kind != Operand::Reg)
      fault(w, lane, "destination is not a register");
    w.regs[o.reg * 32 + lane] = v;
  }

  void writeReg(int reg, Warp &w, int lane, uint64_t v) {
    w.regs[reg * 32 + lane] = v;
  }

  uint64_t address(const Operand &o, const Warp &w, int lane) {
    if (o.kind != Operand::Addr)
      fault(w, lane, "expected an address operand");
    uint64_t base = o.reg >= 0 ? w.regs[o.reg * 32 + lane] : o.symAddr;
    return base + o.imm;
  }

  //===------------------------------------------------------------------===//
  // Memory
  //===------------------------------------------------------------------===//

  // Resolves (space, address) of an access to a pointer, checking bounds.
  uint8_t *locate(Space sp, uint64_t a, uint64_t n, const Warp &w, int lane,
                  bool &isShared, uint64_t &sharedOff) {
    isShared = false;
    if (sp == Space::None) {
      if (a >= kSharedBase && a - kSharedBase < sharedSize) {
        sp = Space::Shared;
        a -= kSharedBase;
      } else {
        sp = Space::Global;
      }
    }
    if (n == 0)
      fault(w, lane, "memory access of no bytes (unsupported type)");
    if (a % n && n <= 16)
      fault(w, lane, "misaligned " + std::to_string(n) + "-byte access at 0x" +
                         toHex(a));
    switch (sp) {
    case Space::Shared:
      if (a >= sharedSize || n > sharedSize - a)
        fault(w, lane, "shared memory access at offset " + std::to_string(a) +
                           " (+" + std::to_string(n) + " bytes) outside the " +
                           std::to_string(sharedSize) + " bytes of the CTA");
      isShared = true;
      sharedOff = a;
      return shared.data() + a;
    case Space::Param:
      if (a >= params.size() || n > params.size() - a)
        fault(w, lane, "parameter access outside the parameters");
      return params.data() + a;
    default:
      if (!valid(a, n))
        fault(w, lane, "global memory access at 0x" + toHex(a) + " (" +
                           std::to_string(n) +
                           " bytes) outside every allocation");
      return reinterpret_cast<uint8_t *>(static_cast<uintptr_t>(a));
    }
  }

  static std::string toHex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
    return b;
  }

  void sharedRead(uint64_t off, uint64_t n, const Warp &w, int lane) {
    for (uint64_t i = off; i < off + n; ++i) {
      if (pending[i])
        fault(w, lane, "reads shared offset " + std::to_string(i) +
                           " while a cp.async to it is in flight (missing "
                           "cp.async.wait_group?)");
      if (wEpoch[i] == epoch && wWarp[i] != w.id)
        fault(w, lane, "race: reads shared offset " + std::to_string(i) +
                           " that warp " + std::to_string(wWarp[i]) +
                           " wrote since the last barrier");
      if (wEpoch[i] == epoch && wLane[i] != lane &&
          wSync[i] == w.warpSyncs)
        fault(w, lane, "race: reads shared offset " + std::to_string(i) +
                           " that lane " + std::to_string(wLane[i]) +
                           " of its warp wrote with no bar.warp.sync or "
                           "barrier between");
      if (rEpoch[i] != epoch) {
        rEpoch[i] = epoch;
        rMask[i] = 0;
      }
      rMask[i] |= 1u << (w.id & 31);
    }
  }

  void sharedWrite(uint64_t off, uint64_t n, const Warp &w, int lane,
                   bool async = false) {
    for (uint64_t i = off; i < off + n; ++i) {
      if (pending[i] && !async)
        fault(w, lane, "writes shared offset " + std::to_string(i) +
                           " while a cp.async to it is in flight");
      if (wEpoch[i] == epoch && wWarp[i] != w.id)
        fault(w, lane, "race: writes shared offset " + std::to_string(i) +
                           " that warp " + std::to_string(wWarp[i]) +
                           " wrote since the last barrier");
      if (rEpoch[i] == epoch && (rMask[i] & ~(1u << (w.id & 31))))
        fault(w, lane, "race: writes shared offset " + std::to_string(i) +
                           " that another warp read since the last barrier");
      wEpoch[i] = epoch;
      wWarp[i] = static_cast<int8_t>(w.id);
      wLane[i] = static_cast<int8_t>(lane);
      wSync[i] = w.warpSyncs;
    }
  }

  uint64_t load(Space sp, uint64_t a, int bytes, const Warp &w, int lane) {
    bool sh;
    uint64_t off;
    uint8_t *p = locate(sp, a, bytes, w, lane, sh, off);
    if (sh)
      sharedRead(off, bytes, w, lane);
    uint64_t v = 0;
    std::memcpy(&v, p, bytes);
    return v;
  }

  void store(Space sp, uint64_t a, int bytes, uint64_t v, const Warp &w,
             int lane) {
    bool sh;
    uint64_t off;
    uint8_t *p = locate(sp, a, bytes, w, lane, sh, off);
    if (sh)
      sharedWrite(off, bytes, w, lane);
    else if (sp == Space::Param)
      fault(w, lane, "store to parameter space");
    std::memcpy(p, &v, bytes);
  }

  void completeCopies(Warp &w, int lane, std::vector<AsyncCopy> &copies) {
    for (const AsyncCopy &c : copies) {
      for (uint64_t i = c.dst; i < c.dst + c.bytes; ++i)
        --pending[i];
      sharedWrite(c.dst, c.bytes, w, lane, /*async=*/true);
      if (c.srcBytes)
        std::memcpy(shared.data() + c.dst,
                    reinterpret_cast<const void *>(static_cast<uintptr_t>(c.src)),
                    c.srcBytes);
      std::memset(shared.data() + c.dst + c.srcBytes, 0, c.bytes - c.srcBytes);
    }
    copies.clear();
  }

  void finishThread(Warp &w, int lane) {
    ThreadAsync &a = w.async[lane];
    for (auto &g : a.groups)
      completeCopies(w, lane, g);
    a.groups.clear();
    completeCopies(w, lane, a.open);
    w.state[lane] = Exited;
  }

  //===------------------------------------------------------------------===//
  // Statistics
  //===------------------------------------------------------------------===//

  void count(const Inst &in, const Warp &w, uint32_t act) {
    LaunchStats &st = *stats;
    ++st.warpInstructions;
    if (!act)
      return;
    switch (in.op) {
    case Op::Mma: ++st.mma; break;
    case Op::Ldmatrix: {
      ++st.ldmatrix;
      // One phase per 8x8 matrix: its 8 row addresses, 16 bytes each.
      for (int i = 0; i < in.num; ++i) {
        uint64_t addr[32];
        int n = 0;
        for (int r = 0; r < 8; ++r)
          addr[n++] = address(in.ops[1], w, i * 8 + r);
        st.ldmatrixWaves += waves(addr, n, 16);
        st.ldmatrixIdeal += 1;
      }
      break;
    }
    case Op::CpAsync:
      if (in.cpKind == "async") {
        ++st.cpAsync;
        phases(in, w, act, 0, st.cpAsyncWaves, st.cpAsyncIdeal);
      }
      break;
    case Op::Shfl: ++st.shfl; break;
    case Op::Ex2: ++st.ex2; break;
    case Op::Bar: ++st.barriers; break;
    case Op::Bra: ++st.branches; break;
    case Op::Ld: case Op::St: {
      bool ld = in.op == Op::Ld;
      if (in.space == Space::Global)
        ++(ld ? st.globalLoads : st.globalStores);
      if (in.space == Space::Shared) {
        ++(ld ? st.sharedLoads : st.sharedStores);
        phases(in, w, act, ld ? 1 : 0, st.sharedWaves, st.sharedIdeal);
      }
      break;
    }
    default: break;
    }
  }

  // Wavefronts of the shared accesses of `in` by the lanes in `act`; the
  // address is operand `addrOp`.
  void phases(const Inst &in, const Warp &w, uint32_t act, int addrOp,
              uint64_t &wavesOut, uint64_t &idealOut) {
    int bytes;
    if (in.op == Op::CpAsync)
      bytes = static_cast<int>(read(in.ops[2], w, __builtin_ctz(act)));
    else
      bytes = bitsOf(in.ty) / 8 * in.vec;
    int per = bytes >= 16 ? 8 : bytes == 8 ? 16 : 32;
    for (int p = 0; p < 32; p += per) {
      uint64_t addr[32];
      int n = 0;
      for (int l = p; l < p + per; ++l)
        if ((act >> l) & 1)
          addr[n++] = address(in.ops[addrOp], w, l);
      if (!n)
        continue;
      wavesOut += waves(addr, n, bytes);
      idealOut += 1;
    }
  }

  // The most distinct 4-byte words any of the 32 banks serves.
  static uint64_t waves(const uint64_t *addr, int n, int bytes) {
    std::vector<uint64_t> words[32];
    for (int i = 0; i < n; ++i)
      for (int b = 0; b < std::max(bytes, 4); b += 4) {
        uint64_t word = (addr[i] + b) / 4;
        auto &v = words[word % 32];
        if (std::find(v.begin(), v.end(), word) == v.end())
          v.push_back(word);
      }
    size_t m = 1;
    for (auto &v : words)
      m = std::max(m, v.size());
    return m;
  }

  //===------------------------------------------------------------------===//
  // Instructions
  //===------------------------------------------------------------------===//

  template <typename F> void forLanes(uint32_t mask, F f) {
    while (mask) {
      int l = __builtin_ctz(mask);
      mask &= mask - 1;
      f(l);
    }
  }

  void advance(Warp &w, uint32_t mask) {
    forLanes(mask, [&](int l) { ++w.pc[l]; });
  }

  void execute(const Inst &in, Warp &w, uint32_t here, uint32_t act) {
    switch (in.op) {
    case Op::Bra:
      forLanes(here, [&](int l) {
        w.pc[l] = (act >> l) & 1 ? in.target : w.pc[l] + 1;
      });
      return;
    case Op::Exit:
      forLanes(act, [&](int l) { finishThread(w, l); });
      advance(w, here & ~act);
      return;
    case Op::Bar:
      if (in.warpBar) {
        ++w.warpSyncs;
        advance(w, here);
        return;
      }
      if (in.ops.size() > 1 && read(in.ops[1], w, __builtin_ctz(here)) != nthreads)
        fault(w, -1, "barriers with a thread count are not implemented");
      if (act != here)
        fault(w, -1, "predicated barrier");
      forLanes(act, [&](int l) { w.state[l] = AtBarrier; });
      return;
    case Op::Shfl:
      requireConverged(w, act, "shfl.sync");
      shfl(in, w, act);
      advance(w, here);
      return;
    case Op::Vote:
      requireConverged(w, act, "vote.sync");
      vote(in, w, act);
      advance(w, here);
      return;
    case Op::Ldmatrix:
      requireConverged(w, act, "ldmatrix.sync.aligned");
      ldmatrix(in, w);
      advance(w, here);
      return;
    case Op::Mma:
      requireConverged(w, act, "mma.sync.aligned");
      mma(in, w);
      advance(w, here);
      return;
    default:
      break;
    }
    forLanes(act, [&](int l) { scalar(in, w, l); });
    advance(w, here);
  }

  void scalar(const Inst &in, Warp &w, int l) {
    const std::vector<Operand> &o = in.ops;
    Ty t = in.ty;
    int bits = bitsOf(t);
    auto src = [&](int i) { return read(o[i], w, l); };
    switch (in.op) {
    case Op::Nop:
      return;
    case Op::Mov: {
      if (o[0].kind == Operand::Vec) { // unpack
        int n = static_cast<int>(o[0].vec.size()), eb = bits / n;
        uint64_t v = src(1);
        for (int i = 0; i < n; ++i)
          write(o[0].vec[i], w, l, zext(v >> (i * eb), eb));
        return;
      }
      if (o[1].kind == Operand::Vec) { // pack
        int n = static_cast<int>(o[1].vec.size()), eb = bits / n;
        uint64_t v = 0;
        for (int i = 0; i < n; ++i)
          v |= zext(read(o[1].vec[i], w, l), eb) << (i * eb);
        write(o[0], w, l, v);
        return;
      }
      uint64_t v = src(1);
      write(o[0], w, l, t == Ty::Pred ? (v != 0) : zext(v, bits));
      return;
    }
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Mad: case Op::Div:
    case Op::Rem: case Op::Min: case Op::Max: case Op::Fma: case Op::Neg:
    case Op::Abs: case Op::Copysign:
      arith(in, w, l);
      return;
    case Op::Ex2: case Op::Lg2: case Op::Rcp: case Op::Sqrt: case Op::Rsqrt: {
      if (t == Ty::F64) {
        double a = asF64(src(1)), r;
        switch (in.op) {
        case Op::Rcp: r = 1.0 / a; break;
        case Op::Sqrt: r = std::sqrt(a); break;
        case Op::Rsqrt: r = 1.0 / std::sqrt(a); break;
        default: fault(w, l, "unsupported f64 operation");
        }
        write(o[0], w, l, f64Bits(r));
        return;
      }
      if (t != Ty::F32)
        fault(w, l, "unsupported type");
      float a = asF32(src(1)), r;
      switch (in.op) {
      case Op::Ex2: r = std::exp2(a); break;
      case Op::Lg2: r = std::log2(a); break;
      case Op::Rcp: r = 1.0f / a; break;
      case Op::Sqrt: r = std::sqrt(a); break;
      default: r = 1.0f / std::sqrt(a); break;
      }
      write(o[0], w, l, f32Bits(r));
      return;
    }
    case Op::And: case Op::Or: case Op::Xor: {
      uint64_t a = src(1), b = src(2), r;
      r = in.op == Op::And ? a & b : in.op == Op::Or ? a | b : a ^ b;
      write(o[0], w, l, t == Ty::Pred ? (r & 1) : zext(r, bits));
      return;
    }
    case Op::Not: {
      uint64_t a = src(1);
      write(o[0], w, l, t == Ty::Pred ? (a == 0) : zext(~a, bits));
      return;
    }
    case Op::Shl: case Op::Shr: {
      uint64_t a = src(1);
      uint64_t s = zext(src(2), 32);
      uint64_t r;
      if (in.op == Op::Shl)
        r = s >= static_cast<uint64_t>(bits) ? 0 : a << s;
      else if (isSigned(t))
        r = static_cast<uint64_t>(
            sext(a, bits) >> std::min<uint64_t>(s, bits - 1));
      else
        r = s >= static_cast<uint64_t>(bits) ? 0 : zext(a, bits) >> s;
      write(o[0], w, l, zext(r, bits));
      return;
    }
    case Op::Bfe: {
      uint64_t a = zext(src(1), bits);
      unsigned pos = static_cast<unsigned>(src(2) & 0xff);
      unsigned len = static_cast<unsigned>(src(3) & 0xff);
      unsigned msb = bits - 1;
      uint64_t sbit = 0;
      if (isSigned(t) && len > 0)
        sbit = (a >> std::min(pos + len - 1, msb)) & 1;
      uint64_t r = 0;
      for (unsigned i = 0; i < static_cast<unsigned>(bits); ++i) {
        uint64_t bit = (i < len && pos + i <= msb) ? (a >> (pos + i)) & 1
                                                    : (isSigned(t) ? sbit : 0);
        r |= bit << i;
      }
      write(o[0], w, l, r);
      return;
    }
    case Op::Popc: {
      write(o[0], w, l, __builtin_popcountll(zext(src(1), bits)));
      return;
    }
    case Op::Clz: {
      uint64_t a = zext(src(1), bits);
      write(o[0], w, l, a ? __builtin_clzll(a) - (64 - bits) : bits);
      return;
    }
    case Op::Selp: {
      uint64_t c = src(3);
      write(o[0], w, l, zext(c ? src(1) : src(2), bits));
      return;
    }
    case Op::Setp: {
      bool r = compare(in.cmp, t, src(1), src(2), w, l);
      if (in.boolOp) {
        bool c = src(3) != 0;
        auto comb = [&](bool x) {
          return in.boolOp == 1 ? (x && c) : in.boolOp == 2 ? (x || c)
                                                            : (x != c);
        };
        write(o[0], w, l, comb(r));
        if (in.second >= 0)
          writeReg(in.second, w, l, comb(!r));
      } else {
        write(o[0], w, l, r);
        if (in.second >= 0)
          writeReg(in.second, w, l, !r);
      }
      return;
    }
    case Op::Cvt:
      cvt(in, w, l);
      return;
    case Op::Cvta: {
      uint64_t a = src(1);
      if (in.space == Space::Shared)
        a = in.toSpace ? a - kSharedBase : a + kSharedBase;
      write(o[0], w, l, a);
      return;
    }
    case Op::Ld: {
      int eb = bits / 8;
      uint64_t a = address(o[1], w, l);
      if (o[0].kind == Operand::Vec) {
        for (size_t i = 0; i < o[0].vec.size(); ++i)
          write(o[0].vec[i], w, l, widen(load(in.space, a + i * eb, eb, w, l), t));
      } else {
        write(o[0], w, l, widen(load(in.space, a, eb, w, l), t));
      }
      return;
    }
    case Op::St: {
      int eb = bits / 8;
      uint64_t a = address(o[0], w, l);
      if (o[1].kind == Operand::Vec) {
        for (size_t i = 0; i < o[1].vec.size(); ++i)
          store(in.space, a + i * eb, eb, read(o[1].vec[i], w, l), w, l);
      } else {
        store(in.space, a, eb, src(1), w, l);
      }
      return;
    }
    case Op::CpAsync:
      cpAsync(in, w, l);
      return;
    default:
      fault(w, l, "instruction not implemented");
    }
  }

  bool compare(int cmp, Ty t, uint64_t a, uint64_t b, const Warp &w, int l) {
    if (isFloat(t)) {
      double x = t == Ty::F64 ? asF64(a) : toFloat(a, t);
      double y = t == Ty::F64 ? asF64(b) : toFloat(b, t);
      bool un = std::isnan(x) || std::isnan(y);
      switch (cmp) {
      case 0: return !un && x == y;
      case 1: return !un && x != y;
      case 2: return !un && x < y;
      case 3: return !un && x <= y;
      case 4: return !un && x > y;
      case 5: return !un && x >= y;
      case 10: return un || x == y;
      case 11: return un || x != y;
      case 12: return un || x < y;
      case 13: return un || x <= y;
      case 14: return un || x > y;
      case 15: return un || x >= y;
      case 16: return !un;
      case 17: return un;
      default: fault(w, l, "bad float comparison");
      }
    }
    int bits = bitsOf(t);
    if (isSigned(t)) {
      int64_t x = sext(a, bits), y = sext(b, bits);
      switch (cmp) {
      case 0: return x == y;
      case 1: return x != y;
      case 2: return x < y;
      case 3: return x <= y;
      case 4: return x > y;
      case 5: return x >= y;
      default: fault(w, l, "bad signed comparison");
      }
    }
    uint64_t x = zext(a, bits), y = zext(b, bits);
    switch (cmp) {
    case 0: return x == y;
    case 1: return x != y;
    case 2: case 6: return x < y;
    case 3: case 7: return x <= y;
    case 4: case 8: return x > y;
    case 5: case 9: return x >= y;
    default: fault(w, l, "bad comparison");
    }
  }

  // One f32 or f64 operation (operands past the instruction's are 0).
  template <typename T>
  T floatOp(const Inst &in, T a, T b, T c, const Warp &w, int l) {
    switch (in.op) {
    case Op::Add: return a + b;
    case Op::Sub: return a - b;
    case Op::Mul: return a * b;
    case Op::Div: return a / b;
    case Op::Fma: case Op::Mad: return std::fma(a, b, c);
    case Op::Neg: return -a;
    case Op::Abs: return std::fabs(a);
    case Op::Copysign: return std::copysign(b, a);
    case Op::Min: case Op::Max: {
      bool isMax = in.op == Op::Max;
      if (std::isnan(a) || std::isnan(b))
        return in.nanProp ? std::numeric_limits<T>::quiet_NaN()
                          : (std::isnan(a) ? b : a);
      if (a == b) // -0 < +0
        return (isMax ? !std::signbit(a) : std::signbit(a)) ? a : b;
      return isMax ? std::max(a, b) : std::min(a, b);
    }
    default:
      fault(w, l, "floating-point operation not implemented");
    }
  }

  void arith(const Inst &in, Warp &w, int l) {
    const std::vector<Operand> &o = in.ops;
    Ty t = in.ty;
    auto src = [&](int i) { return read(o[i], w, l); };
    if (t == Ty::F32 || t == Ty::F64) {
      bool f64 = t == Ty::F64;
      auto val = [&](int i) -> double {
        if (static_cast<size_t>(i) >= o.size())
          return 0.0;
        return f64 ? asF64(src(i)) : asF32(src(i));
      };
      uint64_t r;
      if (f64)
        r = f64Bits(floatOp<double>(in, val(1), val(2), val(3), w, l));
      else
        r = f32Bits(floatOp<float>(in, static_cast<float>(val(1)),
                                   static_cast<float>(val(2)),
                                   static_cast<float>(val(3)), w, l));
      write(o[0], w, l, r);
      return;
    }
    int bits = bitsOf(t);
    if (bits < 8 || isFloat(t) || t == Ty::F16x2 || t == Ty::BF16x2)
      fault(w, l, "arithmetic on this type is not implemented");
    bool sg = isSigned(t);
    uint64_t a = widen(src(1), t);
    uint64_t b = o.size() > 2 ? widen(src(2), t) : 0;
    uint64_t r = 0;
    int outBits = bits;
    switch (in.op) {
    case Op::Add: r = a + b; break;
    case Op::Sub: r = a - b; break;
    case Op::Neg: r = 0 - a; break;
    case Op::Abs: r = sg && static_cast<int64_t>(a) < 0 ? 0 - a : a; break;
    case Op::Min:
      r = sg ? static_cast<uint64_t>(std::min<int64_t>(a, b)) : std::min(a, b);
      break;
    case Op::Max:
      r = sg ? static_cast<uint64_t>(std::max<int64_t>(a, b)) : std::max(a, b);
      break;
    case Op::Div: case Op::Rem:
      if (zext(b, bits) == 0) {
        r = in.op == Op::Div ? ~0ull : a; // undefined in PTX
      } else if (sg) {
        int64_t x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
        if (y == -1)
          r = in.op == Op::Div ? 0 - a : 0;
        else
          r = static_cast<uint64_t>(in.op == Op::Div ? x / y : x % y);
      } else {
        uint64_t x = zext(a, bits), y = zext(b, bits);
        r = in.op == Op::Div ? x / y : x % y;
      }
      break;
    case Op::Mul: case Op::Mad: {
      __int128 p = sg ? static_cast<__int128>(static_cast<int64_t>(a)) *
                            static_cast<int64_t>(b)
                      : static_cast<__int128>(
                            static_cast<unsigned __int128>(zext(a, bits)) *
                            zext(b, bits));
      if (in.wide) {
        r = static_cast<uint64_t>(p);
        outBits = std::min(2 * bits, 64);
      } else if (in.hi) {
        r = static_cast<uint64_t>(p >> bits);
      } else {
        r = static_cast<uint64_t>(p);
      }
      if (in.op == Op::Mad) {
        Ty ct = t;
        uint64_t c = src(3);
        c = in.wide ? c : widen(c, ct);
        r += c;
      }
      break;
    }
    default:
      fault(w, l, "integer operation not implemented");
    }
    write(o[0], w, l, zext(r, outBits));
  }

  void cvt(const Inst &in, Warp &w, int l) {
    const std::vector<Operand> &o = in.ops;
    Ty dt = in.ty, st = in.ty2;
    if (dt == Ty::F16x2 || dt == Ty::BF16x2) {
      float a = asF32(read(o[1], w, l)), b = asF32(read(o[2], w, l));
      auto c = [&](float f) -> uint64_t {
        return dt == Ty::F16x2 ? f32ToF16(f) : f32ToBF16(f);
      };
      write(o[0], w, l, (c(a) << 16) | c(b));
      return;
    }
    uint64_t a = read(o[1], w, l);
    if (isFloat(dt) && isFloat(st)) {
      double v = st == Ty::F64 ? asF64(a) : toFloat(a, st);
      if (in.roundInt) {
        switch (in.roundInt) {
        case 1: v = std::trunc(v); break;
        case 2: v = std::nearbyint(v); break;
        case 3: v = std::floor(v); break;
        default: v = std::ceil(v); break;
        }
      }
      uint64_t r;
      switch (dt) {
      case Ty::F64: r = f64Bits(v); break;
      case Ty::F32: r = f32Bits(static_cast<float>(v)); break;
      case Ty::F16:
        r = f32ToF16(st == Ty::F64 ? static_cast<float>(v) : static_cast<float>(v));
        break;
      default: r = f32ToBF16(static_cast<float>(v)); break;
      }
      write(o[0], w, l, r);
      return;
    }
    if (isFloat(dt)) { // int -> float
      double v = isSigned(st) ? static_cast<double>(sext(a, bitsOf(st)))
                              : static_cast<double>(zext(a, bitsOf(st)));
      uint64_t r = dt == Ty::F64   ? f64Bits(v)
                   : dt == Ty::F32 ? f32Bits(static_cast<float>(v))
                   : dt == Ty::F16 ? f32ToF16(static_cast<float>(v))
                                   : f32ToBF16(static_cast<float>(v));
      write(o[0], w, l, r);
      return;
    }
    if (isFloat(st)) { // float -> int, saturating, NaN -> 0
      double v = st == Ty::F64 ? asF64(a) : toFloat(a, st);
      switch (in.roundInt) {
      case 2: v = std::nearbyint(v); break;
      case 3: v = std::floor(v); break;
      case 4: v = std::ceil(v); break;
      default: v = std::trunc(v); break;
      }
      int b = bitsOf(dt);
      uint64_t r;
      if (std::isnan(v)) {
        r = 0;
      } else if (isSigned(dt)) {
        double lo = -std::ldexp(1.0, b - 1), hi = std::ldexp(1.0, b - 1) - 1;
        r = static_cast<uint64_t>(static_cast<int64_t>(std::clamp(v, lo, hi)));
      } else {
        double hi = std::ldexp(1.0, b) - 1;
        double c = std::clamp(v, 0.0, hi);
        r = c >= 18446744073709551615.0 ? ~0ull : static_cast<uint64_t>(c);
      }
      write(o[0], w, l, zext(r, b));
      return;
    }
    // int -> int: extend by the source's signedness, keep the low bits.
    uint64_t v = widen(a, st);
    write(o[0], w, l, zext(v, bitsOf(dt)));
  }

  void cpAsync(const Inst &in, Warp &w, int l) {
    ThreadAsync &as = w.async[l];
    if (in.cpKind == "commit_group") {
      as.groups.push_back(std::move(as.open));
      as.open.clear();
      return;
    }
    if (in.cpKind == "wait_group" || in.cpKind == "wait_all") {
      size_t keep = 0;
      if (in.cpKind == "wait_all") {
        as.groups.push_back(std::move(as.open));
        as.open.clear();
      } else {
        keep = static_cast<size_t>(read(in.ops[0], w, l));
      }
      while (as.groups.size() > keep) {
        completeCopies(w, l, as.groups.front());
        as.groups.pop_front();
      }
      return;
    }
    // cp.async.{ca,cg}.shared.global [dst], [src], cp-size{, src-size}
    uint64_t dst = address(in.ops[0], w, l);
    uint64_t src = address(in.ops[1], w, l);
    uint32_t n = static_cast<uint32_t>(read(in.ops[2], w, l));
    uint32_t sn = in.ops.size() > 3
                      ? static_cast<uint32_t>(read(in.ops[3], w, l)) : n;
    if (n != 4 && n != 8 && n != 16)
      fault(w, l, "cp.async size must be 4, 8 or 16");
    if (sn > n)
      fault(w, l, "cp.async src-size larger than cp-size");
    bool sh;
    uint64_t off;
    locate(Space::Shared, dst, n, w, l, sh, off);
    if (sn) {
      if (src % n)
        fault(w, l, "misaligned cp.async source");
      bool g;
      uint64_t goff;
      locate(Space::Global, src, sn, w, l, g, goff);
    }
    // The write may land any time from now to its wait: check it now.
    sharedWrite(off, n, w, l, /*async=*/true);
    for (uint64_t i = off; i < off + n; ++i)
      ++pending[i];
    as.open.push_back({off, src, n, sn});
  }

  void shfl(const Inst &in, Warp &w, uint32_t act) {
    const std::vector<Operand> &o = in.ops;
    uint64_t vals[32];
    for (int l = 0; l < 32; ++l)
      vals[l] = (act >> l) & 1 ? read(o[1], w, l) : 0;
    forLanes(act, [&](int l) {
      uint32_t b = static_cast<uint32_t>(read(o[2], w, l));
      uint32_t c = static_cast<uint32_t>(read(o[3], w, l));
      uint32_t member = static_cast<uint32_t>(read(o[4], w, l));
      uint32_t clamp = c & 0x1f, seg = (c >> 8) & 0x1f;
      int minLane = l & seg;
      int maxLane = (l & seg) | (clamp & ~seg);
      int j = l;
      bool ok;
      switch (in.num) {
      case 0: j = l - static_cast<int>(b); ok = j >= minLane; break;
      case 1: j = l + static_cast<int>(b); ok = j <= maxLane; break;
      case 2: j = l ^ static_cast<int>(b); ok = j <= maxLane; break;
      default: j = minLane | (static_cast<int>(b) & ~static_cast<int>(seg));
        ok = j <= maxLane; break;
      }
      if (!ok)
        j = l;
      if (!((member >> l) & 1) || !((member >> j) & 1) || !((act >> j) & 1))
        fault(w, l, "shfl.sync source lane " + std::to_string(j) +
                        " not in the member mask or not active");
      write(o[0], w, l, vals[j] & 0xffffffffu);
      if (in.second >= 0)
        writeReg(in.second, w, l, ok);
    });
  }

  // vote.sync over the member lanes (all of them active: converged).
  void vote(const Inst &in, Warp &w, uint32_t act) {
    uint32_t member = static_cast<uint32_t>(read(in.ops[2], w, __builtin_ctz(act)));
    if ((member & act) != member)
      fault(w, -1, "vote.sync member mask " + hex(member) +
                       " names lanes that are not here " + hex(act));
    uint32_t ballot = 0;
    forLanes(member, [&](int l) {
      if (read(in.ops[1], w, l) & 1)
        ballot |= 1u << l;
    });
    forLanes(act & member, [&](int l) {
      uint64_t r;
      switch (in.num) {
      case 0: r = ballot != 0; break;
      case 1: r = ballot == member; break;
      case 2: r = ballot == 0 || ballot == member; break;
      default: r = ballot; break;
      }
      write(in.ops[0], w, l, r);
    });
  }

  void ldmatrix(const Inst &in, Warp &w) {
    int n = in.num;
    uint16_t m[4][8][8];
    for (int i = 0; i < n; ++i)
      for (int r = 0; r < 8; ++r) {
        int lane = i * 8 + r;
        uint64_t a = address(in.ops[1], w, lane);
        bool sh;
        uint64_t off;
        uint8_t *p = locate(Space::Shared, a, 16, w, lane, sh, off);
        sharedRead(off, 16, w, lane);
        std::memcpy(m[i][r], p, 16);
      }
    for (int l = 0; l < 32; ++l) {
      if (w.state[l] == Absent)
        continue;
      int row = l / 4, col = (l % 4) * 2;
      for (int i = 0; i < n; ++i) {
        uint32_t lo, hi;
        if (in.trans) {
          lo = m[i][col][row];
          hi = m[i][col + 1][row];
        } else {
          lo = m[i][row][col];
          hi = m[i][row][col + 1];
        }
        write(in.ops[0].vec[i], w, l, lo | (hi << 16));
      }
    }
  }

  void mma(const Inst &in, Warp &w) {
    // m16n8k16, A row-major 16x16, B column-major 16x8, C/D 16x8 f32.
    float A[16][16], B[16][8], C[16][8];
    auto half = [&](uint64_t v, int h) {
      uint16_t x = static_cast<uint16_t>(v >> (16 * h));
      return in.ty2 == Ty::F16 ? f16ToF32(x) : bf16ToF32(x);
    };
    for (int l = 0; l < 32; ++l) {
      int g = l >> 2, t = l & 3;
      const Operand &a = in.ops[1], &b = in.ops[2], &c = in.ops[3];
      for (int h = 0; h < 2; ++h) {
        A[g][2 * t + h] = half(read(a.vec[0], w, l), h);
        A[g + 8][2 * t + h] = half(read(a.vec[1], w, l), h);
        A[g][2 * t + 8 + h] = half(read(a.vec[2], w, l), h);
        A[g + 8][2 * t + 8 + h] = half(read(a.vec[3], w, l), h);
        B[2 * t + h][g] = half(read(b.vec[0], w, l), h);
        B[2 * t + 8 + h][g] = half(read(b.vec[1], w, l), h);
      }
      C[g][2 * t] = asF32(read(c.vec[0], w, l));
      C[g][2 * t + 1] = asF32(read(c.vec[1], w, l));
      C[g + 8][2 * t] = asF32(read(c.vec[2], w, l));
      C[g + 8][2 * t + 1] = asF32(read(c.vec[3], w, l));
    }
    float D[16][8];
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 8; ++j) {
        double s = 0; // the products of f16/bf16 values are exact in double
        for (int kk = 0; kk < 16; ++kk)
          s += static_cast<double>(A[i][kk]) * B[kk][j];
        D[i][j] = static_cast<float>(s + C[i][j]);
      }
    for (int l = 0; l < 32; ++l) {
      int g = l >> 2, t = l & 3;
      const Operand &d = in.ops[0];
      write(d.vec[0], w, l, f32Bits(D[g][2 * t]));
      write(d.vec[1], w, l, f32Bits(D[g][2 * t + 1]));
      write(d.vec[2], w, l, f32Bits(D[g + 8][2 * t]));
      write(d.vec[3], w, l, f32Bits(D[g + 8][2 * t + 1]));
    }
  }
};

} // namespace

bool launch(const Program &program, const std::string &kernel,
            const LaunchConfig &config, const GlobalCheck &valid,
            std::string &error) {
  return launch(program, kernel, config, valid, error, nullptr);
}

bool launch(const Program &program, const std::string &kernel,
            const LaunchConfig &config, const GlobalCheck &valid,
            std::string &error, LaunchStats *stats) {
  auto it = program.kernels.find(kernel);
  if (it == program.kernels.end()) {
    error = "no kernel named " + kernel + " in the module";
    return false;
  }
  const Kernel &k = it->second;
  if (config.params.size() != k.params.size()) {
    error = "kernel " + kernel + " takes " + std::to_string(k.params.size()) +
            " parameters, " + std::to_string(config.params.size()) + " given";
    return false;
  }
  for (int d = 0; d < 3; ++d)
    if (config.grid[d] == 0 || config.block[d] == 0) {
      error = "kernel " + kernel + ": empty grid or block";
      return false;
    }
  if (static_cast<uint64_t>(config.block[0]) * config.block[1] * config.block[2] >
      1024) {
    error = "kernel " + kernel + ": more than 1024 threads per block";
    return false;
  }
  Launch run(k, config, valid, stats);
  return run.run(error);
}

} // namespace attn::ptxemu
