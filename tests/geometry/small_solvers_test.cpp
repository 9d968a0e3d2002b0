// small_solvers.hpp on random and on singular / rank-deficient inputs, checked against matrices built with
// known answers (Q diag Q^T, x -> a x, R S polar factors) and against the optimality conditions of each
// problem. (Comparing with Eigen's own decompositions instead made this one file take 90 s to compile with
// GCC 12 -- the cost small_solvers.hpp exists to avoid.)
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include <facenn/geometry/small_solvers.hpp>

using namespace facenn::geometry;

namespace {

template <int R, int C>
Eigen::Matrix<double, R, C> random_matrix(std::mt19937& rng, double scale = 1.0) {
  std::normal_distribution<double> n(0.0, scale);
  Eigen::Matrix<double, R, C> m;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) m(i, j) = n(rng);
  return m;
}

// A random orthogonal matrix: Gram-Schmidt (twice, for orthogonality to rounding) on Gaussian columns.
template <int N>
small::Matrix<N> random_orthogonal(std::mt19937& rng) {
  small::Matrix<N> q = random_matrix<N, N>(rng);
  for (int pass = 0; pass < 2; ++pass) {
    for (int j = 0; j < N; ++j) {
      for (int k = 0; k < j; ++k) q.col(j) -= q.col(k).dot(q.col(j)) * q.col(k);
      q.col(j).normalize();
    }
  }
  return q;
}

// Eigenvalues d (any order) and a symmetric matrix Q diag(d) Q^T that has them.
template <int N>
struct KnownSpectrum {
  small::Vector<N> d;
  small::Matrix<N> a;
};

// A symmetric positive semidefinite N x N matrix of the given rank with eigenvalues spread over `decades`,
// shifted by `shift` (negative shifts make it indefinite).
template <int N>
KnownSpectrum<N> random_spectrum(std::mt19937& rng, int rank, double decades, double shift = 0.0) {
  const small::Matrix<N> q = random_orthogonal<N>(rng);
  KnownSpectrum<N> k;
  k.d = small::Vector<N>::Zero();
  std::uniform_real_distribution<double> u(0.0, decades);
  for (int i = 0; i < rank; ++i) k.d[i] = std::pow(10.0, -u(rng));
  k.d.array() += shift;
  k.a = q * k.d.asDiagonal() * q.transpose();
  k.a = (0.5 * (k.a + k.a.transpose())).eval();
  return k;
}

template <int N>
void check_symmetric_eigen(std::mt19937& rng) {
  double worst_value = 0.0, worst_residual = 0.0, worst_orthogonality = 0.0;
  for (int trial = 0; trial < 300; ++trial) {
    const KnownSpectrum<N> k = random_spectrum<N>(rng, N - trial % 2, 12.0, trial % 3 == 0 ? -0.5 : 0.0);
    const small::SymmetricEigen<N> mine = small::symmetric_eigen<N>(k.a);
    small::Vector<N> expected = k.d;
    std::sort(expected.data(), expected.data() + N);
    const double scale = k.a.norm();
    for (int j = 0; j < N; ++j) {
      if (j > 0) CHECK(mine.values[j] >= mine.values[j - 1]);
      worst_value = std::max(worst_value, std::abs(mine.values[j] - expected[j]) / scale);
      // A v = lambda v for each pair (the eigenvector itself is only defined up to sign / within a cluster).
      worst_residual = std::max(worst_residual, (k.a * mine.vectors.col(j) - mine.values[j] * mine.vectors.col(j)).norm() / scale);
    }
    worst_orthogonality = std::max(worst_orthogonality, (mine.vectors.transpose() * mine.vectors - small::Matrix<N>::Identity()).norm());
  }
  INFO("N = ", N, ": eigenvalue error ", worst_value, ", residual ", worst_residual, ", orthogonality ", worst_orthogonality);
  CHECK(worst_value < 1e-14);
  CHECK(worst_residual < 1e-14);
  CHECK(worst_orthogonality < 1e-14);
}

}  // namespace

