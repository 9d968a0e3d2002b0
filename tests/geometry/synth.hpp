// Synthetic scenes for the geometry tests: random head poses in front of a 640 x 480 camera (f = 640),
// the canonical face projected with optional Gaussian pixel noise.
#pragma once

#include <Eigen/Core>
#include <random>
#include <span>
#include <vector>

#include <facenn/geometry/face_models.hpp>
#include <facenn/geometry/head_pose.hpp>

namespace facenn::geometry::test {

inline Camera default_camera() { return Camera::from_image_size(640, 480); }

struct Scene {
  EulerAngles angles;
  Pose pose;
  std::vector<Eigen::Vector2d> image;  // projections of the model's points
};

// yaw in +-max_yaw, pitch in +-max_pitch, roll in +-max_roll (degrees), face 40-70 cm away, within the view.
inline Scene random_scene(std::mt19937& rng, std::span<const Eigen::Vector3d> model, double noise_px,
                          double max_yaw = 80, double max_pitch = 45, double max_roll = 45,
                          const Camera& cam = default_camera()) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::normal_distribution<double> n(0.0, noise_px > 0 ? noise_px : 1.0);
  Scene s;
  s.angles = {max_yaw * u(rng), max_pitch * u(rng), max_roll * u(rng)};
  s.pose.R = rotation_from_head_angles(s.angles);
  const double z = 55.0 + 15.0 * u(rng);
  s.pose.t = Eigen::Vector3d(0.25 * z * u(rng), 0.15 * z * u(rng), z);
  for (const auto& x : model) {
    Eigen::Vector2d p = s.pose.project(x, cam);
    if (noise_px > 0) p += Eigen::Vector2d(n(rng), n(rng));
    s.image.push_back(p);
  }
  return s;
}

inline std::vector<Eigen::Vector3d> canonical_points() {
  const FaceModel m = facemesh_model();
  return {m.points.begin(), m.points.end()};
}

inline std::vector<Eigen::Vector3d> points68() {
  const FaceModel m = points68_model();
  return {m.points.begin(), m.points.end()};
}

}  // namespace facenn::geometry::test
