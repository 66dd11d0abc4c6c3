//===- BuildGpuKernels.cpp - GPU kernels + host launch for attn.sdpa ------===//
//
// Second step of the NVVM pipeline (see Passes.td), after bufferization: each
// launcher declaration `@__attn_gpu_sdpa_<n>(q, k, v, [mask], out)` left by
// attn-gpu-outline-sdpa gets
//   * a kernel in `gpu.module @attn_kernels`:
//       - tensor cores (f16/bf16, D and Dv multiples of 16, at most 256):
//         4 warps x 16 query rows per CTA, Q fragments in registers (heads
//         above 128: Q in shared memory, read by ldmatrix), K/V tiles of 64
//         keys (32 above 128) double-buffered in shared memory by cp.async,
//         S = Q K^T and O += P V as m16n8k16 mma.sync (f32 accumulators),
//         online softmax in base 2 in registers; grouped decode runs on a
//         view with a group's heads as rows (packGroups);
//       - f32 (head sizes multiples of 4, D 16-128, Dv 32-128): a tiled SIMT
//         kernel, 64 query rows per CTA, K/V tiles of 32 keys;
//       - otherwise an FMA kernel: one warp per query row;
//   * for the tensor-core and SIMT kernels, a split-K pair: `<n>_split` (one
//     share of the key blocks per CTA, unnormalized f32 partial results) and
//     `<n>_combine` (the shares rescaled to a common maximum, summed and
//     divided), for launches with too few CTAs to fill the GPU (decode);
//   * a host body: device buffers, copies in, launch(es), copy out, free;
//     the runtime's attnCudaSdpaSplits picks whole or split at run time;
//   * `@__attn_gpu_sdpa_<n>_device`: the launches alone, on device buffers.
//
// Fragment layouts (PTX ISA, mma.m16n8k16, lane = 4 * g + t):
//   A (16x16, row-major)  a[0] = A[g][2t..2t+1]   a[1] = A[g+8][2t..]
//                         a[2] = A[g][2t+8..]     a[3] = A[g+8][2t+8..]
//   B (16x8, k x n)       b[0] = B[2t..2t+1][g]   b[1] = B[2t+8..2t+9][g]
//   C (16x8, f32)         c[0] = C[g][2t..2t+1]   c[1] = C[g+8][2t..2t+1]
// so the C fragments of two adjacent 8-key tiles of S are, converted to
// f16/bf16, exactly the A fragment of P for the next product.
//
//===----------------------------------------------------------------------===//
#include "attn/Conversion/Passes.h"

#include "GpuEmitter.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include <array>
#include <cmath>
#include <limits>
#include <tuple>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNGPUBUILDSDPAKERNELS
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

gpu::GPUModuleOp mlir::attn::getOrCreateAttnKernelsModule(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(ctx));
  for (auto m : module.getOps<gpu::GPUModuleOp>())
    if (m->hasAttr(kGpuKernelsAttr))
      return m;
  SymbolTable symbols(module);
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  std::string name = "attn_kernels";
  for (int i = 1; symbols.lookup(name); ++i)
    name = "attn_kernels_" + std::to_string(i);
  auto kernels = gpu::GPUModuleOp::create(mb, module.getLoc(), name);
  kernels->setAttr(kGpuKernelsAttr, UnitAttr::get(ctx));
  symbols.insert(kernels);
  return kernels;
}

namespace {

constexpr int64_t kThreads = 128;   // 4 warps per CTA
constexpr int64_t kMmaRows = 64;    // query rows per CTA (16 per warp)
constexpr int64_t kMmaKeys = 64;    // keys per K/V tile (D, Dv <= 128)
constexpr int64_t kMmaKeysWide = 32; // keys per K/V tile (D or Dv > 128)
constexpr int64_t kMmaMaxHead = 256; // largest D, Dv on tensor cores
constexpr int64_t kFmaRows = 4;     // query rows per CTA (one per warp)
constexpr int64_t kSimtKeys = 32;   // keys per K/V tile of the f32 kernel
constexpr int64_t kSimtMaxHead = 128;
constexpr int64_t kPad = 8;         // elements of padding per smem row
constexpr int64_t kMaxGridY = 65535;
constexpr double kLog2e = 1.4426950408889634;
/// Growth of a row maximum (base 2) below which the tensor-core kernel keeps
/// the stale reference and skips rescaling O and l.
constexpr double kLazyRescale = 8.0;

/// The configuration of one attn.sdpa, read off a launcher declaration.
struct SdpaConf {
  MemRefType q, k, v, mask, out; // mask: null when absent
  Type elem;
  int64_t d = 0, dv = 0;
  bool causal = false;
  double scale = 1.0;

