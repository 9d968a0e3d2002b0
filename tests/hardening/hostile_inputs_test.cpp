// Hostile inputs through the real networks (BlazeFace int8 -> FaceMesh hybrid, the CLI's pipeline and
// backend): blank and saturated images, 1x1 / 1xN / Nx1 / extreme aspect ratios, faces cut by the image
// border, 50 faces in one image, NaN/Inf in float inputs and in raw detector outputs. Every call must
// return a clear status; detections must lie on the image and carry finite numbers; landmarks finite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <facenn/detection/blazeface.hpp>
#include <facenn/image/io.hpp>
#include <facenn/kernels/simd/backend.hpp>
#include <facenn/pipeline/face_detector.hpp>
#include <facenn/pipeline/face_mesh.hpp>

#include "../core/support/test_network.hpp"

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

struct Pipeline {
  Detector detector{};
  Mesh mesh{};
  std::unique_ptr<Detector::Arena> det_arena = std::make_unique<Detector::Arena>();
  std::unique_ptr<Mesh::Arena> mesh_arena = std::make_unique<Mesh::Arena>();
  facenn::FaceMeshResult result{};
};

Pipeline& pipeline() {
  static Pipeline p;
  return p;
}

const Image& astronaut() {
  static const Image img = [] {
    auto r = facenn::load_image(std::string(FACENN_SOURCE_DIR) + "/examples/data/astronaut.png");
    REQUIRE(r.has_value());
    return std::move(*r);
  }();
  return img;
}

// The astronaut's face with a margin (rows 58..196, columns 155..293 around the detected box
// 178, 81, 93 x 93), resampled to side x side (nearest neighbour: enough for a detector test).
Image face_tile(int side) {
  Image out(side, side);
  const Image& a = astronaut();
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const int sx = 155 + x * 139 / side, sy = 58 + y * 139 / side;
      for (int c = 0; c < 3; ++c) out.mutable_view().pixel(x, y)[c] = a.view().pixel(sx, sy)[c];
    }
  return out;
}

// `src` pasted into a w x h grey canvas with its top-left corner at (ox, oy) (may lie outside).
Image paste(const Image& src, int w, int h, int ox, int oy) {
  Image out(w, h, facenn::Rgb{128, 128, 128});
  for (int y = 0; y < src.height(); ++y)
    for (int x = 0; x < src.width(); ++x) {
      const int tx = ox + x, ty = oy + y;
      if (tx < 0 || ty < 0 || tx >= w || ty >= h) continue;
      for (int c = 0; c < 3; ++c) out.mutable_view().pixel(tx, ty)[c] = src.view().pixel(x, y)[c];
    }
  return out;
}

struct Outcome {
  std::size_t faces = 0;
  std::size_t meshes = 0;  // landmark runs that returned Ok
};

// Detect (at most `max_faces`), then FaceMesh on every face; checks every number that comes out.
Outcome run(const Image& img, std::size_t max_faces = 8) {
  Pipeline& p = pipeline();
  std::array<det::Detection, 64> found{};
  auto n = p.detector.detect(img.view(), std::span<det::Detection>(found.data(), max_faces), *p.det_arena);
  REQUIRE(n.has_value());  // a valid image always gets an answer, possibly no face
  REQUIRE(*n <= max_faces);
  Outcome o{*n, 0};
  const float w = static_cast<float>(img.width()), h = static_cast<float>(img.height());
  for (std::size_t i = 0; i < *n; ++i) {
    const det::Detection& d = found[i];
    CHECK(std::isfinite(d.xmin));
    CHECK(std::isfinite(d.ymin));
    CHECK(d.width > 0.0f);
    CHECK(d.height > 0.0f);
    CHECK(d.score >= 0.5f);
    CHECK(d.score <= 1.0f);
    // The box centre lies on the image (a face can stick out of the border, its centre cannot).
    CHECK(d.center().x >= -1.0f);
    CHECK(d.center().x <= w + 1.0f);
    CHECK(d.center().y >= -1.0f);
    CHECK(d.center().y <= h + 1.0f);
    const Status s = p.mesh.estimate(img.view(), d, p.result, *p.mesh_arena);
    CHECK(s == Status::Ok);
    if (s != Status::Ok) continue;
    ++o.meshes;
    CHECK(p.result.score >= 0.0f);
    CHECK(p.result.score <= 1.0f);
    bool finite = true;
    for (const auto& q : p.result.landmarks) finite = finite && std::isfinite(q.x) && std::isfinite(q.y) && std::isfinite(q.z);
    CHECK(finite);
  }
  return o;
}

}  // namespace

