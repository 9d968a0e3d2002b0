// face-api landmark nets (full and tiny): the C++ networks against the converters' golden data.
//   Int8   bit-exact to the numpy int8 emulation (models/<model>/golden/int8_k_landmarks_s8)
//   Float  vs the original TFJS model on the same pixels (relative error <= 1e-3) and the numpy float reference
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <bit>
#include <string>
#include <type_traits>

#include FACENN_FACEAPI_MODEL_HEADER

#include "faceapi_golden.hpp"

using namespace facenn;
using faceapi_test::read_golden;
using faceapi_test::relative_error;
using faceapi_test::Runner;

namespace {
constexpr const char* kModel = FACENN_FACEAPI_MODEL;
template <class T>
using Net = models::FACENN_FACEAPI_NET<T>;
constexpr int kGoldenInputs = 3;
constexpr std::size_t kInputSize = 112 * 112 * 3;

std::vector<std::int8_t> input_s8(int k) {
  auto q = read_golden<std::int8_t>(kModel, "input_" + std::to_string(k) + "_s8");
  REQUIRE(q.size() == kInputSize);
  return q;
}
}  // namespace

TEST_CASE("landmark net shapes") {
  static_assert(std::is_same_v<Net<Int8>::input_spec::shape, Shape<112, 112, 3>>);
  static_assert(std::is_same_v<output_spec_t<Net<Int8>>::shape, Shape<1, 1, 136>>);
  static_assert(std::is_same_v<output_spec_t<Net<Float>>::shape, Shape<1, 1, 136>>);
  REQUIRE(std::endian::native == std::endian::little);
  MESSAGE(std::string(kModel) << ": int8 arena " << Net<Int8>::arena_bytes << " bytes, float arena " << Net<Float>::arena_bytes);
}

TEST_CASE("landmark net <Int8> is bit-exact to the numpy int8 emulation") {
  Runner<Net<Int8>> r;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    REQUIRE(r.set_input(q));
    REQUIRE(r.run() == Status::Ok);
    const auto want = read_golden<std::int8_t>(kModel, "int8_" + std::to_string(k) + "_landmarks_s8");
    const auto got = r.output();
    REQUIRE(want.size() == 136);
    REQUIRE(got.size() == 136);
    int mismatches = 0;
    for (std::size_t i = 0; i < want.size(); ++i) mismatches += got[i] != want[i] ? 1 : 0;
    CHECK(mismatches == 0);
  }
}

TEST_CASE("landmark net <Float> matches the original TFJS model") {
  Runner<Net<Float>> r;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    for (std::size_t i = 0; i < kInputSize; ++i) r.input->data[i] = static_cast<float>(int{q[i]} + 128);
    REQUIRE(r.run() == Status::Ok);
    const auto got = r.output();
    const auto tfjs = read_golden<float>(kModel, "tfjs_" + std::to_string(k) + "_landmarks_f32");
    const auto np = read_golden<float>(kModel, "float_" + std::to_string(k) + "_landmarks_f32");
    REQUIRE(tfjs.size() == 136);
    REQUIRE(np.size() == 136);
    const double e_tfjs = relative_error(got, tfjs), e_np = relative_error(got, np);
    MESSAGE(std::string(kModel) << " input " << k << ": relative error vs TFJS " << e_tfjs << ", vs numpy float " << e_np);
    CHECK(e_tfjs <= 1e-3);
    CHECK(e_np <= 1e-5);
  }
}
