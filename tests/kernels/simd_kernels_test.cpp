// Every SIMD kernel against the reference kernel, bit for bit, on every ISA this executable was compiled
// for (CMake builds one executable per x86 level; a CPU without the ISA skips). Sweeps: channels 1..67,
// widths 1..37, strides 1/2, SAME/VALID/asymmetric padding, kernels 1/3/5, zero points -128/127,
// multipliers near 2^31 and tiny, positive shifts (saturating left shift), PReLU with negative slopes,
// ReLU / ReLU6 clamps; the packed (compile-time, per weights struct) and unpacked conv entry points.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <facenn/core.hpp>
#include <facenn/kernels/simd/backend.hpp>

using namespace facenn;
using namespace facenn::kernels;

namespace {

using Rng = std::mt19937;

std::vector<std::int8_t> random_s8(Rng& rng, std::size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(d(rng));
  return v;
}

// Per-channel requantization parameters of one of several flavours.
struct StageData {
  std::vector<std::int32_t> m, s, nm, ns;
  Int8OutputStage stage{};
};

enum class Flavor { Typical, NearOne, Tiny, LeftShift, Mixed };

void make_multiplier(Rng& rng, Flavor f, std::int32_t& m, std::int32_t& s) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto flavor = f;
  if (f == Flavor::Mixed) flavor = static_cast<Flavor>(std::uniform_int_distribution<int>(0, 3)(rng));
  double real = 0.0;
  switch (flavor) {
    case Flavor::Typical: real = std::pow(2.0, -14.0 + 12.0 * u(rng)); break;
    case Flavor::NearOne: {
      // multipliers near 2^31 (and exactly INT32_MAX), shift 0 or -1
      m = std::numeric_limits<std::int32_t>::max() - std::uniform_int_distribution<int>(0, 3)(rng);
      s = -std::uniform_int_distribution<int>(0, 1)(rng);
      return;
    }
    case Flavor::Tiny: {
      m = std::uniform_int_distribution<int>(1, 1 << 20)(rng);
      s = -std::uniform_int_distribution<int>(20, 31)(rng);
      return;
    }
    case Flavor::LeftShift: real = std::pow(2.0, 1.0 + 12.0 * u(rng)); break;
    case Flavor::Mixed: break;
  }
  const auto q = fixed_point::quantize_multiplier(real);
  m = q.multiplier;
  s = q.shift;
}

StageData make_stage(Rng& rng, int channels, bool per_channel, Activation act, Flavor f, std::int32_t out_zp) {
  StageData d;
  const int n = per_channel ? channels : 1;
  d.m.resize(static_cast<std::size_t>(n));
  d.s.resize(d.m.size());
  for (std::size_t i = 0; i < d.m.size(); ++i) make_multiplier(rng, f, d.m[i], d.s[i]);
  d.stage.multiplier = d.m.data();
  d.stage.shift = d.s.data();
  d.stage.per_channel = per_channel;
  d.stage.output_zero_point = out_zp;
  if (act == Activation::PRelu) {
    d.nm.resize(static_cast<std::size_t>(channels));
    d.ns.resize(d.nm.size());
    for (std::size_t i = 0; i < d.nm.size(); ++i) {
      const std::size_t pi = per_channel ? i : 0;
      // slope in [-1, 1.5): negative slopes included
      const double alpha = std::uniform_real_distribution<double>(-1.0, 1.5)(rng);
      const double real = fixed_point::dequantize_multiplier({d.m[pi], d.s[pi]}) * alpha;
      const auto q = fixed_point::quantize_multiplier(real);
      d.nm[i] = q.multiplier;
      d.ns[i] = q.shift;
    }
    d.stage.neg_multiplier = d.nm.data();
    d.stage.neg_shift = d.ns.data();
  }
  if (act == Activation::Relu) d.stage.act_min = std::max(-128, out_zp);
  if (act == Activation::Relu6) {
    d.stage.act_min = std::max(-128, out_zp);
    d.stage.act_max = std::min(127, out_zp + 40);
  }
  return d;
}

Activation random_act(Rng& rng) { return static_cast<Activation>(std::uniform_int_distribution<int>(0, 3)(rng)); }
std::int32_t random_zp(Rng& rng) {
  const int k = std::uniform_int_distribution<int>(0, 3)(rng);
  return k == 0 ? -128 : (k == 1 ? 127 : std::uniform_int_distribution<int>(-128, 127)(rng));
}
Flavor random_flavor(Rng& rng) { return static_cast<Flavor>(std::uniform_int_distribution<int>(0, 4)(rng)); }

std::string describe(const ConvGeometry& g) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "in %dx%dx%d out %dx%dx%d k %dx%d s %dx%d pad %d,%d", g.in_h, g.in_w, g.in_c, g.out_h,
                g.out_w, g.out_c, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.pad_top, g.pad_left);
  return buf;
}

