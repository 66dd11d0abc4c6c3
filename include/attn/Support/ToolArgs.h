//===- ToolArgs.h - --flag=value parsing shared by the attn tools -*- C++ -*-===//
//
// attn-run and attn-compile parse their own command lines (so that every
// error is one SPEC.md line and exit 2, which llvm::cl does not give); these
// are the pieces both need.
//
//===----------------------------------------------------------------------===//
#ifndef ATTN_SUPPORT_TOOLARGS_H
#define ATTN_SUPPORT_TOOLARGS_H

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace attn {

/// Does `arg` spell `flag`, alone or as `flag=value`?
inline bool isFlag(const std::string &arg, const std::string &flag) {
  return arg == flag || arg.compare(0, flag.size() + 1, flag + "=") == 0;
}

/// The value of `flag` in `argv[i]`: after `=`, or the next argument (then
/// `i` advances past it). Empty when the value is missing.
inline std::optional<std::string> flagValue(int &i, int argc, char **argv,
                                            const std::string &flag) {
  std::string arg = argv[i];
  if (arg.size() > flag.size() && arg.compare(0, flag.size() + 1, flag + "=") == 0)
    return arg.substr(flag.size() + 1);
  if (arg == flag && i + 1 < argc)
    return std::string(argv[++i]);
  return std::nullopt;
}

/// The one-line error for a flag given without its value.
inline std::string missingValue(const std::string &flag) {
  return "option " + flag + " needs a value (" + flag + "=...)";
}

/// SPEC.md 2's error: one line `<tool>: error: <message>` on stderr (newlines
/// in the message become spaces), then exit with `code` (2: bad input).
[[noreturn]] inline void failLine(const char *tool, const std::string &msg,
                                  int code = 2) {
  std::string line = msg;
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::fprintf(stderr, "%s: error: %s\n", tool, line.c_str());
  std::fflush(stderr);
  std::exit(code);
}

} // namespace attn

#endif
