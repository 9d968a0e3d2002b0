// facenn::Landmarks68 / Landmarks68Tiny (include/facenn/landmarks68.hpp): face-api's crop geometry, the whole
// pipeline against the converters' golden outputs, the mirrored pass (stability score) and error values.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <facenn/image/io.hpp>
#include <facenn/landmarks68.hpp>
#include <facenn/pipeline/face_detector.hpp>

#include "../models/golden_io.hpp"

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

Image mirrored(const Image& img) {
  Image out(img.width(), img.height());
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x)
      for (int c = 0; c < 3; ++c) out.mutable_view().pixel(img.width() - 1 - x, y)[c] = img.view().pixel(x, y)[c];
  return out;
}

// golden crop k of models/<model>/golden (int8 input q = pixel - 128) as a 112x112 image
Image golden_crop(const char* model, int k) {
  const auto q = test::read_raw<std::int8_t>(test::model_golden(model, "input_" + std::to_string(k) + "_s8"));
  REQUIRE(q.size() == 112u * 112u * 3u);
  Image img(112, 112);
  for (std::size_t i = 0; i < q.size(); ++i) img.bytes()[i] = static_cast<std::uint8_t>(q[i] + 128);
  return img;
}

template <class Pipeline, class Net>
void check_golden(const char* model) {
  auto arena = std::make_unique<typename Pipeline::Arena>();
  for (int k = 0; k < 3; ++k) {
    CAPTURE(k);
    const Image crop = golden_crop(model, k);
    auto r = Pipeline{}.run(crop.view(), *arena);
    REQUIRE(r.has_value());
    // 112 x 112: face-api's crop is the identity, so the points are the golden outputs * 112
    std::vector<float> want(136);
    if constexpr (std::is_same_v<typename Net::input_spec::element, Int8>) {
      const auto q = test::read_raw<std::int8_t>(test::model_golden(model, "int8_" + std::to_string(k) + "_landmarks_s8"));
      REQUIRE(q.size() == 136);
      using Q = typename output_spec_t<Net>::quant;
      for (std::size_t i = 0; i < 136; ++i)
        want[i] = static_cast<float>(static_cast<std::int32_t>(q[i]) - static_cast<std::int32_t>(Q::zero_point)) *
                  static_cast<float>(Q::scale);
    } else {
      want = test::read_raw<float>(test::model_golden(model, "float_" + std::to_string(k) + "_landmarks_f32"));
      REQUIRE(want.size() == 136);
    }
    double worst = 0.0;
    for (std::size_t i = 0; i < 68; ++i) {
      worst = std::max(worst, std::abs(double(r->points[i].x) - double(want[2 * i]) * 112.0));
      worst = std::max(worst, std::abs(double(r->points[i].y) - double(want[2 * i + 1]) * 112.0));
    }
    CHECK(worst < 2e-4);  // int8: the golden bytes exactly; float: the numpy float reference
    CHECK(r->crop.x == -0.5f);
    CHECK(r->crop.width == 112.0f);
  }
}

}  // namespace

TEST_CASE("face-api crop geometry: floor, clip, centred padding with JavaScript rounding") {
  // box (10, 20, 20, 30): pixels 10..29 x 20..49, 20 x 30 -> pad 10 columns, 5 / 5
  auto c = lm::faceapi_crop_geometry(100, 100, 10.0, 20.0, 20.0, 30.0);
  REQUIRE(c.has_value());
  CHECK(c->x0 == 10);
  CHECK(c->y0 == 20);
  CHECK(c->width == 20);
  CHECK(c->height == 30);
  CHECK(c->side == 30);
  CHECK(c->pad_x == 5);
  CHECK(c->pad_y == 0);
  // odd difference 21 x 30: Math.round(4.5) = 5 zeros after, 4 before
  c = lm::faceapi_crop_geometry(100, 100, 10.7, 20.2, 21.0, 30.0);  // floor(10.7) = 10 .. floor(31.7) = 31
  REQUIRE(c.has_value());
  CHECK(c->pad_x == 4);
  // floors (not rounds) the corners, and clips at the image
  c = lm::faceapi_crop_geometry(50, 40, -10.3, 30.9, 25.0, 30.0);
  REQUIRE(c.has_value());
  CHECK(c->x0 == 0);
  CHECK(c->width == 14);   // floor(-10.3 + 25) = 14
  CHECK(c->y0 == 30);      // floor(30.9)
  CHECK(c->height == 10);  // clipped at 40
  CHECK(c->side == 14);
  CHECK(c->pad_y == 2);  // diff 4: 2 after, 2 before
  // the net's output maps back through the padded square (face-api's postProcess)
  const Point2f p = lm::faceapi_point_to_image(0.5f, 0.0f, *c);
  CHECK(p.x == doctest::Approx(7.0 - 0 + 0));
  CHECK(p.y == doctest::Approx(0.0 - 2 + 30));
  CHECK(lm::faceapi_crop_geometry(50, 40, 60, 10, 5, 5).error().status == Status::InvalidArgument);
  CHECK(lm::faceapi_crop_geometry(50, 40, 1e30, 10, 5, 5).error().status == Status::InvalidArgument);  // no overflow
  CHECK(lm::faceapi_crop_geometry(50, 40, 10, 10, 0, 5).error().status == Status::Degenerate);
  CHECK(lm::faceapi_crop_geometry(50, 40, std::nan(""), 10, 5, 5).error().status == Status::NonFinite);
}

