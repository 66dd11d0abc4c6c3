//===- NDArray.h - Host tensors for attn-run and the oracle -----*- C++ -*-===//
//
// A plain row-major host tensor with one of the element types attn-mlir
// exchanges with users (f32, f16, bf16, i1). No MLIR or LLVM dependency, so
// that the .npy reader can be fuzzed and unit-tested on its own.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_SUPPORT_NDARRAY_H
#define ATTN_SUPPORT_NDARRAY_H

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

namespace attn {

enum class ElemType { F32, F16, BF16, I1 };

/// Bytes per element: 4, 2, 2, 1.
size_t elemSize(ElemType t);
/// "f32", "f16", "bf16", "i1".
const char *elemTypeName(ElemType t);
/// Parses "f32"/"f16"/"bf16"/"i1"; false if unknown.
bool parseElemType(const std::string &s, ElemType &t);

/// IEEE binary16 / bfloat16 conversions, round-to-nearest-even, NaN/Inf kept.
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
float bf16ToFloat(uint16_t h);
uint16_t floatToBf16(float f);

/// Allocator of 64-byte aligned storage (a cache line, one 512-bit vector):
/// the kernels' vector loads from tensors that start on a line never split
/// across two lines (measured: 4-6% on 512-bit kernels against malloc's 16
/// bytes past a page).
template <typename T> struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::size_t kAlign = 64;
  CacheLineAllocator() = default;
  template <typename U> CacheLineAllocator(const CacheLineAllocator<U> &) {}
  T *allocate(std::size_t n) {
    return static_cast<T *>(
        ::operator new(n * sizeof(T), std::align_val_t(kAlign)));
  }
  void deallocate(T *p, std::size_t) {
    ::operator delete(p, std::align_val_t(kAlign));
  }
  template <typename U> bool operator==(const CacheLineAllocator<U> &) const {
    return true;
  }
  template <typename U> bool operator!=(const CacheLineAllocator<U> &) const {
    return false;
  }
};

/// Tensor bytes, 64-byte aligned.
using ByteBuffer = std::vector<uint8_t, CacheLineAllocator<uint8_t>>;

struct NDArray {
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  ByteBuffer data; // numElements() * elemSize(type) bytes, little endian

  int64_t numElements() const;
  /// Allocates zeroed storage for `shape`. Returns false (and sets err) if the
  /// element count or byte size overflows or exceeds `maxBytes`.
  bool allocate(ElemType t, const std::vector<int64_t> &shape, std::string &err,
                uint64_t maxBytes = (uint64_t(1) << 36));
  /// Element i widened to double (i1: 0.0 or 1.0).
  double get(int64_t i) const;
  /// Stores v rounded to the element type (i1: v != 0).
  void set(int64_t i, double v);
  /// "1x8x128x64xf32"
  std::string typeString() const;
};

/// The size checks of NDArray::allocate without allocating: on success
/// `bytes` is the storage `shape` needs. Fails (with a one-line `err`) if a
/// size is negative, the element count or byte size overflows (also when
/// another size is 0, as numpy), or it exceeds `maxBytes`.
bool checkTensorSize(ElemType t, const std::vector<int64_t> &shape,
                     uint64_t &bytes, std::string &err,
                     uint64_t maxBytes = (uint64_t(1) << 36));

/// Parses "1x8x128x64xf32" (a shape and element type, as in --input=).
/// Rejects zero-rank, negative or non-numeric sizes and unknown element types.
bool parseShapedType(const std::string &s, std::vector<int64_t> &shape,
                     ElemType &type, std::string &err);

/// Fills with uniform values in [-1, 1] (floats, rounded to the type) or, for
/// i1, true with probability 3/4. Deterministic for a given seed.
void fillRandom(NDArray &a, uint64_t seed);

} // namespace attn

#endif // ATTN_SUPPORT_NDARRAY_H
