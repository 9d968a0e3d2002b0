// facenn::Landmarks35 (include/facenn/landmarks35.hpp) with the real FaceMesh network on
// examples/data/astronaut.png: the 35 points are bit-identical to the mapped FaceMesh vertices, the normalized
// (OpenVINO) form round-trips, bad inputs are error values, and the points mean what OpenVINO's order says.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>

#include <facenn/image/io.hpp>
#include <facenn/landmarks35.hpp>
#include <facenn/pipeline/face_detector.hpp>

// Heap allocations made while `g_counting` is set (the header path must make none).
namespace {
std::atomic<bool> g_counting{false};
std::atomic<int> g_allocations{0};
}  // namespace
// (the replacements pair malloc with free by design, as in tests/core/no_allocation_test.cpp)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace facenn;
namespace lm = facenn::landmarks;

namespace {

Image astronaut() {
  auto img = load_image(std::string(FACENN_SOURCE_DIR) + "/examples/data/astronaut.png");
  REQUIRE(img.has_value());
  return std::move(*img);
}

detection::Detection detect_one(const Image& img) {
  auto arena = std::make_unique<FaceDetector::Arena>();
  std::array<detection::Detection, 4> faces{};
  auto n = FaceDetector{}.detect(img.view(), faces, *arena);
  REQUIRE(n.has_value());
  REQUIRE(*n == 1);
  return faces[0];
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

Image mirrored(const Image& img) {
  Image out(img.width(), img.height());
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x)
      for (int c = 0; c < 3; ++c) out.mutable_view().pixel(img.width() - 1 - x, y)[c] = img.view().pixel(x, y)[c];
  return out;
}

}  // namespace

TEST_CASE("the 35 points are the mapped FaceMesh vertices, bit for bit") {
  const Image img = astronaut();
  const detection::Detection det = detect_one(img);
  auto arena = std::make_unique<Landmarks35::Arena>();
  static_assert(Landmarks35::arena_bytes == sizeof(Landmarks35::Arena));

  // the same network and ROI through the FaceMesh pipeline directly
  using Mesh = Landmarks35::Mesh;
  auto mesh_arena = std::make_unique<Mesh::Arena>();
  auto mesh = std::make_unique<FaceMeshResult>();

  SUBCASE("from a detection (ROI turned by the eye keypoints)") {
    auto r = Landmarks35{}.run(img.view(), det, *arena);
    REQUIRE(r.has_value());
    auto roi = detection::face_roi_from_detection(det);
    REQUIRE(roi.has_value());
    REQUIRE(Mesh{}.estimate(img.view(), *roi, *mesh, *mesh_arena) == Status::Ok);
    int differing = 0;
    for (std::size_t k = 0; k < kLandmarks35Points; ++k) {
      const Point3f& v = mesh->landmarks[lm::kPoints35Vertex[k]];
      differing += same_bits(r->points[k].x, v.x) && same_bits(r->points[k].y, v.y) ? 0 : 1;
    }
    CHECK(differing == 0);
    CHECK(same_bits(r->score, mesh->score));
    CHECK(r->score > 0.9f);
    CHECK(r->box.x == det.xmin);
    CHECK(r->box.width == det.width);
  }
  SUBCASE("from a plain box (upright ROI, 1.5 x the box)") {
    const FaceBox box{det.xmin, det.ymin, det.width, det.height};
    auto r = Landmarks35{}.run(img.view(), box, *arena);
    REQUIRE(r.has_value());
    const RotatedRect roi{box.x + 0.5f * box.width, box.y + 0.5f * box.height, 1.5f * std::max(box.width, box.height),
                          1.5f * std::max(box.width, box.height), 0.0f};
    REQUIRE(Mesh{}.estimate(img.view(), roi, *mesh, *mesh_arena) == Status::Ok);
    int differing = 0;
    for (std::size_t k = 0; k < kLandmarks35Points; ++k) {
      const Point3f& v = mesh->landmarks[lm::kPoints35Vertex[k]];
      differing += same_bits(r->points[k].x, v.x) && same_bits(r->points[k].y, v.y) ? 0 : 1;
    }
    CHECK(differing == 0);
  }
}

