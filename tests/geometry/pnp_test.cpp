#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <facenn/geometry/pnp.hpp>

#include "synth.hpp"

using namespace facenn::geometry;
using facenn::geometry::test::random_scene;

TEST_CASE("solve_pnp recovers noise-free poses to 1e-3 degrees (468 and 68 points)") {
  std::mt19937 rng(7);
  const Camera cam = test::default_camera();
  for (const auto& model : {test::canonical_points(), test::points68()}) {
    double worst = 0.0, worst_t = 0.0;
    for (int k = 0; k < 500; ++k) {
      const auto s = random_scene(rng, model, 0.0);
      const PnpResult r = solve_pnp(model, s.image, cam);
      REQUIRE(r.ok());
      worst = std::max(worst, rotation_angle_degrees(r.pose.R, s.pose.R));
      worst_t = std::max(worst_t, (r.pose.t - s.pose.t).norm());
      CHECK(r.rms_px < 1e-6);
    }
    MESSAGE(model.size() << " points: worst rotation error " << worst << " deg, translation " << worst_t << " cm");
    CHECK(worst < 1e-3);
    CHECK(worst_t < 1e-4);
  }
}

TEST_CASE("EPnP alone is exact without noise, for general and planar models") {
  std::mt19937 rng(3);
  const Camera cam = test::default_camera();
  PnpOptions epnp_only;
  epnp_only.max_iterations = 0;
  const auto face = test::canonical_points();
  std::vector<Eigen::Vector3d> plane;  // a 7 x 7 grid, 2 cm apart, in the model's z = 0 plane
  for (int i = -3; i <= 3; ++i)
    for (int j = -3; j <= 3; ++j) plane.emplace_back(2.0 * i, 2.0 * j, 0.0);
  for (const auto& model : {face, plane}) {
    for (int k = 0; k < 100; ++k) {
      const auto s = random_scene(rng, model, 0.0, 60, 40, 40);
      const PnpResult r = solve_pnp(model, s.image, cam, epnp_only);
      REQUIRE(r.ok());
      CHECK(r.iterations == 0);
      CHECK(rotation_angle_degrees(r.pose.R, s.pose.R) < 1e-6);
      // and the full solver too
      CHECK(rotation_angle_degrees(solve_pnp(model, s.image, cam).pose.R, s.pose.R) < 1e-6);
    }
  }
}

TEST_CASE("solve_pnp works from 4 points and from an initial pose") {
  std::mt19937 rng(11);
  const Camera cam = test::default_camera();
  const std::vector<Eigen::Vector3d> tetra = {{0, 0, 0}, {6, 0, 0}, {0, 6, 0}, {1, 2, -4}};
  int ok = 0, converged = 0;
  for (int k = 0; k < 200; ++k) {
    const auto s = random_scene(rng, tetra, 0.0, 40, 30, 30);
    const PnpResult r = solve_pnp(tetra, s.image, cam);
    // 4 points admit up to 4 exact solutions: any pose reported as converged must reproject exactly. From
    // a poor EPnP start Levenberg-Marquardt can stall in this minimal case (seen once in 200 with clang's
    // rounding): that must be reported as NotConverged, never as Ok.
    INFO("scene ", k, ": status ", static_cast<int>(r.status), ", rms ", r.rms_px, " px");
    CHECK((r.ok() || r.status == Status::NotConverged));
    if (!r.ok()) continue;
    ++converged;
    CHECK(r.rms_px < 1e-6);
    ok += rotation_angle_degrees(r.pose.R, s.pose.R) < 1e-3;
  }
  CHECK(converged >= 195);
  CHECK((solve_pnp(tetra, random_scene(rng, tetra, 0.0, 40, 30, 30).image, cam).object_mean -
         Eigen::Vector3d(7.0 / 4.0, 8.0 / 4.0, -1.0)).norm() < 1e-15);
  CHECK(ok > 150);  // and usually it is the true one

  const auto model = test::canonical_points();
  const auto s = random_scene(rng, model, 0.5);
  const PnpResult cold = solve_pnp(model, s.image, cam);
  Pose near = s.pose;
  near.R = rotation_from_vector(Eigen::Vector3d(0.05, -0.03, 0.02)) * near.R;
  near.t += Eigen::Vector3d(0.5, -0.5, 2.0);
  const PnpResult warm = solve_pnp(model, s.image, cam, {}, &near);
  REQUIRE(warm.ok());
  CHECK(rotation_angle_degrees(warm.pose.R, cold.pose.R) < 1e-6);
  CHECK(std::abs(warm.rms_px - cold.rms_px) < 1e-9);
}

