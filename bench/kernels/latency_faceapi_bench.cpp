// Per-inference latency of facenn on the face-api networks — landmarks68 (112x112), landmarks68_tiny
// (112x112) and the face embedder (150x150) — with the statistic of bench_latency_* (latency_common.hpp),
// for bench/compare. A separate executable from latency_bench.cpp because the embedder's TU (5.6 M int8
// weights packed at compile time) is slow to build.
//
//   bench_latency_faceapi_<isa> [iterations=100] [--reference]  -> JSON lines as bench_latency_<isa>
#include <facenn/kernels/simd/backend.hpp>
#include <facenn/models/face_embedder.hpp>
#include <facenn/models/landmarks68.hpp>
#include <facenn/models/landmarks68_tiny.hpp>

#include "latency_common.hpp"

int main(int argc, char** argv) {
  using namespace facenn;
  const bench::LatencyArgs args = bench::parse_latency_args(argc, argv, kernels::Simd::name);
  using L68 = models::Landmarks68Net<Int8>;
  using L68T = models::Landmarks68TinyNet<Int8>;
  using FE = models::FaceEmbedderNet<Int8>;
  bench::run_latency<L68, kernels::Simd>("landmarks68", args.runtime, args.iterations);
  bench::run_latency<L68T, kernels::Simd>("landmarks68_tiny", args.runtime, args.iterations);
  bench::run_latency<FE, kernels::Simd>("face_embedder", args.runtime, args.iterations);
  if (args.reference) {
    const int n = args.reference_iterations();
    bench::run_latency<L68, kernels::Reference>("landmarks68", "facenn-int8-reference", n);
    bench::run_latency<L68T, kernels::Reference>("landmarks68_tiny", "facenn-int8-reference", n);
    bench::run_latency<FE, kernels::Reference>("face_embedder", "facenn-int8-reference", n);
  }
  return 0;
}
