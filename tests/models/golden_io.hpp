// Reading the converters' golden files (models/<model>/golden/*.bin: raw little-endian arrays).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

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

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace facenn::test
