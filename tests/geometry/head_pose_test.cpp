#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <facenn/geometry/head_pose.hpp>

#include "synth.hpp"

using namespace facenn::geometry;

namespace {
double wrap180(double d) { return std::remainder(d, 360.0); }
}  // namespace

TEST_CASE("angles -> rotation -> angles round-trips over the full range") {
  double worst = 0.0;
  for (double yaw = -89.5; yaw <= 89.5; yaw += 4.75) {
    for (double pitch = -179.0; pitch <= 180.0; pitch += 11.0) {
      for (double roll = -179.5; roll <= 180.0; roll += 13.0) {
        const EulerAngles a{yaw, pitch, roll};
        const EulerAngles b = head_angles(rotation_from_head_angles(a));
        worst = std::max({worst, std::abs(wrap180(b.yaw - yaw)), std::abs(wrap180(b.pitch - pitch)),
                          std::abs(wrap180(b.roll - roll))});
      }
    }
  }
  CHECK(worst < 1e-9);
}

TEST_CASE("rotation -> angles -> rotation is exact for any rotation, gimbal lock included") {
  std::mt19937 rng(1);
  std::normal_distribution<double> n(0.0, 1.0);
  double worst = 0.0;
  for (int k = 0; k < 5000; ++k) {
    const Eigen::Matrix3d r = Eigen::Quaterniond(n(rng), n(rng), n(rng), n(rng)).normalized().toRotationMatrix();
    worst = std::max(worst, rotation_angle_degrees(rotation_from_head_angles(head_angles(r)), r));
  }
  // at and around yaw = +-90 degrees
  for (double yaw : {90.0, -90.0, 90.0 - 1e-7, -90.0 + 1e-10, 89.9999, 90.0 + 1e-6}) {
    for (double pitch = -170.0; pitch < 180.0; pitch += 17.0) {
      const Eigen::Matrix3d r = rotation_from_head_angles({yaw, pitch, 33.0});
      const EulerAngles a = head_angles(r);
      REQUIRE(std::isfinite(a.yaw));
      REQUIRE(std::isfinite(a.pitch));
      REQUIRE(std::isfinite(a.roll));
      CHECK(std::abs(a.yaw) <= 90.0);
      worst = std::max(worst, rotation_angle_degrees(rotation_from_head_angles(a), r));
    }
  }
  CHECK(worst < 1e-6);
}

TEST_CASE("sweeping yaw through +-90 degrees moves the angles continuously in rotation space") {
  // Yaw from 80 to 100 degrees: past 90 the same rotation is written yaw' = 180 - yaw with pitch and roll
  // flipped by 180; the rotation (what matters) never jumps.
  Eigen::Matrix3d prev = rotation_from_head_angles(head_angles(rotation_from_head_angles({80.0, 10.0, 20.0})));
  for (double yaw = 80.0; yaw <= 100.0; yaw += 0.01) {
    const Eigen::Matrix3d r = rotation_from_head_angles({yaw, 10.0, 20.0});
    const Eigen::Matrix3d back = rotation_from_head_angles(head_angles(r));
    CHECK(rotation_angle_degrees(back, r) < 1e-6);
    CHECK(rotation_angle_degrees(back, prev) < 0.02);
    prev = back;
  }
}

TEST_CASE("angle signs: AFLW2000-3D convention (yaw to the image left, pitch up, roll clockwise)") {
  const Camera cam = test::default_camera();
  const auto project = [&](const EulerAngles& a, int vertex) {
    Pose p;
    p.R = rotation_from_head_angles(a);
    p.t = Eigen::Vector3d(0, 0, 50);
    return p.project(canonical_vertex(static_cast<std::size_t>(vertex)), cam);
  };
  const auto eyes_mid = [&](const EulerAngles& a) -> Eigen::Vector2d { return 0.5 * (project(a, 33) + project(a, 263)); };
  // frontal: nose tip (1) right below the eye midpoint, eyes level
  CHECK(std::abs(project({}, 1).x() - eyes_mid({}).x()) < 1e-9);
  // yaw > 0: the nose tip swings to the image left of the eyes' midpoint
  CHECK(project({20, 0, 0}, 1).x() < eyes_mid({20, 0, 0}).x() - 5.0);
  // pitch > 0: looking up, the nose tip rises towards the eyes (smaller y gap)
  const double gap0 = project({}, 1).y() - eyes_mid({}).y();
  CHECK(project({0, 20, 0}, 1).y() - eyes_mid({0, 20, 0}).y() < gap0 - 5.0);
  // roll > 0: clockwise in the image, the image-right eye (263) goes down
  CHECK(project({0, 0, 20}, 263).y() > project({0, 0, 20}, 33).y() + 5.0);
  // and the raw decomposition: R = Rx(-pitch) Ry(yaw) Rz(roll)
  const Eigen::Vector3d raw = euler_xyz(rotation_from_head_angles({30, 20, 10}));
  CHECK(raw[0] * 180 / 3.141592653589793 == doctest::Approx(-20.0));
  CHECK(raw[1] * 180 / 3.141592653589793 == doctest::Approx(30.0));
  CHECK(raw[2] * 180 / 3.141592653589793 == doctest::Approx(10.0));
}

