// facenn geometry: rotations (so(3) exponential / logarithm, Rodrigues vectors) and rigid poses.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <cmath>

#include <facenn/geometry/camera.hpp>

namespace facenn::geometry {

// Skew-symmetric matrix [w]x with [w]x v = w x v.
inline Eigen::Matrix3d skew(const Eigen::Vector3d& w) noexcept {
  Eigen::Matrix3d m;
  m << 0.0, -w.z(), w.y(), w.z(), 0.0, -w.x(), -w.y(), w.x(), 0.0;
  return m;
}

// exp: rotation vector (axis * angle in radians, the Rodrigues vector of OpenCV) -> rotation matrix.
inline Eigen::Matrix3d rotation_from_vector(const Eigen::Vector3d& w) noexcept {
  const double theta2 = w.squaredNorm();
  if (theta2 < 1e-24) {  // first order; the error is O(theta^2) = 1e-24
    return Eigen::Matrix3d::Identity() + skew(w);
  }
  const double theta = std::sqrt(theta2);
  return Eigen::AngleAxisd(theta, w / theta).toRotationMatrix();
}

// log: rotation matrix -> rotation vector with angle in [0, pi]. R should be orthonormal.
inline Eigen::Vector3d vector_from_rotation(const Eigen::Matrix3d& r) noexcept {
  const Eigen::AngleAxisd aa(r);  // via a quaternion: accurate near 0 and near pi
  return aa.angle() * aa.axis();
}

// Angle in degrees of the rotation taking a to b (geodesic distance on SO(3)).
inline double rotation_angle_degrees(const Eigen::Matrix3d& a, const Eigen::Matrix3d& b) noexcept {
  return vector_from_rotation(a.transpose() * b).norm() * 180.0 / 3.14159265358979323846;
}

// A rigid transform from a model frame to the camera frame: X_camera = R * X_model + t.
struct Pose {
  Eigen::Matrix3d R = Eigen::Matrix3d::Identity();
  Eigen::Vector3d t = Eigen::Vector3d::Zero();

  Eigen::Vector3d rotation_vector() const noexcept { return vector_from_rotation(R); }
  Eigen::Vector3d transform(const Eigen::Vector3d& x) const noexcept { return R * x + t; }
  // Pixel position of a model point (pixel-centre convention); meaningless when transform(x).z() <= 0.
  Eigen::Vector2d project(const Eigen::Vector3d& x, const Camera& cam) const noexcept {
    const Eigen::Vector3d c = transform(x);
    return {cam.fx * c.x() / c.z() + cam.cx, cam.fy * c.y() / c.z() + cam.cy};
  }
};

}  // namespace facenn::geometry
