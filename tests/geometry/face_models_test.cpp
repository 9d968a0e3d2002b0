#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <facenn/geometry/face_models.hpp>

using namespace facenn::geometry;

TEST_CASE("canonical face: 468 vertices, 898 triangles, left/right symmetric") {
  static_assert(canonical_face::kNumVertices == 468);
  static_assert(canonical_face::kNumTriangles == 898);
  for (const auto& tri : canonical_face::kTriangles)
    for (auto v : tri) CHECK(v < 468);
  // eye corners mirror each other
  CHECK(canonical_face::kVertices[33][0] == -canonical_face::kVertices[263][0]);
  CHECK(canonical_face::kVertices[33][1] == canonical_face::kVertices[263][1]);
  CHECK(canonical_face::kVertices[33][0] < 0.0f);  // subject's right eye on the image left
  // camera-oriented frame: y down, z away from the camera (the nose tip is nearest the camera)
  CHECK(canonical_vertex(10).y() < canonical_vertex(152).y());  // forehead above the chin
  CHECK(canonical_vertex(1).z() < canonical_vertex(234).z());   // nose tip in front of the cheek
}

TEST_CASE("canonical face matches the reference dump (if ../shared is present)") {
  const std::string path = std::string(FACENN_SHARED_DIR) + "/peers/refs/canonical_face/canonical_mesh.bin";
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    MESSAGE("skipped: " << path << " not found");
    return;
  }
  std::vector<float> ref(468 * 5);
  f.read(reinterpret_cast<char*>(ref.data()), static_cast<std::streamsize>(ref.size() * sizeof(float)));
  REQUIRE(f.gcount() == static_cast<std::streamsize>(ref.size() * sizeof(float)));
  int diff = 0;
  for (std::size_t i = 0; i < 468; ++i) {
    for (std::size_t c = 0; c < 3; ++c) diff += canonical_face::kVertices[i][c] != ref[5 * i + c];
    for (std::size_t c = 0; c < 2; ++c) diff += canonical_face::kUV[i][c] != ref[5 * i + 3 + c];
  }
  CHECK(diff == 0);
}

TEST_CASE("68 and 35 point maps agree with the scorers' correspondences") {
  // ../shared/eval/score_landmarks.py SCHEMES['468'] (68 index -> FaceMesh vertex)
  const std::pair<int, int> s468[] = {{36, 33}, {39, 133}, {42, 362}, {45, 263}, {30, 1},   {33, 2}, {48, 61},
                                      {54, 291}, {51, 0},  {57, 17},  {62, 13},  {66, 14}, {8, 152}};
  for (auto [p, v] : s468) CHECK(kPoints68Vertex[static_cast<std::size_t>(p)] == v);
  // SCHEMES['35'] (68 index -> 35 index): same vertices through both maps
  const std::pair<int, int> s35[] = {{39, 0}, {36, 1}, {42, 2}, {45, 3},  {30, 4},  {33, 5},  {31, 6},
                                     {35, 7}, {48, 8}, {54, 9}, {51, 10}, {57, 11}, {8, 26}};
  for (auto [p68, p35] : s35) CHECK(kPoints35Vertex[static_cast<std::size_t>(p35)] == kPoints68Vertex[static_cast<std::size_t>(p68)]);
}

TEST_CASE("68 and 35 point maps are left/right mirror images") {
  const auto mirrored = [](int a, int b) {
    const auto &va = canonical_face::kVertices[a], &vb = canonical_face::kVertices[b];
    return std::abs(va[0] + vb[0]) < 1e-5f && std::abs(va[1] - vb[1]) < 1e-5f && std::abs(va[2] - vb[2]) < 1e-5f;
  };
  // 300-W mirror pairs (image left <-> image right); self-mirrored points map to x = 0
  const int pairs68[][2] = {{0, 16},  {1, 15},  {2, 14},  {3, 13},  {4, 12},  {5, 11},  {6, 10},  {7, 9},
                            {17, 26}, {18, 25}, {19, 24}, {20, 23}, {21, 22}, {31, 35}, {32, 34}, {36, 45},
                            {37, 44}, {38, 43}, {39, 42}, {40, 47}, {41, 46}, {48, 54}, {49, 53}, {50, 52},
                            {55, 59}, {56, 58}, {60, 64}, {61, 63}, {65, 67}};
  std::set<int> seen;
  for (const auto& p : pairs68) {
    CHECK_MESSAGE(mirrored(kPoints68Vertex[static_cast<std::size_t>(p[0])], kPoints68Vertex[static_cast<std::size_t>(p[1])]),
                  "68-point pair " << p[0] << "/" << p[1]);
    seen.insert(p[0]);
    seen.insert(p[1]);
  }
  for (int i = 0; i < 68; ++i)
    if (!seen.count(i)) CHECK_MESSAGE(canonical_face::kVertices[kPoints68Vertex[static_cast<std::size_t>(i)]][0] == 0.0f, "68-point " << i);
  const int pairs35[][2] = {{0, 2}, {1, 3}, {6, 7}, {8, 9}, {12, 17}, {13, 16}, {14, 15}};
  for (const auto& p : pairs35) CHECK(mirrored(kPoints35Vertex[static_cast<std::size_t>(p[0])], kPoints35Vertex[static_cast<std::size_t>(p[1])]));
  for (int k = 0; k < 8; ++k) CHECK(mirrored(kPoints35Vertex[static_cast<std::size_t>(18 + k)], kPoints35Vertex[static_cast<std::size_t>(34 - k)]));
}

TEST_CASE("face models: sizes and landmark indices") {
  for (const FaceModel& m : {facemesh_model(), facemesh_rigid_model(), facemesh_stable6_model(), points68_model(),
                             points68_rigid_model(), points35_model(), points35_rigid_model()}) {
    REQUIRE(m.points.size() == m.landmarks.size());
    std::set<int> unique;
    for (auto l : m.landmarks) {
      CHECK(l < m.min_landmarks);
      unique.insert(l);
    }
    CHECK(unique.size() == m.landmarks.size());
  }
  CHECK(facemesh_model().points.size() == 468);
  CHECK(facemesh_rigid_model().points.size() == 32);
  CHECK(points68_rigid_model().points.size() == 36);
  CHECK(points35_rigid_model().points.size() == 19);
  CHECK((points68_model().points[36] - canonical_vertex(33)).norm() == 0.0);
}