TEST_CASE("face-api crop pixels: tf.image.resizeBilinear without corner alignment, zero padding, mirror") {
  // a 2 x 1 patch (values 0, 200 in red) padded to 2 x 2 (zero row after it: diff 1 -> 1 after, 0 before)
  Image img(2, 1);
  img.mutable_view().pixel(0, 0)[0] = 0;
  img.mutable_view().pixel(1, 0)[0] = 200;
  auto c = lm::faceapi_crop_geometry(2, 1, 0.0, 0.0, 2.0, 1.0);
  REQUIRE(c.has_value());
  CHECK(c->pad_y == 0);
  std::array<float, 4 * 4 * 3> out{};
  REQUIRE(lm::faceapi_crop_pixels(img.view(), *c, 4, false, out) == Status::Ok);
  // source positions 0, 0.5, 1, 1.5 (clamped to the last column): red along the first row 0, 100, 200, 200
  CHECK(out[0] == 0.0f);
  CHECK(out[3] == 100.0f);
  CHECK(out[6] == 200.0f);
  CHECK(out[9] == 200.0f);
  // second output row samples source row 0.5: half of the zero padding row
  CHECK(out[4 * 3 + 3] == 50.0f);
  // rows 2 and 3 read the padding row only
  CHECK(out[2 * 4 * 3 + 6] == 0.0f);
  std::array<float, 4 * 4 * 3> flipped{};
  REQUIRE(lm::faceapi_crop_pixels(img.view(), *c, 4, true, flipped) == Status::Ok);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) CHECK(flipped[(i * 4 + 3 - j) * 3] == out[(i * 4 + j) * 3]);
  CHECK(lm::faceapi_crop_pixels(img.view(), *c, 4, false, std::span<float>(out.data(), 10)) == Status::InvalidArgument);
}

TEST_CASE("Landmarks68 on a ready 112 x 112 crop reproduces the golden outputs") {
  check_golden<Landmarks68, models::Landmarks68Net<Int8>>("landmarks68");
  check_golden<Landmarks68Float, models::Landmarks68Net<Float>>("landmarks68");
}

TEST_CASE("Landmarks68Tiny on a ready 112 x 112 crop reproduces the golden outputs") {
  check_golden<Landmarks68Tiny, models::Landmarks68TinyNet<Int8>>("landmarks68_tiny");
}

