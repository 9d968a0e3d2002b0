// Per-inference latency of facenn on FaceMesh-468 and BlazeFace-128, measured the way the peers' runner
// (../shared/peers/tools/bench.js) measures ONNX Runtime: warm-up, then one clock reading around each
// inference, and the median over the iterations. bench/compare uses it so that both sides get the same
// statistic (a median of single inferences is robust to the preemptions of a shared machine; the mean
// over a batch that Google Benchmark reports is not).
//
//   bench_latency_<isa> [iterations=100]     -> JSON lines {"model", "runtime", "median_ms", "min_ms", ...}
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <facenn/kernels/simd/backend.hpp>
#include <facenn/models/blazeface128.hpp>
#include <facenn/models/facemesh468.hpp>

namespace {

using namespace facenn;

template <class Net, class Backend>
void run(const char* model, const std::string& runtime, int iterations) {
  auto arena = std::make_unique<typename Net::Arena>();
  auto input = std::make_unique<TensorBuffer<typename Net::input_spec>>();
  auto out = std::make_unique<OutputBuffers<Net>>();
  std::mt19937 rng(9);
  for (auto& x : input->data) x = static_cast<std::int8_t>(static_cast<int>(rng() % 256u) - 128);
  const int warm = std::max(3, std::min(10, iterations / 5));  // as bench.js
  std::vector<double> ms;
  for (int i = 0; i < warm + iterations; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const Status s = Net{}.template infer<Backend>(input->view(), out->views(), *arena);
    const double dt = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (s != Status::Ok) std::exit(1);
    if (i >= warm) ms.push_back(dt);
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
  std::printf("{\"model\": \"%s\", \"runtime\": \"%s\", \"median_ms\": %.4f, \"min_ms\": %.4f, \"iterations\": %d, "
              "\"threads\": 1}\n", model, runtime.c_str(), median, ms.front(), iterations);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 100;
  const bool reference = argc > 2 && std::string(argv[2]) == "--reference";
  // the ISA names of bench/compare's table: avx512vnni (+vbmi) or avx2
  const std::string isa = std::string(kernels::Simd::name).rfind("avx512", 0) == 0 ? "avx512vnni" : kernels::Simd::name;
  using FM = models::FaceMesh468Net<Int8>;
  using BF = models::BlazeFace128Net<Int8>;
  run<FM, kernels::Simd>("facemesh468", "facenn-int8-" + isa, iterations);
  run<BF, kernels::Simd>("blazeface128", "facenn-int8-" + isa, iterations);
  if (reference) {
    run<FM, kernels::Reference>("facemesh468", "facenn-int8-reference", std::max(3, iterations / 10));
    run<BF, kernels::Reference>("blazeface128", "facenn-int8-reference", std::max(3, iterations / 10));
  }
  return 0;
}
