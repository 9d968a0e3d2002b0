// FaceMeshPipeline: image + ROI (from a detection, or from the previous frame's landmarks) ->
// rotated crop 192x192 (bilinear, replicated border; MediaPipe's CPU sampling, Options) -> FaceMesh ->
// 468 landmarks in image pixels (x, y pixel-centre convention; z in pixels, scaled like x) and the
// face score. Mesh x maps to the ROI's normalized u = x / 192 (MediaPipe's TensorsToLandmarks).
//
//   BasicFaceMesh<Net, Backend> works with any network whose input is SxSx3 (Int8 or Float, RGB in [0, 1])
//   and whose outputs include the mesh (468 * 3 values, x, y, z in input pixels) and a 1-value face
//   flag (a logit by default, as face_landmark.tflite's conv2d_31; set Options::face_flag_is_logit =
//   false for a network that already ends in a sigmoid). Other outputs are ignored.
//   `facenn::FaceMeshPipeline` (below, when the model header is available) binds FaceMesh468Net<Int8>.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include <facenn/core/network.hpp>
#include <facenn/core/status.hpp>
#include <facenn/core/tensor.hpp>
#include <facenn/detection/blazeface.hpp>
#include <facenn/detection/face_roi.hpp>
#include <facenn/image/image.hpp>
#include <facenn/image/point.hpp>
#include <facenn/image/quantize.hpp>
#include <facenn/image/warp.hpp>
#include <facenn/pipeline/network_io.hpp>

namespace facenn {

inline constexpr int kFaceMeshLandmarks = 468;

struct FaceMeshResult {
  std::array<Point3f, kFaceMeshLandmarks> landmarks{};  // image pixels
  float score = 0.0f;                                   // face presence, sigmoid(flag) in [0, 1]
  RotatedRect roi{};                                    // the crop that was used
};

template <class Net, class Backend = kernels::DefaultBackend>
class BasicFaceMesh {
  using in_spec = typename Net::input_spec;
  using in_shape = typename in_spec::shape;
  static_assert(in_shape::h == in_shape::w && in_shape::c == 3,
                "BasicFaceMesh<Net>: the network input must be a square RGB tensor");

 public:
  static constexpr int kInputSize = in_shape::h;
  static constexpr std::size_t kMeshValues = std::size_t{kFaceMeshLandmarks} * 3;

  struct Options {
    detection::RoiOptions roi{};
    PixelNormalization input_range = kPixelsToUnit;  // FaceMesh takes RGB / 255
    bool face_flag_is_logit = true;
    // Crop pixel x samples the ROI at u = (x + crop_sample_offset) / 192 (rect_crop_transform). 0 is
    // MediaPipe's CPU path (OpenCV warp onto the tensor corners), the convention FaceMesh's landmark
    // outputs fit best: NME on ../shared/data/train68 (909 faces, float pipeline) 3.43% with 0 vs 3.58%
    // with the exact half-pixel map 0.5 (whose landmarks sit ~0.75 crop pixel up-left).
    double crop_sample_offset = 0.0;
  };

  struct Arena {
    typename Net::Arena net;
    TensorBuffer<in_spec> input;
    OutputBuffers<Net> outputs;
    alignas(64) std::array<std::uint8_t, in_spec::size> rgb;  // the crop
    alignas(64) std::array<float, kMeshValues> mesh;          // raw mesh, crop pixels
    float flag = 0.0f;
  };

  BasicFaceMesh() noexcept : BasicFaceMesh(Options{}) {}
  explicit BasicFaceMesh(const Options& opt) noexcept : opt_(opt), encode_(opt.input_range) {}

  [[nodiscard]] const Options& options() const noexcept { return opt_; }

