//===- NpyTest.cpp - Tests for attn/Support/Npy.h -------------------------===//

#include "attn/Support/Npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace attn;

namespace {

/// Builds a .npy image from a header dict and a payload.
std::vector<uint8_t> makeNpy(const std::string &dict,
                             const std::vector<uint8_t> &payload,
                             unsigned major = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  std::string h = dict + "\n";
  size_t n = h.size();
  out.push_back(uint8_t(n & 0xff));
  out.push_back(uint8_t((n >> 8) & 0xff));
  if (major >= 2) {
    out.push_back(uint8_t((n >> 16) & 0xff));
    out.push_back(uint8_t((n >> 24) & 0xff));
  }
  out.insert(out.end(), h.begin(), h.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::string dictFor(const char *descr, const char *shape,
                    const char *fortran = "False") {
  return std::string("{'descr': '") + descr + "', 'fortran_order': " + fortran +
         ", 'shape': " + shape + ", }";
}

std::string parseErr(const std::vector<uint8_t> &bytes) {
  NDArray a;
  std::string err;
  if (parseNpy(bytes.data(), bytes.size(), a, err))
    return "<accepted>";
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  EXPECT_FALSE(err.empty());
  return err;
}

#define EXPECT_REJECTED(bytes, part)                                           \
  do {                                                                         \
    std::string e_ = parseErr(bytes);                                          \
    EXPECT_NE(e_.find(part), std::string::npos)                                \
        << "expected '" << (part) << "' in: " << e_;                           \
  } while (0)

NDArray randomArray(ElemType t, std::vector<int64_t> shape, uint64_t seed) {
  NDArray a;
  std::string err;
  EXPECT_TRUE(a.allocate(t, shape, err)) << err;
  fillRandom(a, seed);
  return a;
}

class TempDir {
public:
  TempDir() {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") +
                       "/attn-npy-test-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()))
      path = buf.data();
  }
  ~TempDir() {
    if (path.empty())
      return;
    for (const std::string &e : entries())
      removeTree(path + "/" + e);
    ::rmdir(path.c_str());
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> r;
    if (DIR *d = ::opendir(path.c_str())) {
      while (dirent *e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..")
          r.push_back(n);
      }
      ::closedir(d);
    }
    return r;
  }
  std::string path;

private:
  static void removeTree(const std::string &p) {
    struct stat st;
    if (::lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      if (DIR *d = ::opendir(p.c_str())) {
        while (dirent *e = ::readdir(d)) {
          std::string n = e->d_name;
          if (n != "." && n != "..")
            removeTree(p + "/" + n);
        }
        ::closedir(d);
      }
      ::rmdir(p.c_str());
    } else {
      ::unlink(p.c_str());
    }
  }
};

std::vector<uint8_t> readFile(const std::string &p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

void writeFile(const std::string &p, const std::vector<uint8_t> &b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char *>(b.data()), std::streamsize(b.size()));
}

// Written by numpy 1.24: np.save of
// np.array([[1.5, -2.0, 0.25], [3.0, 0.0, -0.125]], dtype='<f4').
const unsigned char kNumpyF32[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27,
    0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x66, 0x34,
    0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f,
    0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20,
    0x28, 0x32, 0x2c, 0x20, 0x33, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x00, 0x00, 0xc0, 0x3f,
    0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x80, 0x3e, 0x00, 0x00, 0x40, 0x40,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xbe,
};

// np.lib.format.write_array(f, np.array([1.0, -0.5, 65504.0], '<f2'),
//                           version=(2, 0))
const unsigned char kNumpyF16V2[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x02, 0x00, 0x74, 0x00, 0x00, 0x00,
    0x7b, 0x27, 0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c,
    0x66, 0x32, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61,
    0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61,
    0x6c, 0x73, 0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27,
    0x3a, 0x20, 0x28, 0x33, 0x2c, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x00, 0x3c, 0x00, 0xb8,
    0xff, 0x7b,
};

// np.lib.format.write_array(f, np.array([[True, False], [False, True]]),
//                           version=(3, 0))
const unsigned char kNumpyBoolV3[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x03, 0x00, 0x74, 0x00, 0x00, 0x00,
    0x7b, 0x27, 0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x7c,
    0x62, 0x31, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61,
    0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61,
    0x6c, 0x73, 0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27,
    0x3a, 0x20, 0x28, 0x32, 0x2c, 0x20, 0x32, 0x29, 0x2c, 0x20, 0x7d, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x01, 0x00, 0x00, 0x01,
};

// np.save of np.array(0x3f80, dtype='<u2') (a rank-0 array).
const unsigned char kNumpyU2Scalar[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27,
    0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x75, 0x32,
    0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f,
    0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20,
    0x28, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x80, 0x3f,
};

} // namespace

//===----------------------------------------------------------------------===//
// Files written by numpy
//===----------------------------------------------------------------------===//

TEST(Npy, ReadsNumpyF32) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(parseNpy(kNumpyF32, sizeof kNumpyF32, a, err)) << err;
  EXPECT_EQ(a.type, ElemType::F32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  const double want[] = {1.5, -2.0, 0.25, 3.0, 0.0, -0.125};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(a.get(i), want[i]);
}

TEST(Npy, ReadsNumpyF16Version2) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(parseNpy(kNumpyF16V2, sizeof kNumpyF16V2, a, err)) << err;
  EXPECT_EQ(a.type, ElemType::F16);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(a.get(0), 1.0);
  EXPECT_EQ(a.get(1), -0.5);
  EXPECT_EQ(a.get(2), 65504.0);
}

TEST(Npy, ReadsNumpyBoolVersion3) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(parseNpy(kNumpyBoolV3, sizeof kNumpyBoolV3, a, err)) << err;
  EXPECT_EQ(a.type, ElemType::I1);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(a.data, (ByteBuffer{1, 0, 0, 1}));
}

