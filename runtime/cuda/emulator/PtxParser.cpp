//===- PtxParser.cpp - PTX text to the emulator's decoded program ---------===//
//
// Reads the PTX module LLVM's NVPTX back end prints: module directives,
// .entry functions with their parameters, register and shared declarations,
// labels and instructions. Each instruction is decoded once into an Inst
// (operation, types, modifiers, resolved operands) that the interpreter
// executes without looking at text again.
//
//===----------------------------------------------------------------------===//
#include "PtxProgram.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace attn::ptxemu {
namespace {

std::string trim(const std::string &s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  return s.substr(b, e - b);
}

bool startsWith(const std::string &s, const char *p) {
  return s.compare(0, std::strlen(p), p) == 0;
}

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Splits at commas outside {} and [].
std::vector<std::string> splitOperands(const std::string &s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '{' || c == '[')
      ++depth;
    if (c == '}' || c == ']')
      --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim(cur).empty())
    out.push_back(trim(cur));
  return out;
}

bool isIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         c == '%';
}

bool isIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         c == '.' || c == '%';
}

// A statement of the source with the line it starts on.
struct Stmt {
  enum Kind { Text, Open, Close, Label } kind;
  std::string text;
  int line;
};

// Comments removed; statements split at ';', labels, and scope braces (a
// '{' that starts a statement or ends a function header; other braces are
// vector operands).
std::vector<Stmt> statements(const std::string &src) {
  std::vector<Stmt> out;
  std::string cur;
  int line = 1, curLine = 1, vecDepth = 0;
  auto flush = [&](Stmt::Kind k) {
    std::string t = trim(cur);
    if (!t.empty())
      out.push_back({k, t, curLine});
    cur.clear();
  };
  for (size_t i = 0; i < src.size(); ++i) {
    char c = src[i];
    if (c == '/' && i + 1 < src.size() && src[i + 1] == '/') {
      while (i < src.size() && src[i] != '\n')
        ++i;
      --i;
      continue;
    }
    if (c == '/' && i + 1 < src.size() && src[i + 1] == '*') {
      i += 2;
      while (i + 1 < src.size() && !(src[i] == '*' && src[i + 1] == '/')) {
        if (src[i] == '\n')
          ++line;
        ++i;
      }
      ++i;
      continue;
    }
    if (c == '\n') {
      ++line;
      // Module directives end at the end of their line, without ';'.
      std::string t = trim(cur);
      if (startsWith(t, ".version") || startsWith(t, ".target") ||
          startsWith(t, ".address_size")) {
        flush(Stmt::Text);
        continue;
      }
    }
    if (trim(cur).empty()) {
      cur.clear();
      curLine = line;
    }
    if (c == ';' && vecDepth == 0) {
      flush(Stmt::Text);
      continue;
    }
    if (c == '{') {
      std::string t = trim(cur);
      if (t.empty() || startsWith(t, ".visible") || startsWith(t, ".entry") ||
          startsWith(t, ".func") || startsWith(t, ".weak") ||
          startsWith(t, ".extern")) {
        flush(Stmt::Text);
        out.push_back({Stmt::Open, "{", line});
        continue;
      }
      ++vecDepth;
    }
    if (c == '}') {
      if (vecDepth == 0) {
        flush(Stmt::Text);
        out.push_back({Stmt::Close, "}", line});
        continue;
      }
      --vecDepth;
    }
    if (c == ':' && vecDepth == 0 && !(i + 1 < src.size() && src[i + 1] == ':')) {
      std::string t = trim(cur);
      bool ident = !t.empty() && isIdentStart(t[0]);
      for (char d : t)
        ident = ident && isIdentChar(d);
      if (ident && (i == 0 || src[i - 1] != ':')) {
        out.push_back({Stmt::Label, t, curLine});
        cur.clear();
        continue;
      }
    }
    cur += c;
  }
  flush(Stmt::Text);
  return out;
}

