// BlazeFace short-range post-processing, as MediaPipe's face_detection_short_range graph does it:
// TensorsToDetectionsCalculator (anchor decoding, sigmoid scores clipped at +-100, min score 0.5,
// negative sizes dropped), NonMaxSuppressionCalculator (WEIGHTED, IoU > 0.3) and
// DetectionLetterboxRemovalCalculator (normalized letterbox coordinates -> image pixels).
//
// Input: the four raw heads, dequantized to float, before the network's reshape/concat:
//   scores_16  16x16x2   regressors_16  16x16x32   scores_8  8x8x6   regressors_8  8x8x96   (NHWC)
// Anchor i < 512 reads scores_16[i] and regressors_16[16 i .. 16 i + 15]; anchor 512 + j reads
// scores_8[j] and regressors_8[16 j ..]. The 16 regressor values are x, y, w, h, then (x, y) of the
// 6 keypoints (right eye, left eye, nose tip, mouth, right ear tragion, left ear tragion — "right" being
// the subject's, i.e. image-left), all in input pixels relative to the anchor:
//   x_center = x / 128 * anchor.w + anchor.x,  w = w / 128 * anchor.w   (likewise y, h, keypoints).
//
// Heap-free: the candidate list lives in a caller-owned BlazeFaceScratch.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include <facenn/core/status.hpp>
#include <facenn/detection/anchors.hpp>
#include <facenn/image/point.hpp>
#include <facenn/image/warp.hpp>

namespace facenn::detection {

inline constexpr int kBlazeFaceKeypoints = 6;
inline constexpr int kBlazeFaceCoords = 4 + 2 * kBlazeFaceKeypoints;  // 16 values per anchor

enum BlazeFaceKeypoint : int {
  kRightEye = 0,  // subject's right eye: image-left in an upright, unmirrored photo
  kLeftEye = 1,
  kNoseTip = 2,
  kMouth = 3,
  kRightEarTragion = 4,
  kLeftEarTragion = 5,
};

// A detected face. Coordinates are either normalized network-input coordinates ([0, 1] over the
// letterboxed square, edges) — what decode_blazeface returns — or image pixels (pixel-centre
// convention) after remove_letterbox.
struct Detection {
  float xmin = 0.0f;
  float ymin = 0.0f;
  float width = 0.0f;
  float height = 0.0f;
  float score = 0.0f;
  std::array<Point2f, kBlazeFaceKeypoints> keypoints{};