TEST_CASE("estimate_head_pose with every face model recovers the angles") {
  std::mt19937 rng(3);
  const Camera cam = test::default_camera();
  const auto mesh = test::canonical_points();
  // landmarks as a network outputs them: 478 x (x, y, z) floats (iris points and z unused)
  for (int k = 0; k < 50; ++k) {
    const auto s = test::random_scene(rng, mesh, 0.0);
    std::vector<float> xyz(478 * 3, 0.0f);
    for (std::size_t i = 0; i < 468; ++i) {
      xyz[3 * i] = static_cast<float>(s.image[i].x());
      xyz[3 * i + 1] = static_cast<float>(s.image[i].y());
    }
    const LandmarkView view{xyz.data(), 478, 3};
    for (const FaceModel& m : {facemesh_model(), facemesh_rigid_model(), facemesh_stable6_model()}) {
      const HeadPose hp = estimate_head_pose(view, m, cam);
      REQUIRE(hp.ok());
      CHECK(rotation_angle_degrees(hp.pose.R, s.pose.R) < 0.05);  // float landmarks: ~1e-5 px rounding
      CHECK(std::abs(wrap180(hp.angles.yaw - s.angles.yaw)) < 0.05);
      CHECK(std::abs(wrap180(hp.angles.pitch - s.angles.pitch)) < 0.05);
      CHECK(std::abs(wrap180(hp.angles.roll - s.angles.roll)) < 0.05);
    }
    // 68 and 35 point schemes: the FaceMesh vertices of their points
    for (const auto& [full, rigid, vertex] :
         {std::tuple{points68_model(), points68_rigid_model(), std::span<const std::uint16_t>(kPoints68Vertex)},
          std::tuple{points35_model(), points35_rigid_model(), std::span<const std::uint16_t>(kPoints35Vertex)}}) {
      std::vector<float> xy;
      for (auto v : vertex) {
        xy.push_back(static_cast<float>(s.image[v].x()));
        xy.push_back(static_cast<float>(s.image[v].y()));
      }
      for (const FaceModel& m : {full, rigid}) {
        const HeadPose hp = estimate_head_pose({xy.data(), vertex.size(), 2}, m, cam);
        REQUIRE(hp.ok());
        CHECK(rotation_angle_degrees(hp.pose.R, s.pose.R) < 0.05);
      }
    }
  }
}

TEST_CASE("estimate_head_pose rejects unusable landmark views") {
  const Camera cam = test::default_camera();
  std::vector<float> xy(68 * 2, 1.0f);
  CHECK(estimate_head_pose({xy.data(), 68, 2}, facemesh_rigid_model(), cam).status == Status::InvalidArgument);
  CHECK(estimate_head_pose({nullptr, 68, 2}, points68_model(), cam).status == Status::InvalidArgument);
  CHECK(estimate_head_pose({xy.data(), 68, 1}, points68_model(), cam).status == Status::InvalidArgument);
  CHECK(estimate_head_pose({xy.data(), 68, 2}, points68_model(), cam).status == Status::Degenerate);  // all equal
}

TEST_CASE("line_of_sight_rotation turns the optical axis onto the ray by the shortest path") {
  for (const Eigen::Vector3d& p : {Eigen::Vector3d(0, 0, 50), Eigen::Vector3d(20, -15, 60), Eigen::Vector3d(-30, 25, 40),
                                   Eigen::Vector3d(5, 0, -10), Eigen::Vector3d(0, 0, -3), Eigen::Vector3d(1e-7, -2e-7, -1)}) {
    const Eigen::Matrix3d l = line_of_sight_rotation(p);
    CHECK((l * Eigen::Vector3d::UnitZ() - p.normalized()).norm() < 1e-12);
    CHECK(std::abs(l.determinant() - 1.0) < 1e-12);
    // no twist: the turn's angle is the angle between the optical axis and the ray
    const double turn = Eigen::AngleAxisd(l).angle();
    CHECK(std::abs(turn - std::acos(p.normalized().z())) < 1e-9);
  }
  CHECK(rotation_angle_degrees(line_of_sight_rotation({0, 0, 1}), Eigen::Matrix3d::Identity()) < 1e-12);
  // No direction at all (the zero vector, NaN): no turn rather than NaN.
  CHECK(line_of_sight_rotation(Eigen::Vector3d::Zero()).isIdentity());
  CHECK(line_of_sight_rotation(Eigen::Vector3d(std::numeric_limits<double>::quiet_NaN(), 0, 1)).isIdentity());
}

