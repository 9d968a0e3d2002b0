// Threads sharing const networks: N threads run the CLI's pipeline (BlazeFace int8 -> FaceMesh hybrid,
// kernels::Simd when built for the machine) on shared `const` detector / mesh objects, each with its own
// arenas, and must reproduce the single-thread results bit for bit. Image decoding runs concurrently too
// (stb keeps no shared mutable state on facenn's paths). Run under ThreadSanitizer in CI (scripts/test.sh).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <facenn/image/io.hpp>
#include <facenn/kernels/simd/backend.hpp>
#include <facenn/pipeline/face_detector.hpp>
#include <facenn/pipeline/face_mesh.hpp>

namespace det = facenn::detection;
using facenn::Image;
using facenn::Status;

namespace {

#if defined(FACENN_SIMD_ANY)
using Backend = facenn::kernels::Simd;
#else
using Backend = facenn::kernels::Reference;
#endif
using Detector = facenn::BasicFaceDetector<facenn::models::BlazeFace128Net<facenn::Int8>, Backend>;
using Mesh = facenn::BasicFaceMesh<facenn::models::FaceMesh468HybridNet, Backend>;

// Everything one image produces, as raw bytes (bit-identical comparison).
struct Answer {
  std::size_t faces = 0;
  std::array<det::Detection, 4> detections{};
  std::array<facenn::FaceMeshResult, 4> meshes{};
  std::array<Status, 4> mesh_status{};
  bool operator==(const Answer& o) const {
    return faces == o.faces && std::memcmp(detections.data(), o.detections.data(), sizeof detections) == 0 &&
           std::memcmp(meshes.data(), o.meshes.data(), sizeof meshes) == 0 && mesh_status == o.mesh_status;
  }
};

struct Arenas {
  std::unique_ptr<Detector::Arena> det = std::make_unique<Detector::Arena>();
  std::unique_ptr<Mesh::Arena> mesh = std::make_unique<Mesh::Arena>();
};

Answer analyze(const Detector& detector, const Mesh& mesh, const Image& img, Arenas& a) {
  Answer r;
  auto n = detector.detect(img.view(), r.detections, *a.det);
  if (!n) return r;
  r.faces = *n;
  for (std::size_t i = 0; i < *n; ++i) r.mesh_status[i] = mesh.estimate(img.view(), r.detections[i], r.meshes[i], *a.mesh);
  return r;
}

std::vector<Image> images() {
  auto astronaut = facenn::load_image(std::string(FACENN_SOURCE_DIR) + "/examples/data/astronaut.png");
  REQUIRE(astronaut.has_value());
  std::vector<Image> v;
  v.push_back(*astronaut);
  // The face region (rows 0..299, columns 60..359) beside its mirror image (two faces, as in
  // tests/detection), and a darker copy of the photo's upper part shifted into a larger canvas.
  Image pair(600, 300), dark(600, 400, facenn::Rgb{20, 20, 20});
  for (int y = 0; y < 300; ++y)
    for (int x = 0; x < 300; ++x)
      for (int c = 0; c < 3; ++c) {
        const std::uint8_t p = astronaut->view().pixel(60 + x, y)[c];
        pair.mutable_view().pixel(x, y)[c] = p;
        pair.mutable_view().pixel(599 - x, y)[c] = p;
      }
  for (int y = 0; y < 400; ++y)
    for (int x = 100; x < 500; ++x)
      for (int c = 0; c < 3; ++c)
        dark.mutable_view().pixel(x + 100, y)[c] = static_cast<std::uint8_t>(astronaut->view().pixel(x, y)[c] / 2);
  v.push_back(std::move(pair));
  v.push_back(std::move(dark));
  return v;
}

}  // namespace

TEST_CASE("threads sharing const detector and FaceMesh networks reproduce the single-thread results") {
  const Detector detector{};
  const Mesh mesh{};
  const std::vector<Image> imgs = images();
  std::vector<Answer> expected;
  {
    Arenas a;
    for (const Image& img : imgs) expected.push_back(analyze(detector, mesh, img, a));
  }
  REQUIRE(expected[0].faces == 1);
  REQUIRE(expected[1].faces == 2);
  for (std::size_t i = 0; i < expected[0].faces; ++i) REQUIRE(expected[0].mesh_status[i] == Status::Ok);

  constexpr std::size_t kThreads = 4;
  constexpr int kRounds = 2;
  std::array<int, kThreads> mismatches{};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Arenas own;
      for (int round = 0; round < kRounds; ++round)
        for (std::size_t k = 0; k < imgs.size(); ++k) {
          const std::size_t i = (k + t) % imgs.size();  // threads work on different images at the same time
          if (!(analyze(detector, mesh, imgs[i], own) == expected[i])) ++mismatches[t];
        }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}

TEST_CASE("threads decoding images concurrently get identical pixels") {
  const std::string path = std::string(FACENN_SOURCE_DIR) + "/examples/data/astronaut.png";
  auto ref = facenn::load_image(path);
  REQUIRE(ref.has_value());
  auto png = facenn::encode_png(ref->view());
  REQUIRE(png.has_value());
  std::array<bool, 4> same{};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < same.size(); ++t) {
    threads.emplace_back([&, t] {
      bool ok = true;
      for (int i = 0; i < 2; ++i) {
        auto img = (t + static_cast<std::size_t>(i)) % 2 == 0 ? facenn::load_image(path) : facenn::decode_image(*png);
        ok = ok && img.has_value() && img->bytes().size() == ref->bytes().size() &&
             std::memcmp(img->data(), ref->data(), ref->bytes().size()) == 0;
      }
      same[t] = ok;
    });
  }
  for (auto& th : threads) th.join();
  for (bool s : same) CHECK(s);
}