TEST_CASE("the normalized 70-float form is relative to the box and round-trips") {
  const Image img = astronaut();
  const detection::Detection det = detect_one(img);
  auto arena = std::make_unique<Landmarks35::Arena>();
  auto r = Landmarks35{}.run(img.view(), det, *arena);
  REQUIRE(r.has_value());
  const auto n = r->normalized();
  // x0, y0, x1, y1, ...: p0 by hand
  CHECK(n[0] == doctest::Approx((r->points[0].x - det.xmin) / det.width).epsilon(1e-6));
  CHECK(n[1] == doctest::Approx((r->points[0].y - det.ymin) / det.height).epsilon(1e-6));
  // eyes, nose and mouth lie inside the detection box; the contour may leave it
  for (std::size_t k = 0; k < 12; ++k) {
    CHECK(n[2 * k] > 0.0f);
    CHECK(n[2 * k] < 1.0f);
    CHECK(n[2 * k + 1] > 0.0f);
    CHECK(n[2 * k + 1] < 1.0f);
  }
  const auto back = landmarks35_from_normalized(n, r->box);
  float worst = 0.0f;
  for (std::size_t k = 0; k < kLandmarks35Points; ++k)
    worst = std::max({worst, std::abs(back[k].x - r->points[k].x), std::abs(back[k].y - r->points[k].y)});
  MESSAGE("normalized round trip: max error " << worst << " px");
  CHECK(worst < 1e-4f);  // float rounding of a 512 px image: a few ulps of ~300
}

TEST_CASE("a ready face crop: its outer edges are the box") {
  const Image img = astronaut();
  const detection::Detection det = detect_one(img);
  // the detection box, enlarged as OpenVINO demos crop faces, copied out as its own image
  const int x0 = static_cast<int>(det.xmin - 0.2f * det.width), y0 = static_cast<int>(det.ymin - 0.2f * det.height);
  const int w = static_cast<int>(1.4f * det.width), h = static_cast<int>(1.4f * det.height);
  REQUIRE(x0 >= 0);
  REQUIRE(y0 >= 0);
  const Image crop(ImageView(img.view().pixel(x0, y0), w, h, img.view().stride));
  auto arena = std::make_unique<Landmarks35::Arena>();
  auto r = Landmarks35{}.run(crop.view(), *arena);
  REQUIRE(r.has_value());
  CHECK(r->box.x == -0.5f);
  CHECK(r->box.y == -0.5f);
  CHECK(r->box.width == static_cast<float>(w));
  CHECK(r->box.height == static_cast<float>(h));
  const auto n = r->normalized();
  CHECK(n[8] == doctest::Approx((r->points[4].x + 0.5f) / static_cast<float>(w)).epsilon(1e-6));
  // the same crop region of the full image, as a box: same face, the same points up to the border content
  // (the FaceMesh ROI, 1.5x the crop, sees replicated crop edges instead of the photo there)
  const FaceBox box{static_cast<float>(x0) - 0.5f, static_cast<float>(y0) - 0.5f, static_cast<float>(w), static_cast<float>(h)};
  auto full = Landmarks35{}.run(img.view(), box, *arena);
  REQUIRE(full.has_value());
  const auto nf = full->normalized();
  float worst = 0.0f;
  for (std::size_t k = 0; k < 18; ++k) worst = std::max({worst, std::abs(n[2 * k] - nf[2 * k]), std::abs(n[2 * k + 1] - nf[2 * k + 1])});
  MESSAGE("crop vs image + box, eyes / nose / mouth / brows: max difference " << worst << " of the crop");
  CHECK(worst < 0.03f);
}

TEST_CASE("bad inputs are error values") {
  const Image img = astronaut();
  auto arena = std::make_unique<Landmarks35::Arena>();
  const Landmarks35 net;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto status = [&](ImageView v, FaceBox b) {
    auto r = net.run(v, b, *arena);
    return r.has_value() ? Status::Ok : r.error().status;
  };
  CHECK(status(ImageView{}, {100, 100, 50, 50}) == Status::EmptyImage);
  CHECK(status(img.view(), {100, 100, 0, 50}) == Status::Degenerate);                // empty box
  CHECK(status(img.view(), {100, 100, 50, -3}) == Status::Degenerate);
  CHECK(status(img.view(), {nan, 100, 50, 50}) == Status::NonFinite);
  CHECK(status(img.view(), {100, 100, std::numeric_limits<float>::infinity(), 50}) == Status::NonFinite);
  CHECK(status(img.view(), {600, 100, 50, 50}) == Status::InvalidArgument);          // right of the image
  CHECK(status(img.view(), {100, -80, 50, 50}) == Status::InvalidArgument);          // above it
  CHECK(status(img.view(), {-60.5f, 100, 60, 50}) == Status::InvalidArgument);       // touches the left edge only
  const Image tiny(4, 4, Rgb{120, 100, 90});
  CHECK(status(tiny.view(), {0, 0, 3, 3}) == Status::InvalidArgument);               // image too small
  auto r = net.run(tiny.view(), *arena);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().status == Status::InvalidArgument);
  CHECK(std::string(r.error().message).find("too small") != std::string::npos);
  detection::Detection bad_eyes{};
  bad_eyes.xmin = 100;
  bad_eyes.ymin = 100;
  bad_eyes.width = 80;
  bad_eyes.height = 80;
  bad_eyes.keypoints[0] = {nan, 0.0f};
  auto e = net.run(img.view(), bad_eyes, *arena);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().status == Status::NonFinite);
  // a box partly outside the image is fine (FaceMesh replicates the border)
  CHECK(status(img.view(), {-20, -20, 200, 200}) == Status::Ok);
}