TEST_CASE("symmetric_eigen finds known spectra (N = 2, 3, 4, 6; eigenvalues over 12 decades, indefinite too)") {
  std::mt19937 rng(1);
  check_symmetric_eigen<2>(rng);
  check_symmetric_eigen<3>(rng);
  check_symmetric_eigen<4>(rng);
  check_symmetric_eigen<6>(rng);
}

TEST_CASE("symmetric_eigen: the near-null vector of an EPnP-like matrix and degenerate inputs") {
  std::mt19937 rng(2);
  for (int trial = 0; trial < 200; ++trial) {
    // A rank-3 PSD 4x4 matrix: its null vector must come out first and be accurate.
    const small::Matrix<4> a = random_spectrum<4>(rng, 3, 6.0).a;
    const small::SymmetricEigen<4> e = small::symmetric_eigen<4>(a);
    CHECK(std::abs(e.values[0]) < 1e-15);
    CHECK((a * e.vectors.col(0)).norm() < 1e-15);
  }
  // Diagonal input: no rotation at all; zero matrix: identity vectors.
  const small::SymmetricEigen<3> d = small::symmetric_eigen<3>(Eigen::Vector3d(3.0, -1.0, 2.0).asDiagonal());
  CHECK(d.values == Eigen::Vector3d(-1.0, 2.0, 3.0));
  CHECK(std::abs(d.vectors.determinant()) == 1.0);
  const small::SymmetricEigen<3> z = small::symmetric_eigen<3>(small::Matrix<3>::Zero());
  CHECK(z.values.isZero());
  CHECK(z.vectors.isIdentity());
  // Non-finite input: non-finite eigenvalues (never a finite answer from a NaN), and no endless loop.
  small::Matrix<3> nan = small::Matrix<3>::Identity();
  nan(0, 1) = nan(1, 0) = std::numeric_limits<double>::quiet_NaN();
  CHECK(!small::symmetric_eigen<3>(nan).values.allFinite());
}

TEST_CASE("SymmetricLdlt solves positive definite systems to cond * eps and stays finite when singular") {
  std::mt19937 rng(3);
  double worst = 0.0;
  for (int trial = 0; trial < 300; ++trial) {
    const KnownSpectrum<6> k = random_spectrum<6>(rng, 6, 8.0);
    const double cond = k.d.maxCoeff() / k.d.minCoeff();
    const small::Vector<6> x_true = random_matrix<6, 1>(rng);
    const small::Vector<6> x = small::SymmetricLdlt<6>(k.a).solve(k.a * x_true);
    worst = std::max(worst, (x - x_true).norm() / x_true.norm() / cond);
  }
  INFO("forward error / condition number (condition numbers up to 1e8): ", worst);
  CHECK(worst < 1e-14);

  for (int rank = 0; rank < 4; ++rank) {
    const small::Matrix<4> a = random_spectrum<4>(rng, rank, 2.0).a;
    const small::SymmetricLdlt<4> ldlt(a);
    // In exact arithmetic the trailing pivots are 0; rounding leaves them at ~1e-17, so the rank seen is
    // between `rank` and 4, and the solution must stay finite either way.
    CHECK(ldlt.rank() >= rank);
    const small::Vector<4> b = a * random_matrix<4, 1>(rng);  // consistent right-hand side
    const small::Vector<4> x = ldlt.solve(b);
    CHECK(x.allFinite());
  }
  // Exactly singular: a zero row and column.
  small::Matrix<3> s = small::Matrix<3>::Zero();
  s(0, 0) = 4.0;
  s(2, 2) = 2.0;
  const small::SymmetricLdlt<3> ldlt(s);
  CHECK(ldlt.rank() == 2);
  CHECK(ldlt.solve(Eigen::Vector3d(8.0, 5.0, 1.0)) == Eigen::Vector3d(2.0, 0.0, 0.5));
}