int typeBytes(const std::string &t) {
  if (t == "pred")
    return 1;
  if (t.size() < 2)
    return 0;
  if (t == "f16x2" || t == "bf16x2")
    return 4;
  int bits = std::atoi(t.c_str() + (t[0] == 'b' && t[1] == 'f' ? 2 : 1));
  return bits / 8;
}

bool parseType(const std::string &t, Ty &ty) {
  static const struct {
    const char *name;
    Ty ty;
  } table[] = {
      {"b8", Ty::B8},     {"b16", Ty::B16},   {"b32", Ty::B32},
      {"b64", Ty::B64},   {"u8", Ty::U8},     {"u16", Ty::U16},
      {"u32", Ty::U32},   {"u64", Ty::U64},   {"s8", Ty::S8},
      {"s16", Ty::S16},   {"s32", Ty::S32},   {"s64", Ty::S64},
      {"f16", Ty::F16},   {"f16x2", Ty::F16x2}, {"bf16", Ty::BF16},
      {"bf16x2", Ty::BF16x2}, {"f32", Ty::F32}, {"f64", Ty::F64},
      {"pred", Ty::Pred},
  };
  for (const auto &e : table)
    if (t == e.name) {
      ty = e.ty;
      return true;
    }
  return false;
}

bool parseInt(const std::string &s, int64_t &v) {
  if (s.empty())
    return false;
  const char *p = s.c_str();
  char *end = nullptr;
  bool neg = false;
  if (*p == '-') {
    neg = true;
    ++p;
  }
  if (!std::isdigit(static_cast<unsigned char>(*p)))
    return false;
  unsigned long long u;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    u = std::strtoull(p + 2, &end, 16);
  else
    u = std::strtoull(p, &end, 10);
  if (*end == 'U' || *end == 'u')
    ++end;
  if (*end)
    return false;
  v = neg ? -static_cast<int64_t>(u) : static_cast<int64_t>(u);
  return true;
}

// Bounds that keep a malformed module from exhausting memory: far above
// what LLVM emits for our kernels (a few thousand virtual registers) and
// what a GPU allows (227 KiB of shared memory per block).
constexpr long kMaxRegisters = 16384;
constexpr size_t kMaxShared = 227 * 1024;
constexpr size_t kMaxParamBytes = 32764; // CUDA 12.1+'s kernel parameter limit

class Parser {
public:
  explicit Parser(Program &p) : prog(p) {}

  bool run(const std::string &src) {
    std::vector<Stmt> st = statements(src);
    size_t i = 0;
    while (i < st.size()) {
      const Stmt &s = st[i];
      if (s.kind == Stmt::Open || s.kind == Stmt::Close || s.kind == Stmt::Label)
        return fail(s.line, "unexpected '" + s.text + "' at module level");
      const std::string &t = s.text;
      if (startsWith(t, ".version") || startsWith(t, ".target") ||
          startsWith(t, ".address_size")) {
        ++i;
        continue;
      }
      if (t.find(".entry") != std::string::npos) {
        if (!parseEntry(st, i))
          return false;
        continue;
      }
      if (t.find(".func") != std::string::npos)
        return fail(s.line, "device functions (.func) are not implemented: "
                            "only kernels whose code is all inlined run here");
      if (t.find(".shared") != std::string::npos) {
        if (!declareShared(t, s.line, moduleShared))
          return false;
        ++i;
        continue;
      }
      return fail(s.line, "unsupported module-level statement: " + t);
    }
    return true;
  }

  std::string error;

private:
  Program &prog;
  std::vector<SharedVar> moduleShared;

  // Function-local state.
  Kernel *k = nullptr;
  std::map<std::string, std::pair<int, int>> banks; // prefix -> (base, n)
  std::map<std::string, int> singles;
  std::map<std::string, int> labels;
  std::vector<std::pair<size_t, std::string>> fixups; // inst, operand label

  bool fail(int line, const std::string &msg) {
    error = "PTX line " + std::to_string(line) + ": " + oneLine(msg, 240);
    return false;
  }

