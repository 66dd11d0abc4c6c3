//===- bind_fuzzer.cpp - libFuzzer target: attn-run's input binding -------===//
//
// Runs the validation attn-run applies to its inputs before anything is
// compiled, on inputs drawn from the fuzzer's bytes, against a fixed set of
// functions (kModule below: dynamic dims everywhere, GQA, every mask kind,
// attn.mha with biases/memory/mask, a chain of two ops):
//
//   1. bind each argument from either a .npy image (parseNpy, as
//      --input=@FILE.npy) or a "SHAPE=random" spec (parseShapedType +
//      NDArray::allocate, as --input=AxBxf32=random);
//   2. check it against the argument type (element type, TensorSig::accepts);
//   3. propagate the concrete shapes (inferShapes: SPEC's run-time rules).
//
//   4. check that the results can be held (checkTensorSize).
//
// Checked beyond "no crash, no sanitizer report": every rejection has a
// one-line message; NDArray::allocate and checkTensorSize agree; shapes that
// inferShapes accepts give results that match the declared result types; and
// when the call is small, the float64 oracle evaluates it without error and
// with the inferred shapes.
//
// Input layout (all fields wrap around the ends, so every input is usable):
//   byte 0          function index
//   per argument    tag byte; tag % 4 == 0: 2-byte little-endian length L
//                   then L bytes of .npy image; otherwise a spec:
//                   tag % 4 == 1: the argument's own type, dynamic dims
//                                 from the next bytes;
//                   tag % 4 == 2: rank byte, dim bytes, element type byte;
//                   tag % 4 == 3: the argument's type, one dim replaced.
//   dim byte b      b < 0xf0: b % 24 (0, 1, primes, ...); else one of the
//                   huge sizes in kHuge.
//
//===----------------------------------------------------------------------===//
#include "attn/Runner/Runner.h"
#include "attn/Support/NDArray.h"
#include "attn/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::attn;

namespace {

const char *kModule = R"mlir(
func.func @sdpa_dyn(%q: tensor<?x?x?x16xf32>, %k: tensor<?x?x?x16xf32>,
                    %v: tensor<?x?x?x8xf32>, %m: tensor<?x?x?x?xi1>)
    -> tensor<?x?x?x8xf32> {
  %o = attn.sdpa %q, %k, %v mask %m
       : (tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?x?x?x8xf32>,
          tensor<?x?x?x?xi1>) -> tensor<?x?x?x8xf32>
  return %o : tensor<?x?x?x8xf32>
}
func.func @sdpa_gqa_f16(%q: tensor<?x4x?x8xf16>, %k: tensor<?x2x?x8xf16>,
                        %v: tensor<?x2x?x8xf16>, %m: tensor<1x?x?x?xf16>)
    -> tensor<?x4x?x8xf16> {
  %o = attn.sdpa %q, %k, %v mask %m {causal}
       : (tensor<?x4x?x8xf16>, tensor<?x2x?x8xf16>, tensor<?x2x?x8xf16>,
          tensor<1x?x?x?xf16>) -> tensor<?x4x?x8xf16>
  return %o : tensor<?x4x?x8xf16>
}
func.func @sdpa_bf16(%q: tensor<1x?x?x4xbf16>, %k: tensor<1x?x?x4xbf16>,
                     %v: tensor<1x?x?x2xbf16>, %m: tensor<?x?x?x?xf32>)
    -> tensor<1x?x?x2xbf16> {
  %o = attn.sdpa %q, %k, %v mask %m {scale = 0.5 : f32}
       : (tensor<1x?x?x4xbf16>, tensor<1x?x?x4xbf16>, tensor<1x?x?x2xbf16>,
          tensor<?x?x?x?xf32>) -> tensor<1x?x?x2xbf16>
  return %o : tensor<1x?x?x2xbf16>
}
func.func @mha_all(%x: tensor<?x?x?xf32>, %wq: tensor<?x8xf32>,
                   %wk: tensor<?x4xf32>, %wv: tensor<?x6xf32>,
                   %wo: tensor<12x?xf32>, %bq: tensor<8xf32>, %bk: tensor<4xf32>,
                   %bv: tensor<6xf32>, %bo: tensor<?xf32>,
                   %mem: tensor<?x?x?xf32>, %m: tensor<?x?x?x?xi1>)
    -> tensor<?x?x?xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo bias(%bq, %bk, %bv, %bo) memory %mem
       mask %m {num_heads = 2 : i64, num_kv_heads = 1 : i64}
       : (tensor<?x?x?xf32>, tensor<?x8xf32>, tensor<?x4xf32>, tensor<?x6xf32>,
          tensor<12x?xf32>, tensor<8xf32>, tensor<4xf32>, tensor<6xf32>,
          tensor<?xf32>, tensor<?x?x?xf32>, tensor<?x?x?x?xi1>)
       -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}