TEST_CASE("least_squares: normal equations hold for full-rank and rank-deficient systems") {
  std::mt19937 rng(4);
  double worst_normal = 0.0, worst_square = 0.0;
  for (int trial = 0; trial < 300; ++trial) {
    const Eigen::Matrix<double, 6, 3> a = random_matrix<6, 3>(rng);
    const Eigen::Matrix<double, 6, 1> b = random_matrix<6, 1>(rng);
    // Any minimiser of |a x - b| satisfies a^T (a x - b) = 0, also when a has dependent columns.
    const Eigen::Vector3d x = small::least_squares<6, 3>(a, b);
    worst_normal = std::max(worst_normal, (a.transpose() * (a * x - b)).norm());

    const Eigen::Matrix<double, 6, 6> sq = random_matrix<6, 6>(rng);
    const Eigen::Matrix<double, 6, 1> x_true = random_matrix<6, 1>(rng);
    worst_square = std::max(worst_square, (sq * small::least_squares<6, 6>(sq, sq * x_true) - sq * x_true).norm());

    // Rank 2 of 3 columns (the third a combination of the others): a basic solution (one unknown 0) that
    // still satisfies the normal equations.
    Eigen::Matrix<double, 6, 3> d = a;
    d.col(2) = 0.5 * d.col(0) - 2.0 * d.col(1);
    const Eigen::Vector3d xd = small::least_squares<6, 3>(d, b);
    CHECK(xd.allFinite());
    CHECK(xd.cwiseEqual(0.0).count() >= 1);
    worst_normal = std::max(worst_normal, (d.transpose() * (d * xd - b)).norm());
  }
  INFO("normal-equation residual: ", worst_normal, ", square-system residual: ", worst_square);
  CHECK(worst_normal < 1e-12);
  CHECK(worst_square < 1e-12);
  // All-zero system: zero solution, no division by zero.
  CHECK(small::least_squares<4, 2>(Eigen::Matrix<double, 4, 2>::Zero(), Eigen::Vector4d::Ones()).isZero());
}

TEST_CASE("closest_rotation: exact polar factors, the optimality conditions, always proper") {
  std::mt19937 rng(5);
  double worst_polar = 0.0, worst_asym = 0.0, worst_second = 0.0;
  for (int trial = 0; trial < 500; ++trial) {
    // k = R S with S symmetric positive definite: R is the answer.
    Eigen::Matrix3d truth = random_orthogonal<3>(rng);
    if (truth.determinant() < 0.0) truth.col(0) *= -1.0;
    const Eigen::Matrix3d k = truth * random_spectrum<3>(rng, 3, 3.0).a;
    worst_polar = std::max(worst_polar, (small::closest_rotation(k) - truth).norm());

    // Any k (reflections included): r maximises trace(r^T k) over rotations iff M = r^T k is symmetric and
    // trace(M) I - M is positive semidefinite.
    const Eigen::Matrix3d any = random_matrix<3, 3>(rng);
    const Eigen::Matrix3d r = small::closest_rotation(any);
    CHECK(r.determinant() == doctest::Approx(1.0).epsilon(1e-12));
    CHECK((r.transpose() * r - Eigen::Matrix3d::Identity()).norm() < 1e-14);
    const Eigen::Matrix3d m = r.transpose() * any;
    worst_asym = std::max(worst_asym, (m - m.transpose()).norm() / any.norm());
    const Eigen::Matrix3d second = m.trace() * Eigen::Matrix3d::Identity() - 0.5 * (m + m.transpose());
    worst_second = std::max(worst_second, -small::symmetric_eigen<3>(second).values[0] / any.norm());
  }
  INFO("polar factor error ", worst_polar, ", asymmetry ", worst_asym, ", second-order violation ", worst_second);
  CHECK(worst_polar < 1e-12);
  CHECK(worst_asym < 1e-12);
  CHECK(worst_second < 1e-12);
}