// random geometry: SAME / VALID / explicit asymmetric padding
ConvGeometry random_geometry(Rng& rng, int kh, int kw, int stride, int in_h, int in_w, int in_c, int out_c) {
  const int mode = std::uniform_int_distribution<int>(0, 2)(rng);
  ConvGeometry g{in_h, in_w, in_c, 0, 0, out_c, kh, kw, stride, stride, 0, 0};
  if (mode == 0) {  // SAME
    g.out_h = (in_h + stride - 1) / stride;
    g.out_w = (in_w + stride - 1) / stride;
    g.pad_top = std::max(0, ((g.out_h - 1) * stride + kh - in_h) / 2);
    g.pad_left = std::max(0, ((g.out_w - 1) * stride + kw - in_w) / 2);
  } else if (mode == 1) {  // VALID
    g.out_h = in_h >= kh ? (in_h - kh) / stride + 1 : 0;
    g.out_w = in_w >= kw ? (in_w - kw) / stride + 1 : 0;
  } else {  // arbitrary pads up to k-1 on each side
    g.pad_top = std::uniform_int_distribution<int>(0, kh - 1)(rng);
    g.pad_left = std::uniform_int_distribution<int>(0, kw - 1)(rng);
    const int pb = std::uniform_int_distribution<int>(0, kh - 1)(rng);
    const int pr = std::uniform_int_distribution<int>(0, kw - 1)(rng);
    g.out_h = in_h + g.pad_top + pb >= kh ? (in_h + g.pad_top + pb - kh) / stride + 1 : 0;
    g.out_w = in_w + g.pad_left + pr >= kw ? (in_w + g.pad_left + pr - kw) / stride + 1 : 0;
  }
  return g;
}

template <class F>
void for_each_isa(F&& f) {
  [&]<class... I>(simd::IsaList<I...>) {
    auto one = [&]<class Isa>() {
      if constexpr (!std::is_void_v<Isa>) {
        if (!Isa::cpu_supported()) {
          MESSAGE("skipping ", Isa::name, ": not supported by this CPU");
          return;
        }
        f.template operator()<Isa>();
      }
    };
    (one.template operator()<I>(), ...);
  }(simd::CompiledIsas{});
}

bool same(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b, std::size_t& at) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      at = i;
      return false;
    }
  }
  return true;
}

#define CHECK_SAME(ref, got, what)                                                                            \
  do {                                                                                                        \
    std::size_t at_ = 0;                                                                                      \
    const bool ok_ = same(ref, got, at_);                                                                     \
    if (!ok_) {                                                                                               \
      FAIL_CHECK(std::string(Isa::name), ": ", what, " first mismatch at ", at_, ": ref ", int(ref[at_]), " got ", int(got[at_])); \
      return;                                                                                                 \
    }                                                                                                         \
  } while (0)

}  // namespace

// The vector output stage itself, both compiled forms (General; Short: right shifts >= 2, the whole int8
// range, saturating store), lane by lane against Int8OutputStage::apply: accumulators INT32_MIN / INT32_MAX / 0 / -1,
// rounding ties (power-of-two multipliers), random; multipliers +-INT32_MAX, 1, 0 (a zero PReLU slope) and
// negative; zero points +-128 and +-2^24 (the Short form's limit) and beyond; act_min -128 .. 127. Each
// stored through store(), store_n() and, where the stage allows it, apply_unclamped() + saturation.
TEST_CASE("output stage, both forms: every lane == Int8OutputStage::apply") {
  for_each_isa([]<class Isa>() {
    using V = typename Isa::V;
    constexpr int L = Isa::lanes;
    Rng rng(31337);
    int tested[2] = {0, 0};
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int rep = 0; rep < 4000; ++rep) {
      const bool prelu = rep % 2 == 0, per_channel = rep % 5 != 0;
      std::vector<std::int32_t> m(L), s(L), nm(L), ns(L);
      auto multiplier = [&](std::int32_t& mm, std::int32_t& ss) {
        switch (pick(0, 9)) {
          case 0: mm = std::numeric_limits<std::int32_t>::max(); ss = -pick(1, 31); break;
          case 1: mm = -std::numeric_limits<std::int32_t>::max(); ss = -pick(1, 31); break;
          case 2: mm = 1 << 30; ss = -pick(2, 8); break;  // ties of RDBPOT are frequent
          case 3: mm = pick(1, 4); ss = -pick(2, 31); break;
          case 4: mm = 0; ss = pick(-31, 3); break;  // zero slope (any shift)
          case 5: mm = pick(1 << 30, std::numeric_limits<std::int32_t>::max()); ss = -pick(0, 3); break;
          case 6: mm = pick(1 << 30, std::numeric_limits<std::int32_t>::max()); ss = pick(1, 4); break;  // left shift
          default:
            mm = pick(1 << 30, std::numeric_limits<std::int32_t>::max()) * (pick(0, 3) == 0 ? -1 : 1);
            ss = -pick(2, 20);
        }
      };
      // mostly stages the Short form takes (every shift <= -2), so that both forms get many cases
      const bool want_short = rep % 3 != 0;
      for (int j = 0; j < L; ++j) {
        do multiplier(m[static_cast<std::size_t>(j)], s[static_cast<std::size_t>(j)]);
        while (want_short && m[static_cast<std::size_t>(j)] != 0 && s[static_cast<std::size_t>(j)] > -2);
        do multiplier(nm[static_cast<std::size_t>(j)], ns[static_cast<std::size_t>(j)]);
        while (want_short && nm[static_cast<std::size_t>(j)] != 0 && ns[static_cast<std::size_t>(j)] > -2);
      }
      Int8OutputStage st{};
      st.multiplier = m.data();
      st.shift = s.data();
      st.per_channel = per_channel;
      if (prelu) {
        st.neg_multiplier = nm.data();
        st.neg_shift = ns.data();
      }
      const int zk = pick(0, 7);
      st.output_zero_point = zk == 0 ? -128 : zk == 1 ? 127 : zk == 2 ? (1 << 24) : zk == 3 ? -(1 << 24)
                             : zk == 4 ? (1 << 24) + pick(1, 1000) * (pick(0, 1) ? 1 : -1) : pick(-128, 127);
      const int ak = pick(0, 5);
      st.act_min = ak <= 3 ? -128 : ak == 4 ? 127 : pick(-128, 127);
      st.act_max = rep % 7 == 3 ? pick(st.act_min, 127) : 127;
      const simd::StageTraits traits = simd::stage_traits(st, L);
      REQUIRE(traits.supported);
      // accumulators
      alignas(64) std::int32_t acc[L];
      for (int j = 0; j < L; ++j) {
        switch (pick(0, 7)) {
          case 0: acc[j] = std::numeric_limits<std::int32_t>::min(); break;
          case 1: acc[j] = std::numeric_limits<std::int32_t>::max(); break;
          case 2: acc[j] = pick(-1, 0); break;
          case 3: acc[j] = pick(-300, 300); break;
          case 4: acc[j] = pick(-(1 << 20), 1 << 20); break;
          default: acc[j] = static_cast<std::int32_t>(rng());
        }
      }
      std::int8_t want[L];
      for (int j = 0; j < L; ++j) want[j] = st.apply(acc[j], j);
      const bool unclamped = simd::unclamped_ok(st, L);
      const int n = pick(1, L);
      simd::with_stage_variant(traits, [&]<bool kPRelu, simd::StageKind kStage>() {
        ++tested[kStage == simd::StageKind::Short ? 1 : 0];
        const auto stage = simd::VecOutputStage<Isa, kPRelu, kStage>::make(st, 0, L);
        const V a = Isa::load_s32(acc);
        std::int8_t got[L], got_n[L];
        std::fill(got_n, got_n + L, std::int8_t{99});
        stage.store(got, a);
        stage.store_n(got_n, a, n);
        alignas(64) std::int32_t raw[L];
        stage.apply_unclamped(a).store_aligned(raw);
        for (int j = 0; j < L; ++j) {
          const int sat = std::clamp(raw[j], -128, 127);
          if (got[j] != want[j] || got_n[j] != (j < n ? want[j] : 99) || (unclamped && sat != want[j])) {
            const std::string form = std::string(Isa::name) + (kStage == simd::StageKind::Short ? " short" : " general");
            FAIL_CHECK(form, " lane ", j,
                       ": acc ", acc[j], " m ", m[static_cast<std::size_t>(per_channel ? j : 0)], " s ",
                       s[static_cast<std::size_t>(per_channel ? j : 0)], " nm ", nm[static_cast<std::size_t>(j)], " ns ",
                       ns[static_cast<std::size_t>(j)], " zp ", st.output_zero_point, " act ", st.act_min, "..",
                       st.act_max, ": want ", int(want[j]), " store ", int(got[j]), " store_n ", int(got_n[j]),
                       " unclamped ", raw[j]);
            return;
          }
        }
      });
    }
    CHECK(tested[0] > 500);
    CHECK(tested[1] > 1000);
  });
}

