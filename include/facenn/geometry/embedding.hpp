// facenn geometry: face embedding utilities — normalisation, similarity, a gallery with 1:N search, and
// threshold calibration from labelled pairs (ROC, AUC, EER, best-accuracy threshold).
//
// Scores: cosine similarity (higher = same person) or Euclidean (L2) distance (lower = same), the two
// metrics of ../shared/eval/score_verification.py. Sums are accumulated in double.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include <facenn/geometry/status.hpp>

namespace facenn::geometry {

inline double dot(std::span<const float> a, std::span<const float> b) noexcept {
  double s = 0.0;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

inline double l2_norm(std::span<const float> a) noexcept { return std::sqrt(dot(a, a)); }

// Scales v to unit length in place; returns its original norm. A zero (or non-finite) vector is left as is.
inline double l2_normalize(std::span<float> v) noexcept {
  const double n = l2_norm(v);
  if (n > 0.0 && std::isfinite(n)) {
    for (float& x : v) x = static_cast<float>(x / n);
  }
  return n;
}

// Cosine similarity in [-1, 1]; 0 if either vector is zero. Sizes must match (else NaN).
inline double cosine_similarity(std::span<const float> a, std::span<const float> b) noexcept {
  if (a.size() != b.size()) return std::numeric_limits<double>::quiet_NaN();
  const double na = l2_norm(a), nb = l2_norm(b);
  return na > 0.0 && nb > 0.0 ? dot(a, b) / (na * nb) : 0.0;
}

// Euclidean distance; sizes must match (else NaN).
inline double euclidean_distance(std::span<const float> a, std::span<const float> b) noexcept {
  if (a.size() != b.size()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    s += d * d;
  }
  return std::sqrt(s);
}

enum class Metric : std::uint8_t { Cosine, L2 };

struct Match {
  std::int64_t id = -1;     // the caller's identity label
  std::size_t index = 0;    // position of the embedding in the gallery
  double score = 0.0;       // cosine similarity (Metric::Cosine) or L2 distance (Metric::L2)
};

// Embeddings of known faces (several per identity allowed) with exhaustive 1:N search. Storage grows with
// add() (the only allocating call); search() does not allocate.
class Gallery {
 public:
  explicit Gallery(std::size_t dim) : dim_(dim) {}

  // Adds a copy of `embedding` (as given: normalise first if the metric wants unit vectors).
  Status add(std::int64_t id, std::span<const float> embedding) {
    if (embedding.size() != dim_ || dim_ == 0) return Status::InvalidArgument;
    for (float x : embedding) {
      if (!std::isfinite(x)) return Status::NonFinite;
    }
    data_.insert(data_.end(), embedding.begin(), embedding.end());
    ids_.push_back(id);
    norms_.push_back(l2_norm(embedding));
    return Status::Ok;
  }

  std::size_t size() const noexcept { return ids_.size(); }
  std::size_t dim() const noexcept { return dim_; }
  std::int64_t id(std::size_t i) const noexcept { return ids_[i]; }
  std::span<const float> embedding(std::size_t i) const noexcept { return {data_.data() + i * dim_, dim_}; }
  void clear() noexcept {
    data_.clear();
    ids_.clear();
    norms_.clear();
  }

  // The best min(out.size(), size()) matches of `query`, best first (highest cosine / lowest L2; ties by
  // index). Returns how many were written; 0 if the query's size is wrong.
  std::size_t search(std::span<const float> query, std::span<Match> out, Metric metric = Metric::Cosine) const noexcept {
    if (query.size() != dim_ || out.empty()) return 0;
    const double qn = l2_norm(query);
    std::size_t filled = 0;
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      const auto e = embedding(i);
      const double score = metric == Metric::Cosine
                               ? (qn > 0.0 && norms_[i] > 0.0 ? dot(query, e) / (qn * norms_[i]) : 0.0)
                               : euclidean_distance(query, e);
      const auto better = [metric](double a, double b) { return metric == Metric::Cosine ? a > b : a < b; };
      if (filled == out.size() && !better(score, out[filled - 1].score)) continue;
      // insertion into the sorted prefix
      std::size_t pos = filled < out.size() ? filled++ : filled - 1;
      while (pos > 0 && better(score, out[pos - 1].score)) {
        out[pos] = out[pos - 1];
        --pos;
      }
      out[pos] = Match{ids_[i], i, score};
    }
    return filled;
  }

 private:
  std::size_t dim_;
  std::vector<float> data_;
  std::vector<std::int64_t> ids_;
  std::vector<double> norms_;
};

// ---- threshold calibration ---------------------------------------------------------------------------------
struct ScoredPair {
  double score = 0.0;
  bool same = false;  // the two faces are the same person
};

enum class ScoreOrder : std::uint8_t { HigherIsSame, LowerIsSame };  // cosine: HigherIsSame; L2: LowerIsSame

// Decision rule everywhere: "same" when score >= threshold (HigherIsSame) or score <= threshold (LowerIsSame).
struct RocPoint {
  double threshold = 0.0;
  double tpr = 0.0;  // same pairs accepted / same pairs
  double fpr = 0.0;  // different pairs accepted / different pairs
};

struct Calibration {
  Status status = Status::InvalidArgument;
  std::size_t positives = 0, negatives = 0;
  double auc = 0.0;              // area under the ROC curve (ties count half)
  double eer = 0.0;              // equal error rate: where FPR = FNR on the linearly interpolated ROC
  double eer_threshold = 0.0;    // threshold there (interpolated between the neighbouring scores)
  double best_accuracy = 0.0;    // highest (TP + TN) / N over all thresholds
  double best_threshold = 0.0;   // midway between the two scores that bracket the best cut
};

namespace detail::calib {
// key: larger = more "same"
inline double key(double score, ScoreOrder o) noexcept { return o == ScoreOrder::HigherIsSame ? score : -score; }
inline double unkey(double k, ScoreOrder o) noexcept { return o == ScoreOrder::HigherIsSame ? k : -k; }
}  // namespace detail::calib

// The ROC curve: one point per distinct score (plus the "accept nothing" start at threshold +-inf), in
// order of increasing FPR. Writes min(out.size(), points) points and returns the number of points the full
// curve has. `pairs` is reordered (sorted by decreasing "sameness"); no allocation.
inline std::size_t roc_curve(std::span<ScoredPair> pairs, ScoreOrder order, std::span<RocPoint> out) noexcept {
  using detail::calib::key;
  std::sort(pairs.begin(), pairs.end(),
            [order](const ScoredPair& a, const ScoredPair& b) { return key(a.score, order) > key(b.score, order); });
  std::size_t pos = 0, neg = 0;
  for (const auto& p : pairs) (p.same ? pos : neg) += 1;
  const double ip = pos ? 1.0 / static_cast<double>(pos) : 0.0, in = neg ? 1.0 / static_cast<double>(neg) : 0.0;
  std::size_t written = 0, count = 0;
  auto emit = [&](double threshold, std::size_t tp, std::size_t fp) {
    if (written < out.size()) out[written++] = RocPoint{threshold, static_cast<double>(tp) * ip, static_cast<double>(fp) * in};
    ++count;
  };
  emit(order == ScoreOrder::HigherIsSame ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity(),
       0, 0);
  std::size_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < pairs.size();) {
    const double k = key(pairs[i].score, order);
    for (; i < pairs.size() && key(pairs[i].score, order) == k; ++i) (pairs[i].same ? tp : fp) += 1;
    emit(pairs[i - 1].score, tp, fp);
  }
  return count;
}