TEST(Npy, ReadsNumpyU2ScalarAsBf16) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(parseNpy(kNumpyU2Scalar, sizeof kNumpyU2Scalar, a, err)) << err;
  EXPECT_EQ(a.type, ElemType::BF16);
  EXPECT_TRUE(a.shape.empty());
  EXPECT_EQ(a.numElements(), 1);
  EXPECT_EQ(a.get(0), 1.0);
}

//===----------------------------------------------------------------------===//
// Writer format and round trips
//===----------------------------------------------------------------------===//

TEST(Npy, SerializedHeaderLayout) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(a.allocate(ElemType::F32, {2, 3}, err));
  std::vector<uint8_t> b = serializeNpy(a);
  ASSERT_GE(b.size(), 10u);
  EXPECT_EQ(std::memcmp(b.data(), "\x93NUMPY\x01\x00", 8), 0);
  size_t hlen = b[8] | (b[9] << 8);
  EXPECT_EQ((10 + hlen) % 64, 0u);
  ASSERT_EQ(b.size(), 10 + hlen + 24);
  std::string h(b.begin() + 10, b.begin() + 10 + std::ptrdiff_t(hlen));
  const std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(h.substr(0, dict.size()), dict);
  EXPECT_EQ(h.back(), '\n');
  EXPECT_EQ(h.find_first_not_of(' ', dict.size()), hlen - 1);

  ASSERT_TRUE(a.allocate(ElemType::F16, {3}, err));
  b = serializeNpy(a);
  h.assign(b.begin() + 10, b.end() - 6);
  EXPECT_NE(h.find("'descr': '<f2'"), std::string::npos) << h;
  EXPECT_NE(h.find("'shape': (3,)"), std::string::npos) << h;

  ASSERT_TRUE(a.allocate(ElemType::BF16, {}, err));
  b = serializeNpy(a);
  h.assign(b.begin() + 10, b.end() - 2);
  EXPECT_NE(h.find("'descr': '<u2'"), std::string::npos) << h;
  EXPECT_NE(h.find("'shape': ()"), std::string::npos) << h;

  ASSERT_TRUE(a.allocate(ElemType::I1, {1, 2, 3, 4}, err));
  b = serializeNpy(a);
  EXPECT_EQ(b.size() % 64, 24u);
  h.assign(b.begin() + 10, b.end() - 24);
  EXPECT_NE(h.find("'descr': '|b1'"), std::string::npos) << h;
  EXPECT_NE(h.find("'shape': (1, 2, 3, 4)"), std::string::npos) << h;
}

