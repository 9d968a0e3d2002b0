// The landmark models of `facenn landmarks` (docs/cli.md), all behind BlazeFace:
//   facemesh468            468 points [x, y, z] (FaceMesh, int8 trunk + float heads; FaceModels)
//   landmarks35            35 points [x, y] in OpenVINO facial-landmarks-35-adas order, FaceMesh vertices
//                          (facenn/landmarks35.hpp)
//   landmarks68[_tiny]     68 points [x, y] (face-api nets, int8) from face-api's crop of the BlazeFace box
//                          (facenn/landmarks68.hpp), plus "landmark_disagreement" per point (mirrored pass)
//   landmarks68[_tiny]_float   the same nets with face-api's float weights (evaluation)
//   landmarks35_60[_float], fpenet80[_float]   the networks trained here (trained_models.cpp)
#include "landmark_models.hpp"

#include <memory>
#include <vector>

#include <facenn/kernels/simd/backend.hpp>
#include <facenn/landmarks35.hpp>
#include <facenn/landmarks68.hpp>

#include "face_models.hpp"
#include "trained_models.hpp"

namespace facenn::cli {
namespace {

// as face_models.cpp: the SIMD kernels when the build targets an ISA they support (bit-identical results)
#if defined(FACENN_SIMD_ANY)
using Backend = kernels::Simd;
#else
using Backend = kernels::Reference;
#endif

// BlazeFace -> FaceMesh (the CLI's original landmarks path).
int run_facemesh468(const Options& opt) {
  FaceModels models(opt);
  return run_images(opt, [&models](const Image& img) -> Result<std::vector<FaceRecord>> {
    auto faces = models.detect(img);
    if (!faces) return faces;
    for (FaceRecord& f : *faces) {
      const Status s = models.add_facemesh(img, f);
      if (s == Status::Unsupported) return Error{s, "this build has no FaceMesh model (facenn/models/facemesh468.hpp)"};
      if (s != Status::Ok) return Error{s, "FaceMesh failed"};
    }
    return faces;
  });
}

int run_landmarks35(const Options& opt) {
  using Net = BasicLandmarks35<models::FaceMesh468HybridNet, Backend>;
  FaceModels models(opt);
  auto arena = std::make_unique<typename Net::Arena>();
  const Net net;
  return run_images(opt, [&](const Image& img) -> Result<std::vector<FaceRecord>> {
    auto faces = models.detect(img);
    if (!faces) return faces;
    for (FaceRecord& f : *faces) {
      auto r = net.run(img.view(), f.detection, *arena);
      if (!r) return r.error();
      f.landmarks.clear();
      for (const Point2f& p : r->points) f.landmarks.push_back({p.x, p.y, 0.0f});
      f.landmarks_2d = true;
      f.landmark_score = r->score;
      f.roi = r->roi;
    }
    return faces;
  });
}

// face-api's nets on face-api's crop of each BlazeFace box; the mirrored pass always runs (the nets take 1-4 ms)
// and gives "landmark_disagreement".
template <class Net>
int run_landmarks68(const Options& opt) {
  using Pipeline = BasicLandmarks68<Net, Backend>;
  typename Pipeline::Options po;
  po.mirrored_pass = true;
  const Pipeline net(po);
  FaceModels models(opt);
  auto arena = std::make_unique<typename Pipeline::Arena>();
  return run_images(opt, [&](const Image& img) -> Result<std::vector<FaceRecord>> {
    auto faces = models.detect(img);
    if (!faces) return faces;
    for (FaceRecord& f : *faces) {
      auto r = net.run(img.view(), f.detection, *arena);
      if (!r) return r.error();
      f.landmarks.clear();
      for (const Point2f& p : r->points) f.landmarks.push_back({p.x, p.y, 0.0f});
      f.landmarks_2d = true;
      f.landmark_disagreement.assign(r->disagreement.begin(), r->disagreement.end());
      const FaceBox& c = r->crop;
      f.roi = RotatedRect{c.x + 0.5f * c.width, c.y + 0.5f * c.height, c.width, c.height, 0.0f};
    }
    return faces;
  });
}

constexpr LandmarkModel kLandmarkModels[] = {
    {"facemesh468", "468 points [x, y, z] (MediaPipe FaceMesh)", run_facemesh468},
    {"landmarks35", "35 points [x, y], OpenVINO facial-landmarks-35-adas order, from FaceMesh", run_landmarks35},
    {"landmarks68", "68 points [x, y] (face-api, int8) + landmark_disagreement", run_landmarks68<models::Landmarks68Net<Int8>>},
    {"landmarks68_tiny", "68 points [x, y] (face-api tiny, int8) + landmark_disagreement",
     run_landmarks68<models::Landmarks68TinyNet<Int8>>},
    {"landmarks68_float", "landmarks68 with face-api's float weights", run_landmarks68<models::Landmarks68Net<Float>>},
    {"landmarks68_tiny_float", "landmarks68_tiny with face-api's float weights",
     run_landmarks68<models::Landmarks68TinyNet<Float>>},
    {"landmarks35_60", "35 points [x, y], OpenVINO order, 60x60 net trained here (int8)", run_trained_landmarks},
    {"landmarks35_60_float", "landmarks35_60 with its float reference weights", run_trained_landmarks},
    {"fpenet80", "68 points [x, y] + landmark_confidence, 80x80 heatmap net trained here (int8)", run_trained_landmarks},
    {"fpenet80_float", "fpenet80 with its float reference weights", run_trained_landmarks},
};

}  // namespace

std::span<const LandmarkModel> landmark_models() noexcept { return kLandmarkModels; }

const LandmarkModel* find_landmark_model(std::string_view name) noexcept {
  for (const LandmarkModel& m : kLandmarkModels)
    if (name == m.name) return &m;
  return nullptr;
}

std::string landmark_model_names() {
  std::string s;
  for (const LandmarkModel& m : kLandmarkModels) {
    if (!s.empty()) s += ", ";
    s += m.name;
  }
  return s;
}

}  // namespace facenn::cli