  bool useTensorCores() const {
    return (elem.isF16() || elem.isBF16()) && d % 16 == 0 && dv % 16 == 0 &&
           d <= kMmaMaxHead && dv <= kMmaMaxHead;
  }
  /// Heads above 128: Q stays in shared memory (its fragments would take
  /// D/4 more registers beside Dv/2 of O) and K/V tiles are 32 keys (the
  /// S tiles' registers, and sm_80's 163 KiB of shared memory per CTA).
  bool wide() const { return d > 128 || dv > 128; }
  bool qInShared() const { return d > 128; }
  int64_t blockKeys() const {
    if (useSimt())
      return kSimtKeys;
    return wide() ? kMmaKeysWide : kMmaKeys;
  }
  /// f32 with head sizes multiples of 4 up to 128: the tiled SIMT kernel
  /// (16-byte cp.async and vector loads of 4 floats). Dv >= 32 so that each
  /// of the 8 lanes of a row group has O columns; D >= 16.
  bool useSimt() const {
    return elem.isF32() && d % 4 == 0 && dv % 4 == 0 && d >= 16 &&
           dv >= 32 && d <= kSimtMaxHead && dv <= kSimtMaxHead;
  }
  /// Row stride of the SIMT kernel's Q and K tiles: D padded to 4 mod 32
  /// words, so that 8 lanes reading 16 bytes of 8 consecutive key rows hit
  /// distinct banks.
  int64_t simtQkStride() const { return d + ((4 - d) % 32 + 32) % 32; }
  int64_t simtPStride() const { return kSimtKeys + 2; }
  int64_t rowsPerCta() const {
    return useTensorCores() || useSimt() ? kMmaRows : kFmaRows;
  }
  /// Whether a split-K variant is built: a tiled kernel (tensor cores or
  /// SIMT), and possibly more than one key block.
  bool splitKeys() const {
    int64_t sk = k.getDimSize(2);
    return (useTensorCores() || useSimt()) &&
           (ShapedType::isDynamic(sk) || sk > blockKeys());
  }
  int64_t sharedBytes() const {
    if (useSimt())
      return (kMmaRows * simtQkStride() + 2 * kSimtKeys * simtQkStride() +
              2 * kSimtKeys * dv + kMmaRows * simtPStride()) *
             4;
    if (!useTensorCores())
      return 0;
    return (2 * blockKeys() * ((d + kPad) + (dv + kPad)) +
            (qInShared() ? kMmaRows * (d + kPad) : 0)) *
           2;
  }
};

/// Kernel arguments and the index values every kernel derives from them.
struct KernelFrame {
  Value q, k, v, mask, out;
  Value bDim, hDim, sq, sk, hkv, group, bh, batch, head, kvHead, causalOff;
  Value rowBlockStart; // first query row of this CTA
  // Split-K only: this CTA's share of the keys (`split` of `splits`), the
  // partial results' buffers (f32 O rows and (max, sum) pairs).
  Value split, splits, oPart, ml;
};

class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const SdpaConf &c)
      : b(b), e{{b, loc}}, c(c) {}

  /// Emits the kernel body into `fn` (whose entry block has the arguments).
  /// `splitK`: the tiled kernel over a share of the keys, writing
  /// unnormalized partial results (see buildCombine).
  void build(gpu::GPUFuncOp fn, bool splitK = false) {
    Block &entry = fn.getBody().front();
    b.setInsertionPointToStart(&entry);
    KernelFrame f;
    f.q = entry.getArgument(0);
    f.k = entry.getArgument(1);
    f.v = entry.getArgument(2);
    unsigned next = 3;
    if (c.mask)
      f.mask = entry.getArgument(next++);
    f.out = entry.getArgument(next++);
    if (splitK) {
      f.oPart = entry.getArgument(next++);
      f.ml = entry.getArgument(next++);
      f.splits = entry.getArgument(next++);
    }
    f.bDim = e.dim(f.q, 0);
    f.hDim = e.dim(f.q, 1);
    f.sq = e.dim(f.q, 2);
    f.hkv = e.dim(f.k, 1);
    f.sk = e.dim(f.k, 2);
    f.group = e.div(f.hDim, f.hkv);
    f.causalOff = e.sub(f.sk, f.sq);
    // (batch x head) comes from blockIdx.z * 65535 + blockIdx.y, the query
    // row block from blockIdx.x (fastest, so that CTAs running together
    // share one head's K and V in L2).
    f.bh = e.add(e.mul(e.blockId(gpu::Dimension::z), e.idx(kMaxGridY)),
                 e.blockId(gpu::Dimension::y));
    // Causal: the last query blocks, which see the most keys, first (the
    // GPU starts CTAs in index order; FA2 orders them so too), so that the
    // long CTAs do not all end up in the tail of the launch.
    // Split-K: blockIdx.x = row block * splits + split, the shares of one
    // row block next to each other.
    Value rowBlock = e.blockId(gpu::Dimension::x);
    Value rowBlocks = gpu::GridDimOp::create(b, e.loc, gpu::Dimension::x);
    if (splitK) {
      f.split = e.rem(rowBlock, f.splits);
      rowBlock = e.div(rowBlock, f.splits);
      rowBlocks = e.div(rowBlocks, f.splits);
    }
    if (c.causal)
      rowBlock = e.sub(e.sub(rowBlocks, e.idx(1)), rowBlock);
    f.rowBlockStart = e.mul(rowBlock, e.idx(c.rowsPerCta()));
    Value live = arith::AndIOp::create(
        b, e.loc,
        e.cmp(arith::CmpIPredicate::ult, f.bh, e.mul(f.bDim, f.hDim)),
        e.cmp(arith::CmpIPredicate::ult, f.rowBlockStart, f.sq));
    e.ifThen(live, [&] {
      f.batch = e.div(f.bh, f.hDim);
      f.head = e.rem(f.bh, f.hDim);
      f.kvHead = e.div(f.head, f.group);
      if (c.useTensorCores())
        buildMma(f);
      else if (c.useSimt())
        buildSimt(f);
      else
        buildFma(f);
    });
    gpu::ReturnOp::create(b, e.loc);
  }

  /// The split-K combination, one CTA per query row, one thread per output
  /// column: with the shares' maxima m_s, sums l_s and rows O_s,
  ///   out = sum_s 2^(m_s - M) O_s / sum_s 2^(m_s - M) l_s,  M = max_s m_s,
  /// and zeros for a row no share saw a key of. Arguments: O parts, (m, l)
  /// pairs, the result, the number of splits.
  void buildCombine(gpu::GPUFuncOp fn) {
    Block &entry = fn.getBody().front();
    b.setInsertionPointToStart(&entry);
    Value oPart = entry.getArgument(0), ml = entry.getArgument(1);
    Value out = entry.getArgument(2), splits = entry.getArgument(3);
    Value bDim = e.dim(out, 0), hDim = e.dim(out, 1), sq = e.dim(out, 2);
    Value bhAll = e.mul(bDim, hDim);
    Value bh = e.add(e.mul(e.blockId(gpu::Dimension::z), e.idx(kMaxGridY)),
                     e.blockId(gpu::Dimension::y));
    Value row = e.blockId(gpu::Dimension::x);
    Value live = arith::AndIOp::create(
        b, e.loc, e.cmp(arith::CmpIPredicate::ult, bh, bhAll),
        e.cmp(arith::CmpIPredicate::ult, row, sq));
    e.ifThen(live, [&] {
      Value zero = e.idx(0), one = e.idx(1);
      // Index of (split s, bh, row) in the parts.
      auto at = [&](Value s) {
        return e.add(e.mul(e.add(e.mul(s, bhAll), bh), sq), row);
      };
      Value m = e.forLoopIter(zero, splits, one, {e.negInf()},
                              [&](Value s, ValueRange it) {
                                Value ms = e.load(ml, {e.mul(at(s),
                                                             e.idx(2))});
                                return SmallVector<Value>{e.fmax(it[0], ms)};
                              })[0];
      Value ref = e.select(e.fcmp(arith::CmpFPredicate::OEQ, m, e.negInf()),
                           e.f32(0.0), m);
      Value tid = e.threadId();
      for (int64_t c0 = 0; c0 < c.dv; c0 += kThreads) {
        Value col = e.add(tid, e.idx(c0));
        e.ifThen(e.cmp(arith::CmpIPredicate::ult, col, e.idx(c.dv)), [&] {
          SmallVector<Value> acc = e.forLoopIter(
              zero, splits, one, {e.f32(0.0), e.f32(0.0)},
              [&](Value s, ValueRange it) {
                Value i = at(s);
                Value ms = e.load(ml, {e.mul(i, e.idx(2))});
                Value ls = e.load(ml, {e.add(e.mul(i, e.idx(2)), one)});
                Value os = e.load(oPart, {e.add(e.mul(i, e.idx(c.dv)), col)});
                Value w = e.exp2(e.fsub(ms, ref));
                return SmallVector<Value>{
                    math::FmaOp::create(b, e.loc, w, os, it[0]),
                    math::FmaOp::create(b, e.loc, w, ls, it[1])};
              });
          Value den = acc[1];
          Value res = e.select(e.fcmp(arith::CmpFPredicate::OGT, den,
                                      e.f32(0.0)),
                               e.fdiv(acc[0], den), e.f32(0.0));
          e.store(e.narrow(res, c.elem), out,
                  {e.div(bh, hDim), e.rem(bh, hDim), row, col});
        });
      }
    });
    gpu::ReturnOp::create(b, e.loc);
  }