TEST(Npy, SerializeMatchesNumpyPayload) {
  // Our header differs in padding from numpy's, the payload must not.
  NDArray a;
  std::string err;
  ASSERT_TRUE(parseNpy(kNumpyF32, sizeof kNumpyF32, a, err)) << err;
  std::vector<uint8_t> b = serializeNpy(a);
  ASSERT_GE(b.size(), 24u);
  EXPECT_TRUE(std::equal(b.end() - 24, b.end(), std::end(kNumpyF32) - 24));
}

TEST(Npy, RoundTripAllTypesAndRanks) {
  const ElemType types[] = {ElemType::F32, ElemType::F16, ElemType::BF16,
                            ElemType::I1};
  const std::vector<std::vector<int64_t>> shapes = {
      {7}, {3, 5}, {2, 3, 4}, {1, 2, 3, 5}, {}, {0}, {2, 0, 3}, {1, 1, 1, 1}};
  uint64_t seed = 1;
  for (ElemType t : types)
    for (const auto &shape : shapes) {
      NDArray a = randomArray(t, shape, seed++);
      std::vector<uint8_t> bytes = serializeNpy(a);
      NDArray b;
      std::string err;
      ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), b, err))
          << a.typeString() << ": " << err;
      EXPECT_EQ(b.type, t);
      EXPECT_EQ(b.shape, shape);
      EXPECT_EQ(b.data, a.data) << a.typeString();
    }
}

TEST(Npy, FileRoundTrip) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const ElemType types[] = {ElemType::F32, ElemType::F16, ElemType::BF16,
                            ElemType::I1};
  int n = 0;
  for (ElemType t : types)
    for (int rank = 1; rank <= 4; ++rank) {
      std::vector<int64_t> shape;
      for (int r = 0; r < rank; ++r)
        shape.push_back(r + 2);
      NDArray a = randomArray(t, shape, uint64_t(100 + n));
      std::string path = dir.path + "/a" + std::to_string(n++) + ".npy";
      std::string err;
      ASSERT_TRUE(writeNpy(path, a, err)) << err;
      NDArray b;
      ASSERT_TRUE(readNpy(path, b, err)) << err;
      EXPECT_EQ(b.type, t);
      EXPECT_EQ(b.shape, shape);
      EXPECT_EQ(b.data, a.data);
      EXPECT_EQ(readFile(path), serializeNpy(a));
    }
  // No temporaries left behind.
  EXPECT_EQ(dir.entries().size(), size_t(n));
}

TEST(Npy, BoolsAreNormalized) {
  NDArray a;
  std::string err;
  ASSERT_TRUE(a.allocate(ElemType::I1, {3}, err));
  a.data = {0, 2, 255};
  std::vector<uint8_t> bytes = serializeNpy(a);
  EXPECT_EQ(std::vector<uint8_t>(bytes.end() - 3, bytes.end()),
            (std::vector<uint8_t>{0, 1, 1}));
  bytes = makeNpy(dictFor("|b1", "(3,)"), {0, 7, 1});
  NDArray b;
  ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), b, err)) << err;
  EXPECT_EQ(b.data, (ByteBuffer{0, 1, 1}));
}

//===----------------------------------------------------------------------===//
// Header syntax
//===----------------------------------------------------------------------===//

TEST(Npy, HeaderSyntaxVariantsAccepted) {
  const std::vector<uint8_t> payload(24, 0);
  const char *dicts[] = {
      "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,3)}",
      "{'descr':'<f4','fortran_order':False,'shape':(2,3,),}",
      "  { 'fortran_order' : False , 'descr' : '<f4' , 'shape' : ( 2 , 3 ) }  ",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
  };
  for (const char *d : dicts)
    for (unsigned major : {1u, 2u, 3u}) {
      std::vector<uint8_t> bytes = makeNpy(d, payload, major);
      NDArray a;
      std::string err;
      EXPECT_TRUE(parseNpy(bytes.data(), bytes.size(), a, err))
          << d << " v" << major << ": " << err;
      EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3})) << d;
      EXPECT_EQ(a.type, ElemType::F32);
    }
}

TEST(Npy, ScalarAndEmptyShapes) {
  std::vector<uint8_t> bytes = makeNpy(dictFor("<f4", "()"), {0, 0, 0x80, 0x3f});
  NDArray a;
  std::string err;
  ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), a, err)) << err;
  EXPECT_TRUE(a.shape.empty());
  EXPECT_EQ(a.get(0), 1.0);

  bytes = makeNpy(dictFor("<f2", "(0, 5)"), {});
  ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), a, err)) << err;
  EXPECT_EQ(a.shape, (std::vector<int64_t>{0, 5}));
  EXPECT_TRUE(a.data.empty());
}