TEST_CASE("depthwise conv: SIMD == reference") {
  for_each_isa([]<class Isa>() {
    Rng rng(1234);
    int cases = 0;
    for (int c : {1, 3, 4, 7, 8, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 67}) {
      for (int k : {3, 5, 1, 2}) {
        for (int stride : {1, 2}) {
          const int in_w = std::uniform_int_distribution<int>(1, 37)(rng);
          const int in_h = std::uniform_int_distribution<int>(1, 12)(rng);
          const ConvGeometry g = random_geometry(rng, k, k, stride, in_h, in_w, c, c);
          if (g.out_h <= 0 || g.out_w <= 0) continue;
          const auto act = random_act(rng);
          const std::int32_t in_zp = random_zp(rng), out_zp = random_zp(rng);
          auto sd = make_stage(rng, c, true, act, random_flavor(rng), out_zp);
          const auto in = random_s8(rng, static_cast<std::size_t>(in_h * in_w * c));
          const auto w = random_s8(rng, static_cast<std::size_t>(k * k * c));
          std::vector<std::int32_t> bias(static_cast<std::size_t>(c));
          for (auto& b : bias) b = std::uniform_int_distribution<int>(-40000, 40000)(rng);
          const auto out_n = static_cast<std::size_t>(g.out_h * g.out_w * c);
          std::vector<std::int8_t> ref(out_n), got(out_n, 99);
          const std::int32_t* bp = (cases % 7 == 3) ? nullptr : bias.data();
          reference::depthwise_conv2d_s8(g, in.data(), in_zp, w.data(), bp, sd.stage, ref.data());
          SimdBackend<Isa>::depthwise_conv2d_s8(g, in.data(), in_zp, w.data(), bp, sd.stage, got.data());
          CHECK_SAME(ref, got, "depthwise " + describe(g));
          ++cases;
        }
      }
    }
    CHECK(cases > 100);
  });
}

