//===- GpuEmitter.h - Emission helpers for the GPU kernels ------*- C++ -*-===//
//
// The CPU kernels' Emitter (Transforms/KernelEmitter.h) plus what the GPU
// kernels of attn-gpu-build-sdpa-kernels and attn-gpu-build-mha-kernels
// need: thread and block ids, warp shuffles, i32 constants, if/else, and
// the tensor-core pieces (mma.sync m16n8k16, ldmatrix B fragments, the
// double-buffered cp.async loop) shared by the attention and GEMM kernels.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_LIB_CONVERSION_SDPATOGPU_GPUEMITTER_H
#define ATTN_LIB_CONVERSION_SDPATOGPU_GPUEMITTER_H

#include "../../Transforms/KernelEmitter.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

#include <array>

#include <limits>

namespace mlir {
namespace attn {

constexpr int64_t kWarp = 32;

/// Emission helpers for kernels: the shared CPU helpers plus GPU ones.
struct GpuEmitter : Emitter {
  Value i32(int32_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  }
  Value negInf() { return f32(-std::numeric_limits<double>::infinity()); }
  Value divS(Value x, Value y) { return arith::DivSIOp::create(b, loc, x, y); }
  Value floorDivS(Value x, Value y) {
    return arith::FloorDivSIOp::create(b, loc, x, y);
  }
  Value fcmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value exp2(Value x) { return math::Exp2Op::create(b, loc, x); }
  Value fdiv(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value threadId() {
    return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  }
  Value blockId(gpu::Dimension d) { return gpu::BlockIdOp::create(b, loc, d); }
  /// Butterfly shuffle within the warp.
  Value shflXor(Value v, int32_t mask) {
    return gpu::ShuffleOp::create(b, loc, v, i32(mask), i32(kWarp),
                                  gpu::ShuffleMode::XOR)
        .getShuffleResult();
  }
  Value extract(Value v, ArrayRef<int64_t> pos) {
    return vector::ExtractOp::create(b, loc, v, pos);
  }
  Value fromElements(VectorType t, ValueRange xs) {
    return vector::FromElementsOp::create(b, loc, t, xs);
  }
  /// Element-wise widening of a scalar of the input type to f32.
  Value widen(Value x) { return toF32(x); }
  Value narrow(Value x, Type to) {
    if (x.getType() == to)
      return x;
    return arith::TruncFOp::create(b, loc, to, x);
  }
  /// D (16x8, f32) += A (16x16) * B (16x8) on tensor cores, f16 or bf16
  /// operands (`elem`), fragments as vector<4x2xelem> / vector<2x2xelem> /
  /// vector<2x2xf32>.
  Value mmaSync(Type elem, Value a, Value bb, Value acc) {
    if (elem.isF16())
      return nvgpu::MmaSyncOp::create(b, loc, a, bb, acc,
                                      ArrayRef<int64_t>{16, 8, 16});
    // bf16: nvgpu.mma.sync's lowering cannot type bf16 operands in this
    // MLIR, so go to nvvm.mma.sync with the registers packed as i32.
    Type i32 = b.getI32Type();
    auto pack = [&](Value frag, int64_t n) {
      SmallVector<Value> regs;
      for (int64_t i = 0; i < n; ++i) {
        Value pair = extract(frag, {i});
        Value asInt = vector::BitCastOp::create(
            b, loc, VectorType::get({1}, i32), pair);
        regs.push_back(extract(asInt, {0}));
      }
      return regs;
    };
    SmallVector<Value> cs;
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 2; ++j)
        cs.push_back(extract(acc, {i, j}));
    Type f = b.getF32Type();
    auto resTy =
        LLVM::LLVMStructType::getLiteral(b.getContext(), {f, f, f, f});
    Value r = NVVM::MmaOp::create(
        b, loc, resTy, pack(a, 4), pack(bb, 2), cs,
        ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt,
        std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                      NVVM::MMATypes::bf16},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    SmallVector<Value> out;
    for (int64_t i = 0; i < 4; ++i)
      out.push_back(
          LLVM::ExtractValueOp::create(b, loc, r, ArrayRef<int64_t>{i}));
    return fromElements(VectorType::get({2, 2}, f), out);
  }

  /// One ldmatrix x4 (lane L addresses row L % 8 of matrix L / 8 through
  /// `ivs`): matrices 0, 1 are the two k-halves of the first 8-column B
  /// fragment, matrices 2, 3 those of the second.
  std::array<Value, 2> ldmatrixB(Type elem, Value smem, ValueRange ivs,
                                 bool transpose) {
    Value frag = nvgpu::LdMatrixOp::create(b, loc,
                                           VectorType::get({4, 2}, elem),
                                           smem, ivs, transpose,
                                           /*numTiles=*/4);
    std::array<Value, 2> out;
    for (int64_t h = 0; h < 2; ++h)
      out[h] = fromElements(
          VectorType::get({2, 2}, elem),
          {extract(frag, {2 * h, 0}), extract(frag, {2 * h, 1}),
           extract(frag, {2 * h + 1, 0}), extract(frag, {2 * h + 1, 1})});
    return out;
  }

