// Must not link: calls malloc. tests/constrained expects "undefined reference to `__wrap_malloc'".
#include <cstdlib>

int main() {
  void* volatile p = std::malloc(64);
  return p != nullptr ? 0 : 1;
}
