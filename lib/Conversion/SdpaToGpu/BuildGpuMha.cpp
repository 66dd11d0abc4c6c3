//===- BuildGpuMha.cpp - GPU projection kernels + host code for attn.mha --===//
//
// Second step of the NVVM pipeline for attn.mha (see Passes.td), after
// bufferization and before attn-gpu-build-sdpa-kernels: each launcher
// declaration `@__attn_gpu_mha_<n>(x, wq, wk, wv, wo, [bq, bk, bv, bo],
// [memory], [mask], out)` left by attn-gpu-outline-mha gets
//   * four GEMM kernels (Q, K, V projections, output projection) in the
//     gpu.module of the attn kernels;
//   * a device-buffer launcher declaration `<n>_sdpa` for its attention,
//     which attn-gpu-build-sdpa-kernels builds;
//   * a host body (device buffers, copies, the launches in order, the copy
//     back) and `<n>_device`, the launches alone on device buffers.
//
// Arithmetic: f32 accumulation everywhere, and by default f32 Q, K, V and
// head outputs: the layer is the cpu pipeline's (attn-decompose-mha) to f32
// rounding; f16/bf16 inputs reach tensor cores in the Q, K, V projections
// (exact products). With lowp-intermediates an f16/bf16 layer keeps Q, K, V
// and the head outputs in its type, as PyTorch does, so that every
// projection and the attention run on tensor cores, at the cost of those
// roundings.
//
//===----------------------------------------------------------------------===//
#include "attn/Conversion/Passes.h"

#include "GpuEmitter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include <optional>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_ATTNGPUBUILDMHAKERNELS
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

constexpr int64_t kGemmThreads = 128; // 4 warps
constexpr int64_t kTileM = 64;        // output rows per CTA
constexpr int64_t kTileN = 64;        // output columns per CTA
constexpr int64_t kTileK = 16;        // reduction depth per shared stage
constexpr int64_t kTileStride = 68;   // floats per shared row: 16-byte rows
// Tensor cores (f16/bf16): 64 x 64 output tiles, 4 warps of 16 rows x 64
// columns, 32-deep slices, two stages; shared rows padded by 8 elements so
// that the 8 row addresses of an ldmatrix fall in distinct banks.
constexpr int64_t kMmaTileK = 32;
constexpr int64_t kMmaStrideA = kMmaTileK + 8; // A tile [64][40]
constexpr int64_t kMmaStrideB = kTileN + 8;    // W tile [32][72]

/// One projection: C = A W (+ bias) (+ resid), f32 accumulation.
/// A is `[B, S, K]` (x or memory), or with `aHead` > 0 the heads' outputs
/// `[B, G, S, aHead]` read as their concatenation `[B, S, G*aHead]`; C is
/// `[B, S, N]`, or with `cHead` > 0 written as heads `[B, N/cHead, S,
/// cHead]`. W is `[K, N]`, bias `[N]`, resid `[B, S, N]` (like C plain).
struct GemmConf {
  MemRefType a, w, bias, resid, c; // bias, resid: null when absent
  int64_t aHead = 0, cHead = 0;

  FunctionType type(Builder &b) const {
    SmallVector<Type> in{a, w};
    if (bias)
      in.push_back(bias);
    if (resid)
      in.push_back(resid);
    in.push_back(c);
    return b.getFunctionType(in, {});
  }
  Type elem() const { return a.getElementType(); }
  /// f16/bf16 A and W of one type, K and N static multiples of 8 (rows of
  /// whole 16-byte cp.async chunks; a heads layout of A with heads of a
  /// multiple of 8): tensor cores.
  bool useMma() const {
    Type t = elem();
    int64_t k = w.getDimSize(0), n = w.getDimSize(1);
    return (t.isF16() || t.isBF16()) && w.getElementType() == t &&
           !ShapedType::isDynamic(k) && !ShapedType::isDynamic(n) && k > 0 &&
           n > 0 && k % 8 == 0 && n % 8 == 0 && aHead % 8 == 0;
  }
  int64_t sharedBytes() const {
    if (useMma())
      return 2 * (kTileM * kMmaStrideA + kMmaTileK * kMmaStrideB) * 2;
    return 2 * kTileK * kTileStride * 4;
  }
};

