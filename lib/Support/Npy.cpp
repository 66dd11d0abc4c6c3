//===- Npy.cpp - .npy reader and writer -----------------------------------===//
//
// NumPy .npy versions 1.0, 2.0 and 3.0, little-endian, C order. Plain C++17
// plus POSIX file I/O; no MLIR or LLVM dependency.
//
//===----------------------------------------------------------------------===//

#include "attn/Support/Npy.h"

#include <cerrno>
#include <cstring>
#include <limits>
#include <new>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attn {

namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

/// Upper bound on payload sizes accepted by the reader (matches the default
/// NDArray::allocate limit).
constexpr uint64_t kMaxPayloadBytes = uint64_t(1) << 36;

std::string quoteForMessage(const std::string &s) {
  // Keep error messages single-line and printable.
  std::string r;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f)
      r += char(c);
    else {
      static const char hex[] = "0123456789abcdef";
      r += "\\x";
      r += hex[c >> 4];
      r += hex[c & 15];
    }
  }
  if (r.size() > 40)
    r = r.substr(0, 40) + "...";
  return r;
}

/// A minimal parser for the Python literal dict in a .npy header:
/// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
public:
  HeaderParser(const char *text, size_t n) : p(text), end(text + n) {}

  struct Value {
    enum Kind { String, Bool, Tuple, Other } kind = Other;
    std::string str;
    bool boolean = false;
    std::vector<int64_t> ints;
  };

  bool parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape,
             std::string &err) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return fail(err, "malformed header: expected '{'");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key, err))
        return false;
      skipSpace();
      if (!consume(':'))
        return fail(err, "malformed header: expected ':' after key '" +
                             quoteForMessage(key) + "'");
      skipSpace();
      if (key != "descr" && key != "fortran_order" && key != "shape")
        return fail(err, "malformed header: unexpected key '" +
                             quoteForMessage(key) + "'");
      Value v;
      if (!parseValue(v, err))
        return false;
      if (key == "descr") {
        if (haveDescr)
          return fail(err, "malformed header: duplicate key 'descr'");
        if (v.kind != Value::String)
          return fail(err, "unsupported header: 'descr' must be a string "
                           "(structured dtypes are not supported)");
        descr = v.str;
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (haveFortran)
          return fail(err, "malformed header: duplicate key 'fortran_order'");
        if (v.kind != Value::Bool)
          return fail(err, "malformed header: 'fortran_order' must be True "
                           "or False");
        fortran = v.boolean;
        haveFortran = true;
      } else { // "shape"
        if (haveShape)
          return fail(err, "malformed header: duplicate key 'shape'");
        if (v.kind != Value::Tuple)
          return fail(err, "malformed header: 'shape' must be a tuple of "
                           "integers");
        shape = v.ints;
        haveShape = true;
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return fail(err, "malformed header: expected ',' or '}'");
    }
    skipSpace();
    if (p != end)
      return fail(err, "malformed header: unexpected text after '}'");
    if (!haveDescr)
      return fail(err, "malformed header: missing key 'descr'");
    if (!haveFortran)
      return fail(err, "malformed header: missing key 'fortran_order'");
    if (!haveShape)
      return fail(err, "malformed header: missing key 'shape'");
    return true;
  }

