// facenn geometry: face alignment (similarity transforms, chip templates, warping into a crop).
//
//   std::array<std::uint8_t, 150 * 150 * 3> chip;
//   Status s = extract_dlib_chip(RgbView{rgb, w, h, w * 3}, LandmarkView{mesh_xyz, 468, 3},
//                                RgbMutView{chip.data(), 150, 150, 150 * 3});
//
// Coordinates are pixels in the pixel-centre convention everywhere: (0, 0) is the centre of the top-left
// pixel, so an image W pixels wide covers x in [-0.5, W - 0.5].
//
// Templates:
//  * dlib 5-point chip (the one dlib's face recognition ResNet, face-api.js's FaceRecognitionNet, was trained
//    on): dlib's 5-point mean face on the unit square (get_face_chip_details), padded: p' = (padding + p) /
//    (1 + 2 padding). dlib fits the similarity template -> image by least squares in image space with the
//    template scaled by `size`, then maps the chip's corner pixels 0 and size - 1 onto the corners of that
//    square; together that is exactly the template scaled by size - 1 in chip pixel coordinates, which is
//    what dlib_chip_points() returns. FaceMesh vertices 263, 362, 33, 133, 2 stand in for dlib's 5 points
//    (image-right eye outer / inner corner, image-left eye outer / inner corner, base of the nose).
//    Difference to dlib's extract_image_chip: dlib halves the image with a pyramid while the chip still
//    shrinks it by more than 2; here each chip pixel averages k x k bilinear samples instead (WarpOptions).
//  * ArcFace / InsightFace 112 x 112: the 5 reference points of insightface's `arcface_dst` (eye centres,
//    nose tip, mouth corners, image-left first). As insightface does, the similarity is fitted landmarks ->
//    template by least squares in template space. FaceMesh stand-ins: eye centres = midpoints of the eye
//    corners (33, 133) and (362, 263), nose tip = vertex 4 (the vertex nearest to human-annotated nose tips,
//    REFERENCE.md), mouth corners 61, 291.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include <facenn/geometry/landmarks.hpp>
#include <facenn/geometry/status.hpp>

namespace facenn::geometry {

// Non-owning interleaved RGB8 images (3 bytes per pixel, rows `stride_bytes` apart).
struct RgbView {
  const std::uint8_t* rgb = nullptr;
  int width = 0, height = 0, stride_bytes = 0;
  bool valid() const noexcept { return rgb && width > 0 && height > 0 && stride_bytes >= 3 * width; }
};
struct RgbMutView {
  std::uint8_t* rgb = nullptr;
  int width = 0, height = 0, stride_bytes = 0;
  bool valid() const noexcept { return rgb && width > 0 && height > 0 && stride_bytes >= 3 * width; }
};

// y = A x + b.
struct Affine2 {
  Eigen::Matrix2d A = Eigen::Matrix2d::Identity();
  Eigen::Vector2d b = Eigen::Vector2d::Zero();

