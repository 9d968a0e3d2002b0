// facenn::Landmarks35 — the 35-point set of OpenVINO's facial-landmarks-35-adas-0002, with OpenVINO's point
// order and output convention, computed by MediaPipe's FaceMesh (468 points) through a fixed vertex map.
//
//   #include <facenn/landmarks35.hpp>
//   static facenn::Landmarks35::Arena arena;                      // Landmarks35::arena_bytes, compile-time
//   auto pts = facenn::Landmarks35{}.run(image.view(), box, arena);  // box: a face in image pixels
//   if (pts) { pts->points[4];             // p4 = nose tip, image pixels
//              pts->normalized(); }        // 70 floats (x0, y0, ..., x34, y34) in 0..1 of the box (align_fc3)
//   auto crop_pts = facenn::Landmarks35{}.run(face_crop.view(), arena);  // a ready face crop
//
// The points are NOT the output of OpenVINO's network (whose weights are not used anywhere in facenn): they are
// FaceMesh vertices (facenn::landmarks::kPoints35Vertex, docs/models/landmarks35.md has the point-by-point
// table and the measured accuracy). Point k of a result is bit-identical to FaceMesh vertex kPoints35Vertex[k]
// computed on the same ROI.
//
// Conventions (as OpenVINO's model): point order p0-p34 in image directions (p0/p1 inner/outer corner of the
// eye on the image's left, ...); the normalized form is x / y relative to the face crop, 0 = its left / top
// edge, 1 = its right / bottom edge. In facenn's pixel-centre coordinates ((0, 0) = centre of the top-left
// pixel) a box {x, y, w, h} covers [x, x + w] x [y, y + h]: u = (px - x) / w. A ready W x H crop is the box
// {-0.5, -0.5, W, H} (its outer pixel edges), so u = (px + 0.5) / W.
//
// FaceMesh ROI: square, side Options::roi_scale * max(w, h) centred on the box (MediaPipe's rule for BlazeFace
// boxes, 1.5), upright for a plain box; from a detection::Detection, turned by the eye keypoints as MediaPipe
// does. A box from another detector that is larger than BlazeFace's (forehead to chin) wants a smaller scale.
//
// No exceptions, no allocation: everything lives in the caller's Arena. The image loading (facenn/image/io.hpp)
// is separate.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

#include <facenn/core/status.hpp>
#include <facenn/detection/blazeface.hpp>
#include <facenn/detection/face_roi.hpp>
#include <facenn/image/image.hpp>
#include <facenn/image/point.hpp>
#include <facenn/image/warp.hpp>
#include <facenn/landmarks/face_box.hpp>
#include <facenn/landmarks/schemes.hpp>
#include <facenn/models/facemesh468.hpp>
#include <facenn/pipeline/face_mesh.hpp>

namespace facenn {

inline constexpr std::size_t kLandmarks35Points = landmarks::kPoints35;

// 35 points in image pixels, plus the box their normalized (OpenVINO) form refers to.
struct Landmarks35Result {
  std::array<Point2f, kLandmarks35Points> points{};  // p0..p34, image pixels (pixel-centre convention)
  FaceBox box{};                                     // the face crop of the normalized form
  float score = 0.0f;                                // FaceMesh face presence in [0, 1]
  RotatedRect roi{};                                 // the FaceMesh crop the points came from

  // OpenVINO's output blob: (x0, y0, x1, y1, ..., x34, y34), x / y in 0..1 of `box`.
  [[nodiscard]] std::array<float, 2 * kLandmarks35Points> normalized() const noexcept {
    std::array<float, 2 * kLandmarks35Points> out{};
    for (std::size_t k = 0; k < kLandmarks35Points; ++k) {
      out[2 * k] = (points[k].x - box.x) / box.width;
      out[2 * k + 1] = (points[k].y - box.y) / box.height;
    }
    return out;
  }
};

// The inverse of Landmarks35Result::normalized(): OpenVINO-style normalized points of `box` -> image pixels
// (also what an OpenVINO pipeline does with align_fc3).
inline std::array<Point2f, kLandmarks35Points> landmarks35_from_normalized(
    const std::array<float, 2 * kLandmarks35Points>& normalized, const FaceBox& box) noexcept {
  std::array<Point2f, kLandmarks35Points> out{};
  for (std::size_t k = 0; k < kLandmarks35Points; ++k)
    out[k] = {box.x + normalized[2 * k] * box.width, box.y + normalized[2 * k + 1] * box.height};
  return out;
}

template <class MeshNet = models::FaceMesh468HybridNet, class Backend = kernels::DefaultBackend>
class BasicLandmarks35 {
 public:
  using Mesh = BasicFaceMesh<MeshNet, Backend>;

