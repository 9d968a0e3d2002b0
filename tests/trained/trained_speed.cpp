// Single-core inference time of the trained networks next to FaceMesh-468, same backends, same build.
// Not a test (timings are machine-dependent): ./tests/trained/trained_speed [repeats]
// Prints the median over the repeats of one inference per network and backend (input: a fixed pseudo-random
// pattern; the int8 kernels' work does not depend on the values).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <facenn/kernels/simd/backend.hpp>
#include <facenn/kernels/simd/network_backend.hpp>
#include <facenn/models/facemesh468.hpp>
#include <facenn/models/fpenet80.hpp>
#include <facenn/models/landmarks35_60.hpp>

using namespace facenn;

namespace {

template <class Net, class Backend>
double median_us(int repeats) {
  auto arena = std::make_unique<typename Net::Arena>();
  auto input = std::make_unique<TensorBuffer<typename Net::input_spec>>();
  auto out = std::make_unique<OutputBuffers<Net>>();
  std::uint32_t s = 12345u;
  for (auto& v : input->data) {
    s = s * 1664525u + 1013904223u;
    using V = std::remove_reference_t<decltype(v)>;
    if constexpr (std::is_same_v<V, float>) v = static_cast<float>(s >> 24) / 255.0f - 0.5f;
    else v = static_cast<V>(static_cast<int>(s >> 24) - 128);
  }
  std::vector<double> t;
  for (int r = 0; r < repeats + 3; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const Status st = Net{}.template infer<Backend>(input->view(), out->views(), *arena);
    const auto t1 = std::chrono::steady_clock::now();
    if (st != Status::Ok) std::abort();
    if (r >= 3) t.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

template <class Net>
void row(const char* name, double macs, int repeats) {
  using kernels::Reference;
  const double ref = median_us<Net, Reference>(repeats);
  if constexpr (std::is_same_v<typename Net::input_spec::element, Int8>) {
    const double simd = median_us<Net, kernels::SimdFor<Net>>(repeats);
    std::printf("| %-28s | %7.2f | %10.0f | %10.0f |\n", name, macs / 1e6, ref, simd);
  } else {
    std::printf("| %-28s | %7.2f | %10.0f | %10s |\n", name, macs / 1e6, ref, "-");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 30;
  std::printf("| network                      | M MACs  | reference us | simd us (%s) |\n", kernels::Simd::name);
  std::printf("|---|---|---|---|\n");
  row<models::Landmarks35Net<Int8>>("landmarks35_60 int8", 10.49e6, repeats);
  row<models::Landmarks35Net<Float>>("landmarks35_60 float", 10.49e6, repeats);
  row<models::Fpenet80Net<Int8>>("fpenet80 int8", 16.71e6, repeats);
  row<models::Fpenet80Net<Float>>("fpenet80 float", 16.71e6, repeats);
  row<models::FaceMesh468Net<Int8>>("facemesh468 int8", 34.98e6, repeats);
  row<models::FaceMesh468Net<Float>>("facemesh468 float", 34.98e6, repeats);
  return 0;
}
