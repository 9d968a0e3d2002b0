// facenn geometry: Perspective-n-Point (camera pose from 3D model points and their 2D projections).
//
//   PnpResult r = solve_pnp(model_points, image_points, Camera::from_image_size(w, h));
//   if (r.ok()) use(r.pose.R, r.pose.t);      // X_camera = R * X_model + t
//
// Method: EPnP (Lepetit, Moreno-Noguer, Fua, IJCV 2009) for the initial pose, then Levenberg-Marquardt on
// (rotation in so(3), translation) minimising the reprojection error in pixels, optionally with Huber weights.
// Notes on this implementation:
//  * EPnP's control points are the centroid plus one point per principal axis (scaled by the standard
//    deviation along it); planar models (third principal variance < 1e-6 of the first) use 3 control points.
//  * The 12x12 (planar 9x9) EPnP system M^T M is assembled from four 4x4 moment matrices of the centred model
//    points weighted by 1, x, y and x^2 + y^2 (normalised image coordinates), because every row of M is a
//    Kronecker product of the barycentric coordinates (affine in the point) with [1 0 -x] or [0 1 -y]. The
//    rotation of each EPnP candidate comes from the same moments (absolute orientation between model points
//    and their camera-frame positions). So no per-point storage is needed at all.
//  * Candidates N = 1, 2, 3 (planar: 1, 2) null-space vectors, each polished by Gauss-Newton on the control
//    point distances; the one with the lowest reprojection cost starts the LM.
//  * LM: left-multiplicative rotation update R <- exp([d_omega]x) R, t <- t + d_t, Marquardt damping
//    (lambda * diag(J^T J)), one pass over the points per iteration (cost, J^T J, J^T r together).
//  * The small dense solves (eigenvectors, least squares, L D L^T, the closest rotation) are the loops of
//    small_solvers.hpp, not Eigen's decompositions, which cost every includer over a minute of GCC time.
// Nothing allocates, nothing throws: fixed-size Eigen types only, inputs are caller-owned spans.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include <facenn/geometry/camera.hpp>
#include <facenn/geometry/rotation.hpp>
#include <facenn/geometry/small_solvers.hpp>
#include <facenn/geometry/status.hpp>