/// Offsets of element (row, col) of a plain [B, S, N] (`hd` = 0) or a
/// heads [B, N/hd, S, hd] layout: rowOff(row) + colOff(col); `cols` is N,
/// `sDim` S.
struct Layout {
  GpuEmitter &e;
  Value sDim, cols;
  int64_t hd;
  Value rowOff(Value row) {
    if (!hd)
      return e.mul(row, cols);
    Value bb = e.div(row, sDim), s = e.rem(row, sDim);
    return e.add(e.mul(bb, e.mul(cols, sDim)), e.mul(s, e.idx(hd)));
  }
  Value colOff(Value col) {
    if (!hd)
      return col;
    Value hdv = e.idx(hd);
    return e.add(e.mul(e.div(col, hdv), e.mul(sDim, hdv)), e.rem(col, hdv));
  }
};

/// A contiguous memref as one dimension.
Value flatView(OpBuilder &b, Location loc, Value mm) {
  auto t = cast<MemRefType>(mm.getType());
  ReassociationIndices all;
  for (int64_t i = 0; i < t.getRank(); ++i)
    all.push_back(i);
  return memref::CollapseShapeOp::create(b, loc, mm,
                                         ArrayRef<ReassociationIndices>{all})
      .getResult();
}

/// Builds one GEMM kernel: CTA (blockIdx.x, blockIdx.y) computes the
/// 64 x 64 output tile at rows 64 x, columns 64 y, on tensor cores where
/// GemmConf::useMma says so (buildMma), else with FMAs (buildSimt). Rows,
/// columns and k past the ends are clamped or zero-filled for the loads and
/// not stored.
class GemmBuilder {
public:
  GemmBuilder(OpBuilder &b, Location loc, const GemmConf &c)
      : b(b), e{{b, loc}}, c(c) {}

  void build(gpu::GPUFuncOp fn) {
    Block &entry = fn.getBody().front();
    b.setInsertionPointToStart(&entry);
    unsigned next = 0;
    a = entry.getArgument(next++);
    w = entry.getArgument(next++);
    bias = c.bias ? entry.getArgument(next++) : Value();
    resid = c.resid ? entry.getArgument(next++) : Value();
    out = entry.getArgument(next++);
    Value sDim = e.dim(out, c.cHead ? 2 : 1);
    m = e.mul(e.dim(out, 0), sDim);
    kDim = e.dim(w, 0);
    n = e.dim(w, 1);
    m0 = e.mul(e.blockId(gpu::Dimension::x), e.idx(kTileM));
    n0 = e.mul(e.blockId(gpu::Dimension::y), e.idx(kTileN));
    Value live = arith::AndIOp::create(
        b, e.loc, e.cmp(arith::CmpIPredicate::ult, m0, m),
        e.cmp(arith::CmpIPredicate::ult, n0, n));
    e.ifThen(live, [&] {
      aFlat = flatView(b, e.loc, a);
      cFlat = flatView(b, e.loc, out);
      residFlat = resid ? flatView(b, e.loc, resid) : Value();
      // A's rows are K long (as concatenated heads), C's N.
      la.emplace(Layout{e, sDim, kDim, c.aHead});
      lc.emplace(Layout{e, sDim, n, c.cHead});
      tid = e.threadId();
      auto wg = gpu::AddressSpaceAttr::get(b.getContext(),
                                           gpu::AddressSpace::Workgroup);
      smem = gpu::DynamicSharedMemoryOp::create(
          b, e.loc,
          MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                          MemRefLayoutAttrInterface{}, wg));
      if (c.useMma())
        buildMma();
      else
        buildSimt();
    });
    gpu::ReturnOp::create(b, e.loc);
  }

