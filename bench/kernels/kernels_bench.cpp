// kernels::Simd vs kernels::Reference: per-kernel throughput (GMAC/s and % of the int8 peak) on the
// shapes of FaceMesh / BlazeFace, the 56x56x128 -> 128 pointwise layer, and whole networks.
//
// Peak: measured at start-up, not assumed. `measure_peak_macs_per_second()` runs the ISA's own dot4
// (AVX-512 VNNI: one vpdpbusd = 64 int8 MAC; AVX2 / SSE4.1: the exact pmaddwd emulation the kernels use)
// on enough independent accumulators to hide its latency, and keeps the best of several runs: "%peak"
// is the kernel's MAC rate over that. For reference the nominal figures: 2 x vpdpbusd zmm per cycle =
// 128 MAC/cycle (Zen 4/5, Ice Lake+ with two 512-bit ports); the clock (a chain of dependent adds) and
// the measured MAC/cycle are printed in the context block.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <facenn/kernels/simd/backend.hpp>
#include <facenn/kernels/simd/network_backend.hpp>
#include <facenn/models/facemesh468.hpp>
#if __has_include(<facenn/models/blazeface128.hpp>)
#include <facenn/models/blazeface128.hpp>
#define FACENN_BENCH_HAVE_BLAZEFACE 1
#endif

using namespace facenn;
using namespace facenn::kernels;

namespace {

using Isa = Simd::isa;
constexpr double kNominalPeakMacPerCycle = Isa::lanes == 16 ? 128.0 : (Isa::lanes == 8 ? 32.0 : 16.0);

// Makes the compiler forget what it knows about v (no instruction): the loop below cannot hoist the
// emulated dot4's input splitting, or fold the repeated products, out of the loop.
template <class V>
inline void opaque(V& v) {
  auto r = static_cast<typename V::register_type>(v);
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("" : "+v"(r));
#elif defined(__aarch64__)
  asm volatile("" : "+w"(r));
#else
  benchmark::DoNotOptimize(r);
#endif
  v = r;
}

// The peak kernel: kPeakSteps x kPeakChains independent Isa::dot4 accumulations shaped like a conv tile's
// inner step: one activation vector shared by all chains, each chain its own weight vector read from
// (L1) memory. vpdpbusd: latency 4-5 cycles at 2 per cycle needs >= 10 in flight; 16 accumulators use
// half the zmm registers, 8 use half of AVX2's ymm. Returns the MACs done.
constexpr int kPeakChains = Isa::lanes == 16 ? 16 : 8;
constexpr std::int64_t kPeakSteps = std::int64_t{1} << 16;
double run_dot4_chains() {
  using V = Isa::V;
  alignas(64) static std::array<std::int32_t, kPeakChains * Isa::lanes> weights = [] {
    std::array<std::int32_t, kPeakChains * Isa::lanes> w{};
    std::uint32_t s = 7;
    for (auto& x : w) {
      s = s * 1664525u + 1013904223u;
      x = static_cast<std::int32_t>(s);  // 4 arbitrary int8 weights per lane
    }
    return w;
  }();
  V x(0x01020304);
  std::array<V, kPeakChains> acc;
  for (auto& a : acc) a = V(0);
  for (std::int64_t i = 0; i < kPeakSteps; ++i) {
    opaque(x);
    const std::int32_t* w = weights.data();
    asm volatile("" : "+r"(w));  // the weights are read again every step, as a tile reads packed weights
    for (std::size_t c = 0; c < acc.size(); ++c) acc[c] = Isa::dot4(acc[c], x, Isa::load_s32(w + c * Isa::lanes));
  }
  V sum(0);
  for (const auto& a : acc) sum += a;  // one escaping value: the accumulators stay in registers
  auto r = static_cast<typename V::register_type>(sum);
  benchmark::DoNotOptimize(r);
  return static_cast<double>(kPeakSteps) * kPeakChains * Isa::lanes * 4;
}

// Best of 5 x 32 runs at start-up: the denominator of "%peak". A loaded machine (or an SMT sibling at
// work) moves it; the `peak/dot4` benchmark row measures the same loop interleaved with the kernels
// (--benchmark_enable_random_interleaving), and the ratio of the two rows' GMAC/s is the robust figure.
double measure_peak_macs_per_second() {
  static const double peak = [] {
    double best = 0.0;
    for (int rep = 0; rep < 5; ++rep) {
      double macs = 0.0;
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < 32; ++i) macs += run_dot4_chains();
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best = std::max(best, macs / s);
    }
    return best;
  }();
  return peak;
}