  bool declareShared(const std::string &t, int line,
                     std::vector<SharedVar> &into) {
    // [.extern] .shared [.align N] .bX name[N] | name[] | name
    std::istringstream in(t);
    std::string w, ty, name;
    size_t align = 1;
    bool ext = false;
    while (in >> w) {
      if (w == ".extern") {
        ext = true;
      } else if (w == ".shared") {
      } else if (w == ".align") {
        in >> align;
      } else if (w[0] == '.') {
        ty = w.substr(1);
      } else {
        name = w;
        std::string rest;
        std::getline(in, rest);
        name += rest;
      }
    }
    name = trim(name);
    if (name.find('=') != std::string::npos)
      return fail(line, "initialized .shared variables are not implemented");
    SharedVar v;
    size_t lb = name.find('[');
    size_t count = 1;
    if (lb != std::string::npos) {
      std::string n = name.substr(lb + 1, name.find(']') - lb - 1);
      v.name = trim(name.substr(0, lb));
      if (trim(n).empty())
        v.dynamic = true;
      else
        count = std::strtoull(n.c_str(), nullptr, 10);
      if (count > kMaxShared)
        return fail(line, "shared variable larger than a GPU's shared "
                          "memory: " + t);
    } else {
      v.name = name;
    }
    if (ext)
      v.dynamic = true;
    int b = typeBytes(ty);
    if (b == 0)
      return fail(line, "bad .shared declaration: " + t);
    v.size = v.dynamic ? 0 : count * b;
    v.align = std::max<size_t>(align, b);
    into.push_back(v);
    return true;
  }

  bool parseEntry(const std::vector<Stmt> &st, size_t &i) {
    const Stmt &h = st[i];
    const std::string &t = h.text;
    size_t e = t.find(".entry");
    size_t lp = t.find('(', e);
    size_t rp = t.rfind(')');
    Kernel kern;
    std::string nm =
        trim(t.substr(e + 6, (lp == std::string::npos ? t.size() : lp) - e - 6));
    kern.name = nm;
    if (lp != std::string::npos && rp != std::string::npos && rp > lp) {
      std::string params = t.substr(lp + 1, rp - lp - 1);
      size_t off = 0;
      for (const std::string &praw : splitOperands(params)) {
        std::string p = trim(praw);
        if (p.empty())
          continue;
        std::istringstream in(p);
        std::string w, ty, name;
        size_t align = 0;
        while (in >> w) {
          if (w == ".param" || w == ".ptr" || w == ".global" || w == ".shared")
            continue;
          if (w == ".align") {
            in >> align;
            continue;
          }
          if (w[0] == '.')
            ty = w.substr(1);
          else
            name = w;
        }
        size_t count = 1;
        size_t lb = name.find('[');
        if (lb != std::string::npos) {
          count = std::strtoull(name.c_str() + lb + 1, nullptr, 10);
          name = name.substr(0, lb);
        }
        int b = typeBytes(ty);
        if (b == 0)
          return fail(h.line, "bad kernel parameter: " + p);
        // .ptr .align N describes the pointee; the parameter itself is
        // aligned to its own size unless it is a byte array.
        size_t a = (lb != std::string::npos && align) ? align : b;
        off = (off + a - 1) / a * a;
        if (count > kMaxParamBytes || off + count * b > kMaxParamBytes)
          return fail(h.line, "kernel parameters above " +
                                  std::to_string(kMaxParamBytes) + " bytes");
        kern.params.push_back({name, off, count * b});
        off += count * b;
      }
      kern.paramBytes = off;
    }
    ++i;
    if (i >= st.size() || st[i].kind != Stmt::Open)
      return fail(h.line, "kernel " + nm + " has no body");
    ++i;
    k = &kern;
    banks.clear();
    singles.clear();
    labels.clear();
    fixups.clear();
    std::vector<SharedVar> shared = moduleShared;
    int depth = 1;
    while (i < st.size() && depth > 0) {
      const Stmt &s = st[i++];
      if (s.kind == Stmt::Open) {
        ++depth;
        continue;
      }
      if (s.kind == Stmt::Close) {
        --depth;
        continue;
      }
      if (s.kind == Stmt::Label) {
        labels[s.text] = static_cast<int>(kern.code.size());
        continue;
      }
      const std::string &x = s.text;
      if (startsWith(x, ".reg")) {
        if (!declareRegs(x, s.line))
          return false;
        continue;
      }
      if (startsWith(x, ".shared") || startsWith(x, ".extern")) {
        if (!declareShared(x, s.line, shared))
          return false;
        continue;
      }
      if (startsWith(x, ".local"))
        return fail(s.line, "local memory (.local) is not implemented: the "
                            "kernels are expected to use none");
      if (startsWith(x, ".pragma") || startsWith(x, ".loc") ||
          startsWith(x, ".file"))
        continue;
      if (x[0] == '.')
        return fail(s.line, "unsupported directive in a kernel: " + x);
      if (!parseInst(x, s.line, shared, kern))
        return false;
    }
    if (depth != 0)
      return fail(h.line, "kernel " + nm + ": unbalanced braces");
    // A final instruction so that falling off the end exits.
    Inst ret;
    ret.op = Op::Exit;
    ret.line = st[i - 1].line;
    ret.text = "(end of kernel)";
    kern.code.push_back(ret);
    for (auto &f : fixups) {
      auto it = labels.find(f.second);
      if (it == labels.end())
        return fail(kern.code[f.first].line, "unknown label " + f.second);
      kern.code[f.first].target = it->second;
    }
    // Shared layout: static variables first, dynamic ones at the end.
    size_t off = 0, dynAlign = 16;
    for (SharedVar &v : shared) {
      if (v.dynamic) {
        dynAlign = std::max(dynAlign, v.align);
        continue;
      }
      off = (off + v.align - 1) / v.align * v.align;
      v.offset = off;
      off += v.size;
    }
    off = (off + dynAlign - 1) / dynAlign * dynAlign;
    if (off > kMaxShared)
      return fail(h.line, "kernel " + nm + " declares " + std::to_string(off) +
                              " bytes of shared memory (a GPU has at most " +
                              std::to_string(kMaxShared) + ")");
    kern.staticShared = off;
    for (SharedVar &v : shared)
      if (v.dynamic)
        v.offset = off;
    // Symbols in code: now that offsets are known.
    for (Inst &in : kern.code)
      for (Operand &o : in.ops)
        resolveSymbol(o, shared, kern);
    kern.numRegs = nextReg;
    nextReg = 0;
    prog.kernels[kern.name] = std::move(kern);
    k = nullptr;
    return true;
  }

