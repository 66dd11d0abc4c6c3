//===- NDArray.cpp - Host tensors for attn-run and the oracle -------------===//
//
// Plain C++17; no MLIR or LLVM dependency.
//
//===----------------------------------------------------------------------===//

#include "attn/Support/NDArray.h"

#include <cstring>
#include <limits>
#include <new>

namespace attn {

size_t elemSize(ElemType t) {
  switch (t) {
  case ElemType::F32:
    return 4;
  case ElemType::F16:
  case ElemType::BF16:
    return 2;
  case ElemType::I1:
    return 1;
  }
  return 1;
}

const char *elemTypeName(ElemType t) {
  switch (t) {
  case ElemType::F32:
    return "f32";
  case ElemType::F16:
    return "f16";
  case ElemType::BF16:
    return "bf16";
  case ElemType::I1:
    return "i1";
  }
  return "?";
}

bool parseElemType(const std::string &s, ElemType &t) {
  if (s == "f32")
    t = ElemType::F32;
  else if (s == "f16")
    t = ElemType::F16;
  else if (s == "bf16")
    t = ElemType::BF16;
  else if (s == "i1")
    t = ElemType::I1;
  else
    return false;
  return true;
}

//===----------------------------------------------------------------------===//
// f16 / bf16 conversions
//===----------------------------------------------------------------------===//

static uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

static float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0x1f) // Inf / NaN (payload kept, made quiet)
    return bitsFloat(sign | 0x7f800000u | (mant << 13) | (mant ? 0x400000u : 0));
  if (exp == 0) {
    if (mant == 0)
      return bitsFloat(sign);
    // Subnormal: mant * 2^-24, exact in float.
    float v = float(mant) * bitsFloat(0x33800000u); // 2^-24
    return sign ? -v : v;
  }
  return bitsFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t floatToHalf(float f) {
  uint32_t x = floatBits(f);
  uint16_t sign = uint16_t((x >> 16) & 0x8000u);
  int32_t exp = int32_t((x >> 23) & 0xffu);
  uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) {
    if (mant == 0)
      return uint16_t(sign | 0x7c00u);
    return uint16_t(sign | 0x7e00u | (mant >> 13)); // quiet NaN
  }
  int32_t e = exp - 127 + 15; // biased half exponent
  if (e >= 31)
    return uint16_t(sign | 0x7c00u); // overflow -> inf
  if (e <= 0) {
    // Half subnormal (or zero). Float subnormals are far below half range.
    if (e < -10 || exp == 0)
      return sign;
    mant |= 0x800000u; // implicit bit
    uint32_t shift = uint32_t(14 - e); // 14..24
    uint32_t h = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1u)))
      ++h; // may carry into the smallest normal, which is correct
    return uint16_t(sign | h);
  }
  uint32_t h = (uint32_t(e) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
    ++h; // may carry into the exponent, up to inf: correct
  return uint16_t(sign | h);
}

float bf16ToFloat(uint16_t h) { return bitsFloat(uint32_t(h) << 16); }

uint16_t floatToBf16(float f) {
  uint32_t x = floatBits(f);
  if ((x & 0x7f800000u) == 0x7f800000u && (x & 0x7fffffu))
    return uint16_t((x >> 16) | 0x40u); // quiet NaN, never rounds to inf
  uint32_t lsb = (x >> 16) & 1u;
  x += 0x7fffu + lsb;
  return uint16_t(x >> 16);
}

//===----------------------------------------------------------------------===//
// NDArray
//===----------------------------------------------------------------------===//

int64_t NDArray::numElements() const {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d <= 0)
      return 0;
    n *= uint64_t(d); // well-formed arrays never wrap (checked by allocate)
  }
  return int64_t(n & uint64_t(std::numeric_limits<int64_t>::max()));
}

static std::string shapeString(const std::vector<int64_t> &shape, ElemType t) {
  std::string s;
  for (int64_t d : shape) {
    s += std::to_string(d);
    s += 'x';
  }
  s += elemTypeName(t);
  return s;
}

bool checkTensorSize(ElemType t, const std::vector<int64_t> &shape,
                     uint64_t &bytes, std::string &err, uint64_t maxBytes) {
  uint64_t count = 1;
  bool zero = false, overflow = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t d = shape[i];
    if (d < 0) {
      err = "negative dimension " + std::to_string(d) + " at index " +
            std::to_string(i) + " in shape " + shapeString(shape, t);
      return false;
    }
    if (d == 0)
      zero = true;
    else if (!overflow &&
             __builtin_mul_overflow(count, uint64_t(d), &count))
      overflow = true;
  }
  // As numpy: the sizes other than 0 must have a representable product (and
  // byte size) even when a 0 makes the tensor empty; strides and offsets are
  // computed from them.
  if (overflow || count > uint64_t(std::numeric_limits<int64_t>::max())) {
    err = "tensor " + shapeString(shape, t) +
          " is too large: element count overflows";
    return false;
  }
  if (__builtin_mul_overflow(count, uint64_t(elemSize(t)), &bytes) ||
      bytes > uint64_t(std::numeric_limits<int64_t>::max())) {
    err = "tensor " + shapeString(shape, t) +
          " is too large: byte size overflows";
    return false;
  }
  if (zero)
    bytes = 0;
  if (bytes > maxBytes || bytes > uint64_t(std::numeric_limits<size_t>::max()) ||
      bytes > uint64_t(std::vector<uint8_t>().max_size())) {
    err = "tensor " + shapeString(shape, t) + " is too large: " +
          std::to_string(bytes) + " bytes exceeds the limit of " +
          std::to_string(maxBytes) + " bytes";
    return false;
  }
  return true;
}

