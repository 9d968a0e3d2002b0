// FaceMesh end to end on a real photo with the real network: BlazeFace detection (decoded from the
// committed ONNX heads for examples/data/astronaut.png) -> ROI -> rotated crop -> FaceMesh468Net ->
// landmarks in image pixels, compared with the independent numpy/onnxruntime reference written by
// make_facemesh_ref.py (same ROI, numpy crop, MediaPipe's face_landmark.tflite in fp32, numpy projection).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#if __has_include(<facenn/models/facemesh468.hpp>)

#include <facenn/detection/blazeface.hpp>
#include <facenn/detection/face_roi.hpp>
#include <facenn/image/io.hpp>
#include <facenn/models/facemesh468.hpp>
#include <facenn/pipeline/face_mesh.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace det = facenn::detection;

namespace {

const std::string kData = std::string(FACENN_SOURCE_DIR) + "/tests/detection/data/";

std::vector<float> read_floats(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

struct Reference {
  float cx = 0, cy = 0, side = 0, rotation = 0, score = 0;
  std::vector<facenn::Point3f> mesh;
};

Reference read_reference() {
  Reference r;
  std::ifstream f(kData + "facemesh_expected.txt");
  REQUIRE(f.good());
  f >> r.cx >> r.cy >> r.side >> r.rotation >> r.score;
  r.mesh.resize(468);
  for (auto& p : r.mesh) f >> p.x >> p.y >> p.z;
  REQUIRE(f.good());
  return r;
}

det::Detection astronaut_detection() {
  const auto reg = read_floats(kData + "astronaut_regressors.bin");
  const auto cls = read_floats(kData + "astronaut_classificators.bin");
  REQUIRE(reg.size() == 896 * 16);
  REQUIRE(cls.size() == 896);
  const det::BlazeFaceRawOutputs raw{std::span<const float>(cls.data(), 512), std::span<const float>(reg.data(), 8192),
                                     std::span<const float>(cls.data() + 512, 384),
                                     std::span<const float>(reg.data() + 8192, 6144)};
  auto scratch = std::make_unique<det::BlazeFaceScratch>();
  std::array<det::Detection, 1> out{};
  auto n = det::decode_blazeface(raw, out, *scratch);
  REQUIRE(n.has_value());
  REQUIRE(*n == 1);
  return det::remove_letterbox(out[0], facenn::make_letterbox(512, 512, 128));
}

facenn::Image astronaut() {
  auto img = facenn::load_image(std::string(FACENN_SOURCE_DIR) + "/examples/data/astronaut.png");
  REQUIRE(img.has_value());
  return std::move(*img);
}

struct Errors {
  double mean_xy = 0, max_xy = 0, mean_z = 0;
};

Errors compare(const facenn::FaceMeshResult& got, const Reference& ref) {
  Errors e;
  for (std::size_t i = 0; i < 468; ++i) {
    const double d = std::hypot(got.landmarks[i].x - ref.mesh[i].x, got.landmarks[i].y - ref.mesh[i].y);
    e.mean_xy += d / 468;
    e.max_xy = std::max(e.max_xy, d);
    e.mean_z += std::fabs(got.landmarks[i].z - ref.mesh[i].z) / 468;
  }
  return e;
}

template <class Net>
void run_and_compare(const char* name, double mean_tol, double max_tol) {
  const facenn::Image img = astronaut();
  const Reference ref = read_reference();
  const det::Detection face = astronaut_detection();
  using Pipeline = facenn::BasicFaceMesh<Net>;
  auto arena = std::make_unique<typename Pipeline::Arena>();
  facenn::FaceMeshResult res;
  REQUIRE(Pipeline{}.estimate(img.view(), face, res, *arena) == facenn::Status::Ok);
  const Errors e = compare(res, ref);
  MESSAGE(std::string(name) << ": landmark error vs fp32 upstream (image px, face side " << ref.side << "): mean " << e.mean_xy
                << ", max " << e.max_xy << ", mean |dz| " << e.mean_z << "; score " << res.score);
  CHECK(e.mean_xy < mean_tol);
  CHECK(e.max_xy < max_tol);
  CHECK(res.score > 0.99f);
  CHECK(res.score == doctest::Approx(ref.score).epsilon(0.01));
}

}  // namespace

TEST_CASE("ROI and crop match the independent reference") {
  const Reference ref = read_reference();
  auto roi = det::face_roi_from_detection(astronaut_detection());
  REQUIRE(roi.has_value());
  CHECK(roi->cx == doctest::Approx(ref.cx).epsilon(1e-5));
  CHECK(roi->cy == doctest::Approx(ref.cy).epsilon(1e-5));
  CHECK(roi->width == doctest::Approx(ref.side).epsilon(1e-5));
  CHECK(roi->rotation == doctest::Approx(ref.rotation).epsilon(1e-5));
  const facenn::Image img = astronaut();
  facenn::Image crop(192, 192);
  const double offset = facenn::BasicFaceMesh<facenn::models::FaceMesh468Net<facenn::Int8>>::Options{}.crop_sample_offset;
  REQUIRE(facenn::crop_rotated_rect(img.view(), *roi, crop.mutable_view(), facenn::Border::Replicate, offset) ==
          facenn::Status::Ok);
  auto expected = facenn::load_image(kData + "facemesh_crop.png");
  REQUIRE(expected.has_value());
  int max_diff = 0, n_diff = 0;
  for (std::size_t i = 0; i < crop.bytes().size(); ++i) {
    const int d = std::abs(int(crop.bytes()[i]) - int(expected->bytes()[i]));
    max_diff = std::max(max_diff, d);
    n_diff += d != 0;
  }
  MESSAGE("crop vs numpy: max diff " << max_diff << ", " << n_diff << " of " << crop.bytes().size() << " bytes differ");
  CHECK(max_diff <= 1);
  CHECK(n_diff < 200);
}

TEST_CASE("int8 FaceMesh pipeline vs upstream fp32") {
  run_and_compare<facenn::models::FaceMesh468Net<facenn::Int8>>("int8", 1.0, 3.0);
}

TEST_CASE("hybrid FaceMesh pipeline vs upstream fp32") {
  run_and_compare<facenn::models::FaceMesh468HybridNet>("hybrid", 1.0, 3.0);
}

TEST_CASE("float FaceMesh pipeline vs upstream fp32 (differences come from the crop's rounding only)") {
  run_and_compare<facenn::models::FaceMesh468Net<facenn::Float>>("float", 0.01, 0.05);
}

TEST_CASE("tracking ROI from the landmarks lands on the same face") {
  const facenn::Image img = astronaut();
  using Pipeline = facenn::BasicFaceMesh<facenn::models::FaceMesh468Net<facenn::Int8>>;
  auto arena = std::make_unique<Pipeline::Arena>();
  facenn::FaceMeshResult first, second;
  REQUIRE(Pipeline{}.estimate(img.view(), astronaut_detection(), first, *arena) == facenn::Status::Ok);
  REQUIRE(Pipeline{}.track(img.view(), first.landmarks, second, *arena) == facenn::Status::Ok);
  double mean = 0;
  for (std::size_t i = 0; i < 468; ++i)
    mean += std::hypot(first.landmarks[i].x - second.landmarks[i].x, first.landmarks[i].y - second.landmarks[i].y) / 468;
  MESSAGE("detection ROI vs tracking ROI: mean landmark difference " << mean << " px");
  CHECK(mean < 3.0);
  CHECK(second.score > 0.99f);
}

#else
TEST_CASE("FaceMesh model not in this build" * doctest::skip()) {}
#endif
