// Built with -fno-exceptions -fno-rtti: the core (tensors, layers, kernels, networks, Result) must
// compile and run in that configuration, as it does on a microcontroller.
#include <cstdio>

#include <facenn/core.hpp>

#include "support/test_network.hpp"

#if defined(__cpp_exceptions) || defined(__cpp_rtti) || defined(__GXX_RTTI)
#error "this test must be compiled with -fno-exceptions -fno-rtti"
#endif

int main() {
  using namespace facenn;
  using N8 = test::tiny::Net<Int8>;
  static TensorBuffer<N8::input_spec> in;
  static OutputBuffers<N8> out;
  static N8::Arena arena;
  for (std::size_t i = 0; i < in.data.size(); ++i) in.data[i] = static_cast<std::int8_t>(static_cast<int>(i % 200) - 100);
  const Status s = N8{}.infer(in.view(), out.views(), arena);
  Result<int> r = Error{Status::NoFace, "no face"};
  Result<int> v = 3;
  const bool ok = s == Status::Ok && !r && r.status() == Status::NoFace && v && *v == 3;
  std::printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
  return ok ? 0 : 1;
}