// AUC, EER and the best-accuracy threshold of labelled scores. `pairs` is reordered; no allocation.
// Status: InvalidArgument if there is no same pair or no different pair, NonFinite for a NaN/inf score.
inline Calibration calibrate(std::span<ScoredPair> pairs, ScoreOrder order) noexcept {
  using detail::calib::key;
  using detail::calib::unkey;
  Calibration c;
  for (const auto& p : pairs) {
    if (!std::isfinite(p.score)) {
      c.status = Status::NonFinite;
      return c;
    }
    (p.same ? c.positives : c.negatives) += 1;
  }
  if (c.positives == 0 || c.negatives == 0) return c;
  roc_curve(pairs, order, {});  // sorts
  const double P = static_cast<double>(c.positives), N = static_cast<double>(c.negatives);

  // Walk the distinct scores from the most to the least "same"; after group g, TP / FP accepted.
  double tpr0 = 0.0, fpr0 = 0.0, k0 = std::numeric_limits<double>::infinity();
  std::size_t tp = 0, fp = 0;
  bool eer_found = false;
  c.best_accuracy = N / (P + N);  // accept nothing
  c.best_threshold = unkey(std::nextafter(key(pairs[0].score, order), std::numeric_limits<double>::infinity()), order);
  for (std::size_t i = 0; i < pairs.size();) {
    const double k = key(pairs[i].score, order);
    for (; i < pairs.size() && key(pairs[i].score, order) == k; ++i) (pairs[i].same ? tp : fp) += 1;
    const double tpr = static_cast<double>(tp) / P, fpr = static_cast<double>(fp) / N;
    c.auc += (fpr - fpr0) * 0.5 * (tpr + tpr0);
    // EER: first crossing of FPR - FNR from below 0 to >= 0, interpolated linearly along the ROC segment.
    if (!eer_found && fpr - (1.0 - tpr) >= 0.0) {
      const double d0 = fpr0 - (1.0 - tpr0), d1 = fpr - (1.0 - tpr);
      const double s = d1 > d0 ? -d0 / (d1 - d0) : 1.0;  // d0 < 0 <= d1
      c.eer = fpr0 + s * (fpr - fpr0);
      c.eer_threshold = unkey(std::isfinite(k0) ? k0 + s * (k - k0) : k, order);
      eer_found = true;
    }
    const double acc = (static_cast<double>(tp) + (N - static_cast<double>(fp))) / (P + N);
    if (acc > c.best_accuracy) {
      c.best_accuracy = acc;
      const double next = i < pairs.size() ? key(pairs[i].score, order) : k;
      c.best_threshold = unkey(0.5 * (k + next), order);
    }
    tpr0 = tpr;
    fpr0 = fpr;
    k0 = k;
  }
  c.status = Status::Ok;
  return c;
}

}  // namespace facenn::geometry
