// landmarks35_60 (trained here): the C++ networks against models/landmarks35_60/golden/.
//   Int8    bit-exact to the numpy int8 emulation (models/common/int8_ops.py), every golden input
//   Float   vs torch (the trained model, float32) relative error <= 1e-4, vs the numpy float forward <= 1e-5
// Golden inputs are synthetic (the mean of the training crops and variations), never a photo.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <facenn/models/landmarks35_60.hpp>

#include "../models/golden_io.hpp"

using namespace facenn;
using facenn::test::model_golden;
using facenn::test::read_raw;
using facenn::test::relative_error;

namespace {

constexpr int kGoldenInputs = 3;
constexpr std::size_t kInputSize = 60 * 60 * 3;
constexpr std::size_t kOut = 70;

std::string golden(const std::string& name) { return model_golden("landmarks35_60", name); }

template <class Net>
using Runner = facenn::test::GoldenRunner<Net>;

std::vector<std::int8_t> input_s8(int k) {
  auto q = read_raw<std::int8_t>(golden("input_" + std::to_string(k) + "_s8"));
  REQUIRE(q.size() == kInputSize);
  return q;
}

}  // namespace

TEST_CASE("landmarks35_60 shapes and arena") {
  using Net = models::Landmarks35Net<Int8>;
  static_assert(std::is_same_v<Net::input_spec::shape, Shape<60, 60, 3>>);
  static_assert(std::is_same_v<output_spec_t<Net>::shape, Shape<1, 1, 70>>);
  static_assert(std::is_same_v<output_spec_t<models::Landmarks35Net<Float>>::shape, Shape<1, 1, 70>>);
  REQUIRE(std::endian::native == std::endian::little);
  MESSAGE("int8 arena " << Net::arena_bytes << " bytes, float arena " << models::Landmarks35Net<Float>::arena_bytes);
}

TEST_CASE("Landmarks35Net<Int8> is bit-exact to the numpy int8 emulation") {
  using Net = models::Landmarks35Net<Int8>;
  Runner<Net> r;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    std::copy(q.begin(), q.end(), r.input->data.begin());
    REQUIRE(r.run() == Status::Ok);
    const auto want = read_raw<std::int8_t>(golden("int8_" + std::to_string(k) + "_s8"));
    REQUIRE(want.size() == kOut);
    int mismatches = 0;
    for (std::size_t i = 0; i < kOut; ++i) mismatches += r.out->template get<0>().data[i] != want[i] ? 1 : 0;
    CHECK(mismatches == 0);
  }
}

TEST_CASE("Landmarks35Net<Float> matches torch and the numpy float forward") {
  using Net = models::Landmarks35Net<Float>;
  using Q = weights::landmarks35_60::q_fc2;
  Runner<Net> r;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    for (std::size_t i = 0; i < kInputSize; ++i) r.input->data[i] = static_cast<float>(q[i]) / 255.0f;
    REQUIRE(r.run() == Status::Ok);
    const float* got = r.out->template get<0>().data.data();
    const auto th = read_raw<float>(golden("torch_" + std::to_string(k) + "_f32"));
    const auto np = read_raw<float>(golden("float_" + std::to_string(k) + "_f32"));
    const auto i8 = read_raw<std::int8_t>(golden("int8_" + std::to_string(k) + "_s8"));
    REQUIRE(th.size() == kOut);
    REQUIRE(np.size() == kOut);
    const double e_torch = relative_error(got, th), e_np = relative_error(got, np);
    double int8_px = 0.0;  // int8 vs float, in pixels of the 60 px crop
    for (std::size_t i = 0; i < kOut; ++i)
      int8_px = std::max(int8_px, 60.0 * std::abs((i8[i] - Q::zero_point) * double(Q::scale) - got[i]));
    MESSAGE("input " << k << ": relative error vs torch " << e_torch << ", vs numpy float " << e_np
                     << "; int8 vs float max " << int8_px << " px");
    CHECK(e_torch <= 1e-4);
    CHECK(e_np <= 1e-5);
  }
}