TEST_CASE("Huber weights resist outliers") {
  std::mt19937 rng(5);
  const Camera cam = test::default_camera();
  const auto model = test::canonical_points();
  std::uniform_int_distribution<std::size_t> pick(0, model.size() - 1);
  std::uniform_real_distribution<double> far(-40.0, 40.0);
  double plain_worst = 0.0, huber_worst = 0.0;
  for (int k = 0; k < 50; ++k) {
    auto s = random_scene(rng, model, 0.5);
    for (int o = 0; o < 40; ++o) s.image[pick(rng)] += Eigen::Vector2d(far(rng), far(rng));  // ~8% outliers
    PnpOptions robust;
    robust.huber_px = 1.0;
    const PnpResult a = solve_pnp(model, s.image, cam);
    const PnpResult b = solve_pnp(model, s.image, cam, robust);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    plain_worst = std::max(plain_worst, rotation_angle_degrees(a.pose.R, s.pose.R));
    huber_worst = std::max(huber_worst, rotation_angle_degrees(b.pose.R, s.pose.R));
  }
  MESSAGE("with 8% outliers: least squares worst " << plain_worst << " deg, Huber worst " << huber_worst << " deg");
  CHECK(huber_worst < 0.5 * plain_worst);
  CHECK(huber_worst < 1.0);
}

