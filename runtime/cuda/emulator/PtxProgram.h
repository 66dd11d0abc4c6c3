//===- PtxProgram.h - The emulator's decoded form of a PTX module ---------===//
#ifndef ATTN_RUNTIME_CUDA_EMULATOR_PTXPROGRAM_H
#define ATTN_RUNTIME_CUDA_EMULATOR_PTXPROGRAM_H

#include "PtxEmulator.h"

#include <map>
#include <string>
#include <vector>

namespace attn::ptxemu {

enum class Ty {
  None, B8, B16, B32, B64, U8, U16, U32, U64, S8, S16, S32, S64,
  F16, F16x2, BF16, BF16x2, F32, F64, Pred
};

enum class Space { None, Global, Shared, Param };

enum class Op {
  None, Mov, Add, Sub, Mul, Mad, Fma, Div, Rem, Min, Max, Neg, Abs, And, Or,
  Xor, Not, Shl, Shr, Bfe, Selp, Setp, Cvt, Cvta, Ld, St, Bra, Exit, Bar,
  Shfl, Vote, Ex2, Lg2, Rcp, Sqrt, Rsqrt, Ldmatrix, Mma, Nop, CpAsync, Popc, Clz,
  Copysign
};

struct Operand {
  enum Kind { Reg, Imm, Special, Addr, Vec, Symbol, Sink } kind = Imm;
  int reg = -1;          // Reg; Addr base (-1: none)
  uint64_t imm = 0;      // Imm value; Addr offset
  int special = 0;       // index into the special register table
  bool negate = false;   // !%p
  std::string symbol;    // Symbol / Addr base symbol (labels too)
  Space symSpace = Space::None;
  uint64_t symAddr = 0;  // the symbol's address in symSpace
  std::vector<Operand> vec;
};

struct Inst {
  Op op = Op::None;
  Ty ty = Ty::None, ty2 = Ty::None;
  Space space = Space::None;
  int vec = 1;          // ld/st .v2/.v4
  int num = 4;          // ldmatrix .xN; shfl mode; vote kind
  int cmp = -1;         // setp comparison
  int boolOp = 0;       // setp .and/.or/.xor
  int roundInt = 0;     // cvt .rzi/.rni/.rmi/.rpi
  bool wide = false, hi = false, lo = false, nanProp = false, trans = false;
  bool toSpace = false, warpBar = false;
  std::string cpKind;   // async, commit_group, wait_group, wait_all
  int guard = -1;       // predicate register, -1: none
  bool guardNeg = false;
  int second = -1;      // second destination (setp p|q, shfl d|p)
  int target = -1;      // bra
  int line = 0;
  std::string text;
  std::vector<Operand> ops;
};

struct Param {
  std::string name;
  size_t offset, size;
};

struct SharedVar {
  std::string name;
  size_t size = 0, align = 1, offset = 0;
  bool dynamic = false;
};

struct Kernel {
  std::string name;
  std::vector<Param> params;
  size_t paramBytes = 0;
  size_t staticShared = 0;
  int numRegs = 0;
  std::vector<Inst> code;
};

/// `text` as one line for a message: control characters and runs of
/// whitespace become one space, at most `max` characters (then "...").
inline std::string oneLine(const std::string &text, size_t max = 160) {
  std::string out;
  for (char ch : text) {
    bool space = static_cast<unsigned char>(ch) < 0x20 || ch == ' ' ||
                 ch == 0x7f;
    if (space) {
      if (!out.empty() && out.back() != ' ')
        out += ' ';
    } else {
      out += ch;
    }
    if (out.size() > max) {
      out.resize(max);
      out += "...";
      break;
    }
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

class Program {
public:
  std::map<std::string, Kernel> kernels;
};

} // namespace attn::ptxemu

#endif
