// The 35 landmarks of OpenVINO's facial-landmarks-35-adas (its point order and normalized output), computed by
// FaceMesh: image -> FaceDetector -> Landmarks35 -> points in pixels and normalized to the face box.
//   example_landmarks35 [image.png]   (default: examples/data/astronaut.png)
#include <array>
#include <cstdio>
#include <memory>

#include <facenn/image/io.hpp>
#include <facenn/landmarks35.hpp>
#include <facenn/pipeline/face_detector.hpp>

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : FACENN_EXAMPLE_IMAGE;
  auto image = facenn::load_image(path);
  if (!image) return std::fprintf(stderr, "%s: %s\n", path, image.error().message), 1;

  auto detector_arena = std::make_unique<facenn::FaceDetector::Arena>();  // ~1 MB: heap, or static
  std::array<facenn::detection::Detection, 4> faces{};
  auto n = facenn::FaceDetector{}.detect(image->view(), faces, *detector_arena);
  if (!n || *n == 0) return std::fprintf(stderr, "%s: no face\n", path), 1;

  static facenn::Landmarks35::Arena arena;  // facenn::Landmarks35::arena_bytes, known at compile time
  for (std::size_t f = 0; f < *n; ++f) {
    auto pts = facenn::Landmarks35{}.run(image->view(), faces[f], arena);
    if (!pts) return std::fprintf(stderr, "landmarks35: %s\n", pts.error().message), 1;
    const auto normalized = pts->normalized();  // OpenVINO's 70 floats: x0, y0, ..., x34, y34
    std::printf("face %zu (FaceMesh score %.2f)\n", f, static_cast<double>(pts->score));
    for (std::size_t k = 0; k < facenn::kLandmarks35Points; ++k)
      std::printf("  p%-2zu  %7.1f %7.1f px   %.3f %.3f\n", k, static_cast<double>(pts->points[k].x),
                  static_cast<double>(pts->points[k].y), static_cast<double>(normalized[2 * k]),
                  static_cast<double>(normalized[2 * k + 1]));
  }
  return 0;
}