// 3x3 stride-1 SAME with 16..56 channels takes the flat-row kernel on AVX-512 VBMI (vectors starting at any
// element, channel phases, a border pass afterwards, masked windows at the end of the tensor): every channel
// count around that range, small and odd sizes (down to 1 row / column), both stage forms, PReLU per channel
// and per tensor, buffers sized exactly (ASan sees any read past the input).
TEST_CASE("depthwise conv 3x3 stride 1 SAME (flat rows): SIMD == reference") {
  for_each_isa([]<class Isa>() {
    Rng rng(4321);
    int cases = 0;
    for (int c = 13; c <= 67; ++c) {
      for (int rep = 0; rep < 3; ++rep) {
        const int in_w = rep == 0 ? std::uniform_int_distribution<int>(1, 5)(rng) : std::uniform_int_distribution<int>(1, 37)(rng);
        const int in_h = rep == 1 ? std::uniform_int_distribution<int>(1, 4)(rng) : std::uniform_int_distribution<int>(3, 9)(rng);
        const ConvGeometry g{in_h, in_w, c, in_h, in_w, c, 3, 3, 1, 1, 1, 1};
        const auto act = (cases % 3 == 0) ? Activation::PRelu : random_act(rng);
        const std::int32_t in_zp = random_zp(rng), out_zp = random_zp(rng);
        const bool per_channel = cases % 4 != 1;
        auto sd = make_stage(rng, c, per_channel, act, (cases % 2 == 0) ? Flavor::Typical : random_flavor(rng), out_zp);
        const auto in = random_s8(rng, static_cast<std::size_t>(in_h * in_w * c));
        const auto w = random_s8(rng, static_cast<std::size_t>(9 * c));
        std::vector<std::int32_t> bias(static_cast<std::size_t>(c));
        for (auto& b : bias) b = std::uniform_int_distribution<int>(-40000, 40000)(rng);
        const auto out_n = static_cast<std::size_t>(in_h * in_w * c);
        std::vector<std::int8_t> ref(out_n), got(out_n, 99);
        const std::int32_t* bp = (cases % 7 == 3) ? nullptr : bias.data();
        reference::depthwise_conv2d_s8(g, in.data(), in_zp, w.data(), bp, sd.stage, ref.data());
        SimdBackend<Isa>::depthwise_conv2d_s8(g, in.data(), in_zp, w.data(), bp, sd.stage, got.data());
        CHECK_SAME(ref, got, "depthwise flat " + describe(g));
        ++cases;
      }
    }
    CHECK(cases == 3 * 55);
  });
}

TEST_CASE("conv (unpacked weights) and fully connected: SIMD == reference") {
  for_each_isa([]<class Isa>() {
    Rng rng(99);
    int cases = 0;
    for (int cin : {1, 3, 4, 5, 8, 16, 17, 24, 32, 42, 63, 67}) {
      for (int cout : {1, 5, 16, 17, 33}) {
        const int k = std::array<int, 4>{1, 3, 5, 2}[static_cast<std::size_t>(cases % 4)];
        const int stride = 1 + (cases / 4) % 2;
        const int in_w = std::uniform_int_distribution<int>(1, 13)(rng);
        const int in_h = std::uniform_int_distribution<int>(1, 7)(rng);
        const ConvGeometry g = random_geometry(rng, k, k, stride, in_h, in_w, cin, cout);
        ++cases;
        if (g.out_h <= 0 || g.out_w <= 0) continue;
        const auto act = random_act(rng);
        const std::int32_t in_zp = random_zp(rng), out_zp = random_zp(rng);
        auto sd = make_stage(rng, cout, cases % 5 != 0, act, random_flavor(rng), out_zp);
        const auto in = random_s8(rng, static_cast<std::size_t>(in_h * in_w * cin));
        const auto w = random_s8(rng, static_cast<std::size_t>(k * k * cin * cout));
        std::vector<std::int32_t> bias(static_cast<std::size_t>(cout));
        for (auto& b : bias) b = std::uniform_int_distribution<int>(-100000, 100000)(rng);
        const auto out_n = static_cast<std::size_t>(g.out_h * g.out_w * cout);
        std::vector<std::int8_t> ref(out_n), got(out_n, 99);
        reference::conv2d_s8(g, in.data(), in_zp, w.data(), bias.data(), sd.stage, ref.data());
        SimdBackend<Isa>::conv2d_s8(g, in.data(), in_zp, w.data(), bias.data(), sd.stage, got.data());
        CHECK_SAME(ref, got, "conv " + describe(g));
        // fully connected over the flattened input
        const int n_in = in_h * in_w * cin;
        const auto fw = random_s8(rng, static_cast<std::size_t>(n_in * cout));
        std::vector<std::int8_t> fref(static_cast<std::size_t>(cout)), fgot(fref.size(), 99);
        reference::fully_connected_s8(n_in, cout, in.data(), in_zp, fw.data(), bias.data(), sd.stage, fref.data());
        SimdBackend<Isa>::fully_connected_s8(n_in, cout, in.data(), in_zp, fw.data(), bias.data(), sd.stage,
                                             fgot.data());
        CHECK_SAME(fref, fgot, "fully connected " + std::to_string(n_in) + "->" + std::to_string(cout));
      }
    }
  });
}

// ---- packed (per weights struct) conv ----------------------------------------------------------------

