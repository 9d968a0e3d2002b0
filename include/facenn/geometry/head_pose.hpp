// facenn geometry: head pose (yaw / pitch / roll) from 2D face landmarks.
//
//   const auto cam = Camera::from_image_size(width, height);               // f = width
//   HeadPose hp = estimate_head_pose({mesh_xyz, 468, 3}, facemesh_rigid_model(), cam);
//   if (hp.ok()) print(hp.viewer_angles.yaw, hp.viewer_angles.pitch, hp.viewer_angles.roll);  // degrees
//
// Two frames for the same angles: `angles` about the camera's axes (for rendering in camera space: AR,
// driver monitoring with a calibrated camera), `viewer_angles` about the line of sight to the face (what a
// weak-perspective label and a viewer call frontal; what `facenn pose` prints by default).
//
// Angle convention (docs/geometry.md has the figure): the AFLW2000-3D label convention scored by
// ../shared/eval/score_pose.py, with the Euler composition of REFERENCE.md:
//     R = Rx(-pitch) * Ry(yaw) * Rz(roll)
// where R is the rotation of the pose (face model with y and z negated, face_models.hpp -> camera frame
// x right, y down, z forward) and Rx, Ry, Rz are the usual right-handed rotations about the camera axes.
//   yaw   > 0: the face turns towards the image left (the subject turns to their right)
//   pitch > 0: the face looks up
//   roll  > 0: the face tilts clockwise in the image (the top of the head moves to the image right)
// The minus on pitch is the y/z flip between 3DDFA's y-up model frame and the camera frame: 3DDFA writes
// R = Rx(phi) Ry(gamma) Rz(theta) with transposed (negative-angle) factors in a y-up frame, which becomes
// Rx(-phi) Ry(gamma) Rz(theta) in the camera frame. euler_xyz() gives the raw angles (a, b, c) of
// R = Rx(a) Ry(b) Rz(c) for anyone who wants them: yaw = b, pitch = -a, roll = c.
// Range: yaw in [-90, 90], pitch and roll in (-180, 180]. At yaw = +-90 degrees (gimbal lock) pitch and roll
// are not separable; then roll = 0 and pitch takes the whole rotation about the vertical, so angles -> R
// round-trips everywhere and nothing jumps or becomes NaN near the lock.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>

#include <facenn/geometry/camera.hpp>
#include <facenn/geometry/face_models.hpp>
#include <facenn/geometry/landmarks.hpp>
#include <facenn/geometry/pnp.hpp>
#include <facenn/geometry/rotation.hpp>
#include <facenn/geometry/status.hpp>

