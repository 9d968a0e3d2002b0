// FaceDetector: image -> letterbox 128x128 -> BlazeFace short-range -> decode + weighted NMS ->
// faces in image pixels (pixel-centre convention).
//
//   BasicFaceDetector<Net, Backend> works with any network whose input is 128x128x3 (Int8 or Float) and whose
//   outputs are the raw BlazeFace heads: 16x16x2 / 16x16x32 / 8x8x6 / 8x8x96 (any order; they are
//   recognized by size), or the concatenated 896x1 / 896x16 pair.
//   `facenn::FaceDetector` (below, when the model header is available) binds BlazeFace128Net<Int8>.
//   Backend: the kernels infer() runs (kernels::DefaultBackend, or e.g. kernels::Simd from
//   <facenn/kernels/simd/backend.hpp>).
//
// Memory: everything lives in the caller's Arena (network scratch, input/output tensors, decoder
// candidates): no heap, no globals; one detector can be shared by threads with one Arena each.
//   auto arena = std::make_unique<FaceDetector::Arena>();
//   std::array<detection::Detection, 5> faces;
//   auto n = FaceDetector{}.detect(image.view(), faces, *arena);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include <facenn/core/network.hpp>
#include <facenn/core/status.hpp>
#include <facenn/core/tensor.hpp>
#include <facenn/detection/blazeface.hpp>
#include <facenn/image/image.hpp>
#include <facenn/image/quantize.hpp>
#include <facenn/image/warp.hpp>
#include <facenn/pipeline/network_io.hpp>

namespace facenn {

// How a detector network wants its int8 input, when not simply quantize(pixel / 127.5 - 1) with the
// input spec: specialized next to the model binding below.
template <class Net>
struct DetectorInputTraits {
  static constexpr std::optional<int> int8_pixel_offset = std::nullopt;
};

template <class Net, class Backend = kernels::DefaultBackend>
class BasicFaceDetector {
  using in_spec = typename Net::input_spec;
  using in_shape = typename in_spec::shape;
  static_assert(in_shape::h == in_shape::w && in_shape::c == 3,
                "BasicFaceDetector<Net>: the network input must be a square RGB tensor");

 public:
  static constexpr int kInputSize = in_shape::h;
  static constexpr std::size_t kAnchors = detection::kBlazeFaceShortRangeAnchors;
  static constexpr std::size_t kCoords = detection::kBlazeFaceCoords;

  struct Options {
    detection::BlazeFaceOptions decode{};
    PixelNormalization input_range = kPixelsToSymmetric;  // BlazeFace takes RGB in [-1, 1]
    std::optional<int> int8_pixel_offset = DetectorInputTraits<Net>::int8_pixel_offset;
  };

  struct Arena {
    typename Net::Arena net;
    TensorBuffer<in_spec> input;
    OutputBuffers<Net> outputs;
    alignas(64) std::array<std::uint8_t, in_spec::size> rgb;  // the letterboxed image
    alignas(64) std::array<float, kAnchors> scores;          // 16x16x2 then 8x8x6 (anchor order)
    alignas(64) std::array<float, kAnchors * kCoords> regressors;
    detection::BlazeFaceScratch scratch;
    Letterbox letterbox;                                      // geometry of the last call
  };

  BasicFaceDetector() noexcept : BasicFaceDetector(Options{}) {}
  explicit BasicFaceDetector(const Options& opt) noexcept
      : opt_(opt), encode_(opt.input_range, opt.int8_pixel_offset) {}

  [[nodiscard]] const Options& options() const noexcept { return opt_; }

  // Letterboxes `image` into arena.rgb and encodes it into arena.input (exposed for tests/tools).
  Result<Letterbox> prepare(ImageView image, Arena& arena) const noexcept {
    auto lb = letterbox(image, MutableImageView(arena.rgb.data(), kInputSize, kInputSize));
    if (!lb) return lb;
    const Status s = encode_(arena.rgb, arena.input.view());
    if (s != Status::Ok) return Error{s, "face detector: input encoding failed"};
    arena.letterbox = *lb;
    return lb;
  }

