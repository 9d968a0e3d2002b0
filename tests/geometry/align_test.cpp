// Eigen::umeyama (the reference below) trips GCC 12 false positives inside Eigen's SSE code; silence them
// for this file only (before any include, since the warnings point into the intrinsics headers).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

#include <Eigen/Geometry>

#include <facenn/geometry/align.hpp>

using namespace facenn::geometry;

namespace {
Affine2 similarity(double s, double angle, Eigen::Vector2d t) {
  Affine2 a;
  a.A = s * Eigen::Rotation2Dd(angle).toRotationMatrix();
  a.b = t;
  return a;
}
}  // namespace

TEST_CASE("estimate_similarity recovers a known similarity (Umeyama)") {
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(-100.0, 100.0);
  const Affine2 truth = similarity(1.7, 0.6, {12.0, -30.0});
  std::vector<Eigen::Vector2d> src, dst;
  for (int i = 0; i < 68; ++i) {
    src.emplace_back(u(rng), u(rng));
    dst.push_back(truth(src.back()));
  }
  Affine2 est;
  REQUIRE(estimate_similarity(src, dst, &est) == Status::Ok);
  CHECK((est.A - truth.A).norm() < 1e-12);
  CHECK((est.b - truth.b).norm() < 1e-10);
  CHECK(est.scale() == doctest::Approx(1.7));
  CHECK(est.angle() == doctest::Approx(0.6));
  // inverse
  const Affine2 inv = est.inverse();
  CHECK((inv(dst[5]) - src[5]).norm() < 1e-10);
  // two points are enough
  REQUIRE(estimate_similarity(std::span(src).first(2), std::span(dst).first(2), &est) == Status::Ok);
  CHECK((est.A - truth.A).norm() < 1e-12);
}

TEST_CASE("estimate_similarity equals Eigen::umeyama on noisy points") {
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> u(-50.0, 50.0);
  std::normal_distribution<double> noise(0.0, 3.0);
  for (int k = 0; k < 100; ++k) {
    const Affine2 truth = similarity(0.5 + std::abs(u(rng)) / 25.0, u(rng) / 10.0, {u(rng), u(rng)});
    Eigen::Matrix<double, 2, 7> s, d;
    std::vector<Eigen::Vector2d> src, dst;
    for (int i = 0; i < 7; ++i) {
      src.emplace_back(u(rng), u(rng));
      dst.push_back(truth(src.back()) + Eigen::Vector2d(noise(rng), noise(rng)));
      s.col(i) = src.back();
      d.col(i) = dst.back();
    }
    const Eigen::Matrix3d ref = Eigen::umeyama(s, d, true);
    Affine2 est;
    REQUIRE(estimate_similarity(src, dst, &est) == Status::Ok);
    CHECK((est.A - ref.topLeftCorner<2, 2>()).norm() < 1e-12);
    CHECK((est.b - ref.topRightCorner<2, 1>()).norm() < 1e-10);
  }
}

TEST_CASE("estimate_similarity statuses") {
  Affine2 a;
  const std::vector<Eigen::Vector2d> one = {{1, 1}}, same = {{1, 1}, {1, 1}, {1, 1}}, tri = {{0, 0}, {1, 0}, {0, 1}};
  CHECK(estimate_similarity(one, one, &a) == Status::TooFewPoints);
  CHECK(estimate_similarity(same, tri, &a) == Status::Degenerate);
  CHECK(estimate_similarity(tri, same, &a) == Status::Degenerate);
  CHECK(estimate_similarity(tri, one, &a) == Status::InvalidArgument);
  std::vector<Eigen::Vector2d> nan = tri;
  nan[1].y() = std::nan("");
  CHECK(estimate_similarity(tri, nan, &a) == Status::NonFinite);
}

