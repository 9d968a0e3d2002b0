// face-api's input path for its 68-point nets, in facenn's terms (no allocation, no exceptions).
//
// face-api (src/dom/extractFaceTensors + NetInput.toBatchTensor) crops a face box as
//   1. x0 = floor(x), y0 = floor(y), x1 = floor(x + w), y1 = floor(y + h), clipped to the image;
//   2. padToSquare(isCenterImage = true): zeros on both sides of the shorter axis, round(diff / 2) (JavaScript
//      Math.round: halves up) after the patch and the rest before it;
//   3. tf.image.resizeBilinear(align_corners = false, half_pixel_centers = false) to 112: output index j reads
//      the padded patch at j * side / 112, neighbours clamped to the last row / column;
// and maps the net's 0..1 outputs back as x = u * side - pad_x + x0 (postProcess + the box offset).
// face-api's coordinates are pixel indices (tf's resize without half-pixel centres puts output pixel j at input
// coordinate j * scale): the same pixel-centre convention as facenn's, so no conversion. Measured: reading them
// as corner coordinates (0.5 px off) costs the float landmarks68 net 0.30 % NME on LFPW (4.95 % vs 4.65 %).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include <facenn/core/status.hpp>
#include <facenn/image/image.hpp>
#include <facenn/image/point.hpp>

namespace facenn::landmarks {

// The integer geometry of one face-api crop (corner coordinates, image pixels).
struct FaceApiCrop {
  int x0 = 0, y0 = 0;          // top-left of the clipped patch
  int width = 0, height = 0;   // patch size (> 0)
  int side = 0;                // max(width, height): the padded square
  int pad_x = 0, pad_y = 0;    // zeros before the patch (left / top) in the square
};

// Crop geometry for the box (x, y, w, h), image pixels (face-api's floor(x) .. floor(x + w), end excluded).
inline Result<FaceApiCrop> faceapi_crop_geometry(int image_width, int image_height, double x, double y, double w,
                                                 double h) noexcept {
  if (!(std::isfinite(x) && std::isfinite(y) && std::isfinite(w) && std::isfinite(h)))
    return Error{Status::NonFinite, "face-api crop: non-finite box"};
  if (!(w > 0.0 && h > 0.0)) return Error{Status::Degenerate, "face-api crop: empty box"};
  // clamp before converting to int (huge boxes must not overflow)
  const double lim = 4.0 * (std::max(image_width, image_height) + 1.0);
  const auto fl = [lim](double v) { return static_cast<int>(std::floor(std::clamp(v, -lim, lim))); };
  FaceApiCrop c;
  c.x0 = std::max(fl(x), 0);
  c.y0 = std::max(fl(y), 0);
  const int x1 = std::min(fl(x + w), image_width);
  const int y1 = std::min(fl(y + h), image_height);
  c.width = x1 - c.x0;
  c.height = y1 - c.y0;
  if (c.width <= 0 || c.height <= 0) return Error{Status::InvalidArgument, "face-api crop: box outside the image"};
  c.side = std::max(c.width, c.height);
  const int diff = std::abs(c.height - c.width);
  const int before = diff - (diff + 1) / 2;  // Math.round(diff * 0.5) zeros go after the patch
  if (c.height > c.width) c.pad_x = before;
  if (c.width > c.height) c.pad_y = before;
  return c;
}

// Writes the size x size x 3 crop (float RGB 0..255, as face-api feeds its nets) into `out`; `mirror` flips
// it horizontally (the input of the mirrored pass).
inline Status faceapi_crop_pixels(ImageView image, const FaceApiCrop& c, int size, bool mirror,
                                  std::span<float> out) noexcept {
  if (!image.valid()) return Status::EmptyImage;
  if (size <= 0 || out.size() != static_cast<std::size_t>(size) * static_cast<std::size_t>(size) * 3)
    return Status::InvalidArgument;
  if (c.side <= 0 || c.x0 < 0 || c.y0 < 0 || c.x0 + c.width > image.width || c.y0 + c.height > image.height)
    return Status::InvalidArgument;
  // padded-square sample (r, q), zero outside the patch
  const auto at = [&](int r, int q, int ch) -> float {
    const int py = r - c.pad_y, px = q - c.pad_x;
    if (py < 0 || px < 0 || py >= c.height || px >= c.width) return 0.0f;
    return static_cast<float>(image.pixel(c.x0 + px, c.y0 + py)[ch]);
  };
  // source positions in double (JavaScript numbers), weights and pixels in float32 (the tensors)
  const double scale = static_cast<double>(c.side) / static_cast<double>(size);
  for (int i = 0; i < size; ++i) {
    const double sy = static_cast<double>(i) * scale;
    const int r0 = static_cast<int>(std::floor(sy));
    const int r1 = std::min(r0 + 1, c.side - 1);
    const auto fy = static_cast<float>(sy - static_cast<double>(r0));
    for (int j = 0; j < size; ++j) {
      const double sx = static_cast<double>(j) * scale;
      const int q0 = static_cast<int>(std::floor(sx));
      const int q1 = std::min(q0 + 1, c.side - 1);
      const auto fx = static_cast<float>(sx - static_cast<double>(q0));
      const int dst_j = mirror ? size - 1 - j : j;
      float* o = out.data() + (static_cast<std::size_t>(i) * static_cast<std::size_t>(size) + static_cast<std::size_t>(dst_j)) * 3;
      for (int ch = 0; ch < 3; ++ch) {
        const float top = at(r0, q0, ch) + (at(r0, q1, ch) - at(r0, q0, ch)) * fx;
        const float bottom = at(r1, q0, ch) + (at(r1, q1, ch) - at(r1, q0, ch)) * fx;
        o[ch] = top + (bottom - top) * fy;
      }
    }
  }
  return Status::Ok;
}

// A net output (u, v) in 0..1 of the padded square -> image pixels (face-api's postProcess).
inline Point2f faceapi_point_to_image(float u, float v, const FaceApiCrop& c) noexcept {
  const double side = c.side;
  return {static_cast<float>(u * side - c.pad_x + c.x0), static_cast<float>(v * side - c.pad_y + c.y0)};
}

}  // namespace facenn::landmarks