TEST_CASE("blank, saturated and noise images: no face, no error") {
  for (int side : {64, 300}) {
    CHECK(run(Image(side, side, facenn::Rgb{0, 0, 0})).faces == 0);
    CHECK(run(Image(side, side, facenn::Rgb{255, 255, 255})).faces == 0);
    CHECK(run(Image(side, side / 2, facenn::Rgb{128, 128, 128})).faces == 0);
  }
  Image noise(200, 150);
  std::uint32_t state = 12345;
  for (auto& b : noise.bytes()) {
    state = state * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(state >> 24);
  }
  CHECK(run(noise).faces == 0);
}

TEST_CASE("1x1, 1xN, Nx1 and extreme aspect ratios") {
  // (No face can be seen in these; what matters is a clean, empty answer.)
  for (auto wh : {std::pair{1, 1}, std::pair{1, 7}, std::pair{7, 1}, std::pair{1, 4000}, std::pair{4000, 1},
                  std::pair{3, 10000}, std::pair{10000, 3}, std::pair{2, 2}}) {
    const int w = wh.first, h = wh.second;
    CAPTURE(w);
    CAPTURE(h);
    CHECK(run(Image(w, h, facenn::Rgb{200, 150, 120})).faces == 0);
  }
  // A real face inside a very wide strip: the letterbox shrinks it to ~3 px, so no face, no error.
  const Image strip = paste(face_tile(100), 4000, 100, 1950, 0);
  CHECK(run(strip).faces == 0);
  // The same face in a 3:1 image is still found.
  CHECK(run(paste(face_tile(120), 360, 120, 120, 0)).faces == 1);
}

TEST_CASE("faces touching and crossing the image border") {
  const Image tile = face_tile(160);
  CHECK(run(paste(tile, 320, 320, 80, 80)).faces == 1);  // reference: fully inside
  // (The face box is ~2/3 of the tile: at offset -40 about a quarter of the face lies outside.)
  // Touching each border, then cut by 25 % of the face on each side: found, with finite landmarks
  // (FaceMesh's crop replicates the border pixels).
  for (auto o : {std::pair{0, 80}, std::pair{160, 80}, std::pair{80, 0}, std::pair{80, 160},
                 std::pair{-40, 80}, std::pair{200, 80}, std::pair{80, -40}, std::pair{80, 200}, std::pair{-40, -40}}) {
    const int ox = o.first, oy = o.second;
    CAPTURE(ox);
    CAPTURE(oy);
    const Outcome r = run(paste(tile, 320, 320, ox, oy));
    CHECK(r.faces == 1);
    CHECK(r.meshes == r.faces);
  }
  // Mostly outside (only 20 % of the face visible): any answer is fine, as long as it is clean.
  (void)run(paste(tile, 320, 320, -128, 80));
  (void)run(paste(tile, 320, 320, 80, 288));
}

