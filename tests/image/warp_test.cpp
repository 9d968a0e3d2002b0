// Warps, crops and letterboxing on synthetic images where the exact answer is known.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <facenn/image/io.hpp>
#include <facenn/image/quantize.hpp>
#include <facenn/image/warp.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <string>

using facenn::Affine2x3;
using facenn::Image;
using facenn::Point2f;
using facenn::RotatedRect;
using facenn::Status;

namespace {

// Distinct values per pixel and channel.
Image pattern(int w, int h) {
  Image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = img.mutable_view().pixel(x, y);
      p[0] = static_cast<std::uint8_t>(x * 10 + 3);
      p[1] = static_cast<std::uint8_t>(y * 10 + 5);
      p[2] = static_cast<std::uint8_t>((x * 31 + y * 17) % 251);
    }
  return img;
}

bool same(const Image& a, const Image& b) {
  return a.width() == b.width() && a.height() == b.height() &&
         std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin());
}

}  // namespace

TEST_CASE("identity warp reproduces the image exactly") {
  const Image src = pattern(13, 9);
  Image dst(13, 9);
  REQUIRE(facenn::warp_affine(src.view(), dst.mutable_view(), Affine2x3::identity()) == Status::Ok);
  CHECK(same(src, dst));
}

TEST_CASE("integer translation shifts pixels, replicate border copies the edge") {
  const Image src = pattern(10, 8);
  Image dst(10, 8);
  REQUIRE(facenn::warp_affine(src.view(), dst.mutable_view(), Affine2x3::translation(3, -2)) == Status::Ok);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 10; ++x) {
      const int sx = std::min(x + 3, 9), sy = std::max(y - 2, 0);
      CHECK(dst.at(x, y).r == src.at(sx, sy).r);
      CHECK(dst.at(x, y).g == src.at(sx, sy).g);
      CHECK(dst.at(x, y).b == src.at(sx, sy).b);
    }
  // Constant border: zeros where the source is missing.
  REQUIRE(facenn::warp_affine(src.view(), dst.mutable_view(), Affine2x3::translation(3, -2), facenn::Border::Constant,
                              facenn::Rgb{1, 2, 3}) == Status::Ok);
  CHECK(dst.at(9, 5).r == 1);   // x + 3 = 12 > 9
  CHECK(dst.at(0, 0).b == 3);   // y - 2 < 0
  CHECK(dst.at(2, 4).r == src.at(5, 2).r);
}

TEST_CASE("half-pixel translation averages neighbours (round half up)") {
  Image src(2, 1);
  src.mutable_view().pixel(0, 0)[0] = 10;
  src.mutable_view().pixel(1, 0)[0] = 15;
  Image dst(1, 1);
  REQUIRE(facenn::warp_affine(src.view(), dst.mutable_view(), Affine2x3::translation(0.5, 0)) == Status::Ok);
  CHECK(dst.at(0, 0).r == 13);  // 12.5 -> 13
  REQUIRE(facenn::warp_affine(src.view(), dst.mutable_view(), Affine2x3::translation(0.25, 0)) == Status::Ok);
  CHECK(dst.at(0, 0).r == 11);  // 11.25
}

TEST_CASE("90 degree rotated-rect crop of the whole image is an exact rotation") {
  const int n = 7;
  const Image src = pattern(n, n);
  Image dst(n, n);
  const RotatedRect r{(n - 1) / 2.0f, (n - 1) / 2.0f, float(n), float(n), float(std::numbers::pi / 2)};
  REQUIRE(facenn::crop_rotated_rect(src.view(), r, dst.mutable_view()) == Status::Ok);
  // The crop's x axis points down the image: dst(x, y) = src(n - 1 - y, x).
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      CHECK(dst.at(x, y).r == src.at(n - 1 - y, x).r);
      CHECK(dst.at(x, y).g == src.at(n - 1 - y, x).g);
      CHECK(dst.at(x, y).b == src.at(n - 1 - y, x).b);
    }
  // Rotation 0 of a sub-rectangle with the crop's size: a plain copy.
  const RotatedRect sub{2.5f, 2.5f, 4.0f, 2.0f, 0.0f};  // edges [0.5, 4.5] x [1.5, 3.5]: pixels 1..4 x 2..3
  Image small(4, 2);
  REQUIRE(facenn::crop_rotated_rect(src.view(), sub, small.mutable_view()) == Status::Ok);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 4; ++x) CHECK(small.at(x, y).b == src.at(x + 1, y + 2).b);
}

