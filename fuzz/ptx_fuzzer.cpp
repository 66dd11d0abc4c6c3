//===- ptx_fuzzer.cpp - libFuzzer target for the PTX emulator -------------===//
//
// Feeds arbitrary text to the emulator's parser (runtime/cuda/emulator) and
// runs every module that parses and has a kernel named `k`: 2 CTAs of 64
// threads, 4 KiB of dynamic shared memory, every parameter pointing at one
// 64 KiB buffer (the only global memory the kernel may touch), at most
// 20000 warp instructions per CTA. Besides "no crash, no leak, no sanitizer
// report", a rejection (parse error or failed launch) must come with a
// non-empty one-line message. Seeds: fuzz/corpus/ptx_fuzzer (a small kernel
// with every kind of instruction the emulator checks, and a tensor-core
// attention kernel attn-compile emitted, renamed k).
//
//===----------------------------------------------------------------------===//
#include "PtxEmulator.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void violation(const char *what, const std::string &detail) {
  std::fprintf(stderr, "ptx_fuzzer: contract violation: %s: %s\n", what,
               detail.c_str());
  std::abort();
}

void checkMessage(const char *what, const std::string &error) {
  if (error.empty())
    violation(what, "no message");
  if (error.find('\n') != std::string::npos)
    violation(what, "message of more than one line: " + error);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace attn::ptxemu;
  std::string text(reinterpret_cast<const char *>(data), size);
  std::string error;
  ProgramPtr prog = parsePtx(text, error);
  if (!prog) {
    checkMessage("parse error", error);
    return 0;
  }
  std::vector<size_t> sizes;
  if (!kernelParamSizes(*prog, "k", sizes))
    return 0;
  static std::vector<uint8_t> memory(64 * 1024);
  uint64_t base = reinterpret_cast<uint64_t>(memory.data());
  LaunchConfig cfg;
  cfg.grid[0] = 2;
  cfg.block[0] = 64;
  cfg.dynamicShared = 4096;
  cfg.maxWarpStepsPerCta = 20000;
  for (size_t s : sizes) {
    std::vector<uint8_t> p(s, 0);
    std::memcpy(p.data(), &base, s < 8 ? s : 8);
    cfg.params.push_back(std::move(p));
  }
  auto valid = [&](uint64_t a, uint64_t n) {
    return a >= base && n <= memory.size() && a - base <= memory.size() - n;
  };
  if (!launch(*prog, "k", cfg, valid, error))
    checkMessage("launch failure", error);
  return 0;
}
