// The arena contract on the real networks: Net::arena_bytes (a compile-time constant) is exactly the
// memory int8 inference writes — a fill pattern shows the last byte written, guard bytes after the arena
// stay untouched — and a one-byte-smaller arena is refused.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <random>
#include <vector>

#include <facenn/models/blazeface128.hpp>
#include <facenn/models/facemesh468.hpp>

using namespace facenn;

template <class Net>
void check_arena_contract(const char* name) {
  constexpr std::size_t guard = 4096;
  std::vector<std::byte> storage(Net::arena_bytes + guard + 64);
  auto* base = reinterpret_cast<std::byte*>((reinterpret_cast<std::uintptr_t>(storage.data()) + 63) / 64 * 64);
  static TensorBuffer<typename Net::input_spec> input;
  std::mt19937 rng(3);
  for (auto& v : input.data) v = static_cast<typename Net::input_spec::value_type>(std::uniform_int_distribution<int>(-128, 127)(rng));
  static OutputBuffers<Net> outputs;
  std::size_t touched = 0;
  for (const std::byte pattern : {std::byte{0xA5}, std::byte{0x5A}}) {
    std::memset(base, static_cast<int>(pattern), Net::arena_bytes + guard);
    REQUIRE(Net{}.infer(input.view(), outputs.views(), std::span<std::byte>(base, Net::arena_bytes)) == Status::Ok);
    for (std::size_t i = 0; i < Net::arena_bytes + guard; ++i) {
      if (base[i] != pattern) touched = std::max(touched, i + 1);
    }
  }
  MESSAGE(std::string(name), ": arena_bytes = ", Net::arena_bytes, ", bytes written = ", touched);
  CHECK(touched == Net::arena_bytes);
  CHECK(Net{}.infer(input.view(), outputs.views(), std::span<std::byte>(base, Net::arena_bytes - 1)) ==
        Status::ArenaTooSmall);
}

TEST_CASE("FaceMesh-468 int8: arena_bytes equals the memory inference writes") {
  check_arena_contract<models::FaceMesh468Net<Int8>>("facemesh468");
}

TEST_CASE("BlazeFace-128 int8: arena_bytes equals the memory inference writes") {
  check_arena_contract<models::BlazeFace128Net<Int8>>("blazeface128");
}