private:
  OpBuilder &b;
  GpuEmitter e;
  const SdpaConf &c;

  Type f32() { return b.getF32Type(); }
  Value scale2() { return e.f32(c.scale * kLog2e); }

  /// Mask element (b, h, i, j) -> the bias to add, in base 2 (or -inf);
  /// `raw`: in units of the unscaled score (the bias divided by the scale).
  Value applyMask(const KernelFrame &f, Value s, Value row, Value key,
                  bool raw = false) {
    if (!f.mask)
      return s;
    Value zero = e.idx(0);
    Value bm = e.select(e.cmp(arith::CmpIPredicate::eq, e.dim(f.mask, 0),
                              e.idx(1)),
                        zero, f.batch);
    Value hm = e.select(e.cmp(arith::CmpIPredicate::eq, e.dim(f.mask, 1),
                              e.idx(1)),
                        zero, f.head);
    Value m = e.load(f.mask, {bm, hm, row, key});
    if (m.getType().isInteger(1))
      return e.select(m, s, e.negInf());
    return e.fadd(s, e.fmul(e.widen(m), e.f32(raw ? 1.0 / c.scale : kLog2e)));
  }

  /// Scaled score with the bias of (row, key): -inf past Sk, above the
  /// causal diagonal or where an i1 mask is false; the additive mask. Rows
  /// and keys out of range are clamped before any load. `raw`: the score
  /// stays unscaled (the caller scales it later; positive scales only).
  Value biased(const KernelFrame &f, Value s, Value row, Value key,
               bool raw = false) {
    Value x = raw ? s : e.fmul(s, scale2());
    Value lastRow = e.sub(f.sq, e.idx(1));
    Value lastKey = e.maxS(e.sub(f.sk, e.idx(1)), e.idx(0));
    x = applyMask(f, x, e.minS(row, lastRow), e.minS(key, lastKey), raw);
    Value hidden = e.cmp(arith::CmpIPredicate::sge, key, f.sk);
    if (c.causal)
      hidden = arith::OrIOp::create(
          b, e.loc, hidden,
          e.cmp(arith::CmpIPredicate::sgt, key, e.add(row, f.causalOff)));
    return e.select(hidden, e.negInf(), x);
  }

  /// Number of key blocks of `blockKeys` that rows up to `lastRow` see.
  Value keyBlocks(const KernelFrame &f, Value lastRow, int64_t blockKeys) {
    Value n = e.ceilDiv(f.sk, e.idx(blockKeys));
    if (!c.causal)
      return n;
    // Keys j <= lastRow + Sk - Sq: ceil((lastRow + off + 1) / BN) blocks,
    // none when that is negative.
    Value lim = e.add(e.add(lastRow, f.causalOff), e.idx(1));
    Value blocks = e.floorDivS(e.add(lim, e.idx(blockKeys - 1)),
                               e.idx(blockKeys));
    return e.minS(n, e.maxS(blocks, e.idx(0)));
  }

  /// The double-buffered loop over key blocks [begin, end) of both tiled
  /// kernels (GpuEmitter::pipelinedLoop): a warp with no row below Sq
  /// skips `block` when `warpLive` is given, and only joins the copies and
  /// barriers.
  SmallVector<Value>
  keyLoop(Value begin, Value end, ValueRange init, Value warpLive,
          function_ref<Value(Value, Value)> issueTile,
          function_ref<SmallVector<Value>(Value, Value, ValueRange)> block) {
    return e.pipelinedLoop(begin, end, init, warpLive, issueTile, block);
  }

  /// Key blocks [begin, end) of `blockKeys` that a CTA of the tiled kernels
  /// (kMmaRows query rows) visits: all that its rows below Sq see, or with
  /// split-K this split's share of them (consecutive, equal but for the
  /// last).
  std::pair<Value, Value> keyRange(const KernelFrame &f, int64_t blockKeys) {
    Value lastRow = e.minS(e.add(f.rowBlockStart, e.idx(kMmaRows - 1)),
                           e.sub(f.sq, e.idx(1)));
    Value begin = e.idx(0);
    Value end = keyBlocks(f, lastRow, blockKeys);
    if (f.splits) {
      Value per = e.ceilDiv(end, f.splits);
      begin = e.minS(e.mul(f.split, per), end);
      end = e.minS(e.add(begin, per), end);
    }
    return {begin, end};
  }

  //===--------------------------------------------------------------------===//
  // FMA kernel: one warp per query row.
  //===--------------------------------------------------------------------===//
  void buildFma(const KernelFrame &f) {
    Value tid = e.threadId();
    Value lane = e.rem(tid, e.idx(kWarp));
    Value row = e.add(f.rowBlockStart, e.div(tid, e.idx(kWarp)));
    // The branch is uniform per warp, so the shuffles below see full warps.
    e.ifThen(e.cmp(arith::CmpIPredicate::ult, row, f.sq), [&] {
      int64_t nq = (c.d + kWarp - 1) / kWarp;
      int64_t no = (c.dv + kWarp - 1) / kWarp;
      Value zero = e.f32(0.0);
      auto col = [&](int64_t i) { return e.add(lane, e.idx(i * kWarp)); };
      auto guardedLoad = [&](Value m, ValueRange pre, Value cl, int64_t n) {
        Value ok = e.cmp(arith::CmpIPredicate::ult, cl, e.idx(n));
        SmallVector<Value> ivs(pre);
        ivs.push_back(e.minS(cl, e.idx(n - 1)));
        return e.select(ok, e.widen(e.load(m, ivs)), zero);
      };
      SmallVector<Value> qr;
      for (int64_t i = 0; i < nq; ++i)
        qr.push_back(guardedLoad(f.q, {f.batch, f.head, row}, col(i), c.d));
      Value limit = keyBlocks(f, row, 1);
      SmallVector<Value> init{e.negInf(), zero};
      for (int64_t i = 0; i < no; ++i)
        init.push_back(zero);
      SmallVector<Value> res = e.forLoopIter(
          e.idx(0), limit, e.idx(1), init,
          [&](Value key, ValueRange it) -> SmallVector<Value> {
            Value s = zero;
            for (int64_t i = 0; i < nq; ++i)
              s = math::FmaOp::create(
                  b, e.loc, qr[i],
                  guardedLoad(f.k, {f.batch, f.kvHead, key}, col(i), c.d), s);
            for (int32_t m = kWarp / 2; m >= 1; m /= 2)
              s = e.fadd(s, e.shflXor(s, m));
            s = biased(f, s, row, key);
            Value mOld = it[0];
            Value mNew = e.fmax(mOld, s);
            Value ref = e.select(
                e.fcmp(arith::CmpFPredicate::OEQ, mNew, e.negInf()),
                e.f32(0.0), mNew);
            Value alpha = e.exp2(e.fsub(mOld, ref));
            Value p = e.exp2(e.fsub(s, ref));
            SmallVector<Value> next{mNew,
                                    math::FmaOp::create(b, e.loc, it[1],
                                                        alpha, p)};
            for (int64_t i = 0; i < no; ++i) {
              Value vv = guardedLoad(f.v, {f.batch, f.kvHead, key}, col(i),
                                     c.dv);
              next.push_back(math::FmaOp::create(
                  b, e.loc, p, vv, e.fmul(it[2 + i], alpha)));
            }
            return next;
          });
      Value l = res[1];
      Value inv = e.select(e.fcmp(arith::CmpFPredicate::OGT, l, zero),
                           e.fdiv(e.f32(1.0), l), zero);
      for (int64_t i = 0; i < no; ++i) {
        Value cl = col(i);
        e.ifThen(e.cmp(arith::CmpIPredicate::ult, cl, e.idx(c.dv)), [&] {
          e.store(e.narrow(e.fmul(res[2 + i], inv), c.elem), f.out,
                  {f.batch, f.head, row, cl});
        });
      }
    });
  }

  //===--------------------------------------------------------------------===//
  // Tiled f32 kernel (SIMT): 64 query rows per CTA, K/V tiles of 32 keys.
  //===--------------------------------------------------------------------===//
  // Thread t: row group rg = t / 8 (rows 4 rg .. 4 rg + 3 of the CTA), key
  // group cg = t % 8 (keys cg + 8 j, j < 4, of each tile; O columns
  // 4 (cg + 8 m) .. + 3). A warp holds 16 rows, and everything a row needs
  // stays in its warp: row maxima and sums over the 8 lanes of a row group
  // (shuffles), P through shared memory between the warp's own lanes
  // (bar.warp.sync), so a warp with no row below Sq skips the block.
  void buildSimt(const KernelFrame &f) {
    MLIRContext *ctx = b.getContext();
    auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    Type f32t = f32();
    const int64_t bk = kSimtKeys, qk = c.simtQkStride(),
                  ps = c.simtPStride();
    const int64_t nGroups = c.dv / 4;              // float4 columns of O
    const int64_t nOut = (nGroups + 7) / 8;        // per thread
    Value tid = e.threadId();
    Value warp = e.div(tid, e.idx(kWarp));
    Value rg = e.div(tid, e.idx(8)), cg = e.rem(tid, e.idx(8));

    auto dynTy = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                 MemRefLayoutAttrInterface{}, wg);
    Value smem = gpu::DynamicSharedMemoryOp::create(b, e.loc, dynTy);
    int64_t at = 0;
    auto view = [&](ArrayRef<int64_t> shape) {
      auto ty = MemRefType::get(shape, f32t, MemRefLayoutAttrInterface{}, wg);
      Value v = memref::ViewOp::create(b, e.loc, ty, smem, e.idx(at),
                                       ValueRange{});
      at += ty.getNumElements() * 4;
      return v;
    };
    Value qS = view({kMmaRows, qk});
    Value kS = view({2, bk, qk});
    Value vS = view({2, bk, c.dv});
    Value pS = view({kMmaRows, ps});

    auto issueTile = [&](Value kb, Value stage) {
      return issueKvTile(f, tid, kS, vS, bk, kb, stage);
    };
    Value kbBegin, kbEnd;
    std::tie(kbBegin, kbEnd) = keyRange(f, bk);
    issueFirst(f, tid, qS, kbBegin, kbEnd, issueTile);
    Value warpLive = e.cmp(arith::CmpIPredicate::ult,
                           e.add(f.rowBlockStart, e.mul(warp, e.idx(16))),
                           f.sq);

    auto vec4 = vec({4}, f32t);
    auto ld4 = [&](Value m, ValueRange ivs) {
      return vector::LoadOp::create(b, e.loc, vec4, m, ivs,
                                    /*nontemporal=*/false, llvm::Align(16))
          .getResult();
    };
    Value zero = e.f32(0.0);
    Value zero4 = arith::ConstantOp::create(
        b, e.loc, DenseElementsAttr::get(vec4, 0.0f));
    Value localRow[4], row[4];
    for (int64_t i = 0; i < 4; ++i) {
      localRow[i] = e.add(e.mul(rg, e.idx(4)), e.idx(i));
      row[i] = e.add(f.rowBlockStart, localRow[i]);
    }
    // O column group m of this thread, and whether it exists (Dv / 4 need
    // not be a multiple of 8).
    auto group = [&](int64_t m) { return e.add(cg, e.idx(8 * m)); };
    auto groupOk = [&](int64_t m) {
      return e.cmp(arith::CmpIPredicate::ult, group(m), e.idx(nGroups));
    };

    // Loop state: O (4 rows x nOut float4), row maxima (base 2), per-thread
    // partial row sums.
    SmallVector<Value> init(4 * nOut, zero4);
    for (int64_t i = 0; i < 4; ++i)
      init.push_back(e.negInf());
    for (int64_t i = 0; i < 4; ++i)
      init.push_back(zero);

    auto computeBlock = [&](Value kb, Value stage,
                            ValueRange it) -> SmallVector<Value> {
      // S = Q K^T for rows 4 rg + i and keys cg + 8 j.
      SmallVector<Value> sInit(16, zero);
      SmallVector<Value> sAcc = e.forLoopIter(
          e.idx(0), e.idx(c.d / 4), e.idx(1), sInit,
          [&](Value d4, ValueRange acc) -> SmallVector<Value> {
            Value col = e.mul(d4, e.idx(4));
            Value qv[4], kv[4];
            for (int64_t i = 0; i < 4; ++i)
              qv[i] = ld4(qS, {localRow[i], col});
            for (int64_t j = 0; j < 4; ++j)
              kv[j] = ld4(kS, {stage, e.add(cg, e.idx(8 * j)), col});
            SmallVector<Value> out(acc);
            for (int64_t x = 0; x < 4; ++x)
              for (int64_t i = 0; i < 4; ++i) {
                Value qx = e.extract(qv[i], {x});
                for (int64_t j = 0; j < 4; ++j)
                  out[4 * i + j] = math::FmaOp::create(
                      b, e.loc, qx, e.extract(kv[j], {x}), out[4 * i + j]);
              }
            return out;
          });
      Value key0 = e.mul(kb, e.idx(bk));
      Value needBias = e.cmp(arith::CmpIPredicate::sgt,
                             e.add(key0, e.idx(bk)), f.sk);
      if (c.causal)
        needBias = arith::OrIOp::create(
            b, e.loc, needBias,
            e.cmp(arith::CmpIPredicate::sgt, e.add(key0, e.idx(bk - 1)),
                  e.add(f.rowBlockStart, f.causalOff)));
      if (c.mask)
        needBias = arith::ConstantOp::create(b, e.loc, b.getBoolAttr(true));
      SmallVector<Type> sTypes(16, f32t);
      SmallVector<Value> sv = e.ifElse(
          needBias, sTypes,
          [&] {
            SmallVector<Value> out;
            for (int64_t i = 0; i < 4; ++i)
              for (int64_t j = 0; j < 4; ++j)
                out.push_back(biased(f, sAcc[4 * i + j], row[i],
                                     e.add(key0, e.add(cg, e.idx(8 * j)))));
            return out;
          },
          [&] {
            SmallVector<Value> out;
            Value sc = scale2();
            for (Value x : sAcc)
              out.push_back(e.fmul(x, sc));
            return out;
          });
      // Online softmax per row; P to shared memory for the warp.
      SmallVector<Value> next(4 * nOut);
      SmallVector<Value> mNew(4), lNew(4);
      for (int64_t i = 0; i < 4; ++i) {
        Value mx = e.negInf();
        for (int64_t j = 0; j < 4; ++j)
          mx = e.fmax(mx, sv[4 * i + j]);
        for (int32_t m = 1; m < 8; m *= 2)
          mx = e.fmax(mx, e.shflXor(mx, m));
        Value mOld = it[4 * nOut + i];
        mNew[i] = e.fmax(mOld, mx);
        Value ref = e.select(
            e.fcmp(arith::CmpFPredicate::OEQ, mNew[i], e.negInf()), zero,
            mNew[i]);
        Value alpha = e.exp2(e.fsub(mOld, ref));
        Value sum = zero;
        for (int64_t j = 0; j < 4; ++j) {
          Value p = e.exp2(e.fsub(sv[4 * i + j], ref));
          sum = e.fadd(sum, p);
          memref::StoreOp::create(b, e.loc, p, pS,
                                  ValueRange{localRow[i],
                                             e.add(cg, e.idx(8 * j))});
        }
        lNew[i] = math::FmaOp::create(b, e.loc, it[4 * nOut + 4 + i], alpha,
                                      sum);
        Value alpha4 = vector::BroadcastOp::create(b, e.loc, vec4, alpha);
        for (int64_t m = 0; m < nOut; ++m)
          next[nOut * i + m] =
              arith::MulFOp::create(b, e.loc, it[nOut * i + m], alpha4);
      }
      // The warp's P rows are written by its own lanes only.
      NVVM::SyncWarpOp::create(b, e.loc, e.i32(-1));
      // O += P V.
      SmallVector<Value> o = e.forLoopIter(
          e.idx(0), e.idx(bk), e.idx(1), next,
          [&](Value j, ValueRange acc) -> SmallVector<Value> {
            SmallVector<Value> out(acc);
            Value p[4];
            for (int64_t i = 0; i < 4; ++i)
              p[i] = vector::BroadcastOp::create(
                  b, e.loc, vec4, e.load(pS, {localRow[i], j}));
            for (int64_t m = 0; m < nOut; ++m) {
              // A group past Dv / 4 reads group 0 (in bounds) and is never
              // stored.
              Value g = e.select(groupOk(m), group(m), e.idx(0));
              Value vv = ld4(vS, {stage, j, e.mul(g, e.idx(4))});
              for (int64_t i = 0; i < 4; ++i)
                out[nOut * i + m] = math::FmaOp::create(b, e.loc, p[i], vv,
                                                        acc[nOut * i + m]);
            }
            return out;
          });
      // (The next block's P is written after keyLoop's CTA barrier.)
      SmallVector<Value> res(o);
      res.append(mNew.begin(), mNew.end());
      res.append(lNew.begin(), lNew.end());
      return res;
    };

    SmallVector<Value> res =
        keyLoop(kbBegin, kbEnd, init, warpLive, issueTile, computeBlock);

    // Split-K: unnormalized O and, from the first lane of each row group,
    // the row's (maximum, sum), for buildCombine.
    if (f.splits) {
      Value splitRow0 = e.mul(
          e.add(e.mul(f.split, e.mul(f.bDim, f.hDim)), f.bh), f.sq);
      Value groupLead = e.cmp(arith::CmpIPredicate::eq, cg, e.idx(0));
      for (int64_t i = 0; i < 4; ++i) {
        Value l = res[4 * nOut + 4 + i];
        for (int32_t m = 1; m < 8; m *= 2)
          l = e.fadd(l, e.shflXor(l, m));
        e.ifThen(e.cmp(arith::CmpIPredicate::ult, row[i], f.sq), [&] {
          Value at = e.add(splitRow0, row[i]);
          for (int64_t m = 0; m < nOut; ++m)
            e.ifThen(groupOk(m), [&] {
              vector::StoreOp::create(
                  b, e.loc, res[nOut * i + m], f.oPart,
                  ValueRange{e.add(e.mul(at, e.idx(c.dv)),
                                   e.mul(group(m), e.idx(4)))},
                  /*nontemporal=*/false, llvm::Align(16));
            });
          e.ifThen(groupLead, [&] {
            Value pair =
                e.fromElements(vec({2}, f32t), {res[4 * nOut + i], l});
            vector::StoreOp::create(b, e.loc, pair, f.ml,
                                    ValueRange{e.mul(at, e.idx(2))},
                                    /*nontemporal=*/false, llvm::Align(8));
          });
        });
      }
      return;
    }

    // O / l (0 for fully hidden rows) as float4 stores.
    for (int64_t i = 0; i < 4; ++i) {
      Value l = res[4 * nOut + 4 + i];
      for (int32_t m = 1; m < 8; m *= 2)
        l = e.fadd(l, e.shflXor(l, m));
      Value inv = e.select(e.fcmp(arith::CmpFPredicate::OGT, l, zero),
                           e.fdiv(e.f32(1.0), l), zero);
      Value inv4 = vector::BroadcastOp::create(b, e.loc, vec4, inv);
      e.ifThen(e.cmp(arith::CmpIPredicate::ult, row[i], f.sq), [&] {
        for (int64_t m = 0; m < nOut; ++m)
          e.ifThen(groupOk(m), [&] {
            vector::StoreOp::create(
                b, e.loc, arith::MulFOp::create(b, e.loc, res[nOut * i + m],
                                                inv4),
                f.out,
                ValueRange{f.batch, f.head, row[i],
                           e.mul(group(m), e.idx(4))},
                /*nontemporal=*/false, llvm::Align(16));
          });
      });
    }
  }

  //===--------------------------------------------------------------------===//
  // Tensor-core kernel.
  //===--------------------------------------------------------------------===//
  VectorType vec(ArrayRef<int64_t> shape, Type t) {
    return VectorType::get(shape, t);
  }

  /// D (16x8, f32) += A (16x16) * B (16x8) on tensor cores.
  Value mma(Value a, Value bb, Value acc) {
    return e.mmaSync(c.elem, a, bb, acc);
  }

  std::array<Value, 2> loadBFragments(Value smem, ValueRange ivs,
                                      bool transpose) {
    return e.ldmatrixB(c.elem, smem, ivs, transpose);
  }

  /// 16-byte cp.async copies of `rows` rows of `width` elements from
  /// src[b, head, first + r, :] (rows past `limit` zero-filled, the address
  /// clamped) to dst[prefix..., r, :], spread over the CTA's threads. A last
  /// round that not every thread has (rows x width x element bytes / 16 not
  /// a multiple of 128) is guarded; its copies' tokens are not needed, as a
  /// group commits every copy issued before it.
  void copyTileRows(const KernelFrame &f, Value tid, Value src, Value head,
                    Value first, Value limit, Value dst, ValueRange prefix,
                    int64_t rows, int64_t width, SmallVector<Value> &toks) {
    auto tokTy = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    int64_t perChunk = 16 / (c.elem.getIntOrFloatBitWidth() / 8);
    int64_t perRow = width / perChunk, total = rows * perRow;
    Value last = e.sub(limit, e.idx(1));
    for (int64_t it = 0; it * kThreads < total; ++it) {
      Value chunk = e.add(tid, e.idx(it * kThreads));
      auto copy = [&]() {
        Value row = e.div(chunk, e.idx(perRow));
        Value col = e.mul(e.rem(chunk, e.idx(perRow)), e.idx(perChunk));
        Value at = e.add(first, row);
        Value ok = e.cmp(arith::CmpIPredicate::ult, at, limit);
        Value n = e.select(ok, e.idx(perChunk), e.idx(0));
        SmallVector<Value> dstIdx(prefix);
        dstIdx.append({row, col});
        return nvgpu::DeviceAsyncCopyOp::create(
                   b, e.loc, tokTy, dst, dstIdx, src,
                   ValueRange{f.batch, head, e.minS(at, last), col},
                   b.getIndexAttr(perChunk), n, b.getUnitAttr())
            .getResult();
      };
      if ((it + 1) * kThreads <= total)
        toks.push_back(copy());
      else
        e.ifThen(e.cmp(arith::CmpIPredicate::ult, chunk, e.idx(total)),
                 [&] { copy(); });
    }
  }

  /// Copies key block `kb` of K and V (tiles of `bk` keys) into stage
  /// `stage` of kS / vS and commits them, with any copies issued before, as
  /// one cp.async group.
  Value issueKvTile(const KernelFrame &f, Value tid, Value kS, Value vS,
                    int64_t bk, Value kb, Value stage) {
    SmallVector<Value> toks;
    Value key0 = e.mul(kb, e.idx(bk));
    copyTileRows(f, tid, f.k, f.kvHead, key0, f.sk, kS, {stage}, bk, c.d,
                 toks);
    copyTileRows(f, tid, f.v, f.kvHead, key0, f.sk, vS, {stage}, bk, c.dv,
                 toks);
    return nvgpu::DeviceAsyncCreateGroupOp::create(
               b, e.loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()),
               toks)
        .getResult();
  }

  /// Before the key loop, when it has a block: the CTA's Q rows into `qS`
  /// (when Q lives in shared memory; rows past Sq zero-filled), committed
  /// with the first block's K/V tile.
  void issueFirst(const KernelFrame &f, Value tid, Value qS, Value begin,
                  Value end, function_ref<Value(Value, Value)> issueTile) {
    e.ifThen(e.cmp(arith::CmpIPredicate::slt, begin, end), [&] {
      if (qS) {
        SmallVector<Value> unused;
        copyTileRows(f, tid, f.q, f.head, f.rowBlockStart, f.sq, qS, {},
                     kMmaRows, c.d, unused);
      }
      issueTile(begin, e.rem(begin, e.idx(2)));
    });
  }

  /// acc[2 np + h] += a * B for each pair np of 8-column tiles, the pair's
  /// two B fragments from one ldmatrix x4 at `ivs(np)` in `smem`.
  void mmaTilePairs(Value a, MutableArrayRef<Value> acc, Value smem,
                    bool transpose,
                    function_ref<SmallVector<Value>(int64_t)> ivs) {
    for (int64_t np = 0; np < int64_t(acc.size()) / 2; ++np) {
      auto bFrags = loadBFragments(smem, ivs(np), transpose);
      for (int64_t h = 0; h < 2; ++h)
        acc[2 * np + h] = mma(a, bFrags[h], acc[2 * np + h]);
    }
  }

  void buildMma(const KernelFrame &f) {
    Type t = c.elem;
    MLIRContext *ctx = b.getContext();
    auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    int64_t pk = c.d + kPad, pv = c.dv + kPad;
    const int64_t bk = c.blockKeys(); // keys per K/V tile
    int64_t nTiles = bk / 8;          // 8-key column tiles of S
    int64_t nOut = c.dv / 8;       // 8-column tiles of O

    Value tid = e.threadId();
    Value warp = e.div(tid, e.idx(kWarp));
    Value lane = e.rem(tid, e.idx(kWarp));
    Value g = e.div(lane, e.idx(4));
    Value t4 = e.mul(e.rem(lane, e.idx(4)), e.idx(2)); // 2 * (lane % 4)
    Value r0 = e.add(e.add(f.rowBlockStart, e.mul(warp, e.idx(16))), g);
    Value r1 = e.add(r0, e.idx(8));
    Value lastRow = e.sub(f.sq, e.idx(1));

    // Shared memory: K and V tiles, two stages each, rows padded by 16 bytes
    // so that the 8 row addresses of an ldmatrix hit distinct banks.
    auto dynTy = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                 MemRefLayoutAttrInterface{}, wg);
    Value smem = gpu::DynamicSharedMemoryOp::create(b, e.loc, dynTy);
    auto kTy = MemRefType::get({2, bk, pk}, t,
                               MemRefLayoutAttrInterface{}, wg);
    auto vTy = MemRefType::get({2, bk, pv}, t,
                               MemRefLayoutAttrInterface{}, wg);
    Value kS = memref::ViewOp::create(b, e.loc, kTy, smem, e.idx(0),
                                      ValueRange{});
    Value vS = memref::ViewOp::create(b, e.loc, vTy, smem,
                                      e.idx(2 * bk * pk * 2),
                                      ValueRange{});
    // Wide heads: the CTA's Q rows after the K/V stages, padded alike.
    Value qS;
    if (c.qInShared())
      qS = memref::ViewOp::create(
          b, e.loc,
          MemRefType::get({kMmaRows, pk}, t, MemRefLayoutAttrInterface{}, wg),
          smem, e.idx(2 * bk * (pk + pv) * 2), ValueRange{});

    // Q fragments, loaded once from global memory into registers (heads up
    // to 128; wider ones read them from shared memory in each block).
    SmallVector<Value> qFrag;
    Value q0 = e.minS(r0, lastRow), q1 = e.minS(r1, lastRow);
    for (int64_t kk = 0; kk < (c.qInShared() ? 0 : c.d / 16); ++kk) {
      Value c0 = e.add(t4, e.idx(kk * 16));
      Value c1 = e.add(c0, e.idx(8));
      // Column pairs start at even columns of rows of D (a multiple of 16)
      // elements, in buffers aligned to 16 bytes (gpu.alloc; the device
      // entry checks its pointers): one 4-byte load per pair.
      auto ld = [&](Value row, Value col) {
        return vector::LoadOp::create(b, e.loc, vec({2}, t), f.q,
                                      ValueRange{f.batch, f.head, row, col},
                                      /*nontemporal=*/false, llvm::Align(4))
            .getResult();
      };
      SmallVector<Value> parts{ld(q0, c0), ld(q1, c0), ld(q0, c1),
                               ld(q1, c1)};
      SmallVector<Value> elems;
      for (Value p : parts)
        for (int64_t i = 0; i < 2; ++i)
          elems.push_back(e.extract(p, {i}));
      qFrag.push_back(e.fromElements(vec({4, 2}, t), elems));
    }

    auto issueTile = [&](Value kb, Value stage) {
      return issueKvTile(f, tid, kS, vS, bk, kb, stage);
    };

    Value kbBegin, kbEnd;
    std::tie(kbBegin, kbEnd) = keyRange(f, bk);
    issueFirst(f, tid, qS, kbBegin, kbEnd, issueTile);
    // Whether this warp has a row below Sq; null when every warp always
    // has (static Sq, a multiple of the CTA's rows).
    Value warpLive;
    if (ShapedType::isDynamic(c.q.getDimSize(2)) ||
        c.q.getDimSize(2) % kMmaRows != 0)
      warpLive = e.cmp(arith::CmpIPredicate::ult,
                       e.add(f.rowBlockStart, e.mul(warp, e.idx(16))), f.sq);

    Value zero = e.f32(0.0);
    Value zeroAcc = arith::ConstantOp::create(
        b, e.loc, DenseElementsAttr::get(vec({2, 2}, f32()), 0.0f));
    // Loop state: O tiles, running max (rows g, g+8), per-thread partial
    // running sums (rows g, g+8; reduced across the quad at the end).
    SmallVector<Value> init(nOut, zeroAcc);
    init.append({e.negInf(), e.negInf(), zero, zero});
    // ldmatrix row address of this lane in the warp's 16 Q rows (wide heads).
    Value qLdRow, qLdCol;
    if (qS) {
      qLdRow = e.add(e.add(e.mul(warp, e.idx(16)), e.rem(lane, e.idx(8))),
                     e.mul(e.rem(e.div(lane, e.idx(8)), e.idx(2)), e.idx(8)));
      qLdCol = e.mul(e.div(lane, e.idx(16)), e.idx(8));
    }
    // One key block: S = Q K^T, online softmax, O += P V; `it` is the loop
    // state, the result the next one.
    auto computeBlock = [&](Value kb, Value stage,
                            ValueRange it) -> SmallVector<Value> {
      // S = Q K^T: 8 column tiles of 8 keys.
      SmallVector<Value> sAcc(nTiles, zeroAcc);
      Value keyRowInPair =
          e.add(e.mul(e.div(lane, e.idx(16)), e.idx(8)),
                e.rem(lane, e.idx(8)));
      Value colHalf = e.mul(e.rem(e.div(lane, e.idx(8)), e.idx(2)),
                            e.idx(8));
      for (int64_t kk = 0; kk < c.d / 16; ++kk) {
        // Wide heads: the A fragment of Q's k-step from shared memory, one
        // ldmatrix x4 (matrices: rows 0-7 / 8-15 of the warp's 16, columns
        // 0-7 / 8-15 of the step: a[0..3] in order).
        Value qA = qS ? nvgpu::LdMatrixOp::create(
                            b, e.loc, vec({4, 2}, t), qS,
                            ValueRange{qLdRow, e.add(qLdCol, e.idx(kk * 16))},
                            /*transpose=*/false, /*numTiles=*/4)
                            .getResult()
                      : qFrag[kk];
        mmaTilePairs(qA, sAcc, kS, /*transpose=*/false, [&](int64_t np) {
          return SmallVector<Value>{stage,
                                    e.add(keyRowInPair, e.idx(np * 16)),
                                    e.add(colHalf, e.idx(kk * 16))};
        });
      }
      // Scores as scalars: s[4n + 2i + j] = S[row g + 8i][key 8n+t4+j].
      SmallVector<Value> raw;
      for (int64_t n = 0; n < nTiles; ++n)
        for (int64_t i = 0; i < 2; ++i)
          for (int64_t j = 0; j < 2; ++j)
            raw.push_back(e.extract(sAcc[n], {i, j}));
      Value key0 = e.mul(kb, e.idx(bk));
      // The kernel for D, Dv <= 64 without causal or mask fits 127
      // registers (4 CTAs per SM). Folding the scale into exp2's fma
      // (a multiply and a subtraction fewer per score) and lazy
      // rescaling (below) each cost ptxas 13.0 registers there: 131
      // (3 CTAs per SM), or 128 and a 4-byte spill. That kernel keeps
      // its occupancy until a GPU says which is faster; the others stay
      // on the same side of 128 or are above it anyway.
      bool registerTight =
          c.d <= 64 && c.dv <= 64 && !c.causal && !c.mask;
      bool foldScale = c.scale > 0 && !registerTight;
      // Bias only where needed: a block past Sk, crossing the causal
      // diagonal, or any block when there is a mask.
      Value needBias = e.cmp(arith::CmpIPredicate::sgt,
                             e.add(key0, e.idx(bk)), f.sk);
      if (c.causal)
        needBias = arith::OrIOp::create(
            b, e.loc, needBias,
            e.cmp(arith::CmpIPredicate::sgt,
                  e.add(key0, e.idx(bk - 1)),
                  e.add(f.rowBlockStart, f.causalOff)));
      if (c.mask)
        needBias = arith::ConstantOp::create(b, e.loc, b.getBoolAttr(true));
      SmallVector<Type> sTypes(raw.size(), f32());
      SmallVector<Value> s = e.ifElse(
          needBias, sTypes,
          [&] {
            SmallVector<Value> out;
            for (int64_t n = 0; n < nTiles; ++n)
              for (int64_t i = 0; i < 2; ++i)
                for (int64_t j = 0; j < 2; ++j)
                  out.push_back(biased(
                      f, raw[4 * n + 2 * i + j], i ? r1 : r0,
                      e.add(key0, e.add(t4, e.idx(8 * n + j))),
                      foldScale));
            return out;
          },
          [&] {
            // With a positive scale the scores stay unscaled (the bias
            // above is divided by the scale): the scale is folded into
            // the row maximum and into exp2's argument (one fma per score
            // instead of a multiply and a subtraction).
            if (foldScale)
              return raw;
            SmallVector<Value> out;
            Value sc = scale2();
            for (Value x : raw)
              out.push_back(e.fmul(x, sc));
            return out;
          });
      // s * k is the scaled, biased score in base 2.
      Value k = foldScale ? scale2() : e.f32(1.0);

      // Online softmax, rows g (i = 0) and g + 8 (i = 1).
      Value alpha[2], ref[2], mNew[2], negRef[2];
      for (int64_t i = 0; i < 2; ++i) {
        Value mx = e.negInf();
        for (int64_t n = 0; n < nTiles; ++n)
          for (int64_t j = 0; j < 2; ++j)
            mx = e.fmax(mx, s[4 * n + 2 * i + j]);
        mx = e.fmax(mx, e.shflXor(mx, 1));
        mx = e.fmax(mx, e.shflXor(mx, 2));
        if (foldScale)
          mx = e.fmul(mx, k); // k > 0: the maximum of s * k
        mNew[i] = e.fmax(it[nOut + i], mx);
      }
      // Lazy rescaling (FA3): the reference maximum of a row moves only
      // when some row of the warp grew by more than 8 (a factor 256 in
      // base 2); otherwise the stale one stays, p <= 2^8 (no overflow,
      // exact in f16/bf16 range), and O and l need no rescaling. O / l
      // at the end is the same quotient whichever reference was used.
      // The vote keeps the branch uniform across the warp.
      Value changed = arith::OrIOp::create(
          b, e.loc,
          e.fcmp(arith::CmpFPredicate::UGT, mNew[0],
                 e.fadd(it[nOut], e.f32(kLazyRescale))),
          e.fcmp(arith::CmpFPredicate::UGT, mNew[1],
                 e.fadd(it[nOut + 1], e.f32(kLazyRescale))));
      Value anyChanged =
          registerTight
              ? arith::ConstantOp::create(b, e.loc, b.getBoolAttr(true))
                    .getResult()
              : NVVM::VoteSyncOp::create(b, e.loc, b.getI1Type(),
                                         e.i32(-1), changed,
                                         NVVM::VoteSyncKind::any)
                    .getResult();
      for (int64_t i = 0; i < 2; ++i) {
        mNew[i] = e.select(anyChanged, mNew[i], it[nOut + i]);
        ref[i] = e.select(
            e.fcmp(arith::CmpFPredicate::OEQ, mNew[i], e.negInf()), zero,
            mNew[i]);
        negRef[i] = arith::NegFOp::create(b, e.loc, ref[i]);
      }
      SmallVector<Value> p(s.size());
      Value lSum[2] = {zero, zero};
      for (int64_t n = 0; n < nTiles; ++n)
        for (int64_t i = 0; i < 2; ++i)
          for (int64_t j = 0; j < 2; ++j) {
            int64_t at = 4 * n + 2 * i + j;
            p[at] = e.exp2(math::FmaOp::create(b, e.loc, s[at], k,
                                               negRef[i]));
            lSum[i] = e.fadd(lSum[i], p[at]);
          }
      // O and l are rescaled by alpha = exp2(m_old - ref) only when the
      // references moved.
      SmallVector<Type> oTypes;
      for (int64_t n = 0; n < nOut; ++n)
        oTypes.push_back(it[n].getType());
      oTypes.append({f32(), f32()});
      SmallVector<Value> rescaled = e.ifElse(
          anyChanged, oTypes,
          [&] {
            Value a[2];
            for (int64_t i = 0; i < 2; ++i)
              a[i] = e.exp2(e.fsub(it[nOut + i], ref[i]));
            Value alphaVec = e.fromElements(vec({2, 2}, f32()),
                                            {a[0], a[0], a[1], a[1]});
            SmallVector<Value> out;
            for (int64_t n = 0; n < nOut; ++n)
              out.push_back(
                  arith::MulFOp::create(b, e.loc, it[n], alphaVec));
            out.append({a[0], a[1]});
            return out;
          },
          [&] {
            SmallVector<Value> out(it.begin(), it.begin() + nOut);
            out.append({e.f32(1.0), e.f32(1.0)});
            return out;
          });
      SmallVector<Value> o(rescaled.begin(), rescaled.begin() + nOut);
      alpha[0] = rescaled[nOut];
      alpha[1] = rescaled[nOut + 1];

      // O += P V: P's A fragments are S's C fragments, narrowed.
      Value vKeyRow = e.add(e.mul(e.rem(e.div(lane, e.idx(8)), e.idx(2)),
                                  e.idx(8)),
                            e.rem(lane, e.idx(8)));
      Value vColHalf = e.mul(e.div(lane, e.idx(16)), e.idx(8));
      for (int64_t kk = 0; kk < bk / 16; ++kk) {
        SmallVector<Value> pe;
        // a[0] = tile 2kk row g, a[1] = tile 2kk row g+8,
        // a[2] = tile 2kk+1 row g, a[3] = tile 2kk+1 row g+8.
        for (int64_t tile : {2 * kk, 2 * kk + 1})
          for (int64_t i = 0; i < 2; ++i)
            for (int64_t j = 0; j < 2; ++j)
              pe.push_back(e.narrow(p[4 * tile + 2 * i + j], t));
        Value pFrag = e.fromElements(vec({4, 2}, t), pe);
        mmaTilePairs(pFrag, o, vS, /*transpose=*/true, [&](int64_t np) {
          return SmallVector<Value>{stage, e.add(vKeyRow, e.idx(kk * 16)),
                                    e.add(vColHalf, e.idx(np * 16))};
        });
      }
      SmallVector<Value> next;
      next.append(o.begin(), o.end());
      next.append({mNew[0], mNew[1],
                   math::FmaOp::create(b, e.loc, it[nOut + 2], alpha[0],
                                       lSum[0]),
                   math::FmaOp::create(b, e.loc, it[nOut + 3], alpha[1],
                                       lSum[1])});
      return next;
    };

    SmallVector<Value> res =
        keyLoop(kbBegin, kbEnd, init, warpLive, issueTile, computeBlock);

    if (f.splits) {
      // Split-K: the unnormalized O rows in f32 and, from one lane of each
      // quad, the row's reference maximum (base 2, scaled; -inf when the
      // share saw no key) and its sum, for buildCombine.
      Value bhAll = e.mul(f.bDim, f.hDim);
      Value splitRow0 = e.mul(e.add(e.mul(f.split, bhAll), f.bh), f.sq);
      Value quadLead =
          e.cmp(arith::CmpIPredicate::eq, e.rem(lane, e.idx(4)), e.idx(0));
      for (int64_t i = 0; i < 2; ++i) {
        Value l = res[nOut + 2 + i];
        l = e.fadd(l, e.shflXor(l, 1));
        l = e.fadd(l, e.shflXor(l, 2));
        Value row = i ? r1 : r0;
        e.ifThen(e.cmp(arith::CmpIPredicate::ult, row, f.sq), [&] {
          Value at = e.add(splitRow0, row);
          Value oRow = e.mul(at, e.idx(c.dv));
          for (int64_t n = 0; n < nOut; ++n)
            vector::StoreOp::create(
                b, e.loc, e.extract(res[n], {i}), f.oPart,
                ValueRange{e.add(oRow, e.add(t4, e.idx(8 * n)))},
                /*nontemporal=*/false, llvm::Align(8));
          e.ifThen(quadLead, [&] {
            Value pair = e.fromElements(vec({2}, f32()), {res[nOut + i], l});
            vector::StoreOp::create(b, e.loc, pair, f.ml,
                                    ValueRange{e.mul(at, e.idx(2))},
                                    /*nontemporal=*/false, llvm::Align(8));
          });
        });
      }
      return;
    }

    // O / l, rows past Sq not stored; fully hidden rows (l = 0) give 0.
    for (int64_t i = 0; i < 2; ++i) {
      Value l = res[nOut + 2 + i];
      l = e.fadd(l, e.shflXor(l, 1));
      l = e.fadd(l, e.shflXor(l, 2));
      Value inv = e.select(e.fcmp(arith::CmpFPredicate::OGT, l, zero),
                           e.fdiv(e.f32(1.0), l), zero);
      Value row = i ? r1 : r0;
      e.ifThen(e.cmp(arith::CmpIPredicate::ult, row, f.sq), [&] {
        Value invVec = vector::BroadcastOp::create(b, e.loc, vec({2}, f32()),
                                                   inv);
        for (int64_t n = 0; n < nOut; ++n) {
          Value pair = arith::MulFOp::create(b, e.loc,
                                             e.extract(res[n], {i}), invVec);
          Value narrowed =
              arith::TruncFOp::create(b, e.loc, vec({2}, t), pair);
          vector::StoreOp::create(
              b, e.loc, narrowed, f.out,
              ValueRange{f.batch, f.head, row, e.add(t4, e.idx(8 * n))},
              /*nontemporal=*/false, llvm::Align(4));
        }
      });
    }
  }
};

