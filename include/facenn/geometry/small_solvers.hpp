// facenn geometry: dense solvers for the tiny fixed-size systems of PnP (2 <= N <= 6), written out.
//
//   SymmetricEigen<4> e = symmetric_eigen(m);        // eigenvalues ascending, eigenvectors as columns
//   Vector<6> x = SymmetricLdlt<6>(a).solve(b);      // a symmetric positive (semi)definite
//   Vector<3> y = least_squares(l, rho);             // min |l y - rho|, rank-revealing
//   Matrix<3> r = closest_rotation(k);               // the rotation maximising trace(r^T k)
//
// Why not Eigen's decompositions: under GCC 12 in C++20 mode, instantiating SelfAdjointEigenSolver,
// ColPivHouseholderQR, LDLT and JacobiSVD for the handful of sizes EPnP needs cost ~75 s of overload
// resolution and 1.8 GB per translation unit that included pnp.hpp (clang: ~15 s), because solve_pnp is an
// inline function every includer compiles. These loops only use Eigen's fixed-size storage and coefficient
// access; tests/geometry/small_solvers_test.cpp checks them against Eigen's decompositions.
// Nothing allocates, nothing throws.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

namespace facenn::geometry::small {

template <int N>
using Matrix = Eigen::Matrix<double, N, N>;
template <int N>
using Vector = Eigen::Matrix<double, N, 1>;

template <int N>
struct SymmetricEigen {
  Vector<N> values;   // ascending
  Matrix<N> vectors;  // column k belongs to values[k]; orthonormal
};

// Cyclic Jacobi rotations on a symmetric matrix (only its values are read, both triangles). Accurate to a
// few ulps of the largest eigenvalue, also for the near-null vectors EPnP needs; quadratic convergence makes
// 5-8 sweeps typical at these sizes.
template <int N>
SymmetricEigen<N> symmetric_eigen(Matrix<N> a) noexcept {
  Matrix<N> v = Matrix<N>::Identity();
  for (int sweep = 0; sweep < 32; ++sweep) {
    double off = 0.0, diag = 0.0;
    for (int p = 0; p < N; ++p) {
      diag += a(p, p) * a(p, p);
      for (int q = p + 1; q < N; ++q) off += a(p, q) * a(p, q);
    }
    if (!std::isfinite(off + diag)) {  // NaN or inf in: NaN eigenvalues out
      a(0, 0) = std::numeric_limits<double>::quiet_NaN();
      break;
    }
    if (!(off > 1e-36 * diag)) break;
    for (int p = 0; p < N; ++p) {
      for (int q = p + 1; q < N; ++q) {
        const double apq = a(p, q);
        if (apq == 0.0) continue;
        // The rotation (c, s) that zeroes a(p, q): t = tan(angle) is the smaller root of t^2 + 2 theta t = 1.
        const double theta = (a(q, q) - a(p, p)) / (2.0 * apq);
        const double t = std::abs(theta) > 1e150 ? 0.5 / theta
                                                 : std::copysign(1.0, theta) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (int k = 0; k < N; ++k) {  // a <- a J (columns p, q)
          const double akp = a(k, p), akq = a(k, q);
          a(k, p) = c * akp - s * akq;
          a(k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < N; ++k) {  // a <- J^T a (rows p, q)
          const double apk = a(p, k), aqk = a(q, k);
          a(p, k) = c * apk - s * aqk;
          a(q, k) = s * apk + c * aqk;
        }
        a(p, q) = a(q, p) = 0.0;
        for (int k = 0; k < N; ++k) {  // v <- v J
          const double vkp = v(k, p), vkq = v(k, q);
          v(k, p) = c * vkp - s * vkq;
          v(k, q) = s * vkp + c * vkq;
        }
      }
    }
  }
  SymmetricEigen<N> out;
  std::array<int, N> order{};
  for (int i = 0; i < N; ++i) order[static_cast<std::size_t>(i)] = i;
  for (int i = 1; i < N; ++i) {  // insertion sort by eigenvalue
    for (int j = i; j > 0 && a(order[static_cast<std::size_t>(j)], order[static_cast<std::size_t>(j)]) <
                                 a(order[static_cast<std::size_t>(j - 1)], order[static_cast<std::size_t>(j - 1)]);
         --j)
      std::swap(order[static_cast<std::size_t>(j)], order[static_cast<std::size_t>(j - 1)]);
  }
  for (int k = 0; k < N; ++k) {
    const int from = order[static_cast<std::size_t>(k)];
    out.values[k] = a(from, from);
    for (int r = 0; r < N; ++r) out.vectors(r, k) = v(r, from);
  }
  return out;
}

// L D L^T with symmetric (diagonal) pivoting of a symmetric positive semidefinite matrix. solve() returns the
// solution in the span of the pivots larger than the smallest normal double: components along a zero pivot
// are set to 0 (like Eigen's LDLT), so a singular system gives a finite answer rather than inf.
template <int N>
class SymmetricLdlt {
 public:
  explicit SymmetricLdlt(Matrix<N> a) noexcept : ld_(std::move(a)) {
    for (int i = 0; i < N; ++i) perm_[static_cast<std::size_t>(i)] = i;
    for (int k = 0; k < N; ++k) {
      int p = k;
      for (int i = k + 1; i < N; ++i)
        if (ld_(i, i) > ld_(p, p)) p = i;
      if (p != k) {  // symmetric swap of rows and columns k and p
        ld_.row(k).swap(ld_.row(p));
        ld_.col(k).swap(ld_.col(p));
        std::swap(perm_[static_cast<std::size_t>(k)], perm_[static_cast<std::size_t>(p)]);
      }
      const double d = ld_(k, k);
      if (!(d > std::numeric_limits<double>::min())) break;  // the rest is (numerically) zero
      rank_ = k + 1;
      for (int i = k + 1; i < N; ++i) {
        const double l = ld_(i, k) / d;
        for (int j = k + 1; j <= i; ++j) {
          ld_(i, j) -= l * ld_(j, k);
          ld_(j, i) = ld_(i, j);
        }
      }
      for (int i = k + 1; i < N; ++i) ld_(i, k) /= d;  // column k below the diagonal now holds L
    }
  }

  int rank() const noexcept { return rank_; }

  Vector<N> solve(const Vector<N>& b) const noexcept {
    Vector<N> z;
    for (int i = 0; i < N; ++i) z[i] = b[perm_[static_cast<std::size_t>(i)]];
    for (int i = 0; i < rank_; ++i)  // L z' = z (unit lower triangular; columns past the rank are unused)
      for (int j = 0; j < i; ++j) z[i] -= ld_(i, j) * z[j];
    for (int i = 0; i < N; ++i) z[i] = i < rank_ ? z[i] / ld_(i, i) : 0.0;
    for (int i = rank_ - 1; i >= 0; --i)  // L^T x = z'
      for (int j = i + 1; j < rank_; ++j) z[i] -= ld_(j, i) * z[j];
    Vector<N> x;
    for (int i = 0; i < N; ++i) x[perm_[static_cast<std::size_t>(i)]] = z[i];
    return x;
  }

 private:
  Matrix<N> ld_;  // D on the diagonal, L below it (the strict upper part is scratch)
  std::array<int, N> perm_{};
  int rank_ = 0;
};

// Least squares min |a x - b| by Householder QR with column pivoting. Columns whose remaining norm falls below
// R * epsilon of the first pivot's are treated as dependent and their unknowns set to 0 (a basic solution,
// as Eigen's ColPivHouseholderQR::solve gives).
template <int R, int C>
Vector<C> least_squares(Eigen::Matrix<double, R, C> a, Eigen::Matrix<double, R, 1> b) noexcept {
  static_assert(R >= C, "least_squares needs at least as many equations as unknowns");
  std::array<int, C> perm{};
  for (int i = 0; i < C; ++i) perm[static_cast<std::size_t>(i)] = i;
  int rank = 0;
  double first = 0.0;
  for (int k = 0; k < C; ++k) {
    int best = k;
    double best_norm2 = -1.0;
    for (int j = k; j < C; ++j) {
      double n2 = 0.0;
      for (int i = k; i < R; ++i) n2 += a(i, j) * a(i, j);
      if (n2 > best_norm2) {
        best_norm2 = n2;
        best = j;
      }
    }
    if (best != k) {
      a.col(k).swap(a.col(best));
      std::swap(perm[static_cast<std::size_t>(k)], perm[static_cast<std::size_t>(best)]);
    }
    const double alpha = std::sqrt(best_norm2);
    if (k == 0) first = alpha;
    if (!(alpha > static_cast<double>(R) * std::numeric_limits<double>::epsilon() * first) || !(alpha > 0.0)) break;
    // Householder reflection H = I - 2 v v^T / (v^T v) mapping column k (rows k..R-1) to beta e_k.
    const double beta = a(k, k) >= 0.0 ? -alpha : alpha;
    std::array<double, R> v{};
    v[static_cast<std::size_t>(k)] = a(k, k) - beta;
    double vv = v[static_cast<std::size_t>(k)] * v[static_cast<std::size_t>(k)];
    for (int i = k + 1; i < R; ++i) {
      v[static_cast<std::size_t>(i)] = a(i, k);
      vv += a(i, k) * a(i, k);
    }
    const auto reflect = [&](auto&& column) {
      double dot = 0.0;
      for (int i = k; i < R; ++i) dot += v[static_cast<std::size_t>(i)] * column[i];
      const double f = 2.0 * dot / vv;
      for (int i = k; i < R; ++i) column[i] -= f * v[static_cast<std::size_t>(i)];
    };
    for (int j = k + 1; j < C; ++j) reflect(a.col(j));
    reflect(b);
    a(k, k) = beta;
    rank = k + 1;
  }
  Vector<C> z = Vector<C>::Zero();
  for (int i = rank - 1; i >= 0; --i) {
    double s = b[i];
    for (int j = i + 1; j < rank; ++j) s -= a(i, j) * z[j];
    z[i] = s / a(i, i);
  }
  Vector<C> x;
  for (int i = 0; i < C; ++i) x[perm[static_cast<std::size_t>(i)]] = z[i];
  return x;
}

// The rotation r maximising trace(r^T k) (orthogonal Procrustes / absolute orientation: with
// k = sum_i y_i x_i^T over centred point pairs, r minimises sum_i |r x_i - y_i|^2). Horn's method (J. Opt.
// Soc. Am. A 4(4), 1987): the unit quaternion is the eigenvector of the largest eigenvalue of a symmetric
// 4x4 matrix built from k; always a proper rotation, no reflection to correct.
inline Matrix<3> closest_rotation(const Matrix<3>& k) noexcept {
  // s(a, b) = sum_i x_a y_b = k(b, a).
  const double sxx = k(0, 0), sxy = k(1, 0), sxz = k(2, 0);
  const double syx = k(0, 1), syy = k(1, 1), syz = k(2, 1);
  const double szx = k(0, 2), szy = k(1, 2), szz = k(2, 2);
  Matrix<4> n;
  n << sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,  //
      syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,   //
      szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,  //
      sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz;
  const SymmetricEigen<4> e = symmetric_eigen<4>(n);
  const Vector<4> q = e.vectors.col(3);
  return Eigen::Quaterniond(q[0], q[1], q[2], q[3]).normalized().toRotationMatrix();
}

}  // namespace facenn::geometry::small
