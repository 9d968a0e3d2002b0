// Static networks end to end: compile-time shapes and arena size, the arena contract (exact size,
// guard bytes untouched, error statuses), int8 vs float agreement, composites, thread safety.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <array>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "support/test_network.hpp"

using namespace facenn;
using namespace facenn::test;
using N8 = tiny::Net<Int8>;
using NF = tiny::Net<Float>;

// ---- compile-time facts ----------------------------------------------------------------------------
static_assert(N8::output_count == 2);
static_assert(std::is_same_v<output_spec_t<N8, 0>::shape, Shape<1, 1, 5>>);
static_assert(std::is_same_v<output_spec_t<N8, 1>::shape, Shape<1, 1, 2>>);
static_assert(std::is_same_v<output_spec_t<NF, 0>::element, Float>);
// Int8 and Float instantiations plan the same graph; float tensors are 4x larger.
static_assert(NF::arena_bytes > N8::arena_bytes);

namespace {

TensorBuffer<N8::input_spec> random_input(unsigned seed) {
  TensorBuffer<N8::input_spec> in;
  std::mt19937 rng(seed);
  for (auto& v : in.data) v = static_cast<std::int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
  return in;
}

TensorBuffer<NF::input_spec> dequantized(const TensorBuffer<N8::input_spec>& in) {
  TensorBuffer<NF::input_spec> f;
  for (std::size_t i = 0; i < in.data.size(); ++i) {
    f.data[i] = static_cast<float>(in.data[i] - tiny::q_in::zero_point) * tiny::q_in::scale;
  }
  return f;
}

}  // namespace

TEST_CASE("arena_bytes is exactly what inference touches: fill pattern inside, guard bytes past the end") {
  constexpr std::size_t guard = 256;
  alignas(64) static std::byte memory[N8::arena_bytes + guard];
  std::size_t touched_end = 0;
  for (const std::byte pattern : {std::byte{0xA5}, std::byte{0x5A}}) {
    std::memset(memory, static_cast<int>(pattern), sizeof memory);
    auto in = random_input(1);
    OutputBuffers<N8> out;
    REQUIRE(N8{}.infer(in.view(), out.views(), std::span<std::byte>(memory, N8::arena_bytes)) == Status::Ok);
    for (std::size_t i = 0; i < sizeof memory; ++i) {
      if (memory[i] != pattern) touched_end = std::max(touched_end, i + 1);
    }
    for (std::size_t i = N8::arena_bytes; i < sizeof memory; ++i) REQUIRE(memory[i] == pattern);
  }
  MESSAGE("arena_bytes = ", N8::arena_bytes, ", touched = ", touched_end);
  CHECK(touched_end == N8::arena_bytes);
}

TEST_CASE("infer reports a too-small, misaligned or null arena/input instead of touching memory") {
  auto in = random_input(2);
  OutputBuffers<N8> out;
  alignas(64) static std::byte memory[N8::arena_bytes + 64];
  CHECK(N8{}.infer(in.view(), out.views(), std::span<std::byte>(memory, N8::arena_bytes - 1)) ==
        Status::ArenaTooSmall);
  CHECK(N8{}.infer(in.view(), out.views(), std::span<std::byte>(memory + 1, N8::arena_bytes)) ==
        Status::ArenaMisaligned);
  CHECK(N8{}.infer(ConstTensorView<N8::input_spec>(nullptr), out.views(), std::span<std::byte>(memory, N8::arena_bytes)) ==
        Status::InvalidArgument);
  auto views = out.views();
  std::get<1>(views) = TensorView<output_spec_t<N8, 1>>(nullptr);
  CHECK(N8{}.infer(in.view(), views, std::span<std::byte>(memory, N8::arena_bytes)) == Status::InvalidArgument);
}

