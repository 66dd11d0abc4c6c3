//===- NDArrayTest.cpp - Tests for attn/Support/NDArray.h -----------------===//

#include "attn/Support/NDArray.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace attn;

namespace {

float bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

bool isHalfNaN(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }

} // namespace

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

TEST(ElemType, NamesAndSizes) {
  const ElemType all[] = {ElemType::F32, ElemType::F16, ElemType::BF16,
                          ElemType::I1};
  const size_t sizes[] = {4, 2, 2, 1};
  const char *names[] = {"f32", "f16", "bf16", "i1"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(elemSize(all[i]), sizes[i]);
    EXPECT_STREQ(elemTypeName(all[i]), names[i]);
    ElemType t = ElemType::F32;
    ASSERT_TRUE(parseElemType(names[i], t));
    EXPECT_EQ(t, all[i]);
  }
  ElemType t;
  EXPECT_FALSE(parseElemType("f64", t));
  EXPECT_FALSE(parseElemType("", t));
  EXPECT_FALSE(parseElemType("F32", t));
  EXPECT_FALSE(parseElemType("i8", t));
}

//===----------------------------------------------------------------------===//
// f16
//===----------------------------------------------------------------------===//

TEST(Half, KnownValues) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3C00);
  EXPECT_EQ(floatToHalf(-2.0f), 0xC000);
  EXPECT_EQ(floatToHalf(0.5f), 0x3800);
  EXPECT_EQ(floatToHalf(0.0f), 0x0000);
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF); // largest finite
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -14)), 0x0400); // smallest normal
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001); // smallest subnormal
  EXPECT_EQ(floatToHalf(std::ldexp(1023.0f, -24)), 0x03FF); // largest subnormal
  EXPECT_EQ(floatToHalf(-std::ldexp(1.0f, -24)), 0x8001);
  EXPECT_EQ(floatToHalf(1.0f / 3.0f), 0x3555);

  EXPECT_EQ(halfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(halfToFloat(0xC000), -2.0f);
  EXPECT_EQ(halfToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(halfToFloat(0x0400), std::ldexp(1.0f, -14));
  EXPECT_EQ(halfToFloat(0x3555), 0.333251953125f);
  EXPECT_EQ(bitsOf(halfToFloat(0x8000)), 0x80000000u); // -0 keeps its sign
}

TEST(Half, RoundToNearestEven) {
  // 1 + 2^-11 is halfway between 1 (even) and 1 + 2^-10 (odd).
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  // 1 + 3*2^-11 is halfway between 0x3C01 (odd) and 0x3C02 (even).
  EXPECT_EQ(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  // Just above the halfway point rounds up.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)),
            0x3C01);
  // Just below rounds down.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11) - std::ldexp(1.0f, -22)),
            0x3C00);
  // Subnormal ties: 2^-25 is halfway between 0 and 2^-24 -> 0.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(floatToHalf(-std::ldexp(1.0f, -25)), 0x8000);
  // 3*2^-25 is halfway between 0x0001 and 0x0002 -> 0x0002.
  EXPECT_EQ(floatToHalf(3 * std::ldexp(1.0f, -25)), 0x0002);
  // Slightly above 2^-25 rounds to the smallest subnormal.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25) * 1.0001f), 0x0001);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -26)), 0x0000);
  // The largest subnormal plus half an ulp rounds to even: the smallest normal.
  EXPECT_EQ(floatToHalf(std::ldexp(1023.5f, -24)), 0x0400);
  // Overflow: 65519 rounds down, 65520 (halfway to 65536) rounds to inf.
  EXPECT_EQ(floatToHalf(65519.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7C00);
  EXPECT_EQ(floatToHalf(-65520.0f), 0xFC00);
  EXPECT_EQ(floatToHalf(1e10f), 0x7C00);
  EXPECT_EQ(floatToHalf(std::numeric_limits<float>::max()), 0x7C00);
  // Float subnormals vanish.
  EXPECT_EQ(floatToHalf(std::numeric_limits<float>::denorm_min()), 0x0000);
}

TEST(Half, InfAndNaN) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(floatToHalf(inf), 0x7C00);
  EXPECT_EQ(floatToHalf(-inf), 0xFC00);
  EXPECT_TRUE(isHalfNaN(floatToHalf(std::nanf(""))));
  // A NaN whose payload lives only in the low mantissa bits stays NaN.
  EXPECT_TRUE(isHalfNaN(floatToHalf(bits(0x7F800001u))));
  EXPECT_TRUE(isHalfNaN(floatToHalf(bits(0xFF800001u))));
  EXPECT_EQ(halfToFloat(0x7C00), inf);
  EXPECT_EQ(halfToFloat(0xFC00), -inf);
  EXPECT_TRUE(std::isnan(halfToFloat(0x7E00)));
  EXPECT_TRUE(std::isnan(halfToFloat(0x7C01)));
  EXPECT_TRUE(std::isnan(halfToFloat(0xFE00)));
}

