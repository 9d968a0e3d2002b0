// `facenn landmarks --model NAME`: one row per landmark model (landmark_models.cpp). run_landmarks in main.cpp
// only looks the name up here; a new model is a new row (name, summary, run function), its code in its own file.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cli.hpp"

namespace facenn::cli {

struct LandmarkModel {
  const char* name;                 // --model NAME
  const char* summary;              // one line for docs / errors
  int (*run)(const Options& opt);   // runs `landmarks` on opt.images (run_images), returns the exit status
};

// Every model of `facenn landmarks`, the default (facemesh468) first.
std::span<const LandmarkModel> landmark_models() noexcept;

// The row called `name`, or nullptr.
const LandmarkModel* find_landmark_model(std::string_view name) noexcept;

// "facemesh468, landmarks35, ..." for messages.
std::string landmark_model_names();

}  // namespace facenn::cli