bool NDArray::allocate(ElemType t, const std::vector<int64_t> &newShape,
                       std::string &err, uint64_t maxBytes) {
  uint64_t bytes;
  if (!checkTensorSize(t, newShape, bytes, err, maxBytes))
    return false;
  ByteBuffer buf;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
    buf.assign(size_t(bytes), 0);
  } catch (const std::bad_alloc &) {
    err = "out of memory allocating " + std::to_string(bytes) +
          " bytes for tensor " + shapeString(newShape, t);
    return false;
  }
#else
  buf.assign(size_t(bytes), 0);
#endif
  type = t;
  shape = newShape;
  data = std::move(buf);
  return true;
}

double NDArray::get(int64_t i) const {
  const uint8_t *p = data.data() + size_t(i) * elemSize(type);
  switch (type) {
  case ElemType::F32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case ElemType::F16: {
    uint16_t h = uint16_t(p[0] | (p[1] << 8));
    return halfToFloat(h);
  }
  case ElemType::BF16: {
    uint16_t h = uint16_t(p[0] | (p[1] << 8));
    return bf16ToFloat(h);
  }
  case ElemType::I1:
    return p[0] != 0 ? 1.0 : 0.0;
  }
  return 0.0;
}

void NDArray::set(int64_t i, double v) {
  uint8_t *p = data.data() + size_t(i) * elemSize(type);
  // Double rounding double -> float -> half/bf16 is innocuous: float keeps
  // 24 bits >= 2 * 11 + 2.
  switch (type) {
  case ElemType::F32: {
    float f = float(v);
    std::memcpy(p, &f, 4);
    return;
  }
  case ElemType::F16: {
    uint16_t h = floatToHalf(float(v));
    p[0] = uint8_t(h & 0xff);
    p[1] = uint8_t(h >> 8);
    return;
  }
  case ElemType::BF16: {
    uint16_t h = floatToBf16(float(v));
    p[0] = uint8_t(h & 0xff);
    p[1] = uint8_t(h >> 8);
    return;
  }
  case ElemType::I1:
    p[0] = v != 0.0 ? 1 : 0;
    return;
  }
}

std::string NDArray::typeString() const { return shapeString(shape, type); }

bool parseShapedType(const std::string &s, std::vector<int64_t> &shape,
                     ElemType &type, std::string &err) {
  if (s.empty()) {
    err = "empty tensor type (expected e.g. 1x8x128x64xf32)";
    return false;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find('x', start);
    if (pos == std::string::npos) {
      parts.push_back(s.substr(start));
      break;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
  const std::string &typeName = parts.back();
  ElemType t;
  if (!parseElemType(typeName, t)) {
    err = "unknown element type '" + typeName + "' in '" + s +
          "' (expected f32, f16, bf16 or i1)";
    return false;
  }
  if (parts.size() < 2) {
    err = "tensor type '" + s + "' has no dimensions (expected e.g. 4x" +
          typeName + ")";
    return false;
  }
  std::vector<int64_t> dims;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string &p = parts[i];
    if (p.empty()) {
      err = "empty dimension in tensor type '" + s + "'";
      return false;
    }
    int64_t v = 0;
    for (char c : p) {
      if (c < '0' || c > '9') {
        err = "invalid dimension '" + p + "' in tensor type '" + s +
              "' (expected a non-negative integer)";
        return false;
      }
      if (__builtin_mul_overflow(v, int64_t(10), &v) ||
          __builtin_add_overflow(v, int64_t(c - '0'), &v)) {
        err = "dimension '" + p + "' in tensor type '" + s + "' is too large";
        return false;
      }
    }
    dims.push_back(v);
  }
  shape = std::move(dims);
  type = t;
  return true;
}

namespace {
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};
} // namespace

void fillRandom(NDArray &a, uint64_t seed) {
  SplitMix64 rng{seed};
  int64_t n = a.numElements();
  if (size_t(n) * elemSize(a.type) > a.data.size())
    return; // not allocated consistently; nothing sensible to do
  for (int64_t i = 0; i < n; ++i) {
    uint64_t r = rng.next();
    if (a.type == ElemType::I1) {
      a.data[size_t(i)] = (r >> 62) != 0 ? 1 : 0; // P(true) = 3/4
      continue;
    }
    // 53 random bits -> [0, 1] inclusive of both ends, then [-1, 1].
    double u = double(r >> 11) / double((uint64_t(1) << 53) - 1);
    a.set(i, 2.0 * u - 1.0);
  }
}

} // namespace attn