/// Reads the configuration off a launcher declaration.
bool readConf(func::FuncOp decl, SdpaConf &c) {
  auto dict = decl->getAttrOfType<DictionaryAttr>(kGpuSdpaAttr);
  FunctionType ft = decl.getFunctionType();
  if (!dict || ft.getNumResults() != 0 ||
      (ft.getNumInputs() != 4 && ft.getNumInputs() != 5))
    return false;
  SmallVector<MemRefType> ts;
  for (Type t : ft.getInputs()) {
    auto mt = dyn_cast<MemRefType>(t);
    if (!mt || mt.getRank() != 4 || !mt.getLayout().isIdentity())
      return false;
    ts.push_back(mt);
  }
  c.q = ts[0];
  c.k = ts[1];
  c.v = ts[2];
  c.mask = ts.size() == 5 ? ts[3] : MemRefType();
  c.out = ts.back();
  c.elem = c.q.getElementType();
  c.d = c.q.getDimSize(3);
  c.dv = c.v.getDimSize(3);
  if (ShapedType::isDynamic(c.d) || ShapedType::isDynamic(c.dv))
    return false;
  c.causal = dict.contains("causal");
  auto scale = dict.getAs<FloatAttr>("scale");
  if (!scale)
    return false;
  c.scale = scale.getValueAsDouble();
  return true;
}

