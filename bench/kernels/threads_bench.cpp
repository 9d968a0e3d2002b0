// Two inferences on two threads, each with its own arena (issue #5: kernels stay single-threaded; the
// use case is one inference per core). Measures throughput with 1 thread and with 2 threads running the
// same network at the same time, and the scaling ratio (2.0 = perfect on two free cores).
//
//   bench_threads_<isa> [iterations per thread = 300]
//
// Also checks that both threads produce the same outputs as a single-threaded run (no shared state).
// On a shared machine the ratio is bounded by the cores actually free: the load average is printed.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <facenn/hosted/heap_network.hpp>
#include <facenn/kernels/simd/backend.hpp>
#include <facenn/models/blazeface128.hpp>
#include <facenn/models/facemesh468.hpp>

namespace {

using namespace facenn;
using Clock = std::chrono::steady_clock;

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

template <class Net>
struct Worker : hosted::HeapNetwork<Net> {  // its own arena
  double cpu_s = 0;
  bool ok = true;
  explicit Worker(unsigned seed) {
    std::mt19937 rng(seed);
    for (auto& x : this->input->data) x = static_cast<std::int8_t>(static_cast<int>(rng() % 256u) - 128);
  }
  void run_timed(int iterations) {
    const double c0 = thread_cpu_seconds();
    for (int i = 0; i < iterations; ++i) {
      ok = ok && this->template run<kernels::Simd>() == Status::Ok;
    }
    cpu_s = thread_cpu_seconds() - c0;
  }
};

template <class Net>
std::vector<std::int8_t> first_output(Worker<Net>& w) {
  const auto& o = w.template output<0>();
  return std::vector<std::int8_t>(o.begin(), o.end());
}

template <class Net>
void bench(const char* name, int iterations) {
  Worker<Net> a(1), b(1);
  a.run_timed(10);  // warm-up (page faults, caches)
  b.run_timed(10);
  const auto ref = first_output(a);

  auto t0 = Clock::now();
  a.run_timed(iterations);
  const double wall1 = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu1 = a.cpu_s;

  t0 = Clock::now();
  std::thread ta([&] { a.run_timed(iterations); });
  std::thread tb([&] { b.run_timed(iterations); });
  ta.join();
  tb.join();
  const double wall2 = std::chrono::duration<double>(Clock::now() - t0).count();
  const bool same = first_output(a) == ref && first_output(b) == ref && a.ok && b.ok;

  const double tp1 = iterations / wall1, tp2 = 2.0 * iterations / wall2;
  std::printf("%-13s 1 thread: %7.3f ms/inference wall, %7.3f ms CPU | 2 threads x 2 arenas: %7.3f ms/inference wall "
              "per thread, %7.3f / %7.3f ms CPU | throughput %6.0f -> %6.0f /s, scaling %.2fx | outputs %s\n",
              name, 1e3 * wall1 / iterations, 1e3 * cpu1 / iterations, 1e3 * wall2 / iterations,
              1e3 * a.cpu_s / iterations, 1e3 * b.cpu_s / iterations, tp1, tp2, tp2 / tp1,
              same ? "identical" : "DIFFERENT");
  if (!same) std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 300;
  std::string load = "?";
  if (std::ifstream f("/proc/loadavg"); f) std::getline(f, load);
  std::printf("kernels::Simd = %s, %u hardware threads, load average: %s\n", kernels::Simd::name,
              std::thread::hardware_concurrency(), load.c_str());
  bench<models::FaceMesh468Net<Int8>>("facemesh468", iterations);
  bench<models::BlazeFace128Net<Int8>>("blazeface128", iterations);
  return 0;
}