void BM_Dot4Peak(benchmark::State& state) {
  double macs = 0.0;
  for (auto _ : state) macs = run_dot4_chains();
  state.counters["GMAC/s"] = benchmark::Counter(macs * static_cast<double>(state.iterations()) / 1e9,
                                                benchmark::Counter::kIsRate);
}

double measure_ghz() {
  static const double ghz = [] {
    std::uint64_t x = 1;
    const std::uint64_t n = 400'000'000;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < n; ++i) {
      x += i;
      benchmark::DoNotOptimize(x);  // one dependent add per iteration (plus the loop, in parallel)
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return static_cast<double>(n) / s / 1e9;
  }();
  return ghz;
}

std::vector<std::int8_t> random_s8(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(d(rng));
  return v;
}

constexpr std::uint32_t lcg_next(std::uint32_t& s) {
  s = s * 1664525u + 1013904223u;
  return s >> 8;
}

// A synthetic generated-weights struct (contract.md §3 subset) for the packed entry points.
template <std::uint32_t Seed, int KH, int KW, int CIN, int COUT>
struct W {
  static constexpr int kernel_h = KH, kernel_w = KW, in_channels = CIN, out_channels = COUT;
  struct input_quant {
    static constexpr float scale = 0.02f;
    static constexpr std::int32_t zero_point = -3;
  };
  static constexpr std::size_t n = static_cast<std::size_t>(KH * KW * CIN * COUT);
  static constexpr std::array<std::int8_t, n> filter_arr = [] {
    std::array<std::int8_t, n> a{};
    std::uint32_t s = Seed;
    for (auto& x : a) x = static_cast<std::int8_t>(static_cast<int>(lcg_next(s) % 255u) - 127);
    return a;
  }();
  static constexpr const std::int8_t* filter = filter_arr.data();
  static constexpr std::array<std::int32_t, COUT> bias_arr{};
  static constexpr const std::int32_t* bias = bias_arr.data();
};

struct Stage {
  std::vector<std::int32_t> m, s, nm, ns;
  Int8OutputStage st{};
  Stage(int c, bool prelu) : m(static_cast<std::size_t>(c), 1518500250), s(static_cast<std::size_t>(c), -9) {
    st.multiplier = m.data();
    st.shift = s.data();
    if (prelu) {
      nm.assign(static_cast<std::size_t>(c), -1073741824);
      ns.assign(static_cast<std::size_t>(c), -11);
      st.neg_multiplier = nm.data();
      st.neg_shift = ns.data();
    }
  }
};

void set_counters(benchmark::State& state, double macs) {
  const double gmacs = macs * static_cast<double>(state.iterations()) / 1e9;
  state.counters["GMAC/s"] = benchmark::Counter(gmacs, benchmark::Counter::kIsRate);
  state.counters["MAC/cyc"] = benchmark::Counter(gmacs / measure_ghz(), benchmark::Counter::kIsRate);
  state.counters["%peak"] =
      benchmark::Counter(gmacs * 1e9 / measure_peak_macs_per_second() * 100.0, benchmark::Counter::kIsRate);
}

enum class Path { Reference, SimdUnpacked, SimdPacked };

