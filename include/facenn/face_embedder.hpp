// Face verification: align -> embed -> distance -> decision.
//
//   #include <facenn/face_embedder.hpp>
//   facenn::FaceEmbedder embedder;                                  // int8 network (FaceEmbedderFloat: float)
//   auto arena = std::make_unique<facenn::FaceEmbedder::Arena>();  // ~0.5 MB: keep it off the stack
//   facenn::FaceEmbedding a, b;
//   embedder.embed(image_a.view(), five_points_a, a, *arena);      // or embed_facemesh(image, mesh, ...)
//   embedder.embed(image_b.view(), five_points_b, b, *arena);
//   facenn::FaceVerification v = facenn::FaceEmbedder::verify(a, b);   // v.distance, v.threshold, v.same
//
// Pipeline
//  1. Align: least-squares similarity from the face's 5 points (dlib's shape_predictor_5 order: image-right
//     eye outer / inner corner, image-left eye outer / inner corner, base of the nose; from FaceMesh
//     vertices 263, 362, 33, 133, 2 with dlib5_points_from_facemesh) onto dlib's 5-point template, warped
//     to the 150 x 150 chip of dlib's get_face_chip_details(150, 0.25) with bilinear sampling
//     (geometry/align.hpp). This is the chip the network (dlib's face recognition ResNet, as ported by
//     face-api.js) was trained on.
//  2. Embed: models::FaceEmbedderNet (int8 by default) -> 128 floats -> scaled to unit length.
//  3. Compare: Euclidean distance of the unit embeddings, in [0, 2] (= sqrt(2 - 2 cos)); the same person when
//     distance <= threshold. kFaceVerificationThreshold is the best-accuracy threshold of the int8 pipeline
//     on the deepface pairs (docs/verification.md has the ROC, AUC, EER and how it was measured). dlib's own
//     0.6 applies to its raw (unnormalized) descriptors, not to these.
//
// Nothing allocates and nothing throws; errors are Status values. One embedder can be shared by threads,
// each with its own Arena.
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
#include <facenn/geometry/align.hpp>
#include <facenn/image/image.hpp>
#include <facenn/image/point.hpp>
#include <facenn/image/quantize.hpp>
#include <facenn/models/face_embedder.hpp>
#include <facenn/pipeline/network_io.hpp>

namespace facenn {

inline constexpr int kFaceChipSize = 150;          // the embedder's input: 150 x 150 RGB
inline constexpr double kFaceChipPadding = 0.25;   // dlib's padding for its face recognition chips
inline constexpr std::size_t kFaceChipBytes = std::size_t{kFaceChipSize} * kFaceChipSize * 3;
inline constexpr std::size_t kFaceEmbeddingSize = 128;

// A unit-length face embedding.
using FaceEmbedding = std::array<float, kFaceEmbeddingSize>;
// The 5 alignment points, image pixels (pixel-centre convention), dlib's order (see above).
using FaceAlignmentPoints = std::array<Point2f, 5>;

// Euclidean distance between unit embeddings at which two faces are taken to be the same person
// (distance <= threshold). Calibrated on ../shared/data/verification (docs/verification.md).
inline constexpr float kFaceVerificationThreshold = 0.40f;

struct FaceVerification {
  float distance = 0.0f;   // Euclidean distance of the unit embeddings, [0, 2]
  float threshold = 0.0f;  // the threshold the decision used
  bool same = false;       // distance <= threshold
};

// Euclidean distance of two embeddings (accumulated in double).
inline float face_distance(const FaceEmbedding& a, const FaceEmbedding& b) noexcept {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    s += d * d;
  }
  return static_cast<float>(std::sqrt(s));
}

// Distance and decision. A NaN distance (non-finite embeddings) is never "same".
inline FaceVerification verify_faces(const FaceEmbedding& a, const FaceEmbedding& b,
                                     float threshold = kFaceVerificationThreshold) noexcept {
  const float d = face_distance(a, b);
  return {d, threshold, d <= threshold};
}

// dlib's 5 points from FaceMesh landmarks (468 or 478 points, image pixels).
inline Status dlib5_points_from_facemesh(std::span<const Point3f> mesh, FaceAlignmentPoints& out) noexcept {
  if (mesh.size() < 468) return Status::InvalidArgument;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Point3f& p = mesh[geometry::kDlib5FaceMeshVertex[i]];
    out[i] = {p.x, p.y};
  }
  return Status::Ok;
}

namespace detail {
inline Status to_core_status(geometry::Status s) noexcept {
  switch (s) {
    case geometry::Status::Ok: return Status::Ok;
    case geometry::Status::NonFinite: return Status::NonFinite;
    case geometry::Status::TooFewPoints:
    case geometry::Status::Degenerate: return Status::Degenerate;
    case geometry::Status::NotConverged: return Status::NotConverged;
    default: return Status::InvalidArgument;
  }
}
}  // namespace detail

