// Wiring of the networks into the CLI. Everything model-specific is here, behind __has_include, so the
// tool builds (and reports "not available in this build") before the model headers exist.
#include "face_models.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include <facenn/kernels/simd/backend.hpp>
#include <facenn/pipeline/face_detector.hpp>
#include <facenn/pipeline/face_mesh.hpp>

namespace facenn::cli {

// The optimized kernels when the build targets an ISA they support (tools/CMakeLists.txt: FACENN_CLI_NATIVE),
// the portable reference kernels otherwise. Both give bit-identical results.
#if defined(FACENN_SIMD_ANY)
using Backend = kernels::Simd;
inline constexpr const char* kBackendName = "simd";
#else
using Backend = kernels::Reference;
inline constexpr const char* kBackendName = "reference";
#endif

namespace {
#if __has_include(<facenn/models/blazeface128.hpp>)
using Detector = BasicFaceDetector<models::BlazeFace128Net<Int8>, Backend>;
Detector::Options detector_options(const Options& opt) {
  Detector::Options o;
  o.decode.min_score = opt.min_score;
  return o;
}
#endif
}  // namespace

struct FaceModels::Impl {
  explicit Impl([[maybe_unused]] const Options& opt)
#if __has_include(<facenn/models/blazeface128.hpp>)
      : detector(detector_options(opt))
#endif
  {
  }
#if __has_include(<facenn/models/blazeface128.hpp>)
  Detector detector;
  std::unique_ptr<Detector::Arena> detector_arena = std::make_unique<Detector::Arena>();
#endif
#if __has_include(<facenn/models/facemesh468.hpp>)
  // int8 trunk, float output convs (FaceMeshHybridPipeline): the accuracy docs/models/facemesh468.md states
  using Mesh = BasicFaceMesh<models::FaceMesh468HybridNet, Backend>;
  Mesh mesh{};
  std::unique_ptr<Mesh::Arena> mesh_arena = std::make_unique<Mesh::Arena>();
  FaceMeshResult mesh_result{};
#endif
};

FaceModels::FaceModels(const Options& opt) : impl_(std::make_unique<Impl>(opt)), max_faces_(opt.max_faces) {}
FaceModels::~FaceModels() = default;

bool FaceModels::have_detector() noexcept { return kHaveFaceDetector; }
const char* FaceModels::backend_name() noexcept { return kBackendName; }
bool FaceModels::have_facemesh() noexcept { return kHaveFaceMesh; }

Result<std::vector<FaceRecord>> FaceModels::detect([[maybe_unused]] const Image& img) {
#if __has_include(<facenn/models/blazeface128.hpp>)
  std::array<detection::Detection, 64> found{};
  const std::size_t cap = static_cast<std::size_t>(std::clamp(max_faces_, 0, 64));
  auto n = impl_->detector.detect(img.view(), std::span<detection::Detection>(found.data(), cap), *impl_->detector_arena);
  if (!n) return n.error();
  std::vector<FaceRecord> faces(*n);
  for (std::size_t i = 0; i < *n; ++i) faces[i].detection = found[i];
  return faces;
#else
  return Error{Status::Unsupported, "this build has no BlazeFace model (facenn/models/blazeface128.hpp)"};
#endif
}

Status FaceModels::add_facemesh([[maybe_unused]] const Image& img, [[maybe_unused]] FaceRecord& face) {
#if __has_include(<facenn/models/facemesh468.hpp>)
  FaceMeshResult& r = impl_->mesh_result;
  const Status s = impl_->mesh.estimate(img.view(), face.detection, r, *impl_->mesh_arena);
  if (s != Status::Ok) return s;
  face.landmarks.assign(r.landmarks.begin(), r.landmarks.end());
  face.landmark_score = r.score;
  face.roi = r.roi;
  return Status::Ok;
#else
  return Status::Unsupported;
#endif
}

}  // namespace facenn::cli