private:
  const char *p;
  const char *end;

  static bool fail(std::string &err, const std::string &msg) {
    err = msg;
    return false;
  }

  void skipSpace() {
    // numpy pads with spaces and ends with '\n'; some writers pad with NULs.
    while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
                        *p == '\0'))
      ++p;
  }
  bool consume(char c) {
    if (p != end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
  bool consumeWord(const char *w) {
    size_t n = std::strlen(w);
    if (size_t(end - p) < n || std::memcmp(p, w, n) != 0)
      return false;
    // Must not be followed by an identifier character.
    if (size_t(end - p) > n) {
      char c = p[n];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_')
        return false;
    }
    p += n;
    return true;
  }

  bool parseString(std::string &s, std::string &err) {
    if (p == end || (*p != '\'' && *p != '"'))
      return fail(err, "malformed header: expected a quoted key");
    char q = *p++;
    s.clear();
    while (true) {
      if (p == end || *p == '\n')
        return fail(err, "malformed header: unterminated string");
      char c = *p++;
      if (c == q)
        return true;
      if (c == '\\') {
        if (p == end)
          return fail(err, "malformed header: unterminated string");
        c = *p++;
      }
      s += c;
    }
  }

  bool parseInt(int64_t &v, std::string &err) {
    if (p != end && (*p == '-' || *p == '+')) {
      if (*p == '-')
        return fail(err, "malformed header: negative dimension in 'shape'");
      ++p;
    }
    if (p == end || *p < '0' || *p > '9')
      return fail(err, "malformed header: expected an integer in 'shape'");
    v = 0;
    while (p != end && *p >= '0' && *p <= '9') {
      if (__builtin_mul_overflow(v, int64_t(10), &v) ||
          __builtin_add_overflow(v, int64_t(*p - '0'), &v))
        return fail(err, "dimension in 'shape' overflows int64");
      ++p;
    }
    if (p != end && (*p == 'L' || *p == 'l')) // Python 2 long literal
      ++p;
    return true;
  }

  bool parseValue(Value &v, std::string &err) {
    if (p == end)
      return fail(err, "malformed header: expected a value");
    if (*p == '\'' || *p == '"') {
      v.kind = Value::String;
      return parseString(v.str, err);
    }
    if (consumeWord("True")) {
      v.kind = Value::Bool;
      v.boolean = true;
      return true;
    }
    if (consumeWord("False")) {
      v.kind = Value::Bool;
      v.boolean = false;
      return true;
    }
    if (consume('(')) {
      v.kind = Value::Tuple;
      skipSpace();
      if (consume(')'))
        return true; // ()
      while (true) {
        skipSpace();
        int64_t d;
        if (!parseInt(d, err))
          return false;
        if (v.ints.size() >= 4096)
          return fail(err, "unsupported header: 'shape' has too many "
                           "dimensions");
        v.ints.push_back(d);
        skipSpace();
        if (consume(')')) {
          // (3) is a parenthesized int in Python, not a tuple.
          if (v.ints.size() == 1)
            return fail(err, "malformed header: 'shape' of rank 1 needs a "
                             "trailing comma, e.g. (3,)");
          return true;
        }
        if (!consume(','))
          return fail(err, "malformed header: expected ',' or ')' in "
                           "'shape'");
        skipSpace();
        if (consume(')'))
          return true; // trailing comma
      }
    }
    if (*p == '[' || *p == '{')
      return fail(err, "unsupported header: nested containers are not "
                       "supported");
    return fail(err, "malformed header: unexpected character '" +
                         quoteForMessage(std::string(1, *p)) + "'");
  }
};

bool parseDescr(const std::string &descr, ElemType &t, std::string &err) {
  if (descr == "<f4")
    t = ElemType::F32;
  else if (descr == "<f2")
    t = ElemType::F16;
  else if (descr == "<u2")
    t = ElemType::BF16;
  else if (descr == "|b1")
    t = ElemType::I1;
  else {
    std::string q = quoteForMessage(descr);
    if (!descr.empty() && descr[0] == '>')
      err = "unsupported dtype '" + q +
            "': big-endian data is not supported (expected '<f4', '<f2', "
            "'<u2' or '|b1')";
    else
      err = "unsupported dtype '" + q +
            "' (expected '<f4', '<f2', '<u2' or '|b1')";
    return false;
  }
  return true;
}

std::string shapeTuple(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    s += ',';
  s += ')';
  return s;
}

/// Validates everything up to the payload. On success `dataOffset` is where
/// the payload starts and its size is exactly size - dataOffset.
bool parseHeader(const uint8_t *bytes, size_t size, ElemType &type,
                 std::vector<int64_t> &shape, size_t &dataOffset,
                 std::string &err) {
  if (size < kMagicLen || std::memcmp(bytes, kMagic, kMagicLen) != 0) {
    err = "not a .npy file (bad magic)";
    return false;
  }
  if (size < 8) {
    err = "truncated header: file has " + std::to_string(size) + " bytes";
    return false;
  }
  unsigned major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0) {
    err = "unsupported .npy version " + std::to_string(major) + "." +
          std::to_string(minor) + " (expected 1.0, 2.0 or 3.0)";
    return false;
  }
  size_t lenBytes = major == 1 ? 2 : 4;
  if (size < 8 + lenBytes) {
    err = "truncated header: file has " + std::to_string(size) + " bytes";
    return false;
  }
  uint64_t hlen = 0;
  for (size_t i = 0; i < lenBytes; ++i)
    hlen |= uint64_t(bytes[8 + i]) << (8 * i);
  uint64_t headerEnd = 8 + lenBytes + hlen;
  if (headerEnd > size) {
    err = "truncated header: header length " + std::to_string(hlen) +
          " exceeds the " + std::to_string(size - 8 - lenBytes) +
          " bytes left in the file";
    return false;
  }
  const char *text = reinterpret_cast<const char *>(bytes + 8 + lenBytes);
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> dims;
  HeaderParser parser(text, size_t(hlen));
  if (!parser.parse(descr, fortran, dims, err))
    return false;
  ElemType t;
  if (!parseDescr(descr, t, err))
    return false;
  if (fortran) {
    err = "fortran_order=True is not supported: C order required";
    return false;
  }
  uint64_t count = 1;
  bool zero = false, overflow = false;
  for (int64_t d : dims) {
    if (d == 0)
      zero = true;
    else if (!overflow && __builtin_mul_overflow(count, uint64_t(d), &count))
      overflow = true;
  }
  uint64_t expected = 0;
  // As numpy: the sizes other than 0 must have a representable product even
  // when a 0 makes the array empty.
  if (overflow || count > uint64_t(std::numeric_limits<int64_t>::max()) ||
      __builtin_mul_overflow(count, uint64_t(elemSize(t)), &expected) ||
      expected > uint64_t(std::numeric_limits<int64_t>::max())) {
    err = "shape " + shapeTuple(dims) + " is too large: element count "
          "overflows";
    return false;
  }
  if (zero)
    expected = 0;
  if (expected > kMaxPayloadBytes) {
    err = "shape " + shapeTuple(dims) + " is too large: " +
          std::to_string(expected) + " bytes exceeds the limit of " +
          std::to_string(kMaxPayloadBytes) + " bytes";
    return false;
  }
  uint64_t actual = size - headerEnd;
  if (actual < expected) {
    err = "truncated data: expected " + std::to_string(expected) +
          " bytes, found " + std::to_string(actual);
    return false;
  }
  if (actual > expected) {
    err = "trailing data: expected " + std::to_string(expected) +
          " bytes, found " + std::to_string(actual);
    return false;
  }
  type = t;
  shape = std::move(dims);
  dataOffset = size_t(headerEnd);
  return true;
}

