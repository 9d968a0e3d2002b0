// The per-inference latency loop shared by the bench_latency_* executables (bench/compare): warm-up as the
// peers' tools/bench.js, then one wall-clock and one process-CPU-time reading around each inference, and the
// medians over the iterations, printed as one JSON line.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <facenn/core.hpp>
#include <facenn/hosted/heap_network.hpp>

namespace facenn::bench {

inline double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

inline double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// The command line of every bench_latency_* executable: [iterations=100] [--reference].
struct LatencyArgs {
  int iterations = 100;
  bool reference = false;  // also time kernels::Reference (a tenth of the iterations, at least 3)
  std::string runtime;     // "facenn-int8-<isa>" with the ISA names of bench/compare's table
  int reference_iterations() const { return std::max(3, iterations / 10); }
};

inline LatencyArgs parse_latency_args(int argc, char** argv, std::string_view simd_name) {
  LatencyArgs a;
  if (argc > 1) a.iterations = std::max(1, std::atoi(argv[1]));
  a.reference = argc > 2 && std::string_view(argv[2]) == "--reference";
  // avx512vnni (with or without +vbmi) or the ISA's own name (avx2, sse41, neon64)
  a.runtime = "facenn-int8-" + (simd_name.rfind("avx512", 0) == 0 ? std::string("avx512vnni") : std::string(simd_name));
  return a;
}

// Net<Int8> on Backend with a fixed random int8 input (int8 kernels take the same time for any input).
template <class Net, class Backend>
void run_latency(const char* model, const std::string& runtime, int iterations) {
  hosted::HeapNetwork<Net> net;
  std::mt19937 rng(9);
  for (auto& x : net.input->data) x = static_cast<std::int8_t>(static_cast<int>(rng() % 256u) - 128);
  const int warm = std::max(3, std::min(10, iterations / 5));  // as bench.js
  std::vector<double> ms, cpu;
  for (int i = 0; i < warm + iterations; ++i) {
    const double c0 = process_cpu_ms();
    const auto t0 = std::chrono::steady_clock::now();
    const Status s = net.template run<Backend>();
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

}  // namespace facenn::bench