//===----------------------------------------------------------------------===//
// Corrupt and unsupported files
//===----------------------------------------------------------------------===//

TEST(NpyErrors, BadMagicAndVersion) {
  EXPECT_REJECTED(std::vector<uint8_t>{}, "bad magic");
  EXPECT_REJECTED(std::vector<uint8_t>({0x93, 'N', 'U'}), "bad magic");
  std::vector<uint8_t> b(std::begin(kNumpyF32), std::end(kNumpyF32));
  b[1] = 'n';
  EXPECT_REJECTED(b, "bad magic");
  b.assign(std::begin(kNumpyF32), std::end(kNumpyF32));
  b[6] = 4;
  EXPECT_REJECTED(b, "unsupported .npy version 4.0");
  b[6] = 1;
  b[7] = 1;
  EXPECT_REJECTED(b, "unsupported .npy version 1.1");
  b[6] = 0;
  b[7] = 0;
  EXPECT_REJECTED(b, "unsupported .npy version 0.0");
}

TEST(NpyErrors, TruncatedHeader) {
  const std::vector<uint8_t> full(std::begin(kNumpyF32), std::end(kNumpyF32));
  for (size_t n : {6u, 7u, 8u, 9u})
    EXPECT_REJECTED(std::vector<uint8_t>(full.begin(), full.begin() + n),
                    "truncated header");
  // Header length says 118, fewer bytes follow.
  for (size_t n : {10u, 50u, 127u})
    EXPECT_REJECTED(std::vector<uint8_t>(full.begin(), full.begin() + n),
                    "header length 118 exceeds");
  // Version 2 needs 4 length bytes.
  std::vector<uint8_t> v2(std::begin(kNumpyF16V2), std::end(kNumpyF16V2));
  EXPECT_REJECTED(std::vector<uint8_t>(v2.begin(), v2.begin() + 11),
                  "truncated header");
  // A huge length field.
  v2[8] = v2[9] = v2[10] = v2[11] = 0xff;
  EXPECT_REJECTED(v2, "header length 4294967295 exceeds");
}

TEST(NpyErrors, MissingKeys) {
  const std::vector<uint8_t> p(24, 0);
  EXPECT_REJECTED(makeNpy("{'fortran_order': False, 'shape': (2, 3), }", p),
                  "missing key 'descr'");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4', 'shape': (2, 3), }", p),
                  "missing key 'fortran_order'");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4', 'fortran_order': False}", p),
                  "missing key 'shape'");
  EXPECT_REJECTED(makeNpy("{}", p), "missing key");
}

TEST(NpyErrors, MalformedDict) {
  const std::vector<uint8_t> p(24, 0);
  EXPECT_REJECTED(makeNpy("", p), "expected '{'");
  EXPECT_REJECTED(makeNpy("garbage", p), "expected '{'");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                          "'shape': (2, 3)",
                          p),
                  "malformed header");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(2, 3)") + " x", p),
                  "unexpected text after '}'");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4, 'fortran_order': False}", p),
                  "malformed header");
  EXPECT_REJECTED(makeNpy("{'descr' '<f4'}", p), "expected ':'");
  EXPECT_REJECTED(makeNpy("{descr: '<f4'}", p), "expected a quoted key");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                          "'shape': (2, 3), 'extra': 1}",
                          p),
                  "unexpected key 'extra'");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4', 'descr': '<f4', "
                          "'fortran_order': False, 'shape': (2, 3)}",
                          p),
                  "duplicate key 'descr'");
  EXPECT_REJECTED(makeNpy("{'descr': [('a', '<f4')], 'fortran_order': False, "
                          "'shape': (2, 3)}",
                          p),
                  "nested containers");
  EXPECT_REJECTED(makeNpy("{'descr': 4, 'fortran_order': False, "
                          "'shape': (2, 3)}",
                          p),
                  "malformed header");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4', 'fortran_order': 0, "
                          "'shape': (2, 3)}",
                          p),
                  "malformed header");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4', 'fortran_order': Falsey, "
                          "'shape': (2, 3)}",
                          p),
                  "malformed header");
  EXPECT_REJECTED(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                          "'shape': '2, 3'}",
                          p),
                  "'shape' must be a tuple");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(24)"), p), "trailing comma");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(2, 3"), p), "malformed header");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(2, x)"), p), "expected an integer");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(2, 3.0)"), p), "malformed header");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(-2, -3)"), p), "negative");
}