void normalizeBools(NDArray &a) {
  if (a.type != ElemType::I1)
    return;
  for (uint8_t &b : a.data)
    b = b != 0 ? 1 : 0;
}

bool writeAll(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    size_t chunk = n > (size_t(1) << 30) ? (size_t(1) << 30) : n;
    ssize_t w = ::write(fd, p, chunk);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    if (w == 0) {
      errno = EIO;
      return false;
    }
    p += w;
    n -= size_t(w);
  }
  return true;
}

} // namespace

bool parseNpy(const uint8_t *bytes, size_t size, NDArray &out,
              std::string &err) {
  ElemType t;
  std::vector<int64_t> shape;
  size_t off = 0;
  if (!parseHeader(bytes, size, t, shape, off, err))
    return false;
  NDArray a;
  if (!a.allocate(t, shape, err))
    return false;
  if (!a.data.empty())
    std::memcpy(a.data.data(), bytes + off, a.data.size());
  normalizeBools(a);
  out = std::move(a);
  return true;
}

bool readNpy(const std::string &path, NDArray &out, std::string &err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    err = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    err = "cannot read " + path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    err = "cannot read " + path + ": " + std::strerror(EISDIR);
    ::close(fd);
    return false;
  }
  // Header + payload; anything larger is rejected by the header check anyway.
  const uint64_t maxFile = kMaxPayloadBytes + (uint64_t(1) << 20);
  ByteBuffer buf;
  bool ok = true;
  std::string ioErr;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
