// <facenn/face_embedder.hpp>: alignment, the embedder wrapper (against the converter's golden descriptors),
// distances and the verification decision. Real photos end to end: tests/cli (verify_*).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <facenn/face_embedder.hpp>

#include "faceapi_golden.hpp"

using namespace facenn;
using faceapi_test::read_golden;

namespace {
constexpr const char* kModel = "face_embedder";

FaceEmbedding unit(std::vector<float> v) {
  REQUIRE(v.size() == kFaceEmbeddingSize);
  double n = 0.0;
  for (float x : v) n += double(x) * x;
  FaceEmbedding e{};
  for (std::size_t i = 0; i < e.size(); ++i) e[i] = static_cast<float>(v[i] / std::sqrt(n));
  return e;
}

// The golden chip 0 as RGB bytes (the golden input is q = pixel - 128).
std::vector<std::uint8_t> golden_chip() {
  const auto q = read_golden<std::int8_t>(kModel, "input_0_s8");
  REQUIRE(q.size() == kFaceChipBytes);
  std::vector<std::uint8_t> rgb(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) rgb[i] = static_cast<std::uint8_t>(int{q[i]} + 128);
  return rgb;
}

double max_abs_diff(const FaceEmbedding& a, const FaceEmbedding& b) {
  double m = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(double(a[i]) - double(b[i])));
  return m;
}
}  // namespace

TEST_CASE("distance and decision") {
  FaceEmbedding a{}, b{};
  a[0] = 1.0f;
  b[1] = 1.0f;
  CHECK(face_distance(a, a) == 0.0f);
  CHECK(face_distance(a, b) == doctest::Approx(std::sqrt(2.0)));
  const FaceVerification same = FaceEmbedder::verify(a, a);
  CHECK(same.same);
  CHECK(same.threshold == FaceEmbedder::kDefaultThreshold);
  CHECK_FALSE(FaceEmbedder::verify(a, b).same);
  // the threshold is inclusive, and a caller's threshold is used as given
  FaceEmbedding c{};
  c[0] = 0.6f;
  c[1] = 0.8f;  // unit; |a - c| = sqrt(0.16 + 0.64)
  const float d = face_distance(a, c);
  CHECK(verify_faces(a, c, d).same);
  CHECK_FALSE(verify_faces(a, c, std::nextafter(d, 0.0f)).same);
  // non-finite embeddings are never the same person
  FaceEmbedding n = a;
  n[3] = std::numeric_limits<float>::quiet_NaN();
  CHECK_FALSE(verify_faces(n, a).same);
  // the default threshold lies strictly inside the range of unit-vector distances
  CHECK(kFaceVerificationThreshold > 0.0f);
  CHECK(kFaceVerificationThreshold < 2.0f);
}

TEST_CASE("align_face_chip: the template's own points give the identity warp") {
  // An image 150 x 150 whose 5 points sit exactly on the chip template: the chip is the image itself.
  const int s = kFaceChipSize;
  std::vector<std::uint8_t> img(kFaceChipBytes);
  std::mt19937 rng(3);
  for (auto& v : img) v = static_cast<std::uint8_t>(rng() & 0xff);
  const auto tmpl = geometry::dlib_chip_points(s, kFaceChipPadding);
  FaceAlignmentPoints five;
  for (std::size_t i = 0; i < 5; ++i) five[i] = {static_cast<float>(tmpl[i].x()), static_cast<float>(tmpl[i].y())};
  std::vector<std::uint8_t> chip(kFaceChipBytes);
  REQUIRE(align_face_chip(ImageView(img.data(), s, s), five, std::span<std::uint8_t, kFaceChipBytes>(chip.data(), kFaceChipBytes)) ==
          Status::Ok);
  int worst = 0;
  for (std::size_t i = 0; i < chip.size(); ++i) worst = std::max(worst, std::abs(int{chip[i]} - int{img[i]}));
  // the template is stored in float here: sub-1e-5 px offsets may move a bilinear sample by one level
  CHECK(worst <= 1);
}

TEST_CASE("align_face_chip: bad input is an error, not a crash") {
  std::vector<std::uint8_t> img(64 * 64 * 3, 100), chip(kFaceChipBytes);
  const std::span<std::uint8_t, kFaceChipBytes> out(chip.data(), kFaceChipBytes);
  FaceAlignmentPoints five{{{20, 20}, {28, 20}, {44, 20}, {36, 20}, {32, 35}}};
  CHECK(align_face_chip(ImageView(img.data(), 64, 64), five, out) == Status::Ok);
  CHECK(align_face_chip(ImageView(), five, out) == Status::EmptyImage);
  FaceAlignmentPoints nan = five;
  nan[2].x = std::numeric_limits<float>::quiet_NaN();
  CHECK(align_face_chip(ImageView(img.data(), 64, 64), nan, out) == Status::NonFinite);
  FaceAlignmentPoints same{};  // all five at one point
  CHECK(align_face_chip(ImageView(img.data(), 64, 64), same, out) == Status::Degenerate);
  std::vector<Point3f> mesh(100);
  FaceAlignmentPoints p;
  CHECK(dlib5_points_from_facemesh(mesh, p) == Status::InvalidArgument);  // fewer than 468 points
}

TEST_CASE("FaceEmbedder (int8) on a golden chip: the golden int8 descriptor, scaled to unit length") {
  using Q = output_spec_t<models::FaceEmbedderNet<Int8>>::quant;
  const auto chip = golden_chip();
  const auto q = read_golden<std::int8_t>(kModel, "int8_0_descriptor_s8");
  REQUIRE(q.size() == kFaceEmbeddingSize);
  std::vector<float> deq(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) deq[i] = float(int{q[i]} - Q::zero_point) * Q::scale;
  const FaceEmbedding want = unit(deq);

  auto arena = std::make_unique<FaceEmbedder::Arena>();
  FaceEmbedding got{};
  REQUIRE(FaceEmbedder{}.embed_chip(std::span<const std::uint8_t, kFaceChipBytes>(chip.data(), kFaceChipBytes), got, *arena) ==
          Status::Ok);
  CHECK(max_abs_diff(got, want) <= 1e-6);
  double n = 0.0;
  for (float v : got) n += double(v) * v;
  CHECK(std::sqrt(n) == doctest::Approx(1.0).epsilon(1e-6));

  // The float embedder on the same chip: the original TFJS descriptor's direction, and close to int8.
  auto farena = std::make_unique<FaceEmbedderFloat::Arena>();
  FaceEmbedding fgot{};
  REQUIRE(FaceEmbedderFloat{}.embed_chip(std::span<const std::uint8_t, kFaceChipBytes>(chip.data(), kFaceChipBytes), fgot,
                                         *farena) == Status::Ok);
  const FaceEmbedding tfjs = unit(read_golden<float>(kModel, "tfjs_0_descriptor_f32"));
  CHECK(max_abs_diff(fgot, tfjs) <= 1e-5);
  const float d = face_distance(got, fgot);
  MESSAGE("golden chip 0: distance(int8, float) = " << d);
  CHECK(d <= 0.05f);  // cosine >= 0.99875
}
