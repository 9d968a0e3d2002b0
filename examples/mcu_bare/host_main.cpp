// The host twin of main.cpp: the same network, input and checksum (run.hpp) compiled for the build
// machine. tests/constrained compares its "checksum:" line with the Cortex-M55 image's under QEMU.
//
//   host_reference                       print the report
//   host_reference out0.bin out1.bin ... also require output i to equal the raw int8 file i (the
//                                        converter's golden int8 outputs), byte for byte
#include <cinttypes>
#include <cstdio>

#include "run.hpp"

namespace {
class Line {
 public:
  Line& str(const char* s) { return put(s); }
  Line& dec(std::uint64_t v) { return fmt("%" PRIu64, v); }
  Line& sdec(std::int64_t v) { return fmt("%" PRId64, v); }
  Line& hex(std::uint32_t v) { return fmt("0x%08" PRIx32, v); }
  void end() { std::printf("%s\n", buf_); }

 private:
  Line& put(const char* s) {
    std::snprintf(buf_ + n_, sizeof buf_ - n_, "%s", s);
    while (n_ < sizeof buf_ - 1 && buf_[n_] != '\0') ++n_;
    return *this;
  }
  template <class T>
  Line& fmt(const char* f, T v) {
    char tmp[32];
    std::snprintf(tmp, sizeof tmp, f, v);
    return put(tmp);
  }
  char buf_[256] = {};
  std::size_t n_ = 0;
};

mcu::Net::Arena g_arena;
facenn::OutputBuffers<mcu::Net> g_outputs;

// 0 if the file holds exactly the output's bytes.
int compare_with_file(std::size_t index, const mcu::OutputInfo& o, const char* path) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    std::printf("golden %zu: cannot open %s\n", index, path);
    return 1;
  }
  std::size_t n = 0, differ = 0;
  int c;
  while ((c = std::fgetc(f)) != EOF) {
    if (n < o.size && static_cast<std::int8_t>(static_cast<unsigned char>(c)) != o.data[n]) ++differ;
    ++n;
  }
  std::fclose(f);
  std::printf("golden %zu: %s: %zu bytes (output %zu), %zu differ\n", index, path, n, o.size, differ);
  return n == o.size && differ == 0 ? 0 : 1;
}
}  // namespace

int main(int argc, char** argv) {
  std::printf("facenn mcu_bare host reference\n");
  const mcu::RunResult r = mcu::run(g_arena, g_outputs);
  mcu::print_result<Line>(r);
  if (r.status != facenn::Status::Ok) return 1;
  if (argc == 1) return 0;
  if (static_cast<std::size_t>(argc - 1) != r.outputs.size()) {
    std::printf("expected %zu golden files, got %d\n", r.outputs.size(), argc - 1);
    return 2;
  }
  int failures = 0;
  for (std::size_t i = 0; i < r.outputs.size(); ++i) failures += compare_with_file(i, r.outputs[i], argv[i + 1]);
  return failures == 0 ? 0 : 1;
}
