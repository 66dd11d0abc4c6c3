//===- ReplayMain.cpp - Runs a fuzz target on saved inputs, no fuzzing ----===//
//
// Linked with a fuzz target's LLVMFuzzerTestOneInput instead of libFuzzer:
//   <target>-replay FILE_OR_DIR...
// runs the target once on every file (directories: every regular file in
// them, sorted, not recursive) and prints how many ran. A crash or a
// sanitizer report ends the process, which is what fails the CTest entry.
// Arguments starting with '-' (libFuzzer flags) are ignored.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc,
                                                          char ***argv);

static bool readFile(const std::string &path, std::vector<uint8_t> &out) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  out.clear();
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    out.insert(out.end(), buf, buf + n);
  bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!a.empty() && a[0] == '-')
      continue;
    struct stat st;
    if (stat(a.c_str(), &st) != 0) {
      std::fprintf(stderr, "replay: cannot open %s\n", a.c_str());
      return 2;
    }
    if (!S_ISDIR(st.st_mode)) {
      files.push_back(a);
      continue;
    }
    std::vector<std::string> inDir;
    if (DIR *d = opendir(a.c_str())) {
      while (dirent *e = readdir(d)) {
        std::string p = a + "/" + e->d_name;
        struct stat s;
        if (e->d_name[0] != '.' && stat(p.c_str(), &s) == 0 &&
            S_ISREG(s.st_mode))
          inDir.push_back(p);
      }
      closedir(d);
    }
    std::sort(inDir.begin(), inDir.end());
    files.insert(files.end(), inDir.begin(), inDir.end());
  }
  std::vector<uint8_t> bytes;
  for (const std::string &f : files) {
    if (!readFile(f, bytes)) {
      std::fprintf(stderr, "replay: cannot read %s\n", f.c_str());
      return 2;
    }
    // A copy of exactly `size` bytes, so that ASan sees reads past the end.
    std::vector<uint8_t> exact(bytes.begin(), bytes.end());
    std::fprintf(stderr, "replay: %s\n", f.c_str());
    LLVMFuzzerTestOneInput(exact.data(), exact.size());
  }
  std::printf("replay: %zu inputs ran without a finding\n", files.size());
  return 0;
}
