// Must not link: std::array::at() is fine under -fno-exceptions at compile time, but its out-of-range path
// calls libstdc++'s std::__throw_out_of_range_fmt, built with exceptions, which throws. tests/constrained
// expects "undefined reference to `__wrap___cxa_throw'" (or __cxa_allocate_exception).
#include <array>

int main() {
  std::array<int, 4> a{1, 2, 3, 4};
  volatile std::size_t i = 7;
  return a.at(i);
}
