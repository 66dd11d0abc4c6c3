//===- PtxEmulatorTest.cpp - The PTX interpreter on hand-written kernels --===//
//
// Small PTX kernels in the style LLVM's NVPTX back end emits (PTX 8.0,
// sm_80, 64-bit addresses, f32 values in %r registers, float immediates as
// 0fXXXXXXXX) run through runtime/cuda/emulator/PtxEmulator.h and checked
// against what the PTX ISA says they compute. The expected fragment layouts
// of ldmatrix and mma.sync m16n8k16 below are written from the ISA's
// "Matrix Fragments for mma.m16n8k16 with floating point type" and
// "Warp-level matrix load instruction: ldmatrix" sections, independently of
// the interpreter, so that these tests cross-check its reading of the spec:
//
//   groupID = laneid >> 2, threadID_in_group = laneid % 4
//   A (16x16, 4 x .b32): a_i at row groupID (+8 for i in {2,3,6,7}),
//     col 2*threadID_in_group + (i & 1) (+8 for i >= 4)
//   B (16x8, 2 x .b32): b_i at row 2*threadID_in_group + (i & 1) (+8 for
//     i >= 2), col groupID
//   C/D (16x8, 4 x f32): c_i at row groupID (+8 for i >= 2),
//     col 2*threadID_in_group + (i & 1)
//   ldmatrix .x4: lanes 8m..8m+7 give the row addresses of matrix m; lane
//     L's register m holds matrix m's row L/4, columns 2(L%4), 2(L%4)+1
//     (low half first); with .trans, rows 2(L%4), 2(L%4)+1 of column L/4.
//   cvt.rn.f16x2.f32 d, a, b: a in the upper half, b in the lower.
//
//===----------------------------------------------------------------------===//

#include "PtxEmulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace attn::ptxemu;

namespace {

//===--- Helpers --------------------------------------------------------===//

const char *kHeader = ".version 8.0\n.target sm_80\n.address_size 64\n\n";

std::string module(const std::string &body) { return kHeader + body; }

// The 1-based line of the first line of `text` containing `marker`.
int lineOf(const std::string &text, const std::string &marker) {
  size_t pos = text.find(marker);
  if (pos == std::string::npos)
    return -1;
  int line = 1;
  for (size_t i = 0; i < pos; ++i)
    line += text[i] == '\n';
  return line;
}

// Global memory the kernels may touch.
class Memory {
public:
  void add(const void *p, size_t bytes) {
    ranges.emplace_back(reinterpret_cast<uint64_t>(p), bytes);
  }
  template <typename T> void add(const std::vector<T> &v) {
    add(v.data(), v.size() * sizeof(T));
  }
  GlobalCheck check() const {
    return [this](uint64_t addr, uint64_t bytes) {
      for (const auto &[start, size] : ranges)
        if (addr >= start && bytes <= size && addr - start <= size - bytes)
          return true;
      return false;
    };
  }

private:
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
};

std::vector<uint8_t> param64(uint64_t v) {
  std::vector<uint8_t> b(8);
  std::memcpy(b.data(), &v, 8);
  return b;
}
std::vector<uint8_t> param32(uint32_t v) {
  std::vector<uint8_t> b(4);
  std::memcpy(b.data(), &v, 4);
  return b;
}
template <typename T> std::vector<uint8_t> ptrParam(const std::vector<T> &v) {
  return param64(reinterpret_cast<uint64_t>(v.data()));
}

LaunchConfig config(unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                    unsigned by, unsigned bz,
                    std::vector<std::vector<uint8_t>> params,
                    size_t dynamicShared = 0) {
  LaunchConfig c;
  c.grid[0] = gx, c.grid[1] = gy, c.grid[2] = gz;
  c.block[0] = bx, c.block[1] = by, c.block[2] = bz;
  c.params = std::move(params);
  c.dynamicShared = dynamicShared;
  return c;
}

// Parses `text` (failing the test on an error) and runs `kernel`.
bool run(const std::string &text, const std::string &kernel,
         const LaunchConfig &cfg, const Memory &mem, std::string &error) {
  std::string perr;
  ProgramPtr prog = parsePtx(text, perr);
  if (!prog) {
    error = "parse: " + perr;
    ADD_FAILURE() << "parsePtx failed: " << perr;
    return false;
  }
  std::vector<size_t> sizes;
  if (!kernelParamSizes(*prog, kernel, sizes)) {
    error = "no kernel " + kernel;
    ADD_FAILURE() << error;
    return false;
  }
  EXPECT_EQ(sizes.size(), cfg.params.size());
  for (size_t i = 0; i < sizes.size() && i < cfg.params.size(); ++i)
    EXPECT_EQ(sizes[i], cfg.params[i].size()) << "parameter " << i;
  return launch(*prog, kernel, cfg, mem.check(), error);
}

uint32_t f32bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float bitsf32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// IEEE binary16, round to nearest even (finite inputs in range here).
uint16_t toF16(float f) {
  uint32_t x = f32bits(f);
  uint32_t sign = (x >> 16) & 0x8000;
  int32_t exp = static_cast<int32_t>((x >> 23) & 0xFF) - 127 + 15;
  uint32_t mant = x & 0x7FFFFF;
  if (((x >> 23) & 0xFF) == 0xFF)
    return sign | 0x7C00 | (mant ? 0x200 : 0);
  if (exp >= 31)
    return sign | 0x7C00;
  if (exp <= 0) { // subnormal or zero
    if (exp < -10)
      return sign;
    mant |= 0x800000;
    uint32_t shift = 14 - exp;
    uint32_t half = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1)))
      ++half;
    return sign | half;
  }
  uint32_t h = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1FFF;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
    ++h; // may carry into the exponent: still correct
  return static_cast<uint16_t>(h);
}