TEST(NpyErrors, FortranOrder) {
  std::vector<uint8_t> b = makeNpy(dictFor("<f4", "(2, 3)", "True"),
                                   std::vector<uint8_t>(24, 0));
  EXPECT_REJECTED(b, "C order required");
}

TEST(NpyErrors, UnsupportedDtypes) {
  const std::vector<uint8_t> p(24, 0);
  EXPECT_REJECTED(makeNpy(dictFor(">f4", "(2, 3)"), p), "'>f4'");
  EXPECT_REJECTED(makeNpy(dictFor(">f4", "(2, 3)"), p), "big-endian");
  EXPECT_REJECTED(makeNpy(dictFor(">f2", "(2, 6)"), p), "big-endian");
  EXPECT_REJECTED(makeNpy(dictFor("<f8", "(3,)"), p), "unsupported dtype '<f8'");
  EXPECT_REJECTED(makeNpy(dictFor("|u1", "(24,)"), p),
                  "unsupported dtype '|u1'");
  EXPECT_REJECTED(makeNpy(dictFor("<i4", "(2, 3)"), p),
                  "unsupported dtype '<i4'");
  EXPECT_REJECTED(makeNpy(dictFor("f4", "(2, 3)"), p), "unsupported dtype 'f4'");
  EXPECT_REJECTED(makeNpy(dictFor("", "(2, 3)"), p), "unsupported dtype ''");
}

TEST(NpyErrors, PayloadSize) {
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(2, 3)"), std::vector<uint8_t>(20)),
                  "truncated data: expected 24 bytes, found 20");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(2, 3)"), std::vector<uint8_t>(25)),
                  "trailing data: expected 24 bytes, found 25");
  EXPECT_REJECTED(makeNpy(dictFor("<f2", "(8, 8, 32)"), std::vector<uint8_t>(100)),
                  "truncated data: expected 4096 bytes, found 100");
  EXPECT_REJECTED(makeNpy(dictFor("|b1", "()"), {}),
                  "truncated data: expected 1 bytes, found 0");
  EXPECT_REJECTED(makeNpy(dictFor("<u2", "(0,)"), {1}),
                  "trailing data: expected 0 bytes, found 1");
  // The whole numpy file minus its last byte.
  EXPECT_REJECTED(std::vector<uint8_t>(std::begin(kNumpyF32),
                                       std::end(kNumpyF32) - 1),
                  "truncated data: expected 24 bytes, found 23");
}

TEST(NpyErrors, OverflowingShapes) {
  const std::vector<uint8_t> p(16, 0);
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(1099511627776, 1099511627776, "
                                         "1099511627776)"),
                          p),
                  "too large");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(4611686018427387904,)"), p),
                  "too large");
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(99999999999999999999,)"), p),
                  "overflows");
  // Representable, but over the 64 GiB limit: rejected before any allocation.
  EXPECT_REJECTED(makeNpy(dictFor("<f4", "(65536, 65536, 65536)"), p),
                  "exceeds the limit");
}

