// facenn geometry: One Euro filter (Casiez, Roussel, Vogel, CHI 2012) for landmarks and head pose.
//
// A first-order low-pass filter whose cutoff rises with speed: cutoff = min_cutoff + beta * |speed|, speed
// itself low-passed at d_cutoff. Slow motion is smoothed strongly (little jitter), fast motion little (little
// lag). Per sample: alpha(fc) = 1 / (1 + tau / dt), tau = 1 / (2 pi fc); y = y_prev + alpha * (x - y_prev).
//
// Timestamps are seconds (any origin). The first sample passes through unchanged. A sample whose timestamp
// is not after the previous one (dt <= 0, or not finite) is ignored: the previous output is returned.
// Vectors (a landmark's x, y or a pose's translation) share one speed, the Euclidean norm of their velocity,
// so the filter does not depend on the orientation of the image axes.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>

#include <facenn/geometry/rotation.hpp>
#include <facenn/geometry/status.hpp>

namespace facenn::geometry {

struct OneEuroParams {
  double min_cutoff = 1.0;  // Hz: cutoff at rest (lower = smoother, more lag when slow)
  double beta = 0.0;        // cutoff increase per unit of speed (units of the signal per second)
  double d_cutoff = 1.0;    // Hz: cutoff of the speed estimate
};

inline double one_euro_alpha(double cutoff_hz, double dt) noexcept {
  const double tau = 1.0 / (2.0 * std::numbers::pi * cutoff_hz);
  return 1.0 / (1.0 + tau / dt);
}

// One Euro filter of a D-dimensional vector.
template <int D>
class OneEuroFilter {
 public:
  using Vector = Eigen::Matrix<double, D, 1>;
  explicit OneEuroFilter(OneEuroParams p = {}) noexcept : params_(p) {}

  Vector operator()(const Vector& x, double t) noexcept {
    if (!initialized_) {
      y_ = x;
      dy_.setZero();
      t_ = t;
      initialized_ = true;
      return y_;
    }
    const double dt = t - t_;
    if (!(dt > 0.0) || !std::isfinite(dt)) return y_;
    t_ = t;
    dy_ += one_euro_alpha(params_.d_cutoff, dt) * ((x - y_) / dt - dy_);
    const double cutoff = params_.min_cutoff + params_.beta * dy_.norm();
    y_ += one_euro_alpha(cutoff, dt) * (x - y_);
    return y_;
  }

  void reset() noexcept { initialized_ = false; }
  bool initialized() const noexcept { return initialized_; }
  const Vector& value() const noexcept { return y_; }
  const OneEuroParams& params() const noexcept { return params_; }

 private:
  OneEuroParams params_;
  Vector y_ = Vector::Zero(), dy_ = Vector::Zero();
  double t_ = 0.0;
  bool initialized_ = false;
};

// One Euro filter of N landmarks of D coordinates (D = 2: x, y; D = 3: x, y, z), each point with its own
// speed. State is a fixed-size member: no allocation.
template <std::size_t N, int D = 2>
class LandmarkFilter {
 public:
  explicit LandmarkFilter(OneEuroParams p = {}) noexcept : params_(p) {}

  // Filters interleaved coordinates in place: point i at xyz[i*stride .. i*stride + D - 1]; stride >= D and
  // xyz.size() >= (N - 1) * stride + D, else InvalidArgument (nothing changed).
  Status filter(std::span<float> xyz, double t, std::size_t stride = D) noexcept {
    if (stride < static_cast<std::size_t>(D) || xyz.size() < (N - 1) * stride + D) return Status::InvalidArgument;
    if (!initialized_) {
      for (std::size_t i = 0; i < N; ++i) {
        for (int d = 0; d < D; ++d) y_[i][d] = xyz[i * stride + d];
        dy_[i].setZero();
      }
      t_ = t;
      initialized_ = true;
      return Status::Ok;
    }
    const double dt = t - t_;
    if (dt > 0.0 && std::isfinite(dt)) {
      t_ = t;
      const double ad = one_euro_alpha(params_.d_cutoff, dt);
      for (std::size_t i = 0; i < N; ++i) {
        Point x;
        for (int d = 0; d < D; ++d) x[d] = xyz[i * stride + d];
        dy_[i] += ad * ((x - y_[i]) / dt - dy_[i]);
        y_[i] += one_euro_alpha(params_.min_cutoff + params_.beta * dy_[i].norm(), dt) * (x - y_[i]);
      }
    }
    for (std::size_t i = 0; i < N; ++i) {
      for (int d = 0; d < D; ++d) xyz[i * stride + d] = static_cast<float>(y_[i][d]);
    }
    return Status::Ok;
  }

  void reset() noexcept { initialized_ = false; }
  bool initialized() const noexcept { return initialized_; }

 private:
  using Point = Eigen::Matrix<double, D, 1>;
  OneEuroParams params_;
  std::array<Point, N> y_{}, dy_{};
  double t_ = 0.0;
  bool initialized_ = false;
};

// One Euro filter of a pose. The rotation is filtered on SO(3), not as Euler angles: each step moves the
// filtered rotation towards the measured one along the geodesic, by alpha of the relative rotation
// log(R_filtered^T R_measured) (an angle in [0, pi]), and the speed is the low-passed angular velocity
// (radians per second). So nothing wraps at +-180 degrees and gimbal lock plays no part. The translation
// is a OneEuroFilter<3> with its own parameters (model units, centimetres for the face models).
class PoseFilter {
 public:
  explicit PoseFilter(OneEuroParams rotation = {}, OneEuroParams translation = {}) noexcept
      : rot_params_(rotation), translation_(translation) {}

  Pose operator()(const Pose& measured, double t) noexcept {
    if (!initialized_) {
      pose_ = measured;
      omega_.setZero();
      t_ = t;
      initialized_ = true;
      translation_(measured.t, t);
      return pose_;
    }
    const double dt = t - t_;
    if (!(dt > 0.0) || !std::isfinite(dt)) return pose_;
    t_ = t;
    const Eigen::Vector3d delta = vector_from_rotation(pose_.R.transpose() * measured.R);  // body frame
    omega_ += one_euro_alpha(rot_params_.d_cutoff, dt) * (delta / dt - omega_);
    const double alpha = one_euro_alpha(rot_params_.min_cutoff + rot_params_.beta * omega_.norm(), dt);
    pose_.R = pose_.R * rotation_from_vector(alpha * delta);
    pose_.t = translation_(measured.t, t);
    return pose_;
  }

  void reset() noexcept {
    initialized_ = false;
    translation_.reset();
  }
  bool initialized() const noexcept { return initialized_; }
  const Pose& value() const noexcept { return pose_; }

 private:
  OneEuroParams rot_params_;
  OneEuroFilter<3> translation_;
  Pose pose_;
  Eigen::Vector3d omega_ = Eigen::Vector3d::Zero();
  double t_ = 0.0;
  bool initialized_ = false;
};

}  // namespace facenn::geometry
