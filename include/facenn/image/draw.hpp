// Drawing on RGB8 images: points, filled circles, lines (with thickness), boxes. Everything is
// clipped to the image, non-finite coordinates draw nothing, and huge coordinates are clipped
// before rasterization (no loops over off-image pixels). Pixel-centre coordinates.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <facenn/image/image.hpp>
#include <facenn/image/warp.hpp>

namespace facenn {

namespace detail {
inline void put_pixel(MutableImageView img, int x, int y, Rgb c) noexcept {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  std::uint8_t* p = img.pixel(x, y);
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}
inline bool finite2(float x, float y) noexcept { return std::isfinite(x) && std::isfinite(y); }

// Liang-Barsky clip of the segment to [xmin, xmax] x [ymin, ymax]; false if nothing is left.
inline bool clip_segment(double& x0, double& y0, double& x1, double& y1, double xmin, double ymin,
                         double xmax, double ymax) noexcept {
  double t0 = 0.0, t1 = 1.0;
  const double dx = x1 - x0, dy = y1 - y0;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {x0 - xmin, xmax - x0, y0 - ymin, ymax - y0};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0.0) {
      if (q[i] < 0.0) return false;
    } else {
      const double t = q[i] / p[i];
      if (p[i] < 0.0) t0 = std::max(t0, t);
      else t1 = std::min(t1, t);
    }
  }
  if (t0 > t1) return false;
  const double nx0 = x0 + t0 * dx, ny0 = y0 + t0 * dy, nx1 = x0 + t1 * dx, ny1 = y0 + t1 * dy;
  x0 = nx0; y0 = ny0; x1 = nx1; y1 = ny1;
  return true;
}
}  // namespace detail

// A filled disc of the given radius (pixels whose centre is within radius + 0.5 of the point; radius 0
// sets the single nearest pixel).
inline void fill_circle(MutableImageView img, Point2f c, float radius, Rgb color) noexcept {
  if (!img.valid() || !detail::finite2(c.x, c.y) || !std::isfinite(radius) || radius < 0.0f) return;
  const double r = static_cast<double>(radius) + 0.5;
  const double x_lo = std::max(0.0, std::ceil(c.x - r)), x_hi = std::min(img.width - 1.0, std::floor(c.x + r));
  const double y_lo = std::max(0.0, std::ceil(c.y - r)), y_hi = std::min(img.height - 1.0, std::floor(c.y + r));
  if (x_lo > x_hi || y_lo > y_hi) return;
  if (radius == 0.0f) {
    detail::put_pixel(img, static_cast<int>(std::lround(c.x)), static_cast<int>(std::lround(c.y)), color);
    return;
  }
  const double r2 = static_cast<double>(radius) * radius + 0.25;  // include pixels touching the rim
  for (int y = static_cast<int>(y_lo); y <= static_cast<int>(y_hi); ++y)
    for (int x = static_cast<int>(x_lo); x <= static_cast<int>(x_hi); ++x) {
      const double dx = x - static_cast<double>(c.x), dy = y - static_cast<double>(c.y);
      if (dx * dx + dy * dy <= r2) detail::put_pixel(img, x, y, color);
    }
}

// A point marker: a filled circle of radius `radius` (default: a 3x3 plus).
inline void draw_point(MutableImageView img, Point2f p, Rgb color, float radius = 1.0f) noexcept {
  fill_circle(img, p, radius, color);
}

// A straight line from a to b; thickness 1 is a 1-pixel Bresenham line, larger values stamp discs.
inline void draw_line(MutableImageView img, Point2f a, Point2f b, Rgb color, int thickness = 1) noexcept {
  if (!img.valid() || !detail::finite2(a.x, a.y) || !detail::finite2(b.x, b.y) || thickness < 1) return;
  const double margin = 0.5 + thickness;
  double x0 = a.x, y0 = a.y, x1 = b.x, y1 = b.y;
  if (!detail::clip_segment(x0, y0, x1, y1, -margin, -margin, img.width - 1 + margin, img.height - 1 + margin))
    return;
  int ix0 = static_cast<int>(std::lround(x0)), iy0 = static_cast<int>(std::lround(y0));
  const int ix1 = static_cast<int>(std::lround(x1)), iy1 = static_cast<int>(std::lround(y1));
  const int dx = std::abs(ix1 - ix0), dy = -std::abs(iy1 - iy0);
  const int sx = ix0 < ix1 ? 1 : -1, sy = iy0 < iy1 ? 1 : -1;
  int err = dx + dy;
  const float rad = 0.5f * static_cast<float>(thickness - 1);
  for (;;) {
    if (thickness == 1) detail::put_pixel(img, ix0, iy0, color);
    else fill_circle(img, Point2f{static_cast<float>(ix0), static_cast<float>(iy0)}, rad, color);
    if (ix0 == ix1 && iy0 == iy1) break;
    const int e2 = 2 * err;
    if (e2 >= dy) { err += dy; ix0 += sx; }
    if (e2 <= dx) { err += dx; iy0 += sy; }
  }
}

// The outline of an axis-aligned box [x, x + w] x [y, y + h] (corners on pixel centres, rounded).
inline void draw_box(MutableImageView img, float x, float y, float w, float h, Rgb color,
                     int thickness = 1) noexcept {
  const Point2f p0{x, y}, p1{x + w, y}, p2{x + w, y + h}, p3{x, y + h};
  draw_line(img, p0, p1, color, thickness);
  draw_line(img, p1, p2, color, thickness);
  draw_line(img, p2, p3, color, thickness);
  draw_line(img, p3, p0, color, thickness);
}

// The outline of a rotated rectangle (e.g. a FaceMesh ROI).
inline void draw_rotated_rect(MutableImageView img, const RotatedRect& r, Rgb color, int thickness = 1) noexcept {
  const Affine2x3 m = rect_normalized_to_image(r);
  const Point2f c[4] = {m.apply(Point2f{0, 0}), m.apply(Point2f{1, 0}), m.apply(Point2f{1, 1}), m.apply(Point2f{0, 1})};
  for (int i = 0; i < 4; ++i) draw_line(img, c[i], c[(i + 1) % 4], color, thickness);
}

}  // namespace facenn
