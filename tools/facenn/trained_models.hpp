// `facenn landmarks --model landmarks35_60 | fpenet80`: the landmark networks trained in this repository, behind
// BlazeFace. Each face's crop comes from its detection (models::trained_crop_from_detection, fitted on train68).
//   landmarks35_60        35 points [x, y] (OpenVINO facial-landmarks-35-adas order), int8
//   fpenet80              68 points [x, y] (iBUG order) + "landmark_confidence" per point, int8
//   landmarks35_60_float, fpenet80_float   the same networks with their float reference weights (evaluation)
#pragma once

#include <string_view>

#include "cli.hpp"

namespace facenn::cli {

// Runs `landmarks` with opt.model one of the names above (anything else: usage error).
int run_trained_landmarks(const Options& opt);

}  // namespace facenn::cli