func.func @mha_residual(%x: tensor<?x?x16xf16>, %wq: tensor<16x16xf16>,
                        %wk: tensor<16x8xf16>, %wv: tensor<16x8xf16>,
                        %wo: tensor<16x16xf16>) -> tensor<?x?x16xf16> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo
       {num_heads = 4 : i64, num_kv_heads = 2 : i64, causal, residual}
       : (tensor<?x?x16xf16>, tensor<16x16xf16>, tensor<16x8xf16>,
          tensor<16x8xf16>, tensor<16x16xf16>) -> tensor<?x?x16xf16>
  return %y : tensor<?x?x16xf16>
}
func.func @chain(%q: tensor<?x?x?x4xf32>, %k: tensor<?x?x?x4xf32>,
                 %v: tensor<?x?x?x4xf32>) -> (tensor<?x?x?x4xf32>, tensor<2x?x?x4xf32>) {
  %a = attn.sdpa %q, %k, %v
       : (tensor<?x?x?x4xf32>, tensor<?x?x?x4xf32>, tensor<?x?x?x4xf32>)
       -> tensor<?x?x?x4xf32>
  %b = attn.sdpa %a, %k, %v {causal}
       : (tensor<?x?x?x4xf32>, tensor<?x?x?x4xf32>, tensor<?x?x?x4xf32>)
       -> tensor<2x?x?x4xf32>
  return %a, %b : tensor<?x?x?x4xf32>, tensor<2x?x?x4xf32>
}
)mlir";

const int64_t kHuge[16] = {
    int64_t(1) << 31,      int64_t(1) << 32,     (int64_t(1) << 32) + 1,
    int64_t(1) << 40,      int64_t(1) << 62,     INT64_MAX,
    INT64_MAX / 2 + 1,     int64_t(3037000500),  int64_t(4294967297),
    int64_t(1) << 20,      int64_t(65537),       int64_t(100003),
    int64_t(1) << 48,      int64_t(1) << 56,     int64_t(1) << 61,
    int64_t(1) << 33};

/// What the fuzzer really allocates for a SHAPE=random input.
constexpr uint64_t kFuzzLimit = uint64_t(1) << 20;

struct Fixture {
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::vector<func::FuncOp> fns;
  std::vector<FunctionSig> sigs;

  Fixture() : context(MLIRContext::Threading::DISABLED) {
    DialectRegistry registry;
    registerRunnerDialects(registry);
    context.appendDialectRegistry(registry);
    module = parseSourceString<ModuleOp>(kModule, &context);
    if (!module) {
      std::fprintf(stderr, "bind_fuzzer: the fixed module does not parse\n");
      std::abort();
    }
    for (auto fn : module->getOps<func::FuncOp>()) {
      FunctionSig sig;
      std::string err;
      if (!getSignature(fn, sig, err)) {
        std::fprintf(stderr, "bind_fuzzer: %s\n", err.c_str());
        std::abort();
      }
      fns.push_back(fn);
      sigs.push_back(sig);
    }
  }
};

Fixture &fixture() {
  static Fixture *f = new Fixture(); // lives as long as the process
  return *f;
}

class Reader {
public:
  Reader(const uint8_t *d, size_t n) : d(d), n(n) {}
  uint8_t byte() { return pos < n ? d[pos++] : 0; }
  size_t take(size_t want, const uint8_t *&p) {
    size_t k = std::min(want, n - pos);
    p = d + pos;
    pos += k;
    return k;
  }

private:
  const uint8_t *d;
  size_t n;
  size_t pos = 0;
};

/// ATTN_FUZZ_VERBOSE=1: print how far each input got (to check seeds).
void trace(const std::string &fn, const char *stage, const std::string &why) {
  static bool on = [] {
    const char *e = std::getenv("ATTN_FUZZ_VERBOSE");
    return e && *e && *e != '0';
  }();
  if (on)
    std::fprintf(stderr, "bind_fuzzer: @%s: %s%s%s\n", fn.c_str(), stage,
                 why.empty() ? "" : ": ", why.c_str());
}

int64_t dimFrom(uint8_t b) { return b < 0xf0 ? b % 24 : kHuge[b - 0xf0]; }

[[noreturn]] void violation(const char *what, const std::string &detail) {
  std::fprintf(stderr, "bind_fuzzer: contract violation: %s: %s\n", what,
               detail.c_str());
  std::abort();
}

void checkMessage(const std::string &err, const char *who) {
  if (err.empty() || err.find('\n') != std::string::npos)
    violation(who, "rejection message must be one non-empty line: '" + err +
                       "'");
}

