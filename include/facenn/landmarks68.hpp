// facenn::Landmarks68 / Landmarks68Tiny — face-api's 68-point landmark nets (iBUG 300-W order) from an image
// and a face box, with face-api's own crop, plus an optional per-point stability score.
//
//   #include <facenn/landmarks68.hpp>
//   static facenn::Landmarks68::Arena arena;                          // compile-time size
//   auto r = facenn::Landmarks68{}.run(image.view(), face_box, arena); // BlazeFace-style face box, image px
//   r->points[36];                                                     // image-left eye, outer corner
//
// Crop (docs/models/landmarks68.md): face-api feeds its 68-point nets the box of its own detectors, floored,
// clipped, zero-padded to a square and resized to 112 (landmarks/faceapi_crop.hpp). Its detectors' boxes are
// larger than BlazeFace's, so a BlazeFace box is first mapped to a square of side 1.3 * max(w, h) whose centre
// is 0.125 h below the box centre (Options; the sweep in ../shared/peers/REFERENCE.md: 1.25-1.35 x 0.10-0.15
// all within 0.07 % NME on LFPW, the plain box 1 % worse). run_on_box() skips the mapping (a face-api box),
// run(face_crop) takes a whole image as the box.
//
// Stability (Options::mirrored_pass): the net also runs on the horizontally mirrored crop; its points, flipped
// back and re-indexed with the 68-point mirror map (landmarks::kPoints68Mirror), are compared with the direct
// pass. disagreement[i] = |p_i - p'_i| / |p_36 - p_45| (direct pass, outer eye corners): the same unit as NME,
// 0 = both passes agree. docs/models/landmarks68.md states what it predicts on LFPW.
//
// No exceptions, no allocation: everything lives in the caller's Arena.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include <facenn/core/network.hpp>
#include <facenn/core/status.hpp>
#include <facenn/core/tensor.hpp>
#include <facenn/detection/blazeface.hpp>
#include <facenn/image/image.hpp>
#include <facenn/image/point.hpp>
#include <facenn/landmarks/face_box.hpp>
#include <facenn/landmarks/faceapi_crop.hpp>
#include <facenn/landmarks/schemes.hpp>
#include <facenn/models/landmarks68.hpp>
#include <facenn/models/landmarks68_tiny.hpp>
#include <facenn/pipeline/network_io.hpp>

namespace facenn {

inline constexpr std::size_t kLandmarks68Points = landmarks::kPoints68;

struct Landmarks68Result {
  std::array<Point2f, kLandmarks68Points> points{};  // image pixels (pixel-centre convention), iBUG order
  FaceBox crop{};                                    // the padded square the net saw, image pixels
  bool has_disagreement = false;                     // Options::mirrored_pass was set
  std::array<Point2f, kLandmarks68Points> mirrored{};     // the mirrored pass, flipped back and re-indexed
  std::array<float, kLandmarks68Points> disagreement{};  // |points[i] - mirrored[i]| / outer-eye distance
};

template <class Net, class Backend = kernels::DefaultBackend>
class BasicLandmarks68 {
  using in_spec = typename Net::input_spec;
  using in_shape = typename in_spec::shape;
  static_assert(in_shape::h == in_shape::w && in_shape::c == 3, "BasicLandmarks68: square RGB input");

 public:
  static constexpr int kInputSize = in_shape::h;
  static constexpr std::size_t kOutputs = 2 * kLandmarks68Points;

  struct Options {
    float crop_scale = 1.3f;      // face box -> square of side crop_scale * max(w, h) ...
    float crop_shift = 0.125f;    // ... centred crop_shift * h below the box centre
    int min_image_side = 8;       // smaller images are refused
    bool mirrored_pass = false;   // also run the mirrored crop: fills mirrored / disagreement (2x the time)
  };

  struct Arena {
    typename Net::Arena net;
    TensorBuffer<in_spec> input;
    OutputBuffers<Net> outputs;
    alignas(64) std::array<float, in_spec::size> crop;  // face-api's crop, RGB 0..255
    alignas(64) std::array<float, kOutputs> raw;        // net output, 0..1 of the crop
  };
  static constexpr std::size_t arena_bytes = sizeof(Arena);

  BasicLandmarks68() noexcept : BasicLandmarks68(Options{}) {}
  explicit BasicLandmarks68(const Options& opt) noexcept : opt_(opt) {}

  [[nodiscard]] const Options& options() const noexcept { return opt_; }

  // The square face-api crop for a BlazeFace-style face box (image pixels).
  [[nodiscard]] FaceBox crop_box(const FaceBox& face) const noexcept {
    const float side = opt_.crop_scale * std::max(face.width, face.height);
    const float cx = face.x + 0.5f * face.width;
    const float cy = face.y + 0.5f * face.height + opt_.crop_shift * face.height;
    return {cx - 0.5f * side, cy - 0.5f * side, side, side};
  }

  // 68 points for the face in `face` (a detector box, mapped by crop_box()).
  Result<Landmarks68Result> run(ImageView image, const FaceBox& face, Arena& arena) const noexcept {
    const Error bad = landmarks::check_face_box(image, face, opt_.min_image_side);
    if (bad.status != Status::Ok) return bad;
    return run_on_box(image, crop_box(face), arena);
  }
  Result<Landmarks68Result> run(ImageView image, const detection::Detection& face, Arena& arena) const noexcept {
    return run(image, FaceBox{face.xmin, face.ymin, face.width, face.height}, arena);
  }

