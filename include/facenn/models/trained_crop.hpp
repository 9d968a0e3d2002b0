// The crop of the networks trained in this repository (landmarks35_60, fpenet80) from a BlazeFace detection.
//
// Both nets were trained on the square around the tight box of a face's 68 labelled points (centre of that box,
// side kLandmarks35CropScale = kFpenet80CropScale = 1.25 x its longer side, no rotation). A BlazeFace box is another
// box (about brows to mouth, cheek to cheek), so the square is predicted from the detection: a linear map, fitted on
// the training set (models/common/detector_crop.py, ../shared/data/train68; never the LFPW test set), of the six
// keypoints' positions inside the box to the centre offset and the log side ratio:
//
//   s = max(box w, box h), c = box centre, f = [(k_i - c) / s for the 6 keypoints (x, y)..., 1]
//   cx = c.x + s * clamp(f . kDx, +-0.25), cy = c.y + s * clamp(f . kDy, +-0.25)
//   side = s * clamp(exp(f . kLogSide), 0.9, 1.7), rotation 0
//
// 5-fold cross-validated on train68 (909 faces): centre error 2.4 % of the side (mean; p95 5.0 %), |log side ratio|
// 4.1 % (p95 11 %), against 3.2 % / 5.8 % for a constant offset and scale; the nets were trained with a jitter of
// +-8 % (centre) and x0.85..1.15 (side), so the residual is inside what they have seen. The clamps bound what an
// unusual detection can do (train68 range: offsets within +-0.17, ratio 0.96..1.62).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include <facenn/core/status.hpp>
#include <facenn/detection/blazeface.hpp>
#include <facenn/image/warp.hpp>

namespace facenn::models {

namespace trained_crop_fit {
// models/common/detector_crop.json "coef" (ridge lambda 1e-3), feature order k0.x, k0.y, ..., k5.x, k5.y, 1
inline constexpr double kDx[13] = {0.394974578,  0.102835262,  0.0563014863, -0.0482371008, -0.117807004,
                                   0.0585759172, -0.129687474, -0.0264536092, -0.188500688,  0.174080334,
                                   -0.0126406192, 0.0486792591, 0.0438218134};
inline constexpr double kDy[13] = {0.682889008,  -0.687323131, -0.216357518, -0.539070134, 0.0997436162,
                                   1.04157986,   -0.565838675, -0.0767894091, -0.331978839, 0.46190959,
                                   -0.0915186117, -0.0997941853, -0.0966848799};
inline constexpr double kLogSide[13] = {0.578016492, 1.56719,     -1.85475885, 1.56537732,  0.0881239926,
                                        -2.95155096, 1.00360864,  1.88490901,  -0.783939922, -0.714695529,
                                        1.71503784,  0.321858065, -0.111538126};
inline constexpr double kOffsetClamp = 0.25;
inline constexpr double kSideMin = 0.9;
inline constexpr double kSideMax = 1.7;
}  // namespace trained_crop_fit

// The face square for landmarks35_60 / fpenet80 from a detection (image pixels, pixel-centre convention).
inline Result<RotatedRect> trained_crop_from_detection(const detection::Detection& det) noexcept {
  namespace F = trained_crop_fit;
  if (!(std::isfinite(det.xmin) && std::isfinite(det.ymin) && std::isfinite(det.width) && std::isfinite(det.height)))
    return Error{Status::NonFinite, "trained_crop: non-finite box"};
  const double s = std::max(det.width, det.height);
  if (!(s > 0.0)) return Error{Status::Degenerate, "trained_crop: empty box"};
  const double cx = det.xmin + 0.5 * det.width, cy = det.ymin + 0.5 * det.height;
  double dx = F::kDx[12], dy = F::kDy[12], ls = F::kLogSide[12];
  for (std::size_t i = 0; i < det.keypoints.size(); ++i) {
    const double fx = (det.keypoints[i].x - cx) / s, fy = (det.keypoints[i].y - cy) / s;
    if (!(std::isfinite(fx) && std::isfinite(fy))) return Error{Status::NonFinite, "trained_crop: non-finite keypoints"};
    dx += F::kDx[2 * i] * fx + F::kDx[2 * i + 1] * fy;
    dy += F::kDy[2 * i] * fx + F::kDy[2 * i + 1] * fy;
    ls += F::kLogSide[2 * i] * fx + F::kLogSide[2 * i + 1] * fy;
  }
  dx = std::clamp(dx, -F::kOffsetClamp, F::kOffsetClamp);
  dy = std::clamp(dy, -F::kOffsetClamp, F::kOffsetClamp);
  const double side = s * std::clamp(std::exp(ls), F::kSideMin, F::kSideMax);
  RotatedRect r;
  r.cx = static_cast<float>(cx + s * dx);
  r.cy = static_cast<float>(cy + s * dy);
  r.width = static_cast<float>(side);
  r.height = static_cast<float>(side);
  r.rotation = 0.0f;
  return r;
}

}  // namespace facenn::models
