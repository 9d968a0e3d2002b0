// Shared by the face-api model tests: golden files (models/<model>/golden/*.bin, raw little-endian) and a
// runner that owns arena, input and output on the heap (the embedder's arena is several MB).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <facenn/core.hpp>

namespace facenn::faceapi_test {

inline std::string golden_path(const char* model, const std::string& name) {
  return std::string(FACENN_SOURCE_DIR) + "/models/" + model + "/golden/" + name + ".bin";
}

// The whole file as elements of T (empty if unreadable or not a multiple of sizeof(T)).
template <class T>
std::vector<T> read_golden(const char* model, const std::string& name) {
  std::ifstream f(golden_path(model, name), std::ios::binary | std::ios::ate);
  if (!f) return {};
  const auto bytes = static_cast<std::size_t>(f.tellg());
  if (bytes % sizeof(T) != 0) return {};
  std::vector<T> out(bytes / sizeof(T));
  f.seekg(0);
  f.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(bytes));
  return out;
}

template <class Net>
struct Runner {
  std::unique_ptr<typename Net::Arena> arena = std::make_unique<typename Net::Arena>();
  std::unique_ptr<TensorBuffer<typename Net::input_spec>> input =
      std::make_unique<TensorBuffer<typename Net::input_spec>>();
  std::unique_ptr<OutputBuffers<Net>> out = std::make_unique<OutputBuffers<Net>>();

  Status run() { return Net{}.infer(input->view(), out->views(), *arena); }
  auto output() const {
    const auto& d = out->template get<0>().data;
    return std::vector<typename std::decay_t<decltype(d)>::value_type>(d.begin(), d.end());
  }
};

// max |a - b| / max |b|
inline double relative_error(const std::vector<float>& a, const std::vector<float>& b) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    num = std::max(num, std::abs(double(a[i]) - double(b[i])));
    den = std::max(den, std::abs(double(b[i])));
  }
  return den > 0.0 ? num / den : num;
}

}  // namespace facenn::faceapi_test