// The 150 x 150 chip of a face (dlib's get_face_chip_details(150, 0.25) + bilinear warp; chip pixels that
// fall outside the image are black). RGB, tightly packed.
inline Status align_face_chip(ImageView image, const FaceAlignmentPoints& five,
                              std::span<std::uint8_t, kFaceChipBytes> chip) noexcept {
  if (!image.valid()) return Status::EmptyImage;
  std::array<Eigen::Vector2d, 5> pts;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (!std::isfinite(five[i].x) || !std::isfinite(five[i].y)) return Status::NonFinite;
    pts[i] = {static_cast<double>(five[i].x), static_cast<double>(five[i].y)};
  }
  geometry::Affine2 chip_to_image;
  const geometry::Status t =
      geometry::dlib_chip_transform(std::span<const Eigen::Vector2d, 5>(pts), kFaceChipSize, kFaceChipPadding,
                                    &chip_to_image);
  if (t != geometry::Status::Ok) return detail::to_core_status(t);
  const geometry::RgbView src{image.data, image.width, image.height, static_cast<int>(image.stride)};
  const geometry::RgbMutView dst{chip.data(), kFaceChipSize, kFaceChipSize, kFaceChipSize * 3};
  return detail::to_core_status(geometry::warp_affine(src, chip_to_image, dst));
}

template <class Net, class Backend = kernels::DefaultBackend>
class BasicFaceEmbedder {
  using in_spec = typename Net::input_spec;
  using in_shape = typename in_spec::shape;
  using out_spec = output_spec_t<Net>;
  static_assert(in_shape::h == kFaceChipSize && in_shape::w == kFaceChipSize && in_shape::c == 3,
                "BasicFaceEmbedder<Net>: the network input must be 150x150x3");
  static_assert(out_spec::size == kFaceEmbeddingSize, "BasicFaceEmbedder<Net>: the network output must be 128 values");

 public:
  static constexpr float kDefaultThreshold = kFaceVerificationThreshold;

  struct Arena {
    typename Net::Arena net;
    TensorBuffer<in_spec> input;
    OutputBuffers<Net> outputs;
    alignas(64) std::array<std::uint8_t, kFaceChipBytes> chip;  // the aligned face (embed, embed_facemesh)
  };

  static float distance(const FaceEmbedding& a, const FaceEmbedding& b) noexcept { return face_distance(a, b); }
  static FaceVerification verify(const FaceEmbedding& a, const FaceEmbedding& b,
                                 float threshold = kDefaultThreshold) noexcept {
    return verify_faces(a, b, threshold);
  }

  // An already aligned 150 x 150 RGB chip -> unit embedding. Float: pixels 0..255; int8: q = pixel - 128
  // (exact, see models/face_embedder.hpp).
  Status embed_chip(std::span<const std::uint8_t, kFaceChipBytes> chip, FaceEmbedding& out, Arena& arena) const noexcept {
    const Status e = encode_(chip, arena.input.view());
    if (e != Status::Ok) return e;
    const Status s = Net{}.template infer<Backend>(arena.input.view(), arena.outputs.views(), arena.net.span());
    if (s != Status::Ok) return s;
    const auto& descriptor = arena.outputs.template get<0>();  // const: its view() is a ConstTensorView
    const Status d = pipeline::dequantize(descriptor.view(), std::span<float>(out));
    if (d != Status::Ok) return d;
    double n2 = 0.0;
    for (float v : out) n2 += static_cast<double>(v) * v;
    const double n = std::sqrt(n2);
    if (!(n > 0.0) || !std::isfinite(n)) return Status::NonFinite;  // an all-zero descriptor has no direction
    for (float& v : out) v = static_cast<float>(v / n);
    return Status::Ok;
  }

  // Image + the face's 5 points (dlib order) -> unit embedding; the chip stays in arena.chip.
  Status embed(ImageView image, const FaceAlignmentPoints& five, FaceEmbedding& out, Arena& arena) const noexcept {
    const Status a = align_face_chip(image, five, arena.chip);
    if (a != Status::Ok) return a;
    return embed_chip(arena.chip, out, arena);
  }

  // Image + the face's FaceMesh landmarks (468 or 478, image pixels) -> unit embedding.
  Status embed_facemesh(ImageView image, std::span<const Point3f> mesh, FaceEmbedding& out, Arena& arena) const noexcept {
    FaceAlignmentPoints five;
    const Status p = dlib5_points_from_facemesh(mesh, five);
    if (p != Status::Ok) return p;
    return embed(image, five, out, arena);
  }

 private:
  // Float: the network takes pixels 0..255 (its mean / 255 normalization is folded into the first conv).
  pipeline::InputEncoder<in_spec> encode_{PixelNormalization{1.0, 0.0}, models::kFaceEmbedderInt8PixelOffset};
};

// The int8 embedder (default) and the float one (the reference the int8 one is measured against).
using FaceEmbedder = BasicFaceEmbedder<models::FaceEmbedderNet<Int8>>;
using FaceEmbedderFloat = BasicFaceEmbedder<models::FaceEmbedderNet<Float>>;

}  // namespace facenn