namespace facenn::geometry {

// Raw Euler angles (radians) of R = Rx(a) * Ry(b) * Rz(c); b in [-pi/2, pi/2].
inline Eigen::Vector3d euler_xyz(const Eigen::Matrix3d& r) noexcept {
  // R row 0 = [cb cc, -cb sc, sb], R(1,2) = -sa cb, R(2,2) = ca cb.
  const double cb = std::hypot(r(0, 0), r(0, 1));
  const double b = std::atan2(r(0, 2), cb);
  double a;
  if (cb > 1e-12) {
    a = std::atan2(-r(1, 2), r(2, 2));
  } else {
    // Gimbal lock (cb ~ 0): only a +- c is defined; put it all in a (c = 0): then R(1,1) = ca, R(2,1) = sa.
    a = std::atan2(r(2, 1), r(1, 1));
  }
  // c from what is left, Rz(c) = Ry(b)^T Rx(a)^T R: well conditioned even near the lock (where a itself is
  // known only to ~1e-16 / cb), so that the angles always reproduce R to rounding error.
  const Eigen::Matrix3d z = Eigen::AngleAxisd(-b, Eigen::Vector3d::UnitY()).toRotationMatrix() *
                            Eigen::AngleAxisd(-a, Eigen::Vector3d::UnitX()).toRotationMatrix() * r;
  const double c = cb > 1e-12 ? std::atan2(z(1, 0), z(0, 0)) : 0.0;
  return {a, b, c};
}

inline Eigen::Matrix3d rotation_from_euler_xyz(double a, double b, double c) noexcept {
  return (Eigen::AngleAxisd(a, Eigen::Vector3d::UnitX()) * Eigen::AngleAxisd(b, Eigen::Vector3d::UnitY()) *
          Eigen::AngleAxisd(c, Eigen::Vector3d::UnitZ()))
      .toRotationMatrix();
}

struct EulerAngles {
  double yaw = 0.0, pitch = 0.0, roll = 0.0;  // degrees, convention above
};

inline EulerAngles head_angles(const Eigen::Matrix3d& r) noexcept {
  constexpr double deg = 180.0 / std::numbers::pi;
  const Eigen::Vector3d e = euler_xyz(r);
  return {e[1] * deg, -e[0] * deg, e[2] * deg};
}

inline Eigen::Matrix3d rotation_from_head_angles(const EulerAngles& a) noexcept {
  constexpr double rad = std::numbers::pi / 180.0;
  return rotation_from_euler_xyz(-a.pitch * rad, a.yaw * rad, a.roll * rad);
}

// The rotation that turns the camera to look straight at the point p (camera frame) by the shortest path:
// about the axis perpendicular to both the optical axis and the ray, so it adds no twist of its own.
// R(0, 0, 1) = p / |p|. (A pan-then-tilt turn would add a roll of ~2 degrees for a face in an image corner.)
// Written out rather than Quaterniond::FromTwoVectors, which instantiates a JacobiSVD for the opposite-vector
// case and so cost every includer ~8 s of GCC 12 compile time.
inline Eigen::Matrix3d line_of_sight_rotation(const Eigen::Vector3d& p) noexcept {
  const double n = p.norm();
  if (!(n > 0.0) || !std::isfinite(n)) return Eigen::Matrix3d::Identity();  // no direction: no turn
  const Eigen::Vector3d v = p / n;
  // Half-angle quaternion of the turn z -> v: (1 + z.v, z x v), normalised; z x v = (-v.y, v.x, 0). Accurate
  // up to v = -z, where it becomes (0, 0, 0, 0) and any half turn about an axis in the x-y plane is shortest.
  // For v.z < 0, 1 + v.z is computed as (v.x^2 + v.y^2) / (1 - v.z) to avoid the cancellation.
  const double w = v.z() >= 0.0 ? 1.0 + v.z() : (v.x() * v.x() + v.y() * v.y()) / (1.0 - v.z());
  const Eigen::Quaterniond q(w, -v.y(), v.x(), 0.0);
  if (!(q.squaredNorm() > 1e-300)) return Eigen::Quaterniond(0.0, 1.0, 0.0, 0.0).toRotationMatrix();
  return q.normalized().toRotationMatrix();
}

// Head angles relative to the line of sight from the camera to `face_point` (camera frame, usually the
// face's centre) instead of the camera's optical axis: 0, 0, 0 is a face looking straight at the camera
// wherever it is in the image. This is what a weak-perspective (scaled orthographic) fit measures -- the
// convention of AFLW2000-3D's 3DDFA labels -- and what a viewer calls "frontal". For a face at the image
// centre both agree; a face 14 degrees above the optical axis that looks at the lens has a camera-frame
// pitch of -14 degrees and a line-of-sight pitch of 0.
inline EulerAngles head_angles_to_viewer(const Eigen::Matrix3d& r, const Eigen::Vector3d& face_point) noexcept {
  return head_angles(line_of_sight_rotation(face_point).transpose() * r);
}

struct HeadPose {
  Status status = Status::InvalidArgument;
  Pose pose;                   // model (face_models.hpp frame, centimetres) -> camera
  EulerAngles angles;          // degrees, about the camera axes (head_angles(pose.R))
  EulerAngles viewer_angles;   // degrees, relative to the line of sight to the face (head_angles_to_viewer)
  Eigen::Vector3d face_centre = Eigen::Vector3d::Zero();  // camera frame: the model points' centroid
  double rms_px = 0.0;         // reprojection RMS over the model's points
  int iterations = 0;
  bool ok() const noexcept { return status == Status::Ok; }
};

// Head pose from landmarks and the face model matching their scheme (facemesh_rigid_model() for FaceMesh,
// points68_rigid_model() for 68 points, points35_rigid_model() for 35). `initial`: previous frame's pose.
// Angles are filled whenever a pose is (Ok, BehindCamera, NotConverged).
inline HeadPose estimate_head_pose(LandmarkView landmarks, const FaceModel& model, const Camera& cam,
                                   const PnpOptions& options = {}, const Pose* initial = nullptr) noexcept {
  HeadPose hp;
  if (!landmarks.valid() || landmarks.count < model.min_landmarks ||
      model.points.size() != model.landmarks.size() || model.points.size() > kMaxModelPoints) {
    hp.status = Status::InvalidArgument;
    return hp;
  }
  std::array<Eigen::Vector2d, kMaxModelPoints> image;
  const std::size_t n = model.points.size();
  for (std::size_t k = 0; k < n; ++k) {
    if (model.landmarks[k] >= landmarks.count) {
      hp.status = Status::InvalidArgument;
      return hp;
    }
    image[k] = landmarks[model.landmarks[k]];
  }
  const PnpResult r = solve_pnp(model.points, std::span<const Eigen::Vector2d>(image.data(), n), cam, options, initial);
  hp.status = r.status;
  hp.pose = r.pose;
  hp.rms_px = r.rms_px;
  hp.iterations = r.iterations;
  if (r.ok() || r.status == Status::BehindCamera || r.status == Status::NotConverged) {
    hp.face_centre = r.pose.transform(r.object_mean);
    hp.angles = head_angles(r.pose.R);
    hp.viewer_angles = head_angles_to_viewer(r.pose.R, hp.face_centre);
  }
  return hp;
}

}  // namespace facenn::geometry
