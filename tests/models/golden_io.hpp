// Reading the converters' golden files (models/<model>/golden/*.bin: raw little-endian arrays).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <facenn/core/network.hpp>
#include <facenn/core/tensor.hpp>
#include <facenn/hosted/heap_network.hpp>

namespace facenn::test {

inline std::string model_golden(const char* model, const std::string& name) {
  return std::string(FACENN_SOURCE_DIR) + "/models/" + model + "/golden/" + name + ".bin";
}

// The whole file as elements of T (empty vector if it cannot be read or its size is not a multiple).
template <class T>
std::vector<T> read_raw(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return {};
  const auto bytes = static_cast<std::size_t>(f.tellg());
  if (bytes % sizeof(T) != 0) return {};
  std::vector<unsigned char> raw(bytes);
  f.seekg(0);
  f.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(bytes));
  std::vector<T> out(bytes / sizeof(T));
  // the files are little-endian; so is every platform the tests run on (checked in the test)
  if (bytes != 0) std::memcpy(out.data(), raw.data(), bytes);
  return out;
}

// The one runner every model test uses: the network on the heap (some arenas are larger than a test
// thread's stack), outputs read back as vectors to compare with golden files.
template <class Net>
struct GoldenRunner : hosted::HeapNetwork<Net> {
  template <std::size_t I = 0>
  auto output() const {
    const auto& d = hosted::HeapNetwork<Net>::template output<I>();
    return std::vector<typename std::decay_t<decltype(d)>::value_type>(d.begin(), d.end());
  }
};

// max |got - want| / max |want| over want.size() values
inline double relative_error(const float* got, const std::vector<float>& want) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    num = std::max(num, std::abs(double(got[i]) - double(want[i])));
    den = std::max(den, std::abs(double(want[i])));
  }
  return den > 0.0 ? num / den : num;
}
inline double relative_error(const std::vector<float>& got, const std::vector<float>& want) {
  return got.size() < want.size() ? std::numeric_limits<double>::infinity() : relative_error(got.data(), want);
}

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace facenn::test