  void resolveSymbol(Operand &o, const std::vector<SharedVar> &shared,
                     const Kernel &kern) {
    for (Operand &sub : o.vec)
      resolveSymbol(sub, shared, kern);
    if (o.symbol.empty())
      return;
    for (const SharedVar &v : shared)
      if (v.name == o.symbol) {
        o.symSpace = Space::Shared;
        o.symAddr = v.offset;
        return;
      }
    for (const Param &p : kern.params)
      if (p.name == o.symbol) {
        o.symSpace = Space::Param;
        o.symAddr = p.offset;
        return;
      }
  }

  int nextReg = 0;

  bool declareRegs(const std::string &x, int line) {
    // .reg .b32 %r<756>;   .reg .f32 %f1, %f2;
    std::string rest = trim(x.substr(4));
    size_t sp = rest.find_first_of(" \t\r\n");
    if (sp == std::string::npos)
      return fail(line, "bad .reg: " + x);
    for (const std::string &n : splitOperands(rest.substr(sp + 1))) {
      size_t lt = n.find('<');
      if (lt != std::string::npos) {
        std::string prefix = n.substr(0, lt);
        long cnt = std::atol(n.c_str() + lt + 1);
        if (cnt < 0 || cnt > kMaxRegisters)
          return fail(line, "too many registers: " + x);
        banks[prefix] = {nextReg, static_cast<int>(cnt)};
        nextReg += static_cast<int>(cnt);
      } else {
        singles[n] = nextReg++;
      }
      // Each warp holds 32 copies of every register.
      if (nextReg > kMaxRegisters)
        return fail(line, "more than " + std::to_string(kMaxRegisters) +
                              " registers in one kernel");
    }
    return true;
  }