TEST(Half, ExhaustiveRoundTrip) {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    float f = halfToFloat(uint16_t(h));
    if (isHalfNaN(uint16_t(h))) {
      EXPECT_TRUE(std::isnan(f)) << h;
      EXPECT_TRUE(isHalfNaN(floatToHalf(f))) << h;
      continue;
    }
    ASSERT_EQ(floatToHalf(f), h) << "h=" << h;
  }
}

TEST(Half, RoundsToNearestOnAllMidpoints) {
  // For every pair of adjacent finite positive halves, the midpoint is exact
  // in float; it must round to the even neighbour, and nudges either side to
  // the nearer one.
  for (uint32_t h = 0; h < 0x7BFF; ++h) {
    float lo = halfToFloat(uint16_t(h)), hi = halfToFloat(uint16_t(h + 1));
    float mid = lo + (hi - lo) / 2;
    uint16_t even = (h & 1) ? uint16_t(h + 1) : uint16_t(h);
    ASSERT_EQ(floatToHalf(mid), even) << "h=" << h;
    ASSERT_EQ(floatToHalf(-mid), even | 0x8000) << "h=" << h;
    ASSERT_EQ(floatToHalf(std::nextafter(mid, 0.0f)), h) << "h=" << h;
    ASSERT_EQ(floatToHalf(std::nextafter(mid, 1e9f)), h + 1) << "h=" << h;
  }
}

#if defined(__FLT16_MAX__) && (defined(__x86_64__) || defined(__aarch64__))
TEST(Half, AgreesWithCompilerFloat16) {
  uint64_t s = 12345;
  for (int i = 0; i < 200000; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    float f = bits(uint32_t(s >> 32));
    if (std::isnan(f))
      continue;
    _Float16 h = (_Float16)f;
    uint16_t hb;
    std::memcpy(&hb, &h, 2);
    ASSERT_EQ(floatToHalf(f), hb) << "f=" << f;
  }
}
#endif

//===----------------------------------------------------------------------===//
// bf16
//===----------------------------------------------------------------------===//

TEST(BF16, KnownValues) {
  EXPECT_EQ(floatToBf16(1.0f), 0x3F80);
  EXPECT_EQ(floatToBf16(-2.0f), 0xC000);
  EXPECT_EQ(floatToBf16(0.0f), 0x0000);
  EXPECT_EQ(floatToBf16(-0.0f), 0x8000);
  EXPECT_EQ(bf16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(bf16ToFloat(0xC000), -2.0f);
  EXPECT_EQ(bf16ToFloat(0x7F7F), bits(0x7F7F0000u));
  // Ties to even: 1 + 2^-8 is halfway between 0x3F80 (even) and 0x3F81.
  EXPECT_EQ(floatToBf16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);
  EXPECT_EQ(floatToBf16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3F82);
  EXPECT_EQ(floatToBf16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)),
            0x3F81);
  // Subnormals are kept (bf16 has float's exponent range).
  EXPECT_EQ(floatToBf16(bits(0x00010000u)), 0x0001);
  // Rounding past the largest finite value gives inf.
  EXPECT_EQ(floatToBf16(std::numeric_limits<float>::max()), 0x7F80);
}

