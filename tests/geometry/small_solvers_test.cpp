// small_solvers.hpp against Eigen's decompositions (the specification it replaces), on random and on
// singular / rank-deficient inputs. This is the one translation unit that pays for instantiating Eigen's
// solvers.
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>
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

// A symmetric positive semidefinite N x N matrix of the given rank with eigenvalues spread over `decades`.
template <int N>
small::Matrix<N> random_psd(std::mt19937& rng, int rank, double decades) {
  const Eigen::HouseholderQR<small::Matrix<N>> qr(random_matrix<N, N>(rng));
  const small::Matrix<N> q = qr.householderQ();
  small::Vector<N> d = small::Vector<N>::Zero();
  std::uniform_real_distribution<double> u(0.0, decades);
  for (int i = 0; i < rank; ++i) d[i] = std::pow(10.0, -u(rng));
  return q * d.asDiagonal() * q.transpose();
}

template <int N>
void check_symmetric_eigen(std::mt19937& rng) {
  double worst_value = 0.0, worst_residual = 0.0, worst_orthogonality = 0.0;
  for (int trial = 0; trial < 300; ++trial) {
    const small::Matrix<N> a = random_psd<N>(rng, N - trial % 2, 12.0) - (trial % 3 == 0 ? 0.5 : 0.0) * small::Matrix<N>::Identity();
    const small::SymmetricEigen<N> mine = small::symmetric_eigen<N>(a);
    const Eigen::SelfAdjointEigenSolver<small::Matrix<N>> ref(a);
    const double scale = a.norm();
    for (int k = 0; k < N; ++k) {
      if (k > 0) CHECK(mine.values[k] >= mine.values[k - 1]);
      worst_value = std::max(worst_value, std::abs(mine.values[k] - ref.eigenvalues()[k]) / scale);
      // A v = lambda v for each pair (the eigenvector itself is only defined up to sign / within a cluster).
      worst_residual = std::max(worst_residual, (a * mine.vectors.col(k) - mine.values[k] * mine.vectors.col(k)).norm() / scale);
    }
    worst_orthogonality = std::max(worst_orthogonality, (mine.vectors.transpose() * mine.vectors - small::Matrix<N>::Identity()).norm());
  }
  INFO("N = ", N, ": eigenvalue error ", worst_value, ", residual ", worst_residual, ", orthogonality ", worst_orthogonality);
  CHECK(worst_value < 1e-14);
  CHECK(worst_residual < 1e-14);
  CHECK(worst_orthogonality < 1e-14);
}

}  // namespace