// ---- degenerate input: one status each -------------------------------------------------------------------
namespace {
struct Fixture {
  std::vector<Eigen::Vector3d> model = test::canonical_points();
  Camera cam = test::default_camera();
  test::Scene scene;
  Fixture() {
    std::mt19937 rng(1);
    scene = random_scene(rng, model, 0.0);
  }
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "fewer than 4 points: TooFewPoints") {
  CHECK(solve_pnp(std::span(model).first(3), std::span(scene.image).first(3), cam).status == Status::TooFewPoints);
  CHECK(solve_pnp({}, {}, cam).status == Status::TooFewPoints);
}

TEST_CASE_FIXTURE(Fixture, "NaN or infinity: NonFinite") {
  auto img = scene.image;
  img[10].x() = std::numeric_limits<double>::quiet_NaN();
  CHECK(solve_pnp(model, img, cam).status == Status::NonFinite);
  auto obj = model;
  obj[20].z() = std::numeric_limits<double>::infinity();
  CHECK(solve_pnp(obj, scene.image, cam).status == Status::NonFinite);
  Pose bad;
  bad.t.x() = std::numeric_limits<double>::quiet_NaN();
  CHECK(solve_pnp(model, scene.image, cam, {}, &bad).status == Status::NonFinite);
}

TEST_CASE_FIXTURE(Fixture, "collinear or coincident points: Degenerate") {
  std::vector<Eigen::Vector3d> line;
  std::vector<Eigen::Vector2d> proj;
  for (int i = 0; i < 10; ++i) {
    line.emplace_back(i, 2.0 * i, -0.5 * i);
    proj.push_back(scene.pose.project(line.back(), cam));
  }
  CHECK(solve_pnp(line, proj, cam).status == Status::Degenerate);
  // coincident model points
  const std::vector<Eigen::Vector3d> same(8, Eigen::Vector3d(1, 2, 3));
  CHECK(solve_pnp(same, std::span(scene.image).first(8), cam).status == Status::Degenerate);
  // a good model whose image points are all on one line (a plane seen edge-on)
  std::vector<Eigen::Vector2d> on_line;
  for (int i = 0; i < static_cast<int>(model.size()); ++i) on_line.emplace_back(100.0 + 0.1 * i, 50.0 + 0.2 * i);
  CHECK(solve_pnp(model, on_line, cam).status == Status::Degenerate);
}

TEST_CASE_FIXTURE(Fixture, "a pose that puts points behind the camera: BehindCamera") {
  // A cloud 60 cm deep whose centre is 10 cm in front of the camera: the exact pose has points at z < 0.
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> u(-30.0, 30.0);
  std::vector<Eigen::Vector3d> cloud;
  std::vector<Eigen::Vector2d> proj;
  Pose p;
  p.t = Eigen::Vector3d(1.0, -2.0, 10.0);
  while (cloud.size() < 50) {
    const Eigen::Vector3d x(0.3 * u(rng), 0.3 * u(rng), u(rng));
    if (std::abs(p.transform(x).z()) < 1.0) continue;  // keep away from the camera plane
    cloud.push_back(x);
    proj.push_back(p.project(x, cam));
  }
  const PnpResult r = solve_pnp(cloud, proj, cam, {}, &p);
  CHECK(r.status == Status::BehindCamera);
  CHECK(r.rms_px < 1e-6);  // the pose itself is right; it is just not physical
}

TEST_CASE_FIXTURE(Fixture, "iteration limit: NotConverged, with the best pose so far") {
  std::mt19937 rng(4);
  const auto noisy = random_scene(rng, model, 1.0);
  Pose far_off = noisy.pose;
  far_off.R = rotation_from_vector(Eigen::Vector3d(0.4, 0.3, -0.2)) * far_off.R;
  PnpOptions two;
  two.max_iterations = 2;
  const PnpResult r = solve_pnp(model, noisy.image, cam, two, &far_off);
  CHECK(r.status == Status::NotConverged);
  CHECK(r.iterations == 2);
  CHECK(r.rms_px < reprojection_rms(model, noisy.image, cam, far_off));
}

TEST_CASE_FIXTURE(Fixture, "bad arguments: InvalidArgument") {
  CHECK(solve_pnp(model, std::span(scene.image).first(100), cam).status == Status::InvalidArgument);
  Camera bad = cam;
  bad.fx = 0.0;
  CHECK(solve_pnp(model, scene.image, bad).status == Status::InvalidArgument);
  bad = cam;
  bad.cy = std::numeric_limits<double>::quiet_NaN();
  CHECK(solve_pnp(model, scene.image, bad).status == Status::InvalidArgument);
  PnpOptions o;
  o.max_iterations = -1;
  CHECK(solve_pnp(model, scene.image, cam, o).status == Status::InvalidArgument);
  o = {};
  o.huber_px = std::numeric_limits<double>::quiet_NaN();
  CHECK(solve_pnp(model, scene.image, cam, o).status == Status::InvalidArgument);
}

TEST_CASE("camera from image size and field of view") {
  const Camera c = Camera::from_image_size(640, 480);
  CHECK(c.fx == 640.0);
  CHECK(c.fy == 640.0);
  CHECK(c.cx == 319.5);
  CHECK(c.cy == 239.5);
  CHECK(c.horizontal_fov_degrees(640) == doctest::Approx(2.0 * std::atan(0.5) * 180.0 / 3.141592653589793));
  const Camera f = Camera::from_horizontal_fov(640, 480, c.horizontal_fov_degrees(640));
  CHECK(f.fx == doctest::Approx(640.0).epsilon(1e-12));
  const Camera wide = Camera::from_horizontal_fov(1000, 500, 90.0);
  CHECK(wide.fx == doctest::Approx(500.0).epsilon(1e-12));
}

TEST_CASE("so(3) exp / log") {
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int k = 0; k < 200; ++k) {
    Eigen::Vector3d w(u(rng), u(rng), u(rng));
    w *= (k % 4 == 0 ? 1e-9 : 3.0 * std::abs(u(rng))) / w.norm();
    const Eigen::Matrix3d r = rotation_from_vector(w);
    CHECK((r * r.transpose() - Eigen::Matrix3d::Identity()).norm() < 1e-12);
    CHECK((vector_from_rotation(r) - w).norm() < 1e-12);
  }
}
