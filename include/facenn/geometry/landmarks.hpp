// facenn geometry: a non-owning view of landmarks as networks output them.
#pragma once

#include <Eigen/Core>
#include <cstddef>

namespace facenn::geometry {

// Point i is (data[i*stride], data[i*stride + 1]): stride 2 for (x, y), 3 for (x, y, z). Pixels in the
// pixel-centre convention ((0, 0) = centre of the top-left pixel).
struct LandmarkView {
  const float* data = nullptr;
  std::size_t count = 0;
  std::size_t stride = 2;

  bool valid() const noexcept { return data != nullptr && stride >= 2; }
  Eigen::Vector2d operator[](std::size_t i) const noexcept {
    return {static_cast<double>(data[i * stride]), static_cast<double>(data[i * stride + 1])};
  }
};

}  // namespace facenn::geometry