  struct Options {
    float roi_scale = 1.5f;  // FaceMesh crop side = roi_scale * max(box w, h)
    int min_image_side = 8;  // smaller images (or crops) are refused: nothing to find in them
  };

  struct Arena {
    typename Mesh::Arena mesh;
    FaceMeshResult mesh_result;
  };
  static constexpr std::size_t arena_bytes = sizeof(Arena);

  BasicLandmarks35() noexcept : BasicLandmarks35(Options{}) {}
  explicit BasicLandmarks35(const Options& opt) noexcept : opt_(opt), mesh_(mesh_options(opt)) {}

  [[nodiscard]] const Options& options() const noexcept { return opt_; }

  // The face in `box` (image pixels) of `image`; FaceMesh ROI upright.
  Result<Landmarks35Result> run(ImageView image, const FaceBox& box, Arena& arena) const noexcept {
    detection::Detection d{};
    d.xmin = box.x;
    d.ymin = box.y;
    d.width = box.width;
    d.height = box.height;
    d.keypoints[0] = {0.0f, 0.0f};  // eyes level: rotation 0
    d.keypoints[1] = {1.0f, 0.0f};
    return run(image, d, arena);
  }

  // A detected face (e.g. facenn::FaceDetector): the ROI is turned by the eye keypoints; the normalized form
  // refers to the detection box.
  Result<Landmarks35Result> run(ImageView image, const detection::Detection& face, Arena& arena) const noexcept {
    const FaceBox box{face.xmin, face.ymin, face.width, face.height};
    const Error bad = landmarks::check_face_box(image, box, opt_.min_image_side);
    if (bad.status != Status::Ok) return bad;
    auto roi = detection::face_roi_from_detection(face, mesh_.options().roi);
    if (!roi) return roi.error();
    const Status s = mesh_.estimate(image, *roi, arena.mesh_result, arena.mesh);
    if (s != Status::Ok) return Error{s, "landmarks35: FaceMesh failed"};
    Landmarks35Result r;
    r.box = box;
    r.score = arena.mesh_result.score;
    r.roi = arena.mesh_result.roi;
    for (std::size_t k = 0; k < kLandmarks35Points; ++k) {
      const Point3f& v = arena.mesh_result.landmarks[landmarks::kPoints35Vertex[k]];
      r.points[k] = {v.x, v.y};
    }
    return r;
  }

  // A ready face crop (the whole image is the face box, as OpenVINO's model takes its input): points in crop
  // pixels, normalized form relative to the crop's outer edges.
  Result<Landmarks35Result> run(ImageView face_crop, Arena& arena) const noexcept {
    if (!face_crop.valid()) return Error{Status::EmptyImage, "landmarks35: empty face crop"};
    const FaceBox whole{-0.5f, -0.5f, static_cast<float>(face_crop.width), static_cast<float>(face_crop.height)};
    return run(face_crop, whole, arena);
  }

 private:
  static typename Mesh::Options mesh_options(const Options& opt) noexcept {
    typename Mesh::Options m;
    m.roi.scale = opt.roi_scale;
    return m;
  }

  Options opt_;
  Mesh mesh_;
};

// The int8 FaceMesh trunk with float output convolutions (the accuracy docs/models/facemesh468.md states).
using Landmarks35 = BasicLandmarks35<>;

}  // namespace facenn
