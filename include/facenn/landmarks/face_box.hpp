// A face box in image pixels and the input checks the landmark front ends share (landmarks35.hpp,
// landmarks68.hpp): a bad box or image is a clear error value, never a crop of garbage.
#pragma once

#include <cmath>

#include <facenn/core/status.hpp>
#include <facenn/image/image.hpp>

namespace facenn {

// Axis-aligned box, pixel-centre coordinates ((0, 0) = centre of the top-left pixel): it covers
// [x, x + width] x [y, y + height], like detection::Detection's xmin / ymin / width / height.
struct FaceBox {
  float x = 0.0f;
  float y = 0.0f;
  float width = 0.0f;
  float height = 0.0f;
};

namespace landmarks {

// Error{Status::Ok, ""} when `box` is a usable face box of `image`, else what is wrong:
//   EmptyImage       no pixels / bad stride
//   InvalidArgument  image narrower or lower than min_side, or the box does not overlap the image
//   NonFinite        NaN / Inf in the box
//   Degenerate       width or height <= 0
inline Error check_face_box(ImageView image, const FaceBox& box, int min_side) noexcept {
  if (!image.valid()) return {Status::EmptyImage, "landmarks: empty image"};
  if (image.width < min_side || image.height < min_side) return {Status::InvalidArgument, "landmarks: image too small"};
  if (!(std::isfinite(box.x) && std::isfinite(box.y) && std::isfinite(box.width) && std::isfinite(box.height)))
    return {Status::NonFinite, "landmarks: non-finite face box"};
  if (!(box.width > 0.0f && box.height > 0.0f)) return {Status::Degenerate, "landmarks: empty face box"};
  // the image spans [-0.5, W - 0.5] x [-0.5, H - 0.5]; the box must share some area with it
  const float w = static_cast<float>(image.width), h = static_cast<float>(image.height);
  if (!(box.x < w - 0.5f && box.x + box.width > -0.5f && box.y < h - 0.5f && box.y + box.height > -0.5f))
    return {Status::InvalidArgument, "landmarks: face box outside the image"};
  return {Status::Ok, ""};
}

}  // namespace landmarks
}  // namespace facenn