namespace {

constexpr std::uint32_t lcg_next(std::uint32_t& s) {
  s = s * 1664525u + 1013904223u;
  return s >> 8;
}

template <std::uint32_t Seed, int KH, int KW, int CIN, int COUT, int ZP>
struct PW {
  static constexpr int kernel_h = KH, kernel_w = KW, in_channels = CIN, out_channels = COUT;
  struct input_quant {
    static constexpr float scale = 0.01f;
    static constexpr std::int32_t zero_point = ZP;
  };
  static constexpr std::size_t n = static_cast<std::size_t>(KH * KW * CIN * COUT);
  static constexpr std::array<std::int8_t, n> filter_arr = [] {
    std::array<std::int8_t, n> a{};
    std::uint32_t s = Seed;
    for (auto& x : a) x = static_cast<std::int8_t>(static_cast<int>(lcg_next(s) % 256u) - 128);
    return a;
  }();
  static constexpr const std::int8_t* filter = filter_arr.data();
  static constexpr std::array<std::int32_t, COUT> bias_arr = [] {
    std::array<std::int32_t, COUT> a{};
    std::uint32_t s = Seed ^ 0xabcdefu;
    for (auto& x : a) x = static_cast<std::int32_t>(lcg_next(s) % 200001u) - 100000;
    return a;
  }();
  static constexpr const std::int32_t* bias = bias_arr.data();
};

template <class Isa, class W>
void check_packed(Rng& rng, int stride, int in_h, int in_w, int& cases) {
  for (int rep = 0; rep < 3; ++rep) {
    const ConvGeometry g = random_geometry(rng, W::kernel_h, W::kernel_w, stride, in_h, in_w, W::in_channels,
                                           W::out_channels);
    if (g.out_h <= 0 || g.out_w <= 0) continue;
    const auto act = random_act(rng);
    auto sd = make_stage(rng, W::out_channels, rep != 2, act, random_flavor(rng), random_zp(rng));
    const auto in = random_s8(rng, static_cast<std::size_t>(in_h * in_w * W::in_channels));
    const auto out_n = static_cast<std::size_t>(g.out_h * g.out_w * W::out_channels);
    std::vector<std::int8_t> ref(out_n), got(out_n, 99);
    const std::int32_t zp = W::input_quant::zero_point;
    reference::conv2d_s8(g, in.data(), zp, W::filter, W::bias, sd.stage, ref.data());
    SimdBackend<Isa>::template conv2d_s8<W>(g, in.data(), zp, W::filter, W::bias, sd.stage, got.data());
    CHECK_SAME(ref, got, "packed conv " + describe(g));
    ++cases;
    if (W::kernel_h == 1 && W::kernel_w == 1) {  // also as a fully connected layer (1 pixel)
      std::vector<std::int8_t> fref(static_cast<std::size_t>(W::out_channels)), fgot(fref.size(), 99);
      reference::fully_connected_s8(W::in_channels, W::out_channels, in.data(), zp, W::filter, W::bias, sd.stage,
                                    fref.data());
      SimdBackend<Isa>::template fully_connected_s8<W>(W::in_channels, W::out_channels, in.data(), zp, W::filter,
                                                       W::bias, sd.stage, fgot.data());
      CHECK_SAME(fref, fgot, "packed fully connected");
    }
  }
}

}  // namespace

TEST_CASE("conv (weights packed at compile time): SIMD == reference") {
  for_each_isa([]<class Isa>() {
    Rng rng(7);
    int cases = 0;
    // pointwise: channel counts around 4 / L / 16 and the face networks' (16, 24, 28, 42, 88, 128)
    check_packed<Isa, PW<1, 1, 1, 16, 16, -128>>(rng, 1, 9, 37, cases);
    check_packed<Isa, PW<2, 1, 1, 24, 28, 127>>(rng, 1, 5, 13, cases);
    check_packed<Isa, PW<3, 1, 1, 42, 48, 3>>(rng, 1, 4, 11, cases);
    check_packed<Isa, PW<4, 1, 1, 1, 1, -7>>(rng, 1, 3, 5, cases);
    check_packed<Isa, PW<5, 1, 1, 3, 67, -128>>(rng, 1, 2, 9, cases);
    check_packed<Isa, PW<6, 1, 1, 67, 5, 127>>(rng, 1, 3, 7, cases);
    check_packed<Isa, PW<7, 1, 1, 128, 128, 0>>(rng, 1, 3, 6, cases);
    check_packed<Isa, PW<8, 1, 1, 88, 32, -20>>(rng, 1, 4, 4, cases);
    check_packed<Isa, PW<17, 1, 1, 33, 17, 5>>(rng, 2, 7, 9, cases);
    // a last block of 1..8 channels (AVX-512: run in pixel pairs, PackedConvWeights::half) after 0, 1, 2, 4
    // full blocks, odd widths (single-pixel tail tiles), padded borders (strip tiles)
    check_packed<Isa, PW<23, 1, 1, 24, 24, -128>>(rng, 1, 9, 37, cases);
    check_packed<Isa, PW<24, 1, 1, 80, 88, 3>>(rng, 1, 4, 7, cases);
    check_packed<Isa, PW<25, 1, 1, 64, 72, -5>>(rng, 1, 3, 5, cases);
    check_packed<Isa, PW<26, 1, 1, 48, 56, 127>>(rng, 1, 5, 9, cases);
    check_packed<Isa, PW<27, 3, 3, 8, 24, 0>>(rng, 1, 6, 11, cases);
    check_packed<Isa, PW<28, 1, 1, 16, 8, -128>>(rng, 1, 3, 13, cases);
    check_packed<Isa, PW<29, 3, 3, 6, 2, 9>>(rng, 2, 9, 14, cases);
    static_assert(simd::PackedConvWeights<PW<23, 1, 1, 24, 24, -128>, 16>::half &&
                  simd::PackedConvWeights<PW<24, 1, 1, 80, 88, 3>, 16>::half &&
                  !simd::PackedConvWeights<PW<2, 1, 1, 24, 28, 127>, 16>::half &&
                  !simd::PackedConvWeights<PW<7, 1, 1, 128, 128, 0>, 16>::half);
    // first layers: 3 input channels, 3x3 and 5x5 stride 2
    check_packed<Isa, PW<9, 3, 3, 3, 16, -128>>(rng, 2, 19, 37, cases);
    check_packed<Isa, PW<10, 5, 5, 3, 24, 0>>(rng, 2, 17, 23, cases);
    check_packed<Isa, PW<11, 3, 3, 3, 16, 127>>(rng, 1, 6, 7, cases);
    // general kernels, odd channels
    check_packed<Isa, PW<12, 3, 3, 5, 9, 11>>(rng, 1, 6, 8, cases);
    check_packed<Isa, PW<13, 2, 2, 7, 19, -3>>(rng, 2, 5, 9, cases);
    check_packed<Isa, PW<14, 3, 3, 32, 20, 4>>(rng, 3, 3, 3, cases);  // FaceMesh-style output conv
    check_packed<Isa, PW<15, 5, 5, 2, 3, -90>>(rng, 1, 5, 6, cases);
    check_packed<Isa, PW<16, 1, 1, 64, 1, 2>>(rng, 1, 1, 1, cases);
    // border pixels run through a padded strip on the stack; strips larger than simd::detail::kConvStripBytes
    // (5 rows x 41 columns x 42 channels here, the SAME-padded border rows) take the per-pixel border path
    static_assert(5 * 41 * 42 > simd::detail::kConvStripBytes);
    check_packed<Isa, PW<22, 5, 5, 42, 20, -128>>(rng, 1, 7, 37, cases);
    // row-group layout (kernel rows' kw * cin bytes grouped by 4): 1-3 input channels
    check_packed<Isa, PW<18, 3, 3, 1, 8, 5>>(rng, 1, 7, 19, cases);
    check_packed<Isa, PW<19, 5, 5, 3, 24, -128>>(rng, 1, 9, 21, cases);
    check_packed<Isa, PW<20, 2, 2, 2, 17, 127>>(rng, 2, 6, 11, cases);
    check_packed<Isa, PW<21, 5, 5, 3, 40, 17>>(rng, 2, 12, 16, cases);
    static_assert(simd::PackedConvWeights<PW<10, 5, 5, 3, 24, 0>, Isa::lanes>::rows &&
                  simd::PackedConvWeights<PW<15, 5, 5, 2, 3, -90>, Isa::lanes>::rows &&
                  simd::PackedConvWeights<PW<18, 3, 3, 1, 8, 5>, Isa::lanes>::rows &&
                  !simd::PackedConvWeights<PW<9, 3, 3, 3, 16, -128>, Isa::lanes>::rows);
    CHECK(cases > 30);
  });
}