TEST_CASE("dlib chip template: dlib's numbers, padded, scaled by size - 1") {
  const auto p = dlib_chip_points(150, 0.25);
  CHECK(p[0].x() == doctest::Approx((0.25 + 0.8595674595992) / 1.5 * 149.0));
  CHECK(p[4].y() == doctest::Approx((0.25 + 0.6277975316475) / 1.5 * 149.0));
  // landmarks exactly on a scaled, rotated, shifted template give back that transform
  const Affine2 truth = similarity(2.0, -0.3, {100.0, 50.0});
  std::array<Eigen::Vector2d, 5> five;
  for (std::size_t i = 0; i < 5; ++i) five[i] = truth(p[i]);
  Affine2 t;
  REQUIRE(dlib_chip_transform(five, 150, 0.25, &t) == Status::Ok);
  CHECK((t.A - truth.A).norm() < 1e-9);
  CHECK((t.b - truth.b).norm() < 1e-9);
}

TEST_CASE("ArcFace transform maps the template onto the landmarks") {
  const Affine2 truth = similarity(1.5, 0.2, {-20.0, 40.0});
  const auto tmpl = arcface_chip_points();
  std::array<Eigen::Vector2d, 5> five;
  for (std::size_t i = 0; i < 5; ++i) five[i] = truth(tmpl[i]);
  Affine2 t;
  REQUIRE(arcface_transform(five, &t) == Status::Ok);
  for (std::size_t i = 0; i < 5; ++i) CHECK((t(tmpl[i]) - five[i]).norm() < 1e-9);
}

TEST_CASE("warp_affine: identity, shifts, linear gradients, fill, supersampling") {
  const int w = 40, h = 30;
  std::vector<std::uint8_t> img(static_cast<std::size_t>(w * h * 3));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) img[static_cast<std::size_t>((y * w + x) * 3 + c)] = static_cast<std::uint8_t>(c == 0 ? 5 * x : c == 1 ? 7 * y : 100);
  const RgbView src{img.data(), w, h, w * 3};
  std::vector<std::uint8_t> out(static_cast<std::size_t>(w * h * 3));
  const RgbMutView dst{out.data(), w, h, w * 3};
  REQUIRE(warp_affine(src, Affine2{}, dst) == Status::Ok);
  CHECK(out == img);
  // half-pixel shift of a linear ramp: exact midpoints (5 * (x + 0.5) rounds half up... 2.5 -> 3)
  Affine2 shift;
  shift.b = {0.5, 0.0};
  std::vector<std::uint8_t> small(10 * 10 * 3);
  REQUIRE(warp_affine(src, shift, {small.data(), 10, 10, 30}) == Status::Ok);
  CHECK(small[0] == 3);        // 2.5 rounds to nearest (away from zero)
  CHECK(small[3 * 4] == 23);   // x = 4.5 -> 22.5
  CHECK(small[1] == 0);        // green = 7 * y, y = 0
  // outside the image: fill
  Affine2 away;
  away.b = {1000.0, 0.0};
  WarpOptions o;
  o.fill = {1, 2, 3};
  REQUIRE(warp_affine(src, away, {small.data(), 10, 10, 30}, o) == Status::Ok);
  CHECK(small[0] == 1);
  CHECK(small[299] == 3);
  // the image area reaches half a pixel beyond the outer pixel centres (edge pixels extend)
  Affine2 edge;
  edge.b = {-0.4, -0.4};
  REQUIRE(warp_affine(src, edge, {small.data(), 10, 10, 30}) == Status::Ok);
  CHECK(small[2] == 100);
  // supersampling a 1-pixel checkerboard down by 2 gives mid grey
  std::vector<std::uint8_t> checker(static_cast<std::size_t>(w * h * 3));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) checker[static_cast<std::size_t>((y * w + x) * 3 + c)] = (x + y) % 2 ? 255 : 0;
  Affine2 half;
  half.A *= 2.0;
  half.b = {0.5, 0.5};  // chip pixel (x, y) covers image pixels 2x, 2x + 1
  REQUIRE(warp_affine({checker.data(), w, h, w * 3}, half, {small.data(), 10, 10, 30}) == Status::Ok);  // auto: k = 2
  for (auto v : small) CHECK(std::abs(int(v) - 128) <= 1);
  o = {};
  o.supersample = 1;  // plain bilinear samples between pixels: also grey here, but at quarter points not
  half.b = {0.25, 0.25};
  REQUIRE(warp_affine({checker.data(), w, h, w * 3}, half, {small.data(), 10, 10, 30}, o) == Status::Ok);
  CHECK(std::abs(int(small[0]) - 128) > 20);
}