  // A ready face crop: the whole image is face-api's box (0, 0, W, H) (padded to a square, resized).
  Result<Landmarks68Result> run(ImageView face_crop, Arena& arena) const noexcept {
    if (!face_crop.valid()) return Error{Status::EmptyImage, "landmarks68: empty face crop"};
    return run_on_box(face_crop,
                      FaceBox{0.0f, 0.0f, static_cast<float>(face_crop.width), static_cast<float>(face_crop.height)},
                      arena);
  }

  // face-api's path for exactly this box: floor(x) .. floor(x + w) (end excluded), clip, pad to square, resize,
  // net, map back.
  Result<Landmarks68Result> run_on_box(ImageView image, const FaceBox& box, Arena& arena) const noexcept {
    const Error bad = landmarks::check_face_box(image, box, opt_.min_image_side);
    if (bad.status != Status::Ok) return bad;
    auto geo = landmarks::faceapi_crop_geometry(image.width, image.height, box.x, box.y, box.width, box.height);
    if (!geo) return geo.error();
    const landmarks::FaceApiCrop& c = *geo;
    Landmarks68Result r;
    const auto side = static_cast<float>(c.side);
    r.crop = {static_cast<float>(c.x0 - c.pad_x) - 0.5f, static_cast<float>(c.y0 - c.pad_y) - 0.5f, side, side};
    if (const Status s = pass(image, c, false, arena); s != Status::Ok) return Error{s, "landmarks68: network failed"};
    for (std::size_t i = 0; i < kLandmarks68Points; ++i)
      r.points[i] = landmarks::faceapi_point_to_image(arena.raw[2 * i], arena.raw[2 * i + 1], c);
    if (!opt_.mirrored_pass) return r;

    if (const Status s = pass(image, c, true, arena); s != Status::Ok) return Error{s, "landmarks68: network failed"};
    // point j of the mirrored crop is point kPoints68Mirror[j] of the face. The nets' u * 112 is a tensor
    // column index (see faceapi_crop.hpp) and the flip maps column t to 111 - t: u = 111 / 112 - u'.
    constexpr float kFlip = static_cast<float>(kInputSize - 1) / static_cast<float>(kInputSize);
    for (std::size_t j = 0; j < kLandmarks68Points; ++j) {
      const std::size_t i = landmarks::kPoints68Mirror[j];
      r.mirrored[i] = landmarks::faceapi_point_to_image(kFlip - arena.raw[2 * j], arena.raw[2 * j + 1], c);
    }
    const float eye = std::hypot(r.points[36].x - r.points[45].x, r.points[36].y - r.points[45].y);
    const float unit = eye > 0.0f ? eye : side;  // a collapsed prediction still gets a finite score
    for (std::size_t i = 0; i < kLandmarks68Points; ++i)
      r.disagreement[i] = std::hypot(r.points[i].x - r.mirrored[i].x, r.points[i].y - r.mirrored[i].y) / unit;
    r.has_disagreement = true;
    return r;
  }

 private:
  // Crop (optionally mirrored) -> input tensor -> net -> arena.raw.
  Status pass(ImageView image, const landmarks::FaceApiCrop& c, bool mirror, Arena& arena) const noexcept {
    const Status s = landmarks::faceapi_crop_pixels(image, c, kInputSize, mirror, std::span<float>(arena.crop));
    if (s != Status::Ok) return s;
    auto in = arena.input.view();
    if constexpr (std::is_same_v<typename in_spec::element, Int8>) {
      // q = pixel - 128 (the models' int8 input contract, exact for whole pixels): round the resampled value
      for (std::size_t k = 0; k < in_spec::size; ++k) {
        const float v = std::clamp(std::nearbyint(arena.crop[k]), 0.0f, 255.0f);
        in.data()[k] = static_cast<std::int8_t>(static_cast<int>(v) + models::kLandmarks68Int8PixelOffset);
      }
    } else {
      for (std::size_t k = 0; k < in_spec::size; ++k) in.data()[k] = arena.crop[k];  // the net normalises
    }
    const Status n = Net{}.template infer<Backend>(arena.input.view(), arena.outputs.views(), arena.net.span());
    if (n != Status::Ok) return n;
    Status status = Status::Unsupported;
    pipeline::for_each_output<Net>(arena.outputs, [&](auto view) {
      using S = typename decltype(view)::spec;
      if constexpr (S::size == kOutputs) status = pipeline::dequantize(view, std::span<float>(arena.raw));
    });
    return status;
  }

  Options opt_;
};

using Landmarks68 = BasicLandmarks68<models::Landmarks68Net<Int8>>;              // int8 (shipped)
using Landmarks68Tiny = BasicLandmarks68<models::Landmarks68TinyNet<Int8>>;      // int8, 77 k parameters
using Landmarks68Float = BasicLandmarks68<models::Landmarks68Net<Float>>;        // face-api's float net
using Landmarks68TinyFloat = BasicLandmarks68<models::Landmarks68TinyNet<Float>>;

}  // namespace facenn