TEST_CASE("int8 network follows its float instantiation within a few output LSB") {
  int worst = 0;
  for (unsigned seed = 0; seed < 20; ++seed) {
    auto in = random_input(seed);
    auto fin = dequantized(in);
    OutputBuffers<N8> out;
    OutputBuffers<NF> fout;
    static N8::Arena arena;
    static NF::Arena farena;
    REQUIRE(N8{}.infer(in.view(), out.views(), arena) == Status::Ok);
    REQUIRE(NF{}.infer(fin.view(), fout.views(), farena) == Status::Ok);
    for (std::size_t i = 0; i < 5; ++i) {
      const double q = fout.get<0>().data[i] / tiny::q_f1::scale + tiny::q_f1::zero_point;
      worst = std::max(worst, static_cast<int>(std::lround(std::abs(out.get<0>().data[i] - q))));
    }
    for (std::size_t i = 0; i < 2; ++i) {
      const double q = fout.get<1>().data[i] / tiny::q_f2::scale + tiny::q_f2::zero_point;
      worst = std::max(worst, static_cast<int>(std::lround(std::abs(out.get<1>().data[i] - q))));
    }
  }
  MESSAGE("worst int8 vs float difference: ", worst, " LSB");
  CHECK(worst <= 3);
}

TEST_CASE("the network equals its layers run by hand (composition adds nothing)") {
  auto in = random_input(3);
  static N8::Arena arena;
  OutputBuffers<N8> out;
  REQUIRE(N8{}.infer(in.view(), out.views(), arena) == Status::Ok);

  using Spec0 = N8::input_spec;
  using C1 = Conv<Int8, tiny::w_conv1, Stride<2>, Padding::Same>;
  using S1 = C1::output_spec<Spec0>;
  static_assert(std::is_same_v<S1::shape, Shape<5, 6, 8>>);
  std::array<std::int8_t, S1::size> x1{};
  C1::run<kernels::Reference, Spec0>(in.data.data(), x1.data(), nullptr);
  using DW1 = DepthwiseConv<Int8, tiny::w_dw1, Stride<1>, Padding::Same>;
  using PW1 = Conv<Int8, tiny::w_pw1, Stride<1>, Padding::Valid>;
  std::array<std::int8_t, S1::size> d1{}, p1{}, a1{};
  DW1::run<kernels::Reference, S1>(x1.data(), d1.data(), nullptr);
  PW1::run<kernels::Reference, DW1::output_spec<S1>>(d1.data(), p1.data(), nullptr);
  using A1 = Add<Int8, tiny::w_add1>;
  A1::run<kernels::Reference, PW1::output_spec<DW1::output_spec<S1>>, S1>(p1.data(), x1.data(), a1.data(), nullptr);
  // continue with the rest of the graph as a Sequential and compare the final outputs
  using Rest = Sequential<
      Residual<Sequential<DepthwiseConv<Int8, tiny::w_dw2, Stride<2>, Padding::Same>,
                          Conv<Int8, tiny::w_pw2, Stride<1>, Padding::Valid>>,
               Sequential<MaxPool<Int8, Window<2>, Stride<2>, Padding::Same>, PadChannels<Int8, 4>>,
               Add<Int8, tiny::w_add2>>,
      FullyConnected<Int8, tiny::w_fc1>>;
  using SA1 = A1::output_spec<PW1::output_spec<DW1::output_spec<S1>>, S1>;
  std::array<std::byte, Rest::scratch_bytes<SA1> + 64> scratch{};
  std::array<std::int8_t, 5> head{};
  auto* aligned = reinterpret_cast<std::byte*>((reinterpret_cast<std::uintptr_t>(scratch.data()) + 63) / 64 * 64);
  Rest::run<kernels::Reference, SA1>(a1.data(), head.data(), aligned);
  for (std::size_t i = 0; i < 5; ++i) CHECK(head[i] == out.get<0>().data[i]);
}

