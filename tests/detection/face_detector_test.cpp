// FaceDetector end to end with the real BlazeFace network on examples/data/astronaut.png (and a
// two-face, letterboxed composite of it), compared with the independent reference in data/: numpy
// letterbox + MediaPipe's face_detection_short_range.tflite in fp32 (onnxruntime) + numpy decoding.
// The Float network must reproduce it to float precision; the int8 network within its quantization error.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#if __has_include(<facenn/models/blazeface128.hpp>)

#include <facenn/image/io.hpp>
#include <facenn/models/blazeface128.hpp>
#include <facenn/pipeline/face_detector.hpp>

#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace det = facenn::detection;
using facenn::Image;

namespace {

const std::string kData = std::string(FACENN_SOURCE_DIR) + "/tests/detection/data/";

Image astronaut() {
  auto img = facenn::load_image(std::string(FACENN_SOURCE_DIR) + "/examples/data/astronaut.png");
  REQUIRE(img.has_value());
  return std::move(*img);
}

// The "pair" case of make_blazeface_ref.py: rows 0..299, columns 60..359, and its mirror image.
Image pair() {
  const Image a = astronaut();
  Image p(600, 300);
  for (int y = 0; y < 300; ++y)
    for (int x = 0; x < 300; ++x)
      for (int c = 0; c < 3; ++c) {
        const std::uint8_t v = a.view().pixel(60 + x, y)[c];
        p.mutable_view().pixel(x, y)[c] = v;
        p.mutable_view().pixel(599 - x, y)[c] = v;
      }
  return p;
}

struct Expected {
  float score;
  det::Detection image;  // image pixels
};

std::vector<Expected> read_expected(const std::string& name) {
  std::ifstream f(kData + name + "_expected.txt");
  REQUIRE(f.good());
  int w = 0, h = 0, n = 0;
  f >> w >> h >> n;
  std::vector<Expected> out(static_cast<std::size_t>(n));
  for (auto& e : out) {
    std::vector<double> v(33);
    for (double& x : v) f >> x;
    e.score = static_cast<float>(v[0]);
    e.image.xmin = static_cast<float>(v[17]);
    e.image.ymin = static_cast<float>(v[18]);
    e.image.width = static_cast<float>(v[19]);
    e.image.height = static_cast<float>(v[20]);
    for (std::size_t k = 0; k < 6; ++k)
      e.image.keypoints[k] = {static_cast<float>(v[21 + 2 * k]), static_cast<float>(v[22 + 2 * k])};
  }
  return out;
}

template <class Net>
void check_against_reference(const char* label, double box_tol_px, double kp_tol_px, double score_tol) {
  using D = facenn::BasicFaceDetector<Net>;
  auto arena = std::make_unique<typename D::Arena>();
  const std::pair<const char*, Image> cases[] = {{"astronaut", astronaut()}, {"pair", pair()}};
  for (const auto& c : cases) {
    // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
    const char* name = c.first;
    const Image& img = c.second;
    CAPTURE(std::string(name));
    const auto expected = read_expected(name);
    std::array<det::Detection, 8> out{};
    auto n = D{}.detect(img.view(), out, *arena);
    REQUIRE(n.has_value());
    REQUIRE(*n == expected.size());
    double worst_box = 0, worst_kp = 0;
    for (std::size_t i = 0; i < *n; ++i) {
      // Match by overlap: close scores (the two faces of "pair") may swap places under int8.
      std::size_t best = 0;
      for (std::size_t j = 1; j < *n; ++j)
        if (det::iou(out[j], expected[i].image) > det::iou(out[best], expected[i].image)) best = j;
      const det::Detection& g = out[best];
      const det::Detection& e = expected[i].image;
      CHECK(g.score == doctest::Approx(expected[i].score).epsilon(score_tol));
      worst_box = std::max({worst_box, double(std::fabs(g.xmin - e.xmin)), double(std::fabs(g.ymin - e.ymin)),
                            double(std::fabs(g.width - e.width)), double(std::fabs(g.height - e.height))});
      for (std::size_t k = 0; k < 6; ++k)
        worst_kp = std::max(worst_kp, double(std::hypot(g.keypoints[k].x - e.keypoints[k].x, g.keypoints[k].y - e.keypoints[k].y)));
      CHECK(det::iou(g, e) > 0.9f);
    }
    MESSAGE(std::string(label) << " " << std::string(name) << ": max box coordinate error " << worst_box << " px, max keypoint error "
                               << worst_kp << " px");
    CHECK(worst_box < box_tol_px);
    CHECK(worst_kp < kp_tol_px);
  }
}

}  // namespace

TEST_CASE("float BlazeFace through the detector reproduces the fp32 reference") {
  check_against_reference<facenn::models::BlazeFace128Net<facenn::Float>>("float", 0.05, 0.05, 1e-4);
}

TEST_CASE("int8 FaceDetector stays within its quantization error of the fp32 reference") {
  check_against_reference<facenn::models::BlazeFace128Net<facenn::Int8>>("int8", 5.0, 7.0, 0.03);  // ~1.5 input px
}

TEST_CASE("the int8 input is q = pixel - 128 (BlazeFace128's converter contract)") {
  using D = facenn::FaceDetector;
  auto arena = std::make_unique<D::Arena>();
  const Image img = astronaut();
  REQUIRE(D{}.prepare(img.view(), *arena).has_value());
  for (std::size_t i = 0; i < arena->rgb.size(); i += 997)
    CHECK(int(arena->input.data[i]) == int(arena->rgb[i]) - 128);
}

TEST_CASE("images without faces and degenerate images") {
  facenn::FaceDetector detector;
  auto arena = std::make_unique<facenn::FaceDetector::Arena>();
  std::array<det::Detection, 5> out{};
  const Image gray(200, 100, facenn::Rgb{128, 128, 128});
  auto n = detector.detect(gray.view(), out, *arena);
  REQUIRE(n.has_value());
  CHECK(*n == 0);
  const Image one(1, 1, facenn::Rgb{1, 2, 3});
  n = detector.detect(one.view(), out, *arena);
  REQUIRE(n.has_value());
  CHECK(*n == 0);
  CHECK_FALSE(detector.detect(facenn::ImageView{}, out, *arena).has_value());
  // Zero capacity: nothing written, no error.
  n = detector.detect(astronaut().view(), std::span<det::Detection>{}, *arena);
  REQUIRE(n.has_value());
  CHECK(*n == 0);
}

#else
TEST_CASE("BlazeFace model not in this build" * doctest::skip()) {}
#endif