namespace facenn::geometry {

struct PnpOptions {
  // Levenberg-Marquardt iterations (each one evaluates the cost once). 0: return the EPnP pose (or the
  // initial pose) unrefined, with status Ok if it is valid.
  int max_iterations = 50;
  // > 0: Huber loss on each point's reprojection distance with this threshold in pixels (points further
  // than it get weight huber_px / distance); 0: plain least squares.
  double huber_px = 0.0;
  // Converged when an update changes the rotation by less than this (radians) and the translation by less
  // than this times |t|, or when an accepted step lowers the cost by less than cost_tolerance (relative).
  double step_tolerance = 1e-10;
  double cost_tolerance = 1e-12;
};

struct PnpResult {
  Status status = Status::InvalidArgument;
  Pose pose;             // the best pose found (also filled for BehindCamera and NotConverged)
  double rms_px = 0.0;   // root mean square reprojection distance over all points (unweighted), pixels
  int iterations = 0;    // Levenberg-Marquardt iterations done
  Eigen::Vector3d object_mean = Eigen::Vector3d::Zero();  // centroid of the model points (model frame)
  bool ok() const noexcept { return status == Status::Ok; }
};

namespace detail::pnp {

inline constexpr double kCollinear = 1e-10;  // second / first principal variance below this: a line
inline constexpr double kPlanar = 1e-6;      // third / first principal variance below this: a plane

using Mat3 = Eigen::Matrix3d;
using Vec3 = Eigen::Vector3d;
using Mat6 = Eigen::Matrix<double, 6, 6>;
using Vec6 = Eigen::Matrix<double, 6, 1>;
using Mat4 = Eigen::Matrix4d;

// Sums over the points that everything before the LM is built from (model points centred on their mean,
// image points normalised: x = (u - cx) / fx, y = (v - cy) / fy).
struct Moments {
  std::size_t n = 0;
  Vec3 mean = Vec3::Zero();          // model centroid
  Mat4 h1, hx, hy, hr;               // sum of h h^T times 1, x, y, x^2 + y^2, with h = [X - mean; 1]
  Eigen::Matrix2d image_scatter;     // sum of (p - mean_p)(p - mean_p)^T of the normalised image points
  Mat3 scatter() const { return h1.topLeftCorner<3, 3>(); }
};

inline Moments moments(std::span<const Eigen::Vector3d> object, std::span<const Eigen::Vector2d> image,
                       const Camera& cam) noexcept {
  Moments m;
  m.n = object.size();
  const double inv_n = 1.0 / static_cast<double>(m.n);
  Eigen::Vector2d mean_p = Eigen::Vector2d::Zero();
  for (std::size_t i = 0; i < m.n; ++i) {
    m.mean += object[i];
    mean_p += Eigen::Vector2d((image[i].x() - cam.cx) / cam.fx, (image[i].y() - cam.cy) / cam.fy);
  }
  m.mean *= inv_n;
  mean_p *= inv_n;
  // Accumulate the 10 distinct products of h h^T, h = [X - mean; 1], four times weighted.
  using Vec10 = Eigen::Matrix<double, 10, 1>;
  Vec10 a1 = Vec10::Zero(), ax = Vec10::Zero(), ay = Vec10::Zero(), ar = Vec10::Zero();
  Eigen::Vector3d image_acc = Eigen::Vector3d::Zero();  // sum of dx^2, dx dy, dy^2
  for (std::size_t i = 0; i < m.n; ++i) {
    const Vec3 d = object[i] - m.mean;
    const double x = (image[i].x() - cam.cx) / cam.fx, y = (image[i].y() - cam.cy) / cam.fy;
    Vec10 q;
    q << d.x() * d.x(), d.x() * d.y(), d.x() * d.z(), d.x(), d.y() * d.y(), d.y() * d.z(), d.y(), d.z() * d.z(),
        d.z(), 1.0;
    a1 += q;
    ax += x * q;
    ay += y * q;
    ar += (x * x + y * y) * q;
    const double ex = x - mean_p.x(), ey = y - mean_p.y();
    image_acc += Eigen::Vector3d(ex * ex, ex * ey, ey * ey);
  }
  const auto unpack = [](const Vec10& q) {
    Mat4 h;
    h << q[0], q[1], q[2], q[3], q[1], q[4], q[5], q[6], q[2], q[5], q[7], q[8], q[3], q[6], q[8], q[9];
    return h;
  };
  m.h1 = unpack(a1);
  m.hx = unpack(ax);
  m.hy = unpack(ay);
  m.hr = unpack(ar);
  m.image_scatter << image_acc[0], image_acc[1], image_acc[1], image_acc[2];
  return m;
}

// Robust cost of a pose and, optionally, the Gauss-Newton system. Returns +inf if a point sits on the camera
// plane (z == 0) or a value is not finite. `sse` receives the plain sum of squared pixel distances.
template <bool Jacobian>
double evaluate(const Mat3& R, const Vec3& t, std::span<const Eigen::Vector3d> object,
                std::span<const Eigen::Vector2d> image, const Camera& cam, double huber, Mat6* JtJ, Vec6* Jtr,
                double* sse) noexcept {
  double cost = 0.0, sq = 0.0;
  // Local accumulators: the upper triangle of J^T J, row by row (21 values), and J^T r.
  std::array<double, 21> h{};
  std::array<double, 6> g{};
  for (std::size_t i = 0; i < object.size(); ++i) {
    const Vec3 rx = R * object[i];
    const Vec3 p = rx + t;
    if (p.z() == 0.0) return std::numeric_limits<double>::infinity();
    const double iz = 1.0 / p.z();
    const double x = p.x() * iz, y = p.y() * iz;
    const double ru = cam.fx * x + cam.cx - image[i].x();
    const double rv = cam.fy * y + cam.cy - image[i].y();
    const double s2 = ru * ru + rv * rv;
    sq += s2;
    double w = 1.0;
    if (huber > 0.0 && s2 > huber * huber) {
      const double s = std::sqrt(s2);
      w = huber / s;
      cost += huber * (s - 0.5 * huber);
    } else {
      cost += 0.5 * s2;
    }
    if constexpr (Jacobian) {
      // d(residual)/d(p): rows a0 = fx/z (1, 0, -x), a1 = fy/z (0, 1, -y); d(p)/d(omega) = -[R X]x, so
      // d(r)/d(omega) row = (R X) x a. Jacobian rows j0 = [R X x a0, a0], j1 = [R X x a1, a1].
      const double s0 = cam.fx * iz, s1 = cam.fy * iz;
      const std::array<double, 6> j0 = {-s0 * x * rx.y(), s0 * (rx.z() + x * rx.x()), -s0 * rx.y(), s0, 0.0, -s0 * x};
      const std::array<double, 6> j1 = {-s1 * (y * rx.y() + rx.z()), s1 * y * rx.x(), s1 * rx.x(), 0.0, s1, -s1 * y};
      std::size_t k = 0;
      for (std::size_t r = 0; r < 6; ++r) {
        const double w0 = w * j0[r], w1 = w * j1[r];
        g[r] += w0 * ru + w1 * rv;
        for (std::size_t c = r; c < 6; ++c) h[k++] += w0 * j0[c] + w1 * j1[c];
      }
    }
  }
  if constexpr (Jacobian) {
    std::size_t k = 0;
    for (int r = 0; r < 6; ++r) {
      (*Jtr)[r] = g[static_cast<std::size_t>(r)];
      for (int c = r; c < 6; ++c) (*JtJ)(r, c) = (*JtJ)(c, r) = h[k++];
    }
  }
  if (sse) *sse = sq;
  return std::isfinite(cost) ? cost : std::numeric_limits<double>::infinity();
}

// EPnP with NC control points (4 general, 3 planar). Writes the candidate pose with the lowest cost.
template <int NC>
void epnp(const Moments& m, const Mat3& axes, const Vec3& variances, std::span<const Eigen::Vector3d> object,
          std::span<const Eigen::Vector2d> image, const Camera& cam, double huber, Pose* best) noexcept {
  constexpr int kPairs = NC * (NC - 1) / 2;
  using MatA = Eigen::Matrix<double, NC, 4>;
  using MatC = Eigen::Matrix<double, 3, NC>;
  using VecB = Eigen::Matrix<double, NC, 1>;

  // Control points: c0 = centroid, c_j = centroid + sigma_j * axis_j (the NC-1 largest principal axes;
  // `axes` columns are sorted by increasing variance). Barycentric coordinates alpha = A [X - mean; 1].
  const double inv_n = 1.0 / static_cast<double>(m.n);
  MatA A = MatA::Zero();
  std::array<double, NC> sigma2{};  // squared distance of control point j from c0 (j >= 1)
  for (int j = 1; j < NC; ++j) {
    const int axis = 3 - j;  // 2, 1 (, 0)
    sigma2[j] = variances[axis] * inv_n;
    A.template block<1, 3>(j, 0) = axes.col(axis).transpose() / std::sqrt(sigma2[j]);
  }
  A.template block<1, 3>(0, 0) = -A.template block<NC - 1, 3>(1, 0).colwise().sum();
  A(0, 3) = 1.0;

  // EPnP's system M^T M (3 NC x 3 NC) has blocks (j, k) = [[S1, 0, -Sx], [0, S1, -Sy], [-Sx, -Sy, Sr]] with
  // S = A H A^T. For given control point depths z, the best x and y coordinates are S1^-1 Sx z and
  // S1^-1 Sy z, so its null space is that of the NC x NC Schur complement Sr - Sx S1^-1 Sx - Sy S1^-1 Sy:
  // an NC x NC eigenproblem instead of a 3 NC x 3 NC one (same null vectors; with noise, slightly different
  // near-null vectors, which only seed the Gauss-Newton below).
  using MatS = Eigen::Matrix<double, NC, NC>;
  const MatS s1 = A * m.h1 * A.transpose(), sx = A * m.hx * A.transpose(), sy = A * m.hy * A.transpose(),
             sr = A * m.hr * A.transpose();
  const small::SymmetricLdlt<NC> s1_ldlt(s1);
  MatS px, py;
  for (int c = 0; c < NC; ++c) {
    px.col(c) = s1_ldlt.solve(sx.col(c));
    py.col(c) = s1_ldlt.solve(sy.col(c));
  }
  MatS reduced = sr - sx * px - sy * py;
  reduced = (0.5 * (reduced + reduced.transpose())).eval();
  const small::SymmetricEigen<NC> es = small::symmetric_eigen<NC>(reduced);
  // Candidate k's camera-frame control points (columns), for the eigenvectors by increasing eigenvalue.
  std::array<MatC, NC> v;
  for (int k = 0; k < NC; ++k) {
    const VecB z = es.vectors.col(k);
    v[k].row(0) = (px * z).transpose();
    v[k].row(1) = (py * z).transpose();
    v[k].row(2) = z.transpose();
  }

  // Pairwise control point distances: world (squared) and the differences of each null vector.
  std::array<double, kPairs> dw2{};
  std::array<std::array<Vec3, NC>, kPairs> dv{};  // dv[p][k]: vector k's difference for pair p
  {
    int p = 0;
    for (int a = 0; a < NC; ++a) {
      for (int b = a + 1; b < NC; ++b, ++p) {
        dw2[p] = (a == 0 ? 0.0 : sigma2[a]) + sigma2[b];  // c0 -> c_b: sigma_b^2; c_a -> c_b: orthogonal
        for (int k = 0; k < NC; ++k) dv[p][k] = v[k].col(a) - v[k].col(b);
      }
    }
  }

  // Gauss-Newton on the NC betas: residual_p = |sum_k beta_k dv[p][k]|^2 - dw2[p].
  auto polish = [&](VecB beta) {
    for (int it = 0; it < 6; ++it) {
      Eigen::Matrix<double, kPairs, NC> J;
      Eigen::Matrix<double, kPairs, 1> r;
      for (int p = 0; p < kPairs; ++p) {
        Vec3 d = Vec3::Zero();
        for (int k = 0; k < NC; ++k) d += beta[k] * dv[p][k];
        r[p] = d.squaredNorm() - dw2[p];
        for (int k = 0; k < NC; ++k) J(p, k) = 2.0 * d.dot(dv[p][k]);
      }
      Eigen::Matrix<double, NC, NC> jtj = J.transpose() * J;
      jtj.diagonal().array() += 1e-12 * (jtj.diagonal().maxCoeff() + 1e-300);
      const VecB step = small::SymmetricLdlt<NC>(jtj).solve(-J.transpose() * r);
      if (!step.allFinite()) break;
      beta += step;
      if (step.squaredNorm() <= 1e-24 * beta.squaredNorm()) break;
    }
    return beta;
  };

  // A candidate's pose: camera control points C = sum beta_k v_k (in front of the camera), model points'
  // camera positions P = C A [X - mean; 1]; rotation by absolute orientation, from the moments.
  const Mat3 scatter = m.scatter();
  double best_cost = std::numeric_limits<double>::infinity();
  auto consider = [&](const VecB& beta) {
    if (!beta.allFinite()) return;
    MatC c = MatC::Zero();
    for (int k = 0; k < NC; ++k) c += beta[k] * v[k];
    if (c(2, 0) < 0.0) c = -c;  // the centroid's depth must be positive
    const Eigen::Matrix<double, 3, 4> g = c * A;
    const Mat3 k = g.template leftCols<3>() * scatter;  // sum of (P - P_mean)(X - mean)^T
    Pose pose;
    pose.R = small::closest_rotation(k);
    pose.t = g.col(3) - pose.R * m.mean;
    const double cost = evaluate<false>(pose.R, pose.t, object, image, cam, huber, nullptr, nullptr, nullptr);
    if (cost < best_cost) {
      best_cost = cost;
      *best = pose;
    }
  };

  // N = 1: beta from the distances' least squares ratio.
  {
    double num = 0.0, den = 0.0;
    for (int p = 0; p < kPairs; ++p) {
      const double l = dv[p][0].norm();
      num += l * std::sqrt(dw2[p]);
      den += l * l;
    }
    VecB beta = VecB::Zero();
    beta[0] = num / den;
    consider(polish(beta));
  }
  // N = 2: linear in (b11, b12, b22) = (beta1^2, beta1 beta2, beta2^2).
  {
    Eigen::Matrix<double, kPairs, 3> L;
    Eigen::Matrix<double, kPairs, 1> rho;
    for (int p = 0; p < kPairs; ++p) {
      L(p, 0) = dv[p][0].squaredNorm();
      L(p, 1) = 2.0 * dv[p][0].dot(dv[p][1]);
      L(p, 2) = dv[p][1].squaredNorm();
      rho[p] = dw2[p];
    }
    const Eigen::Vector3d b = small::least_squares<kPairs, 3>(L, rho);
    VecB beta = VecB::Zero();
    beta[0] = std::sqrt(std::abs(b[0]));
    beta[1] = beta[0] > 0.0 ? b[1] / beta[0] : std::sqrt(std::abs(b[2]));
    consider(polish(beta));
  }
  // N = 3 (general case only: 6 equations, 6 unknowns).
  if constexpr (NC == 4) {
    Eigen::Matrix<double, 6, 6> L;
    Eigen::Matrix<double, 6, 1> rho;
    for (int p = 0; p < 6; ++p) {
      const Vec3 &d1 = dv[p][0], &d2 = dv[p][1], &d3 = dv[p][2];
      L.row(p) << d1.squaredNorm(), 2.0 * d1.dot(d2), 2.0 * d1.dot(d3), d2.squaredNorm(), 2.0 * d2.dot(d3),
          d3.squaredNorm();
      rho[p] = dw2[p];
    }
    const Eigen::Matrix<double, 6, 1> b = small::least_squares<6, 6>(L, rho);
    VecB beta = VecB::Zero();
    beta[0] = std::sqrt(std::abs(b[0]));
    if (beta[0] > 0.0) {
      beta[1] = b[1] / beta[0];
      beta[2] = b[2] / beta[0];
    }
    consider(polish(beta));
  }
}

}  // namespace detail::pnp

// Reprojection RMS (pixels) of a pose; +inf if a point lies on the camera plane.
inline double reprojection_rms(std::span<const Eigen::Vector3d> object, std::span<const Eigen::Vector2d> image,
                               const Camera& cam, const Pose& pose) noexcept {
  if (object.empty() || object.size() != image.size()) return std::numeric_limits<double>::quiet_NaN();
  double sse = 0.0;
  const double c = detail::pnp::evaluate<false>(pose.R, pose.t, object, image, cam, 0.0, nullptr, nullptr, &sse);
  return std::isfinite(c) ? std::sqrt(sse / static_cast<double>(object.size()))
                          : std::numeric_limits<double>::infinity();
}

// Pose of the model in the camera frame from n >= 4 correspondences object[i] <-> image[i] (pixels, pixel-centre
// convention). `initial`, if given, replaces the EPnP initialisation (tracking: pass the previous frame's pose).
// Status: TooFewPoints (n < 4), NonFinite, Degenerate (coincident or collinear model points, or collinear image
// points), InvalidArgument (sizes differ, invalid camera or options), BehindCamera (the best pose has a point
// with z <= 0), NotConverged (iteration limit; the pose is the best one found).
inline PnpResult solve_pnp(std::span<const Eigen::Vector3d> object, std::span<const Eigen::Vector2d> image,
                           const Camera& cam, const PnpOptions& options = {}, const Pose* initial = nullptr) noexcept {
  using namespace detail::pnp;
  PnpResult res;
  if (object.size() != image.size() || !cam.valid() || options.max_iterations < 0 || !(options.huber_px >= 0.0) ||
      !(options.step_tolerance >= 0.0) || !(options.cost_tolerance >= 0.0)) {
    res.status = Status::InvalidArgument;
    return res;
  }
  if (object.size() < 4) {
    res.status = Status::TooFewPoints;
    return res;
  }
  for (std::size_t i = 0; i < object.size(); ++i) {
    if (!object[i].allFinite() || !image[i].allFinite()) {
      res.status = Status::NonFinite;
      return res;
    }
  }
  if (initial && !(initial->R.allFinite() && initial->t.allFinite())) {
    res.status = Status::NonFinite;
    return res;
  }

  // Degeneracy: principal variances of the model points and of the (normalised) image points.
  const Moments m = moments(object, image, cam);
  res.object_mean = m.mean;
  const small::SymmetricEigen<3> model_pca = small::symmetric_eigen<3>(m.scatter());
  const Vec3 var = model_pca.values;  // increasing
  const Eigen::Vector2d image_var = small::symmetric_eigen<2>(m.image_scatter).values;
  if (!(var[2] > 0.0) || var[1] <= kCollinear * var[2] || !(image_var[1] > 0.0) ||
      image_var[0] <= kCollinear * image_var[1]) {
    res.status = Status::Degenerate;
    return res;
  }

  const double huber = options.huber_px;
  Pose pose;
  if (initial) {
    pose = *initial;
  } else if (var[0] <= kPlanar * var[2]) {
    epnp<3>(m, model_pca.vectors, var, object, image, cam, huber, &pose);
  } else {
    epnp<4>(m, model_pca.vectors, var, object, image, cam, huber, &pose);
  }

  // Levenberg-Marquardt.
  Mat6 jtj;
  Vec6 jtr;
  double cost = evaluate<true>(pose.R, pose.t, object, image, cam, huber, &jtj, &jtr, nullptr);
  if (!std::isfinite(cost)) {
    res.status = Status::Degenerate;  // no usable starting pose (a point on the camera plane)
    return res;
  }
  bool converged = options.max_iterations == 0;
  double lambda = 1e-3;
  int it = 0;
  while (!converged) {
    Mat6 a = jtj;
    a.diagonal() += lambda * a.diagonal() + Vec6::Constant(1e-300);
    const Vec6 step = small::SymmetricLdlt<6>(a).solve(-jtr);
    if (!step.allFinite()) break;
    const bool small = step.head<3>().norm() <= options.step_tolerance &&
                       step.tail<3>().norm() <= options.step_tolerance * std::max(pose.t.norm(), 1e-300);
    // Converged without another evaluation when the (barely damped) Gauss-Newton step is negligible or its
    // model promises (almost) no decrease.
    const double predicted = -(jtr.dot(step) + 0.5 * step.dot(jtj * step));
    if (lambda <= 1e-2 && (small || predicted <= options.cost_tolerance * cost)) {
      converged = true;
      break;
    }
    if (it == options.max_iterations) break;
    ++it;
    Pose trial;
    trial.R = rotation_from_vector(step.head<3>()) * pose.R;
    trial.t = pose.t + step.tail<3>();
    Mat6 jtj2;
    Vec6 jtr2;
    const double cost2 = evaluate<true>(trial.R, trial.t, object, image, cam, huber, &jtj2, &jtr2, nullptr);
    if (cost2 < cost) {
      const double decrease = (cost - cost2) / cost;
      pose = trial;
      cost = cost2;
      jtj = jtj2;
      jtr = jtr2;
      lambda = std::max(lambda * 0.1, 1e-12);
      converged = decrease <= options.cost_tolerance || cost == 0.0;
    } else {
      // No decrease: either we sit on the minimum to machine precision, or the step was too long.
      lambda *= 10.0;
      converged = lambda > 1e12;
    }
  }
  // Re-orthonormalise (each product with exp() drifts by ~1e-16).
  pose.R = Eigen::Quaterniond(pose.R).normalized().toRotationMatrix();

  double sse = 0.0;
  evaluate<false>(pose.R, pose.t, object, image, cam, 0.0, nullptr, nullptr, &sse);
  res.pose = pose;
  res.rms_px = std::sqrt(sse / static_cast<double>(object.size()));
  res.iterations = it;
  res.status = converged ? Status::Ok : Status::NotConverged;
  for (std::size_t i = 0; i < object.size() && res.status == Status::Ok; ++i) {
    if (pose.R.row(2).dot(object[i]) + pose.t.z() <= 0.0) res.status = Status::BehindCamera;
  }
  return res;
}

}  // namespace facenn::geometry