TEST_CASE("symmetric_eigen matches Eigen's SelfAdjointEigenSolver (N = 2, 3, 4, 6; eigenvalues over 12 decades)") {
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
    const small::Matrix<4> a = random_psd<4>(rng, 3, 6.0);
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

TEST_CASE("SymmetricLdlt solves positive definite systems like Eigen's LDLT and stays finite when singular") {
  std::mt19937 rng(3);
  double worst = 0.0;
  for (int trial = 0; trial < 300; ++trial) {
    const small::Matrix<6> a = random_psd<6>(rng, 6, 8.0);
    const small::Vector<6> b = random_matrix<6, 1>(rng);
    const small::Vector<6> mine = small::SymmetricLdlt<6>(a).solve(b);
    const small::Vector<6> ref = a.ldlt().solve(b);
    worst = std::max(worst, (mine - ref).norm() / ref.norm());
  }
  INFO("relative difference to Eigen's LDLT, condition numbers up to 1e8: ", worst);
  CHECK(worst < 1e-7);  // both are backward stable: the difference is bounded by cond * eps

  for (int rank = 0; rank < 4; ++rank) {
    const small::Matrix<4> a = random_psd<4>(rng, rank, 2.0);
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

TEST_CASE("least_squares matches ColPivHouseholderQR on full-rank and rank-deficient systems") {
  std::mt19937 rng(4);
  double worst_full = 0.0, worst_deficient = 0.0;
  for (int trial = 0; trial < 300; ++trial) {
    const Eigen::Matrix<double, 6, 3> a = random_matrix<6, 3>(rng);
    const Eigen::Matrix<double, 6, 1> b = random_matrix<6, 1>(rng);
    const Eigen::Vector3d mine = small::least_squares<6, 3>(a, b);
    const Eigen::Vector3d ref = a.colPivHouseholderQr().solve(b);
    worst_full = std::max(worst_full, (mine - ref).norm() / ref.norm());

    const Eigen::Matrix<double, 6, 6> sq = random_matrix<6, 6>(rng);
    const Eigen::Matrix<double, 6, 1> y = random_matrix<6, 1>(rng);
    worst_full = std::max(worst_full, (sq * small::least_squares<6, 6>(sq, y) - y).norm());

    // Rank 2 of 3 columns (the third is a combination of the others): the residual must be the minimal one.
    Eigen::Matrix<double, 6, 3> d = a;
    d.col(2) = 0.5 * d.col(0) - 2.0 * d.col(1);
    // (The minimum is that of the full-rank first two columns. Eigen's ColPivHouseholderQR::solve is not the
    // reference here: in about 1 of 200 such trials it returns ~1e14-sized unknowns with a larger residual.)
    const Eigen::Vector3d xd = small::least_squares<6, 3>(d, b);
    const Eigen::Matrix<double, 6, 2> d2 = d.leftCols<2>();
    const Eigen::Vector2d x2 = d2.colPivHouseholderQr().solve(b);
    CHECK(xd.allFinite());
    CHECK(xd.cwiseEqual(0.0).count() >= 1);  // a basic solution
    worst_deficient = std::max(worst_deficient, std::abs((d * xd - b).norm() - (d2 * x2 - b).norm()));
  }
  INFO("full rank: ", worst_full, ", rank-deficient residual difference: ", worst_deficient);
  CHECK(worst_full < 1e-10);
  CHECK(worst_deficient < 1e-12);
  // All-zero system: zero solution, no division by zero.
  CHECK(small::least_squares<4, 2>(Eigen::Matrix<double, 4, 2>::Zero(), Eigen::Vector4d::Ones()).isZero());
}

TEST_CASE("closest_rotation equals the SVD (Kabsch) solution and is always proper") {
  std::mt19937 rng(5);
  double worst = 0.0;
  for (int trial = 0; trial < 500; ++trial) {
    // k = sum y x^T for y = R x + noise: every kind of cross-covariance, incl. reflections (trial % 4 == 0).
    const Eigen::Matrix3d k = trial % 4 == 0 ? Eigen::Matrix3d(random_matrix<3, 3>(rng))
                                             : Eigen::Matrix3d(Eigen::Quaterniond::UnitRandom().toRotationMatrix() *
                                                               random_psd<3>(rng, 3, 3.0) +
                                                               0.01 * random_matrix<3, 3>(rng));
    const Eigen::Matrix3d r = small::closest_rotation(k);
    const Eigen::JacobiSVD<Eigen::Matrix3d> svd(k, Eigen::ComputeFullU | Eigen::ComputeFullV);
    Eigen::Matrix3d d = Eigen::Matrix3d::Identity();
    if ((svd.matrixU() * svd.matrixV().transpose()).determinant() < 0.0) d(2, 2) = -1.0;
    const Eigen::Matrix3d ref = svd.matrixU() * d * svd.matrixV().transpose();
    CHECK(r.determinant() == doctest::Approx(1.0).epsilon(1e-12));
    CHECK((r.transpose() * k).trace() >= (ref.transpose() * k).trace() - 1e-12 * k.norm());
    worst = std::max(worst, (r - ref).norm());
  }
  INFO("largest difference to the SVD solution: ", worst);
  CHECK(worst < 1e-9);
  // Exact recovery from noise-free point pairs.
  const Eigen::Matrix3d truth = Eigen::AngleAxisd(2.5, Eigen::Vector3d(1, -2, 0.5).normalized()).toRotationMatrix();
  const Eigen::Matrix3d x = random_matrix<3, 3>(rng);
  CHECK((small::closest_rotation(truth * x * x.transpose()) - truth).norm() < 1e-14);
}