#endif
    if (S_ISREG(st.st_mode) && st.st_size > 0 &&
        uint64_t(st.st_size) <= maxFile)
      buf.reserve(size_t(st.st_size));
    uint8_t chunk[1 << 16];
    while (true) {
      ssize_t r = ::read(fd, chunk, sizeof chunk);
      if (r < 0) {
        if (errno == EINTR)
          continue;
        ok = false;
        ioErr = "cannot read " + path + ": " + std::strerror(errno);
        break;
      }
      if (r == 0)
        break;
      if (buf.size() + size_t(r) > maxFile) {
        ok = false;
        ioErr = path + ": file too large (more than " +
                std::to_string(maxFile) + " bytes)";
        break;
      }
      buf.insert(buf.end(), chunk, chunk + r);
    }
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  } catch (const std::bad_alloc &) {
    ok = false;
    ioErr = path + ": out of memory reading the file";
  }
#endif
  ::close(fd);
  if (!ok) {
    err = ioErr;
    return false;
  }
  ElemType t;
  std::vector<int64_t> shape;
  size_t off = 0;
  if (!parseHeader(buf.data(), buf.size(), t, shape, off, err)) {
    err = path + ": " + err;
    return false;
  }
  // Reuse the buffer for the payload instead of copying it.
  buf.erase(buf.begin(), buf.begin() + std::ptrdiff_t(off));
  buf.shrink_to_fit();
  NDArray a;
  a.type = t;
  a.shape = std::move(shape);
  a.data = std::move(buf);
  normalizeBools(a);
  out = std::move(a);
  return true;
}

std::vector<uint8_t> serializeNpy(const NDArray &a) {
  const char *descr = "<f4";
  switch (a.type) {
  case ElemType::F32:
    descr = "<f4";
    break;
  case ElemType::F16:
    descr = "<f2";
    break;
  case ElemType::BF16:
    descr = "<u2";
    break;
  case ElemType::I1:
    descr = "|b1";
    break;
  }
  std::string dict = std::string("{'descr': '") + descr +
                     "', 'fortran_order': False, 'shape': " +
                     shapeTuple(a.shape) + ", }";
  // Version 1.0 unless the header does not fit a 16-bit length.
  unsigned major = 1;
  size_t pre = 10;
  size_t total = pre + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  if (padded - pre > 0xffff) {
    major = 2;
    pre = 12;
    total = pre + dict.size() + 1;
    padded = (total + 63) / 64 * 64;
  }
  dict.append(padded - total, ' ');
  dict += '\n';
  size_t hlen = dict.size();

  size_t payload = a.data.size();
  std::vector<uint8_t> out;
  out.reserve(pre + hlen + payload);
  out.insert(out.end(), kMagic, kMagic + kMagicLen);
  out.push_back(uint8_t(major));
  out.push_back(0);
  for (size_t i = 0; i < pre - 8; ++i)
    out.push_back(uint8_t((hlen >> (8 * i)) & 0xff));
  out.insert(out.end(), dict.begin(), dict.end());
  if (a.type == ElemType::I1) {
    for (uint8_t b : a.data)
      out.push_back(b != 0 ? 1 : 0);
  } else {
    out.insert(out.end(), a.data.begin(), a.data.end());
  }
  return out;
}

bool stageNpy(const std::string &path, const NDArray &a, std::string &tmp,
              std::string &err) {
  size_t expected = size_t(a.numElements()) * elemSize(a.type);
  if (a.data.size() != expected) {
    err = "cannot write " + path + ": tensor " + a.typeString() + " has " +
          std::to_string(a.data.size()) + " bytes of data, expected " +
          std::to_string(expected);
    return false;
  }
  std::vector<uint8_t> bytes;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
    bytes = serializeNpy(a);
  } catch (const std::bad_alloc &) {
    err = "cannot write " + path + ": out of memory";
    return false;
  }
#else
  bytes = serializeNpy(a);
#endif
  tmp = path + ".tmp." + std::to_string(long(::getpid()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    err = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  if (!writeAll(fd, bytes.data(), bytes.size())) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    err = "cannot write " + path + ": " + std::strerror(e);
    return false;
  }
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    err = "cannot write " + path + ": " + std::strerror(e);
    return false;
  }
  return true;
}

bool commitNpy(const std::string &tmp, const std::string &path,
               std::string &err) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    err = "cannot write " + path + ": " + std::strerror(e);
    return false;
  }
  return true;
}

bool writeNpy(const std::string &path, const NDArray &a, std::string &err) {
  std::string tmp;
  return stageNpy(path, a, tmp, err) && commitNpy(tmp, path, err);
}

} // namespace attn
