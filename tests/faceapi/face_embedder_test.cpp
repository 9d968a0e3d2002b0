// face-api FaceRecognitionNet as facenn::models::FaceEmbedderNet against the converter's golden data.
//   Int8   bit-exact to the numpy int8 emulation (models/face_embedder/golden/int8_k_descriptor_s8)
//   Float  vs the original TFJS model on the same pixels (relative error <= 1e-3) and the numpy float reference
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <string>
#include <type_traits>

#include <facenn/models/face_embedder.hpp>

#include "faceapi_golden.hpp"

using namespace facenn;
using faceapi_test::read_golden;
using faceapi_test::relative_error;
using faceapi_test::Runner;

namespace {
constexpr const char* kModel = "face_embedder";
template <class T>
using Net = models::FaceEmbedderNet<T>;
constexpr int kGoldenInputs = 3;
constexpr std::size_t kInputSize = 150 * 150 * 3;

std::vector<std::int8_t> input_s8(int k) {
  auto q = read_golden<std::int8_t>(kModel, "input_" + std::to_string(k) + "_s8");
  REQUIRE(q.size() == kInputSize);
  return q;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += double(a[i]) * b[i];
    aa += double(a[i]) * a[i];
    bb += double(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}
}  // namespace

TEST_CASE("FaceEmbedderNet shapes") {
  static_assert(std::is_same_v<Net<Int8>::input_spec::shape, Shape<150, 150, 3>>);
  static_assert(std::is_same_v<output_spec_t<Net<Int8>>::shape, Shape<1, 1, 128>>);
  static_assert(std::is_same_v<output_spec_t<Net<Float>>::shape, Shape<1, 1, 128>>);
  REQUIRE(std::endian::native == std::endian::little);
  MESSAGE("face_embedder: int8 arena " << Net<Int8>::arena_bytes << " bytes, float arena " << Net<Float>::arena_bytes);
}

TEST_CASE("FaceEmbedderNet<Int8> is bit-exact to the numpy int8 emulation") {
  Runner<Net<Int8>> r;
  using Q = output_spec_t<Net<Int8>>::quant;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    REQUIRE(r.set_input(q));
    REQUIRE(r.run() == Status::Ok);
    const auto want = read_golden<std::int8_t>(kModel, "int8_" + std::to_string(k) + "_descriptor_s8");
    const auto got = r.output();
    REQUIRE(want.size() == 128);
    REQUIRE(got.size() == 128);
    int mismatches = 0;
    for (std::size_t i = 0; i < want.size(); ++i) mismatches += got[i] != want[i] ? 1 : 0;
    CHECK(mismatches == 0);
    // and the int8 descriptor is close to the float one
    const auto tfjs = read_golden<float>(kModel, "tfjs_" + std::to_string(k) + "_descriptor_f32");
    std::vector<float> deq(got.size());
    for (std::size_t i = 0; i < got.size(); ++i) deq[i] = float(int{got[i]} - Q::zero_point) * Q::scale;
    const double c = cosine(deq, tfjs);
    MESSAGE("input " << k << ": cosine(int8, TFJS float) = " << c);
    CHECK(c >= 0.995);
  }
}

TEST_CASE("FaceEmbedderNet<Float> matches the original TFJS model") {
  Runner<Net<Float>> r;
  for (int k = 0; k < kGoldenInputs; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    for (std::size_t i = 0; i < kInputSize; ++i) r.input->data[i] = static_cast<float>(int{q[i]} + 128);
    REQUIRE(r.run() == Status::Ok);
    const auto got = r.output();
    const auto tfjs = read_golden<float>(kModel, "tfjs_" + std::to_string(k) + "_descriptor_f32");
    const auto np = read_golden<float>(kModel, "float_" + std::to_string(k) + "_descriptor_f32");
    REQUIRE(tfjs.size() == 128);
    REQUIRE(np.size() == 128);
    const double e_tfjs = relative_error(got, tfjs), e_np = relative_error(got, np);
    MESSAGE("input " << k << ": relative error vs TFJS " << e_tfjs << ", vs numpy float " << e_np);
    CHECK(e_tfjs <= 1e-3);
    CHECK(e_np <= 1e-5);
  }
}
