// libFuzzer target: the CLI's pipeline (FaceDetector -> FaceMesh hybrid, kernels::Simd with -march=native)
// on images of any size and content, plus FaceMesh on a hostile detection (any float bits: NaN, Inf,
// huge, negative, degenerate boxes and keypoints) -- the ROI / rotated-crop / projection path that a
// caller's own detector would feed.
//
// Input layout (short inputs are zero-extended):
//   [0..1] width-1 (little-endian, mod 1024)   [2..3] height-1 (mod 1024)   (w * h capped at 2^18)
//   [4]    detector min_score = 0.02 + byte / 255 (low values give detections on noise)
//   [5..72] a Detection as 17 raw floats (box x, y, w, h, score, 6 keypoints x, y)
//   [73..] RGB pixels, repeated to fill the image
// Invariants: no crash/UB; detections have finite boxes with positive size and scores in [min_score, 1];
// the successful FaceMesh result (one network run per input) has a score in [0, 1] and finite landmarks (for a finite-scale ROI).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <facenn/image/image.hpp>
#include <facenn/kernels/simd/backend.hpp>
#include <facenn/pipeline/face_detector.hpp>
#include <facenn/pipeline/face_mesh.hpp>

namespace {

#if defined(FACENN_SIMD_ANY)
using Backend = facenn::kernels::Simd;
#else
using Backend = facenn::kernels::Reference;
#endif
using Detector = facenn::BasicFaceDetector<facenn::models::BlazeFace128Net<facenn::Int8>, Backend>;
using Mesh = facenn::BasicFaceMesh<facenn::models::FaceMesh468HybridNet, Backend>;

constexpr std::size_t kHeader = 73;

void check_mesh(facenn::Status s, const facenn::FaceMeshResult& r) {
  if (s != facenn::Status::Ok) return;
  if (!(r.score >= 0.0f && r.score <= 1.0f)) std::abort();
  const bool moderate = std::fabs(r.roi.cx) < 1e6f && std::fabs(r.roi.cy) < 1e6f && r.roi.width < 1e6f &&
                        r.roi.height < 1e6f;
  if (!moderate) return;
  for (const auto& p : r.landmarks)
    if (!(std::isfinite(p.x) && std::isfinite(p.y) && std::isfinite(p.z))) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::array<std::uint8_t, kHeader> h{};
  std::memcpy(h.data(), data, std::min(size, kHeader));
  int w = 1 + ((h[0] | h[1] << 8) & 1023);
  int ht = 1 + ((h[2] | h[3] << 8) & 1023);
  while (std::int64_t{w} * ht > (1 << 18)) (w > ht ? w : ht) /= 2;
  const float min_score = 0.02f + static_cast<float>(h[4]) / 255.0f;
  facenn::detection::Detection hostile;
  std::array<float, 17> f{};
  std::memcpy(f.data(), h.data() + 5, sizeof f);
  hostile.xmin = f[0], hostile.ymin = f[1], hostile.width = f[2], hostile.height = f[3], hostile.score = f[4];
  for (std::size_t k = 0; k < 6; ++k) hostile.keypoints[k] = {f[5 + 2 * k], f[6 + 2 * k]};

  // A fresh allocation of exactly w * h * 3 bytes per input, so ASan's redzone sits right behind the
  // last pixel. Filled by doubling memcpy: an instrumented per-byte loop with a modulo ran up to 0.8 M
  // iterations per input on the largest images.
  const std::size_t n_bytes = static_cast<std::size_t>(w) * static_cast<std::size_t>(ht) * 3;
  const std::unique_ptr<std::uint8_t[]> pixels(new std::uint8_t[n_bytes]);
  const std::size_t n_src = size > kHeader ? std::min(size - kHeader, n_bytes) : 0;
  if (n_src == 0) {
    std::memset(pixels.get(), 0, n_bytes);
  } else {
    std::memcpy(pixels.get(), data + kHeader, n_src);
    for (std::size_t done = n_src; done < n_bytes; done *= 2)
      std::memcpy(pixels.get() + done, pixels.get(), std::min(done, n_bytes - done));
  }
  const facenn::ImageView img(pixels.get(), w, ht);

  static const auto det_arena = std::make_unique<Detector::Arena>();
  static const auto mesh_arena = std::make_unique<Mesh::Arena>();
  static facenn::FaceMeshResult result;
  Detector::Options dopt;
  dopt.decode.min_score = min_score;
  const Detector detector(dopt);
  const Mesh mesh{};

  std::array<facenn::detection::Detection, 4> faces{};
  auto n = detector.detect(img, faces, *det_arena);
  if (!n) std::abort();  // a valid image always gets a (possibly empty) answer
  for (std::size_t i = 0; i < *n; ++i) {
    const auto& d = faces[i];
    if (!(std::isfinite(d.xmin) && std::isfinite(d.ymin) && d.width > 0.0f && d.height > 0.0f &&
          std::isfinite(d.width) && std::isfinite(d.height) && d.score >= min_score && d.score <= 1.0f))
      std::abort();
  }
  // One FaceMesh run per input (the network dominates the time): on the hostile detection when its ROI
  // is usable, else on the best detection. For the other, only the ROI + crop + encode path.
  const bool hostile_usable = facenn::detection::face_roi_from_detection(hostile).has_value();
  if (hostile_usable || *n == 0) {
    check_mesh(mesh.estimate(img, hostile, result, *mesh_arena), result);
    if (*n > 0) {
      auto roi = facenn::detection::face_roi_from_detection(faces[0]);
      if (roi) (void)mesh.prepare(img, *roi, *mesh_arena);
    }
  } else {
    check_mesh(mesh.estimate(img, faces[0], result, *mesh_arena), result);
  }
  return 0;
}
