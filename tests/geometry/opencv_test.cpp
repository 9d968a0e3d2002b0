// facenn vs OpenCV (test-only dependency): cv::solvePnP(SOLVEPNP_ITERATIVE) and cv::warpAffine.
#include <doctest/doctest.h>

#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <cmath>
#include <random>
#include <vector>

#include <facenn/geometry/align.hpp>
#include <facenn/geometry/head_pose.hpp>
#include <facenn/geometry/pnp.hpp>

#include "synth.hpp"

using namespace facenn::geometry;

namespace {
Eigen::Matrix3d opencv_pose(const std::vector<Eigen::Vector3d>& object, const std::vector<Eigen::Vector2d>& image,
                            const Camera& cam) {
  std::vector<cv::Point3d> o;
  std::vector<cv::Point2d> i;
  for (const auto& p : object) o.emplace_back(p.x(), p.y(), p.z());
  for (const auto& p : image) i.emplace_back(p.x(), p.y());
  const cv::Matx33d k(cam.fx, 0, cam.cx, 0, cam.fy, cam.cy, 0, 0, 1);
  cv::Mat rvec, tvec, r;
  cv::solvePnP(o, i, k, cv::noArray(), rvec, tvec, false, cv::SOLVEPNP_ITERATIVE);
  cv::Rodrigues(rvec, r);
  Eigen::Matrix3d out;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) out(a, b) = r.at<double>(a, b);
  return out;
}
}  // namespace

TEST_CASE("1000 random poses, 0.5 px noise: facenn agrees with cv::solvePnP and both recover the truth") {
  // yaw +-80, pitch +-45, roll +-45 degrees; 640 x 480 camera, f = 640; face 40-70 cm away.
  const Camera cam = test::default_camera();
  for (const auto& model : {test::canonical_points(), test::points68()}) {
    std::mt19937 rng(2024);
    double agree = 0.0, ours = 0.0, theirs = 0.0, angle_err = 0.0, exact = 0.0;
    for (int k = 0; k < 1000; ++k) {
      const auto clean = test::random_scene(rng, model, 0.0);
      std::normal_distribution<double> noise(0.0, 0.5);
      auto noisy = clean.image;
      for (auto& p : noisy) p += Eigen::Vector2d(noise(rng), noise(rng));
      const PnpResult r = solve_pnp(model, noisy, cam);
      REQUIRE(r.ok());
      const Eigen::Matrix3d cv_r = opencv_pose(model, noisy, cam);
      agree = std::max(agree, rotation_angle_degrees(r.pose.R, cv_r));
      ours = std::max(ours, rotation_angle_degrees(r.pose.R, clean.pose.R));
      theirs = std::max(theirs, rotation_angle_degrees(cv_r, clean.pose.R));
      const EulerAngles a = head_angles(r.pose.R);
      angle_err = std::max({angle_err, std::abs(a.yaw - clean.angles.yaw), std::abs(a.pitch - clean.angles.pitch),
                            std::abs(a.roll - clean.angles.roll)});
      const PnpResult e = solve_pnp(model, clean.image, cam);
      REQUIRE(e.ok());
      exact = std::max(exact, rotation_angle_degrees(e.pose.R, clean.pose.R));
    }
    MESSAGE(model.size() << " points: max |facenn - OpenCV| " << agree << " deg; max error vs truth: facenn " << ours
                         << " deg, OpenCV " << theirs << " deg; max Euler angle error " << angle_err
                         << " deg; noise-free max error " << exact << " deg");
    CHECK(agree < 0.1);
    CHECK(ours < 1.0);
    CHECK(theirs < 1.0);
    CHECK(angle_err < 2.0);  // Euler angles amplify errors near yaw +-90 (pitch and roll by ~1 / cos(yaw))
    CHECK(exact < 1e-3);
  }
}

TEST_CASE("warp_affine matches cv::warpAffine (INTER_LINEAR) to within OpenCV's 1/32-pixel weights") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> px(0, 255);
  const int w = 97, h = 83;
  cv::Mat img(h, w, CV_8UC3);
  // smooth content plus a little texture: OpenCV quantises the bilinear weights to 1/32, so the difference
  // stays below ~(neighbour difference) / 64 + rounding
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      img.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(2 * x + (px(rng) & 7)), static_cast<std::uint8_t>(3 * y),
                                          static_cast<std::uint8_t>(128.0 + 100.0 * std::sin(x / 7.0) * std::cos(y / 5.0)));
  Affine2 t;
  t.A = 0.8 * Eigen::Rotation2Dd(0.3).toRotationMatrix();
  t.b = {20.0, 10.0};
  cv::Mat out_cv;
  const cv::Matx23d m(t.A(0, 0), t.A(0, 1), t.b.x(), t.A(1, 0), t.A(1, 1), t.b.y());
  cv::warpAffine(img, out_cv, m, cv::Size(60, 50), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT);
  std::vector<std::uint8_t> out(60 * 50 * 3);
  WarpOptions o;
  o.supersample = 1;
  REQUIRE(warp_affine({img.data, w, h, static_cast<int>(img.step)}, t, {out.data(), 60, 50, 180}, o) == Status::Ok);
  int worst = 0;
  for (int y = 0; y < 50; ++y) {
    for (int x = 0; x < 60; ++x) {
      const Eigen::Vector2d p = t(Eigen::Vector2d(x, y));
      if (p.x() < 1 || p.y() < 1 || p.x() > w - 2 || p.y() > h - 2) continue;  // border rules differ
      for (int c = 0; c < 3; ++c)
        worst = std::max(worst, std::abs(int(out[static_cast<std::size_t>((y * 60 + x) * 3 + c)]) - int(out_cv.at<cv::Vec3b>(y, x)[c])));
    }
  }
  MESSAGE("max difference to cv::warpAffine: " << worst << " levels");
  CHECK(worst <= 2);
}