private:
  /// A view of `shape` x `t` at byte `offset` of the dynamic shared memory.
  Value sharedView(ArrayRef<int64_t> shape, Type t, int64_t offset) {
    auto wg = gpu::AddressSpaceAttr::get(b.getContext(),
                                         gpu::AddressSpace::Workgroup);
    return memref::ViewOp::create(
        b, e.loc, MemRefType::get(shape, t, MemRefLayoutAttrInterface{}, wg),
        smem, e.idx(offset), ValueRange{});
  }

  /// Output element (row, col) = v (+ bias) (+ residual), rounded to C's
  /// type, where row and col are in range.
  void storeOut(Value row, Value col, Value v) {
    Value ok = arith::AndIOp::create(
        b, e.loc, e.cmp(arith::CmpIPredicate::ult, row, m),
        e.cmp(arith::CmpIPredicate::ult, col, n));
    e.ifThen(ok, [&] {
      Value r = v;
      if (bias)
        r = e.fadd(r, e.toF32(e.load(bias, {col})));
      if (resid)
        r = e.fadd(r, e.toF32(e.load(residFlat,
                                     {e.add(e.mul(row, n), col)})));
      e.store(e.narrow(r, c.c.getElementType()), cFlat,
              {e.add(lc->rowOff(row), lc->colOff(col))});
    });
  }

  /// FMAs: thread t owns rows 4 (t/8) .. +3 and columns 4 (t%8) .. +3 and
  /// 32 + 4 (t%8) .. +3 of the tile, so that a warp's 16-byte shared loads
  /// of A (4 rows) and B (2 x 4 columns) are 64 and 2 x 128 contiguous
  /// bytes: one wavefront each. Per 16-deep slice, each thread loads 8
  /// elements of A (16 consecutive k of a row per half warp) and 8 of W (64
  /// consecutive columns per two warps), widened to f32, and keeps them in
  /// registers while the previous slice's 512 FMAs run; A goes to shared
  /// memory transposed ([k][row]).
  void buildSimt() {
    Type f32t = b.getF32Type();
    Value aS = sharedView({kTileK, kTileStride}, f32t, 0);
    Value bS = sharedView({kTileK, kTileStride}, f32t,
                          kTileK * kTileStride * 4);
    Value one = e.idx(1);
    Value lastRow = e.sub(m, one), lastCol = e.sub(n, one);
    Value lastK = e.maxS(e.sub(kDim, one), e.idx(0));
    // Global loads: A rows tid/16 + 8i at k = tid%16; W rows tid/64 + 2i
    // at column tid%64.
    Value ak = e.rem(tid, e.idx(kTileK));
    Value aRow[8], aBase[8], bk[8];
    for (int64_t i = 0; i < 8; ++i) {
      aRow[i] = e.add(e.div(tid, e.idx(kTileK)), e.idx(8 * i));
      aBase[i] = la->rowOff(e.minS(e.add(m0, aRow[i]), lastRow));
      bk[i] = e.add(e.div(tid, e.idx(kTileN)), e.idx(2 * i));
    }
    Value bCol = e.rem(tid, e.idx(kTileN));
    Value bColG = e.minS(e.add(n0, bCol), lastCol);
    Value zero = e.f32(0.0);
    auto loadSlice = [&](Value k0) {
      SmallVector<Value> regs;
      Value ka = e.add(k0, ak);
      Value okA = e.cmp(arith::CmpIPredicate::ult, ka, kDim);
      Value colA = la->colOff(e.minS(ka, lastK));
      for (int64_t i = 0; i < 8; ++i)
        regs.push_back(e.select(
            okA, e.toF32(e.load(aFlat, {e.add(aBase[i], colA)})), zero));
      for (int64_t i = 0; i < 8; ++i) {
        Value kb = e.add(k0, bk[i]);
        Value ok = e.cmp(arith::CmpIPredicate::ult, kb, kDim);
        regs.push_back(e.select(
            ok, e.toF32(e.load(w, {e.minS(kb, lastK), bColG})), zero));
      }
      return regs;
    };
    Value slices = e.ceilDiv(kDim, e.idx(kTileK));
    SmallVector<Value> first = e.ifElse(
        e.cmp(arith::CmpIPredicate::sgt, slices, e.idx(0)),
        SmallVector<Type>(16, f32t), [&] { return loadSlice(e.idx(0)); },
        [&] { return SmallVector<Value>(16, zero); });

    Value tr = e.div(tid, e.idx(8)), tc = e.rem(tid, e.idx(8));
    Value rowIn = e.mul(tr, e.idx(4));
    Value colIn[2] = {e.mul(tc, e.idx(4)),
                      e.add(e.mul(tc, e.idx(4)), e.idx(32))};
    auto vec4 = VectorType::get({4}, f32t);
    auto ld4 = [&](Value mm, ValueRange ivs) {
      return vector::LoadOp::create(b, e.loc, vec4, mm, ivs,
                                    /*nontemporal=*/false, llvm::Align(16))
          .getResult();
    };
    SmallVector<Value> init(32, zero);
    init.append(first);
    SmallVector<Value> res = e.forLoopIter(
        e.idx(0), slices, one, init,
        [&](Value slice, ValueRange it) -> SmallVector<Value> {
          // The previous slice's readers are done; store this one.
          gpu::BarrierOp::create(b, e.loc);
          for (int64_t i = 0; i < 8; ++i)
            e.store(it[32 + i], aS, {ak, aRow[i]});
          for (int64_t i = 0; i < 8; ++i)
            e.store(it[40 + i], bS, {bk[i], bCol});
          gpu::BarrierOp::create(b, e.loc);
          // The next slice's loads are in flight during the FMAs (past
          // the last slice they read clamped addresses and give zeros).
          SmallVector<Value> nextRegs =
              loadSlice(e.mul(e.add(slice, one), e.idx(kTileK)));
          SmallVector<Value> acc(it.begin(), it.begin() + 32);
          for (int64_t kk = 0; kk < kTileK; ++kk) {
            Value av = ld4(aS, {e.idx(kk), rowIn});
            Value bv[2] = {ld4(bS, {e.idx(kk), colIn[0]}),
                           ld4(bS, {e.idx(kk), colIn[1]})};
            for (int64_t i = 0; i < 4; ++i) {
              Value ai = e.extract(av, {i});
              for (int64_t j = 0; j < 8; ++j) {
                Value bj = e.extract(bv[j / 4], {j % 4});
                acc[i * 8 + j] =
                    math::FmaOp::create(b, e.loc, ai, bj, acc[i * 8 + j]);
              }
            }
          }
          acc.append(nextRegs);
          return acc;
        });
    for (int64_t i = 0; i < 4; ++i)
      for (int64_t j = 0; j < 8; ++j)
        storeOut(e.add(m0, e.add(rowIn, e.idx(i))),
                 e.add(n0, e.add(colIn[j / 4], e.idx(j % 4))),
                 res[i * 8 + j]);
  }

  /// Tensor cores: warp w owns rows 16 w .. +15 and all 64 columns (8
  /// m16n8k16 accumulator tiles). Per 32-deep slice, A [64][32] and W
  /// [32][64] are copied by 16-byte cp.async into one of two stages (rows
  /// past M and k past K zero-filled), the next slice's copies in flight
  /// during this one's 16 mma.sync per warp; A fragments by ldmatrix x4,
  /// B fragments by ldmatrix.trans x4 (two 8-column tiles each), as the
  /// attention kernel's O += P V reads V.
  void buildMma() {
    Type t = c.elem();
    Value aS = sharedView({2, kTileM, kMmaStrideA}, t, 0);
    Value bS = sharedView({2, kMmaTileK, kMmaStrideB}, t,
                          2 * kTileM * kMmaStrideA * 2);
    Value warp = e.div(tid, e.idx(kWarp));
    Value lane = e.rem(tid, e.idx(kWarp));
    Value lastRow = e.sub(m, e.idx(1));
    auto tokTy = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    // This thread's 16-byte chunks, two of each tile. A rows are 4 chunks
    // (64 bytes) at an 80-byte stride: 8 consecutive lanes (one phase of a
    // 16-byte shared store) take one chunk column of 8 consecutive rows,
    // whose 16-byte bank groups (5 row + column) mod 8 are then distinct;
    // a warp still reads 8 whole 64-byte row pieces of global memory. W
    // rows are 8 chunks (128 bytes): 8 lanes store one row.
    constexpr int64_t kChunks = 2;
    Value aRow[kChunks], aCol[kChunks], aBase[kChunks], aOk[kChunks];
    Value bRow[kChunks], bCol[kChunks], bColG[kChunks], bOk[kChunks];
    for (int64_t i = 0; i < kChunks; ++i) {
      Value chunk = e.add(tid, e.idx(i * kGemmThreads));
      aRow[i] = e.add(e.rem(chunk, e.idx(8)),
                      e.mul(e.div(chunk, e.idx(32)), e.idx(8)));
      aCol[i] = e.mul(e.rem(e.div(chunk, e.idx(8)), e.idx(kMmaTileK / 8)),
                      e.idx(8));
      Value row = e.add(m0, aRow[i]);
      aOk[i] = e.cmp(arith::CmpIPredicate::ult, row, m);
      aBase[i] = la->rowOff(e.minS(row, lastRow));
      bRow[i] = e.div(chunk, e.idx(kTileN / 8));
      bCol[i] = e.mul(e.rem(chunk, e.idx(kTileN / 8)), e.idx(8));
      Value col = e.add(n0, bCol[i]);
      bOk[i] = e.cmp(arith::CmpIPredicate::ult, col, n);
      bColG[i] = e.minS(col, e.sub(n, e.idx(8)));
    }
    Value lastChunkK = e.sub(kDim, e.idx(8)), lastK = e.sub(kDim, e.idx(1));
    auto issue = [&](Value slice, Value stage) -> Value {
      SmallVector<Value> toks;
      Value k0 = e.mul(slice, e.idx(kMmaTileK));
      auto copy = [&](Value dst, ValueRange dstIdx, Value src,
                      ValueRange srcIdx, Value ok) {
        toks.push_back(nvgpu::DeviceAsyncCopyOp::create(
                           b, e.loc, tokTy, dst, dstIdx, src, srcIdx,
                           b.getIndexAttr(8),
                           e.select(ok, e.idx(8), e.idx(0)), b.getUnitAttr())
                           .getResult());
      };
      for (int64_t i = 0; i < kChunks; ++i) {
        Value k = e.add(k0, aCol[i]);
        Value ok = arith::AndIOp::create(
            b, e.loc, aOk[i], e.cmp(arith::CmpIPredicate::ult, k, kDim));
        copy(aS, {stage, aRow[i], aCol[i]}, aFlat,
             {e.add(aBase[i], la->colOff(e.minS(k, lastChunkK)))}, ok);
      }
      for (int64_t i = 0; i < kChunks; ++i) {
        Value k = e.add(k0, bRow[i]);
        Value ok = arith::AndIOp::create(
            b, e.loc, bOk[i], e.cmp(arith::CmpIPredicate::ult, k, kDim));
        copy(bS, {stage, bRow[i], bCol[i]}, w, {e.minS(k, lastK), bColG[i]},
             ok);
      }
      return nvgpu::DeviceAsyncCreateGroupOp::create(b, e.loc, tokTy, toks)
          .getResult();
    };
    Value slices = e.ceilDiv(kDim, e.idx(kMmaTileK));
    e.ifThen(e.cmp(arith::CmpIPredicate::sgt, slices, e.idx(0)),
             [&] { issue(e.idx(0), e.idx(0)); });
    // ldmatrix row addresses: A (x4: rows 0-7 / 8-15 of the warp's 16,
    // columns 0-7 / 8-15 of the k-step: a[0..3] in order) and W (x4,
    // transposed: k rows 0-7 / 8-15, columns 0-7 / 8-15 of a tile pair).
    Value ldRow = e.add(e.rem(lane, e.idx(8)),
                        e.mul(e.rem(e.div(lane, e.idx(8)), e.idx(2)),
                              e.idx(8)));
    Value ldCol = e.mul(e.div(lane, e.idx(16)), e.idx(8));
    Value aLdRow = e.add(e.mul(warp, e.idx(16)), ldRow);
    Value zeroAcc = arith::ConstantOp::create(
        b, e.loc,
        DenseElementsAttr::get(VectorType::get({2, 2}, b.getF32Type()),
                               0.0f));
    constexpr int64_t kTilesN = kTileN / 8;
    SmallVector<Value> acc = e.pipelinedLoop(
        e.idx(0), slices, SmallVector<Value>(kTilesN, zeroAcc), Value(),
        issue, [&](Value, Value stage, ValueRange it) {
          SmallVector<Value> accs(it);
          for (int64_t kk = 0; kk < kMmaTileK / 16; ++kk) {
            Value aFrag = nvgpu::LdMatrixOp::create(
                b, e.loc, VectorType::get({4, 2}, t), aS,
                ValueRange{stage, aLdRow, e.add(ldCol, e.idx(kk * 16))},
                /*transpose=*/false, /*numTiles=*/4);
            for (int64_t np = 0; np < kTilesN / 2; ++np) {
              auto bFrags = e.ldmatrixB(
                  t, bS,
                  {stage, e.add(ldRow, e.idx(kk * 16)),
                   e.add(ldCol, e.idx(np * 16))},
                  /*transpose=*/true);
              for (int64_t h = 0; h < 2; ++h)
                accs[2 * np + h] =
                    e.mmaSync(t, aFrag, bFrags[h], accs[2 * np + h]);
            }
          }
          return accs;
        });
    // C fragments: c[i][j] = C[row g + 8 i][col 8 tile + 2 (lane % 4) + j].
    Value g = e.div(lane, e.idx(4));
    Value t2 = e.mul(e.rem(lane, e.idx(4)), e.idx(2));
    for (int64_t tile = 0; tile < kTilesN; ++tile)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 2; ++j)
          storeOut(e.add(m0, e.add(e.mul(warp, e.idx(16)),
                                   e.add(g, e.idx(8 * i)))),
                   e.add(n0, e.add(t2, e.idx(8 * tile + j))),
                   e.extract(acc[tile], {i, j}));
  }

  OpBuilder &b;
  GpuEmitter e;
  const GemmConf &c;
  // Kernel arguments and what every body derives from them.
  Value a, w, bias, resid, out, m, n, kDim, m0, n0, tid, smem;
  Value aFlat, cFlat, residFlat;
  std::optional<Layout> la, lc;
};

