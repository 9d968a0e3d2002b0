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
#include <facenn/kernels/simd/backend.hpp>
#include <facenn/models/blazeface128.hpp>
#include <facenn/models/facemesh468.hpp>

#include "latency_common.hpp"

int main(int argc, char** argv) {
  using namespace facenn;
  const bench::LatencyArgs args = bench::parse_latency_args(argc, argv, kernels::Simd::name);
  using FM = models::FaceMesh468Net<Int8>;
  using BF = models::BlazeFace128Net<Int8>;
  bench::run_latency<FM, kernels::Simd>("facemesh468", args.runtime, args.iterations);
  bench::run_latency<BF, kernels::Simd>("blazeface128", args.runtime, args.iterations);
  if (args.reference) {
    bench::run_latency<FM, kernels::Reference>("facemesh468", "facenn-int8-reference", args.reference_iterations());
    bench::run_latency<BF, kernels::Reference>("blazeface128", "facenn-int8-reference", args.reference_iterations());
  }
  return 0;
}