template <class Wt, Path P>
void BM_Conv(benchmark::State& state, int in_h, int in_w, int stride, int pad, bool prelu) {
  const int out_h = (in_h + 2 * pad - Wt::kernel_h) / stride + 1 + (pad > 0 && stride == 2 ? 0 : 0);
  const int out_w = (in_w + 2 * pad - Wt::kernel_w) / stride + 1;
  const ConvGeometry g{in_h, in_w, Wt::in_channels, out_h, out_w, Wt::out_channels, Wt::kernel_h, Wt::kernel_w,
                       stride, stride, pad, pad};
  const auto in = random_s8(static_cast<std::size_t>(in_h * in_w * Wt::in_channels), 1);
  std::vector<std::int8_t> out(static_cast<std::size_t>(out_h * out_w * Wt::out_channels));
  Stage st(Wt::out_channels, prelu);
  const std::int32_t zp = Wt::input_quant::zero_point;
  for (auto _ : state) {
    if constexpr (P == Path::Reference) Reference::conv2d_s8(g, in.data(), zp, Wt::filter, Wt::bias, st.st, out.data());
    if constexpr (P == Path::SimdUnpacked) Simd::conv2d_s8(g, in.data(), zp, Wt::filter, Wt::bias, st.st, out.data());
    if constexpr (P == Path::SimdPacked) {
      Simd::template conv2d_s8<Wt>(g, in.data(), zp, Wt::filter, Wt::bias, st.st, out.data());
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, static_cast<double>(out_h) * out_w * Wt::out_channels * Wt::kernel_h * Wt::kernel_w *
                          Wt::in_channels);
}

template <class B>
void BM_Depthwise(benchmark::State& state) {
  const int h = static_cast<int>(state.range(0)), c = static_cast<int>(state.range(1));
  const int k = static_cast<int>(state.range(2)), stride = static_cast<int>(state.range(3));
  const int out = (h + stride - 1) / stride;
  const int pad = std::max(0, ((out - 1) * stride + k - h) / 2);
  const ConvGeometry g{h, h, c, out, out, c, k, k, stride, stride, pad, pad};
  const auto in = random_s8(static_cast<std::size_t>(h * h * c), 2);
  const auto w = random_s8(static_cast<std::size_t>(k * k * c), 3);
  std::vector<std::int32_t> bias(static_cast<std::size_t>(c), 100);
  std::vector<std::int8_t> o(static_cast<std::size_t>(out * out * c));
  Stage st(c, false);
  for (auto _ : state) {
    B::depthwise_conv2d_s8(g, in.data(), 5, w.data(), bias.data(), st.st, o.data());
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, static_cast<double>(out) * out * c * k * k);
  state.counters["Gout/s"] = benchmark::Counter(static_cast<double>(o.size()) * static_cast<double>(state.iterations()) / 1e9,
                                                benchmark::Counter::kIsRate);
}

template <class B>
void BM_AddPRelu(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const int c = static_cast<int>(state.range(1));
  const auto a = random_s8(n, 4), b = random_s8(n, 5);
  std::vector<std::int8_t> o(n);
  const AddParams p{-3, 7, 1073741824, -1, 1518500250, -1, 20};
  Stage st(1, false);
  std::vector<std::int32_t> nm(static_cast<std::size_t>(c), 1300000000), ns(static_cast<std::size_t>(c), -22);
  st.st.per_channel = false;
  st.st.neg_multiplier = nm.data();
  st.st.neg_shift = ns.data();
  st.s[0] = -20;
  for (auto _ : state) {
    B::add_s8(n, c, a.data(), b.data(), p, st.st, o.data());
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  state.counters["Gelem/s"] = benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}

template <class B>
void BM_MaxPool(benchmark::State& state) {
  const int h = static_cast<int>(state.range(0)), c = static_cast<int>(state.range(1));
  const PoolGeometry g{h, h, c, h / 2, h / 2, 2, 2, 2, 2, 0, 0};
  const auto in = random_s8(static_cast<std::size_t>(h * h * c), 6);
  std::vector<std::int8_t> o(static_cast<std::size_t>(h / 2 * h / 2 * c));
  for (auto _ : state) {
    B::max_pool(g, in.data(), o.data());
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  state.counters["Gelem/s"] = benchmark::Counter(static_cast<double>(in.size()) * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}

template <class B>
void BM_FullyConnected(benchmark::State& state) {
  const int n_in = static_cast<int>(state.range(0)), n_out = static_cast<int>(state.range(1));
  const auto in = random_s8(static_cast<std::size_t>(n_in), 7);
  const auto w = random_s8(static_cast<std::size_t>(n_in) * static_cast<std::size_t>(n_out), 8);
  std::vector<std::int32_t> bias(static_cast<std::size_t>(n_out), 0);
  std::vector<std::int8_t> o(static_cast<std::size_t>(n_out));
  Stage st(n_out, false);
  for (auto _ : state) {
    B::fully_connected_s8(n_in, n_out, in.data(), 3, w.data(), bias.data(), st.st, o.data());
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, static_cast<double>(n_in) * n_out);
}

template <class Net, class B>
void BM_Network(benchmark::State& state, double macs) {
  auto arena = std::make_unique<typename Net::Arena>();
  auto input = std::make_unique<TensorBuffer<typename Net::input_spec>>();
  auto out = std::make_unique<OutputBuffers<Net>>();
  const auto r = random_s8(input->data.size(), 9);
  std::copy(r.begin(), r.end(), input->data.begin());
  for (auto _ : state) {
    benchmark::DoNotOptimize(Net{}.template infer<B>(input->view(), out->views(), *arena));
    benchmark::ClobberMemory();
  }
  set_counters(state, macs);
}

using W56 = W<1, 1, 1, 128, 128>;
using W96 = W<2, 1, 1, 16, 16>;
using W48 = W<3, 1, 1, 32, 32>;
using W24 = W<4, 1, 1, 64, 64>;
using WFirst3 = W<5, 3, 3, 3, 16>;
using WFirst5 = W<6, 5, 5, 3, 24>;
using WBlaze64 = W<7, 1, 1, 24, 24>;

}  // namespace

template <class Wt>
void register_conv(const std::string& name, int h, int w, int s, int p, bool prelu) {
  benchmark::RegisterBenchmark(("conv/" + name + "/reference").c_str(), BM_Conv<Wt, Path::Reference>, h, w, s, p, prelu)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(("conv/" + name + "/simd_unpacked").c_str(), BM_Conv<Wt, Path::SimdUnpacked>, h, w, s, p,
                               prelu)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(("conv/" + name + "/simd_packed").c_str(), BM_Conv<Wt, Path::SimdPacked>, h, w, s, p,
                               prelu)
      ->Unit(benchmark::kMicrosecond);
}

void register_all() {
  benchmark::RegisterBenchmark("peak/dot4", BM_Dot4Peak)->Unit(benchmark::kMicrosecond);
  register_conv<W56>("pw_56x56x128_to_128", 56, 56, 1, 0, false);
  register_conv<W96>("pw_96x96x16_to_16", 96, 96, 1, 0, false);
  register_conv<W48>("pw_48x48x32_to_32", 48, 48, 1, 0, false);
  register_conv<W24>("pw_24x24x64_to_64", 24, 24, 1, 0, false);
  register_conv<WBlaze64>("pw_64x64x24_to_24", 64, 64, 1, 0, false);
  register_conv<WFirst3>("3x3s2_192x192x3_to_16_prelu", 192, 192, 2, 0, true);
  register_conv<WFirst5>("5x5s2_128x128x3_to_24", 128, 128, 2, 1, false);
  const auto us = benchmark::kMicrosecond;
  benchmark::RegisterBenchmark("dw/reference", BM_Depthwise<Reference>)->Args({96, 16, 3, 1})->Unit(us);
  benchmark::RegisterBenchmark("dw/simd", BM_Depthwise<Simd>)
      ->Args({96, 16, 3, 1})->Args({48, 32, 3, 1})->Args({24, 64, 3, 1})->Args({12, 128, 3, 1})
      ->Args({96, 16, 3, 2})->Args({64, 24, 3, 1})->Args({64, 24, 5, 1})->Unit(us);
  benchmark::RegisterBenchmark("add_prelu/reference", BM_AddPRelu<Reference>)->Args({96 * 96 * 16, 16})->Unit(us);
  benchmark::RegisterBenchmark("add_prelu/simd", BM_AddPRelu<Simd>)->Args({96 * 96 * 16, 16})->Args({12 * 12 * 128, 128})->Unit(us);
  benchmark::RegisterBenchmark("maxpool2x2/reference", BM_MaxPool<Reference>)->Args({96, 16})->Unit(us);
  benchmark::RegisterBenchmark("maxpool2x2/simd", BM_MaxPool<Simd>)->Args({96, 16})->Args({24, 64})->Unit(us);
  benchmark::RegisterBenchmark("fc/reference", BM_FullyConnected<Reference>)->Args({288, 1404})->Unit(us);
  benchmark::RegisterBenchmark("fc/simd_unpacked", BM_FullyConnected<Simd>)->Args({288, 1404})->Args({1024, 128})->Unit(us);
  benchmark::RegisterBenchmark("net/facemesh468/reference", BM_Network<models::FaceMesh468Net<Int8>, Reference>, 34.979e6)->Unit(us);
  benchmark::RegisterBenchmark("net/facemesh468/simd", BM_Network<models::FaceMesh468Net<Int8>, Simd>, 34.979e6)->Unit(us);
  benchmark::RegisterBenchmark("net/facemesh468/simd_packed",
                               BM_Network<models::FaceMesh468Net<Int8>, SimdFor<models::FaceMesh468Net<Int8>>>, 34.979e6)
      ->Unit(us);
#if defined(FACENN_BENCH_HAVE_BLAZEFACE)
  benchmark::RegisterBenchmark("net/blazeface128/reference", BM_Network<models::BlazeFace128Net<Int8>, Reference>, 30.76e6)->Unit(us);
  benchmark::RegisterBenchmark("net/blazeface128/simd", BM_Network<models::BlazeFace128Net<Int8>, Simd>, 30.76e6)->Unit(us);
  benchmark::RegisterBenchmark("net/blazeface128/simd_packed",
                               BM_Network<models::BlazeFace128Net<Int8>, SimdFor<models::BlazeFace128Net<Int8>>>, 30.76e6)
      ->Unit(us);
#endif
}

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("isa", Isa::name);
  benchmark::AddCustomContext("measured_ghz", std::to_string(measure_ghz()));
  benchmark::AddCustomContext("measured_peak_gmac_per_s", std::to_string(measure_peak_macs_per_second() / 1e9));
  benchmark::AddCustomContext("measured_peak_mac_per_cycle", std::to_string(measure_peak_macs_per_second() / 1e9 / measure_ghz()));
  benchmark::AddCustomContext("nominal_peak_mac_per_cycle", std::to_string(kNominalPeakMacPerCycle));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
