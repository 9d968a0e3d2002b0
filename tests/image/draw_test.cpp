// Drawing: expected pixels on small canvases, clipping, and no crash on absurd input.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <facenn/image/draw.hpp>

#include <cmath>
#include <limits>

using facenn::Image;
using facenn::Point2f;
using facenn::Rgb;

namespace {
int count_color(const Image& img, Rgb c) {
  int n = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x) {
      const Rgb p = img.at(x, y);
      n += p.r == c.r && p.g == c.g && p.b == c.b;
    }
  return n;
}
constexpr Rgb kRed{255, 0, 0};
}  // namespace

TEST_CASE("points and circles") {
  Image img(9, 9);
  facenn::draw_point(img.mutable_view(), Point2f{4, 4}, kRed, 0.0f);
  CHECK(count_color(img, kRed) == 1);
  CHECK(img.at(4, 4).r == 255);
  facenn::fill_circle(img.mutable_view(), Point2f{4, 4}, 1.0f, kRed);
  CHECK(count_color(img, kRed) == 5);  // a plus
  facenn::fill_circle(img.mutable_view(), Point2f{0, 0}, 2.0f, kRed);  // clipped at the corner
  CHECK(img.at(0, 0).r == 255);
  CHECK(img.at(2, 0).r == 255);
  Image big(9, 9);
  facenn::fill_circle(big.mutable_view(), Point2f{4, 4}, 100.0f, kRed);
  CHECK(count_color(big, kRed) == 81);
}

TEST_CASE("lines: horizontal, diagonal, clipped") {
  Image img(10, 10);
  facenn::draw_line(img.mutable_view(), Point2f{1, 2}, Point2f{8, 2}, kRed);
  CHECK(count_color(img, kRed) == 8);
  Image d(10, 10);
  facenn::draw_line(d.mutable_view(), Point2f{0, 0}, Point2f{9, 9}, kRed);
  CHECK(count_color(d, kRed) == 10);
  for (int i = 0; i < 10; ++i) CHECK(d.at(i, i).r == 255);
  Image c(10, 10);
  facenn::draw_line(c.mutable_view(), Point2f{-1e9f, 5}, Point2f{1e9f, 5}, kRed);
  CHECK(count_color(c, kRed) == 10);
  Image t(10, 10);
  facenn::draw_line(t.mutable_view(), Point2f{0, 5}, Point2f{9, 5}, kRed, 3);
  CHECK(count_color(t, kRed) == 30);
}

TEST_CASE("boxes") {
  Image img(10, 10);
  facenn::draw_box(img.mutable_view(), 2, 2, 4, 3, kRed);
  CHECK(count_color(img, kRed) == 2 * 5 + 2 * 2);
  CHECK(img.at(2, 2).r == 255);
  CHECK(img.at(6, 5).r == 255);
  CHECK(img.at(4, 3).r == 0);
  Image r(20, 20);
  facenn::draw_rotated_rect(r.mutable_view(), facenn::RotatedRect{10, 10, 8, 8, 0.5f}, kRed);
  CHECK(count_color(r, kRed) > 20);
}

TEST_CASE("absurd input draws nothing and does not crash") {
  Image img(6, 6);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  facenn::draw_line(img.mutable_view(), Point2f{nan, 1}, Point2f{3, 3}, kRed);
  facenn::draw_line(img.mutable_view(), Point2f{inf, 1}, Point2f{3, 3}, kRed);
  facenn::draw_line(img.mutable_view(), Point2f{-50, -50}, Point2f{-10, 100}, kRed);
  facenn::draw_line(img.mutable_view(), Point2f{1, 1}, Point2f{3, 3}, kRed, 0);
  facenn::fill_circle(img.mutable_view(), Point2f{nan, nan}, 3.0f, kRed);
  facenn::fill_circle(img.mutable_view(), Point2f{3, 3}, -1.0f, kRed);
  facenn::fill_circle(img.mutable_view(), Point2f{3, 3}, inf, kRed);
  facenn::fill_circle(img.mutable_view(), Point2f{1e30f, 1e30f}, 1e29f, kRed);
  facenn::draw_box(img.mutable_view(), nan, 0, 3, 3, kRed);
  facenn::draw_point(facenn::MutableImageView{}, Point2f{1, 1}, kRed);
  CHECK(count_color(img, kRed) == 0);
}
