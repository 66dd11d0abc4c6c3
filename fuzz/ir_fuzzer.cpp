//===- ir_fuzzer.cpp - libFuzzer target: parse, verify, lower attn IR -----===//
//
// Treats the input as MLIR text (seeded from the .mlir files under test/ and
// examples/, see scripts/fuzz.sh) and does what `attn-opt
// --attn-cpu-pipeline` does: parse, verify, run the fused CPU pipeline down to
// the LLVM dialect. Nothing is JIT-compiled or executed.
//
// Findings: crashes, hangs, leaks and sanitizer reports anywhere, plus one
// contract check: a module that verifies and consists only of attn ops in
// func.func bodies (the compiler's whole input language) must lower. SPEC.md
// promises that the verifier rejects every invalid attn op, so a verified
// attn module that fails to lower is a verifier gap or a lowering bug. Set
// ATTN_FUZZ_LENIENT=1 to ignore lowering failures.
//
// Scope: the pipeline runs only on modules made of builtin.module,
// func.func, func.return, attn.sdpa and attn.mha. Mutations that produce other
// upstream ops are parsed and verified (upstream's parser and verifiers are
// exercised too) but not lowered, so that findings point at attn-mlir's code.
// Crashes inside upstream MLIR that are not caused by attn-mlir are recorded
// in fuzz/README.md ("Known upstream issues") and excluded in
// isKnownUpstreamIssue() below.
//
//===----------------------------------------------------------------------===//
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Runner/Runner.h"
#include "attn/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <random>
#include <vector>
#include <cstdlib>
#include <string>

using namespace mlir;

namespace {

/// Inputs larger than this are skipped: big modules only slow the fuzzer down.
constexpr size_t kMaxInput = 16 * 1024;

const DialectRegistry &registry() {
  static DialectRegistry *r = [] {
    auto *reg = new DialectRegistry();
    mlir::attn::registerRunnerDialects(*reg);
    return reg;
  }();
  return *r;
}

bool lenient() {
  static bool v = [] {
    const char *e = std::getenv("ATTN_FUZZ_LENIENT");
    return e && *e && *e != '0';
  }();
  return v;
}

/// Is `module` within the fuzzer's lowering scope (see the file comment)?
bool onlyAttnOps(ModuleOp module) {
  bool ok = true;
  module->walk([&](Operation *op) {
    if (op == module.getOperation())
      return WalkResult::advance();
    StringRef name = op->getName().getStringRef();
    if (name != "func.func" && name != "func.return" && name != "attn.sdpa" &&
        name != "attn.mha") {
      ok = false;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return ok;
}

/// ATTN_FUZZ_VERBOSE=1: print how far each input got (to check the corpus).
void trace(const char *stage) {
  static bool on = [] {
    const char *e = std::getenv("ATTN_FUZZ_VERBOSE");
    return e && *e && *e != '0';
  }();
  if (on)
    std::fprintf(stderr, "ir_fuzzer: %s\n", stage);
}

/// Upstream MLIR crashes on malformed IR that do not involve attn-mlir's
/// code. None is known so far; see fuzz/README.md.
bool isKnownUpstreamIssue(StringRef text) {
  (void)text;
  return false;
}

//===----------------------------------------------------------------------===//
// Structure-aware mutations
//===----------------------------------------------------------------------===//

/// Byte-level mutations of MLIR text mostly break its syntax. Half of the
/// mutations are made on tokens instead, which keeps the text parseable and
/// moves the shapes, element types and attributes the verifiers and the
/// lowering care about: every occurrence of one integer replaced by another
/// (shapes stay consistent), one integer or '?' changed, an element type
/// swapped (everywhere or once), an attribute added or dropped.
const char *const kNumbers[] = {
    "0",  "1",   "2",   "3",    "4",     "5",          "7",
    "8",  "13",  "16",  "17",   "31",    "32",         "48",
    "64", "96",  "127", "128",  "160",   "256",        "1000",
    "?",  "-1",  "4096", "65536", "2147483648", "4294967296",
    "4611686018427387904", "9223372036854775807"};
const char *const kTypes[] = {"f32", "f16", "bf16", "i1", "f64", "i8", "i32"};
const char *const kAttrs[] = {"causal",
                              "residual",
                              "scale = 0.5 : f32",
                              "scale = 0.0 : f32",
                              "scale = -1.0 : f32",
                              "scale = 0x7FC00000 : f32",
                              "num_kv_heads = 1 : i64",
                              "num_kv_heads = 2 : i64",
                              "num_heads = 3 : i64"};

struct Span {
  size_t begin, end;
};

/// Integer literals and '?' dims (not parts of identifiers such as %arg0).
std::vector<Span> numberSpans(const std::string &s) {
  std::vector<Span> r;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    bool prevIdent = i > 0 && (std::isalpha((unsigned char)s[i - 1]) ||
                               s[i - 1] == '_' || s[i - 1] == '%' ||
                               s[i - 1] == '#' || s[i - 1] == '.');
    if (c == '?' && !prevIdent) {
      r.push_back({i, i + 1});
      ++i;
    } else if (std::isdigit((unsigned char)c) && !prevIdent) {
      size_t j = i;
      while (j < s.size() && std::isdigit((unsigned char)s[j]))
        ++j;
      r.push_back({i, j});
      i = j;
    } else if (std::isalnum((unsigned char)c) || c == '_' || c == '%') {
      while (i < s.size() && (std::isalnum((unsigned char)s[i]) || s[i] == '_' ||
                              s[i] == '%' || s[i] == '.'))
        ++i;
    } else {
      ++i;
    }
  }
  return r;
}

void replaceAll(std::string &s, const std::string &from, const std::string &to,
                const std::vector<Span> &spans) {
  std::string out;
  size_t last = 0;
  for (const Span &sp : spans)
    if (s.compare(sp.begin, sp.end - sp.begin, from) == 0) {
      out.append(s, last, sp.begin - last);
      out += to;
      last = sp.end;
    }
  out.append(s, last, std::string::npos);
  s = std::move(out);
}

bool mutateTokens(std::string &s, std::mt19937_64 &rng) {
  auto pick = [&](size_t n) { return size_t(rng() % n); };
  std::vector<Span> nums = numberSpans(s);
  switch (pick(5)) {
  case 0: { // one integer everywhere (consistent shapes)
    if (nums.empty())
      return false;
    Span sp = nums[pick(nums.size())];
    replaceAll(s, s.substr(sp.begin, sp.end - sp.begin),
               kNumbers[pick(std::size(kNumbers))], nums);
    return true;
  }
  case 1: { // one integer or '?' once
    if (nums.empty())
      return false;
    Span sp = nums[pick(nums.size())];
    s.replace(sp.begin, sp.end - sp.begin, kNumbers[pick(std::size(kNumbers))]);
    return true;
  }
  case 2: { // an element type, everywhere or once
    std::string from = kTypes[pick(4)], to = kTypes[pick(std::size(kTypes))];
    std::vector<size_t> at;
    for (size_t p = s.find("x" + from); p != std::string::npos;
         p = s.find("x" + from, p + 1))
      if (p + 1 + from.size() < s.size() && s[p + 1 + from.size()] == '>')
        at.push_back(p + 1);
    if (at.empty())
      return false;
    if (pick(2)) {
      size_t p = at[pick(at.size())];
      s.replace(p, from.size(), to);
    } else {
      for (size_t k = at.size(); k-- > 0;)
        s.replace(at[k], from.size(), to);
    }
    return true;
  }
  case 3: { // add an attribute to an op's attribute dict, or make one
    size_t op = s.find(pick(2) ? "attn.sdpa" : "attn.mha");
    if (op == std::string::npos)
      return false;
    size_t colon = s.find(" : (", op);
    if (colon == std::string::npos)
      return false;
    size_t brace = s.rfind('}', colon);
    std::string attr = kAttrs[pick(std::size(kAttrs))];
    if (brace != std::string::npos && brace > op)
      s.insert(brace, ", " + attr);
    else
      s.insert(colon, " {" + attr + "}");
    return true;
  }
  default: { // drop an attribute
    static const char *const names[] = {"causal", "residual", ", causal",
                                        ", residual"};
    std::string n = names[pick(std::size(names))];
    size_t p = s.find(n);
    if (p == std::string::npos)
      return false;
    s.erase(p, n.size());
    return true;
  }
  }
}

} // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize)
    __attribute__((weak)); // libFuzzer's; absent in the replay driver

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  std::mt19937_64 rng(seed);
  if (rng() % 2 == 0 && size > 0) {
    std::string s(reinterpret_cast<const char *>(data), size);
    for (int tries = 0; tries < 4; ++tries) {
      std::string t = s;
      if (mutateTokens(t, rng) && t != s && t.size() <= maxSize) {
        std::memcpy(data, t.data(), t.size());
        return t.size();
      }
    }
  }
  return LLVMFuzzerMutate ? LLVMFuzzerMutate(data, size, maxSize) : size;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInput)
    return -1; // not added to the corpus
  StringRef text(reinterpret_cast<const char *>(data), size);
  if (isKnownUpstreamIssue(text))
    return -1;