  // Dequantizes the network outputs in arena.outputs into arena.scores / arena.regressors.
  Status gather_outputs(Arena& arena) const noexcept {
    Status status = Status::Ok;
    int seen_scores = 0, seen_regs = 0;
    pipeline::for_each_output<Net>(arena.outputs, [&](auto view) {
      using S = typename decltype(view)::spec;
      std::span<float> dst;
      if constexpr (S::size == 512) { dst = std::span<float>(arena.scores.data(), 512); seen_scores += 512; }
      else if constexpr (S::size == 384) { dst = std::span<float>(arena.scores.data() + 512, 384); seen_scores += 384; }
      else if constexpr (S::size == kAnchors) { dst = std::span<float>(arena.scores.data(), kAnchors); seen_scores += 896; }
      else if constexpr (S::size == 512 * kCoords) { dst = std::span<float>(arena.regressors.data(), 512 * kCoords); seen_regs += 512; }
      else if constexpr (S::size == 384 * kCoords) { dst = std::span<float>(arena.regressors.data() + 512 * kCoords, 384 * kCoords); seen_regs += 384; }
      else if constexpr (S::size == kAnchors * kCoords) { dst = std::span<float>(arena.regressors.data(), kAnchors * kCoords); seen_regs += 896; }
      else { return; }  // unrelated extra outputs are ignored
      const Status s = pipeline::dequantize(view, dst);
      if (s != Status::Ok) status = s;
    });
    if (status == Status::Ok && (seen_scores != 896 || seen_regs != 896)) status = Status::Unsupported;
    return status;
  }

  // Detects faces; writes at most out.size() detections in image pixels, best first.
  Result<std::size_t> detect(ImageView image, std::span<detection::Detection> out, Arena& arena) const noexcept {
    if (!image.valid()) return Error{Status::EmptyImage, "face detector: empty image"};
    auto lb = prepare(image, arena);
    if (!lb) return lb.error();
    const Status s = Net{}.template infer<Backend>(arena.input.view(), arena.outputs.views(), arena.net.span());
    if (s != Status::Ok) return Error{s, "face detector: network inference failed"};
    return decode(out, arena);
  }

  // Post-processing only (arena.outputs already filled by the network).
  Result<std::size_t> decode(std::span<detection::Detection> out, Arena& arena) const noexcept {
    const Status g = gather_outputs(arena);
    if (g != Status::Ok) return Error{g, "face detector: network outputs are not the BlazeFace heads"};
    const detection::BlazeFaceRawOutputs raw{
        std::span<const float>(arena.scores.data(), 512),
        std::span<const float>(arena.regressors.data(), 512 * kCoords),
        std::span<const float>(arena.scores.data() + 512, 384),
        std::span<const float>(arena.regressors.data() + 512 * kCoords, 384 * kCoords)};
    detection::BlazeFaceOptions dopt = opt_.decode;
    dopt.input_size = static_cast<float>(kInputSize);
    auto n = detection::decode_blazeface(raw, out, arena.scratch, dopt);
    if (!n) return n;
    for (std::size_t i = 0; i < *n; ++i) out[i] = detection::remove_letterbox(out[i], arena.letterbox);
    return n;
  }

 private:
  Options opt_;
  pipeline::InputEncoder<in_spec> encode_;
};

}  // namespace facenn

#if __has_include(<facenn/models/blazeface128.hpp>)
#include <facenn/models/blazeface128.hpp>
namespace facenn {
// BlazeFace128's int8 input is q = pixel - 128 exactly (its converter folded the half step into the
// first convolution's bias; see the model card).
template <>
struct DetectorInputTraits<models::BlazeFace128Net<Int8>> {
  static constexpr std::optional<int> int8_pixel_offset = models::kBlazeFace128Int8PixelOffset;
};
// The int8 BlazeFace short-range detector.
using FaceDetector = BasicFaceDetector<models::BlazeFace128Net<Int8>>;
inline constexpr bool kHaveFaceDetector = true;
}  // namespace facenn
#else
namespace facenn {
inline constexpr bool kHaveFaceDetector = false;
}  // namespace facenn
#endif