TEST_CASE("Concat joins branch outputs along channels") {
  using Spec = TensorSpec<Int8, Shape<4, 5, 3>, tiny::q_in>;
  using WA = ConvW<21, 1, 1, 3, 2, 1, 1, 0, 0, 0, 0, Activation::None, tiny::q_in, tiny::q_c1>;
  using WB = ConvW<22, 3, 3, 3, 4, 1, 1, 1, 1, 1, 1, Activation::Relu, tiny::q_in, tiny::q_c1>;
  using A = Conv<Int8, WA, Stride<1>, Padding::Valid>;
  using B = Conv<Int8, WB, Stride<1>, Padding::Same>;
  using Net = Network<Spec, Concat<A, B>>;
  static_assert(std::is_same_v<output_spec_t<Net>::shape, Shape<4, 5, 6>>);
  TensorBuffer<Spec> in;
  for (std::size_t i = 0; i < in.data.size(); ++i) in.data[i] = static_cast<std::int8_t>(i * 7 % 200 - 100);
  OutputBuffers<Net> out;
  static Net::Arena arena;
  REQUIRE(Net{}.infer(in.view(), out.views(), arena) == Status::Ok);
  std::array<std::int8_t, 4 * 5 * 2> a{};
  std::array<std::int8_t, 4 * 5 * 4> b{};
  A::run<kernels::Reference, Spec>(in.data.data(), a.data(), nullptr);
  B::run<kernels::Reference, Spec>(in.data.data(), b.data(), nullptr);
  for (int p = 0; p < 20; ++p) {
    for (int c = 0; c < 2; ++c) CHECK(out.get<0>().data[static_cast<std::size_t>(p * 6 + c)] == a[static_cast<std::size_t>(p * 2 + c)]);
    for (int c = 0; c < 4; ++c) CHECK(out.get<0>().data[static_cast<std::size_t>(p * 6 + 2 + c)] == b[static_cast<std::size_t>(p * 4 + c)]);
  }
}

TEST_CASE("threads sharing one const network with their own arenas get identical results") {
  auto in = random_input(4);
  OutputBuffers<N8> expected;
  static N8::Arena arena0;
  const N8 net{};
  REQUIRE(net.infer(in.view(), expected.views(), arena0) == Status::Ok);
  std::array<bool, 4> same{};
  std::vector<std::thread> threads;
  static std::array<N8::Arena, 4> arenas;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      bool ok = true;
      for (int rep = 0; rep < 50; ++rep) {
        OutputBuffers<N8> out;
        ok = ok && net.infer(in.view(), out.views(), arenas[t]) == Status::Ok;
        ok = ok && out.get<0>().data == expected.get<0>().data && out.get<1>().data == expected.get<1>().data;
      }
      same[t] = ok;
    });
  }
  for (auto& th : threads) th.join();
  for (bool s : same) CHECK(s);
}

TEST_CASE("memory planner: live buffers never overlap (random lifetimes)") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    std::array<BufferRequest, 12> req{};
    for (auto& r : req) {
      r.bytes = std::uniform_int_distribution<std::size_t>(0, 5000)(rng);
      r.first = std::uniform_int_distribution<int>(0, 10)(rng);
      r.last = r.first + std::uniform_int_distribution<int>(0, 4)(rng);
    }
    const auto plan = plan_memory(req);
    std::size_t peak_live = 0;
    for (int step = 0; step <= 14; ++step) {
      std::size_t live = 0;
      for (const auto& r : req) {
        if (r.first <= step && step <= r.last) live += align_up(r.bytes);
      }
      peak_live = std::max(peak_live, live);
    }
    CHECK(align_up(plan.total_bytes) >= peak_live);
    for (std::size_t i = 0; i < req.size(); ++i) {
      CHECK(plan.offsets[i] % kArenaAlignment == 0);
      CHECK(plan.offsets[i] + req[i].bytes <= plan.total_bytes);
      for (std::size_t j = i + 1; j < req.size(); ++j) {
        if (req[i].bytes == 0 || req[j].bytes == 0) continue;
        const bool alive_together = !(req[i].last < req[j].first || req[j].last < req[i].first);
        const bool overlap = plan.offsets[i] < plan.offsets[j] + align_up(req[j].bytes) &&
                             plan.offsets[j] < plan.offsets[i] + align_up(req[i].bytes);
        CHECK_FALSE((alive_together && overlap));
      }
    }
  }
}

TEST_CASE("memory planner: a chain reuses memory (ping-pong at most)") {
  constexpr std::array<BufferRequest, 4> chain{{{1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}, {1000, 3, 4}}};
  constexpr auto plan = plan_memory(chain);
  static_assert(plan.total_bytes == align_up(1000) + 1000);
}