TEST_CASE("residual add and PReLU: SIMD == reference") {
  for_each_isa([]<class Isa>() {
    Rng rng(555);
    for (int rep = 0; rep < 240; ++rep) {
      // every third case a channel count the 64-wide table kernel (AVX-512 VBMI) takes with a per-channel
      // stage (64 % c == 0 or c % 64 == 0: FaceMesh's 16..128) or one it must refuse (24, 88, 96)
      const int c = rep % 3 == 0 ? std::array<int, 12>{1, 2, 4, 8, 16, 32, 64, 128, 192, 24, 88, 96}[
                                       static_cast<std::size_t>(rep / 3 % 12)]
                                 : std::uniform_int_distribution<int>(1, 67)(rng);
      const int px = std::uniform_int_distribution<int>(1, c >= 64 ? 9 : 37)(rng);
      const auto n = static_cast<std::size_t>(c * px);
      // (rep / 36 rotates the activation of the listed channel counts)
      const auto act = static_cast<Activation>((rep % 3 == 0 ? rep / 36 + rep : rep) % 4);
      const auto a = random_s8(rng, n), b = random_s8(rng, n);
      // left shift: the converter's 20 mostly; 15 and 23 (ends of the 32-bit fast path), 8 and 0 (general path)
      const int ls = std::array<int, 8>{20, 20, 20, 15, 23, 8, 0, 20}[static_cast<std::size_t>(rep % 8)];
      AddParams p{random_zp(rng), random_zp(rng), 0, 0, 0, 0, ls};
      // converter-style: inputs rescaled by s_i / (2 max(s1, s2)) <= 1/2; output stage typical or extreme
      const double s1 = std::uniform_real_distribution<double>(0.001, 0.1)(rng);
      const double s2 = std::uniform_real_distribution<double>(0.001, 0.1)(rng);
      const double tm = 2 * std::max(s1, s2);
      auto q1 = fixed_point::quantize_multiplier(s1 / tm), q2 = fixed_point::quantize_multiplier(s2 / tm);
      if (rep % 10 == 7) q1 = {std::numeric_limits<std::int32_t>::max(), 0};  // near 2^31, no headroom loss
      if (rep % 10 == 8) q2 = {1, -31};                                      // tiny
      if (rep % 13 == 5) q1 = fixed_point::quantize_multiplier(3.7);           // positive shift (general path)
      // keep a + b within int32 (the reference's precondition, contract.md "Add")
      if (rep % 10 == 7) p.left_shift = std::min(p.left_shift, 20);
      if (rep % 13 == 5) p.left_shift = std::min(p.left_shift, 8);
      p.input1_multiplier = q1.multiplier;
      p.input1_shift = q1.shift;
      p.input2_multiplier = q2.multiplier;
      p.input2_shift = q2.shift;
      const auto flavor = rep % 10 == 9 ? Flavor::LeftShift : (rep % 3 == 0 ? Flavor::Tiny : Flavor::Typical);
      auto sd = make_stage(rng, c, rep % 5 == 1, act, flavor, random_zp(rng));
      // a zero slope (multiplier 0, shift 0: the unclamped table kernel must still accept it exactly)
      if (act == Activation::PRelu && rep % 7 == 3) sd.nm[0] = sd.ns[0] = 0;
      std::vector<std::int8_t> ref(n), got(n, 99);
      reference::add_s8(n, c, a.data(), b.data(), p, sd.stage, ref.data());
      SimdBackend<Isa>::add_s8(n, c, a.data(), b.data(), p, sd.stage, got.data());
      CHECK_SAME(ref, got, "add c=" + std::to_string(c) + " n=" + std::to_string(n));

      // standalone PReLU
      std::vector<std::int32_t> nm(static_cast<std::size_t>(c)), ns(nm.size());
      for (std::size_t i = 0; i < nm.size(); ++i) make_multiplier(rng, random_flavor(rng), nm[i], ns[i]);
      if (rep % 2) for (auto& m : nm) m = -m;  // negative slopes
      PReluParams pp{random_zp(rng), 0, 0, nm.data(), ns.data(), random_zp(rng)};
      make_multiplier(rng, random_flavor(rng), pp.pos_multiplier, pp.pos_shift);
      reference::prelu_s8(n, c, a.data(), pp, ref.data());
      SimdBackend<Isa>::prelu_s8(n, c, a.data(), pp, got.data());
      CHECK_SAME(ref, got, "prelu c=" + std::to_string(c));
    }
  });
}

