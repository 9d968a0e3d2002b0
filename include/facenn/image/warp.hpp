// Geometric resampling of RGB8 images into caller-provided buffers: affine warps with bilinear
// sampling, the MediaPipe rotated-rectangle crop and the BlazeFace letterbox.
//
// Coordinate convention (everywhere in facenn): pixel centres. Pixel (i, j) is centred on (i, j) and
// covers [i - 0.5, i + 0.5] x [j - 0.5, j + 0.5]; an image of width W spans [-0.5, W - 0.5].
// Network tensors use *normalized* coordinates u in [0, 1] over their outer edges (u = 0 is the left
// edge of the first pixel, u = 1 the right edge of the last one), as MediaPipe's calculators do.
//
// "Corner-to-corner" maps take the outer corners of a source region to the outer corners of the
// destination: destination pixel j (centre j, i.e. edge coordinate j + 0.5) samples the source at
// the point whose normalized coordinate in the region is (j + 0.5) / size. For an axis-aligned region
// of width R starting at source pixel-centre coordinate x0 - 0.5 (its left edge), that is
// x_src = x0 - 0.5 + (j + 0.5) * R / size (cv2.resize / align_corners=false / half-pixel centres).
//
// Nothing here allocates; all functions are noexcept.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <facenn/core/status.hpp>
#include <facenn/image/image.hpp>
#include <facenn/image/point.hpp>

namespace facenn {

// (x', y') = (m[0][0] x + m[0][1] y + m[0][2],  m[1][0] x + m[1][1] y + m[1][2]).
// Double precision: the maps are exact for the integer/dyadic cases the tests check, and a crop is
// only a few thousand evaluations.
struct Affine2x3 {
  double m[2][3] = {{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}};

  static constexpr Affine2x3 identity() noexcept { return {}; }
  static constexpr Affine2x3 translation(double tx, double ty) noexcept {
    return Affine2x3{{{1.0, 0.0, tx}, {0.0, 1.0, ty}}};
  }
  static constexpr Affine2x3 scaling(double sx, double sy) noexcept {
    return Affine2x3{{{sx, 0.0, 0.0}, {0.0, sy, 0.0}}};
  }

