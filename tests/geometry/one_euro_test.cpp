#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include <facenn/geometry/head_pose.hpp>
#include <facenn/geometry/one_euro.hpp>

using namespace facenn::geometry;
using Vec1 = Eigen::Matrix<double, 1, 1>;

namespace {
Vec1 v1(double x) { return Vec1::Constant(x); }
}  // namespace

TEST_CASE("One Euro: first sample passes, constants stay constant, repeated timestamps are ignored") {
  OneEuroFilter<1> f({1.0, 0.5, 1.0});
  CHECK(f(v1(3.0), 0.0)[0] == 3.0);
  for (int i = 1; i < 100; ++i) CHECK(f(v1(3.0), i / 30.0)[0] == 3.0);
  const double y = f(v1(10.0), 100 / 30.0)[0];
  CHECK(f(v1(50.0), 100 / 30.0)[0] == y);  // same timestamp: ignored
  CHECK(f(v1(50.0), 99 / 30.0)[0] == y);   // going back in time: ignored
  f.reset();
  CHECK(f(v1(-1.0), 5.0)[0] == -1.0);
}

TEST_CASE("One Euro: the alpha of a first-order low-pass") {
  // 1 Hz cutoff sampled at 2 pi Hz: tau = dt, alpha = 1/2
  CHECK(one_euro_alpha(1.0, 1.0 / (2.0 * 3.141592653589793)) == doctest::Approx(0.5));
  OneEuroFilter<1> f({1.0, 0.0, 1.0});
  const double dt = 1.0 / (2.0 * 3.141592653589793);
  f(v1(0.0), 0.0);
  CHECK(f(v1(1.0), dt)[0] == doctest::Approx(0.5));
  CHECK(f(v1(1.0), 2 * dt)[0] == doctest::Approx(0.75));
}

TEST_CASE("One Euro: jitter shrinks at rest, lag shrinks with beta when moving") {
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(0.0, 1.0);
  const double dt = 1.0 / 30.0;
  // at rest: variance of the output far below the input's
  OneEuroFilter<1> f({0.5, 0.0, 1.0});
  double var = 0.0;
  for (int i = 0; i < 3000; ++i) {
    const double y = f(v1(noise(rng)), i * dt)[0];
    if (i > 100) var += y * y;
  }
  var /= 2899.0;
  MESSAGE("output variance at rest: " << var << " (input 1)");
  CHECK(var < 0.1);
  // a ramp of 100 units/s: the steady lag falls as beta rises
  double lag[3];
  const double betas[3] = {0.0, 0.01, 0.1};
  for (int b = 0; b < 3; ++b) {
    OneEuroFilter<1> g({0.5, betas[b], 1.0});
    double y = 0.0;
    for (int i = 0; i < 300; ++i) y = g(v1(100.0 * i * dt), i * dt)[0];
    lag[b] = 100.0 * 299 * dt - y;
  }
  MESSAGE("ramp lag for beta 0 / 0.01 / 0.1: " << lag[0] << " / " << lag[1] << " / " << lag[2]);
  CHECK(lag[0] > lag[1]);
  CHECK(lag[1] > lag[2]);
  CHECK(lag[2] > 0.0);
}

TEST_CASE("One Euro: vector filter uses one speed (rotating the axes rotates the output)") {
  OneEuroFilter<2> a({0.5, 0.05, 1.0}), b({0.5, 0.05, 1.0});
  const Eigen::Rotation2Dd rot(0.7);
  for (int i = 0; i < 60; ++i) {
    const Eigen::Vector2d x(std::sin(0.2 * i) * 30.0, 0.5 * i);
    const Eigen::Vector2d ya = a(x, i / 30.0), yb = b(rot * x, i / 30.0);
    CHECK((rot * ya - yb).norm() < 1e-9);
  }
}

TEST_CASE("LandmarkFilter filters interleaved floats in place") {
  LandmarkFilter<3, 2> f({1.0, 0.0, 1.0});
  std::vector<float> pts = {1, 2, 3, 4, 5, 6};
  REQUIRE(f.filter(pts, 0.0) == Status::Ok);
  CHECK(pts == std::vector<float>{1, 2, 3, 4, 5, 6});
  std::vector<float> moved = {2, 2, 3, 5, 5, 6};
  REQUIRE(f.filter(moved, 0.1) == Status::Ok);
  CHECK(moved[0] > 1.0f);
  CHECK(moved[0] < 2.0f);
  CHECK(moved[1] == 2.0f);
  CHECK(moved[3] > 4.0f);
  // stride 3 (x, y, z with z untouched): a 3-point view needs (3 - 1) * 3 + 2 floats
  LandmarkFilter<3, 2> g;
  std::vector<float> xyz = {1, 2, 9, 3, 4, 9, 5, 6, 9};
  REQUIRE(g.filter(xyz, 0.0, 3) == Status::Ok);
  CHECK(xyz[2] == 9.0f);
  std::vector<float> too_short(4);
  CHECK(g.filter(too_short, 1.0, 3) == Status::InvalidArgument);
}

TEST_CASE("PoseFilter: rotation filtered on SO(3), no glitch across +-180 degree roll") {
  PoseFilter f({1.0, 0.5, 1.0}, {1.0, 0.0, 1.0});
  // roll turns from 150 to 210 (= -150) degrees at 60 degrees/s, 30 fps
  double worst_gap = 0.0, prev_roll = 150.0;
  bool monotonic = true;
  for (int i = 0; i <= 60; ++i) {
    const double roll = 150.0 + i;
    Pose m;
    m.R = rotation_from_head_angles({5.0, -3.0, roll});
    m.t = Eigen::Vector3d(0, 0, 50);
    const Pose y = f(m, i / 30.0);
    worst_gap = std::max(worst_gap, rotation_angle_degrees(y.R, m.R));
    double r = head_angles(y.R).roll;
    if (r < 0) r += 360.0;  // unwrap for the check
    monotonic = monotonic && r >= prev_roll - 1e-9;
    prev_roll = r;
  }
  MESSAGE("largest lag behind the measurement: " << worst_gap << " degrees");
  CHECK(monotonic);
  CHECK(worst_gap < 10.0);
  // a static pose converges exactly; the first pose passes through
  PoseFilter g;
  Pose p;
  p.R = rotation_from_head_angles({170.0 - 360.0, 40.0, -179.0});
  CHECK(rotation_angle_degrees(g(p, 0.0).R, p.R) < 1e-12);
  for (int i = 1; i < 10; ++i) CHECK(rotation_angle_degrees(g(p, i * 0.1).R, p.R) < 1e-9);
}

TEST_CASE("PoseFilter smooths rotation jitter") {
  std::mt19937 rng(2);
  std::normal_distribution<double> n(0.0, 2.0 * 3.141592653589793 / 180.0);  // 2 degrees
  PoseFilter f({0.5, 0.0, 1.0});
  const Eigen::Matrix3d truth = rotation_from_head_angles({30, 10, -5});
  double in = 0.0, out = 0.0;
  for (int i = 0; i < 600; ++i) {
    Pose m;
    m.R = rotation_from_vector(Eigen::Vector3d(n(rng), n(rng), n(rng))) * truth;
    const Pose y = f(m, i / 30.0);
    if (i > 60) {
      in += std::pow(rotation_angle_degrees(m.R, truth), 2);
      out += std::pow(rotation_angle_degrees(y.R, truth), 2);
    }
  }
  MESSAGE("rotation jitter rms in " << std::sqrt(in / 539) << " deg, out " << std::sqrt(out / 539) << " deg");
  CHECK(out < 0.1 * in);
}