TEST_CASE("the mirrored pass is the direct pass of the mirror image") {
  // a 112 px square box with whole-pixel corners: no padding and no resampling (tf's resize without half-pixel
  // centres is not mirror-symmetric otherwise), so the crop of the mirror image is exactly the mirrored crop
  const Image img = astronaut();
  const Image flip = mirrored(img);
  Landmarks68::Options opt;
  opt.mirrored_pass = true;
  const Landmarks68 net(opt);
  auto arena = std::make_unique<Landmarks68::Arena>();
  const FaceBox box{180.0f, 80.0f, 112.0f, 112.0f};  // pixels 180..291 x 80..191 (the astronaut's face)
  const FaceBox fbox{511.0f - 291.0f, 80.0f, 112.0f, 112.0f};  // the same pixels of the mirror image
  auto a = net.run_on_box(img.view(), box, *arena);
  auto b = net.run_on_box(flip.view(), fbox, *arena);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  REQUIRE(a->has_disagreement);
  double worst = 0.0;
  for (std::size_t j = 0; j < 68; ++j) {
    const std::size_t i = lm::kPoints68Mirror[j];
    worst = std::max(worst, std::abs(double(a->mirrored[i].x) - (511.0 - double(b->points[j].x))));
    worst = std::max(worst, std::abs(double(a->mirrored[i].y) - double(b->points[j].y)));
  }
  CHECK(worst < 1e-3);
  // and the disagreement is symmetric under mirroring the image
  for (std::size_t j = 0; j < 68; ++j) {
    const std::size_t i = lm::kPoints68Mirror[j];
    CHECK(a->disagreement[i] * std::hypot(a->points[36].x - a->points[45].x, a->points[36].y - a->points[45].y) ==
          doctest::Approx(b->disagreement[j] * std::hypot(b->points[36].x - b->points[45].x, b->points[36].y - b->points[45].y)).epsilon(1e-3).scale(1.0));
  }
}

TEST_CASE("points and stability on the astronaut from the detector's box") {
  const Image img = astronaut();
  const detection::Detection det = detect_one(img);
  Landmarks68::Options opt;
  opt.mirrored_pass = true;
  auto arena = std::make_unique<Landmarks68::Arena>();
  auto r = Landmarks68(opt).run(img.view(), det, *arena);
  REQUIRE(r.has_value());
  const auto& p = r->points;
  // crop: 1.3 x the box, 0.125 h lower (then floored / clipped: within a pixel)
  CHECK(r->crop.width == doctest::Approx(1.3f * std::max(det.width, det.height)).epsilon(0.02));
  CHECK(r->crop.y + 0.5f * r->crop.height ==
        doctest::Approx(det.ymin + 0.625f * det.height).epsilon(0.01));
  // iBUG order in image directions
  CHECK(p[36].x < p[39].x);
  CHECK(p[39].x < p[42].x);
  CHECK(p[42].x < p[45].x);
  CHECK(p[0].x < p[36].x);
  CHECK(p[16].x > p[45].x);
  for (std::size_t k = 17; k < 27; ++k) CHECK(p[k].y < p[37].y);
  CHECK(p[37].y < p[30].y);
  CHECK(p[30].y < p[33].y);
  CHECK(p[33].y < p[51].y);
  CHECK(p[51].y < p[57].y);
  CHECK(p[57].y < p[8].y);
  CHECK(p[48].x < p[54].x);
  // the mirrored pass agrees on a frontal, sharp face: every point within 10 % of the eye distance
  float worst = 0.0f, mean = 0.0f;
  for (float d : r->disagreement) {
    worst = std::max(worst, d);
    mean += d / 68.0f;
  }
  MESSAGE("astronaut: mirrored-pass disagreement mean " << 100 * mean << " %, max " << 100 * worst << " % of the eye distance");
  CHECK(mean > 0.0f);
  CHECK(worst < 0.10f);
  // without the option: no second pass
  auto plain = Landmarks68{}.run(img.view(), det, *arena);
  REQUIRE(plain.has_value());
  CHECK_FALSE(plain->has_disagreement);
  CHECK(plain->points[30].x == p[30].x);
}

TEST_CASE("bad inputs are error values") {
  const Image img = astronaut();
  auto arena = std::make_unique<Landmarks68Tiny::Arena>();
  const Landmarks68Tiny net;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto status = [&](ImageView v, FaceBox b) {
    auto r = net.run(v, b, *arena);
    return r.has_value() ? Status::Ok : r.error().status;
  };
  CHECK(status(ImageView{}, {100, 100, 50, 50}) == Status::EmptyImage);
  CHECK(status(img.view(), {100, 100, 0, 50}) == Status::Degenerate);
  CHECK(status(img.view(), {100, nan, 50, 50}) == Status::NonFinite);
  CHECK(status(img.view(), {700, 100, 50, 50}) == Status::InvalidArgument);
  const Image tiny(5, 5, Rgb{10, 20, 30});
  CHECK(status(tiny.view(), {0, 0, 4, 4}) == Status::InvalidArgument);
  CHECK_FALSE(net.run(tiny.view(), *arena).has_value());
  // a face box at the border whose 1.3x crop leaves the image is clipped and padded, not refused
  CHECK(status(img.view(), {-30, -30, 100, 100}) == Status::Ok);
}