  /// A double-buffered loop over tiles [begin, end): issue tile i + 1 into
  /// the other stage (`issue(i + 1, stage)` returns its cp.async group; an
  /// empty group past the end), wait until only that group may be in
  /// flight, barrier, run `block(i, stage, state)` on stage i % 2 (only
  /// where `live` holds, when given: the others only join the copies and
  /// barriers), barrier (the next iteration's prefetch overwrites this
  /// stage). Tile `begin` must have been issued into stage begin % 2.
  /// Returns the final loop state.
  SmallVector<Value>
  pipelinedLoop(Value begin, Value end, ValueRange init, Value live,
                function_ref<Value(Value, Value)> issue,
                function_ref<SmallVector<Value>(Value, Value, ValueRange)>
                    block) {
    auto tokTy = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    return forLoopIter(
        begin, end, idx(1), init,
        [&](Value i, ValueRange it) -> SmallVector<Value> {
          Value stage = rem(i, idx(2));
          Value next = add(i, idx(1));
          SmallVector<Value> grp = ifElse(
              cmp(arith::CmpIPredicate::slt, next, end), {tokTy},
              [&] {
                return SmallVector<Value>{issue(next, rem(next, idx(2)))};
              },
              [&] {
                return SmallVector<Value>{
                    nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokTy,
                                                            ValueRange{})
                        .getResult()};
              });
          nvgpu::DeviceAsyncWaitOp::create(b, loc, grp[0],
                                           b.getI32IntegerAttr(1));
          gpu::BarrierOp::create(b, loc);
          SmallVector<Value> out =
              live ? ifElse(
                         live, ValueRange(it).getTypes(),
                         [&] { return block(i, stage, it); },
                         [&] { return SmallVector<Value>(it); })
                   : block(i, stage, it);
          gpu::BarrierOp::create(b, loc);
          return out;
        });
  }

  /// if (cond) then() else otherwise(), both yielding `types`.
  SmallVector<Value> ifElse(Value cond, TypeRange types,
                            function_ref<SmallVector<Value>()> then,
                            function_ref<SmallVector<Value>()> otherwise) {
    auto op = scf::IfOp::create(b, loc, types, cond, /*withElse=*/true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&op.getThenRegion().front());
      scf::YieldOp::create(b, loc, then());
      b.setInsertionPointToStart(&op.getElseRegion().front());
      scf::YieldOp::create(b, loc, otherwise());
    }
    return SmallVector<Value>(op.getResults());
  }
};

/// A kernel `name` of type `t` at the end of `m`, marked as a kernel with a
/// known block size of `threads` x 1 x 1; its body is still to be built.
inline gpu::GPUFuncOp createKernel(gpu::GPUModuleOp m, Location loc,
                                   StringRef name, FunctionType t,
                                   int32_t threads) {
  OpBuilder b = OpBuilder::atBlockEnd(m.getBody());
  auto k = gpu::GPUFuncOp::create(b, loc, name, t);
  k->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  k.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({threads, 1, 1}));
  return k;
}

/// Host code on one stream: gpu ops chained by async tokens, device
/// allocations remembered so that finish() frees them in stream order.
struct DeviceChain {
  GpuEmitter &e;
  Value tok; // the stream's last token
  SmallVector<Value> allocated;

  explicit DeviceChain(GpuEmitter &e) : e(e) { tok = start(); }

  Type tokTy() { return gpu::AsyncTokenType::get(e.b.getContext()); }
  Value start() {
    return gpu::WaitOp::create(e.b, e.loc, tokTy(), ValueRange{})
        .getAsyncToken();
  }
  Value alloc(MemRefType mt, ValueRange dyn) {
    auto op = gpu::AllocOp::create(e.b, e.loc, mt, tokTy(), ValueRange{tok},
                                   dyn, ValueRange{}, false);
    tok = op.getAsyncToken();
    allocated.push_back(op.getMemref());
    return op.getMemref();
  }
  /// The device operands of a launcher whose last argument is its result:
  /// with `deviceBuffers` the arguments themselves; else device buffers of
  /// their shapes, all but the result copied in.
  SmallVector<Value> operands(ArrayRef<Value> hostArgs, bool deviceBuffers) {
    if (deviceBuffers)
      return SmallVector<Value>(hostArgs);
    SmallVector<Value> dev;
    for (Value a : hostArgs) {
      auto mt = cast<MemRefType>(a.getType());
      SmallVector<Value> dyn;
      for (int64_t i = 0; i < mt.getRank(); ++i)
        if (mt.isDynamicDim(i))
          dyn.push_back(e.dim(a, i));
      Value d = alloc(mt, dyn);
      dev.push_back(d);
      if (a != hostArgs.back())
        copy(d, a);
    }
    return dev;
  }
  void copy(Value dst, Value src) {
    tok = gpu::MemcpyOp::create(e.b, e.loc, tokTy(), ValueRange{tok}, dst,
                                src)
              .getAsyncToken();
  }
  void launch(gpu::GPUFuncOp k, gpu::KernelDim3 grid, gpu::KernelDim3 block,
              Value smemBytes, ValueRange args) {
    tok = gpu::LaunchFuncOp::create(e.b, e.loc, k, grid, block, smemBytes,
                                    args, tokTy(), ValueRange{tok})
              .getAsyncToken();
  }
  /// Waits for the stream (and releases it); what follows runs on a new
  /// one.
  void sync() {
    gpu::WaitOp::create(e.b, e.loc, Type(), ValueRange{tok});
    tok = start();
  }
  /// Frees the allocations in stream order and waits for the stream.
  void finish() {
    for (Value m : allocated)
      tok = gpu::DeallocOp::create(e.b, e.loc, tokTy(), ValueRange{tok}, m)
                .getAsyncToken();
    gpu::WaitOp::create(e.b, e.loc, Type(), ValueRange{tok});
  }
};

} // namespace attn
} // namespace mlir

#endif