  bool regIndex(const std::string &n, int &idx) {
    auto s = singles.find(n);
    if (s != singles.end()) {
      idx = s->second;
      return true;
    }
    size_t d = n.size();
    while (d > 0 && std::isdigit(static_cast<unsigned char>(n[d - 1])))
      --d;
    if (d == n.size())
      return false;
    auto b = banks.find(n.substr(0, d));
    if (b == banks.end())
      return false;
    int j = std::atoi(n.c_str() + d);
    if (j >= b->second.second)
      return false;
    idx = b->second.first + j;
    return true;
  }

  bool parseOperand(const std::string &raw, int line, Operand &o) {
    std::string s = trim(raw);
    if (s.empty())
      return fail(line, "empty operand");
    if (s[0] == '{') {
      o.kind = Operand::Vec;
      std::string in = s.substr(1, s.rfind('}') - 1);
      for (const std::string &e : splitOperands(in)) {
        if (!trim(e).empty() && trim(e)[0] == '{')
          return fail(line, "nested vector operand '" + s + "'");
        Operand sub;
        if (!parseOperand(e, line, sub))
          return false;
        o.vec.push_back(sub);
      }
      return true;
    }
    if (s[0] == '[') {
      o.kind = Operand::Addr;
      std::string in = trim(s.substr(1, s.rfind(']') - 1));
      // base[+off] | off
      size_t plus = in.find('+', 1);
      size_t minus = in.find('-', 1);
      std::string base = in, off;
      if (plus != std::string::npos) {
        base = trim(in.substr(0, plus));
        off = trim(in.substr(plus + 1));
      } else if (minus != std::string::npos && in[0] != '-') {
        base = trim(in.substr(0, minus));
        off = trim(in.substr(minus));
      }
      int64_t v;
      if (!off.empty() && !parseInt(off, v))
        return fail(line, "bad address offset: " + s);
      o.imm = off.empty() ? 0 : static_cast<uint64_t>(v);
      if (parseInt(base, v)) {
        o.imm += static_cast<uint64_t>(v);
        o.reg = -1;
        return true;
      }
      if (base[0] == '%') {
        if (!regIndex(base, o.reg))
          return fail(line, "unknown register " + base);
        return true;
      }
      o.reg = -1;
      o.symbol = base;
      return true;
    }
    if (s[0] == '!') {
      if (!parseOperand(s.substr(1), line, o))
        return false;
      o.negate = true;
      return true;
    }
    if (s == "_") {
      o.kind = Operand::Sink;
      return true;
    }
    if (s[0] == '%') {
      static const char *specials[] = {"%tid.x",    "%tid.y",    "%tid.z",
                                       "%ntid.x",   "%ntid.y",   "%ntid.z",
                                       "%ctaid.x",  "%ctaid.y",  "%ctaid.z",
                                       "%nctaid.x", "%nctaid.y", "%nctaid.z",
                                       "%laneid",   "%warpid",   "%nwarpid"};
      for (int j = 0; j < 15; ++j)
        if (s == specials[j]) {
          o.kind = Operand::Special;
          o.special = j;
          return true;
        }
      o.kind = Operand::Reg;
      if (!regIndex(s, o.reg))
        return fail(line, "unknown register " + s);
      return true;
    }
    if ((s[0] == '0') && s.size() == 10 && (s[1] == 'f' || s[1] == 'F')) {
      o.kind = Operand::Imm;
      o.imm = std::strtoull(s.c_str() + 2, nullptr, 16);
      return true;
    }
    if ((s[0] == '0') && s.size() == 18 && (s[1] == 'd' || s[1] == 'D')) {
      o.kind = Operand::Imm;
      o.imm = std::strtoull(s.c_str() + 2, nullptr, 16);
      return true;
    }
    int64_t v;
    if (parseInt(s, v)) {
      o.kind = Operand::Imm;
      o.imm = static_cast<uint64_t>(v);
      return true;
    }
    if (isIdentStart(s[0])) {
      o.kind = Operand::Symbol;
      o.symbol = s;
      return true;
    }
    return fail(line, "cannot read operand '" + s + "'");
  }