TEST(NpyErrors, FuzzishTruncationsNeverCrash) {
  NDArray a = randomArray(ElemType::F16, {3, 4}, 9);
  std::vector<uint8_t> full = serializeNpy(a);
  for (size_t n = 0; n < full.size(); ++n) {
    NDArray b;
    std::string err;
    EXPECT_FALSE(parseNpy(full.data(), n, b, err)) << n;
    EXPECT_FALSE(err.empty());
  }
  // Every single-byte corruption of the header is either rejected or parsed
  // into something consistent.
  for (size_t i = 0; i + 24 < full.size(); ++i)
    for (uint8_t v : {uint8_t(0), uint8_t(0xff), uint8_t('('), uint8_t('9')}) {
      std::vector<uint8_t> c = full;
      c[i] = v;
      NDArray b;
      std::string err;
      if (parseNpy(c.data(), c.size(), b, err))
        EXPECT_EQ(b.data.size(), size_t(b.numElements()) * elemSize(b.type));
      else
        EXPECT_FALSE(err.empty());
    }
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

TEST(NpyFiles, ReadErrorsNameTheFile) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  NDArray a;
  std::string err;
  std::string missing = dir.path + "/missing.npy";
  EXPECT_FALSE(readNpy(missing, a, err));
  EXPECT_EQ(err, "cannot open " + missing + ": " + std::strerror(ENOENT));

  EXPECT_FALSE(readNpy(dir.path, a, err));
  EXPECT_NE(err.find(dir.path), std::string::npos) << err;
  EXPECT_NE(err.find(std::strerror(EISDIR)), std::string::npos) << err;

  std::string bad = dir.path + "/x.npy";
  writeFile(bad, makeNpy(dictFor("<f2", "(8, 8, 32)"), std::vector<uint8_t>(100)));
  EXPECT_FALSE(readNpy(bad, a, err));
  EXPECT_EQ(err, bad + ": truncated data: expected 4096 bytes, found 100");

  writeFile(bad, {});
  EXPECT_FALSE(readNpy(bad, a, err));
  EXPECT_EQ(err, bad + ": not a .npy file (bad magic)");
}

TEST(NpyFiles, WriteOverwritesAndLeavesNoTemporary) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  std::string path = dir.path + "/out.npy";
  std::string err;
  ASSERT_TRUE(writeNpy(path, randomArray(ElemType::F32, {4, 4}, 1), err)) << err;
  NDArray b = randomArray(ElemType::BF16, {3}, 2);
  ASSERT_TRUE(writeNpy(path, b, err)) << err;
  EXPECT_EQ(readFile(path), serializeNpy(b));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.npy"});
}

TEST(NpyFiles, WriteIntoMissingDirectoryCreatesNothing) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  std::string path = dir.path + "/no/such/dir/out.npy";
  std::string err;
  EXPECT_FALSE(writeNpy(path, randomArray(ElemType::F32, {2}, 1), err));
  EXPECT_NE(err.find(std::strerror(ENOENT)), std::string::npos) << err;
  EXPECT_NE(err.find(dir.path + "/no/such/dir/"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(NpyFiles, FailedRenameRemovesTemporary) {
  // The target is a non-empty directory: the temporary is written, the
  // rename fails, and the temporary must be cleaned up.
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  std::string target = dir.path + "/out.npy";
  ASSERT_EQ(::mkdir(target.c_str(), 0755), 0);
  writeFile(target + "/keep", {1, 2, 3});
  std::string err;
  EXPECT_FALSE(writeNpy(target, randomArray(ElemType::F32, {2}, 1), err));
  EXPECT_NE(err.find("cannot write " + target), std::string::npos) << err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.npy"});
  EXPECT_EQ(readFile(target + "/keep"), (std::vector<uint8_t>{1, 2, 3}));
}

TEST(NpyFiles, InconsistentArrayLeavesExistingFileUntouched) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  std::string path = dir.path + "/out.npy";
  std::string err;
  NDArray good = randomArray(ElemType::F16, {5}, 4);
  ASSERT_TRUE(writeNpy(path, good, err)) << err;
  NDArray bad = good;
  bad.data.resize(3);
  EXPECT_FALSE(writeNpy(path, bad, err));
  EXPECT_NE(err.find("cannot write " + path), std::string::npos) << err;
  EXPECT_EQ(readFile(path), serializeNpy(good));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.npy"});
}

TEST(NpyFiles, UnwritableDirectoryLeavesExistingFileUntouched) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "permissions are not enforced for root";
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  std::string path = dir.path + "/out.npy";
  std::string err;
  NDArray good = randomArray(ElemType::F32, {5}, 4);
  ASSERT_TRUE(writeNpy(path, good, err)) << err;
  ASSERT_EQ(::chmod(dir.path.c_str(), 0555), 0);
  EXPECT_FALSE(writeNpy(path, randomArray(ElemType::F32, {7}, 5), err));
  ::chmod(dir.path.c_str(), 0755);
  EXPECT_NE(err.find("cannot write " + path), std::string::npos) << err;
  EXPECT_EQ(readFile(path), serializeNpy(good));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.npy"});
}