TEST_CASE("50 faces in one image: results bounded by the output span") {
  // The detector sees the whole image letterboxed to 128 x 128, so 50 equal faces are ~10 px each, below
  // BlazeFace short-range's smallest anchor: a 10 x 5 grid gives a clean, possibly empty answer. With two
  // large faces among 48 small ones it must find the large ones, and never write more than it was given.
  const Image small = face_tile(48), large = face_tile(256);
  Image grid(480, 240);
  for (int k = 0; k < 50; ++k)
    for (int y = 0; y < 48; ++y)
      for (int x = 0; x < 48; ++x)
        for (int c = 0; c < 3; ++c) grid.mutable_view().pixel((k % 10) * 48 + x, (k / 10) * 48 + y)[c] = small.view().pixel(x, y)[c];
  const Outcome uniform = run(grid, 64);
  CHECK(uniform.faces <= 50);

  Image mixed(512, 512, facenn::Rgb{128, 128, 128});
  auto put = [&mixed](const Image& t, int ox, int oy) {
    for (int y = 0; y < t.height(); ++y)
      for (int x = 0; x < t.width(); ++x)
        for (int c = 0; c < 3; ++c) mixed.mutable_view().pixel(ox + x, oy + y)[c] = t.view().pixel(x, y)[c];
  };
  put(large, 0, 0);
  put(large, 0, 256);
  for (int k = 0; k < 48; ++k) put(small, 256 + (k % 5) * 48 + 8, (k / 5) * 48 + 8);  // 5 x 10 on the right
  const Outcome all = run(mixed, 64);
  MESSAGE("50 faces: 10 x 5 grid of 48 px -> ", uniform.faces, " detections; 2 large + 48 small -> ", all.faces);
  CHECK(all.faces >= 2);
  CHECK(all.faces <= 50);
  CHECK(all.meshes == all.faces);
  for (std::size_t cap : {std::size_t{1}, std::size_t{2}}) {
    const Outcome capped = run(mixed, cap);
    CHECK(capped.faces == std::min(cap, all.faces));
  }
}

TEST_CASE("NaN and infinity in float network inputs are refused") {
  using NF = facenn::test::tiny::Net<facenn::Float>;
  facenn::TensorBuffer<NF::input_spec> in;
  for (std::size_t i = 0; i < in.data.size(); ++i) in.data[i] = 0.01f * static_cast<float>(i % 7);
  facenn::OutputBuffers<NF> out;
  static NF::Arena arena;
  REQUIRE(NF{}.infer(in.view(), out.views(), arena) == Status::Ok);
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    for (std::size_t at : {std::size_t{0}, in.data.size() / 2, in.data.size() - 1}) {
      auto copy = in;
      copy.data[at] = bad;
      CHECK(NF{}.infer(copy.view(), out.views(), arena) == Status::NonFinite);
    }
  }
  // Largest finite values are accepted (saturating arithmetic is the network's business).
  auto big = in;
  big.data[3] = std::numeric_limits<float>::max();
  big.data[4] = -std::numeric_limits<float>::max();
  CHECK(NF{}.infer(big.view(), out.views(), arena) == Status::Ok);
}

TEST_CASE("NaN and infinity in raw detector outputs never become detections") {
  std::vector<float> s16(512, -10.0f), r16(512 * 16, 0.0f), s8(384, -10.0f), r8(384 * 16, 0.0f);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  s16[7] = nan;
  s16[9] = inf;  // a certain face, whose box is NaN
  r16[9 * 16 + 2] = nan;
  s16[11] = inf;  // a certain face with an infinite box
  r16[11 * 16 + 3] = inf;
  s8[5] = 10.0f;  // one good face
  for (std::size_t k = 0; k < 16; ++k) r8[5 * 16 + k] = k < 4 ? (k < 2 ? 0.0f : 20.0f) : 1.0f;
  det::BlazeFaceScratch scratch;
  std::array<det::Detection, 8> out{};
  auto n = det::decode_blazeface({s16, r16, s8, r8}, out, scratch);
  REQUIRE(n.has_value());
  for (std::size_t i = 0; i < *n; ++i) {
    CHECK(std::isfinite(out[i].xmin));
    CHECK(std::isfinite(out[i].ymin));
    CHECK(std::isfinite(out[i].width));
    CHECK(std::isfinite(out[i].height));
    CHECK(std::isfinite(out[i].score));
    for (const auto& k : out[i].keypoints) CHECK((std::isfinite(k.x) && std::isfinite(k.y)));
  }
  CHECK(*n >= 1);  // the good face survives
}
