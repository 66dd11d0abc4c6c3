//===- npy_fuzzer.cpp - libFuzzer target for the .npy reader ---------------===//
//
// Feeds arbitrary bytes to attn::parseNpy (the reader attn-run uses for
// --input=@FILE.npy). Besides "no crash, no leak, no sanitizer report", it
// checks the reader's contract on every accepted image:
//   - the payload holds exactly numElements * elemSize bytes, i1 bytes are 0/1;
//   - serializeNpy + parseNpy gives back the same array (round trip);
//   - readNpy on the same bytes written to a file agrees with parseNpy
//     (same verdict, same array; the file reader has its own buffering).
// Every rejection must come with a non-empty one-line message.
//
//===----------------------------------------------------------------------===//
#include "attn/Support/Npy.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace attn;

namespace {

[[noreturn]] void violation(const char *what, const std::string &detail) {
  std::fprintf(stderr, "npy_fuzzer: contract violation: %s: %s\n", what,
               detail.c_str());
  std::abort();
}

bool sameArray(const NDArray &a, const NDArray &b) {
  return a.type == b.type && a.shape == b.shape && a.data == b.data;
}

/// A per-process scratch file for the readNpy cross-check.
const std::string &scratchPath() {
  static const std::string path = [] {
    const char *dir = std::getenv("TMPDIR");
    std::string d = dir && *dir ? dir : "/tmp";
    return d + "/attn-npy-fuzz." + std::to_string(long(::getpid())) + ".npy";
  }();
  return path;
}

struct ScratchCleanup {
  ~ScratchCleanup() { ::unlink(scratchPath().c_str()); }
} cleanup;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  NDArray a;
  std::string err;
  bool ok = parseNpy(data, size, a, err);
  if (!ok) {
    if (err.empty() || err.find('\n') != std::string::npos)
      violation("rejection message must be one non-empty line", err);
  } else {
    size_t expected = size_t(a.numElements()) * elemSize(a.type);
    if (a.data.size() != expected)
      violation("payload size", a.typeString() + " has " +
                                    std::to_string(a.data.size()) + " bytes");
    if (a.type == ElemType::I1)
      for (uint8_t b : a.data)
        if (b > 1)
          violation("i1 payload not normalized", a.typeString());
    std::vector<uint8_t> image = serializeNpy(a);
    NDArray back;
    std::string err2;
    if (!parseNpy(image.data(), image.size(), back, err2))
      violation("round trip rejected", err2);
    if (!sameArray(a, back))
      violation("round trip changed the array", a.typeString());
  }

  // The file reader must agree with the in-memory one.
  if (FILE *f = std::fopen(scratchPath().c_str(), "wb")) {
    bool written = size == 0 || std::fwrite(data, 1, size, f) == size;
    written = std::fclose(f) == 0 && written;
    if (written) {
      NDArray r;
      std::string rerr;
      bool rok = readNpy(scratchPath(), r, rerr);
      if (rok != ok)
        violation("readNpy and parseNpy disagree",
                  (ok ? std::string("parseNpy accepted, readNpy: ") + rerr
                      : std::string("readNpy accepted, parseNpy: ") + err));
      if (ok && !sameArray(a, r))
        violation("readNpy and parseNpy read different arrays",
                  a.typeString() + " vs " + r.typeString());
      if (!rok && (rerr.empty() || rerr.find('\n') != std::string::npos))
        violation("readNpy rejection message must be one non-empty line",
                  rerr);
    }
  }
  return 0;
}