TEST_CASE("corner-to-corner maps: rect corners land on tensor corners") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int it = 0; it < 50; ++it) {
    const RotatedRect r{100 + 50 * u(rng), 80 + 40 * u(rng), 60 + 20 * u(rng), 60 + 20 * u(rng), 3.0f * u(rng)};
    const int size = 192;
    const Affine2x3 t2i = facenn::rect_tensor_to_image(r, size, size);
    const Affine2x3 crop = facenn::rect_crop_transform(r, size, size);
    const double c = std::cos(r.rotation), s = std::sin(r.rotation);
    // Tensor corner (0, 0) is the rect corner c - w/2 x_axis - h/2 y_axis.
    const Point2f p00 = t2i.apply(Point2f{0, 0});
    CHECK(p00.x == doctest::Approx(r.cx - 0.5 * r.width * c + 0.5 * r.height * s).epsilon(1e-5));
    CHECK(p00.y == doctest::Approx(r.cy - 0.5 * r.width * s - 0.5 * r.height * c).epsilon(1e-5));
    const Point2f p11 = t2i.apply(Point2f{float(size), float(size)});
    CHECK(p11.x == doctest::Approx(r.cx + 0.5 * r.width * c - 0.5 * r.height * s).epsilon(1e-5));
    CHECK(p11.y == doctest::Approx(r.cy + 0.5 * r.width * s + 0.5 * r.height * c).epsilon(1e-5));
    // Tensor centre = rect centre.
    const Point2f pc = t2i.apply(Point2f{size / 2.0f, size / 2.0f});
    CHECK(pc.x == doctest::Approx(r.cx).epsilon(1e-6));
    CHECK(pc.y == doctest::Approx(r.cy).epsilon(1e-6));
    // Destination pixel j is sampled at tensor coordinate j + 0.5.
    for (int j : {0, 17, 191}) {
      const Point2f a = crop.apply(Point2f{static_cast<float>(j), static_cast<float>(191 - j)});
      const Point2f b = t2i.apply(Point2f{static_cast<float>(j) + 0.5f, static_cast<float>(191 - j) + 0.5f});
      CHECK(a.x == doctest::Approx(b.x).epsilon(1e-6));
      CHECK(a.y == doctest::Approx(b.y).epsilon(1e-6));
    }
    // Inverse round trip.
    bool ok = false;
    const Affine2x3 inv = crop.inverse(&ok);
    REQUIRE(ok);
    const Point2f q = inv.apply(crop.apply(Point2f{12.0f, 150.0f}));
    CHECK(q.x == doctest::Approx(12.0).epsilon(1e-5));
    CHECK(q.y == doctest::Approx(150.0).epsilon(1e-5));
  }
}

TEST_CASE("letterbox: square downscale by 2 averages 2x2 blocks") {
  const Image src = pattern(8, 8);
  Image dst(4, 4);
  auto lb = facenn::letterbox(src.view(), dst.mutable_view());
  REQUIRE(lb.has_value());
  CHECK(lb->pad_x == 0.0);
  CHECK(lb->side == 8.0);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      const int sum = src.at(2 * x, 2 * y).b + src.at(2 * x + 1, 2 * y).b + src.at(2 * x, 2 * y + 1).b +
                      src.at(2 * x + 1, 2 * y + 1).b;
      CHECK(dst.at(x, y).b == static_cast<int>(std::floor(sum / 4.0 + 0.5)));
    }
}

TEST_CASE("letterbox: wide image centred with zero rows, exact at scale 1") {
  const Image src = pattern(8, 4);  // S = 8, pad_y = 2
  Image dst(8, 8);
  auto lb = facenn::letterbox(src.view(), dst.mutable_view());
  REQUIRE(lb.has_value());
  CHECK(lb->pad_y == 2.0);
  for (int x = 0; x < 8; ++x) {
    for (int y : {0, 1, 6, 7}) CHECK(dst.at(x, y).g == 0);
    for (int y = 2; y < 6; ++y) {
      CHECK(dst.at(x, y).r == src.at(x, y - 2).r);
      CHECK(dst.at(x, y).g == src.at(x, y - 2).g);
    }
  }
  // Tensor pixel centres map back onto the image pixel they copied.
  const Point2f p = lb->tensor_to_image().apply(Point2f{5, 3});
  CHECK(p.x == 5.0f);
  CHECK(p.y == 1.0f);
  // Normalized (0, 0) is the square's corner: (-0.5, -2.5) in pixel-centre image coordinates.
  const Point2f c = lb->normalized_to_image(0.0f, 0.0f);
  CHECK(c.x == -0.5f);
  CHECK(c.y == -2.5f);
}

TEST_CASE("letterbox: odd padding is fractional and blends with the zero border") {
  const Image src = pattern(8, 5);  // pad_y = 1.5: tensor row j samples image row j - 1.5
  Image dst(8, 8);
  REQUIRE(facenn::letterbox(src.view(), dst.mutable_view()).has_value());
  for (int x = 0; x < 8; ++x) {
    CHECK(dst.at(x, 0).g == 0);
    CHECK(dst.at(x, 1).g == static_cast<int>(std::floor(0.5 * src.at(x, 0).g + 0.5)));
    CHECK(dst.at(x, 2).g == static_cast<int>(std::floor(0.5 * (src.at(x, 0).g + src.at(x, 1).g) + 0.5)));
    CHECK(dst.at(x, 6).g == static_cast<int>(std::floor(0.5 * src.at(x, 4).g + 0.5)));
    CHECK(dst.at(x, 7).g == 0);
  }
}