/// The configuration of one attn.mha, read off its launcher declaration.
struct MhaConf {
  MemRefType x, wq, wk, wv, wo, bq, bk, bv, bo, mem, mask, out;
  int64_t h = 0, hkv = 0, dh = 0, dv = 0;
  double scale = 1.0;
  bool causal = false, residual = false;
};

bool readMhaConf(func::FuncOp decl, MhaConf &c) {
  auto dict = decl->getAttrOfType<DictionaryAttr>(kGpuMhaAttr);
  if (!dict)
    return false;
  auto h = dict.getAs<IntegerAttr>("num_heads");
  auto hkv = dict.getAs<IntegerAttr>("num_kv_heads");
  auto scale = dict.getAs<FloatAttr>("scale");
  if (!h || !hkv || !scale)
    return false;
  bool bias = dict.contains("bias"), mem = dict.contains("memory"),
       mask = dict.contains("mask");
  FunctionType ft = decl.getFunctionType();
  size_t want = 6 + (bias ? 4 : 0) + (mem ? 1 : 0) + (mask ? 1 : 0);
  if (ft.getNumResults() != 0 || ft.getNumInputs() != want)
    return false;
  SmallVector<MemRefType> ts;
  for (Type t : ft.getInputs()) {
    auto mt = dyn_cast<MemRefType>(t);
    if (!mt || !mt.getLayout().isIdentity())
      return false;
    ts.push_back(mt);
  }
  unsigned i = 0;
  c.x = ts[i++];
  c.wq = ts[i++];
  c.wk = ts[i++];
  c.wv = ts[i++];
  c.wo = ts[i++];
  if (bias) {
    c.bq = ts[i++];
    c.bk = ts[i++];
    c.bv = ts[i++];
    c.bo = ts[i++];
  }
  if (mem)
    c.mem = ts[i++];
  if (mask)
    c.mask = ts[i++];
  c.out = ts[i++];
  c.h = h.getInt();
  c.hkv = hkv.getInt();
  c.scale = scale.getValueAsDouble();
  c.causal = dict.contains("causal");
  c.residual = dict.contains("residual");
  if (c.x.getRank() != 3 || c.out.getRank() != 3 || c.h <= 0 || c.hkv <= 0 ||
      c.wq.isDynamicDim(1) || c.wv.isDynamicDim(1))
    return false;
  c.dh = c.wq.getDimSize(1) / c.h;
  c.dv = c.wv.getDimSize(1) / c.hkv;
  return c.dh > 0 && c.dv > 0;
}