  [[nodiscard]] constexpr float xmax() const noexcept { return xmin + width; }
  [[nodiscard]] constexpr float ymax() const noexcept { return ymin + height; }
  [[nodiscard]] constexpr Point2f center() const noexcept {
    return {xmin + 0.5f * width, ymin + 0.5f * height};
  }
};

// Intersection over union of two boxes (0 when they do not overlap or a box is degenerate), as
// MediaPipe's OverlapSimilarity(INTERSECTION_OVER_UNION).
constexpr float iou(const Detection& a, const Detection& b) noexcept {
  const float ix0 = std::max(a.xmin, b.xmin), iy0 = std::max(a.ymin, b.ymin);
  const float ix1 = std::min(a.xmax(), b.xmax()), iy1 = std::min(a.ymax(), b.ymax());
  if (!(ix1 > ix0 && iy1 > iy0)) return 0.0f;
  const float inter = (ix1 - ix0) * (iy1 - iy0);
  const float uni = a.width * a.height + b.width * b.height - inter;
  return uni > 0.0f ? inter / uni : 0.0f;
}

struct BlazeFaceRawOutputs {
  std::span<const float> scores_16;      // 16 * 16 * 2 = 512
  std::span<const float> regressors_16;  // 16 * 16 * 32 = 8192
  std::span<const float> scores_8;       // 8 * 8 * 6 = 384
  std::span<const float> regressors_8;   // 8 * 8 * 96 = 6144
};

struct BlazeFaceOptions {
  float min_score = 0.5f;           // keep sigmoid(score) >= min_score
  float score_clip = 100.0f;        // raw logits clipped to [-clip, clip] before the sigmoid
  float iou_threshold = 0.3f;       // weighted NMS merges boxes with IoU > threshold
  float input_size = 128.0f;        // x/y/w/h scale of the regressors
  bool weighted_nms = true;         // false: plain NMS (keep the top box, drop its overlaps)
};

// Working memory for decode_blazeface (about 70 KB): put it in an arena, not on a small stack.
struct BlazeFaceScratch {
  std::array<Detection, kBlazeFaceShortRangeAnchors> candidates{};
  std::array<std::uint16_t, kBlazeFaceShortRangeAnchors> order{};
  std::array<std::uint16_t, kBlazeFaceShortRangeAnchors> rest{};
};

namespace detail {
inline float sigmoid_clipped(float x, float clip) noexcept {
  const float c = std::clamp(x, -clip, clip);
  return 1.0f / (1.0f + std::exp(-c));
}
}  // namespace detail

// Anchor decoding of all candidates with score >= min_score (normalized coordinates), in anchor order.
// Returns the number written to scratch.candidates.
inline Result<std::size_t> decode_blazeface_candidates(const BlazeFaceRawOutputs& raw, BlazeFaceScratch& scratch,
                                                       const BlazeFaceOptions& opt = {}) noexcept {
  constexpr std::size_t n16 = 16 * 16 * 2, n8 = 8 * 8 * 6;
  if (raw.scores_16.size() != n16 || raw.scores_8.size() != n8 ||
      raw.regressors_16.size() != n16 * kBlazeFaceCoords || raw.regressors_8.size() != n8 * kBlazeFaceCoords)
    return Error{Status::InvalidArgument, "decode_blazeface: head sizes must be 512, 8192, 384, 6144"};
  if (!(opt.input_size > 0.0f) || !(opt.score_clip > 0.0f))
    return Error{Status::InvalidArgument, "decode_blazeface: input_size and score_clip must be positive"};
  std::size_t count = 0;
  const float inv = 1.0f / opt.input_size;
  for (std::size_t i = 0; i < kBlazeFaceShortRangeAnchors; ++i) {
    const bool first = i < n16;
    const float logit = first ? raw.scores_16[i] : raw.scores_8[i - n16];
    if (std::isnan(logit)) continue;
    const float score = detail::sigmoid_clipped(logit, opt.score_clip);
    if (!(score >= opt.min_score)) continue;
    const float* r = first ? raw.regressors_16.data() + i * kBlazeFaceCoords
                           : raw.regressors_8.data() + (i - n16) * kBlazeFaceCoords;
    const Anchor& a = kBlazeFaceShortRangeAnchorTable[i];
    const float xc = r[0] * inv * a.width + a.x_center;
    const float yc = r[1] * inv * a.height + a.y_center;
    const float w = r[2] * inv * a.width;
    const float h = r[3] * inv * a.height;
    if (!(w >= 0.0f && h >= 0.0f) || !std::isfinite(xc) || !std::isfinite(yc) || !std::isfinite(w) ||
        !std::isfinite(h))
      continue;  // MediaPipe drops negative / NaN sizes
    Detection d;
    d.xmin = xc - 0.5f * w;
    d.ymin = yc - 0.5f * h;
    d.width = w;
    d.height = h;
    d.score = score;
    bool finite = true;
    for (int k = 0; k < kBlazeFaceKeypoints; ++k) {
      d.keypoints[static_cast<std::size_t>(k)] = Point2f{r[4 + 2 * k] * inv * a.width + a.x_center,
                                                         r[5 + 2 * k] * inv * a.height + a.y_center};
      finite = finite && std::isfinite(d.keypoints[static_cast<std::size_t>(k)].x) &&
               std::isfinite(d.keypoints[static_cast<std::size_t>(k)].y);
    }
    if (!finite) continue;
    scratch.candidates[count++] = d;
  }
  return count;
}

// MediaPipe's weighted non-maximum suppression over scratch.candidates[0, n): repeatedly take the
// highest-scoring remaining box, gather every remaining box with IoU > threshold against it (itself
// included), and output the score-weighted mean of their boxes (as xmin, ymin, xmax, ymax) and
// keypoints with the top box's score. Ties in score keep the lower anchor index first.
// Writes at most out.size() detections, best first; returns how many.
inline std::size_t weighted_nms(BlazeFaceScratch& scratch, std::size_t n, std::span<Detection> out,
                                const BlazeFaceOptions& opt = {}) noexcept {
  n = std::min(n, scratch.candidates.size());
  for (std::size_t i = 0; i < n; ++i) scratch.order[i] = static_cast<std::uint16_t>(i);
  const auto& cand = scratch.candidates;
  std::sort(scratch.order.begin(), scratch.order.begin() + static_cast<std::ptrdiff_t>(n),
            [&cand](std::uint16_t a, std::uint16_t b) {
              return cand[a].score > cand[b].score || (cand[a].score == cand[b].score && a < b);
            });
  std::size_t remaining = n, written = 0;
  while (remaining > 0 && written < out.size()) {
    const Detection& top = cand[scratch.order[0]];
    Detection merged = top;
    float total = 0.0f, wx0 = 0.0f, wy0 = 0.0f, wx1 = 0.0f, wy1 = 0.0f;
    std::array<Point2f, kBlazeFaceKeypoints> wk{};
    std::size_t kept = 0;
    for (std::size_t j = 0; j < remaining; ++j) {
      const std::uint16_t idx = scratch.order[j];
      const Detection& d = cand[idx];
      if (iou(d, top) > opt.iou_threshold) {
        const float s = d.score;
        total += s;
        wx0 += d.xmin * s;
        wy0 += d.ymin * s;
        wx1 += (d.xmin + d.width) * s;
        wy1 += (d.ymin + d.height) * s;
        for (std::size_t k = 0; k < wk.size(); ++k) {
          wk[k].x += d.keypoints[k].x * s;
          wk[k].y += d.keypoints[k].y * s;
        }
      } else if (j != 0) {
        scratch.rest[kept++] = idx;
      }
    }
    // The top box always overlaps itself unless it is degenerate (zero area): then it stands alone.
    if (opt.weighted_nms && total > 0.0f) {
      merged.xmin = wx0 / total;
      merged.ymin = wy0 / total;
      merged.width = (wx1 - wx0) / total;
      merged.height = (wy1 - wy0) / total;
      for (std::size_t k = 0; k < wk.size(); ++k) merged.keypoints[k] = {wk[k].x / total, wk[k].y / total};
    }
    out[written++] = merged;
    for (std::size_t j = 0; j < kept; ++j) scratch.order[j] = scratch.rest[j];
    remaining = kept;
  }
  return written;
}

// Decoding + NMS: detections in normalized network-input coordinates, best first.
inline Result<std::size_t> decode_blazeface(const BlazeFaceRawOutputs& raw, std::span<Detection> out,
                                            BlazeFaceScratch& scratch, const BlazeFaceOptions& opt = {}) noexcept {
  auto n = decode_blazeface_candidates(raw, scratch, opt);
  if (!n) return n.error();
  return weighted_nms(scratch, *n, out, opt);
}

// Normalized letterboxed coordinates -> image pixels (pixel-centre convention).
constexpr Detection remove_letterbox(const Detection& d, const Letterbox& lb) noexcept {
  const Affine2x3 m = lb.normalized_to_image();
  Detection o = d;
  const Point2f p0 = m.apply(Point2f{d.xmin, d.ymin});
  o.xmin = p0.x;
  o.ymin = p0.y;
  o.width = lb.normalized_length(d.width);
  o.height = lb.normalized_length(d.height);
  for (std::size_t k = 0; k < o.keypoints.size(); ++k) o.keypoints[k] = m.apply(d.keypoints[k]);
  return o;
}

}  // namespace facenn::detection