  bool parseInst(const std::string &x, int line,
                 const std::vector<SharedVar> &, Kernel &kern) {
    Inst in;
    in.line = line;
    in.text = x;
    std::string s = x;
    if (s[0] == '@') {
      size_t sp = s.find_first_of(" \t\r\n");
      std::string g = s.substr(1, sp - 1);
      if (g[0] == '!') {
        in.guardNeg = true;
        g = g.substr(1);
      }
      if (!regIndex(g, in.guard))
        return fail(line, "unknown predicate " + g);
      s = trim(s.substr(sp));
    }
    size_t sp = s.find_first_of(" \t\r\n");
    std::string opcode = s.substr(0, sp);
    std::string rest = sp == std::string::npos ? "" : trim(s.substr(sp));
    std::vector<std::string> parts = split(opcode, '.');
    if (!decode(parts, in))
      return fail(line, "unsupported instruction: " + opcode);
    for (const std::string &os : splitOperands(rest)) {
      // setp/shfl may name two destinations: %p1|%p2.
      size_t bar = os.find('|');
      if (bar != std::string::npos && os[0] == '%') {
        Operand a, b;
        if (!parseOperand(os.substr(0, bar), line, a) ||
            !parseOperand(os.substr(bar + 1), line, b))
          return false;
        in.ops.push_back(a);
        in.second = b.reg;
        continue;
      }
      Operand o;
      if (!parseOperand(os, line, o))
        return false;
      in.ops.push_back(o);
    }
    if (in.op == Op::Bra) {
      if (in.ops.size() != 1 || in.ops[0].kind != Operand::Symbol)
        return fail(line, "bra needs a label");
      fixups.push_back({kern.code.size(), in.ops[0].symbol});
    }
    if (!checkArity(in))
      return fail(line, "unexpected operands for " + opcode);
    kern.code.push_back(std::move(in));
    return true;
  }

  static bool checkArity(const Inst &in) {
    size_t n = in.ops.size();
    for (const Operand &o : in.ops)
      if (o.kind == Operand::Vec && o.vec.empty())
        return false;
    if ((in.op == Op::Ld || in.op == Op::St) &&
        (in.ty == Ty::None || in.ty == Ty::Pred))
      return false;
    switch (in.op) {
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Rem:
    case Op::Min: case Op::Max: case Op::And: case Op::Or: case Op::Xor:
    case Op::Shl: case Op::Shr: case Op::Copysign:
      return n == 3;
    case Op::Mov: case Op::Neg: case Op::Abs: case Op::Not: case Op::Cvta:
    case Op::Ex2: case Op::Lg2: case Op::Rcp: case Op::Sqrt: case Op::Rsqrt:
    case Op::Popc: case Op::Clz: case Op::Ld: case Op::St:
      return n == 2;
    case Op::Cvt:
      return n == ((in.ty == Ty::F16x2 || in.ty == Ty::BF16x2) ? 3u : 2u);
    case Op::Exit: case Op::Nop:
      return n == 0;
    case Op::Bar:
      return n <= 2;
    case Op::Mma:
      return n == 4 && in.ops[0].vec.size() == 4 && in.ops[1].vec.size() == 4 &&
             in.ops[2].vec.size() == 2 && in.ops[3].vec.size() == 4;
    case Op::Ldmatrix:
      return n == 2 && in.ops[0].kind == Operand::Vec &&
             static_cast<int>(in.ops[0].vec.size()) == in.num;
    case Op::Fma:
    case Op::Mad:
    case Op::Selp:
    case Op::Bfe:
      return n == 4;
    case Op::Shfl:
      return n == 5;
    case Op::Vote: // vote.sync.{any,all,uni}.pred / .ballot.b32 d, p, mask
      return n == 3 && in.num != 4 &&
             (in.num == 3 ? in.ty == Ty::B32 : in.ty == Ty::Pred);
    case Op::Setp:
      return n == 3 || n == 4;
    case Op::CpAsync:
      if (in.cpKind == "async")
        return n == 3 || n == 4;
      return in.cpKind == "wait_group" ? n == 1 : n == 0;
    default:
      return true;
    }
  }