std::string specString(const std::vector<int64_t> &shape, ElemType t) {
  std::string s;
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + elemTypeName(t);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Fixture &fx = fixture();
  Reader in(data, size);
  size_t fi = in.byte() % fx.fns.size();
  func::FuncOp fn = fx.fns[fi];
  const FunctionSig &sig = fx.sigs[fi];

  std::vector<NDArray> inputs(sig.args.size());
  std::vector<std::vector<int64_t>> shapes(sig.args.size());
  bool haveData = true; // every input really allocated (oracle possible)
  for (size_t i = 0; i < sig.args.size(); ++i) {
    const TensorSig &want = sig.args[i];
    uint8_t tag = in.byte();
    NDArray a;
    std::string err;
    if (tag % 4 == 0) {
      // --input=@FILE.npy
      size_t len = in.byte();
      len |= size_t(in.byte()) << 8;
      const uint8_t *p;
      size_t got = in.take(len, p);
      std::vector<uint8_t> image(p, p + got); // exact size for ASan
      if (!parseNpy(image.data(), image.size(), a, err)) {
        checkMessage(err, "parseNpy");
        trace(sig.name, "npy rejected", err);
        return 0; // attn-run: error, exit 2
      }
      shapes[i] = a.shape;
    } else {
      // --input=SHAPE=random
      std::vector<int64_t> shape;
      ElemType t = want.type;
      if (tag % 4 == 2) {
        size_t rank = in.byte() % 7;
        for (size_t r = 0; r < rank; ++r)
          shape.push_back(dimFrom(in.byte()));
        t = ElemType(in.byte() % 4);
      } else {
        for (int64_t d : want.shape)
          shape.push_back(d >= 0 ? d : dimFrom(in.byte()));
        if (tag % 4 == 3 && !shape.empty())
          shape[in.byte() % shape.size()] = dimFrom(in.byte());
      }
      std::string spec = specString(shape, t);
      std::vector<int64_t> parsed;
      ElemType pt;
      if (!parseShapedType(spec, parsed, pt, err)) {
        checkMessage(err, "parseShapedType");
        if (!shape.empty())
          violation("parseShapedType rejected a well-formed spec", spec);
        return 0;
      }
      if (parsed != shape || pt != t)
        violation("parseShapedType misread a spec", spec);
      // attn-run allocates here (NDArray::allocate, limit 2^36 bytes). The
      // fuzzer allocates only small tensors and checks the others by size
      // (checkTensorSize is allocate's check without the allocation).
      uint64_t bytes;
      std::string sizeErr;
      bool fits = checkTensorSize(pt, parsed, bytes, sizeErr);
      if (fits && bytes > kFuzzLimit) {
        a.type = pt;
        a.shape = parsed;
        haveData = false;
      } else if (!a.allocate(pt, parsed, err)) {
        checkMessage(err, "NDArray::allocate");
        if (fits)
          violation("allocate refused a tensor checkTensorSize accepts", spec);
        if (err != sizeErr)
          violation("allocate and checkTensorSize disagree",
                    err + " vs " + sizeErr);
        return 0;
      } else {
        if (!fits)
          violation("allocate accepted a tensor checkTensorSize refuses",
                    spec + ": " + sizeErr);
        fillRandom(a, i);
      }
      shapes[i] = parsed;
    }
    // attn-run's check against the argument type.
    if (a.type != want.type || !want.accepts(a.shape)) {
      trace(sig.name, "type check rejected", a.typeString() + " for " +
                                                 want.str());
      return 0;
    }
    inputs[i] = std::move(a);
  }

  ShapeInfo info;
  std::string err;
  if (!inferShapes(fn, shapes, info, err)) {
    checkMessage(err, "inferShapes");
    trace(sig.name, "inferShapes rejected", err);
    return 0;
  }
  if (info.results.size() != sig.results.size())
    violation("inferShapes result count", sig.name);
  bool small = haveData && info.flops <= 4e6;
  for (size_t r = 0; r < sig.results.size(); ++r) {
    const std::vector<int64_t> &s = info.results[r];
    std::string what = sig.name + " result " + std::to_string(r) + " " +
                       specString(s, sig.results[r].type);
    if (!sig.results[r].accepts(s))
      violation("inferred result shape does not match the result type",
                what + " vs " + sig.results[r].str());
    // attn-run's check of the result sizes.
    uint64_t bytes;
    if (!checkTensorSize(sig.results[r].type, s, bytes, err)) {
      checkMessage(err, "checkTensorSize");
      trace(sig.name, "result size refused", err);
      return 0;
    }
    if (bytes > kFuzzLimit)
      small = false;
  }
  // Bounded intermediates for the oracle: every input dim is small.
  for (const auto &s : shapes)
    for (int64_t d : s)
      if (d > 64)
        small = false;
  if (small) {
    std::vector<Tensor64> results;
    if (!evaluateWithOracle(fn, inputs, results, err))
      violation("the oracle failed on shapes inferShapes accepted",
                sig.name + ": " + err);
    for (size_t r = 0; r < results.size(); ++r)
      if (results[r].shape != info.results[r])
        violation("oracle and inferShapes disagree on a result shape",
                  sig.name);
    trace(sig.name, "oracle evaluated", "");
  } else {
    trace(sig.name, "shapes accepted (too large for the oracle)", "");
  }
  return 0;
}