struct BuildGpuMhaPass
    : public attn::impl::AttnGpuBuildMhaKernelsBase<BuildGpuMhaPass> {
  using Base::Base;
  /// The kernels of one layer.
  struct Kernels {
    gpu::GPUFuncOp q, k, v, o;
    GemmConf gq, gk, gv, go;
    MemRefType qT, kT, vT, oT; // the intermediates
    func::FuncOp sdpa;
  };

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> decls;
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn.isDeclaration() && fn->hasAttr(kGpuMhaAttr))
        decls.push_back(fn);
    if (decls.empty())
      return;
    MLIRContext *ctx = module.getContext();
    gpu::GPUModuleOp kmod = getOrCreateAttnKernelsModule(module);
    SymbolTable symbols(module);
    for (func::FuncOp decl : decls) {
      MhaConf c;
      if (!readMhaConf(decl, c)) {
        decl.emitError("malformed attn GPU mha launcher declaration");
        return signalPassFailure();
      }
      Location loc = decl.getLoc();
      std::string base = decl.getSymName().str();
      // The intermediates: f32, or with lowp-intermediates an f16/bf16
      // layer's own type (tensor-core projections and attention, as
      // PyTorch runs them).
      Type elem = c.x.getElementType();
      Type inter = lowpIntermediates && (elem.isF16() || elem.isBF16())
                       ? elem
                       : Float32Type::get(ctx);
      MemRefType kvIn = c.mem ? c.mem : c.x;
      auto heads = [&](MemRefType in, int64_t n, int64_t hd) {
        return MemRefType::get({in.getDimSize(0), n, in.getDimSize(1), hd},
                               inter);
      };
      Kernels ks;
      ks.qT = heads(c.x, c.h, c.dh);
      ks.kT = heads(kvIn, c.hkv, c.dh);
      ks.vT = heads(kvIn, c.hkv, c.dv);
      ks.oT = heads(c.x, c.h, c.dv);

      auto kernel = [&](StringRef suffix, const GemmConf &g) {
        OpBuilder kb(ctx);
        auto k = createKernel(kmod, loc, base + suffix.str(), g.type(kb),
                              kGemmThreads);
        GemmBuilder(kb, loc, g).build(k);
        return k;
      };
      ks.gq = GemmConf{c.x, c.wq, c.bq, MemRefType(), ks.qT, 0, c.dh};
      ks.gk = GemmConf{kvIn, c.wk, c.bk, MemRefType(), ks.kT, 0, c.dh};
      ks.gv = GemmConf{kvIn, c.wv, c.bv, MemRefType(), ks.vT, 0, c.dv};
      ks.go = GemmConf{ks.oT, c.wo, c.bo, c.residual ? c.x : MemRefType(),
                       c.out, c.dv, 0};
      ks.q = kernel("_q", ks.gq);
      ks.k = kernel("_k", ks.gk);
      ks.v = kernel("_v", ks.gv);
      ks.o = kernel("_o", ks.go);

      // The attention: a device-buffer sdpa launcher for the other pass.
      OpBuilder mb(decl);
      mb.setInsertionPointAfter(decl);
      SmallVector<Type> sdpaArgs{ks.qT, ks.kT, ks.vT};
      if (c.mask)
        sdpaArgs.push_back(c.mask);
      sdpaArgs.push_back(ks.oT);
      ks.sdpa = func::FuncOp::create(mb, loc, base + "_sdpa",
                                     mb.getFunctionType(sdpaArgs, {}));
      ks.sdpa.setPrivate();
      SmallVector<NamedAttribute> conf{
          mb.getNamedAttr("scale", mb.getF32FloatAttr(float(c.scale))),
          mb.getNamedAttr("device", mb.getUnitAttr())};
      if (c.causal)
        conf.push_back(mb.getNamedAttr("causal", mb.getUnitAttr()));
      ks.sdpa->setAttr(kGpuSdpaAttr, mb.getDictionaryAttr(conf));
      symbols.insert(ks.sdpa);

      emitHost(decl, c, ks, /*deviceBuffers=*/false);
      auto dev = func::FuncOp::create(mb, loc, base + "_device",
                                      decl.getFunctionType());
      dev.setPrivate();
      symbols.insert(dev);
      emitHost(dev, c, ks, /*deviceBuffers=*/true);
      decl->removeAttr(kGpuMhaAttr);
    }
  }

  /// Host code: (with host buffers) device copies of the operands; the
  /// Q, K, V and head outputs on the device; the three projections on one
  /// stream, synchronized; the attention (its own launcher, synchronous);
  /// the output projection, the copy back and the frees on a second stream.
  void emitHost(func::FuncOp fn, const MhaConf &c, const Kernels &ks,
                bool deviceBuffers) {
    OpBuilder b(fn.getContext());
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Location loc = fn.getLoc();
    GpuEmitter e{{b, loc}};
    DeviceChain chain(e);
    SmallVector<Value> hostArgs(entry->getArguments());
    SmallVector<Value> dev = chain.operands(hostArgs, deviceBuffers);
    unsigned i = 5;
    Value x = dev[0], wq = dev[1], wk = dev[2], wv = dev[3], wo = dev[4];
    Value bq, bk, bv, bo, mem, mask;
    if (c.bq) {
      bq = dev[i++];
      bk = dev[i++];
      bv = dev[i++];
      bo = dev[i++];
    }
    if (c.mem)
      mem = dev[i++];
    if (c.mask)
      mask = dev[i++];
    Value out = dev.back();
    Value kvIn = mem ? mem : x;

    // The intermediates, sized by x (Q, head outputs) and the key/value
    // input (K, V).
    auto headsBuf = [&](MemRefType t, Value in) {
      SmallVector<Value> dyn;
      if (t.isDynamicDim(0))
        dyn.push_back(e.dim(in, 0));
      if (t.isDynamicDim(2))
        dyn.push_back(e.dim(in, 1));
      return chain.alloc(t, dyn);
    };
    Value q = headsBuf(ks.qT, x), k = headsBuf(ks.kT, kvIn),
          v = headsBuf(ks.vT, kvIn), o = headsBuf(ks.oT, x);

    Value one = e.idx(1);
    auto launch = [&](gpu::GPUFuncOp kf, const GemmConf &g, Value rows,
                      Value cols, ValueRange args) {
      Value smem = arith::ConstantOp::create(
          b, loc, b.getI32IntegerAttr(int32_t(g.sharedBytes())));
      Value gx = e.maxS(e.ceilDiv(rows, e.idx(kTileM)), one);
      Value gy = e.maxS(e.ceilDiv(cols, e.idx(kTileN)), one);
      chain.launch(kf, gpu::KernelDim3{gx, gy, one},
                   gpu::KernelDim3{e.idx(kGemmThreads), one, one}, smem,
                   args);
    };
    auto rowsOf = [&](Value in) { return e.mul(e.dim(in, 0), e.dim(in, 1)); };
    auto withBias = [&](Value in, Value w, Value bias, Value res) {
      SmallVector<Value> args{in, w};
      if (bias)
        args.push_back(bias);
      args.push_back(res);
      return args;
    };
    launch(ks.q, ks.gq, rowsOf(x), e.dim(wq, 1), withBias(x, wq, bq, q));
    launch(ks.k, ks.gk, rowsOf(kvIn), e.dim(wk, 1),
           withBias(kvIn, wk, bk, k));
    launch(ks.v, ks.gv, rowsOf(kvIn), e.dim(wv, 1),
           withBias(kvIn, wv, bv, v));
    chain.sync();

    SmallVector<Value> sdpaArgs{q, k, v};
    if (mask)
      sdpaArgs.push_back(mask);
    sdpaArgs.push_back(o);
    func::CallOp::create(b, loc, ks.sdpa, sdpaArgs);

    SmallVector<Value> oArgs{o, wo};
    if (bo)
      oArgs.push_back(bo);
    if (c.residual)
      oArgs.push_back(x);
    oArgs.push_back(out);
    launch(ks.o, ks.go, rowsOf(x), e.dim(wo, 1), oArgs);
    if (!deviceBuffers)
      chain.copy(hostArgs.back(), out);
    chain.finish();
    func::ReturnOp::create(b, loc);
  }
};

} // namespace
