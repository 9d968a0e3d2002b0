// The networks behind the CLI, built once per run (arenas on the heap, reused for every image).
#pragma once

#include <memory>
#include <vector>

#include <facenn/core/status.hpp>
#include <facenn/image/image.hpp>

#include "cli.hpp"

namespace facenn::cli {

class FaceModels {
 public:
  explicit FaceModels(const Options& opt);
  ~FaceModels();
  FaceModels(const FaceModels&) = delete;
  FaceModels& operator=(const FaceModels&) = delete;

  static bool have_detector() noexcept;
  static bool have_facemesh() noexcept;
  static const char* backend_name() noexcept;  // "simd" or "reference"

  // BlazeFace: faces in image pixels, best first (at most --max-faces, score >= --min-score).
  Result<std::vector<FaceRecord>> detect(const Image& img);
  // FaceMesh 468 for a detected face: fills landmarks, landmark_score and roi.
  Status add_facemesh(const Image& img, FaceRecord& face);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int max_faces_ = 5;
};

}  // namespace facenn::cli
