// fpenet80 (trained here): the C++ network and heatmap decoder against models/fpenet80/golden/.
//   Int8    bit-exact to the numpy int8 emulation (20x20x68 heatmap logits), every golden input
//   Float   vs torch (the trained model, float32) relative error <= 1e-4, vs the numpy float forward <= 1e-5
//   Decode  fpenet80_decode on the int8 heatmaps == the numpy soft-argmax decode (points, confidence, spread)
// Golden inputs are synthetic (the mean of the training crops and variations), never a photo.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <facenn/models/fpenet80.hpp>

#include "../models/golden_io.hpp"

using namespace facenn;
using facenn::test::model_golden;
using facenn::test::read_raw;
using facenn::test::relative_error;

namespace {

constexpr int kGoldenInputs = 3;
constexpr std::size_t kInputSize = 80 * 80;
constexpr std::size_t kOut = 20 * 20 * 68;

std::string golden(const std::string& name) { return model_golden("fpenet80", name); }

template <class Net>
using Runner = facenn::test::GoldenRunner<Net>;

std::vector<std::int8_t> input_s8(int k) {
  auto q = read_raw<std::int8_t>(golden("input_" + std::to_string(k) + "_s8"));
  REQUIRE(q.size() == kInputSize);
  return q;
}

}  // namespace

TEST_CASE("fpenet80 shapes and arena") {
  using Net = models::Fpenet80Net<Int8>;
  static_assert(std::is_same_v<Net::input_spec::shape, Shape<80, 80, 1>>);
  static_assert(std::is_same_v<output_spec_t<Net>::shape, Shape<20, 20, 68>>);
  static_assert(std::is_same_v<output_spec_t<models::Fpenet80Net<Float>>::shape, Shape<20, 20, 68>>);
  REQUIRE(std::endian::native == std::endian::little);
  MESSAGE("int8 arena " << Net::arena_bytes << " bytes, float arena " << models::Fpenet80Net<Float>::arena_bytes);
}

TEST_CASE("Fpenet80Net<Int8> is bit-exact to the numpy int8 emulation; the decoder matches numpy") {
  using Net = models::Fpenet80Net<Int8>;
  Runner<Net> r;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    std::copy(q.begin(), q.end(), r.input->data.begin());
    REQUIRE(r.run() == Status::Ok);
    const auto want = read_raw<std::int8_t>(golden("int8_" + std::to_string(k) + "_s8"));
    REQUIRE(want.size() == kOut);
    const std::int8_t* got = r.out->template get<0>().data.data();
    int mismatches = 0;
    for (std::size_t i = 0; i < kOut; ++i) mismatches += got[i] != want[i] ? 1 : 0;
    CHECK(mismatches == 0);

    std::array<models::Fpenet80Keypoint, 68> kp{};
    models::fpenet80_decode(got, kp.data());
    const auto dec = read_raw<float>(golden("decoded_" + std::to_string(k) + "_f32"));
    REQUIRE(dec.size() == 68 * 4);
    double max_xy = 0.0, max_conf = 0.0;
    for (std::size_t i = 0; i < 68; ++i) {
      max_xy = std::max({max_xy, std::abs(double(kp[i].x) - dec[4 * i]), std::abs(double(kp[i].y) - dec[4 * i + 1])});
      max_conf = std::max({max_conf, std::abs(double(kp[i].confidence) - dec[4 * i + 2]),
                           std::abs(double(kp[i].spread) - dec[4 * i + 3]) / 80.0});
      CHECK(kp[i].confidence > 0.0f);
      CHECK(kp[i].confidence <= 1.0f);
    }
    MESSAGE("input " << k << ": decode vs numpy max |dx| " << max_xy << ", |dconf| " << max_conf);
    CHECK(max_xy <= 1e-6);
    CHECK(max_conf <= 1e-6);
  }
}

TEST_CASE("Fpenet80Net<Float> matches torch and the numpy float forward") {
  using Net = models::Fpenet80Net<Float>;
  Runner<Net> r;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    for (std::size_t i = 0; i < kInputSize; ++i) r.input->data[i] = static_cast<float>(q[i]) / 255.0f;
    REQUIRE(r.run() == Status::Ok);
    const float* got = r.out->template get<0>().data.data();
    const auto th = read_raw<float>(golden("torch_" + std::to_string(k) + "_f32"));
    const auto np = read_raw<float>(golden("float_" + std::to_string(k) + "_f32"));
    REQUIRE(th.size() == kOut);
    REQUIRE(np.size() == kOut);
    const double e_torch = relative_error(got, th), e_np = relative_error(got, np);
    // the decoded points of the float net vs the int8 net's (golden), in pixels of the 80 px crop
    std::array<models::Fpenet80Keypoint, 68> kp{};
    models::fpenet80_decode(got, kp.data());
    const auto dec = read_raw<float>(golden("decoded_" + std::to_string(k) + "_f32"));
    double int8_px = 0.0;
    for (std::size_t i = 0; i < 68; ++i)
      int8_px = std::max(int8_px, 80.0 * std::hypot(double(kp[i].x) - dec[4 * i], double(kp[i].y) - dec[4 * i + 1]));
    MESSAGE("input " << k << ": relative error vs torch " << e_torch << ", vs numpy float " << e_np
                     << "; int8 vs float decoded points max " << int8_px << " px");
    CHECK(e_torch <= 1e-4);
    CHECK(e_np <= 1e-5);
  }
}
