// The hot paths do not touch the heap: Eigen asserts on any allocation while it is forbidden.
#define EIGEN_RUNTIME_NO_MALLOC
#include <doctest/doctest.h>

#include <random>
#include <vector>

#include <facenn/geometry/align.hpp>
#include <facenn/geometry/head_pose.hpp>
#include <facenn/geometry/one_euro.hpp>
#include <facenn/geometry/pnp.hpp>

#include "synth.hpp"

using namespace facenn::geometry;

TEST_CASE("solve_pnp, estimate_head_pose, estimate_similarity and PoseFilter do not allocate") {
  std::mt19937 rng(1);
  const Camera cam = test::default_camera();
  const auto model = test::canonical_points();
  const auto s = test::random_scene(rng, model, 0.5);
  std::vector<float> xy;
  for (const auto& p : s.image) {
    xy.push_back(static_cast<float>(p.x()));
    xy.push_back(static_cast<float>(p.y()));
  }
  std::vector<Eigen::Vector2d> src(std::begin(s.image), std::begin(s.image) + 68), dst(src);
  for (auto& p : dst) p = 1.3 * p + Eigen::Vector2d(3, 4);
  const FaceModel rigid = facemesh_rigid_model();  // first use builds the static table
  PoseFilter filter;

  Eigen::internal::set_is_malloc_allowed(false);
  const PnpResult r = solve_pnp(model, s.image, cam);
  PnpOptions robust;
  robust.huber_px = 1.0;
  const PnpResult rr = solve_pnp(model, s.image, cam, robust);
  const HeadPose hp = estimate_head_pose({xy.data(), 468, 2}, rigid, cam);
  Affine2 a;
  const Status sim = estimate_similarity(src, dst, &a);
  const Pose f0 = filter(r.pose, 0.0);
  const Pose f1 = filter(rr.pose, 0.1);
  Eigen::internal::set_is_malloc_allowed(true);

  CHECK(r.ok());
  CHECK(rr.ok());
  CHECK(hp.ok());
  CHECK(sim == Status::Ok);
  CHECK(a.scale() == doctest::Approx(1.3));
  CHECK(rotation_angle_degrees(f0.R, f1.R) < 1.0);
}
