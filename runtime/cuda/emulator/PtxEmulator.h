//===- PtxEmulator.h - An interpreter for the PTX attn-mlir emits ---------===//
//
// Executes PTX kernels on the CPU, one CTA after another, warps in lockstep,
// so that the NVVM pipeline's kernels can be run and checked on machines
// without a GPU (CI). It implements the subset of PTX ISA 8.x that LLVM's
// NVPTX back end emits for attn-mlir's kernels (integer and f32 arithmetic,
// f16/bf16 conversions, predicates and branches, ld/st on global, shared and
// param space, cp.async with commit/wait groups, ldmatrix, mma.sync
// m16n8k16 f16/bf16 -> f32, shfl.sync, bar.sync) and rejects anything else
// with an error naming the instruction.
//
// It is also a checker: every global access must fall inside memory the
// caller registered, every shared access inside the CTA's shared window,
// warp-collective instructions must be reached by the whole warp, and
// shared-memory accesses of different warps between two barriers are
// reported as races (writes by cp.async count from their issue to the
// wait_group that completes them, and are performed at that wait, the
// latest point the PTX ISA allows).
//
// Not a GPU: numerics follow the ISA's definitions (ex2.approx is computed
// exactly, mma.sync accumulates in f32 in k order), and nothing about speed
// can be learnt from it.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_RUNTIME_CUDA_EMULATOR_PTXEMULATOR_H
#define ATTN_RUNTIME_CUDA_EMULATOR_PTXEMULATOR_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace attn::ptxemu {

class Program;
void destroyProgram(Program *program);
struct ProgramDeleter {
  void operator()(Program *p) const { destroyProgram(p); }
};
using ProgramPtr = std::unique_ptr<Program, ProgramDeleter>;

// Parses a PTX module. Returns null and sets `error` (one line naming the
// line number) on text it cannot parse or does not implement.
ProgramPtr parsePtx(const std::string &text, std::string &error);

// Sizes in bytes of the parameters of entry `kernel`, in order; false if the
// module has no such .entry.
bool kernelParamSizes(const Program &program, const std::string &kernel,
                      std::vector<size_t> &sizes);

// Static shared memory of `kernel` in bytes (its .shared variables).
size_t kernelStaticShared(const Program &program, const std::string &kernel);

struct LaunchConfig {
  unsigned grid[3] = {1, 1, 1};
  unsigned block[3] = {1, 1, 1};
  size_t dynamicShared = 0;
  // One byte string per parameter, sizes as kernelParamSizes says.
  std::vector<std::vector<uint8_t>> params;
  // A CTA that executes more warp instructions is reported as stuck.
  uint64_t maxWarpStepsPerCta = 400ull * 1000 * 1000;
};

// Global memory: addresses are host addresses. `valid(addr, bytes)` says
// whether [addr, addr + bytes) lies inside memory the kernel may touch.
using GlobalCheck = std::function<bool(uint64_t addr, uint64_t bytes)>;

// Runs every CTA of the grid. Returns false with a one-line `error`
// ("kernel K, block (x,y,z), thread (x,y,z), line N: <instruction>: what")
// at the first fault; memory written before the fault stays written.
bool launch(const Program &program, const std::string &kernel,
            const LaunchConfig &config, const GlobalCheck &valid,
            std::string &error);

// What a launch executed, counted when `launch` is given somewhere to put
// it: warp instructions by kind, and shared-memory wavefronts against the
// ideal (32 banks of 4 bytes; an access is split into phases of 8 lanes for
// 16-byte, 16 lanes for 8-byte and 32 lanes for smaller elements, an
// ldmatrix into one 8x8 matrix per phase; a phase takes as many wavefronts
// as the most distinct 4-byte words any bank serves in it).
struct LaunchStats {
  uint64_t ctas = 0, warpInstructions = 0;
  uint64_t mma = 0, ldmatrix = 0, cpAsync = 0, shfl = 0, ex2 = 0,
           barriers = 0, globalLoads = 0, globalStores = 0, sharedLoads = 0,
           sharedStores = 0, branches = 0;
  // Shared-memory wavefronts: actual and ideal, per access kind.
  uint64_t ldmatrixWaves = 0, ldmatrixIdeal = 0;
  uint64_t cpAsyncWaves = 0, cpAsyncIdeal = 0;
  uint64_t sharedWaves = 0, sharedIdeal = 0; // ld/st.shared
};

bool launch(const Program &program, const std::string &kernel,
            const LaunchConfig &config, const GlobalCheck &valid,
            std::string &error, LaunchStats *stats);

} // namespace attn::ptxemu

#endif
