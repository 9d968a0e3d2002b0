// BlazeFace-128: the C++ networks against the converter's golden data (models/blazeface128/golden/).
//   Int8   bit-exact to the numpy int8 emulation (every golden input, all four heads)
//   Float  vs the upstream model (ONNX Runtime fp32 on the same weights) and the numpy float reference
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <facenn/models/blazeface128.hpp>

#include "golden_io.hpp"

using namespace facenn;
using facenn::test::model_golden;
using facenn::test::read_raw;

namespace {

constexpr int kGoldenInputs = 3;
constexpr std::size_t kInputSize = 128 * 128 * 3;
constexpr std::array<const char*, 4> kHeads{"classificator_8", "regressor_8", "classificator_16", "regressor_16"};
constexpr std::array<std::size_t, 4> kHeadSizes{16 * 16 * 2, 16 * 16 * 32, 8 * 8 * 6, 8 * 8 * 96};

std::string golden(const std::string& name) { return model_golden("blazeface128", name); }

template <class Net>
using Runner = facenn::test::GoldenRunner<Net>;

std::vector<std::int8_t> input_s8(int k) {
  auto q = read_raw<std::int8_t>(golden("input_" + std::to_string(k) + "_s8"));
  REQUIRE(q.size() == kInputSize);
  return q;
}

template <class Net, class F>
void for_each_head(Runner<Net>& r, F&& f) {
  f(0, r.template output<0>());
  f(1, r.template output<1>());
  f(2, r.template output<2>());
  f(3, r.template output<3>());
}

}  // namespace

TEST_CASE("BlazeFace128Net outputs are the four raw heads, in order") {
  using Net = models::BlazeFace128Net<Int8>;
  static_assert(Net::output_count == 4);
  static_assert(std::is_same_v<output_spec_t<Net, 0>::shape, Shape<16, 16, 2>>);
  static_assert(std::is_same_v<output_spec_t<Net, 1>::shape, Shape<16, 16, 32>>);
  static_assert(std::is_same_v<output_spec_t<Net, 2>::shape, Shape<8, 8, 6>>);
  static_assert(std::is_same_v<output_spec_t<Net, 3>::shape, Shape<8, 8, 96>>);
  REQUIRE(std::endian::native == std::endian::little);
}

TEST_CASE("BlazeFace128Net<Int8> is bit-exact to the numpy int8 emulation") {
  Runner<models::BlazeFace128Net<Int8>> r;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    std::copy(q.begin(), q.end(), r.input->data.begin());
    REQUIRE(r.run() == Status::Ok);
    for_each_head(r, [&](int h, const auto& got) {
      const std::string head_name = kHeads[h];
      CAPTURE(head_name);
      const auto want = read_raw<std::int8_t>(golden("int8_" + std::to_string(k) + "_" + kHeads[h] + "_s8"));
      REQUIRE(want.size() == kHeadSizes[h]);
      REQUIRE(got.size() == kHeadSizes[h]);
      int mismatches = 0;
      for (std::size_t i = 0; i < want.size(); ++i) mismatches += got[i] != want[i] ? 1 : 0;
      CHECK(mismatches == 0);
    });
  }
}

TEST_CASE("BlazeFace128Net<Float> matches the upstream model") {
  Runner<models::BlazeFace128Net<Float>> r;
  // upstream (TFJS layout): _1 = the 16x16 heads (512 anchors), _2 = the 8x8 heads (384 anchors); NHWC order
  constexpr std::array<const char*, 4> upstream{"classificators_1", "regressors_1", "classificators_2", "regressors_2"};
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    for (std::size_t i = 0; i < kInputSize; ++i)  // pixel / 127.5 - 1, as the upstream input was made
      r.input->data[i] = static_cast<float>(static_cast<int>(q[i]) + 128) / 127.5f - 1.0f;
    REQUIRE(r.run() == Status::Ok);
    for_each_head(r, [&](int h, const auto& got) {
      const std::string head_name = kHeads[h];
      CAPTURE(head_name);
      const auto up = read_raw<float>(golden("upstream_" + std::to_string(k) + "_" + upstream[h] + "_f32"));
      const auto np = read_raw<float>(golden("float_" + std::to_string(k) + "_" + kHeads[h] + "_f32"));
      REQUIRE(up.size() == kHeadSizes[h]);
      REQUIRE(np.size() == kHeadSizes[h]);
      double max_up = 0.0, max_np = 0.0;
      for (std::size_t i = 0; i < up.size(); ++i) {
        max_up = std::max(max_up, std::abs(double(got[i]) - up[i]));
        max_np = std::max(max_np, std::abs(double(got[i]) - np[i]));
      }
      MESSAGE("input " << k << " " << head_name << ": max |C++ float - upstream| = " << max_up
                       << ", - numpy float = " << max_np);
      CHECK(max_up <= 2e-3);
      CHECK(max_np <= 1e-4);
    });
  }
}
