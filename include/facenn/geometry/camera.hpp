// facenn geometry: pinhole camera intrinsics.
//
// Conventions (docs/geometry.md):
//  * pixel coordinates use the pixel-centre convention: (0, 0) is the centre of the top-left pixel, x to the
//    right, y down; an image of width W spans x in [-0.5, W - 0.5].
//  * camera frame: x right, y down, z forward (into the scene), units of the 3D model (the canonical face is
//    in centimetres).
//  * projection: u = fx * X / Z + cx, v = fy * Y / Z + cy. Lens distortion is ignored by design: the face
//    networks run on ordinary photos and webcam frames whose distortion is unknown and small next to the
//    landmark error; callers with calibrated cameras undistort their landmarks first.
#pragma once

#include <cmath>
#include <numbers>

namespace facenn::geometry {

struct Camera {
  double fx = 1.0, fy = 1.0;  // focal lengths in pixels
  double cx = 0.0, cy = 0.0;  // principal point in pixels (pixel-centre convention)

  // The default camera for a photo of unknown origin, the one the reference pipelines use: focal length =
  // image width (a horizontal field of view of 2*atan(0.5) = 53.13 degrees), square pixels, principal point
  // at the image centre ((W - 1) / 2, (H - 1) / 2) in the pixel-centre convention.
  static constexpr Camera from_image_size(int width, int height) noexcept {
    const double f = static_cast<double>(width);
    return {f, f, 0.5 * (width - 1), 0.5 * (height - 1)};
  }

  // Focal length from a horizontal field of view in degrees (0 < fov < 180): f = (W / 2) / tan(fov / 2).
  static Camera from_horizontal_fov(int width, int height, double fov_degrees) noexcept {
    const double f = 0.5 * width / std::tan(0.5 * fov_degrees * std::numbers::pi / 180.0);
    return {f, f, 0.5 * (width - 1), 0.5 * (height - 1)};
  }

  // The horizontal field of view in degrees of a camera for an image `width` pixels wide.
  double horizontal_fov_degrees(int width) const noexcept {
    return 2.0 * std::atan(0.5 * width / fx) * 180.0 / std::numbers::pi;
  }

  constexpr bool valid() const noexcept {
    // finite, positive focal lengths and a finite principal point (the comparisons are false for NaN)
    return fx > 0.0 && fy > 0.0 && fx < 1e300 && fy < 1e300 && cx > -1e300 && cx < 1e300 && cy > -1e300 &&
           cy < 1e300;
  }
};

}  // namespace facenn::geometry