  // Crops `roi` into arena.rgb and encodes it into arena.input.
  Status prepare(ImageView image, const RotatedRect& roi, Arena& arena) const noexcept {
    if (!image.valid()) return Status::EmptyImage;
    const Status c = crop_rotated_rect(image, roi, MutableImageView(arena.rgb.data(), kInputSize, kInputSize),
                                       Border::Replicate, opt_.crop_sample_offset);
    if (c != Status::Ok) return c;
    return encode_(arena.rgb, arena.input.view());
  }

  // Reads mesh and flag out of arena.outputs and projects them through `roi` into `out`.
  Status finish(const RotatedRect& roi, FaceMeshResult& out, Arena& arena) const noexcept {
    Status status = Status::Ok;
    int seen_mesh = 0, seen_flag = 0;
    pipeline::for_each_output<Net>(arena.outputs, [&](auto view) {
      using S = typename decltype(view)::spec;
      if constexpr (S::size == kMeshValues) {
        ++seen_mesh;
        const Status s = pipeline::dequantize(view, std::span<float>(arena.mesh));
        if (s != Status::Ok) status = s;
      } else if constexpr (S::size == 1) {
        ++seen_flag;
        const Status s = pipeline::dequantize(view, std::span<float>(&arena.flag, 1));
        if (s != Status::Ok) status = s;
      }
    });
    if (status != Status::Ok) return status;
    if (seen_mesh != 1 || seen_flag != 1) return Status::Unsupported;
    const float f = arena.flag;
    out.score = opt_.face_flag_is_logit ? 1.0f / (1.0f + std::exp(-std::clamp(f, -100.0f, 100.0f))) : f;
    out.roi = roi;
    const detection::MeshProjection project(roi, kInputSize);
    for (std::size_t i = 0; i < out.landmarks.size(); ++i)
      out.landmarks[i] = project(arena.mesh[3 * i], arena.mesh[3 * i + 1], arena.mesh[3 * i + 2]);
    return Status::Ok;
  }

  // Landmarks for the face in `roi`.
  Status estimate(ImageView image, const RotatedRect& roi, FaceMeshResult& out, Arena& arena) const noexcept {
    const Status p = prepare(image, roi, arena);
    if (p != Status::Ok) return p;
    const Status s = Net{}.template infer<Backend>(arena.input.view(), arena.outputs.views(), arena.net.span());
    if (s != Status::Ok) return s;
    return finish(roi, out, arena);
  }

  // Landmarks for a detection (image pixels): ROI from the box and the eye keypoints.
  Status estimate(ImageView image, const detection::Detection& face, FaceMeshResult& out, Arena& arena) const noexcept {
    auto roi = detection::face_roi_from_detection(face, opt_.roi);
    if (!roi) return roi.error().status;
    return estimate(image, *roi, out, arena);
  }

  // Tracking: landmarks for the face whose previous landmarks are `previous`.
  Status track(ImageView image, std::span<const Point3f> previous, FaceMeshResult& out, Arena& arena) const noexcept {
    auto roi = detection::face_roi_from_landmarks(previous, opt_.roi);
    if (!roi) return roi.error().status;
    return estimate(image, *roi, out, arena);
  }

 private:
  Options opt_;
  pipeline::InputEncoder<in_spec> encode_;
};

}  // namespace facenn

#if __has_include(<facenn/models/facemesh468.hpp>)
#include <facenn/models/facemesh468.hpp>
namespace facenn {
// The int8 FaceMesh (468 landmarks) pipeline.
using FaceMeshPipeline = BasicFaceMesh<models::FaceMesh468Net<Int8>>;
// int8 trunk, float output convolutions (no int8 rounding of the mesh): LFPW test NME 3.80% vs 3.90%
// for the all-int8 net (BlazeFace int8 in front of both; float reference 3.77%).
using FaceMeshHybridPipeline = BasicFaceMesh<models::FaceMesh468HybridNet>;
inline constexpr bool kHaveFaceMesh = true;
}  // namespace facenn
#else
namespace facenn {
inline constexpr bool kHaveFaceMesh = false;
}  // namespace facenn
#endif