float fromF16(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  if (exp == 0x1F)
    return bitsf32(sign | 0x7F800000 | (mant << 13));
  if (exp == 0) {
    float v = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -v : v;
  }
  return bitsf32(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

uint16_t toBF16(float f) {
  uint32_t u = f32bits(f);
  if ((u & 0x7FFFFFFF) > 0x7F800000)
    return static_cast<uint16_t>((u >> 16) | 0x40);
  u += 0x7FFF + ((u >> 16) & 1);
  return static_cast<uint16_t>(u >> 16);
}
float fromBF16(uint16_t b) { return bitsf32(static_cast<uint32_t>(b) << 16); }

//===--- (1) ldmatrix ----------------------------------------------------===//

// 32 threads copy 1024 bytes from global to shared (offset 64) with
// ld.global/st.shared, then each lane L gives the address of row L%8 of
// matrix L/8, stored at shared 64 + ((L%8)*4 + L/8)*32 (rows interleaved
// and padded), loads .x4 and stores its four registers to out[4L..4L+3].
std::string ldmatrixPtx(bool trans) {
  std::string body = R"(
.shared .align 16 .b8 smem[1088];

.visible .entry ldm(
	.param .u64 .ptr .align 1 ldm_param_0,
	.param .u64 .ptr .align 1 ldm_param_1
)
.maxntid 32, 1, 1
{
	.reg .b32 	%r<40>;
	.reg .b64 	%rd<40>;
	ld.param.b64 	%rd1, [ldm_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.param.b64 	%rd3, [ldm_param_1];
	cvta.to.global.u64 	%rd4, %rd3;
	mov.u32 	%r1, %tid.x;
	mul.wide.u32 	%rd5, %r1, 4;
	add.s64 	%rd6, %rd2, %rd5;
	mov.b64 	%rd7, smem;
	add.s64 	%rd8, %rd7, %rd5;
	ld.global.b32 	%r2, [%rd6];
	st.shared.b32 	[%rd8+64], %r2;
	ld.global.b32 	%r3, [%rd6+128];
	st.shared.b32 	[%rd8+192], %r3;
	ld.global.b32 	%r4, [%rd6+256];
	st.shared.b32 	[%rd8+320], %r4;
	ld.global.b32 	%r5, [%rd6+384];
	st.shared.b32 	[%rd8+448], %r5;
	ld.global.b32 	%r6, [%rd6+512];
	st.shared.b32 	[%rd8+576], %r6;
	ld.global.b32 	%r7, [%rd6+640];
	st.shared.b32 	[%rd8+704], %r7;
	ld.global.b32 	%r8, [%rd6+768];
	st.shared.b32 	[%rd8+832], %r8;
	ld.global.b32 	%r9, [%rd6+896];
	st.shared.b32 	[%rd8+960], %r9;
	bar.sync 	0;
	and.b32 	%r10, %r1, 7;
	shr.u32 	%r11, %r1, 3;
	shl.b32 	%r12, %r10, 2;
	add.s32 	%r13, %r12, %r11;
	mul.wide.u32 	%rd9, %r13, 32;
	add.s64 	%rd10, %rd7, %rd9;
	ldmatrix.sync.aligned.m8n8.x4)";
  body += trans ? ".trans" : "";
  body += R"(.shared.b16 {%r20, %r21, %r22, %r23}, [%rd10+64];
	mul.wide.u32 	%rd11, %r1, 16;
	add.s64 	%rd12, %rd4, %rd11;
	st.global.b32 	[%rd12], %r20;
	st.global.b32 	[%rd12+4], %r21;
	st.global.b32 	[%rd12+8], %r22;
	st.global.b32 	[%rd12+12], %r23;
	ret;
}
)";
  return module(body);
}

void checkLdmatrix(bool trans) {
  std::vector<uint16_t> in(512);
  for (unsigned i = 0; i < in.size(); ++i)
    in[i] = static_cast<uint16_t>(i * 0x9E37u + 0x1234u); // all distinct
  std::vector<uint32_t> out(128, 0xDEADBEEF);
  Memory mem;
  mem.add(in), mem.add(out);
  std::string text = ldmatrixPtx(trans), error;
  {
    std::string perr;
    ProgramPtr prog = parsePtx(text, perr);
    ASSERT_TRUE(prog) << perr;
    EXPECT_EQ(kernelStaticShared(*prog, "ldm"), 1088u);
  }
  ASSERT_TRUE(run(text, "ldm",
                  config(1, 1, 1, 32, 1, 1, {ptrParam(in), ptrParam(out)}),
                  mem, error))
      << error;
  // Element (r, c) of matrix m: row r of matrix m is data row r*4 + m.
  auto elt = [&](unsigned m, unsigned r, unsigned c) {
    return static_cast<uint32_t>(in[(r * 4 + m) * 16 + c]);
  };
  for (unsigned lane = 0; lane < 32; ++lane) {
    unsigned g = lane / 4, t = lane % 4;
    for (unsigned m = 0; m < 4; ++m) {
      uint32_t lo = trans ? elt(m, 2 * t, g) : elt(m, g, 2 * t);
      uint32_t hi = trans ? elt(m, 2 * t + 1, g) : elt(m, g, 2 * t + 1);
      EXPECT_EQ(out[lane * 4 + m], lo | (hi << 16))
          << "lane " << lane << " register " << m;
    }
  }
}

TEST(PtxEmulatorLdmatrix, X4) { checkLdmatrix(false); }
TEST(PtxEmulatorLdmatrix, X4Trans) { checkLdmatrix(true); }

//===--- (2) mma.sync m16n8k16 -------------------------------------------===//

// One warp: A (16x16 row-major, 16-bit), Bt (B column-major: Bt[n][k], 8x16),
// C (16x8 f32 row-major) -> D = A*B + C (16x8 f32 row-major), every
// fragment loaded and stored per lane by the ISA's layout.
std::string mmaPtx(const std::string &type) {
  return module(R"(
.visible .entry mma(
	.param .u64 .ptr .align 1 mma_param_0,
	.param .u64 .ptr .align 1 mma_param_1,
	.param .u64 .ptr .align 1 mma_param_2,
	.param .u64 .ptr .align 1 mma_param_3
)
{
	.reg .b32 	%r<40>;
	.reg .b64 	%rd<40>;
	ld.param.b64 	%rd1, [mma_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.param.b64 	%rd3, [mma_param_1];
	cvta.to.global.u64 	%rd4, %rd3;
	ld.param.b64 	%rd5, [mma_param_2];
	cvta.to.global.u64 	%rd6, %rd5;
	ld.param.b64 	%rd7, [mma_param_3];
	cvta.to.global.u64 	%rd8, %rd7;
	mov.u32 	%r1, %tid.x;
	shr.u32 	%r2, %r1, 2;
	and.b32 	%r3, %r1, 3;
	shl.b32 	%r4, %r3, 1;
	shl.b32 	%r5, %r2, 4;
	add.s32 	%r6, %r5, %r4;
	mul.wide.u32 	%rd9, %r6, 2;
	add.s64 	%rd10, %rd2, %rd9;
	ld.global.b32 	%r10, [%rd10];
	ld.global.b32 	%r11, [%rd10+256];
	ld.global.b32 	%r12, [%rd10+16];
	ld.global.b32 	%r13, [%rd10+272];
	add.s64 	%rd11, %rd4, %rd9;
	ld.global.b32 	%r14, [%rd11];
	ld.global.b32 	%r15, [%rd11+16];
	shl.b32 	%r7, %r2, 3;
	add.s32 	%r8, %r7, %r4;
	mul.wide.u32 	%rd12, %r8, 4;
	add.s64 	%rd13, %rd6, %rd12;
	ld.global.b32 	%r16, [%rd13];
	ld.global.b32 	%r17, [%rd13+4];
	ld.global.b32 	%r18, [%rd13+256];
	ld.global.b32 	%r19, [%rd13+260];
	mma.sync.aligned.m16n8k16.row.col.f32.)" +
                type + "." + type + R"(.f32
		{%r20, %r21, %r22, %r23},
		{%r10, %r11, %r12, %r13},
		{%r14, %r15},
		{%r16, %r17, %r18, %r19};
	add.s64 	%rd14, %rd8, %rd12;
	st.global.b32 	[%rd14], %r20;
	st.global.b32 	[%rd14+4], %r21;
	st.global.b32 	[%rd14+256], %r22;
	st.global.b32 	[%rd14+260], %r23;
	ret;
}
)");
}

// `exact`: values with few mantissa bits, so that every product and partial
// sum is exact in f32 and the result must match bit for bit.
void checkMma(bool bf16, bool exact, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  auto enc = [&](float v) { return bf16 ? toBF16(v) : toF16(v); };
  auto dec = [&](uint16_t v) { return bf16 ? fromBF16(v) : fromF16(v); };
  std::vector<uint16_t> a(256), bt(128);
  std::vector<float> c(128), d(128, std::nanf(""));
  for (unsigned i = 0; i < 256; ++i)
    a[i] = enc(exact ? static_cast<float>(static_cast<int>(i * 7 % 13) - 6) /
                           4.0f
                     : uni(rng));
  for (unsigned i = 0; i < 128; ++i) {
    bt[i] = enc(exact ? static_cast<float>(static_cast<int>(i * 5 % 11) - 5) /
                            8.0f
                      : uni(rng));
    c[i] = exact ? static_cast<float>(static_cast<int>(i % 9) - 4) / 16.0f
                 : uni(rng);
  }
  Memory mem;
  mem.add(a), mem.add(bt), mem.add(c), mem.add(d);
  std::string error;
  ASSERT_TRUE(run(mmaPtx(bf16 ? "bf16" : "f16"), "mma",
                  config(1, 1, 1, 32, 1, 1,
                         {ptrParam(a), ptrParam(bt), ptrParam(c), ptrParam(d)}),
                  mem, error))
      << error;
  for (unsigned m = 0; m < 16; ++m)
    for (unsigned n = 0; n < 8; ++n) {
      double ref = c[m * 8 + n];
      double mag = std::fabs(ref);
      for (unsigned k = 0; k < 16; ++k) {
        double p = static_cast<double>(dec(a[m * 16 + k])) *
                   static_cast<double>(dec(bt[n * 16 + k]));
        ref += p;
        mag += std::fabs(p);
      }
      float got = d[m * 8 + n];
      if (exact)
        EXPECT_EQ(got, static_cast<float>(ref)) << "D[" << m << "][" << n << "]";
      else // f32 accumulation of 17 terms
        EXPECT_NEAR(got, ref, 1e-6 * (mag + 1.0))
            << "D[" << m << "][" << n << "]";
    }
}

TEST(PtxEmulatorMma, F16Exact) { checkMma(false, true, 0); }
TEST(PtxEmulatorMma, F16Random) { checkMma(false, false, 1); }
TEST(PtxEmulatorMma, BF16Exact) { checkMma(true, true, 0); }
TEST(PtxEmulatorMma, BF16Random) { checkMma(true, false, 2); }

// The path of the tensor-core kernel: S = Q K^T with K (16 keys x 16,
// row-major) in shared memory read by ldmatrix .x4 (two 8-key B fragments),
// P = S rounded to f16 by cvt.rn.f16x2.f32 straight from the two C
// fragments (two 8-key tiles) into one A fragment (one 16-key step), and
// O = P V with V (16 keys x 16, row-major) in shared memory read by
// ldmatrix .x4 .trans (two 8-column B fragments). K and V reach shared
// memory by cp.async.
std::string attentionTilePtx() {
  return module(R"(
.visible .entry tile(
	.param .u64 .ptr .align 1 tile_param_0,
	.param .u64 .ptr .align 1 tile_param_1,
	.param .u64 .ptr .align 1 tile_param_2,
	.param .u64 .ptr .align 1 tile_param_3
)
{
	.reg .b32 	%r<80>;
	.reg .b64 	%rd<40>;
	.shared .align 16 .b8 kv[1024];
	ld.param.b64 	%rd1, [tile_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.param.b64 	%rd3, [tile_param_1];
	cvta.to.global.u64 	%rd4, %rd3;
	ld.param.b64 	%rd5, [tile_param_2];
	cvta.to.global.u64 	%rd6, %rd5;
	ld.param.b64 	%rd7, [tile_param_3];
	cvta.to.global.u64 	%rd8, %rd7;
	mov.u32 	%r1, %tid.x;
	// K to kv[0..512), V to kv[512..1024): 16 bytes per lane each.
	mul.wide.u32 	%rd9, %r1, 16;
	mov.b64 	%rd10, kv;
	add.s64 	%rd11, %rd10, %rd9;
	add.s64 	%rd12, %rd4, %rd9;
	cp.async.cg.shared.global [%rd11], [%rd12], 16, 16;
	add.s64 	%rd13, %rd6, %rd9;
	cp.async.cg.shared.global [%rd11+512], [%rd13], 16, 16;
	cp.async.commit_group;
	// Q's A fragment from global.
	shr.u32 	%r2, %r1, 2;
	and.b32 	%r3, %r1, 3;
	shl.b32 	%r4, %r3, 1;
	shl.b32 	%r5, %r2, 4;
	add.s32 	%r6, %r5, %r4;
	mul.wide.u32 	%rd14, %r6, 2;
	add.s64 	%rd15, %rd2, %rd14;
	ld.global.b32 	%r10, [%rd15];
	ld.global.b32 	%r11, [%rd15+256];
	ld.global.b32 	%r12, [%rd15+16];
	ld.global.b32 	%r13, [%rd15+272];
	cp.async.wait_group 	0;
	bar.sync 	0;
	// ldmatrix on K: lane L -> key (L%8) + 8*(L/16), column 8*((L/8)%2).
	and.b32 	%r14, %r1, 7;
	shr.u32 	%r15, %r1, 4;
	shl.b32 	%r16, %r15, 3;
	add.s32 	%r17, %r14, %r16;
	shr.u32 	%r18, %r1, 3;
	and.b32 	%r19, %r18, 1;
	shl.b32 	%r20, %r19, 3;
	shl.b32 	%r21, %r17, 4;
	add.s32 	%r22, %r21, %r20;
	mul.wide.u32 	%rd16, %r22, 2;
	add.s64 	%rd17, %rd10, %rd16;
	ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%r30, %r31, %r32, %r33}, [%rd17];
	mov.b32 	%r40, 0f00000000;
	mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
		{%r41, %r42, %r43, %r44},
		{%r10, %r11, %r12, %r13},
		{%r30, %r31},
		{%r40, %r40, %r40, %r40};
	mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
		{%r45, %r46, %r47, %r48},
		{%r10, %r11, %r12, %r13},
		{%r32, %r33},
		{%r40, %r40, %r40, %r40};
	// P = S as the A fragment of one k16 step.
	cvt.rn.f16x2.f32 	%r50, %r42, %r41;
	cvt.rn.f16x2.f32 	%r51, %r44, %r43;
	cvt.rn.f16x2.f32 	%r52, %r46, %r45;
	cvt.rn.f16x2.f32 	%r53, %r48, %r47;
	// ldmatrix.trans on V: lane L -> key (L%8) + 8*((L/8)%2), column 8*(L/16).
	shl.b32 	%r23, %r19, 3;
	add.s32 	%r24, %r14, %r23;
	shl.b32 	%r25, %r24, 4;
	add.s32 	%r26, %r25, %r16;
	mul.wide.u32 	%rd18, %r26, 2;
	add.s64 	%rd19, %rd10, %rd18;
	ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%r34, %r35, %r36, %r37}, [%rd19+512];
	mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
		{%r60, %r61, %r62, %r63},
		{%r50, %r51, %r52, %r53},
		{%r34, %r35},
		{%r40, %r40, %r40, %r40};
	mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
		{%r64, %r65, %r66, %r67},
		{%r50, %r51, %r52, %r53},
		{%r36, %r37},
		{%r40, %r40, %r40, %r40};
	// O (16x16 f32, row-major): row g, cols 2t (+8 for the second tile).
	shl.b32 	%r27, %r2, 4;
	add.s32 	%r28, %r27, %r4;
	mul.wide.u32 	%rd20, %r28, 4;
	add.s64 	%rd21, %rd8, %rd20;
	st.global.b32 	[%rd21], %r60;
	st.global.b32 	[%rd21+4], %r61;
	st.global.b32 	[%rd21+512], %r62;
	st.global.b32 	[%rd21+516], %r63;
	st.global.b32 	[%rd21+32], %r64;
	st.global.b32 	[%rd21+36], %r65;
	st.global.b32 	[%rd21+544], %r66;
	st.global.b32 	[%rd21+548], %r67;
	ret;
}
)");
}