TEST(BF16, InfAndNaN) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(floatToBf16(inf), 0x7F80);
  EXPECT_EQ(floatToBf16(-inf), 0xFF80);
  EXPECT_EQ(bf16ToFloat(0x7F80), inf);
  EXPECT_EQ(bf16ToFloat(0xFF80), -inf);
  // A NaN with only low payload bits must not round to inf.
  uint16_t n = floatToBf16(bits(0x7F800001u));
  EXPECT_EQ(n & 0x7F80, 0x7F80);
  EXPECT_NE(n & 0x7F, 0);
  EXPECT_TRUE(std::isnan(bf16ToFloat(n)));
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(std::nanf("")))));
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(bits(0xFFFFFFFFu)))));
}

TEST(BF16, ExhaustiveRoundTrip) {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    float f = bf16ToFloat(uint16_t(h));
    if (std::isnan(f))
      continue;
    ASSERT_EQ(floatToBf16(f), h) << "h=" << h;
  }
}

//===----------------------------------------------------------------------===//
// NDArray
//===----------------------------------------------------------------------===//

TEST(NDArray, AllocateZeroed) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(a.allocate(ElemType::F16, {2, 3, 4}, err)) << err;
  EXPECT_EQ(a.type, ElemType::F16);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(a.numElements(), 24);
  EXPECT_EQ(a.data.size(), 48u);
  for (uint8_t b : a.data)
    EXPECT_EQ(b, 0);
  EXPECT_EQ(a.typeString(), "2x3x4xf16");
}

TEST(NDArray, AllocateZeroSizedAndScalar) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(a.allocate(ElemType::F32, {2, 0, 3}, err)) << err;
  EXPECT_EQ(a.numElements(), 0);
  EXPECT_TRUE(a.data.empty());
  EXPECT_EQ(a.typeString(), "2x0x3xf32");

  NDArray s;
  ASSERT_TRUE(s.allocate(ElemType::I1, {}, err)) << err;
  EXPECT_EQ(s.numElements(), 1);
  EXPECT_EQ(s.data.size(), 1u);
  EXPECT_EQ(s.typeString(), "i1");
}

TEST(NDArray, AllocateOverflowFailsCleanly) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(a.allocate(ElemType::F32, {3}, err));
  const int64_t big = int64_t(1) << 31;
  EXPECT_FALSE(a.allocate(ElemType::F32, {big, big, 4}, err));
  EXPECT_NE(err.find("too large"), std::string::npos) << err;
  EXPECT_NE(err.find("2147483648x2147483648x4xf32"), std::string::npos) << err;
  // Failure leaves the array untouched.
  EXPECT_EQ(a.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(a.data.size(), 12u);

  err.clear();
  EXPECT_FALSE(a.allocate(ElemType::F32, {int64_t(1) << 62}, err)); // bytes
  EXPECT_NE(err.find("too large"), std::string::npos) << err;
  err.clear();
  EXPECT_FALSE(a.allocate(ElemType::I1, {int64_t(1) << 62, 4}, err)); // count
  EXPECT_FALSE(err.empty());
  err.clear();
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_FALSE(a.allocate(ElemType::BF16, {max, max, max}, err));
  EXPECT_FALSE(err.empty());
  err.clear();
  // Over the default 64 GiB limit, but representable.
  EXPECT_FALSE(a.allocate(ElemType::F32, {int64_t(1) << 35}, err));
  EXPECT_NE(err.find("exceeds the limit"), std::string::npos) << err;
  err.clear();
  EXPECT_FALSE(a.allocate(ElemType::F32, {1024}, err, /*maxBytes=*/100));
  EXPECT_NE(err.find("4096 bytes"), std::string::npos) << err;
  EXPECT_TRUE(a.allocate(ElemType::F32, {25}, err, /*maxBytes=*/100)) << err;
}

TEST(NDArray, AllocateRejectsNegativeDims) {
  NDArray a;
  std::string err;
  EXPECT_FALSE(a.allocate(ElemType::F32, {2, -1}, err));
  EXPECT_NE(err.find("negative dimension -1"), std::string::npos) << err;
  err.clear();
  EXPECT_FALSE(a.allocate(ElemType::F32,
                          {0, std::numeric_limits<int64_t>::min()}, err));
  EXPECT_FALSE(err.empty());
}