  constexpr void apply(double x, double y, double& ox, double& oy) const noexcept {
    ox = m[0][0] * x + m[0][1] * y + m[0][2];
    oy = m[1][0] * x + m[1][1] * y + m[1][2];
  }
  constexpr Point2f apply(Point2f p) const noexcept {
    double ox = 0.0, oy = 0.0;
    apply(static_cast<double>(p.x), static_cast<double>(p.y), ox, oy);
    return {static_cast<float>(ox), static_cast<float>(oy)};
  }
  constexpr double det() const noexcept { return m[0][0] * m[1][1] - m[0][1] * m[1][0]; }
  // The inverse map; `ok` is false (and identity returned) when the map is singular or non-finite.
  constexpr Affine2x3 inverse(bool* ok = nullptr) const noexcept {
    const double d = det();
    const bool good = d != 0.0 && d == d && d - d == 0.0;  // non-zero and finite (constexpr-friendly)
    if (ok != nullptr) *ok = good;
    if (!good) return identity();
    const double a = m[1][1] / d, b = -m[0][1] / d, c = -m[1][0] / d, e = m[0][0] / d;
    return Affine2x3{{{a, b, -(a * m[0][2] + b * m[1][2])}, {c, e, -(c * m[0][2] + e * m[1][2])}}};
  }
};

// a ∘ b: first b, then a.
constexpr Affine2x3 compose(const Affine2x3& a, const Affine2x3& b) noexcept {
  Affine2x3 r;
  for (int i = 0; i < 2; ++i) {
    r.m[i][0] = a.m[i][0] * b.m[0][0] + a.m[i][1] * b.m[1][0];
    r.m[i][1] = a.m[i][0] * b.m[0][1] + a.m[i][1] * b.m[1][1];
    r.m[i][2] = a.m[i][0] * b.m[0][2] + a.m[i][1] * b.m[1][2] + a.m[i][2];
  }
  return r;
}

enum class Border : std::uint8_t {
  Replicate,  // samples outside take the nearest edge pixel (cv::BORDER_REPLICATE)
  Constant,   // samples outside take `border_value` (cv::BORDER_CONSTANT)
};

namespace detail {
inline std::uint8_t round_u8(float v) noexcept {
  if (!(v > 0.0f)) return 0;  // also NaN
  if (v >= 255.0f) return 255;
  return static_cast<std::uint8_t>(v + 0.5f);
}
}  // namespace detail

// dst(x, y) = bilinear sample of src at dst_to_src(x, y) (pixel-centre coordinates on both sides).
// Interpolation is separable (horizontal, then vertical) in float and rounded to nearest, so integer
// sample positions reproduce source pixels exactly.
inline Status warp_affine(ImageView src, MutableImageView dst, const Affine2x3& dst_to_src,
                          Border border = Border::Replicate, Rgb border_value = {}) noexcept {
  if (!src.valid() || !dst.valid()) return Status::InvalidArgument;
  for (const auto& row : dst_to_src.m)
    for (double v : row)
      if (!std::isfinite(v)) return Status::NonFinite;
  const int sw = src.width, sh = src.height;
  const std::uint8_t bv[3] = {border_value.r, border_value.g, border_value.b};
  for (int y = 0; y < dst.height; ++y) {
    std::uint8_t* out = dst.row(y);
    const double yd = static_cast<double>(y);
    for (int x = 0; x < dst.width; ++x, out += kRgbChannels) {
      double sx = 0.0, sy = 0.0;
      dst_to_src.apply(static_cast<double>(x), yd, sx, sy);
      if (!std::isfinite(sx)) sx = -4.0;  // overflowed coordinates: outside, left/top
      if (!std::isfinite(sy)) sy = -4.0;
      // Far outside (or absurd coordinates): constant border or the clamped edge.
      const double fx0 = std::floor(sx), fy0 = std::floor(sy);
      const float fx = static_cast<float>(sx - fx0), fy = static_cast<float>(sy - fy0);
      const double cx0 = std::clamp(fx0, -2.0, static_cast<double>(sw) + 1.0);
      const double cy0 = std::clamp(fy0, -2.0, static_cast<double>(sh) + 1.0);
      const int x0 = static_cast<int>(cx0), y0 = static_cast<int>(cy0);
      const std::uint8_t* p[2][2];
      const bool inside = x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh;
      if (inside) {
        p[0][0] = src.pixel(x0, y0);
        p[0][1] = p[0][0] + kRgbChannels;
        p[1][0] = src.pixel(x0, y0 + 1);
        p[1][1] = p[1][0] + kRgbChannels;
      } else {
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx) {
            int xi = x0 + dx, yi = y0 + dy;
            if (border == Border::Replicate) {
              xi = std::clamp(xi, 0, sw - 1);
              yi = std::clamp(yi, 0, sh - 1);
              p[dy][dx] = src.pixel(xi, yi);
            } else {
              p[dy][dx] = (xi >= 0 && yi >= 0 && xi < sw && yi < sh) ? src.pixel(xi, yi) : bv;
            }
          }
      }
      for (int c = 0; c < kRgbChannels; ++c) {
        const float a = p[0][0][c], b = p[0][1][c], d = p[1][0][c], e = p[1][1][c];
        const float top = a + fx * (b - a);
        const float bot = d + fx * (e - d);
        out[c] = detail::round_u8(top + fy * (bot - top));
      }
    }
  }
  return Status::Ok;
}

// ---- rotated rectangles (MediaPipe NormalizedRect in pixels) ----------------------------------------
// Centre in pixel-centre image coordinates, size in pixels, rotation in radians. The rectangle's own
// x axis points along (cos r, sin r) in the image (y down), its y axis along (-sin r, cos r): a
// positive rotation turns it clockwise on screen, as in MediaPipe.
struct RotatedRect {
  float cx = 0.0f;
  float cy = 0.0f;
  float width = 0.0f;
  float height = 0.0f;
  float rotation = 0.0f;
};

// Normalized rect coordinates (u, v) in [0, 1]^2 (outer edges) -> image pixel-centre coordinates:
// p = c + (u - 0.5) w (cos r, sin r) + (v - 0.5) h (-sin r, cos r)   (MediaPipe's
// GetRotatedSubRectToRectTransformMatrix / LandmarkProjection, here in pixels).
constexpr Affine2x3 rect_normalized_to_image(const RotatedRect& r, double cos_r, double sin_r) noexcept {
  const double w = r.width, h = r.height;
  return Affine2x3{{{w * cos_r, -h * sin_r, r.cx - 0.5 * w * cos_r + 0.5 * h * sin_r},
                    {w * sin_r, h * cos_r, r.cy - 0.5 * w * sin_r - 0.5 * h * cos_r}}};
}
inline Affine2x3 rect_normalized_to_image(const RotatedRect& r) noexcept {
  return rect_normalized_to_image(r, std::cos(static_cast<double>(r.rotation)),
                                  std::sin(static_cast<double>(r.rotation)));
}

