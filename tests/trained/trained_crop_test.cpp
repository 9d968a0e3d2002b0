// trained_crop_from_detection (include/facenn/models/trained_crop.hpp) against models/common/detector_crop.py:
// the synthetic detections in models/common/golden/detector_crop_cases_f64.bin (8 inside the training range, 4
// outside it, where the clamps act) give the rectangles numpy computed, to float precision; bad detections give
// error statuses.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include <facenn/models/trained_crop.hpp>

#include "../models/golden_io.hpp"

using namespace facenn;

namespace {
constexpr std::size_t kValuesPerCase = 20;   // box (4), 6 keypoints (12), rect cx, cy, side, rotation (4)

detection::Detection detection_of(const double* v) {
  detection::Detection d;
  d.xmin = static_cast<float>(v[0]);
  d.ymin = static_cast<float>(v[1]);
  d.width = static_cast<float>(v[2]);
  d.height = static_cast<float>(v[3]);
  d.score = 0.9f;
  for (std::size_t k = 0; k < d.keypoints.size(); ++k)
    d.keypoints[k] = {static_cast<float>(v[4 + 2 * k]), static_cast<float>(v[5 + 2 * k])};
  return d;
}
}  // namespace

TEST_CASE("trained crop matches the numpy fit on every golden case") {
  const auto v = test::read_raw<double>(test::model_golden("common", "detector_crop_cases_f64"));
  REQUIRE(v.size() == 12 * kValuesPerCase);
  int clamped_side = 0;
  for (std::size_t c = 0; c < v.size() / kValuesPerCase; ++c) {
    const double* row = v.data() + c * kValuesPerCase;
    const auto r = models::trained_crop_from_detection(detection_of(row));
    REQUIRE(r.has_value());
    const double side = row[18];
    const double cx_err = std::abs(r->cx - row[16]), cy_err = std::abs(r->cy - row[17]);
    const double side_err = std::abs(r->width - side);
    CAPTURE(c);
    CAPTURE(cx_err);
    CAPTURE(cy_err);
    CAPTURE(side_err);
    // inputs were rounded to float here: tolerance 1e-5 of the side (the box is up to 400 px away from 0)
    CHECK(cx_err <= 1e-5 * side + 1e-4);
    CHECK(cy_err <= 1e-5 * side + 1e-4);
    CHECK(side_err <= 1e-5 * side);
    CHECK(r->height == r->width);
    CHECK(r->rotation == 0.0f);
    const double ratio = side / std::max(row[2], row[3]);
    if (ratio < 0.9 + 1e-9 || ratio > 1.7 - 1e-9) ++clamped_side;
  }
  CHECK(clamped_side >= 2);   // the out-of-range cases exercise both side clamps
}

TEST_CASE("trained crop refuses degenerate and non-finite detections") {
  detection::Detection d;
  d.xmin = 10.0f;
  d.ymin = 10.0f;
  d.width = 0.0f;
  d.height = 0.0f;
  CHECK(models::trained_crop_from_detection(d).error().status == Status::Degenerate);
  d.width = std::numeric_limits<float>::quiet_NaN();
  CHECK(models::trained_crop_from_detection(d).error().status == Status::NonFinite);
  d.width = 50.0f;
  d.height = 50.0f;
  d.keypoints[3].y = std::numeric_limits<float>::infinity();
  CHECK(models::trained_crop_from_detection(d).error().status == Status::NonFinite);
  d.keypoints[3].y = 40.0f;
  CHECK(models::trained_crop_from_detection(d).has_value());
}