TEST_CASE("max pool and pad: SIMD == reference") {
  for_each_isa([]<class Isa>() {
    Rng rng(77);
    for (int rep = 0; rep < 300; ++rep) {
      // BlazeFace's channel counts (pads 24 -> 28 ... 88 -> 96, pools of 28 / 42 / 88) and random ones
      const int c = rep % 3 == 0 ? std::array<int, 6>{24, 28, 32, 42, 88, 16}[static_cast<std::size_t>(rep / 3 % 6)]
                                 : std::uniform_int_distribution<int>(1, 140)(rng);
      const int in_h = std::uniform_int_distribution<int>(1, 9)(rng);
      const int in_w = std::uniform_int_distribution<int>(1, 37)(rng);
      const int win = std::uniform_int_distribution<int>(1, 3)(rng);
      const int stride = std::uniform_int_distribution<int>(1, 2)(rng);
      const int pt = std::uniform_int_distribution<int>(0, win - 1)(rng);
      const int pl = std::uniform_int_distribution<int>(0, win - 1)(rng);
      const int out_h = (in_h + pt + (win - 1) - win) / stride + 1;
      const int out_w = (in_w + pl - win) / stride + 1;
      if (out_h <= 0 || out_w <= 0) continue;
      const PoolGeometry g{in_h, in_w, c, out_h, out_w, win, win, stride, stride, pt, pl};
      const auto in = random_s8(rng, static_cast<std::size_t>(in_h * in_w * c));
      const auto out_n = static_cast<std::size_t>(out_h * out_w * c);
      std::vector<std::int8_t> ref(out_n), got(out_n, 99);
      reference::max_pool(g, in.data(), ref.data());
      SimdBackend<Isa>::max_pool(g, in.data(), got.data());
      CHECK_SAME(ref, got, "max pool");

      const int top = rep % 3, left = (rep / 3) % 3;
      const int extra = std::array<int, 8>{0, 1, 2, 4, 8, 16, 17, 3}[static_cast<std::size_t>(rep % 8)];
      const int oh = in_h + top + rep % 2, ow = in_w + left + (rep / 2) % 3, oc = c + extra;
      const auto fill = static_cast<std::int8_t>(random_zp(rng));
      const auto pn = static_cast<std::size_t>(oh * ow * oc);
      std::vector<std::int8_t> pref(pn), pgot(pn, 99);
      reference::pad(in_h, in_w, c, top, left, oh, ow, oc, fill, in.data(), pref.data());
      SimdBackend<Isa>::pad(in_h, in_w, c, top, left, oh, ow, oc, fill, in.data(), pgot.data());
      CHECK_SAME(pref, pgot, "pad");
    }
  });
}

// AVX-512 runs two cases with whole-pixel vector moves (64-byte stores overlapping the next pixels, the
// last ones masked): channel padding without spatial padding and the 2x2 stride-2 max pool, channels
// up to 64; sizes down to one pixel, buffers sized exactly.
TEST_CASE("channel pad and 2x2 stride-2 max pool, whole pixels: SIMD == reference") {
  for_each_isa([]<class Isa>() {
    Rng rng(77);
    int cases = 0;
    for (int c = 1; c <= 66; ++c) {
      const int in_h = std::uniform_int_distribution<int>(1, 7)(rng);
      const int in_w = std::uniform_int_distribution<int>(1, 9)(rng);
      const auto in = random_s8(rng, static_cast<std::size_t>(in_h * in_w * c));
      const int oc = std::min(66, c + std::uniform_int_distribution<int>(1, 12)(rng));
      const auto fill = static_cast<std::int8_t>(random_zp(rng));
      const auto pn = static_cast<std::size_t>(in_h * in_w * oc);
      std::vector<std::int8_t> pref(pn), pgot(pn, 99);
      reference::pad(in_h, in_w, c, 0, 0, in_h, in_w, oc, fill, in.data(), pref.data());
      SimdBackend<Isa>::pad(in_h, in_w, c, 0, 0, in_h, in_w, oc, fill, in.data(), pgot.data());
      CHECK_SAME(pref, pgot, "channel pad");

      const int out_h = in_h / 2 + (c % 3 == 0 && in_h % 2 == 1 ? 1 : 0);  // sometimes a padded last row
      const int out_w = in_w / 2;
      if (out_h <= 0 || out_w <= 0) continue;
      const PoolGeometry g{in_h, in_w, c, out_h, out_w, 2, 2, 2, 2, 0, 0};
      const auto out_n = static_cast<std::size_t>(out_h * out_w * c);
      std::vector<std::int8_t> ref(out_n), got(out_n, 99);
      reference::max_pool(g, in.data(), ref.data());
      SimdBackend<Isa>::max_pool(g, in.data(), got.data());
      CHECK_SAME(ref, got, "max pool 2x2");
      ++cases;
    }
    CHECK(cases > 30);
  });
}

