// Inference never allocates: global operator new/delete are replaced by counting versions and a
// network is run in both instantiations; the count must stay zero.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "support/test_network.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

// The replacements pair malloc with free by design; g++'s -Wmismatched-new-delete cannot see that
// both sides are replaced together.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  std::abort();
}
void* operator new[](std::size_t n) { return operator new(n); }
// noinline: once GCC inlines free() into main next to the probe's operator new, it reports a
// malloc/delete mismatch (-Wmismatched-new-delete; seen with aarch64-linux-gnu-g++ 12 at -O2).
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

int main() {
  using namespace facenn;
  using N8 = test::tiny::Net<Int8>;
  using NF = test::tiny::Net<Float>;
  static TensorBuffer<N8::input_spec> in;
  static TensorBuffer<NF::input_spec> fin;
  static OutputBuffers<N8> out;
  static OutputBuffers<NF> fout;
  static N8::Arena arena;
  static NF::Arena farena;
  for (std::size_t i = 0; i < in.data.size(); ++i) {
    in.data[i] = static_cast<std::int8_t>(static_cast<int>(i % 251) - 125);
    fin.data[i] = static_cast<float>(in.data[i]) * 0.02f;
  }
  operator delete(operator new(1));  // prove the counter works
  const long before = g_allocations.load();
  bool ok = N8{}.infer(in.view(), out.views(), arena) == Status::Ok;
  ok = ok && NF{}.infer(fin.view(), fout.views(), farena) == Status::Ok;
  const long during = g_allocations.load() - before;
  std::printf("allocations during inference: %ld (counter saw %ld before)\n", during, before);
  std::printf("%d passed, %d failed\n", ok && during == 0 && before >= 1 ? 1 : 0, ok && during == 0 && before >= 1 ? 0 : 1);
  return ok && during == 0 && before >= 1 ? 0 : 1;
}