TEST(PtxEmulatorMma, LdmatrixFeedsMmaLikeTheAttentionKernel) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<uint16_t> q(256), k(256), v(256);
  for (auto *x : {&q, &k, &v})
    for (auto &e : *x)
      e = toF16(uni(rng));
  std::vector<float> o(256, std::nanf(""));
  Memory mem;
  mem.add(q), mem.add(k), mem.add(v), mem.add(o);
  std::string error;
  ASSERT_TRUE(run(attentionTilePtx(), "tile",
                  config(1, 1, 1, 32, 1, 1,
                         {ptrParam(q), ptrParam(k), ptrParam(v), ptrParam(o)}),
                  mem, error))
      << error;
  for (unsigned i = 0; i < 16; ++i) {
    // S in f32 (exactly as mma accumulates: sums of 16 products of f16 are
    // not exact in f32, so allow for that before rounding P to f16).
    float p[16];
    for (unsigned j = 0; j < 16; ++j) {
      double s = 0;
      for (unsigned d = 0; d < 16; ++d)
        s += static_cast<double>(fromF16(q[i * 16 + d])) *
             fromF16(k[j * 16 + d]);
      p[j] = fromF16(toF16(static_cast<float>(s)));
    }
    for (unsigned n = 0; n < 16; ++n) {
      double ref = 0, mag = 0;
      for (unsigned j = 0; j < 16; ++j) {
        ref += static_cast<double>(p[j]) * fromF16(v[j * 16 + n]);
        mag += std::fabs(static_cast<double>(p[j]) * fromF16(v[j * 16 + n]));
      }
      // P's rounding to f16 may differ by one ulp (2^-11 relative) where
      // S's f32 sum lands near a tie: allow that on every term.
      EXPECT_NEAR(o[i * 16 + n], ref, 1e-3 * (mag + 1e-3))
          << "O[" << i << "][" << n << "]";
    }
  }
}