TEST(NDArray, GetSetRoundsToType) {
  std::string err;
  NDArray f32, f16, bf16, i1;
  ASSERT_TRUE(f32.allocate(ElemType::F32, {3}, err));
  ASSERT_TRUE(f16.allocate(ElemType::F16, {3}, err));
  ASSERT_TRUE(bf16.allocate(ElemType::BF16, {3}, err));
  ASSERT_TRUE(i1.allocate(ElemType::I1, {3}, err));
  const double vals[] = {0.1, -1.5, 1e6};
  for (int i = 0; i < 3; ++i) {
    f32.set(i, vals[i]);
    f16.set(i, vals[i]);
    bf16.set(i, vals[i]);
    i1.set(i, vals[i] - 0.1);
  }
  EXPECT_EQ(f32.get(0), double(0.1f));
  EXPECT_EQ(f16.get(0), double(halfToFloat(floatToHalf(0.1f))));
  EXPECT_EQ(bf16.get(0), double(bf16ToFloat(floatToBf16(0.1f))));
  EXPECT_EQ(f16.get(1), -1.5);
  EXPECT_EQ(bf16.get(1), -1.5);
  EXPECT_TRUE(std::isinf(f16.get(2)));
  EXPECT_EQ(i1.get(0), 0.0);
  EXPECT_EQ(i1.get(1), 1.0);
  EXPECT_EQ(i1.get(2), 1.0);
  // Little-endian storage.
  f16.set(0, 1.0);
  EXPECT_EQ(f16.data[0], 0x00);
  EXPECT_EQ(f16.data[1], 0x3C);
  bf16.set(0, 1.0);
  EXPECT_EQ(bf16.data[0], 0x80);
  EXPECT_EQ(bf16.data[1], 0x3F);
  // Any non-zero byte reads as true.
  i1.data[0] = 7;
  EXPECT_EQ(i1.get(0), 1.0);
}

TEST(NDArray, TypeString) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(a.allocate(ElemType::F32, {1, 8, 128, 64}, err));
  EXPECT_EQ(a.typeString(), "1x8x128x64xf32");
  ASSERT_TRUE(a.allocate(ElemType::BF16, {2, 3}, err));
  EXPECT_EQ(a.typeString(), "2x3xbf16");
  ASSERT_TRUE(a.allocate(ElemType::I1, {4}, err));
  EXPECT_EQ(a.typeString(), "4xi1");
}

//===----------------------------------------------------------------------===//
// parseShapedType
//===----------------------------------------------------------------------===//

TEST(ParseShapedType, Good) {
  std::vector<int64_t> shape;
  ElemType t;
  std::string err;
  ASSERT_TRUE(parseShapedType("1x8x128x64xf32", shape, t, err)) << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{1, 8, 128, 64}));
  EXPECT_EQ(t, ElemType::F32);
  ASSERT_TRUE(parseShapedType("4xi1", shape, t, err)) << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{4}));
  EXPECT_EQ(t, ElemType::I1);
  ASSERT_TRUE(parseShapedType("2x3xbf16", shape, t, err)) << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t, ElemType::BF16);
  ASSERT_TRUE(parseShapedType("0x5xf16", shape, t, err)) << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{0, 5}));
  EXPECT_EQ(t, ElemType::F16);
  ASSERT_TRUE(parseShapedType("007xf32", shape, t, err)) << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{7}));
  ASSERT_TRUE(parseShapedType("9223372036854775807xi1", shape, t, err)) << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{std::numeric_limits<int64_t>::max()}));
}