TEST_CASE("warp_affine and chips reject bad buffers and transforms") {
  std::vector<std::uint8_t> img(10 * 10 * 3), chip(150 * 150 * 3);
  const RgbView src{img.data(), 10, 10, 30};
  CHECK(warp_affine({nullptr, 10, 10, 30}, Affine2{}, {chip.data(), 10, 10, 30}) == Status::InvalidArgument);
  CHECK(warp_affine(src, Affine2{}, {chip.data(), 10, 10, 20}) == Status::InvalidArgument);
  Affine2 nan;
  nan.A(0, 0) = std::nan("");
  CHECK(warp_affine(src, nan, {chip.data(), 10, 10, 30}) == Status::NonFinite);
  std::vector<float> mesh(468 * 3, 0.0f);
  CHECK(extract_dlib_chip(src, {mesh.data(), 468, 3}, {chip.data(), 150, 149, 450}) == Status::InvalidArgument);
  CHECK(extract_dlib_chip(src, {mesh.data(), 68, 3}, {chip.data(), 150, 150, 450}) == Status::InvalidArgument);
  CHECK(extract_dlib_chip(src, {mesh.data(), 468, 3}, {chip.data(), 150, 150, 450}) == Status::Degenerate);
  CHECK(extract_arcface_chip(src, {mesh.data(), 468, 3}, {chip.data(), 150, 150, 450}) == Status::InvalidArgument);
}

TEST_CASE("extract_dlib_chip puts the landmarks on the template") {
  // A synthetic face: FaceMesh points 263, 362, 33, 133, 2 placed where a similarity puts dlib's template,
  // each marked by a bright 3 x 3 square in a 300 x 300 image.
  const Affine2 truth = similarity(1.6, 0.25, {40.0, 30.0});
  const auto tmpl = dlib_chip_points(150, 0.25);
  std::vector<float> mesh(468 * 2, 0.0f);
  std::vector<std::uint8_t> img(300 * 300 * 3, 0);
  for (std::size_t i = 0; i < 5; ++i) {
    const Eigen::Vector2d p = truth(tmpl[i]);
    mesh[2 * kDlib5FaceMeshVertex[i]] = static_cast<float>(p.x());
    mesh[2 * kDlib5FaceMeshVertex[i] + 1] = static_cast<float>(p.y());
    const int cx = static_cast<int>(std::lround(p.x())), cy = static_cast<int>(std::lround(p.y()));
    for (int y = cy - 1; y <= cy + 1; ++y)
      for (int x = cx - 1; x <= cx + 1; ++x) img[static_cast<std::size_t>((y * 300 + x) * 3)] = 255;
  }
  std::vector<std::uint8_t> chip(150 * 150 * 3);
  Affine2 t;
  REQUIRE(extract_dlib_chip({img.data(), 300, 300, 900}, {mesh.data(), 468, 2}, {chip.data(), 150, 150, 450}, 0.25, {}, &t) == Status::Ok);
  CHECK((t.A - truth.A).norm() < 1e-5);
  for (std::size_t i = 0; i < 5; ++i) {
    const int x = static_cast<int>(std::lround(tmpl[i].x())), y = static_cast<int>(std::lround(tmpl[i].y()));
    CHECK(chip[static_cast<std::size_t>((y * 150 + x) * 3)] > 100);
  }
}
