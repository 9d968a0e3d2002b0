// The landmark scheme tables (include/facenn/landmarks/schemes.hpp): the mirror maps are involutions and
// agree with the geometry of MediaPipe's canonical face through the vertex maps.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>

#include <facenn/geometry/canonical_face.hpp>  // plain arrays, no Eigen
#include <facenn/landmarks/schemes.hpp>

namespace lm = facenn::landmarks;
namespace cf = facenn::geometry::canonical_face;

namespace {
// vertex b is the left/right mirror image of vertex a in the canonical face (x negated)
bool mirror_vertices(std::size_t a, std::size_t b) {
  return std::abs(cf::kVertices[a][0] + cf::kVertices[b][0]) < 1e-5f &&
         std::abs(cf::kVertices[a][1] - cf::kVertices[b][1]) < 1e-5f &&
         std::abs(cf::kVertices[a][2] - cf::kVertices[b][2]) < 1e-5f;
}

template <std::size_t N, class M, class V>
void check_mirror_map(const M& mirror, const V& vertex, int expected_fixed) {
  int fixed = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const std::size_t j = mirror[i];
    CAPTURE(i);
    REQUIRE(j < N);
    CHECK(mirror[j] == i);                                   // an involution
    CHECK(mirror_vertices(vertex[i], vertex[j]));            // geometrically the mirror point
    if (j == i) {
      ++fixed;
      CHECK(cf::kVertices[vertex[i]][0] == 0.0f);            // on the symmetry axis
    }
  }
  CHECK(fixed == expected_fixed);
}
}  // namespace

TEST_CASE("68-point mirror map") {
  // on the axis: chin 8, nose bridge 27-30, septum 33, lip centres 51 57 62 66
  check_mirror_map<lm::kPoints68>(lm::kPoints68Mirror, lm::kPoints68Vertex, 10);
}

TEST_CASE("35-point mirror map") {
  // on the axis: nose tip p4, septum p5, lip centres p10 p11, chin p26
  check_mirror_map<lm::kPoints35>(lm::kPoints35Mirror, lm::kPoints35Vertex, 5);
}

TEST_CASE("vertex maps stay inside the mesh and are injective") {
  bool seen[lm::kFaceMeshPoints] = {};
  for (auto v : lm::kPoints68Vertex) {
    REQUIRE(v < lm::kFaceMeshPoints);
    CHECK_FALSE(seen[v]);
    seen[v] = true;
  }
  bool seen35[lm::kFaceMeshPoints] = {};
  for (auto v : lm::kPoints35Vertex) {
    REQUIRE(v < lm::kFaceMeshPoints);
    CHECK_FALSE(seen35[v]);
    seen35[v] = true;
  }
}