/// The kernels of one attn.sdpa: the whole one, and (null when not built)
/// the split-K one with its combination.
struct Kernels {
  gpu::GPUFuncOp whole, split, combine;
};

/// The runtime's choice of splits (runtime/cuda: attnCudaSdpaSplits).
constexpr const char *kSplitsFn = "attnCudaSdpaSplits";

/// Decode with grouped query heads (Sq = 1, H = G x Hkv, G > 1) on the
/// tensor-core or SIMT kernel: the G query heads of a kv head are G rows of
/// one problem. q [B, H, 1, D] is q' [B, Hkv, G, D] in the same memory, and
/// so are the result and a mask with H heads, so the kernels run on that
/// view: one CTA per kv head with G live rows (K and V read once for the
/// group, 1/G of the work) instead of G CTAs with one live row each.
/// Causal hides nothing at Sq = 1 (bottom-right aligned). Needs static
/// shapes but for the batch (and Sk), and a mask (if any) with all H heads.
bool packGroups(const SdpaConf &c, SdpaConf &kc) {
  auto staticButBatch = [](MemRefType t) {
    return !t.isDynamicDim(1) && !t.isDynamicDim(2) && !t.isDynamicDim(3);
  };
  if (!(c.useTensorCores() || c.useSimt()) || !staticButBatch(c.q) ||
      !staticButBatch(c.out) || c.q.getDimSize(2) != 1)
    return false;
  int64_t bDim = c.q.getDimSize(0), h = c.q.getDimSize(1);
  int64_t hkv = c.k.getDimSize(1);
  if (ShapedType::isDynamic(hkv) || hkv <= 0 || h % hkv != 0 || h == hkv)
    return false;
  int64_t g = h / hkv;
  if (c.mask && (!staticButBatch(c.mask) || c.mask.getDimSize(1) != h))
    return false;
  kc = c;
  kc.q = MemRefType::get({bDim, hkv, g, c.d}, c.elem);
  kc.out = MemRefType::get({bDim, hkv, g, c.dv}, c.elem);
  if (c.mask)
    kc.mask = MemRefType::get(
        {c.mask.getDimSize(0), hkv, g, c.mask.getDimSize(3)},
        c.mask.getElementType());
  kc.causal = false;
  return true;
}