TEST_CASE("cases outside the kernels fall back to the reference") {
  for_each_isa([]<class Isa>() {
    Rng rng(3);
    const ConvGeometry g{4, 5, 8, 4, 5, 8, 3, 3, 1, 1, 1, 1};
    auto sd = make_stage(rng, 8, true, Activation::None, Flavor::Typical, 0);
    sd.m[3] = std::numeric_limits<std::int32_t>::min();  // SRDHM's saturating case
    const auto in = random_s8(rng, 4 * 5 * 8), w = random_s8(rng, 9 * 8);
    std::vector<std::int8_t> ref(160), got(160, 99);
    reference::depthwise_conv2d_s8(g, in.data(), 5, w.data(), nullptr, sd.stage, ref.data());
    SimdBackend<Isa>::depthwise_conv2d_s8(g, in.data(), 5, w.data(), nullptr, sd.stage, got.data());
    CHECK_SAME(ref, got, "depthwise with INT32_MIN multiplier");
  });
}

// The sweeps above pass vacuously if no ISA runs (none compiled in, or the CPU lacks it): this test pins the
// ISA each executable was built for (CMake sets FACENN_TEST_EXPECTED_ISA from its flags: avx512vnni+vbmi,
// avx2, sse41, neon64 for aarch64) and requires that the best ISA is the one kernels::Simd uses and that it
// ran here — except on an x86 CPU without it, which skips like the sweeps.
TEST_CASE("the expected ISA is compiled in and exercised") {
  int compiled = 0, ran = 0;
  std::string names;
  [&]<class... I>(simd::IsaList<I...>) {
    auto one = [&]<class Isa>() {
      if constexpr (!std::is_void_v<Isa>) {
        ++compiled;
        if (Isa::cpu_supported()) {
          ++ran;
          names += std::string(names.empty() ? "" : ", ") + Isa::name;
        }
      }
    };
    (one.template operator()<I>(), ...);
  }(simd::CompiledIsas{});
  std::printf("kernels::Simd = %s; SIMD kernels tested on: %s\n", Simd::name, names.empty() ? "none" : names.c_str());
  REQUIRE(compiled >= 1);
#if defined(FACENN_TEST_EXPECTED_ISA)
  CHECK(std::string(Simd::name) == FACENN_TEST_EXPECTED_ISA);
#endif
#if defined(__aarch64__)
  CHECK(ran == compiled);  // NEON is part of AArch64: under qemu-aarch64 it must run
#endif
  if (Simd::isa::cpu_supported()) CHECK(ran >= 1);
}

// The add's fast input rescale (zero point folded into the constants, one-add RDBPOT) against the scalar
// MBQM((x - zp) << ls, m, s) for all 256 inputs, over random and extreme parameters that pass its guard.
TEST_CASE("residual add input rescale (fast form): every int8 input, extreme parameters") {
  for_each_isa([]<class Isa>() {
    using V = typename Isa::V;
    constexpr int L = Isa::lanes;
    Rng rng(2024);
    int tested = 0;
    for (int rep = 0; rep < 3000; ++rep) {
      const int ls = std::uniform_int_distribution<int>(14, 24)(rng);
      const std::int32_t zp = random_zp(rng);
      std::int32_t m = 0, s = 0;
      switch (rep % 4) {
        case 0: m = std::uniform_int_distribution<std::int32_t>(1 << 30, std::numeric_limits<std::int32_t>::max())(rng); break;
        case 1: m = std::uniform_int_distribution<std::int32_t>(std::numeric_limits<std::int32_t>::min() + 1, -1)(rng); break;
        case 2: m = std::numeric_limits<std::int32_t>::max() - rep % 3; break;
        default: m = std::uniform_int_distribution<std::int32_t>(1, 1 << 16)(rng); break;
      }
      s = rep % 5 == 0 ? 0 : -std::uniform_int_distribution<int>(0, 31)(rng);
      if (!simd::detail::split_fast_ok(m, s, ls)) continue;
      ++tested;
      const simd::detail::AddInputSplitFast<Isa> f(zp, m, s, ls);
      for (int x0 = -128; x0 < 128; x0 += L) {
        alignas(64) std::int32_t xs[L], got[L];
        for (int j = 0; j < L; ++j) xs[j] = std::min(127, x0 + j);
        f(Isa::load_s32(xs)).store_unaligned(got);
        for (int j = 0; j < L; ++j) {
          const std::int32_t want = fixed_point::multiply_by_quantized_multiplier((xs[j] - zp) * (1 << ls), m, s);
          if (got[j] != want) {
            FAIL_CHECK(std::string(Isa::name), ": x ", xs[j], " zp ", zp, " m ", m, " s ", s, " ls ", ls, ": ", got[j],
                       " != ", want);
            return;
          }
        }
      }
    }
    CHECK(tested > 500);
    (void)sizeof(V);
  });
}
