// FaceMesh regions of interest and the mapping of mesh outputs back to the image.
//
// From a detection (MediaPipe face_detection_front_detection_to_roi): rotation from keypoint 0 to 1
// (the eyes), rotation = target - atan2(-(y1 - y0), x1 - x0) with target 0, normalized to [-pi, pi);
// centre = box centre; side = 1.5 * max(w, h) (square_long). From the previous frame's landmarks
// (face_landmark_landmarks_to_roi): the same with the landmarks' bounding box and landmarks 33 -> 263.
// All in image pixels, pixel-centre convention.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>

#include <facenn/core/status.hpp>
#include <facenn/detection/blazeface.hpp>
#include <facenn/image/point.hpp>
#include <facenn/image/warp.hpp>

namespace facenn::detection {

// angle - 2 pi floor((angle + pi) / (2 pi)), MediaPipe's NormalizeRadians.
inline float normalize_radians(float angle) noexcept {
  const double a = angle;
  constexpr double two_pi = 2.0 * std::numbers::pi;
  return static_cast<float>(a - two_pi * std::floor((a + std::numbers::pi) / two_pi));
}

// Rotation that makes the vector p0 -> p1 horizontal (pointing right) in the crop.
inline float roi_rotation(Point2f p0, Point2f p1, float target_angle = 0.0f) noexcept {
  return normalize_radians(target_angle - static_cast<float>(std::atan2(-(static_cast<double>(p1.y) - p0.y),
                                                                        static_cast<double>(p1.x) - p0.x)));
}

struct RoiOptions {
  float scale = 1.5f;       // side = scale * max(w, h)
  int start_keypoint = 0;   // detection keypoints (0 = right eye, 1 = left eye)
  int end_keypoint = 1;
  int start_landmark = 33;  // FaceMesh landmarks for the tracking ROI (eye outer corners)
  int end_landmark = 263;
};

// The FaceMesh ROI for a detection in image pixels.
inline Result<RotatedRect> face_roi_from_detection(const Detection& det, const RoiOptions& opt = {}) noexcept {
  const auto k0 = static_cast<std::size_t>(opt.start_keypoint), k1 = static_cast<std::size_t>(opt.end_keypoint);
  if (k0 >= det.keypoints.size() || k1 >= det.keypoints.size())
    return Error{Status::InvalidArgument, "face_roi: keypoint index out of range"};
  if (!(std::isfinite(det.xmin) && std::isfinite(det.ymin) && std::isfinite(det.width) && std::isfinite(det.height)))
    return Error{Status::NonFinite, "face_roi: non-finite box"};
  const float side = opt.scale * std::max(det.width, det.height);
  if (!(side > 0.0f)) return Error{Status::Degenerate, "face_roi: empty box"};
  RotatedRect r;
  r.cx = det.xmin + 0.5f * det.width;
  r.cy = det.ymin + 0.5f * det.height;
  r.width = side;
  r.height = side;
  r.rotation = roi_rotation(det.keypoints[k0], det.keypoints[k1]);
  if (!std::isfinite(r.rotation)) return Error{Status::NonFinite, "face_roi: non-finite keypoints"};
  return r;
}

// The tracking ROI from landmarks of a previous frame (image pixels; x, y used).
template <class P>
inline Result<RotatedRect> face_roi_from_landmarks(std::span<const P> landmarks, const RoiOptions& opt = {}) noexcept {
  const auto k0 = static_cast<std::size_t>(opt.start_landmark), k1 = static_cast<std::size_t>(opt.end_landmark);
  if (landmarks.empty() || k0 >= landmarks.size() || k1 >= landmarks.size())
    return Error{Status::InvalidArgument, "face_roi: too few landmarks"};
  float x0 = landmarks[0].x, x1 = x0, y0 = landmarks[0].y, y1 = y0;
  for (const P& p : landmarks) {
    if (!(std::isfinite(p.x) && std::isfinite(p.y))) return Error{Status::NonFinite, "face_roi: non-finite landmark"};
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  const float side = opt.scale * std::max(x1 - x0, y1 - y0);
  if (!(side > 0.0f)) return Error{Status::Degenerate, "face_roi: landmarks have no extent"};
  RotatedRect r;
  r.cx = 0.5f * (x0 + x1);
  r.cy = 0.5f * (y0 + y1);
  r.width = side;
  r.height = side;
  r.rotation = roi_rotation(Point2f{landmarks[k0].x, landmarks[k0].y}, Point2f{landmarks[k1].x, landmarks[k1].y});
  return r;
}

// Mesh output (x, y, z in crop-tensor pixels of a size x size input, x/size = normalized crop
// coordinate) -> image pixels; z is scaled like x: z_px = z * roi.width / size.
class MeshProjection {
 public:
  MeshProjection(const RotatedRect& roi, int size) noexcept
      : m_(rect_tensor_to_image(roi, size, size)), z_scale_(static_cast<double>(roi.width) / size) {}
  [[nodiscard]] Point3f operator()(float x, float y, float z) const noexcept {
    double ox = 0.0, oy = 0.0;
    m_.apply(static_cast<double>(x), static_cast<double>(y), ox, oy);
    return {static_cast<float>(ox), static_cast<float>(oy), static_cast<float>(z * z_scale_)};
  }
  [[nodiscard]] const Affine2x3& matrix() const noexcept { return m_; }

 private:
  Affine2x3 m_;
  double z_scale_;
};

}  // namespace facenn::detection
