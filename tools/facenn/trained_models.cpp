// `facenn landmarks --model landmarks35_60 | fpenet80 (_float)`: BlazeFace, then the crop fitted on train68
// (models::trained_crop_from_detection), then the network. Everything model-specific stays behind __has_include
// so the tool still builds without the trained headers.
#include "trained_models.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <facenn/hosted/heap_network.hpp>
#include <facenn/kernels/simd/backend.hpp>

#include "face_models.hpp"

#if __has_include(<facenn/models/landmarks35_60.hpp>) && __has_include(<facenn/models/fpenet80.hpp>)
#define FACENN_CLI_HAVE_TRAINED 1
#include <facenn/models/fpenet80.hpp>
#include <facenn/models/landmarks35_60.hpp>
#include <facenn/models/trained_crop.hpp>
#else
#define FACENN_CLI_HAVE_TRAINED 0
#endif

namespace facenn::cli {

namespace {
constexpr std::string_view kL35 = "landmarks35_60", kL35Float = "landmarks35_60_float";
constexpr std::string_view kFpe = "fpenet80", kFpeFloat = "fpenet80_float";
}  // namespace

#if FACENN_CLI_HAVE_TRAINED
namespace {

#if defined(FACENN_SIMD_ANY)
using Backend = kernels::Simd;
#else
using Backend = kernels::Reference;
#endif

// Both nets take (pixel - 128) / 255; the int8 input is q = pixel - 128 (scale 1/255, zero point 0: exact).
template <class Value>
Value encode_pixel(std::uint8_t p) noexcept {
  if constexpr (std::is_same_v<Value, float>) {
    return static_cast<float>(static_cast<int>(p) - 128) / 255.0f;
  } else {
    return static_cast<std::int8_t>(static_cast<int>(p) - 128);
  }
}

// OpenCV's RGB2GRAY for 8-bit pixels (what fpenet80 was trained on): fixed point, 14 fractional bits.
std::uint8_t luma(const std::uint8_t* rgb) noexcept {
  const int y = (rgb[0] * 4899 + rgb[1] * 9617 + rgb[2] * 1868 + (1 << 13)) >> 14;
  return static_cast<std::uint8_t>(y);
}

float dequantize_fc2(float v) noexcept { return v; }
float dequantize_fc2(std::int8_t q) noexcept {
  using Q = weights::landmarks35_60::q_fc2;
  return static_cast<float>(static_cast<int>(q) - static_cast<int>(Q::zero_point)) * static_cast<float>(Q::scale);
}

// Landmarks for one detected face: crop, encode, infer, decode, back to image pixels.
template <class Elem>
class TrainedLandmarks {
 public:
  explicit TrainedLandmarks(bool fpenet) : fpenet_(fpenet) {}

  Status add(const Image& img, FaceRecord& face) {
    auto rect = models::trained_crop_from_detection(face.detection);
    if (!rect) return rect.error().status;
    const int size = fpenet_ ? 80 : 60;
    const Status c = crop_rotated_rect(img.view(), *rect, MutableImageView(rgb_.data(), size, size));
    if (c != Status::Ok) return c;
    const Affine2x3 to_image = rect_normalized_to_image(*rect);
    face.landmarks.clear();
    face.landmark_confidence.clear();
    auto put = [&](double u, double v) {
      double x = 0.0, y = 0.0;
      to_image.apply(u, v, x, y);
      face.landmarks.push_back(Point3f{static_cast<float>(x), static_cast<float>(y), 0.0f});
    };
    if (fpenet_) {
      auto& in = fpe_.input->data;
      for (std::size_t i = 0; i < in.size(); ++i) in[i] = encode_pixel<Value>(luma(&rgb_[3 * i]));
      const Status s = fpe_.template run<Backend>();
      if (s != Status::Ok) return s;
      std::array<models::Fpenet80Keypoint, models::kFpenet80Keypoints> kp{};
      models::fpenet80_decode(fpe_.template output<0>().data(), kp.data());
      for (const models::Fpenet80Keypoint& k : kp) {
        put(k.x, k.y);
        face.landmark_confidence.push_back(k.confidence);
      }
    } else {
      auto& in = l35_.input->data;
      for (std::size_t i = 0; i < in.size(); ++i) in[i] = encode_pixel<Value>(rgb_[i]);
      const Status s = l35_.template run<Backend>();
      if (s != Status::Ok) return s;
      const auto& out = l35_.template output<0>();   // 35 (u, v) normalized to the crop
      for (std::size_t k = 0; k < 35; ++k) put(dequantize_fc2(out[2 * k]), dequantize_fc2(out[2 * k + 1]));
    }
    face.landmarks_2d = true;
    face.roi = *rect;
    return Status::Ok;
  }

 private:
  using L35Net = models::Landmarks35Net<Elem>;
  using FpeNet = models::Fpenet80Net<Elem>;
  using Value = typename L35Net::input_spec::value_type;   // float or std::int8_t

  bool fpenet_;
  std::array<std::uint8_t, 80 * 80 * 3> rgb_{};
  hosted::HeapNetwork<L35Net> l35_;  // built once per run, reused for every face
  hosted::HeapNetwork<FpeNet> fpe_;
};

template <class Elem>
int run_with(const Options& opt, bool fpenet) {
  FaceModels models(opt);
  auto nets = std::make_unique<TrainedLandmarks<Elem>>(fpenet);
  return run_images(opt, [&models, &nets](const Image& img) -> Result<std::vector<FaceRecord>> {
    auto faces = models.detect(img);
    if (!faces) return faces;
    for (FaceRecord& f : *faces) {
      const Status s = nets->add(img, f);
      if (s != Status::Ok) return Error{s, "landmark network failed"};
    }
    return faces;
  });
}

}  // namespace

int run_trained_landmarks(const Options& opt) {
  if (opt.model == kL35) return run_with<Int8>(opt, false);
  if (opt.model == kL35Float) return run_with<Float>(opt, false);
  if (opt.model == kFpe) return run_with<Int8>(opt, true);
  if (opt.model == kFpeFloat) return run_with<Float>(opt, true);
  report("landmarks", "unknown --model '" + opt.model + "'");
  return kExitUsage;
}

#else

int run_trained_landmarks(const Options& opt) {
  report("landmarks", "this build has no trained landmark models (facenn/models/landmarks35_60.hpp, fpenet80.hpp)");
  (void)opt;
  return kExitUsage;
}

#endif

}  // namespace facenn::cli
