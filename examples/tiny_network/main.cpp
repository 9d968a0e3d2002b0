// A small static network end to end, with its memory contract made visible: Net::arena_bytes is a
// compile-time constant, and this program shows that inference touches exactly that much memory
// (a fill pattern inside the arena, guard bytes after it).
#include <cstdio>
#include <cstring>

#include "../../tests/core/support/test_network.hpp"

int main() {
  using namespace facenn;
  using Net = test::tiny::Net<Int8>;
  static_assert(Net::arena_bytes <= 4096, "the tiny network fits in 4 KiB of activations");

  constexpr std::size_t guard = 128;
  alignas(64) static std::byte memory[Net::arena_bytes + guard];
  std::memset(memory, 0xA5, sizeof memory);

  TensorBuffer<Net::input_spec> input;
  for (std::size_t i = 0; i < input.data.size(); ++i) input.data[i] = static_cast<std::int8_t>(i % 97 - 48);
  OutputBuffers<Net> outputs;
  const Status status = Net{}.infer(input.view(), outputs.views(), std::span<std::byte>(memory, Net::arena_bytes));

  std::size_t touched = 0;
  for (std::size_t i = 0; i < sizeof memory; ++i) {
    if (memory[i] != std::byte{0xA5}) touched = i + 1;
  }
  std::printf("status: %s\n", to_string(status));
  std::printf("arena_bytes (constexpr): %zu, bytes touched by inference: %zu (%s), guard intact: %s\n",
              Net::arena_bytes, touched, touched == Net::arena_bytes ? "equal" : "DIFFERENT",
              touched <= Net::arena_bytes ? "yes" : "NO");
  std::printf("head 0 (5 values):");
  for (auto v : outputs.get<0>().data) std::printf(" %d", v);
  std::printf("\nhead 1 (2 values):");
  for (auto v : outputs.get<1>().data) std::printf(" %d", v);
  std::printf("\n");
  return status == Status::Ok && touched == Net::arena_bytes ? 0 : 1;
}
