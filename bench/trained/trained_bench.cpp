// One inference of landmarks35_60 / fpenet80 (trained here) next to FaceMesh-468, int8 with kernels::Simd (the
// best ISA this executable is compiled for) and kernels::Reference, one thread. Issue #10's speed criterion is
// landmarks35_60 int8 >= 3x faster than FaceMesh int8 on one core: compare BM_Landmarks35_60_Int8_Simd with
// BM_FaceMesh468_Int8_Simd (and _Hybrid, what the CLI runs). Results and the command: docs/models/landmarks35_60.md.
// Inputs are a fixed pseudo-random pattern (the int8 kernels' work does not depend on the values); the fpenet80
// rows include the 68-keypoint soft-argmax decoder (part of the model's cost), reported separately as well.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <type_traits>

#include <facenn/hosted/heap_network.hpp>
#include <facenn/kernels/simd/backend.hpp>
#include <facenn/kernels/simd/network_backend.hpp>
#include <facenn/models/facemesh468.hpp>
#include <facenn/models/fpenet80.hpp>
#include <facenn/models/landmarks35_60.hpp>

using namespace facenn;

namespace {

// The network on the heap with a fixed pseudo-random input.
template <class Net>
struct Buffers : hosted::HeapNetwork<Net> {
  Buffers() {
    std::uint32_t s = 12345u;
    for (auto& v : this->input->data) {
      s = s * 1664525u + 1013904223u;
      using V = std::remove_reference_t<decltype(v)>;
      if constexpr (std::is_same_v<V, float>) {
        v = static_cast<float>(s >> 24) / 255.0f - 0.5f;
      } else {
        v = static_cast<V>(static_cast<int>(s >> 24) - 128);
      }
    }
  }
};

template <class Net, class Backend>
void infer(benchmark::State& state) {
  Buffers<Net> b;
  for (auto _ : state) {
    const Status st = b.template run<Backend>();
    if (st != Status::Ok) {
      state.SkipWithError("inference failed");
      break;
    }
    benchmark::DoNotOptimize(b.template output<0>().data());
    benchmark::ClobberMemory();
  }
}

template <class Backend>
void fpenet80_with_decoder(benchmark::State& state) {
  using Net = models::Fpenet80Net<Int8>;
  Buffers<Net> b;
  models::Fpenet80Keypoint kp[models::kFpenet80Keypoints];
  for (auto _ : state) {
    const Status st = b.template run<Backend>();
    if (st != Status::Ok) {
      state.SkipWithError("inference failed");
      break;
    }
    models::fpenet80_decode(b.template output<0>().data(), kp);
    benchmark::DoNotOptimize(&kp[0]);
  }
}

void fpenet80_decoder_only(benchmark::State& state) {
  using Net = models::Fpenet80Net<Int8>;
  Buffers<Net> b;
  (void)b.template run<kernels::Simd>();
  models::Fpenet80Keypoint kp[models::kFpenet80Keypoints];
  for (auto _ : state) {
    models::fpenet80_decode(b.template output<0>().data(), kp);
    benchmark::DoNotOptimize(&kp[0]);
  }
}

using L35 = models::Landmarks35Net<Int8>;
using Mesh = models::FaceMesh468Net<Int8>;
using MeshHybrid = models::FaceMesh468HybridNet;

}  // namespace

BENCHMARK(infer<L35, kernels::SimdFor<L35>>)->Name("BM_Landmarks35_60_Int8_Simd")->Unit(benchmark::kMicrosecond);
BENCHMARK(infer<Mesh, kernels::SimdFor<Mesh>>)->Name("BM_FaceMesh468_Int8_Simd")->Unit(benchmark::kMicrosecond);
BENCHMARK(infer<MeshHybrid, kernels::Simd>)->Name("BM_FaceMesh468_Hybrid_Simd")->Unit(benchmark::kMicrosecond);
BENCHMARK(fpenet80_with_decoder<kernels::SimdFor<models::Fpenet80Net<Int8>>>)
    ->Name("BM_Fpenet80_Int8_Simd_Decoded")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(fpenet80_decoder_only)->Name("BM_Fpenet80_DecoderOnly")->Unit(benchmark::kMicrosecond);
BENCHMARK(infer<L35, kernels::Reference>)->Name("BM_Landmarks35_60_Int8_Reference")->Unit(benchmark::kMillisecond);
BENCHMARK(infer<Mesh, kernels::Reference>)->Name("BM_FaceMesh468_Int8_Reference")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