TEST_CASE("viewer angles: the pose relative to the line of sight, wherever the face is in the image") {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const Camera cam = test::default_camera();
  const FaceModel model = facemesh_rigid_model();
  Eigen::Vector3d centroid = Eigen::Vector3d::Zero();
  for (const auto& x : model.points) centroid += x;
  centroid /= static_cast<double>(model.points.size());
  std::vector<float> xyz(478 * 3, 0.0f);
  for (int k = 0; k < 100; ++k) {
    // a face centre anywhere in the 640 x 480 view (up to ~26 / 20 degrees off axis), and its pose relative
    // to the ray through it (yaw +-70, pitch +-40, roll +-40)
    const double z = 55.0 + 15.0 * u(rng);
    const Eigen::Vector3d c(0.45 * z * u(rng), 0.33 * z * u(rng), z);
    const EulerAngles view{70 * u(rng), 40 * u(rng), 40 * u(rng)};
    Pose truth;
    truth.R = line_of_sight_rotation(c) * rotation_from_head_angles(view);
    truth.t = c - truth.R * centroid;
    const auto mesh = test::canonical_points();
    for (std::size_t i = 0; i < 468; ++i) {
      const Eigen::Vector2d p = truth.project(mesh[i], cam);
      xyz[3 * i] = static_cast<float>(p.x());
      xyz[3 * i + 1] = static_cast<float>(p.y());
    }
    const HeadPose hp = estimate_head_pose({xyz.data(), 478, 3}, model, cam);
    REQUIRE(hp.ok());
    CHECK((hp.face_centre - c).norm() < 1e-3);
    CHECK(std::abs(wrap180(hp.viewer_angles.yaw - view.yaw)) < 0.05);
    CHECK(std::abs(wrap180(hp.viewer_angles.pitch - view.pitch)) < 0.05);
    CHECK(std::abs(wrap180(hp.viewer_angles.roll - view.roll)) < 0.05);
    const EulerAngles cam_angles = head_angles(truth.R);
    CHECK(std::abs(wrap180(hp.angles.yaw - cam_angles.yaw)) < 0.05);
    CHECK(std::abs(wrap180(hp.angles.pitch - cam_angles.pitch)) < 0.05);
  }
}

TEST_CASE("viewer angles do not change when the same face image moves across the picture") {
  // A weak-perspective (scaled orthographic) picture of the face -- how 3DDFA-style labels model a photo --
  // pasted at the image centre and near a corner: the viewer angles stay put (the residual is the
  // weak-vs-full perspective mismatch, ~1.5 degrees at 60 cm), the camera-frame angles turn with the ray
  // (~22 degrees right and ~17 up: seen along the optical axis the face turns towards the image left and
  // looks down).
  const Camera cam = Camera::from_image_size(1000, 1000);
  const FaceModel model = facemesh_rigid_model();
  const auto mesh = test::canonical_points();
  const EulerAngles label{20.0, -10.0, 5.0};
  const Eigen::Matrix3d r = rotation_from_head_angles(label);
  const double scale = cam.fx / 60.0;  // the face 60 cm away
  std::vector<HeadPose> poses;
  for (const Eigen::Vector2d& offset : {Eigen::Vector2d(0, 0), Eigen::Vector2d(400, -300)}) {
    std::vector<float> xy;
    for (std::size_t i = 0; i < 468; ++i) {
      const Eigen::Vector3d x = r * mesh[i];
      xy.push_back(static_cast<float>(cam.cx + offset.x() + scale * x.x()));
      xy.push_back(static_cast<float>(cam.cy + offset.y() + scale * x.y()));
    }
    poses.push_back(estimate_head_pose({xy.data(), 468, 2}, model, cam));
    REQUIRE(poses.back().ok());
  }
  const EulerAngles& centre = poses[0].viewer_angles;
  const EulerAngles& corner = poses[1].viewer_angles;
  MESSAGE("viewer angles at the centre " << centre.yaw << " " << centre.pitch << " " << centre.roll << ", corner "
          << corner.yaw << " " << corner.pitch << " " << corner.roll << "; camera-frame corner " << poses[1].angles.yaw
          << " " << poses[1].angles.pitch << " " << poses[1].angles.roll);
  CHECK(std::abs(centre.yaw - label.yaw) < 2.0);
  CHECK(std::abs(centre.pitch - label.pitch) < 2.0);
  CHECK(std::abs(centre.roll - label.roll) < 2.0);
  CHECK(std::abs(corner.yaw - centre.yaw) < 2.0);
  CHECK(std::abs(corner.pitch - centre.pitch) < 2.0);
  CHECK(std::abs(corner.roll - centre.roll) < 2.0);
  CHECK(poses[1].angles.yaw - centre.yaw > 15.0);
  CHECK(poses[1].angles.pitch - centre.pitch < -15.0);
}
