#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include <facenn/geometry/embedding.hpp>

using namespace facenn::geometry;

TEST_CASE("normalise, cosine, L2") {
  std::vector<float> a = {3, 4}, b = {4, 3}, z = {0, 0};
  CHECK(cosine_similarity(a, b) == doctest::Approx(24.0 / 25.0));
  CHECK(euclidean_distance(a, b) == doctest::Approx(std::sqrt(2.0)));
  CHECK(cosine_similarity(a, z) == 0.0);
  CHECK(std::isnan(cosine_similarity(a, std::vector<float>{1, 2, 3})));
  CHECK(l2_normalize(a) == doctest::Approx(5.0));
  CHECK(a[0] == doctest::Approx(0.6f));
  CHECK(l2_norm(a) == doctest::Approx(1.0));
  CHECK(l2_normalize(z) == 0.0);
  CHECK(z[0] == 0.0f);
}

TEST_CASE("gallery: 1:N top-k by cosine and by L2") {
  Gallery g(3);
  REQUIRE(g.add(10, std::vector<float>{1, 0, 0}) == Status::Ok);
  REQUIRE(g.add(11, std::vector<float>{0, 1, 0}) == Status::Ok);
  REQUIRE(g.add(10, std::vector<float>{0.9f, 0.1f, 0}) == Status::Ok);
  REQUIRE(g.add(12, std::vector<float>{0, 0, 2}) == Status::Ok);
  CHECK(g.add(13, std::vector<float>{1, 2}) == Status::InvalidArgument);
  CHECK(g.add(13, std::vector<float>{1, NAN, 0}) == Status::NonFinite);
  CHECK(g.size() == 4);
  std::vector<Match> top(2);
  const std::vector<float> q = {1, 0.05f, 0};
  REQUIRE(g.search(q, top) == 2);
  CHECK(top[0].id == 10);
  CHECK(top[1].id == 10);
  CHECK(top[0].index == 0);  // cos 0.99875 for (1, 0, 0) vs 0.99816 for (0.9, 0.1, 0)
  CHECK(top[1].index == 2);
  CHECK(top[0].score >= top[1].score);
  std::vector<Match> all(10);
  REQUIRE(g.search(q, all, Metric::L2) == 4);
  CHECK(all[0].id == 10);
  CHECK(all[3].id == 12);
  for (int i = 0; i < 3; ++i) CHECK(all[static_cast<std::size_t>(i)].score <= all[static_cast<std::size_t>(i) + 1].score);
  CHECK(g.search(std::vector<float>{1, 0}, all) == 0);
}

TEST_CASE("calibration: separable scores") {
  std::vector<ScoredPair> p = {{0.9, true}, {0.8, true}, {0.7, true}, {0.6, false}, {0.5, false}};
  const Calibration c = calibrate(p, ScoreOrder::HigherIsSame);
  REQUIRE(c.status == Status::Ok);
  CHECK(c.auc == 1.0);
  CHECK(c.eer == 0.0);
  CHECK(c.best_accuracy == 1.0);
  CHECK(c.best_threshold == doctest::Approx(0.65));
  // the same as distances (lower = same)
  std::vector<ScoredPair> d = {{0.1, true}, {0.2, true}, {0.3, true}, {0.4, false}, {0.5, false}};
  const Calibration cd = calibrate(d, ScoreOrder::LowerIsSame);
  CHECK(cd.auc == 1.0);
  CHECK(cd.best_threshold == doctest::Approx(0.35));
}

TEST_CASE("calibration: overlapping scores with hand-computed answers") {
  // positives 0.9 0.6 0.4, negatives 0.7 0.3 0.2: 7 of 9 (pos, neg) pairs ordered right
  std::vector<ScoredPair> p = {{0.9, true}, {0.6, true}, {0.4, true}, {0.7, false}, {0.3, false}, {0.2, false}};
  const Calibration c = calibrate(p, ScoreOrder::HigherIsSame);
  REQUIRE(c.status == Status::Ok);
  CHECK(c.auc == doctest::Approx(7.0 / 9.0));
  // ROC: (0,0) .9:(0,1/3) .7:(1/3,1/3) .6:(1/3,2/3) .4:(1/3,1) ...; FPR = FNR = 1/3 at threshold 0.7..0.6
  CHECK(c.eer == doctest::Approx(1.0 / 3.0));
  CHECK(c.best_accuracy == doctest::Approx(5.0 / 6.0));  // accept >= 0.4: TP 3, FP 1
  CHECK(c.best_threshold == doctest::Approx(0.35));
  // ties count half
  std::vector<ScoredPair> t = {{0.5, true}, {0.5, false}};
  CHECK(calibrate(t, ScoreOrder::HigherIsSame).auc == doctest::Approx(0.5));
  std::vector<RocPoint> roc(10);
  CHECK(roc_curve(p, ScoreOrder::HigherIsSame, roc) == 7);
  CHECK(roc[0].tpr == 0.0);
  CHECK(roc[6].tpr == 1.0);
  CHECK(roc[6].fpr == 1.0);
}

TEST_CASE("calibration: Gaussian scores match the theory") {
  // same ~ N(1, 1), different ~ N(0, 1): AUC = Phi(1/sqrt 2), EER = Phi(-1/2) at 0.5, best accuracy Phi(1/2)
  std::mt19937 rng(1);
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<ScoredPair> p;
  for (int i = 0; i < 100000; ++i) {
    p.push_back({1.0 + n(rng), true});
    p.push_back({n(rng), false});
  }
  const auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const Calibration c = calibrate(p, ScoreOrder::HigherIsSame);
  CHECK(c.auc == doctest::Approx(phi(1.0 / std::sqrt(2.0))).epsilon(0.005));
  CHECK(c.eer == doctest::Approx(phi(-0.5)).epsilon(0.01));
  CHECK(c.eer_threshold == doctest::Approx(0.5).epsilon(0.03));
  CHECK(c.best_accuracy == doctest::Approx(phi(0.5)).epsilon(0.005));
  CHECK(std::abs(c.best_threshold - 0.5) < 0.05);
}

TEST_CASE("calibration statuses") {
  std::vector<ScoredPair> only_same = {{0.1, true}, {0.2, true}};
  CHECK(calibrate(only_same, ScoreOrder::HigherIsSame).status == Status::InvalidArgument);
  std::vector<ScoredPair> nan = {{NAN, true}, {0.2, false}};
  CHECK(calibrate(nan, ScoreOrder::HigherIsSame).status == Status::NonFinite);
}
