//===- Npy.h - .npy reader and writer ---------------------------*- C++ -*-===//
//
// NumPy .npy format versions 1.0, 2.0 and 3.0, C order only. dtypes: '<f4'
// (f32), '<f2' (f16), '<u2' (bf16 bit patterns), '|b1' (i1). Every field of
// the header is validated; the payload size must match the shape exactly.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_SUPPORT_NPY_H
#define ATTN_SUPPORT_NPY_H

#include "attn/Support/NDArray.h"

namespace attn {

/// Parses an in-memory .npy image ('<u2' is read as bf16 bit patterns). On
/// failure returns false with a one-line message in `err` (no newline).
bool parseNpy(const uint8_t *bytes, size_t size, NDArray &out, std::string &err);

/// Reads `path` and parses it. Errors name the file.
bool readNpy(const std::string &path, NDArray &out, std::string &err);

/// Serializes to an in-memory .npy image (version 1.0, header padded to 64).
std::vector<uint8_t> serializeNpy(const NDArray &a);

/// Writes atomically: to a temporary file in the same directory, then rename.
/// An existing file at `path` is untouched if anything fails.
bool writeNpy(const std::string &path, const NDArray &a, std::string &err);

/// The two halves of writeNpy, for writing several files all-or-nothing:
/// stageNpy writes the image next to `path` (setting `tmp`), commitNpy
/// renames it into place. A staged file that will not be committed must be
/// removed by the caller (unlink(tmp)).
bool stageNpy(const std::string &path, const NDArray &a, std::string &tmp,
              std::string &err);
bool commitNpy(const std::string &tmp, const std::string &path,
               std::string &err);

} // namespace attn

#endif // ATTN_SUPPORT_NPY_H