  Eigen::Vector2d operator()(const Eigen::Vector2d& x) const noexcept { return A * x + b; }
  Affine2 inverse() const noexcept {
    const Eigen::Matrix2d ai = A.inverse();
    return {ai, -ai * b};
  }
  // For a similarity: its scale and its rotation angle (radians, image axes: positive turns x towards y).
  double scale() const noexcept { return std::sqrt(std::abs(A.determinant())); }
  double angle() const noexcept { return std::atan2(A(1, 0), A(0, 0)); }
};

// Least-squares similarity (rotation, uniform scale, translation; no reflection) mapping src[i] to dst[i]
// (Umeyama, PAMI 1991). n >= 2. Degenerate when the src points coincide or the dst points do. Nothing is
// stored per point: two passes accumulate the means and the 2 x 2 cross-covariance. Eigen::umeyama computes
// the same (the tests check it), but wants the points copied into an Eigen matrix, and with a run-time point
// count its dynamic-size blocks trip GCC 12 -Wstringop-overread false positives under -Werror.
inline Status estimate_similarity(std::span<const Eigen::Vector2d> src, std::span<const Eigen::Vector2d> dst,
                                  Affine2* out) noexcept {
  if (!out || src.size() != dst.size()) return Status::InvalidArgument;
  if (src.size() < 2) return Status::TooFewPoints;
  const double inv_n = 1.0 / static_cast<double>(src.size());
  Eigen::Vector2d ms = Eigen::Vector2d::Zero(), md = Eigen::Vector2d::Zero();
  for (std::size_t i = 0; i < src.size(); ++i) {
    if (!src[i].allFinite() || !dst[i].allFinite()) return Status::NonFinite;
    ms += src[i];
    md += dst[i];
  }
  ms *= inv_n;
  md *= inv_n;
  Eigen::Matrix2d cov = Eigen::Matrix2d::Zero();
  double vs = 0.0, vd = 0.0;
  for (std::size_t i = 0; i < src.size(); ++i) {
    const Eigen::Vector2d a = src[i] - ms, b = dst[i] - md;
    cov += b * a.transpose();
    vs += a.squaredNorm();
    vd += b.squaredNorm();
  }
  // coincident points (relative to the coordinates' magnitude)
  if (!(vs > 1e-24 * std::max(1.0, ms.squaredNorm())) || !(vd > 1e-24 * std::max(1.0, md.squaredNorm())))
    return Status::Degenerate;
  // In 2D the SVD step of Umeyama has a closed form: trace(R(theta)^T cov) = cos(theta) (c00 + c11) +
  // sin(theta) (c10 - c01) is largest at theta = atan2(c10 - c01, c00 + c11), and the scale is that maximum
  // (the sum of the signed singular values) over the source variance.
  const double cs = cov(0, 0) + cov(1, 1), sn = cov(1, 0) - cov(0, 1);
  const double norm = std::hypot(cs, sn);
  if (!(norm > 0.0)) return Status::Degenerate;
  Eigen::Matrix2d r;
  r << cs / norm, -sn / norm, sn / norm, cs / norm;
  const double scale = norm / vs;
  out->A = scale * r;
  out->b = md - out->A * ms;
  return out->A.allFinite() && out->b.allFinite() && scale > 0.0 ? Status::Ok : Status::Degenerate;
}

// ---- templates ------------------------------------------------------------------------------------------
// dlib's 5-point template on the unit square: image-right eye outer, inner corner, image-left eye outer,
// inner corner, base of the nose (dlib's shape_predictor_5_face_landmarks order).
inline constexpr double kDlib5Template[5][2] = {{0.8595674595992, 0.2134981538014},
                                                {0.6460604764104, 0.2289674387677},
                                                {0.1205750620789, 0.2137274526848},
                                                {0.3340850613712, 0.2290642403242},
                                                {0.4901123135679, 0.6277975316475}};
inline constexpr std::array<std::uint16_t, 5> kDlib5FaceMeshVertex = {263, 362, 33, 133, 2};

// The template in chip pixel coordinates for a size x size chip with the given padding (dlib's defaults for
// its face recognition model: size 150, padding 0.25).
inline std::array<Eigen::Vector2d, 5> dlib_chip_points(int size, double padding = 0.25) noexcept {
  std::array<Eigen::Vector2d, 5> p;
  const double k = (size - 1) / (1.0 + 2.0 * padding);
  for (std::size_t i = 0; i < 5; ++i) p[i] = {(padding + kDlib5Template[i][0]) * k, (padding + kDlib5Template[i][1]) * k};
  return p;
}

// insightface's 112 x 112 ArcFace template: image-left eye centre, image-right eye centre, nose tip,
// image-left mouth corner, image-right mouth corner.
inline constexpr double kArcface112Template[5][2] = {
    {38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}};
inline constexpr int kArcfaceSize = 112;

inline std::array<Eigen::Vector2d, 5> arcface_chip_points() noexcept {
  std::array<Eigen::Vector2d, 5> p;
  for (std::size_t i = 0; i < 5; ++i) p[i] = {kArcface112Template[i][0], kArcface112Template[i][1]};
  return p;
}

// dlib's 5 points from FaceMesh landmarks (468 or 478).
inline Status dlib5_from_facemesh(LandmarkView mesh, std::array<Eigen::Vector2d, 5>* out) noexcept {
  if (!out || !mesh.valid() || mesh.count < 468) return Status::InvalidArgument;
  for (std::size_t i = 0; i < 5; ++i) (*out)[i] = mesh[kDlib5FaceMeshVertex[i]];
  return Status::Ok;
}

// ArcFace's 5 points from FaceMesh landmarks (468 or 478).
inline Status arcface5_from_facemesh(LandmarkView mesh, std::array<Eigen::Vector2d, 5>* out) noexcept {
  if (!out || !mesh.valid() || mesh.count < 468) return Status::InvalidArgument;
  (*out)[0] = 0.5 * (mesh[33] + mesh[133]);
  (*out)[1] = 0.5 * (mesh[362] + mesh[263]);
  (*out)[2] = mesh[4];
  (*out)[3] = mesh[61];
  (*out)[4] = mesh[291];
  return Status::Ok;
}

// Chip -> image transform of a dlib chip (size x size, padding) from dlib's 5 points (image pixels).
inline Status dlib_chip_transform(std::span<const Eigen::Vector2d, 5> five, int size, double padding,
                                  Affine2* chip_to_image) noexcept {
  if (size <= 1 || !(padding >= 0.0) || !std::isfinite(padding)) return Status::InvalidArgument;
  const auto tmpl = dlib_chip_points(size, padding);
  return estimate_similarity(tmpl, five, chip_to_image);  // least squares in image space, as dlib
}

// Chip -> image transform of a 112 x 112 ArcFace chip from its 5 points (image pixels).
inline Status arcface_transform(std::span<const Eigen::Vector2d, 5> five, Affine2* chip_to_image) noexcept {
  if (!chip_to_image) return Status::InvalidArgument;
  const auto tmpl = arcface_chip_points();
  Affine2 image_to_chip;
  const Status s = estimate_similarity(five, tmpl, &image_to_chip);  // least squares in chip space, as insightface
  if (s != Status::Ok) return s;
  *chip_to_image = image_to_chip.inverse();
  return Status::Ok;
}

// ---- warping --------------------------------------------------------------------------------------------
struct WarpOptions {
  std::array<std::uint8_t, 3> fill = {0, 0, 0};  // colour of chip pixels that fall outside the image
  // Samples per axis averaged into each chip pixel (bilinear each): 0 = automatic, round(source pixels per
  // chip pixel) clamped to [1, 4], i.e. plain bilinear unless the chip shrinks the face by 1.5 or more.
  int supersample = 0;
};

// dst(x, y) = src(chip_to_image(x, y)), bilinear; rounding to nearest. A sample inside the image's area
// [-0.5, W - 0.5] x [-0.5, H - 0.5] reads the nearest pixels (edge pixels extend to the border); outside
// it, `fill`. No allocation.
inline Status warp_affine(RgbView src, const Affine2& chip_to_image, RgbMutView dst,
                          const WarpOptions& options = {}) noexcept {
  if (!src.valid() || !dst.valid() || options.supersample < 0 || options.supersample > 16) return Status::InvalidArgument;
  if (!chip_to_image.A.allFinite() || !chip_to_image.b.allFinite()) return Status::NonFinite;
  const int k = options.supersample > 0 ? options.supersample
                                        : std::clamp(static_cast<int>(std::lround(chip_to_image.scale())), 1, 4);
  const double xmax = src.width - 0.5, ymax = src.height - 0.5;
  const double inv_k2 = 1.0 / (k * k);
  for (int y = 0; y < dst.height; ++y) {
    std::uint8_t* out = dst.rgb + static_cast<std::ptrdiff_t>(y) * dst.stride_bytes;
    for (int x = 0; x < dst.width; ++x) {
      double acc[3] = {0.0, 0.0, 0.0};
      for (int sy = 0; sy < k; ++sy) {
        for (int sx = 0; sx < k; ++sx) {
          const double ox = (sx + 0.5) / k - 0.5, oy = (sy + 0.5) / k - 0.5;
          const Eigen::Vector2d p = chip_to_image(Eigen::Vector2d(x + ox, y + oy));
          if (!(p.x() >= -0.5 && p.x() <= xmax && p.y() >= -0.5 && p.y() <= ymax)) {
            for (int c = 0; c < 3; ++c) acc[c] += options.fill[static_cast<std::size_t>(c)];
            continue;
          }
          const double px = std::clamp(p.x(), 0.0, src.width - 1.0), py = std::clamp(p.y(), 0.0, src.height - 1.0);
          const int x0 = std::min(static_cast<int>(px), src.width - 1), y0 = std::min(static_cast<int>(py), src.height - 1);
          const int x1 = std::min(x0 + 1, src.width - 1), y1 = std::min(y0 + 1, src.height - 1);
          const double fx = px - x0, fy = py - y0;
          const std::uint8_t* r0 = src.rgb + static_cast<std::ptrdiff_t>(y0) * src.stride_bytes;
          const std::uint8_t* r1 = src.rgb + static_cast<std::ptrdiff_t>(y1) * src.stride_bytes;
          for (int c = 0; c < 3; ++c) {
            const double top = r0[3 * x0 + c] + fx * (r0[3 * x1 + c] - r0[3 * x0 + c]);
            const double bottom = r1[3 * x0 + c] + fx * (r1[3 * x1 + c] - r1[3 * x0 + c]);
            acc[c] += top + fy * (bottom - top);
          }
        }
      }
      for (int c = 0; c < 3; ++c) {
        out[3 * x + c] = static_cast<std::uint8_t>(std::clamp(std::lround(acc[c] * inv_k2), 0L, 255L));
      }
    }
  }
  return Status::Ok;
}

// The dlib chip (dst.width x dst.width, square) of a face from its FaceMesh landmarks.
inline Status extract_dlib_chip(RgbView image, LandmarkView mesh, RgbMutView chip, double padding = 0.25,
                                const WarpOptions& options = {}, Affine2* chip_to_image_out = nullptr) noexcept {
  if (!chip.valid() || chip.width != chip.height) return Status::InvalidArgument;
  std::array<Eigen::Vector2d, 5> five;
  Status s = dlib5_from_facemesh(mesh, &five);
  Affine2 t;
  if (s == Status::Ok) s = dlib_chip_transform(five, chip.width, padding, &t);
  if (s == Status::Ok) s = warp_affine(image, t, chip, options);
  if (s == Status::Ok && chip_to_image_out) *chip_to_image_out = t;
  return s;
}

// The 112 x 112 ArcFace chip of a face from its FaceMesh landmarks.
inline Status extract_arcface_chip(RgbView image, LandmarkView mesh, RgbMutView chip, const WarpOptions& options = {},
                                   Affine2* chip_to_image_out = nullptr) noexcept {
  if (!chip.valid() || chip.width != kArcfaceSize || chip.height != kArcfaceSize) return Status::InvalidArgument;
  std::array<Eigen::Vector2d, 5> five;
  Status s = arcface5_from_facemesh(mesh, &five);
  Affine2 t;
  if (s == Status::Ok) s = arcface_transform(five, &t);
  if (s == Status::Ok) s = warp_affine(image, t, chip, options);
  if (s == Status::Ok && chip_to_image_out) *chip_to_image_out = t;
  return s;
}

}  // namespace facenn::geometry
