// FaceMesh-468: the C++ networks against the converter's golden data (models/facemesh468/golden/).
//   Int8    bit-exact to the numpy int8 emulation (every golden crop, both outputs)
//   Float   vs the upstream model (ONNX Runtime fp32 on the same weights): landmarks within 0.05 px
//   Hybrid  int8 up to add_17 / add_23, float after: vs the numpy emulation of the same split
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <facenn/models/facemesh468.hpp>

#include "golden_io.hpp"

using namespace facenn;
using facenn::test::model_golden;
using facenn::test::read_raw;

namespace {

constexpr int kGoldenCrops = 3;
constexpr std::size_t kInputSize = 192 * 192 * 3;
constexpr std::size_t kMesh = 1404;

std::string golden(const std::string& name) { return model_golden("facemesh468", name); }

template <class Net>
using Runner = facenn::test::GoldenRunner<Net>;

std::vector<std::int8_t> input_s8(int k) {
  auto q = read_raw<std::int8_t>(golden("input_" + std::to_string(k) + "_s8"));
  REQUIRE(q.size() == kInputSize);
  return q;
}

}  // namespace

TEST_CASE("golden files are present and the host is little-endian") {
  REQUIRE(std::endian::native == std::endian::little);
  for (int k = 0; k < kGoldenCrops; ++k) CHECK(input_s8(k).size() == kInputSize);
}

TEST_CASE("FaceMesh468Net<Int8> is bit-exact to the numpy int8 emulation") {
  using Net = models::FaceMesh468Net<Int8>;
  static_assert(Net::output_count == 2);
  static_assert(output_spec_t<Net, 0>::size == kMesh && output_spec_t<Net, 1>::size == 1);
  Runner<Net> r;
  for (int k = 0; k < kGoldenCrops; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    std::copy(q.begin(), q.end(), r.input->data.begin());
    REQUIRE(r.run() == Status::Ok);
    const auto mesh = read_raw<std::int8_t>(golden("int8_" + std::to_string(k) + "_mesh_s8"));
    const auto flag = read_raw<std::int8_t>(golden("int8_" + std::to_string(k) + "_flag_s8"));
    REQUIRE(mesh.size() == kMesh);
    REQUIRE(flag.size() == 1);
    int mismatches = 0;
    for (std::size_t i = 0; i < kMesh; ++i) mismatches += r.out->template get<0>().data[i] != mesh[i] ? 1 : 0;
    CHECK(mismatches == 0);
    CHECK(r.out->template get<1>().data[0] == flag[0]);
  }
}

TEST_CASE("FaceMesh468Net<Float> matches the upstream model") {
  using Net = models::FaceMesh468Net<Float>;
  Runner<Net> r;
  for (int k = 0; k < kGoldenCrops; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    for (std::size_t i = 0; i < kInputSize; ++i)  // pixel / 255, exactly as the upstream input was made
      r.input->data[i] = static_cast<float>(static_cast<int>(q[i]) + 128) / 255.0f;
    REQUIRE(r.run() == Status::Ok);
    const auto up_mesh = read_raw<float>(golden("upstream_" + std::to_string(k) + "_mesh_f32"));
    const auto up_flag = read_raw<float>(golden("upstream_" + std::to_string(k) + "_faceflag_f32"));
    const auto np_mesh = read_raw<float>(golden("float_" + std::to_string(k) + "_mesh_f32"));
    const auto np_flag = read_raw<float>(golden("float_" + std::to_string(k) + "_flag_f32"));
    REQUIRE(up_mesh.size() == kMesh);
    REQUIRE(np_mesh.size() == kMesh);
    double max_up = 0.0, max_np = 0.0;
    for (std::size_t i = 0; i < kMesh; ++i) {
      const double v = r.out->template get<0>().data[i];
      max_up = std::max(max_up, std::abs(v - up_mesh[i]));
      max_np = std::max(max_np, std::abs(v - np_mesh[i]));
    }
    MESSAGE("crop " << k << ": mesh max |C++ float - upstream| = " << max_up << " px, - numpy float = " << max_np);
    CHECK(max_up <= 0.05);
    CHECK(max_np <= 1e-3);
    const float logit = r.out->template get<1>().data[0];
    CHECK(std::abs(logit - np_flag[0]) <= 1e-3f);
    CHECK(std::abs(facenn::test::sigmoid(logit) - up_flag[0]) <= 1e-4f);
  }
}

TEST_CASE("FaceMesh468HybridNet matches the numpy emulation of the same int8 / float split") {
  using Net = models::FaceMesh468HybridNet;
  static_assert(std::is_same_v<output_spec_t<Net, 0>::element, Float>);
  Runner<Net> r;
  for (int k = 0; k < kGoldenCrops; ++k) {
    CAPTURE(k);
    const auto q = input_s8(k);
    std::copy(q.begin(), q.end(), r.input->data.begin());
    REQUIRE(r.run() == Status::Ok);
    const auto mesh = read_raw<float>(golden("hybrid_" + std::to_string(k) + "_mesh_f32"));
    const auto flag = read_raw<float>(golden("hybrid_" + std::to_string(k) + "_flag_f32"));
    const auto up_mesh = read_raw<float>(golden("upstream_" + std::to_string(k) + "_mesh_f32"));
    REQUIRE(mesh.size() == kMesh);
    double max_np = 0.0, sum_up = 0.0;
    for (std::size_t i = 0; i < kMesh; ++i) max_np = std::max(max_np, std::abs(double(r.out->template get<0>().data[i]) - mesh[i]));
    for (std::size_t i = 0; i < kMesh; i += 3)
      sum_up += std::hypot(double(r.out->template get<0>().data[i]) - up_mesh[i],
                           double(r.out->template get<0>().data[i + 1]) - up_mesh[i + 1]);
    MESSAGE("crop " << k << ": hybrid mesh max |C++ - numpy| = " << max_np << " px; mean landmark error vs upstream "
                    << sum_up / 468.0 << " px");
    CHECK(max_np <= 1e-3);
    CHECK(std::abs(r.out->template get<1>().data[0] - flag[0]) <= 1e-3f);
  }
}