  // A fresh context per input: no state is carried between inputs, and
  // everything an input allocates must be released with it (leak check).
  MLIRContext context(registry(), MLIRContext::Threading::DISABLED);
  std::string firstError;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && firstError.empty())
      firstError = d.str();
    return success();
  });

  // As the tools do (MemoryBuffer::getFile / getMemBufferCopy), parse from a
  // NUL-terminated buffer: MLIR's lexer relies on the terminator, and
  // parseSourceString(StringRef) on libFuzzer's exact-size data reads past
  // its end (fuzz/README.md, "Known upstream issues").
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "fuzz"),
                               llvm::SMLoc());
  ParserConfig config(&context, /*verifyAfterParse=*/true);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, config);
  if (!module) {
    trace("parse or verify failed");
    return 0;
  }
  // Parsing verified it already; verify again as attn-opt would after the
  // (empty) pass list, which also exercises the verifiers a second time.
  if (failed(verify(*module)))
    return 0;
  if (!onlyAttnOps(*module)) {
    trace("verified, not only attn ops: not lowered");
    return 0;
  }

  PassManager pm(&context);
  if (!mlir::attn::buildPipelineByName("cpu", pm)) {
    std::fprintf(stderr, "ir_fuzzer: no cpu pipeline\n");
    std::abort();
  }
  if (failed(pm.run(*module))) {
    trace("lowering failed");
    if (lenient())
      return 0;
    std::string ir;
    llvm::raw_string_ostream os(ir);
    os << text;
    std::fprintf(stderr,
                 "ir_fuzzer: contract violation: a verified attn module "
                 "failed to lower with the cpu pipeline: %s\n--- input ---\n"
                 "%s\n",
                 firstError.c_str(), ir.c_str());
    std::abort();
  }
  trace("lowered");
  return 0;
}
