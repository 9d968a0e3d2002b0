// BlazeFace post-processing: anchors, decoding, weighted NMS, letterbox removal, FaceMesh ROIs.
// Hand-built cases check the arithmetic; the "real outputs" cases decode the raw heads that MediaPipe's
// BlazeFace short-range (ONNX, onnxruntime) produced for examples/data/astronaut.png and compare with
// the independent numpy implementation in make_blazeface_ref.py (tests/detection/data/).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <facenn/detection/anchors.hpp>
#include <facenn/detection/blazeface.hpp>
#include <facenn/detection/face_roi.hpp>

#include <cmath>
#include <fstream>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

namespace det = facenn::detection;
using det::Detection;
using facenn::Point2f;

namespace {

struct Heads {
  std::vector<float> s16 = std::vector<float>(512, -50.0f), r16 = std::vector<float>(8192, 0.0f);
  std::vector<float> s8 = std::vector<float>(384, -50.0f), r8 = std::vector<float>(6144, 0.0f);
  det::BlazeFaceRawOutputs raw() const { return {s16, r16, s8, r8}; }
  float& score(std::size_t i) { return i < 512 ? s16[i] : s8[i - 512]; }
  float* reg(std::size_t i) { return i < 512 ? &r16[i * 16] : &r8[(i - 512) * 16]; }
};

std::vector<float> read_floats(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

const std::string kData = std::string(FACENN_SOURCE_DIR) + "/tests/detection/data/";

}  // namespace

TEST_CASE("anchors: 896, grid order, centres, unit size") {
  const auto& a = det::kBlazeFaceShortRangeAnchorTable;
  CHECK(a.size() == 896);
  CHECK(a[0].x_center == doctest::Approx(1.0 / 32));
  CHECK(a[0].y_center == doctest::Approx(1.0 / 32));
  CHECK(a[1].x_center == a[0].x_center);             // 2 anchors per 16x16 cell
  CHECK(a[2].x_center == doctest::Approx(3.0 / 32));
  CHECK(a[32].y_center == doctest::Approx(3.0 / 32));  // second row
  CHECK(a[511].x_center == doctest::Approx(31.0 / 32));
  CHECK(a[511].y_center == doctest::Approx(31.0 / 32));
  CHECK(a[512].x_center == doctest::Approx(1.0 / 16));  // 8x8 grid starts
  for (int k = 0; k < 6; ++k) CHECK(a[512 + k].x_center == a[512].x_center);
  CHECK(a[518].x_center == doctest::Approx(3.0 / 16));
  CHECK(a[895].x_center == doctest::Approx(15.0 / 16));
  CHECK(a[895].y_center == doctest::Approx(15.0 / 16));
  for (const auto& x : a) {
    CHECK(x.width == 1.0f);
    CHECK(x.height == 1.0f);
  }
}

TEST_CASE("decoding one anchor: box, keypoints, sigmoid score") {
  Heads h;
  auto scratch = std::make_unique<det::BlazeFaceScratch>();
  // 16x16 cell (x = 3, y = 5), second anchor: index (5 * 16 + 3) * 2 + 1 = 167, centre (3.5/16, 5.5/16).
  const std::size_t i = 167;
  h.score(i) = 2.0f;
  float* r = h.reg(i);
  r[0] = 12.8f;   // +0.1
  r[1] = -6.4f;   // -0.05
  r[2] = 25.6f;   // w 0.2
  r[3] = 38.4f;   // h 0.3
  for (int k = 0; k < 6; ++k) {
    r[4 + 2 * k] = 1.28f * static_cast<float>(k);
    r[5 + 2 * k] = -1.28f * static_cast<float>(k);
  }
  std::array<Detection, 4> out{};
  auto n = det::decode_blazeface(h.raw(), out, *scratch);
  REQUIRE(n.has_value());
  REQUIRE(*n == 1);
  const Detection& d = out[0];
  CHECK(d.score == doctest::Approx(1.0 / (1.0 + std::exp(-2.0))));
  CHECK(d.xmin == doctest::Approx(3.5 / 16 + 0.1 - 0.1));
  CHECK(d.ymin == doctest::Approx(5.5 / 16 - 0.05 - 0.15));
  CHECK(d.width == doctest::Approx(0.2));
  CHECK(d.height == doctest::Approx(0.3));
  for (int k = 0; k < 6; ++k) {
    CHECK(d.keypoints[std::size_t(k)].x == doctest::Approx(3.5 / 16 + 0.01 * k));
    CHECK(d.keypoints[std::size_t(k)].y == doctest::Approx(5.5 / 16 - 0.01 * k));
  }
  // The same in the 8x8 head: cell (7, 0), anchor 4 -> 512 + 7 * 6 + 4 = 558, centre (15/16, 1/16).
  Heads g;
  g.score(558) = 0.0f;  // sigmoid(0) = 0.5 == min score: kept
  g.reg(558)[2] = 12.8f;
  g.reg(558)[3] = 12.8f;
  n = det::decode_blazeface(g.raw(), out, *scratch);
  REQUIRE(n.has_value());
  REQUIRE(*n == 1);
  CHECK(out[0].score == 0.5f);
  CHECK(out[0].center().x == doctest::Approx(15.0 / 16));
  CHECK(out[0].center().y == doctest::Approx(1.0 / 16));
}

TEST_CASE("scores: clipping, threshold, NaN; negative sizes dropped") {
  Heads h;
  auto scratch = std::make_unique<det::BlazeFaceScratch>();
  h.score(0) = 1e30f;                        // clipped to 100 -> 1.0
  h.reg(0)[2] = h.reg(0)[3] = 10.0f;
  h.score(100) = std::nanf("");              // ignored
  h.reg(100)[2] = h.reg(100)[3] = 10.0f;
  h.score(200) = -0.01f;                     // 0.4975 < 0.5
  h.reg(200)[2] = h.reg(200)[3] = 10.0f;
  h.score(300) = 5.0f;                       // negative width: dropped
  h.reg(300)[2] = -10.0f;
  h.reg(300)[3] = 10.0f;
  h.score(400) = 5.0f;                       // infinite regressor: dropped
  h.reg(400)[0] = INFINITY;
  auto n = det::decode_blazeface_candidates(h.raw(), *scratch);
  REQUIRE(n.has_value());
  CHECK(*n == 1);
  CHECK(scratch->candidates[0].score == 1.0f);
  // Wrong head sizes are an error, not a read past the end.
  std::vector<float> small(10);
  det::BlazeFaceRawOutputs bad{small, h.r16, h.s8, h.r8};
  CHECK_FALSE(det::decode_blazeface_candidates(bad, *scratch).has_value());
}

TEST_CASE("weighted NMS: overlapping boxes merge, weighted by score; distinct faces stay") {
  auto scratch = std::make_unique<det::BlazeFaceScratch>();
  auto make = [](float x, float y, float w, float h, float s, float kp) {
    Detection d;
    d.xmin = x; d.ymin = y; d.width = w; d.height = h; d.score = s;
    for (auto& k : d.keypoints) k = Point2f{kp, kp + 1};
    return d;
  };
  // Candidates in anchor order; scores deliberately not sorted.
  scratch->candidates[0] = make(0.10f, 0.10f, 0.20f, 0.20f, 0.6f, 1.0f);   // overlaps #1 (IoU 0.68)
  scratch->candidates[1] = make(0.12f, 0.10f, 0.20f, 0.20f, 0.9f, 2.0f);   // the top box
  scratch->candidates[2] = make(0.60f, 0.60f, 0.20f, 0.20f, 0.7f, 5.0f);   // separate face
  scratch->candidates[3] = make(0.25f, 0.10f, 0.20f, 0.20f, 0.8f, 9.0f);   // IoU with #1 = 0.26: not merged
  std::array<Detection, 8> out{};
  const std::size_t n = det::weighted_nms(*scratch, 4, out);
  REQUIRE(n == 3);
  // 1st: #1 (0.9) merged with #0 (0.6). #3 has a higher score than #2 but was not merged.
  CHECK(out[0].score == doctest::Approx(0.9));
  CHECK(out[0].xmin == doctest::Approx((0.12 * 0.9 + 0.10 * 0.6) / 1.5));
  CHECK(out[0].xmax() == doctest::Approx((0.32 * 0.9 + 0.30 * 0.6) / 1.5));
  CHECK(out[0].ymin == doctest::Approx(0.10));
  CHECK(out[0].keypoints[3].x == doctest::Approx((2.0 * 0.9 + 1.0 * 0.6) / 1.5));
  CHECK(out[0].keypoints[3].y == doctest::Approx((3.0 * 0.9 + 2.0 * 0.6) / 1.5));
  CHECK(out[1].score == doctest::Approx(0.8));
  CHECK(out[1].xmin == doctest::Approx(0.25));
  CHECK(out[2].score == doctest::Approx(0.7));
  CHECK(out[2].keypoints[0].x == doctest::Approx(5.0));
  // Capacity: only the best one.
  const std::size_t one = det::weighted_nms(*scratch, 4, std::span<Detection>(out.data(), 1));
  CHECK(one == 1);
  CHECK(out[0].score == doctest::Approx(0.9));
  // Plain NMS keeps the top box unchanged.
  det::BlazeFaceOptions plain;
  plain.weighted_nms = false;
  REQUIRE(det::weighted_nms(*scratch, 4, out, plain) == 3);
  CHECK(out[0].xmin == doctest::Approx(0.12));
  // Nothing in, nothing out.
  CHECK(det::weighted_nms(*scratch, 0, out) == 0);
}

TEST_CASE("IoU") {
  Detection a, b;
  a.xmin = 0; a.ymin = 0; a.width = 2; a.height = 2;
  b.xmin = 1; b.ymin = 1; b.width = 2; b.height = 2;
  CHECK(det::iou(a, b) == doctest::Approx(1.0 / 7.0));
  CHECK(det::iou(a, a) == 1.0f);
  b.xmin = 2;  // touching edges
  CHECK(det::iou(a, b) == 0.0f);
  Detection z;  // zero area
  CHECK(det::iou(z, z) == 0.0f);
}

TEST_CASE("real BlazeFace outputs decode like the independent numpy implementation") {
  for (const char* name : {"astronaut", "pair"}) {
    CAPTURE(name);
    const auto reg = read_floats(kData + name + "_regressors.bin");
    const auto cls = read_floats(kData + name + "_classificators.bin");
    REQUIRE(reg.size() == 896 * 16);
    REQUIRE(cls.size() == 896);
    // The ONNX model concatenates the heads; split them back (anchor order is the same).
    const det::BlazeFaceRawOutputs raw{std::span<const float>(cls.data(), 512), std::span<const float>(reg.data(), 8192),
                                       std::span<const float>(cls.data() + 512, 384),
                                       std::span<const float>(reg.data() + 8192, 6144)};
    std::ifstream ef(kData + name + "_expected.txt");
    REQUIRE(ef.good());
    int w = 0, h = 0, count = 0;
    ef >> w >> h >> count;
    auto scratch = std::make_unique<det::BlazeFaceScratch>();
    std::array<Detection, 16> out{};
    auto n = det::decode_blazeface(raw, out, *scratch);
    REQUIRE(n.has_value());
    REQUIRE(*n == static_cast<std::size_t>(count));
    const facenn::Letterbox lb = facenn::make_letterbox(w, h, 128);
    for (int i = 0; i < count; ++i) {
      std::vector<double> e(1 + 4 + 12 + 4 + 12);
      for (double& v : e) ef >> v;
      const Detection& d = out[std::size_t(i)];
      CHECK(d.score == doctest::Approx(e[0]).epsilon(1e-6));
      CHECK(d.xmin == doctest::Approx(e[1]).epsilon(1e-5));
      CHECK(d.ymin == doctest::Approx(e[2]).epsilon(1e-5));
      CHECK(d.width == doctest::Approx(e[3]).epsilon(1e-5));
      CHECK(d.height == doctest::Approx(e[4]).epsilon(1e-5));
      for (std::size_t k = 0; k < 6; ++k) {
        CHECK(d.keypoints[k].x == doctest::Approx(e[5 + 2 * k]).epsilon(1e-5));
        CHECK(d.keypoints[k].y == doctest::Approx(e[6 + 2 * k]).epsilon(1e-5));
      }
      const Detection p = det::remove_letterbox(d, lb);
      CHECK(p.xmin == doctest::Approx(e[17]).epsilon(1e-5));
      CHECK(p.ymin == doctest::Approx(e[18]).epsilon(1e-5));
      CHECK(p.width == doctest::Approx(e[19]).epsilon(1e-5));
      CHECK(p.height == doctest::Approx(e[20]).epsilon(1e-5));
      for (std::size_t k = 0; k < 6; ++k) {
        CHECK(p.keypoints[k].x == doctest::Approx(e[21 + 2 * k]).epsilon(1e-5));
        CHECK(p.keypoints[k].y == doctest::Approx(e[22 + 2 * k]).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("sanity of the astronaut detection: one face, eyes above the mouth, right eye image-left") {
  const auto reg = read_floats(kData + "astronaut_regressors.bin");
  const auto cls = read_floats(kData + "astronaut_classificators.bin");
  const det::BlazeFaceRawOutputs raw{std::span<const float>(cls.data(), 512), std::span<const float>(reg.data(), 8192),
                                     std::span<const float>(cls.data() + 512, 384),
                                     std::span<const float>(reg.data() + 8192, 6144)};
  auto scratch = std::make_unique<det::BlazeFaceScratch>();
  std::array<Detection, 5> out{};
  auto n = det::decode_blazeface(raw, out, *scratch);
  REQUIRE(n.has_value());
  REQUIRE(*n == 1);
  const Detection p = det::remove_letterbox(out[0], facenn::make_letterbox(512, 512, 128));
  CHECK(p.score > 0.9f);
  CHECK(p.keypoints[det::kRightEye].x < p.keypoints[det::kLeftEye].x);
  CHECK(p.keypoints[det::kRightEye].y < p.keypoints[det::kMouth].y);
  CHECK(p.xmin > 150.0f);
  CHECK(p.xmin + p.width < 300.0f);
}

TEST_CASE("FaceMesh ROI from a detection: centre, 1.5 x side, rotation from the eyes") {
  Detection d;
  d.xmin = 100; d.ymin = 50; d.width = 80; d.height = 60;
  d.keypoints[0] = {120, 70};
  d.keypoints[1] = {160, 70};
  auto r = det::face_roi_from_detection(d);
  REQUIRE(r.has_value());
  CHECK(r->cx == 140.0f);
  CHECK(r->cy == 80.0f);
  CHECK(r->width == 120.0f);
  CHECK(r->height == 120.0f);
  CHECK(r->rotation == 0.0f);
  // Image-right eye lower (y down): the face is rolled clockwise on screen -> positive rotation, and
  // the crop's x axis (cos r, sin r) points along the eye line.
  const double a = 30.0 * std::numbers::pi / 180.0;
  d.keypoints[1] = {static_cast<float>(120 + 40 * std::cos(a)), static_cast<float>(70 + 40 * std::sin(a))};
  r = det::face_roi_from_detection(d);
  REQUIRE(r.has_value());
  CHECK(r->rotation == doctest::Approx(a).epsilon(1e-6));
  // Upside down: +-pi.
  d.keypoints[1] = {80, 70};
  r = det::face_roi_from_detection(d);
  REQUIRE(r.has_value());
  CHECK(std::fabs(r->rotation) == doctest::Approx(std::numbers::pi).epsilon(1e-6));
  // Degenerate boxes.
  Detection z;
  CHECK_FALSE(det::face_roi_from_detection(z).has_value());
  CHECK(det::normalize_radians(float(3 * std::numbers::pi)) == doctest::Approx(-std::numbers::pi).epsilon(1e-6));
  CHECK(det::normalize_radians(0.5f) == doctest::Approx(0.5));
  CHECK(det::normalize_radians(-7.0f) == doctest::Approx(-7.0 + 2 * std::numbers::pi).epsilon(1e-6));
}

TEST_CASE("tracking ROI from landmarks and projection of mesh coordinates") {
  std::vector<facenn::Point3f> lm(468, facenn::Point3f{50, 50, 0});
  lm[0] = {10, 20, 0};
  lm[1] = {90, 100, 0};
  lm[33] = {30, 40, 0};
  lm[263] = {70, 40, 0};
  auto r = det::face_roi_from_landmarks(std::span<const facenn::Point3f>(lm));
  REQUIRE(r.has_value());
  CHECK(r->cx == 50.0f);
  CHECK(r->cy == 60.0f);
  CHECK(r->width == 120.0f);
  CHECK(r->rotation == 0.0f);
  CHECK_FALSE(det::face_roi_from_landmarks(std::span<const facenn::Point3f>(lm.data(), 10)).has_value());

  // Rotation 0, side 192 at centre (100.5, 50.5): crop pixels map 1:1, crop centre (96, 96) -> centre.
  const facenn::RotatedRect roi{100.5f, 50.5f, 192.0f, 192.0f, 0.0f};
  const det::MeshProjection proj(roi, 192);
  auto p = proj(96.0f, 96.0f, 10.0f);
  CHECK(p.x == doctest::Approx(100.5));
  CHECK(p.y == doctest::Approx(50.5));
  CHECK(p.z == doctest::Approx(10.0));
  p = proj(0.0f, 0.0f, 0.0f);  // the crop's outer corner
  CHECK(p.x == doctest::Approx(100.5 - 96));
  CHECK(p.y == doctest::Approx(50.5 - 96));
  // Rotation 90 degrees, side 96: crop x runs down the image, z scales by 0.5.
  const det::MeshProjection rot(facenn::RotatedRect{0.0f, 0.0f, 96.0f, 96.0f, float(std::numbers::pi / 2)}, 192);
  p = rot(192.0f, 96.0f, 4.0f);  // right edge centre of the crop
  CHECK(p.x == doctest::Approx(0.0).epsilon(1e-5));
  CHECK(p.y == doctest::Approx(48.0));
  CHECK(p.z == doctest::Approx(2.0));
}
