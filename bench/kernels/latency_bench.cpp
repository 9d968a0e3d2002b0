// Per-inference latency of facenn on FaceMesh-468 and BlazeFace-128, measured the way the peers' runner
// (../shared/peers/tools/bench.js) measures ONNX Runtime: warm-up, then one clock reading around each
// inference, and the median over the iterations. bench/compare uses it so that both sides get the same
// statistic (a median of single inferences is robust to the preemptions of a shared machine; the mean
// over a batch that Google Benchmark reports is not).
//
// Also the per-inference CPU time of the process (CLOCK_PROCESS_CPUTIME_ID, as node's process.cpuUsage()
// in bench/ort_cpu.js), which a loaded machine does not inflate.
//
//   bench_latency_<isa> [iterations=100] [--reference]  -> JSON lines {"model", "runtime", "median_ms",
//                                                          "cpu_median_ms", "min_ms", ...}
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <facenn/kernels/simd/backend.hpp>
#include <facenn/models/blazeface128.hpp>
#include <facenn/models/facemesh468.hpp>

namespace {

using namespace facenn;

double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

template <class Net, class Backend>
void run(const char* model, const std::string& runtime, int iterations) {
  auto arena = std::make_unique<typename Net::Arena>();
  auto input = std::make_unique<TensorBuffer<typename Net::input_spec>>();
  auto out = std::make_unique<OutputBuffers<Net>>();
  std::mt19937 rng(9);
  for (auto& x : input->data) x = static_cast<std::int8_t>(static_cast<int>(rng() % 256u) - 128);
  const int warm = std::max(3, std::min(10, iterations / 5));  // as bench.js
  std::vector<double> ms, cpu;
  for (int i = 0; i < warm + iterations; ++i) {
    const double c0 = process_cpu_ms();
    const auto t0 = std::chrono::steady_clock::now();
    const Status s = Net{}.template infer<Backend>(input->view(), out->views(), *arena);
    const double dt = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const double dc = process_cpu_ms() - c0;
    if (s != Status::Ok) std::exit(1);
    if (i >= warm) {
      ms.push_back(dt);
      cpu.push_back(dc);
    }
  }
  std::printf("{\"model\": \"%s\", \"runtime\": \"%s\", \"median_ms\": %.4f, \"cpu_median_ms\": %.4f, \"min_ms\": %.4f, "
              "\"iterations\": %d, \"threads\": 1}\n",
              model, runtime.c_str(), median_of(ms), median_of(cpu), *std::min_element(ms.begin(), ms.end()), iterations);
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
