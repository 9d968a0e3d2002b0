// `facenn pose`: BlazeFace -> FaceMesh -> solve_pnp against the canonical face -> yaw / pitch / roll.
// Conventions (camera, angle signs and order) are those of include/facenn/geometry/head_pose.hpp and
// docs/geometry.md; the camera is Camera::from_image_size (focal length = image width, 53.13 degrees
// horizontal field of view, principal point at the image centre).
// GCC 12 with -march=native (AVX-512, tools/CMakeLists.txt) reports -W(maybe-)uninitialized inside Eigen's
// AVX-512 packet code (_mm256_undefined_pd / _mm512_undefined are uninitialized by design): false positives in
// system headers' inlined code, so they are silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#include <cmath>
#include <string>
#include <vector>

#include <facenn/geometry/camera.hpp>
#include <facenn/geometry/face_models.hpp>
#include <facenn/geometry/head_pose.hpp>

#include "cli.hpp"
#include "face_models.hpp"
#include "subcommands.hpp"

namespace facenn::cli {

namespace {
// Axis length of the drawing, in the model's units (centimetres): about the nose-to-ear distance.
constexpr double kAxisCm = 8.0;
// The axes start at the nose tip (canonical vertex 1), where they are easy to see.
constexpr std::size_t kNoseTipVertex = 1;

Point2f to_point(const Eigen::Vector2d& p) { return {static_cast<float>(p.x()), static_cast<float>(p.y())}; }
}  // namespace

bool add_head_pose(const Image& img, FaceRecord& face, PoseFrame frame) {
  if (face.landmarks.size() < 468) return false;
  std::vector<float> xy;
  xy.reserve(2 * face.landmarks.size());
  for (const Point3f& p : face.landmarks) {
    xy.push_back(p.x);
    xy.push_back(p.y);
  }
  const geometry::Camera cam = geometry::Camera::from_image_size(img.width(), img.height());
  // 32 rigid vertices (eye corners, nose, mouth corners, chin, forehead, ...): the lips and the jaw line
  // move with expressions and would pull the pose (../shared/peers/REFERENCE.md: rigid32 beats all 468).
  const geometry::HeadPose hp =
      geometry::estimate_head_pose({xy.data(), face.landmarks.size(), 2}, geometry::facemesh_rigid_model(), cam);
  // NotConverged still carries the best pose found (LM stopped at its iteration limit).
  if (!hp.ok() && hp.status != geometry::Status::NotConverged) return false;
  const geometry::EulerAngles& a = frame == PoseFrame::Viewer ? hp.viewer_angles : hp.angles;
  face.pose = Pose{static_cast<float>(a.yaw), static_cast<float>(a.pitch), static_cast<float>(a.roll)};
  // Drawing: origin at the nose tip; x (subject's left, image right for a frontal face), y (down) and the
  // direction the face looks (-z of the model frame, towards the camera for a frontal face).
  const Eigen::Vector3d o = geometry::canonical_vertex(kNoseTipVertex);
  PoseAxes axes;
  axes.origin = to_point(hp.pose.project(o, cam));
  axes.x = to_point(hp.pose.project(o + Eigen::Vector3d(kAxisCm, 0.0, 0.0), cam));
  axes.y = to_point(hp.pose.project(o + Eigen::Vector3d(0.0, kAxisCm, 0.0), cam));
  axes.forward = to_point(hp.pose.project(o + Eigen::Vector3d(0.0, 0.0, -kAxisCm), cam));
  face.pose_axes = axes;
  return true;
}

int run_pose(const Options& opt) {
  FaceModels models(opt);
  return run_images(opt, [&models, &opt](const Image& img) -> Result<std::vector<FaceRecord>> {
    auto faces = models.detect(img);
    if (!faces) return faces;
    for (FaceRecord& f : *faces) {
      const Status s = models.add_facemesh(img, f);
      if (s == Status::Unsupported) return Error{s, "this build has no FaceMesh model (facenn/models/facemesh468.hpp)"};
      if (s != Status::Ok) return Error{s, "FaceMesh failed"};
      // A face whose landmarks admit no pose (degenerate, behind the camera) keeps its landmarks and has
      // no "pose" key: the other faces of the image are still reported.
      (void)add_head_pose(img, f, opt.pose_frame);
    }
    return faces;
  });
}

}  // namespace facenn::cli