TEST_CASE("the points mean what OpenVINO's order says (astronaut, and its mirror image)") {
  const Image img = astronaut();
  const detection::Detection det = detect_one(img);
  auto arena = std::make_unique<Landmarks35::Arena>();
  g_allocations = 0;
  g_counting = true;
  auto r = Landmarks35{}.run(img.view(), det, *arena);
  g_counting = false;
  CHECK(g_allocations == 0);
  REQUIRE(r.has_value());
  const auto& p = r->points;
  // eyes: image-left eye (p0 inner, p1 outer) left of the image-right eye (p2 inner, p3 outer)
  CHECK(p[1].x < p[0].x);
  CHECK(p[0].x < p[2].x);
  CHECK(p[2].x < p[3].x);
  const float eye_y = (p[0].y + p[1].y + p[2].y + p[3].y) / 4, mouth_y = (p[8].y + p[9].y) / 2;
  const float eye_dist = p[3].x - p[1].x;
  CHECK(eye_dist > 40.0f);  // the astronaut's face is ~150 px wide
  // nose between the eyes and the mouth, and between the eyes horizontally
  CHECK(eye_y < p[4].y);
  CHECK(p[4].y < p[5].y);
  CHECK(p[5].y < mouth_y);
  CHECK(p[0].x < p[4].x);
  CHECK(p[4].x < p[2].x);
  CHECK(p[6].x < p[5].x);  // nose wings around the septum
  CHECK(p[5].x < p[7].x);
  // mouth: corners left / right, upper lip above lower lip
  CHECK(p[8].x < p[10].x);
  CHECK(p[10].x < p[9].x);
  CHECK(p[10].y < p[11].y);
  // brows above the eyes, image-left brow (p12 outer .. p14 inner) left of the image-right one (p15 inner .. p17 outer)
  for (std::size_t k = 12; k < 18; ++k) CHECK(p[k].y < eye_y);
  CHECK(p[12].x < p[13].x);
  CHECK(p[13].x < p[14].x);
  CHECK(p[14].x < p[15].x);
  CHECK(p[15].x < p[16].x);
  CHECK(p[16].x < p[17].x);
  // contour: p18 (image-left temple) down to the chin p26, up to p34 (image-right temple); the chin lowest
  for (std::size_t k = 18; k < 26; ++k) CHECK(p[k].y < p[k + 1].y);
  for (std::size_t k = 26; k < 34; ++k) CHECK(p[k].y > p[k + 1].y);
  CHECK(p[18].x < p[1].x);
  CHECK(p[34].x > p[3].x);
  CHECK(p[26].y > p[11].y);

  // the mirror image: point k of the mirrored face is point kPoints35Mirror[k] of the original, x reflected
  const Image flipped = mirrored(img);
  const detection::Detection fdet = detect_one(flipped);
  auto f = Landmarks35{}.run(flipped.view(), fdet, *arena);
  REQUIRE(f.has_value());
  double sum = 0.0;
  for (std::size_t k = 0; k < kLandmarks35Points; ++k) {
    const Point2f& q = f->points[lm::kPoints35Mirror[k]];
    sum += std::hypot(static_cast<double>(img.width() - 1) - q.x - p[k].x, static_cast<double>(q.y - p[k].y));
  }
  const double mean = sum / kLandmarks35Points / eye_dist;
  MESSAGE("mirrored image vs original: mean point distance " << 100 * mean << " % of the eye distance");
  CHECK(mean < 0.05);
}
