// solve_pnp / head pose / alignment timings. Report medians:
//   geometry_bench --benchmark_repetitions=20 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include <facenn/geometry/geometry.hpp>

using namespace facenn::geometry;

namespace {
struct Scene {
  std::vector<Eigen::Vector3d> model;
  std::vector<Eigen::Vector2d> image;
  std::vector<float> xy;  // all 468 projected vertices, as float landmarks
  Pose truth;
};

// The canonical face (all 468 vertices, or the vertices of the 68 points) seen at yaw 25, pitch -10,
// roll 5 degrees, 55 cm from a 640 x 480 camera (f = 640), with 0.5 px Gaussian noise.
Scene make_scene(const FaceModel& m) {
  Scene s;
  s.model.assign(m.points.begin(), m.points.end());
  const Camera cam = Camera::from_image_size(640, 480);
  s.truth.R = rotation_from_head_angles({25.0, -10.0, 5.0});
  s.truth.t = Eigen::Vector3d(2.0, -1.0, 55.0);
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(0.0, 0.5);
  for (const auto& x : s.model) s.image.push_back(s.truth.project(x, cam) + Eigen::Vector2d(noise(rng), noise(rng)));
  for (std::size_t i = 0; i < 468; ++i) {
    const Eigen::Vector2d p = s.truth.project(canonical_vertex(i), cam) + Eigen::Vector2d(noise(rng), noise(rng));
    s.xy.push_back(static_cast<float>(p.x()));
    s.xy.push_back(static_cast<float>(p.y()));
  }
  return s;
}

void run_pnp(benchmark::State& state, const FaceModel& m, int max_iterations, bool warm) {
  const Scene s = make_scene(m);
  const Camera cam = Camera::from_image_size(640, 480);
  PnpOptions o;
  o.max_iterations = max_iterations;
  const PnpResult first = solve_pnp(s.model, s.image, cam);
  Pose start = first.pose;  // tracking: last frame's pose, a little off
  start.R = rotation_from_vector(Eigen::Vector3d(0.01, -0.01, 0.005)) * start.R;
  int iterations = 0;
  for (auto _ : state) {
    const PnpResult r = solve_pnp(s.model, s.image, cam, o, warm ? &start : nullptr);
    benchmark::DoNotOptimize(r.pose.R.data());
    iterations = r.iterations;
  }
  state.counters["points"] = static_cast<double>(s.model.size());
  state.counters["lm_iterations"] = iterations;
}
}  // namespace

static void BM_SolvePnP_468(benchmark::State& st) { run_pnp(st, facemesh_model(), 50, false); }
static void BM_SolvePnP_68(benchmark::State& st) { run_pnp(st, points68_model(), 50, false); }
static void BM_SolvePnP_Rigid32(benchmark::State& st) { run_pnp(st, facemesh_rigid_model(), 50, false); }
static void BM_EPnPOnly_468(benchmark::State& st) { run_pnp(st, facemesh_model(), 0, false); }
static void BM_EPnPOnly_68(benchmark::State& st) { run_pnp(st, points68_model(), 0, false); }
static void BM_SolvePnP_68_FromPreviousPose(benchmark::State& st) { run_pnp(st, points68_model(), 50, true); }
BENCHMARK(BM_SolvePnP_468);
BENCHMARK(BM_SolvePnP_68);
BENCHMARK(BM_SolvePnP_Rigid32);
BENCHMARK(BM_EPnPOnly_468);
BENCHMARK(BM_EPnPOnly_68);
BENCHMARK(BM_SolvePnP_68_FromPreviousPose);

static void BM_HeadPose_FaceMeshRigid32(benchmark::State& st) {
  const Scene s = make_scene(facemesh_model());
  const Camera cam = Camera::from_image_size(640, 480);
  const FaceModel m = facemesh_rigid_model();
  for (auto _ : st) {
    const HeadPose hp = estimate_head_pose({s.xy.data(), 468, 2}, m, cam);
    benchmark::DoNotOptimize(hp.angles.yaw);
  }
}
BENCHMARK(BM_HeadPose_FaceMeshRigid32);

static void BM_DlibChip150(benchmark::State& st) {
  const Scene s = make_scene(facemesh_model());
  std::vector<std::uint8_t> img(640 * 480 * 3);
  for (std::size_t i = 0; i < img.size(); ++i) img[i] = static_cast<std::uint8_t>(i * 31 % 251);
  std::vector<std::uint8_t> chip(150 * 150 * 3);
  for (auto _ : st) {
    const Status r = extract_dlib_chip({img.data(), 640, 480, 640 * 3}, {s.xy.data(), 468, 2}, {chip.data(), 150, 150, 450});
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(chip.data());
  }
}
BENCHMARK(BM_DlibChip150);

static void BM_PoseFilter(benchmark::State& st) {
  PoseFilter f({1.0, 0.5, 1.0});
  Pose p;
  double t = 0.0;
  for (auto _ : st) {
    p.R = rotation_from_head_angles({10.0 * std::sin(t), 5.0, 0.0});
    t += 1.0 / 30.0;
    benchmark::DoNotOptimize(f(p, t).R.data());
  }
}
BENCHMARK(BM_PoseFilter);

BENCHMARK_MAIN();