/// The kernel's argument types for a configuration.
FunctionType kernelType(Builder &b, const SdpaConf &c) {
  SmallVector<Type> in{c.q, c.k, c.v};
  if (c.mask)
    in.push_back(c.mask);
  in.push_back(c.out);
  return b.getFunctionType(in, {});
}

struct BuildGpuKernelsPass
    : public attn::impl::AttnGpuBuildSdpaKernelsBase<BuildGpuKernelsPass> {
  func::FuncOp splitsFn;

  /// `i64 attnCudaSdpaSplits(i64 ctas, i64 keyBlocks)`, declared once.
  func::FuncOp splitsDecl(ModuleOp module) {
    if (auto fn = module.lookupSymbol<func::FuncOp>(kSplitsFn))
      return fn;
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    Type i64 = b.getI64Type();
    auto fn = func::FuncOp::create(b, module.getLoc(), kSplitsFn,
                                   b.getFunctionType({i64, i64}, {i64}));
    fn.setPrivate();
    return fn;
  }

  /// The SIMT kernel as `.minnctapersm 2`: without a bound ptxas 13 fits
  /// some of them (and their split variants) into 128 registers with 8-48
  /// bytes of spills; with it they take ~160 and spill nothing.
  static void setSimtBounds(gpu::GPUFuncOp k) {
    k->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
               Builder(k.getContext()).getI32IntegerAttr(2));
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    SmallVector<func::FuncOp> decls;
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn.isDeclaration() && fn->hasAttr(kGpuSdpaAttr))
        decls.push_back(fn);
    if (decls.empty())
      return;
    gpu::GPUModuleOp kernels = getOrCreateAttnKernelsModule(module);
    for (func::FuncOp decl : decls) {
      SdpaConf c;
      if (!readConf(decl, c)) {
        decl.emitError("malformed attn GPU launcher declaration");
        return signalPassFailure();
      }
      Location loc = decl.getLoc();
      // The kernels' view of the operands: the launcher's, or for grouped
      // decode the heads of a group packed into rows.
      SdpaConf kc = c;
      bool packed = packGroups(c, kc);
      // The kernel.
      OpBuilder kb(ctx);
      FunctionType kty = kernelType(kb, kc);
      auto kfn = createKernel(kernels, loc, decl.getSymName(), kty, kThreads);
      KernelBuilder(kb, loc, kc).build(kfn);
      if (kc.useSimt())
        setSimtBounds(kfn);
      Kernels ks{kfn, nullptr, nullptr};
      if (kc.splitKeys()) {
        // The split-K kernel: the arguments, then the O parts, the (max,
        // sum) pairs and the number of splits; the combination reads the
        // parts and writes the result.
        auto part = MemRefType::get({ShapedType::kDynamic}, kb.getF32Type());
        Type index = kb.getIndexType();
        SmallVector<Type> args(kty.getInputs());
        args.append({part, part, index});
        ks.split = createKernel(kernels, loc,
                                (decl.getSymName() + "_split").str(),
                                kb.getFunctionType(args, {}), kThreads);
        ks.combine = createKernel(
            kernels, loc, (decl.getSymName() + "_combine").str(),
            kb.getFunctionType({part, part, kc.out, index}, {}), kThreads);
        if (kc.useSimt())
          setSimtBounds(ks.split);
        KernelBuilder(kb, loc, kc).build(ks.split, /*splitK=*/true);
        KernelBuilder(kb, loc, kc).buildCombine(ks.combine);
        splitsFn = splitsDecl(module);
      }

      // The host bodies. The attention of an outlined attn.mha runs on its
      // device buffers: that declaration gets the device body itself.
      if (cast<DictionaryAttr>(decl->getAttr(kGpuSdpaAttr)).contains("device")) {
        emitHost(decl, ks, c, kc, packed, /*deviceBuffers=*/true);
        decl->removeAttr(kGpuSdpaAttr);
        continue;
      }
      emitHost(decl, ks, c, kc, packed, /*deviceBuffers=*/false);
      OpBuilder db(decl);
      db.setInsertionPointAfter(decl);
      auto dev = func::FuncOp::create(db, loc,
                                      (decl.getSymName() + "_device").str(),
                                      decl.getFunctionType());
      dev.setPrivate();
      dev->setAttr(kGpuSdpaAttr, decl->getAttr(kGpuSdpaAttr));
      emitHost(dev, ks, c, kc, packed, /*deviceBuffers=*/true);
      decl->removeAttr(kGpuSdpaAttr);
      dev->removeAttr(kGpuSdpaAttr);
    }
  }

  /// The host side: with `deviceBuffers`, the arguments already live on the
  /// device and only the launches are emitted; otherwise device buffers are
  /// allocated, the inputs copied in, the result copied back and the
  /// buffers freed. Everything is chained by async tokens and waited for.
  /// With a split-K variant the runtime picks the number of splits from the
  /// CTA count, the key blocks and the device's SMs; more than one runs the
  /// split kernel and the combination over device scratch buffers.
  /// `c` describes the launcher's operands, `kc` the kernels' (`packed`:
  /// grouped decode, see packGroups).
  void emitHost(func::FuncOp fn, const Kernels &ks, const SdpaConf &c,
                const SdpaConf &kc, bool packed, bool deviceBuffers) {
    OpBuilder b(fn.getContext());
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Location loc = fn.getLoc();
    GpuEmitter e{{b, loc}};
    SmallVector<Value> hostArgs(entry->getArguments());
    // The operands as the kernels see them: q, the mask and the result
    // reinterpreted (same memory, identity layouts) when packed.
    auto kernelView = [&](ArrayRef<Value> args) {
      SmallVector<Value> out(args);
      if (!packed)
        return out;
      // Only the batch may be dynamic: it is the source's, and the strides
      // (products of the inner sizes) are static.
      auto view = [&](Value m, MemRefType to) {
        SmallVector<OpFoldResult> sizes, strides(to.getRank());
        for (int64_t i = 0; i < to.getRank(); ++i)
          sizes.push_back(to.isDynamicDim(i)
                              ? OpFoldResult(e.dim(m, i))
                              : OpFoldResult(b.getIndexAttr(to.getDimSize(i))));
        int64_t stride = 1;
        for (int64_t i = to.getRank() - 1; i >= 0; --i) {
          strides[i] = b.getIndexAttr(stride);
          stride *= i > 0 ? to.getDimSize(i) : 1;
        }
        return memref::ReinterpretCastOp::create(b, loc, to, m,
                                                 b.getIndexAttr(0), sizes,
                                                 strides)
            .getResult();
      };
      out[0] = view(out[0], kc.q);
      if (c.mask)
        out[3] = view(out[3], kc.mask);
      out.back() = view(out.back(), kc.out);
      return out;
    };
    Value q = kernelView(hostArgs)[0];
    Value bh = e.mul(e.dim(q, 0), e.dim(q, 1));
    Value rowBlocks = e.ceilDiv(e.dim(q, 2), e.idx(kc.rowsPerCta()));
    auto chain = [&](Value splits) {
      emitChain(e, hostArgs, kernelView, ks, kc, deviceBuffers, bh,
                rowBlocks, splits);
    };
    if (!ks.split) {
      chain(Value());
    } else {
      Type i64 = b.getI64Type();
      auto toI64 = [&](Value v) {
        return arith::IndexCastOp::create(b, loc, i64, v).getResult();
      };
      Value keyBlocks =
          e.ceilDiv(e.dim(hostArgs[1], 2), e.idx(kc.blockKeys()));
      Value n = func::CallOp::create(
                    b, loc, splitsFn,
                    ValueRange{toI64(e.mul(bh, rowBlocks)), toI64(keyBlocks)})
                    .getResult(0);
      Value splits = arith::IndexCastOp::create(b, loc, b.getIndexType(), n);
      auto ifOp = scf::IfOp::create(
          b, loc, e.cmp(arith::CmpIPredicate::sgt, splits, e.idx(1)),
          /*withElseRegion=*/true);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      chain(splits);
      b.setInsertionPointToStart(&ifOp.getElseRegion().front());
      chain(Value());
    }
    func::ReturnOp::create(b, loc);
  }

  /// One complete launch sequence, from its own stream to the final wait;
  /// `splits` null for the whole kernel; `kernelView` maps device operands
  /// to the kernels' view of them; `c` is the kernels' configuration.
  void emitChain(
      GpuEmitter &e, ArrayRef<Value> hostArgs,
      function_ref<SmallVector<Value>(ArrayRef<Value>)> kernelView,
      const Kernels &ks, const SdpaConf &c, bool deviceBuffers, Value bh,
      Value rowBlocks, Value splits) {
    OpBuilder &b = e.b;
    Location loc = e.loc;
    DeviceChain chain(e);
    SmallVector<Value> devArgs = chain.operands(hostArgs, deviceBuffers);
    SmallVector<Value> kArgs = kernelView(devArgs);
    Value one = e.idx(1);
    // Empty grids are not launchable: every dimension is at least 1, and
    // the kernels leave CTAs past the data alone.
    Value gy = e.maxS(e.minS(bh, e.idx(kMaxGridY)), one);
    Value gz = e.maxS(e.ceilDiv(bh, e.idx(kMaxGridY)), one);
    Value smemBytes = arith::ConstantOp::create(
        b, loc, b.getI32IntegerAttr(int32_t(c.sharedBytes())));
    gpu::KernelDim3 block{e.idx(kThreads), one, one};
    auto launch = [&](gpu::GPUFuncOp k, Value gx, Value smem,
                      ValueRange args) {
      chain.launch(k, gpu::KernelDim3{gx, gy, gz}, block, smem, args);
    };
    if (!splits) {
      launch(ks.whole, e.maxS(rowBlocks, one), smemBytes, kArgs);
    } else {
      // Scratch: per split, bh and query row, the f32 O row and (m, l).
      Value rows = e.mul(e.mul(splits, bh), e.dim(kArgs[0], 2));
      auto part = MemRefType::get({ShapedType::kDynamic}, b.getF32Type());
      Value oPart = chain.alloc(part, {e.mul(rows, e.idx(c.dv))});
      Value ml = chain.alloc(part, {e.mul(rows, e.idx(2))});
      SmallVector<Value> args(kArgs);
      args.append({oPart, ml, splits});
      launch(ks.split, e.mul(rowBlocks, splits), smemBytes, args);
      launch(ks.combine, e.maxS(e.dim(kArgs[0], 2), one),
             arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)),
             {oPart, ml, kArgs.back(), splits});
    }
    if (!deviceBuffers)
      chain.copy(hostArgs.back(), devArgs.back());
    chain.finish();
  }
};

} // namespace
