// The host twin of main.cpp: the same network, input and checksum (run.hpp) compiled for the build
// machine. tests/constrained compares its "checksum:" line with the Cortex-M55 image's under QEMU.
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
}  // namespace

int main() {
  std::printf("facenn mcu_bare host reference\n");
  const mcu::RunResult r = mcu::run(g_arena, g_outputs);
  mcu::print_result<Line>(r);
  return r.status == facenn::Status::Ok ? 0 : 1;
}