  // The opcode's dotted parts -> op, types and modifiers.
  static bool decode(const std::vector<std::string> &p, Inst &in) {
    const std::string &b = p[0];
    std::vector<Ty> types;
    for (size_t j = 1; j < p.size(); ++j) {
      const std::string &m = p[j];
      Ty t;
      if (parseType(m, t)) {
        types.push_back(t);
        continue;
      }
      // cp.async names the destination's space first.
      bool spaceSet = b == "cp" && in.space != Space::None;
      if (m == "global") {
        if (!spaceSet)
          in.space = Space::Global;
      } else if (m == "shared" || m == "shared::cta")
        in.space = Space::Shared;
      else if (m == "param")
        in.space = Space::Param;
      else if (m == "local")
        return false;
      else if (m == "const")
        return false;
      else if (m == "v2")
        in.vec = 2;
      else if (m == "v4")
        in.vec = 4;
      else if (m == "wide")
        in.wide = true;
      else if (m == "hi")
        in.hi = true;
      else if (m == "lo")
        in.lo = true;
      else if (m == "NaN")
        in.nanProp = true;
      else if (m == "trans")
        in.trans = true;
      else if (m == "to")
        in.toSpace = true;
      else if (m == "x1")
        in.num = 1;
      else if (m == "x2")
        in.num = 2;
      else if (m == "x4")
        in.num = 4;
      else if ((m == "uni" && b != "vote") || m == "sync" || m == "aligned" || m == "rn" ||
               m == "approx" || m == "ftz" || m == "full" || m == "nc" ||
               m == "ca" || m == "cg" || m == "cs" || m == "lu" || m == "cv" ||
               m == "wb" || m == "wt" || m == "ptr" || m == "m8n8" ||
               m == "m16n8k16" || m == "row" || m == "col" ||
               m == "relaxed" || m == "weak" || m == "cta" || m == "gpu" ||
               m == "sys" || m == "L1::no_allocate")
        ;
      else if (m == "rzi" || m == "rni" || m == "rmi" || m == "rpi")
        in.roundInt = m == "rzi" ? 1 : m == "rni" ? 2 : m == "rmi" ? 3 : 4;
      else if (m == "rz" || m == "rm" || m == "rp")
        in.roundInt = 0; // only f32->f16 conversions round otherwise; rn
      else if (b == "setp" || b == "set") {
        static const char *cmps[] = {"eq",  "ne",  "lt",  "le",  "gt",  "ge",
                                     "lo",  "ls",  "hi",  "hs",  "equ", "neu",
                                     "ltu", "leu", "gtu", "geu", "num", "nan"};
        bool found = false;
        for (int c = 0; c < 18; ++c)
          if (m == cmps[c]) {
            in.cmp = c;
            found = true;
          }
        if (m == "and" || m == "or" || m == "xor") {
          in.boolOp = m == "and" ? 1 : m == "or" ? 2 : 3;
          found = true;
        }
        if (!found)
          return false;
      } else if (b == "vote") {
        if (m == "any")
          in.num = 0;
        else if (m == "all")
          in.num = 1;
        else if (m == "uni")
          in.num = 2;
        else if (m == "ballot")
          in.num = 3;
        else
          return false;
      } else if (b == "shfl") {
        if (m == "up")
          in.num = 0;
        else if (m == "down")
          in.num = 1;
        else if (m == "bfly")
          in.num = 2;
        else if (m == "idx")
          in.num = 3;
        else
          return false;
      } else if (b == "cp" && (m == "async" || m == "commit_group" ||
                               m == "wait_group" || m == "wait_all")) {
        in.cpKind = m == "async" ? in.cpKind : m;
      } else if ((b == "bar" || b == "barrier") && (m == "warp" || m == "cta"))
        in.warpBar = m == "warp";
      else if (b == "fence" || b == "membar")
        ;
      else
        return false;
    }
    in.ty = types.empty() ? Ty::None : types[0];
    in.ty2 = types.size() > 1 ? types[1] : Ty::None;
    static const struct {
      const char *name;
      Op op;
    } ops[] = {
        {"mov", Op::Mov},       {"add", Op::Add},   {"sub", Op::Sub},
        {"mul", Op::Mul},       {"mad", Op::Mad},   {"fma", Op::Fma},
        {"div", Op::Div},       {"rem", Op::Rem},   {"min", Op::Min},
        {"max", Op::Max},       {"neg", Op::Neg},   {"abs", Op::Abs},
        {"and", Op::And},       {"or", Op::Or},     {"xor", Op::Xor},
        {"not", Op::Not},       {"shl", Op::Shl},   {"shr", Op::Shr},
        {"bfe", Op::Bfe},       {"selp", Op::Selp}, {"setp", Op::Setp},
        {"cvt", Op::Cvt},       {"cvta", Op::Cvta}, {"ld", Op::Ld},
        {"st", Op::St},         {"bra", Op::Bra},   {"ret", Op::Exit},
        {"exit", Op::Exit},     {"bar", Op::Bar},   {"barrier", Op::Bar},
        {"shfl", Op::Shfl},     {"vote", Op::Vote},  {"ex2", Op::Ex2},   {"lg2", Op::Lg2},
        {"rcp", Op::Rcp},       {"sqrt", Op::Sqrt}, {"rsqrt", Op::Rsqrt},
        {"ldmatrix", Op::Ldmatrix}, {"mma", Op::Mma}, {"fence", Op::Nop},
        {"membar", Op::Nop},    {"cp", Op::CpAsync}, {"popc", Op::Popc},
        {"clz", Op::Clz},       {"copysign", Op::Copysign},
    };
    for (const auto &e : ops)
      if (b == e.name) {
        in.op = e.op;
        break;
      }
    if (in.op == Op::None)
      return false;
    if (in.op == Op::Mma) {
      // mma.sync.aligned.m16n8k16.row.col.f32.{f16,bf16}.{f16,bf16}.f32
      if (types.size() != 4 || types[0] != Ty::F32 || types[3] != Ty::F32 ||
          types[1] != types[2] ||
          (types[1] != Ty::F16 && types[1] != Ty::BF16))
        return false;
      bool shape = false, row = false, col = false;
      for (const std::string &m : p) {
        shape |= m == "m16n8k16";
        row |= m == "row";
        col |= m == "col";
      }
      if (!shape || !row || !col)
        return false;
      in.ty2 = types[1];
    }
    if (in.op == Op::Ldmatrix) {
      bool m8n8 = false;
      for (const std::string &m : p)
        m8n8 |= m == "m8n8";
      if (!m8n8 || in.ty != Ty::B16 || in.space != Space::Shared)
        return false;
    }
    if (in.op == Op::CpAsync) {
      if (in.cpKind.empty()) {
        if (in.space != Space::Shared)
          return false;
        in.cpKind = "async";
      }
    }
    return true;
  }
};

} // namespace

ProgramPtr parsePtx(const std::string &text, std::string &error) {
  ProgramPtr prog(new Program());
  Parser parser(*prog);
  if (!parser.run(text)) {
    error = parser.error;
    return nullptr;
  }
  if (prog->kernels.empty()) {
    error = "PTX module has no .entry";
    return nullptr;
  }
  return prog;
}

bool kernelParamSizes(const Program &program, const std::string &kernel,
                      std::vector<size_t> &sizes) {
  auto it = program.kernels.find(kernel);
  if (it == program.kernels.end())
    return false;
  sizes.clear();
  for (const Param &p : it->second.params)
    sizes.push_back(p.size);
  return true;
}

size_t kernelStaticShared(const Program &program, const std::string &kernel) {
  auto it = program.kernels.find(kernel);
  return it == program.kernels.end() ? 0 : it->second.staticShared;
}

void destroyProgram(Program *program) { delete program; }

} // namespace attn::ptxemu