TEST_CASE("letterbox of the example photo matches the independent numpy reference") {
  // tests/detection/data/*_input.png were produced by make_blazeface_ref.py (numpy, float64).
  auto astro = facenn::load_image(std::string(FACENN_SOURCE_DIR) + "/examples/data/astronaut.png");
  REQUIRE(astro.has_value());
  // The "pair" case: rows 0..299, columns 60..359, then the same mirrored, side by side.
  Image pair(600, 300);
  for (int y = 0; y < 300; ++y)
    for (int x = 0; x < 300; ++x)
      for (int c = 0; c < 3; ++c) {
        const std::uint8_t v = astro->view().pixel(60 + x, y)[c];
        pair.mutable_view().pixel(x, y)[c] = v;
        pair.mutable_view().pixel(599 - x, y)[c] = v;
      }
  const std::pair<const char*, const Image*> cases[] = {{"astronaut", &*astro}, {"pair", &pair}};
  for (const auto& [name, img] : cases) {
    auto ref = facenn::load_image(std::string(FACENN_SOURCE_DIR) + "/tests/detection/data/" + name + "_input.png");
    REQUIRE(ref.has_value());
    Image dst(128, 128);
    REQUIRE(facenn::letterbox(img->view(), dst.mutable_view()).has_value());
    int max_diff = 0, n_diff = 0;
    for (std::size_t i = 0; i < dst.bytes().size(); ++i) {
      const int dd = std::abs(int(dst.bytes()[i]) - int(ref->bytes()[i]));
      max_diff = std::max(max_diff, dd);
      n_diff += dd != 0;
    }
    MESSAGE(std::string(name) << ": max diff " << max_diff << ", differing bytes " << n_diff << " of " << dst.bytes().size());
    CHECK(max_diff <= 1);  // float vs float64 rounding at exact .5 ties only
    CHECK(n_diff < 50);
  }
}

TEST_CASE("bad arguments are reported, not crashed on") {
  const Image src = pattern(4, 4);
  Image dst(4, 4);
  Affine2x3 nan = Affine2x3::identity();
  nan.m[0][2] = std::nan("");
  CHECK(facenn::warp_affine(src.view(), dst.mutable_view(), nan) == Status::NonFinite);
  CHECK(facenn::warp_affine(facenn::ImageView{}, dst.mutable_view(), Affine2x3::identity()) == Status::InvalidArgument);
  CHECK(facenn::warp_affine(src.view(), facenn::MutableImageView{}, Affine2x3::identity()) == Status::InvalidArgument);
  // Absurd but finite maps: everything clamps to the edge.
  REQUIRE(facenn::warp_affine(src.view(), dst.mutable_view(), Affine2x3::translation(1e300, -1e300)) == Status::Ok);
  CHECK(dst.at(0, 0).r == src.at(3, 0).r);
  REQUIRE(facenn::warp_affine(src.view(), dst.mutable_view(), Affine2x3::scaling(1e308, 1e308)) == Status::Ok);
  CHECK(facenn::crop_rotated_rect(src.view(), RotatedRect{1, 1, 0, 2, 0}, dst.mutable_view()) == Status::InvalidArgument);
  CHECK(facenn::crop_rotated_rect(src.view(), RotatedRect{1, 1, 2, 2, INFINITY}, dst.mutable_view()) == Status::NonFinite);
  Image rect(4, 3);
  CHECK_FALSE(facenn::letterbox(src.view(), rect.mutable_view()).has_value());
  CHECK_FALSE(facenn::letterbox(facenn::ImageView{}, dst.mutable_view()).has_value());
  // 1x1 source.
  Image one(1, 1, facenn::Rgb{9, 8, 7});
  Image big(5, 5);
  REQUIRE(facenn::letterbox(one.view(), big.mutable_view()).has_value());
  CHECK(big.at(2, 2).r == 9);
}

TEST_CASE("pixel quantizer: FaceMesh is p - 128, symmetric input rounds half away") {
  const facenn::PixelQuantizer fm(facenn::kPixelsToUnit, double(1.0f / 255.0f), -128);
  for (int p = 0; p < 256; ++p) CHECK(int(fm(std::uint8_t(p))) == p - 128);
  // x = p / 127.5 - 1 quantized with scale 1/128, zero point 0: q = round_half_away(128 x), clamped.
  const facenn::PixelQuantizer bf(facenn::kPixelsToSymmetric, 1.0 / 128.0, 0);
  CHECK(int(bf(0)) == -128);
  CHECK(int(bf(255)) == 127);     // 128 clamps
  for (int p = 0; p < 256; ++p) {
    const double q = 128.0 * (p / 127.5 - 1.0);
    const double r = q < 0 ? -std::floor(-q + 0.5) : std::floor(q + 0.5);
    CHECK(int(bf(std::uint8_t(p))) == std::clamp(int(r), -128, 127));
  }
  // An exact tie: p = 1 with scale 2, offset 0 -> 0.5 -> 1 (away from zero); negative tie -> -1.
  const facenn::PixelQuantizer tie(facenn::PixelNormalization{1.0, 0.0}, 2.0, 0);
  CHECK(int(tie(1)) == 1);
  const facenn::PixelQuantizer ntie(facenn::PixelNormalization{-1.0, 0.0}, 2.0, 0);
  CHECK(int(ntie(1)) == -1);
}