// The crop map for a dst_w x dst_h output: destination pixel centre (x, y) -> source pixel-centre
// coordinates. Destination pixel x samples the rect at u = (x + sample_offset) / dst_w:
//   sample_offset = 0.5  exact corner-to-corner (pixel centres at half-pixel positions; cv2.resize,
//                        GPU texture sampling),
//   sample_offset = 0    MediaPipe's CPU path (cv::warpPerspective onto dst corners (0,0)..(W,H), which
//                        puts pixel x at u = x / W) — what FaceMesh468 is used with, see face_mesh.hpp.
inline Affine2x3 rect_crop_transform(const RotatedRect& r, int dst_w, int dst_h, double sample_offset = 0.5) noexcept {
  const Affine2x3 to_norm{{{1.0 / dst_w, 0.0, sample_offset / dst_w}, {0.0, 1.0 / dst_h, sample_offset / dst_h}}};
  return compose(rect_normalized_to_image(r), to_norm);
}

// Crop-tensor coordinates as networks report them (x in [0, dst_w] over the tensor's outer edges,
// i.e. u = x / dst_w, MediaPipe's TensorsToLandmarks) -> image pixel-centre coordinates.
inline Affine2x3 rect_tensor_to_image(const RotatedRect& r, int dst_w, int dst_h) noexcept {
  return compose(rect_normalized_to_image(r), Affine2x3::scaling(1.0 / dst_w, 1.0 / dst_h));
}

// Crops `r` out of `src` into `dst` (bilinear, replicated border by default; sample_offset as in
// rect_crop_transform).
inline Status crop_rotated_rect(ImageView src, const RotatedRect& r, MutableImageView dst,
                                Border border = Border::Replicate, double sample_offset = 0.5) noexcept {
  if (!(std::isfinite(r.cx) && std::isfinite(r.cy) && std::isfinite(r.width) && std::isfinite(r.height) &&
        std::isfinite(r.rotation)))
    return Status::NonFinite;
  if (!(r.width > 0.0f && r.height > 0.0f)) return Status::InvalidArgument;
  if (!dst.valid()) return Status::InvalidArgument;
  if (!std::isfinite(sample_offset)) return Status::NonFinite;
  return warp_affine(src, dst, rect_crop_transform(r, dst.width, dst.height, sample_offset), border);
}

// ---- letterbox (BlazeFace) ---------------------------------------------------------------------------
// The image centred in a square of side S = max(W, H) (zero border), mapped corner-to-corner to an
// N x N tensor. Padding is (S - W) / 2, possibly fractional, as MediaPipe's ImageToTensorCalculator
// with keep_aspect_ratio computes it.
struct Letterbox {
  int image_width = 0;
  int image_height = 0;
  int size = 0;          // N
  double side = 0.0;     // S
  double pad_x = 0.0;    // (S - W) / 2, in source pixels
  double pad_y = 0.0;

  // Normalized tensor coordinates (u, v) in [0, 1] -> image pixel-centre coordinates.
  constexpr Affine2x3 normalized_to_image() const noexcept {
    return Affine2x3{{{side, 0.0, -pad_x - 0.5}, {0.0, side, -pad_y - 0.5}}};
  }
  // Tensor pixel centre (x, y) -> image pixel-centre coordinates (the warp's sampling map).
  constexpr Affine2x3 tensor_to_image() const noexcept {
    const double s = side / size;
    return Affine2x3{{{s, 0.0, 0.5 * s - pad_x - 0.5}, {0.0, s, 0.5 * s - pad_y - 0.5}}};
  }
  constexpr Point2f normalized_to_image(float u, float v) const noexcept {
    return normalized_to_image().apply(Point2f{u, v});
  }
  // A normalized length (fraction of the tensor side) -> pixels.
  constexpr float normalized_length(float l) const noexcept { return static_cast<float>(l * side); }
};

constexpr Letterbox make_letterbox(int image_width, int image_height, int size) noexcept {
  Letterbox lb;
  lb.image_width = image_width;
  lb.image_height = image_height;
  lb.size = size;
  const int s = image_width > image_height ? image_width : image_height;
  lb.side = s;
  lb.pad_x = 0.5 * (s - image_width);
  lb.pad_y = 0.5 * (s - image_height);
  return lb;
}

// Writes the letterboxed image into `dst` (square, dst.width == dst.height), zero border.
inline Result<Letterbox> letterbox(ImageView src, MutableImageView dst) noexcept {
  if (!src.valid()) return Error{Status::EmptyImage, "letterbox: empty source image"};
  if (!dst.valid() || dst.width != dst.height)
    return Error{Status::InvalidArgument, "letterbox: destination must be a non-empty square"};
  const Letterbox lb = make_letterbox(src.width, src.height, dst.width);
  const Status s = warp_affine(src, dst, lb.tensor_to_image(), Border::Constant, Rgb{0, 0, 0});
  if (s != Status::Ok) return Error{s, "letterbox: warp failed"};
  return lb;
}

}  // namespace facenn
