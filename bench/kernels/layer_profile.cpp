// Per-layer profile of kernels::Simd on FaceMesh-468 and BlazeFace-128: a backend that forwards every int8
// call to Simd and times it, so the time of each layer (in call order) can be set against its MACs.
//
//   bench_layer_profile_<isa> [facemesh|blazeface] [iterations]
//
// Prints one line per kernel call: operator, shape, MACs (or elements), median µs over the iterations,
// GMAC/s, and the share of the network's total. Timing uses steady_clock around each call (~20 ns of
// overhead per call, negligible against the layers).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <facenn/hosted/heap_network.hpp>
#include <facenn/kernels/simd/backend.hpp>
#include <facenn/models/blazeface128.hpp>
#include <facenn/models/facemesh468.hpp>

namespace {

using namespace facenn;
using namespace facenn::kernels;
using Clock = std::chrono::steady_clock;

struct Record {
  std::string what;
  double macs = 0;  // MACs (convolutions) or elements (element-wise)
  std::vector<double> us;
};

struct Profile {
  std::vector<Record> records;
  std::size_t next = 0;
  void begin_inference() { next = 0; }
  void add(const char* op, const std::string& shape, double macs, double us) {
    if (next == records.size()) records.push_back(Record{std::string(op) + " " + shape, macs, {}});
    records[next++].us.push_back(us);
  }
};
Profile g_profile;

std::string conv_shape(const ConvGeometry& g) {
  char b[128];
  std::snprintf(b, sizeof b, "%dx%dx%d -> %dx%dx%d k%dx%d s%d", g.in_h, g.in_w, g.in_c, g.out_h, g.out_w, g.out_c,
                g.kernel_h, g.kernel_w, g.stride_h);
  return b;
}

template <class F>
void timed(const char* op, const std::string& shape, double macs, F&& f) {
  const auto t0 = Clock::now();
  f();
  const auto t1 = Clock::now();
  g_profile.add(op, shape, macs, std::chrono::duration<double, std::micro>(t1 - t0).count());
}

struct Timed : Simd {
  using Base = Simd;
  static double conv_macs(const ConvGeometry& g) {
    return static_cast<double>(g.out_h) * g.out_w * g.out_c * g.kernel_h * g.kernel_w * g.in_c;
  }
  static void conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t zp, const std::int8_t* w,
                        const std::int32_t* b, const Int8OutputStage& st, std::int8_t* out) noexcept {
    timed("conv(raw)", conv_shape(g), conv_macs(g), [&] { Base::conv2d_s8(g, in, zp, w, b, st, out); });
  }
  template <class W>
  static void conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t zp, const std::int8_t* w,
                        const std::int32_t* b, const Int8OutputStage& st, std::int8_t* out) noexcept {
    timed(simd::packable_conv<W> ? "conv" : "conv(unpacked)", conv_shape(g), conv_macs(g),
          [&] { Base::template conv2d_s8<W>(g, in, zp, w, b, st, out); });
  }
  static void depthwise_conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t zp,
                                  const std::int8_t* w, const std::int32_t* b, const Int8OutputStage& st,
                                  std::int8_t* out) noexcept {
    timed("dw", conv_shape(g), conv_macs(g) / g.in_c, [&] { Base::depthwise_conv2d_s8(g, in, zp, w, b, st, out); });
  }
  template <class W>
  static void depthwise_conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t zp,
                                  const std::int8_t* w, const std::int32_t* b, const Int8OutputStage& st,
                                  std::int8_t* out) noexcept {
    timed("dw", conv_shape(g), conv_macs(g) / g.in_c,
          [&] { Base::template depthwise_conv2d_s8<W>(g, in, zp, w, b, st, out); });
  }
  static void fully_connected_s8(int n_in, int n_out, const std::int8_t* in, std::int32_t zp, const std::int8_t* w,
                                 const std::int32_t* b, const Int8OutputStage& st, std::int8_t* out) noexcept {
    timed("fc", std::to_string(n_in) + " -> " + std::to_string(n_out), double(n_in) * n_out,
          [&] { Base::fully_connected_s8(n_in, n_out, in, zp, w, b, st, out); });
  }
  template <class W>
  static void fully_connected_s8(int n_in, int n_out, const std::int8_t* in, std::int32_t zp, const std::int8_t* w,
                                 const std::int32_t* b, const Int8OutputStage& st, std::int8_t* out) noexcept {
    timed("fc", std::to_string(n_in) + " -> " + std::to_string(n_out), double(n_in) * n_out,
          [&] { Base::template fully_connected_s8<W>(n_in, n_out, in, zp, w, b, st, out); });
  }
  static void add_s8(std::size_t n, int c, const std::int8_t* a, const std::int8_t* b, const AddParams& p,
                     const Int8OutputStage& st, std::int8_t* out) noexcept {
    timed("add", std::to_string(n / static_cast<std::size_t>(c)) + " px x " + std::to_string(c), double(n),
          [&] { Base::add_s8(n, c, a, b, p, st, out); });
  }
  static void prelu_s8(std::size_t n, int c, const std::int8_t* in, const PReluParams& p, std::int8_t* out) noexcept {
    timed("prelu", std::to_string(n / static_cast<std::size_t>(c)) + " px x " + std::to_string(c), double(n),
          [&] { Base::prelu_s8(n, c, in, p, out); });
  }
  template <class T>
  static void max_pool(const PoolGeometry& g, const T* in, T* out) noexcept {
    timed("maxpool", std::to_string(g.in_h) + "x" + std::to_string(g.in_w) + "x" + std::to_string(g.channels),
          double(g.in_h) * g.in_w * g.channels, [&] { Base::template max_pool<T>(g, in, out); });
  }
  template <class T>
  static void pad(int in_h, int in_w, int in_c, int top, int left, int out_h, int out_w, int out_c, T fill,
                  const T* in, T* out) noexcept {
    timed("pad", std::to_string(in_h) + "x" + std::to_string(in_w) + "x" + std::to_string(in_c) + " -> " +
                     std::to_string(out_h) + "x" + std::to_string(out_w) + "x" + std::to_string(out_c),
          double(out_h) * out_w * out_c,
          [&] { Base::template pad<T>(in_h, in_w, in_c, top, left, out_h, out_w, out_c, fill, in, out); });
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

template <class Net>
void profile(const char* name, int iterations) {
  g_profile = Profile{};  // one network's layers at a time
  hosted::HeapNetwork<Net> net;
  std::mt19937 rng(9);
  for (auto& x : net.input->data) x = static_cast<std::int8_t>(static_cast<int>(rng() % 256u) - 128);
  std::vector<double> totals;
  for (int i = 0; i < iterations + 5; ++i) {
    g_profile.begin_inference();
    const auto t0 = Clock::now();
    (void)net.template run<Timed>();
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (i == 4) {  // warm-up done: forget its samples
      for (auto& r : g_profile.records) r.us.clear();
    }
    if (i >= 5) totals.push_back(us);
  }
  double sum = 0, macs = 0;
  for (const auto& r : g_profile.records) sum += median(r.us);
  std::printf("%s (%s): median inference %.1f us, sum of layer medians %.1f us\n", name, Simd::name,
              median(totals), sum);
  std::printf("%3s  %-44s %10s %9s %8s %6s\n", "#", "layer", "MAC/elem", "us", "GMAC/s", "share");
  for (std::size_t i = 0; i < g_profile.records.size(); ++i) {
    const auto& r = g_profile.records[i];
    const double us = median(r.us);
    const bool is_mac = r.what.rfind("conv", 0) == 0 || r.what.rfind("dw", 0) == 0 || r.what.rfind("fc", 0) == 0;
    if (is_mac) macs += r.macs;
    std::printf("%3zu  %-44s %10.0f %9.2f %8.1f %5.1f%%\n", i, r.what.c_str(), r.macs, us,
                is_mac ? r.macs / us / 1e3 : 0.0, 100.0 * us / sum);
  }
  // per operator type
  std::printf("by operator:\n");
  std::vector<std::pair<std::string, double>> by_op;
  for (const auto& r : g_profile.records) {
    const std::string op = r.what.substr(0, r.what.find(' '));
    auto it = std::find_if(by_op.begin(), by_op.end(), [&](const auto& p) { return p.first == op; });
    if (it == by_op.end()) by_op.emplace_back(op, median(r.us));
    else it->second += median(r.us);
  }
  for (const auto& [op, us] : by_op) std::printf("  %-16s %9.1f us %5.1f%%\n", op.c_str(), us, 100.0 * us / sum);
  std::printf("  total MACs %.2f M\n\n", macs / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "all";
  const int iterations = argc > 2 ? std::atoi(argv[2]) : 200;
  if (which == "all" || which == "facemesh") profile<models::FaceMesh468Net<Int8>>("facemesh468", iterations);
  if (which == "all" || which == "blazeface") profile<models::BlazeFace128Net<Int8>>("blazeface128", iterations);
  return 0;
}