//===--- (3) shfl.sync.bfly ----------------------------------------------===//

TEST(PtxEmulatorShfl, ButterflyReductionPerWarp) {
  std::string text = module(R"(
.visible .entry red(
	.param .u64 .ptr .align 1 red_param_0,
	.param .u64 .ptr .align 1 red_param_1
)
{
	.reg .b32 	%r<40>;
	.reg .b64 	%rd<10>;
	ld.param.b64 	%rd1, [red_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.param.b64 	%rd3, [red_param_1];
	cvta.to.global.u64 	%rd4, %rd3;
	mov.u32 	%r1, %tid.x;
	mul.lo.s32 	%r2, %r1, %r1;
	add.s32 	%r3, %r2, 1;
	shfl.sync.bfly.b32 	%r4, %r3, 16, 31, -1;
	add.s32 	%r5, %r3, %r4;
	shfl.sync.bfly.b32 	%r6, %r5, 8, 31, -1;
	add.s32 	%r7, %r5, %r6;
	shfl.sync.bfly.b32 	%r8, %r7, 4, 31, -1;
	add.s32 	%r9, %r7, %r8;
	shfl.sync.bfly.b32 	%r10, %r9, 2, 31, -1;
	add.s32 	%r11, %r9, %r10;
	shfl.sync.bfly.b32 	%r12, %r11, 1, 31, -1;
	add.s32 	%r13, %r11, %r12;
	// f32 maximum over the quad (two steps, as the kernels do).
	cvt.rn.f32.u32 	%r14, %r2;
	neg.f32 	%r15, %r14;
	shfl.sync.bfly.b32 	%r16, %r15, 1, 31, -1;
	max.f32 	%r17, %r15, %r16;
	shfl.sync.bfly.b32 	%r18, %r17, 2, 31, -1;
	max.f32 	%r19, %r17, %r18;
	mul.wide.u32 	%rd5, %r1, 4;
	add.s64 	%rd6, %rd2, %rd5;
	st.global.b32 	[%rd6], %r13;
	add.s64 	%rd7, %rd4, %rd5;
	st.global.b32 	[%rd7], %r19;
	ret;
}
)");
  std::vector<uint32_t> sums(64, 0);
  std::vector<float> maxima(64, 0);
  Memory mem;
  mem.add(sums), mem.add(maxima);
  std::string error;
  ASSERT_TRUE(run(text, "red",
                  config(1, 1, 1, 64, 1, 1, {ptrParam(sums), ptrParam(maxima)}),
                  mem, error))
      << error;
  for (unsigned t = 0; t < 64; ++t) {
    uint32_t want = 0;
    for (unsigned u = t / 32 * 32; u < t / 32 * 32 + 32; ++u)
      want += u * u + 1;
    EXPECT_EQ(sums[t], want) << "thread " << t;
    unsigned first = t / 4 * 4; // max of -u*u over the quad: its first lane
    EXPECT_EQ(maxima[t], -static_cast<float>(first * first)) << "thread " << t;
  }
}

// vote.sync: any/all/uni/ballot over each warp of 64 threads. Warp 0 votes
// on "lane == 5" (any, not all, not uniform), warp 1 on "true" (all).
TEST(PtxEmulatorVote, AnyAllUniBallot) {
  std::string text = module(R"(
.visible .entry vt(
	.param .u64 .ptr .align 1 vt_param_0
)
{
	.reg .pred 	%p<8>;
	.reg .b32 	%r<20>;
	.reg .b64 	%rd<10>;
	ld.param.b64 	%rd1, [vt_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	mov.u32 	%r1, %tid.x;
	and.b32 	%r2, %r1, 31;
	setp.eq.s32 	%p1, %r2, 5;
	setp.gt.u32 	%p2, %r1, 31;
	or.pred 	%p3, %p1, %p2;
	vote.sync.any.pred 	%p4, %p3, -1;
	vote.sync.all.pred 	%p5, %p3, -1;
	vote.sync.uni.pred 	%p6, %p3, -1;
	vote.sync.ballot.b32 	%r3, %p3, -1;
	vote.sync.any.pred 	%p7, !%p3, -1;
	selp.b32 	%r4, 1, 0, %p4;
	selp.b32 	%r5, 2, 0, %p5;
	selp.b32 	%r6, 4, 0, %p6;
	selp.b32 	%r7, 8, 0, %p7;
	or.b32 	%r8, %r4, %r5;
	or.b32 	%r9, %r8, %r6;
	or.b32 	%r10, %r9, %r7;
	mul.wide.u32 	%rd3, %r1, 8;
	add.s64 	%rd4, %rd2, %rd3;
	st.global.b32 	[%rd4], %r10;
	st.global.b32 	[%rd4+4], %r3;
	ret;
}
)");
  std::vector<uint32_t> out(128, 0);
  Memory mem;
  mem.add(out);
  std::string error;
  ASSERT_TRUE(run(text, "vt", config(1, 1, 1, 64, 1, 1, {ptrParam(out)}), mem,
                  error))
      << error;
  for (unsigned t = 0; t < 64; ++t) {
    bool w0 = t < 32;
    // warp 0: any, not all, not uni, some lane false; warp 1: any, all, uni.
    EXPECT_EQ(out[2 * t], w0 ? 1u + 8u : 1u + 2u + 4u) << "thread " << t;
    EXPECT_EQ(out[2 * t + 1], w0 ? 1u << 5 : 0xffffffffu) << "thread " << t;
  }
}

//===--- (4) cp.async ----------------------------------------------------===//

// 64 threads, 2048 bytes of dynamic shared memory: each thread poisons its
// 16 bytes, then cp.async.cg copies 16 bytes (src-size 0, i.e. zero fill,
// for every fourth thread) into the first half and 16 unconditionally into
// the second half, as two commit groups; after wait_group 0 and bar.sync
// each thread reads back the 32 bytes copied by thread (t + 32) % 64 (the
// other warp).
std::string cpAsyncPtx(const std::string &waitAndBarrier, unsigned readBase) {
  auto at = [&](unsigned off) {
    unsigned o = readBase + off;
    return o ? "+" + std::to_string(o) : std::string();
  };
  return module(R"(
.extern .shared .align 16 .b8 dsmem[];

.visible .entry cpa(
	.param .u64 .ptr .align 1 cpa_param_0,
	.param .u64 .ptr .align 1 cpa_param_1
)
{
	.reg .pred 	%p<4>;
	.reg .b32 	%r<40>;
	.reg .b64 	%rd<20>;
	ld.param.b64 	%rd1, [cpa_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.param.b64 	%rd3, [cpa_param_1];
	cvta.to.global.u64 	%rd4, %rd3;
	mov.u32 	%r1, %tid.x;
	mul.wide.u32 	%rd5, %r1, 16;
	add.s64 	%rd6, %rd2, %rd5;
	mov.b64 	%rd7, dsmem;
	add.s64 	%rd8, %rd7, %rd5;
	mov.b32 	%r2, -1;
	st.shared.b32 	[%rd8], %r2;
	st.shared.b32 	[%rd8+4], %r2;
	st.shared.b32 	[%rd8+8], %r2;
	st.shared.b32 	[%rd8+12], %r2;
	and.b32 	%r3, %r1, 3;
	setp.eq.s32 	%p1, %r3, 3;
	selp.b32 	%r4, 0, 16, %p1;
	cp.async.cg.shared.global [%rd8], [%rd6], 16, %r4;
	cp.async.commit_group;
	cp.async.cg.shared.global [%rd8+1024], [%rd6+1024], 16;
	cp.async.commit_group;
)" + waitAndBarrier +
                R"(
	add.s32 	%r5, %r1, 32;
	and.b32 	%r6, %r5, 63;
	mul.wide.u32 	%rd9, %r6, 16;
	add.s64 	%rd10, %rd7, %rd9;
	ld.shared.b32 	%r10, [%rd10)" +
                at(0) + R"(];
	ld.shared.b32 	%r11, [%rd10)" +
                at(4) + R"(];
	ld.shared.b32 	%r12, [%rd10)" +
                at(8) + R"(];
	ld.shared.b32 	%r13, [%rd10)" +
                at(12) + R"(];
	add.s64 	%rd11, %rd4, %rd5;
	st.global.b32 	[%rd11], %r10;
	st.global.b32 	[%rd11+4], %r11;
	st.global.b32 	[%rd11+8], %r12;
	st.global.b32 	[%rd11+12], %r13;
	ret;
}
)");
}

// A race with a cp.async in flight: the emulator may call it a race or say
// the copy is still in flight.
bool isCpAsyncRace(const std::string &error) {
  return error.find("race") != std::string::npos ||
         error.find("in flight") != std::string::npos;
}

struct CpAsyncData {
  std::vector<uint32_t> in = std::vector<uint32_t>(512);
  std::vector<uint32_t> out = std::vector<uint32_t>(256, 0xABABABAB);
  Memory mem;
  CpAsyncData() {
    for (unsigned i = 0; i < in.size(); ++i)
      in[i] = 0x01000000u * (i % 7 + 1) + i;
    mem.add(in), mem.add(out);
  }
  LaunchConfig cfg() {
    return config(1, 1, 1, 64, 1, 1, {ptrParam(in), ptrParam(out)}, 2048);
  }
};

TEST(PtxEmulatorCpAsync, CopiesAndZeroFillsAfterWaitGroup0) {
  CpAsyncData d;
  std::string error;
  ASSERT_TRUE(run(cpAsyncPtx("\tcp.async.wait_group \t0;\n\tbar.sync \t0;", 0),
                  "cpa", d.cfg(), d.mem, error))
      << error;
  for (unsigned t = 0; t < 64; ++t) {
    unsigned src = (t + 32) % 64;
    for (unsigned w = 0; w < 4; ++w)
      EXPECT_EQ(d.out[t * 4 + w], src % 4 == 3 ? 0u : d.in[src * 4 + w])
          << "thread " << t << " word " << w;
  }
  ASSERT_TRUE(run(cpAsyncPtx("\tcp.async.wait_group \t0;\n\tbar.sync \t0;",
                             1024),
                  "cpa", d.cfg(), d.mem, error))
      << error;
  for (unsigned t = 0; t < 64; ++t) {
    unsigned src = (t + 32) % 64;
    for (unsigned w = 0; w < 4; ++w)
      EXPECT_EQ(d.out[t * 4 + w], d.in[256 + src * 4 + w])
          << "thread " << t << " word " << w;
  }
}

TEST(PtxEmulatorCpAsync, WaitGroup1CompletesOnlyTheOlderGroup) {
  CpAsyncData d;
  std::string error;
  // The first group is complete after wait_group 1: reading it from the
  // other warp after the barrier is fine.
  ASSERT_TRUE(run(cpAsyncPtx("\tcp.async.wait_group \t1;\n\tbar.sync \t0;", 0),
                  "cpa", d.cfg(), d.mem, error))
      << error;
  for (unsigned t = 0; t < 64; ++t) {
    unsigned src = (t + 32) % 64;
    EXPECT_EQ(d.out[t * 4], src % 4 == 3 ? 0u : d.in[src * 4]) << t;
  }
  // The second may still be in flight: reading it from the other warp is a
  // race.
  EXPECT_FALSE(run(cpAsyncPtx("\tcp.async.wait_group \t1;\n\tbar.sync \t0;",
                              1024),
                   "cpa", d.cfg(), d.mem, error));
  EXPECT_TRUE(isCpAsyncRace(error)) << error;
}

TEST(PtxEmulatorCpAsync, BarrierWithoutWaitIsARace) {
  CpAsyncData d;
  std::string error;
  EXPECT_FALSE(run(cpAsyncPtx("\tbar.sync \t0;\n\tcp.async.wait_group \t0;", 0),
                   "cpa", d.cfg(), d.mem, error));
  EXPECT_TRUE(isCpAsyncRace(error)) << error;
}

//===--- (5) faults -------------------------------------------------------===//

TEST(PtxEmulatorFaults, GlobalLoadOutsideRegisteredMemory) {
  std::string text = module(R"(
.visible .entry oob(
	.param .u64 .ptr .align 1 oob_param_0,
	.param .u64 .ptr .align 1 oob_param_1
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<10>;
	.reg .b64 	%rd<10>;
	ld.param.b64 	%rd1, [oob_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.param.b64 	%rd3, [oob_param_1];
	cvta.to.global.u64 	%rd4, %rd3;
	mov.u32 	%r1, %tid.x;
	mul.wide.u32 	%rd5, %r1, 4;
	add.s64 	%rd6, %rd4, %rd5;
	mov.b32 	%r2, 1;
	st.global.b32 	[%rd6], %r2;
	setp.eq.s32 	%p1, %r1, 5;
	selp.b32 	%r3, 32, %r1, %p1;
	mul.wide.u32 	%rd7, %r3, 4;
	add.s64 	%rd8, %rd2, %rd7;
	ld.global.b32 	%r4, [%rd8]; // the faulting load
	st.global.b32 	[%rd6], %r4;
	ret;
}
)");
  // `in` has 64 words, of which the kernel may read the first 32: lane 5
  // reads word 32, just past the end of what it may touch.
  std::vector<uint32_t> in(64, 7), out(32, 0);
  Memory mem;
  mem.add(in.data(), 32 * sizeof(uint32_t));
  mem.add(out);
  std::string error;
  EXPECT_FALSE(run(text, "oob",
                   config(1, 1, 1, 32, 1, 1, {ptrParam(in), ptrParam(out)}),
                   mem, error));
  int line = lineOf(text, "// the faulting load");
  EXPECT_NE(error.find("line " + std::to_string(line)), std::string::npos)
      << "expected line " << line << ": " << error;
  EXPECT_NE(error.find("kernel oob"), std::string::npos) << error;
  EXPECT_NE(error.find("block (0,0,0)"), std::string::npos) << error;
  EXPECT_NE(error.find("thread (5,0,0)"), std::string::npos) << error;
  EXPECT_NE(error.find("ld.global"), std::string::npos) << error;
  // The store before the fault stays written; the one after never ran.
  for (unsigned t = 0; t < 32; ++t)
    EXPECT_EQ(out[t], 1u) << "thread " << t;

  // The same kernel within bounds succeeds.
  std::vector<uint32_t> out2(32, 0);
  Memory ok;
  ok.add(in), ok.add(out2);
  ASSERT_TRUE(run(text, "oob",
                  config(1, 1, 1, 32, 1, 1, {ptrParam(in), ptrParam(out2)}), ok,
                  error))
      << error;
  for (unsigned t = 0; t < 32; ++t)
    EXPECT_EQ(out2[t], 7u) << "thread " << t;
}

TEST(PtxEmulatorFaults, SharedStoreOutsideTheWindow) {
  std::string text = module(R"(
.visible .entry shfault()
{
	.reg .b32 	%r<10>;
	.reg .b64 	%rd<10>;
	.shared .align 4 .b8 buf[128];
	mov.u32 	%r1, %tid.x;
	mul.wide.u32 	%rd1, %r1, 8;
	mov.b64 	%rd2, buf;
	add.s64 	%rd3, %rd2, %rd1;
	st.shared.b32 	[%rd3], %r1; // lanes 16.. write past 128 bytes
	ret;
}
)");
  Memory mem;
  std::string error;
  EXPECT_FALSE(run(text, "shfault", config(1, 1, 1, 32, 1, 1, {}), mem, error));
  int line = lineOf(text, "lanes 16..");
  EXPECT_NE(error.find("line " + std::to_string(line)), std::string::npos)
      << "expected line " << line << ": " << error;
  EXPECT_NE(error.find("thread (16,0,0)"), std::string::npos) << error;
  // 16 lanes stay inside.
  ASSERT_TRUE(run(text, "shfault", config(1, 1, 1, 16, 1, 1, {}), mem, error))
      << error;
}

TEST(PtxEmulatorFaults, ShuffleNotReachedByTheWholeWarp) {
  std::string text = module(R"(
.visible .entry half(
	.param .u64 .ptr .align 1 half_param_0
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<10>;
	.reg .b64 	%rd<10>;
	ld.param.b64 	%rd1, [half_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	mov.u32 	%r1, %tid.x;
	mov.b32 	%r3, 0;
	setp.gt.u32 	%p1, %r1, 15;
	@%p1 bra 	$L__BB0_2;
	shfl.sync.bfly.b32 	%r3, %r1, 1, 31, -1; // only lanes 0..15
$L__BB0_2:
	mul.wide.u32 	%rd3, %r1, 4;
	add.s64 	%rd4, %rd2, %rd3;
	st.global.b32 	[%rd4], %r3;
	ret;
}
)");
  std::vector<uint32_t> out(32, 0);
  Memory mem;
  mem.add(out);
  std::string error;
  EXPECT_FALSE(run(text, "half", config(1, 1, 1, 32, 1, 1, {ptrParam(out)}),
                   mem, error));
  int line = lineOf(text, "only lanes 0..15");
  EXPECT_NE(error.find("line " + std::to_string(line)), std::string::npos)
      << "expected line " << line << ": " << error;
}

//===--- (6) shared-memory races -----------------------------------------===//

// Warp 0 writes 32 words, then every thread reads word (tid % 32) ^ readXor
// (another lane's word when readXor != 0): `between` goes between the write
// and the read.
std::string racePtx(const std::string &between, int readXor = 0) {
  return module(R"(
.visible .entry race(
	.param .u64 .ptr .align 1 race_param_0
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<10>;
	.reg .b64 	%rd<10>;
	.shared .align 4 .b8 sm[128];
	ld.param.b64 	%rd1, [race_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	mov.u32 	%r1, %tid.x;
	and.b32 	%r2, %r1, 31;
	mul.wide.u32 	%rd3, %r2, 4;
	mov.b64 	%rd4, sm;
	add.s64 	%rd5, %rd4, %rd3;
	setp.gt.u32 	%p1, %r1, 31;
	@%p1 bra 	$L__BB0_2;
	add.s32 	%r3, %r1, 1000;
	st.shared.b32 	[%rd5], %r3;
$L__BB0_2:
)" + between + R"(
	xor.b32 	%r5, %r2, )" + std::to_string(readXor) + R"(;
	mul.wide.u32 	%rd8, %r5, 4;
	add.s64 	%rd9, %rd4, %rd8;
	ld.shared.b32 	%r4, [%rd9]; // the read
	mul.wide.u32 	%rd6, %r1, 4;
	add.s64 	%rd7, %rd2, %rd6;
	st.global.b32 	[%rd7], %r4;
	ret;
}
)");
}

TEST(PtxEmulatorRaces, WriteThenReadByAnotherWarpWithoutBarrier) {
  std::vector<uint32_t> out(64, 0);
  Memory mem;
  mem.add(out);
  std::string error;
  EXPECT_FALSE(run(racePtx(""), "race",
                   config(1, 1, 1, 64, 1, 1, {ptrParam(out)}), mem, error));
  EXPECT_NE(error.find("race"), std::string::npos) << error;
}

TEST(PtxEmulatorRaces, WriteBarrierReadIsFine) {
  std::vector<uint32_t> out(64, 0);
  Memory mem;
  mem.add(out);
  std::string error;
  ASSERT_TRUE(run(racePtx("\tbar.sync \t0;"), "race",
                  config(1, 1, 1, 64, 1, 1, {ptrParam(out)}), mem, error))
      << error;
  for (unsigned t = 0; t < 64; ++t)
    EXPECT_EQ(out[t], t % 32 + 1000) << "thread " << t;
}

TEST(PtxEmulatorRaces, OneWarpAloneNeverRaces) {
  std::vector<uint32_t> out(32, 0);
  Memory mem;
  mem.add(out);
  std::string error;
  ASSERT_TRUE(run(racePtx(""), "race",
                  config(1, 1, 1, 32, 1, 1, {ptrParam(out)}), mem, error))
      << error;
  for (unsigned t = 0; t < 32; ++t)
    EXPECT_EQ(out[t], t + 1000) << "thread " << t;
}

// Lanes of one warp exchanging words through shared memory need a
// bar.warp.sync between (lanes are not in lockstep on Volta and later).
TEST(PtxEmulatorRaces, LanesExchangingWithoutWarpSyncRace) {
  std::vector<uint32_t> out(32, 0);
  Memory mem;
  mem.add(out);
  std::string error;
  EXPECT_FALSE(run(racePtx("", 1), "race",
                   config(1, 1, 1, 32, 1, 1, {ptrParam(out)}), mem, error));
  EXPECT_NE(error.find("of its warp wrote with no bar.warp.sync"),
            std::string::npos)
      << error;
}

TEST(PtxEmulatorRaces, LanesExchangingAcrossWarpSyncAreFine) {
  std::vector<uint32_t> out(32, 0);
  Memory mem;
  mem.add(out);
  std::string error;
  ASSERT_TRUE(run(racePtx("\tbar.warp.sync \t-1;", 1), "race",
                  config(1, 1, 1, 32, 1, 1, {ptrParam(out)}), mem, error))
      << error;
  for (unsigned t = 0; t < 32; ++t)
    EXPECT_EQ(out[t], (t ^ 1) + 1000) << "thread " << t;
}

TEST(PtxEmulatorRaces, ReadsByTwoWarpsAreNotARace) {
  // Each warp writes its own half, barrier, then both read the first half
  // with no further barrier.
  std::string text = module(R"(
.visible .entry rr(
	.param .u64 .ptr .align 1 rr_param_0
)
{
	.reg .b32 	%r<10>;
	.reg .b64 	%rd<10>;
	.shared .align 4 .b8 sm[256];
	ld.param.b64 	%rd1, [rr_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	mov.u32 	%r1, %tid.x;
	mul.wide.u32 	%rd3, %r1, 4;
	mov.b64 	%rd4, sm;
	add.s64 	%rd5, %rd4, %rd3;
	st.shared.b32 	[%rd5], %r1;
	bar.sync 	0;
	and.b32 	%r2, %r1, 31;
	mul.wide.u32 	%rd6, %r2, 4;
	add.s64 	%rd7, %rd4, %rd6;
	ld.shared.b32 	%r3, [%rd7];
	add.s64 	%rd8, %rd2, %rd3;
	st.global.b32 	[%rd8], %r3;
	ret;
}
)");
  std::vector<uint32_t> out(64, 0);
  Memory mem;
  mem.add(out);
  std::string error;
  ASSERT_TRUE(
      run(text, "rr", config(1, 1, 1, 64, 1, 1, {ptrParam(out)}), mem, error))
      << error;
  for (unsigned t = 0; t < 64; ++t)
    EXPECT_EQ(out[t], t % 32) << "thread " << t;
}

TEST(PtxEmulatorRaces, WritesByTwoWarpsToOneWordRace) {
  std::string text = module(R"(
.visible .entry ww()
{
	.reg .b32 	%r<10>;
	.reg .b64 	%rd<10>;
	.shared .align 4 .b8 sm[128];
	mov.u32 	%r1, %tid.x;
	and.b32 	%r2, %r1, 31;
	mul.wide.u32 	%rd3, %r2, 4;
	mov.b64 	%rd4, sm;
	add.s64 	%rd5, %rd4, %rd3;
	st.shared.b32 	[%rd5], %r1;
	ret;
}
)");
  Memory mem;
  std::string error;
  EXPECT_FALSE(run(text, "ww", config(1, 1, 1, 64, 1, 1, {}), mem, error));
  EXPECT_NE(error.find("race"), std::string::npos) << error;
}

//===--- (7) unsupported instructions and bad text ------------------------===//

void expectParseError(const std::string &text, const std::string &marker,
                      const std::string &mention) {
  std::string error;
  ProgramPtr prog = parsePtx(text, error);
  EXPECT_FALSE(prog);
  EXPECT_NE(error.find(mention), std::string::npos) << error;
  int line = lineOf(text, marker);
  EXPECT_NE(error.find(std::to_string(line)), std::string::npos)
      << "expected line " << line << ": " << error;
}

std::string withInstruction(const std::string &inst) {
  return module(R"(
.visible .entry k(
	.param .u64 .ptr .align 1 k_param_0
)
{
	.reg .b32 	%r<10>;
	.reg .b64 	%rd<10>;
	ld.param.b64 	%rd1, [k_param_0];
	mov.u32 	%r1, %tid.x;
	)" + inst + R"(
	ret;
}
)");
}

TEST(PtxEmulatorParse, RejectsTex) {
  std::string inst = "tex.1d.v4.s32.s32 	{%r2, %r3, %r4, %r5}, [tex0, {%r1}];";
  expectParseError(withInstruction(inst), inst, "tex.");
}

TEST(PtxEmulatorParse, RejectsWgmma) {
  std::string inst = "wgmma.fence.sync.aligned;";
  expectParseError(withInstruction(inst), inst, "wgmma");
}

TEST(PtxEmulatorParse, RejectsMalformedOperands) {
  std::string inst = "add.s32 	%r2, %r1;";
  expectParseError(withInstruction(inst), inst, "add");
}

// Found by mutating kernels (an empty vector divided by its length; an
// access of a 1-bit type was an access of 0 bytes).
TEST(PtxEmulatorParse, RejectsEmptyVectorsAndPredicateMemoryAccesses) {
  std::string mov = "mov.b32 	%r2, {};";
  expectParseError(withInstruction(mov), mov, "mov");
  std::string ld = "ld.global.pred 	%r2, [%rd1];";
  expectParseError(withInstruction(ld), ld, "ld");
}

TEST(PtxEmulatorParse, ParamSizesAndUnknownKernel) {
  std::string text = module(R"(
.visible .entry p(
	.param .u64 .ptr .align 1 p_param_0,
	.param .u32 p_param_1,
	.param .u64 p_param_2
)
{
	ret;
}
)");
  std::string error;
  ProgramPtr prog = parsePtx(text, error);
  ASSERT_TRUE(prog) << error;
  std::vector<size_t> sizes;
  ASSERT_TRUE(kernelParamSizes(*prog, "p", sizes));
  EXPECT_EQ(sizes, (std::vector<size_t>{8, 4, 8}));
  EXPECT_FALSE(kernelParamSizes(*prog, "q", sizes));
  EXPECT_EQ(kernelStaticShared(*prog, "p"), 0u);
}

//===--- (8) branches, loops, grids ---------------------------------------===//

TEST(PtxEmulatorControl, DivergentLoopAndBranchThenShuffle) {
  std::string text = module(R"(
.visible .entry ctl(
	.param .u64 .ptr .align 1 ctl_param_0,
	.param .u64 .ptr .align 1 ctl_param_1,
	.param .u32 ctl_param_2
)
{
	.reg .pred 	%p<4>;
	.reg .b32 	%r<20>;
	.reg .b64 	%rd<10>;
	ld.param.b64 	%rd1, [ctl_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.param.b64 	%rd3, [ctl_param_1];
	cvta.to.global.u64 	%rd4, %rd3;
	ld.param.b32 	%r10, [ctl_param_2];
	mov.u32 	%r1, %tid.x;
	add.s32 	%r11, %r10, %r1;
	mov.b32 	%r2, 0;
	mov.b32 	%r3, 0;
$L__BB0_1:
	add.s32 	%r3, %r3, %r2;
	add.s32 	%r2, %r2, 1;
	setp.le.s32 	%p1, %r2, %r11;
	@%p1 bra 	$L__BB0_1;
	and.b32 	%r4, %r1, 1;
	setp.eq.s32 	%p2, %r4, 0;
	@%p2 bra 	$L__BB0_3;
	mul.lo.s32 	%r5, %r1, 3;
	bra.uni 	$L__BB0_4;
$L__BB0_3:
	add.s32 	%r5, %r1, 100;
$L__BB0_4:
	shfl.sync.bfly.b32 	%r6, %r5, 1, 31, -1;
	mul.wide.u32 	%rd5, %r1, 4;
	add.s64 	%rd6, %rd2, %rd5;
	st.global.b32 	[%rd6], %r3;
	add.s64 	%rd7, %rd4, %rd5;
	st.global.b32 	[%rd7], %r6;
	ret;
}
)");
  std::vector<uint32_t> sums(64, 0), swapped(64, 0);
  Memory mem;
  mem.add(sums), mem.add(swapped);
  std::string error;
  ASSERT_TRUE(run(text, "ctl",
                  config(1, 1, 1, 64, 1, 1,
                         {ptrParam(sums), ptrParam(swapped), param32(100)}),
                  mem, error))
      << error;
  for (unsigned t = 0; t < 64; ++t) {
    unsigned limit = 100 + t;
    EXPECT_EQ(sums[t], limit * (limit + 1) / 2) << "thread " << t;
    unsigned o = t ^ 1;
    EXPECT_EQ(swapped[t], o % 2 ? o * 3 : o + 100) << "thread " << t;
  }
}

TEST(PtxEmulatorControl, GridOfCtas) {
  std::string text = module(R"(
.visible .entry grid(
	.param .u64 .ptr .align 1 grid_param_0
)
{
	.reg .b32 	%r<30>;
	.reg .b64 	%rd<10>;
	ld.param.b64 	%rd1, [grid_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	mov.u32 	%r1, %ctaid.x;
	mov.u32 	%r2, %ctaid.y;
	mov.u32 	%r3, %ctaid.z;
	mov.u32 	%r4, %nctaid.x;
	mov.u32 	%r5, %nctaid.y;
	mov.u32 	%r6, %tid.x;
	mov.u32 	%r7, %tid.y;
	mov.u32 	%r8, %ntid.x;
	mov.u32 	%r9, %ntid.y;
	mad.lo.s32 	%r10, %r3, %r5, %r2;
	mad.lo.s32 	%r11, %r10, %r4, %r1;
	mul.lo.s32 	%r12, %r8, %r9;
	mad.lo.s32 	%r13, %r7, %r8, %r6;
	mad.lo.s32 	%r14, %r11, %r12, %r13;
	mad.lo.s32 	%r15, %r2, 10, %r1;
	mad.lo.s32 	%r16, %r3, 100, %r15;
	mad.lo.s32 	%r17, %r6, 1000, %r16;
	mad.lo.s32 	%r18, %r7, 100000, %r17;
	mul.wide.u32 	%rd3, %r14, 4;
	add.s64 	%rd4, %rd2, %rd3;
	st.global.b32 	[%rd4], %r18;
	ret;
}
)");
  const unsigned gx = 3, gy = 2, gz = 2, bx = 16, by = 4;
  std::vector<uint32_t> out(gx * gy * gz * bx * by, 0xFFFFFFFF);
  Memory mem;
  mem.add(out);
  std::string error;
  ASSERT_TRUE(run(text, "grid", config(gx, gy, gz, bx, by, 1, {ptrParam(out)}),
                  mem, error))
      << error;
  for (unsigned z = 0; z < gz; ++z)
    for (unsigned y = 0; y < gy; ++y)
      for (unsigned x = 0; x < gx; ++x)
        for (unsigned ty = 0; ty < by; ++ty)
          for (unsigned tx = 0; tx < bx; ++tx) {
            unsigned idx = ((z * gy + y) * gx + x) * bx * by + ty * bx + tx;
            EXPECT_EQ(out[idx], x + 10 * y + 100 * z + 1000 * tx + 100000 * ty)
                << "block (" << x << "," << y << "," << z << ") thread (" << tx
                << "," << ty << ")";
          }
}

//===--- (9) the conversions and f32 operations the kernels use ------------===//

TEST(PtxEmulatorArith, ConversionsPackingAndSpecialValues) {
  std::string text = module(R"(
.visible .entry cv(
	.param .u64 .ptr .align 1 cv_param_0,
	.param .u64 .ptr .align 1 cv_param_1
)
{
	.reg .pred 	%p<4>;
	.reg .b16 	%rs<10>;
	.reg .b32 	%r<40>;
	.reg .b64 	%rd<10>;
	ld.param.b64 	%rd1, [cv_param_0];
	cvta.to.global.u64 	%rd2, %rd1;
	ld.param.b64 	%rd3, [cv_param_1];
	cvta.to.global.u64 	%rd4, %rd3;
	ld.global.b32 	%r1, [%rd2];
	ld.global.b32 	%r2, [%rd2+4];
	cvt.rn.f16x2.f32 	%r3, %r1, %r2;
	st.global.b32 	[%rd4], %r3;
	cvt.rn.bf16x2.f32 	%r4, %r1, %r2;
	st.global.b32 	[%rd4+4], %r4;
	cvt.rn.bf16.f32 	%rs1, %r1;
	cvt.f32.bf16 	%r5, %rs1;
	st.global.b32 	[%rd4+8], %r5;
	cvt.rn.f16.f32 	%rs2, %r2;
	cvt.f32.f16 	%r6, %rs2;
	st.global.b32 	[%rd4+12], %r6;
	mov.b32 	%r7, {%rs1, %rs2};
	st.global.b32 	[%rd4+16], %r7;
	mov.b32 	%r20, 0f40400000;
	ex2.approx.f32 	%r8, %r20;
	st.global.b32 	[%rd4+20], %r8;
	mov.b32 	%r21, 0fFF800000;
	ex2.approx.f32 	%r9, %r21;
	st.global.b32 	[%rd4+24], %r9;
	mov.b32 	%r22, 0fBF000000;
	ex2.approx.f32 	%r10, %r22;
	st.global.b32 	[%rd4+28], %r10;
	mov.b32 	%r11, 0f40400000;
	rcp.rn.f32 	%r12, %r11;
	st.global.b32 	[%rd4+32], %r12;
	mov.b32 	%r13, 0f7FFFFFFF;
	mov.b32 	%r14, 0f3F800000;
	max.f32 	%r15, %r13, %r14;
	st.global.b32 	[%rd4+36], %r15;
	max.NaN.f32 	%r16, %r13, %r14;
	st.global.b32 	[%rd4+40], %r16;
	ld.global.b16 	%r17, [%rd2+8];
	st.global.b32 	[%rd4+44], %r17;
	fma.rn.f32 	%r18, %r1, %r2, %r14;
	st.global.b32 	[%rd4+48], %r18;
	setp.eq.f32 	%p1, %r9, 0f00000000;
	selp.b32 	%r19, 11, 22, %p1;
	st.global.b32 	[%rd4+52], %r19;
	mov.b64 	%rd5, -3;
	bfe.s64 	%rd6, %rd5, 2, 1;
	st.global.b64 	[%rd4+56], %rd6;
	bfe.u64 	%rd7, %rd5, 60, 4;
	st.global.b64 	[%rd4+64], %rd7;
	ret;
}
)");
  const float a = 1.0f + 3.0f / 4096.0f; // f16: 1 + 2^-10; bf16: 1
  const float b = -2.5f + 1.0f / 1024.0f; // f16: a tie, to even (-2.5)
  std::vector<uint32_t> in = {f32bits(a), f32bits(b), 0x00008001u, 0};
  std::vector<uint32_t> out(18, 0xCDCDCDCD);
  Memory mem;
  mem.add(in), mem.add(out);
  std::string error;
  ASSERT_TRUE(run(text, "cv", config(1, 1, 1, 1, 1, 1,
                                     {ptrParam(in), ptrParam(out)}),
                  mem, error))
      << error;
  EXPECT_EQ(out[0], (uint32_t(toF16(a)) << 16) | toF16(b))
      << "cvt.rn.f16x2.f32: a in the upper half";
  EXPECT_EQ(out[1], (uint32_t(toBF16(a)) << 16) | toBF16(b))
      << "cvt.rn.bf16x2.f32: a in the upper half";
  EXPECT_EQ(bitsf32(out[2]), fromBF16(toBF16(a)));
  EXPECT_EQ(bitsf32(out[3]), fromF16(toF16(b)));
  EXPECT_EQ(out[4], (uint32_t(toF16(b)) << 16) | toBF16(a))
      << "mov.b32 {a, b}: a in the low half";
  EXPECT_EQ(bitsf32(out[5]), 8.0f);
  EXPECT_EQ(out[6], 0u) << "ex2(-inf) = +0";
  EXPECT_NEAR(bitsf32(out[7]), std::sqrt(0.5), 1e-6);
  EXPECT_EQ(bitsf32(out[8]), 1.0f / 3.0f);
  EXPECT_EQ(bitsf32(out[9]), 1.0f) << "max.f32 ignores a NaN";
  EXPECT_TRUE(std::isnan(bitsf32(out[10]))) << "max.NaN.f32 propagates it";
  EXPECT_EQ(out[11], 0x8001u) << "ld.global.b16 into a 32-bit register";
  EXPECT_EQ(bitsf32(out[12]), std::fma(a, b, 1.0f));
  EXPECT_EQ(out[13], 11u);
  uint64_t s, u;
  std::memcpy(&s, &out[14], 8);
  std::memcpy(&u, &out[16], 8);
  EXPECT_EQ(static_cast<int64_t>(s), -1) << "bfe.s64: bit 2 of -3 sign-extended";
  EXPECT_EQ(u, 0xFu) << "bfe.u64: bits 60..63 of -3";
}

} // namespace