TEST(ParseShapedType, Bad) {
  struct Case {
    const char *text;
    const char *errPart;
  } cases[] = {
      {"", "empty"},
      {"xf32", "empty dimension"},
      {"1xxf32", "empty dimension"},
      {"1x-2xf32", "invalid dimension '-2'"},
      {"1x2", "unknown element type '2'"},
      {"1x2xf64", "unknown element type 'f64'"},
      {"1x2xF32", "unknown element type 'F32'"},
      {"1x2xf32x", "unknown element type ''"},
      {"f32", "no dimensions"},
      {"1x?xf32", "invalid dimension '?'"},
      {" 1xf32", "invalid dimension ' 1'"},
      {"1.5xf32", "invalid dimension '1.5'"},
      {"+3xf32", "invalid dimension '+3'"},
      {"9223372036854775808xf32", "too large"},
      {"99999999999999999999999xf32", "too large"},
      {"1x2xf32 ", "unknown element type 'f32 '"},
  };
  for (const Case &c : cases) {
    std::vector<int64_t> shape = {42};
    ElemType t = ElemType::I1;
    std::string err;
    EXPECT_FALSE(parseShapedType(c.text, shape, t, err)) << c.text;
    EXPECT_NE(err.find(c.errPart), std::string::npos)
        << "'" << c.text << "': " << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    // Outputs untouched on failure.
    EXPECT_EQ(shape, (std::vector<int64_t>{42})) << c.text;
    EXPECT_EQ(t, ElemType::I1) << c.text;
  }
}

//===----------------------------------------------------------------------===//
// fillRandom
//===----------------------------------------------------------------------===//

TEST(FillRandom, DeterministicAndUniform) {
  std::string err;
  NDArray a, b, c;
  ASSERT_TRUE(a.allocate(ElemType::F32, {100, 100}, err));
  ASSERT_TRUE(b.allocate(ElemType::F32, {100, 100}, err));
  ASSERT_TRUE(c.allocate(ElemType::F32, {100, 100}, err));
  fillRandom(a, 7);
  fillRandom(b, 7);
  fillRandom(c, 8);
  EXPECT_EQ(a.data, b.data);
  EXPECT_NE(a.data, c.data);
  double mn = 2, mx = -2, sum = 0;
  for (int64_t i = 0; i < a.numElements(); ++i) {
    double v = a.get(i);
    ASSERT_GE(v, -1.0);
    ASSERT_LE(v, 1.0);
    mn = std::min(mn, v);
    mx = std::max(mx, v);
    sum += v;
  }
  EXPECT_LT(mn, -0.99);
  EXPECT_GT(mx, 0.99);
  EXPECT_NEAR(sum / a.numElements(), 0.0, 0.03);
}

TEST(FillRandom, GoldenValueSplitMix64) {
  // splitmix64 with state 0 first yields 0xe220a8397b1dcdaf; the value is
  // built from its top 53 bits. Pinning it keeps --input=...=random:SEED
  // identical across standard libraries and releases.
  std::string err;
  NDArray a;
  ASSERT_TRUE(a.allocate(ElemType::F32, {2}, err));
  fillRandom(a, 0);
  double u = double(0xe220a8397b1dcdafull >> 11) /
             double((uint64_t(1) << 53) - 1);
  EXPECT_EQ(a.get(0), double(float(2 * u - 1)));
}

TEST(FillRandom, HalfTypesAreRoundedAndInRange) {
  std::string err;
  for (ElemType t : {ElemType::F16, ElemType::BF16}) {
    NDArray a, f;
    ASSERT_TRUE(a.allocate(t, {1000}, err));
    ASSERT_TRUE(f.allocate(ElemType::F32, {1000}, err));
    fillRandom(a, 3);
    fillRandom(f, 3);
    for (int64_t i = 0; i < 1000; ++i) {
      double v = a.get(i);
      ASSERT_GE(v, -1.0);
      ASSERT_LE(v, 1.0);
      // Same stream as f32, rounded to the narrower type.
      ASSERT_NEAR(v, f.get(i), t == ElemType::F16 ? 1e-3 : 1e-2);
    }
  }
}

TEST(FillRandom, BoolThreeQuartersTrue) {
  std::string err;
  NDArray a;
  ASSERT_TRUE(a.allocate(ElemType::I1, {20000}, err));
  fillRandom(a, 1);
  int64_t ones = 0;
  for (uint8_t b : a.data) {
    ASSERT_TRUE(b == 0 || b == 1);
    ones += b;
  }
  EXPECT_NEAR(double(ones) / 20000, 0.75, 0.02);
}

TEST(FillRandom, EmptyArrayIsFine) {
  std::string err;
  NDArray a;
  ASSERT_TRUE(a.allocate(ElemType::F32, {0, 4}, err));
  fillRandom(a, 5);
  EXPECT_TRUE(a.data.empty());
}
