// Reference kernels against (a) hand-computed small cases and (b) real-valued arithmetic: every int8
// output must be within 1 LSB of round(real result / output scale) + zero point, over shape sweeps
// (1 channel, odd widths, stride 2 with odd sizes, asymmetric SAME padding, extreme zero points).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <facenn/core.hpp>

using namespace facenn;
using namespace facenn::kernels;
using fixed_point::quantize_multiplier;

namespace {

struct RandomQuantConv {
  int kh, kw, in_c, out_c, stride, in_h, in_w;
  Padding padding;
  bool depthwise;
  Activation act;
  std::int32_t in_zp, out_zp;
  float in_scale, out_scale;
};

std::int8_t clamp8(double v) { return static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v)); }
double round_away(double v) { return v >= 0 ? std::floor(v + 0.5) : -std::floor(-v + 0.5); }

// Runs conv or depthwise through the reference kernel and compares with real arithmetic.
void check_conv_against_real(const RandomQuantConv& p, std::mt19937& rng) {
  const int out_h = output_size(p.in_h, p.kh, p.stride, p.padding);
  const int out_w = output_size(p.in_w, p.kw, p.stride, p.padding);
  if (out_h <= 0 || out_w <= 0) return;
  const int out_c = p.depthwise ? p.in_c : p.out_c;
  const ConvGeometry g{p.in_h, p.in_w, p.in_c, out_h, out_w, out_c, p.kh, p.kw, p.stride, p.stride,
                       padding_before(p.in_h, p.kh, p.stride, p.padding),
                       padding_before(p.in_w, p.kw, p.stride, p.padding)};
  std::uniform_int_distribution<int> i8(-128, 127);
  std::vector<std::int8_t> in(static_cast<std::size_t>(p.in_h * p.in_w * p.in_c));
  for (auto& v : in) v = static_cast<std::int8_t>(i8(rng));
  const int taps = p.kh * p.kw * (p.depthwise ? 1 : p.in_c);
  std::vector<std::int8_t> w(static_cast<std::size_t>(taps * out_c));
  for (auto& v : w) v = static_cast<std::int8_t>(std::max(-127, i8(rng)));
  std::vector<double> w_scale(static_cast<std::size_t>(out_c));
  std::vector<std::int32_t> bias(static_cast<std::size_t>(out_c)), mult(w_scale.size()), shift(w_scale.size()),
      nmult(w_scale.size()), nshift(w_scale.size());
  std::vector<double> real_mult(w_scale.size()), alpha(w_scale.size());
  std::uniform_real_distribution<double> u(0.3, 1.0);
  for (std::size_t c = 0; c < w_scale.size(); ++c) {
    // scale so the output spans roughly the int8 range
    w_scale[c] = u(rng) * 40.0 * p.out_scale / (127.0 * 128.0 * p.in_scale * std::sqrt(double(taps)));
    bias[c] = std::uniform_int_distribution<int>(-5000, 5000)(rng);
    real_mult[c] = p.in_scale * w_scale[c] / p.out_scale;
    alpha[c] = std::uniform_real_distribution<double>(-0.5, 1.5)(rng);
    const auto q = quantize_multiplier(real_mult[c]);
    const auto qn = quantize_multiplier(real_mult[c] * alpha[c]);
    mult[c] = q.multiplier;
    shift[c] = q.shift;
    nmult[c] = qn.multiplier;
    nshift[c] = qn.shift;
  }
  Int8OutputStage stage{mult.data(), shift.data(), true, nullptr, nullptr, p.out_zp, -128, 127};
  if (p.act == Activation::PRelu) {
    stage.neg_multiplier = nmult.data();
    stage.neg_shift = nshift.data();
  }
  if (p.act == Activation::Relu) stage.act_min = std::max(-128, p.out_zp);
  std::vector<std::int8_t> out(static_cast<std::size_t>(out_h * out_w * out_c));
  if (p.depthwise) reference::depthwise_conv2d_s8(g, in.data(), p.in_zp, w.data(), bias.data(), stage, out.data());
  else reference::conv2d_s8(g, in.data(), p.in_zp, w.data(), bias.data(), stage, out.data());

  for (int oy = 0; oy < out_h; ++oy) {
    for (int ox = 0; ox < out_w; ++ox) {
      for (int oc = 0; oc < out_c; ++oc) {
        std::int64_t acc = bias[static_cast<std::size_t>(oc)];
        for (int ky = 0; ky < p.kh; ++ky) {
          for (int kx = 0; kx < p.kw; ++kx) {
            const int iy = oy * p.stride - g.pad_top + ky, ix = ox * p.stride - g.pad_left + kx;
            if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
            if (p.depthwise) {
              acc += std::int64_t{w[static_cast<std::size_t>((ky * p.kw + kx) * out_c + oc)]} *
                     (in[static_cast<std::size_t>((iy * p.in_w + ix) * p.in_c + oc)] - p.in_zp);
            } else {
              for (int ic = 0; ic < p.in_c; ++ic) {
                acc += std::int64_t{w[static_cast<std::size_t>(((oc * p.kh + ky) * p.kw + kx) * p.in_c + ic)]} *
                       (in[static_cast<std::size_t>((iy * p.in_w + ix) * p.in_c + ic)] - p.in_zp);
              }
            }
          }
        }
        double real = static_cast<double>(acc) * real_mult[static_cast<std::size_t>(oc)];
        if (p.act == Activation::PRelu && acc < 0) real *= alpha[static_cast<std::size_t>(oc)];
        double expected = round_away(real) + p.out_zp;
        if (p.act == Activation::Relu) expected = std::max<double>(expected, std::max(-128, p.out_zp));
        const std::int8_t e8 = clamp8(expected);
        const std::int8_t got = out[static_cast<std::size_t>((oy * out_w + ox) * out_c + oc)];
        REQUIRE_MESSAGE(std::abs(int{got} - int{e8}) <= 1, "conv mismatch at ", oy, ",", ox, ",", oc);
      }
    }
  }
}

}  // namespace

TEST_CASE("conv2d_s8: hand-computed 1-channel 2x2 case with SAME padding and stride 2") {
  // input 3x3x1 (zero point 1), kernel 2x2x1x1, stride 2 SAME: out 2x2, pad total 1 -> bottom/right.
  const std::int8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::int8_t w[4] = {1, -1, 2, 0};
  const std::int32_t bias[1] = {10};
  const std::int32_t m[1] = {1 << 30}, s[1] = {1};  // multiplier exactly 1.0
  const Int8OutputStage stage{m, s, true, nullptr, nullptr, 0, -128, 127};
  const ConvGeometry g{3, 3, 1, 2, 2, 1, 2, 2, 2, 2, 0, 0};
  std::int8_t out[4] = {};
  reference::conv2d_s8(g, in, 1, w, bias, stage, out);
  // (0,0): taps (0,0)=0,(0,1)=1,(1,0)=3,(1,1)=4 -> 10 + 0*1 + 1*(-1) + 3*2 + 4*0 = 15
  CHECK(out[0] == 15);
  // (0,1): taps (0,2)=2,(0,3) out,(1,2)=5,(1,3) out -> 10 + 2*1 + 5*2 = 22
  CHECK(out[1] == 22);
  // (1,0): taps (2,0)=6,(2,1)=7 -> 10 + 6 - 7 = 9
  CHECK(out[2] == 9);
  // (1,1): tap (2,2)=8 -> 18
  CHECK(out[3] == 18);
}

TEST_CASE("conv2d_s8 / depthwise_conv2d_s8 within 1 LSB of real arithmetic over shape sweeps") {
  std::mt19937 rng(1234);
  const Activation acts[] = {Activation::None, Activation::Relu, Activation::PRelu};
  int cases = 0;
  for (int depthwise = 0; depthwise < 2; ++depthwise) {
    for (int k : {1, 3, 5}) {
      for (int stride : {1, 2}) {
        for (Padding pad : {Padding::Same, Padding::Valid}) {
          for (int in_c : {1, 3, 8, 17}) {
            for (int in_w : {1, 5, 8, 13}) {
              const RandomQuantConv p{k, k, in_c, depthwise ? in_c : (in_c % 5) + 2, stride, (in_w % 7) + 3, in_w,
                                      pad, depthwise != 0, acts[cases % 3],
                                      cases % 4 == 0 ? -128 : (cases % 4 == 1 ? 127 : 3),
                                      cases % 5 == 0 ? -128 : (cases % 5 == 1 ? 127 : -7),
                                      0.02f, 0.05f};
              check_conv_against_real(p, rng);
              ++cases;
            }
          }
        }
      }
    }
  }
  CHECK(cases == 2 * 3 * 2 * 2 * 4 * 4);
}

TEST_CASE("fully_connected_s8 equals a 1x1 conv over a 1x1xN input") {
  std::mt19937 rng(5);
  const int n_in = 37, n_out = 11;
  std::vector<std::int8_t> in(n_in), w(n_in * n_out), a(n_out), b(n_out);
  for (auto& v : in) v = static_cast<std::int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
  for (auto& v : w) v = static_cast<std::int8_t>(std::uniform_int_distribution<int>(-127, 127)(rng));
  std::vector<std::int32_t> bias(n_out, 77), m(n_out), s(n_out);
  for (int o = 0; o < n_out; ++o) {
    const auto q = quantize_multiplier(0.0007 * (o + 1));
    m[static_cast<std::size_t>(o)] = q.multiplier;
    s[static_cast<std::size_t>(o)] = q.shift;
  }
  const Int8OutputStage st{m.data(), s.data(), true, nullptr, nullptr, -3, -128, 127};
  reference::fully_connected_s8(n_in, n_out, in.data(), 5, w.data(), bias.data(), st, a.data());
  const ConvGeometry g{1, 1, n_in, 1, 1, n_out, 1, 1, 1, 1, 0, 0};
  reference::conv2d_s8(g, in.data(), 5, w.data(), bias.data(), st, b.data());
  CHECK(a == b);
}

TEST_CASE("add_s8 within 1 LSB of real arithmetic, with PRelu and Relu output stages") {
  std::mt19937 rng(9);
  for (int trial = 0; trial < 40; ++trial) {
    const double s1 = std::uniform_real_distribution<double>(0.005, 0.1)(rng);
    const double s2 = std::uniform_real_distribution<double>(0.005, 0.1)(rng);
    const double so = std::uniform_real_distribution<double>(0.01, 0.2)(rng);
    const int zp1 = std::uniform_int_distribution<int>(-128, 127)(rng);
    const int zp2 = std::uniform_int_distribution<int>(-128, 127)(rng);
    const int zpo = trial % 3 == 0 ? -128 : std::uniform_int_distribution<int>(-128, 127)(rng);
    const int channels = 1 + trial % 7;
    const double twice_max = 2 * std::max(s1, s2);
    const auto m1 = quantize_multiplier(s1 / twice_max), m2 = quantize_multiplier(s2 / twice_max);
    const double out_real = twice_max / ((1 << 20) * so);
    const auto mo = quantize_multiplier(out_real);
    std::vector<double> alpha(static_cast<std::size_t>(channels));
    std::vector<std::int32_t> nm(alpha.size()), ns(alpha.size());
    for (std::size_t c = 0; c < alpha.size(); ++c) {
      alpha[c] = 0.1 * static_cast<double>(c) - 0.2;
      const auto q = quantize_multiplier(out_real * alpha[c]);
      nm[c] = q.multiplier;
      ns[c] = q.shift;
    }
    const bool prelu = trial % 2 == 0;
    Int8OutputStage st{&mo.multiplier, &mo.shift, false, prelu ? nm.data() : nullptr, prelu ? ns.data() : nullptr,
                       zpo, prelu ? -128 : std::max(-128, zpo), 127};
    const AddParams p{zp1, zp2, m1.multiplier, m1.shift, m2.multiplier, m2.shift, 20};
    const std::size_t n = static_cast<std::size_t>(channels) * 9;
    std::vector<std::int8_t> a(n), b(n), out(n);
    for (auto& v : a) v = static_cast<std::int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
    for (auto& v : b) v = static_cast<std::int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
    reference::add_s8(n, channels, a.data(), b.data(), p, st, out.data());
    for (std::size_t i = 0; i < n; ++i) {
      double real = s1 * (a[i] - zp1) + s2 * (b[i] - zp2);
      if (prelu && real < 0) real *= alpha[i % alpha.size()];
      double e = round_away(real / so) + zpo;
      if (!prelu) e = std::max<double>(e, std::max(-128, zpo));
      REQUIRE(std::abs(int{out[i]} - int{clamp8(e)}) <= 1);
    }
  }
}

TEST_CASE("prelu_s8 within 1 LSB of real arithmetic") {
  const double si = 0.03, so = 0.02;
  const float alpha[3] = {0.25f, -0.5f, 1.5f};
  std::int32_t nm[3], ns[3];
  for (int c = 0; c < 3; ++c) {
    const auto q = quantize_multiplier(si * alpha[c] / so);
    nm[c] = q.multiplier;
    ns[c] = q.shift;
  }
  const auto pos = quantize_multiplier(si / so);
  const PReluParams p{4, pos.multiplier, pos.shift, nm, ns, -6};
  std::int8_t in[256 * 3], out[256 * 3];
  for (int i = 0; i < 256 * 3; ++i) in[i] = static_cast<std::int8_t>(i / 3 - 128);
  reference::prelu_s8(256 * 3, 3, in, p, out);
  for (int i = 0; i < 256 * 3; ++i) {
    double real = si * (in[i] - 4);
    if (real < 0) real *= alpha[i % 3];
    REQUIRE(std::abs(int{out[i]} - int{clamp8(round_away(real / so) - 6)}) <= 1);
  }
}

TEST_CASE("pooling: max of valid taps, average rounds half away from zero over valid taps") {
  const std::int8_t in[2 * 3 * 1] = {1, -5, 3, 4, 2, -7};
  std::int8_t mx[2] = {}, avg[2] = {};
  const PoolGeometry g{2, 3, 1, 1, 2, 2, 2, 2, 2, 0, 0};  // 2x2 window, stride 2, SAME: 2 outputs
  reference::max_pool(g, in, mx);
  CHECK(mx[0] == 4);
  CHECK(mx[1] == 3);
  reference::avg_pool_s8(g, in, avg);
  CHECK(avg[0] == 1);   // (1 - 5 + 4 + 2) / 4 = 0.5 -> 1
  CHECK(avg[1] == -2);  // (3 - 7) / 2 = -2 (only 2 valid taps)
  const std::int8_t neg[4] = {-1, -2, 0, 0};
  std::int8_t r[1] = {};
  const PoolGeometry g2{2, 2, 1, 1, 1, 2, 2, 1, 1, 0, 0};
  reference::avg_pool_s8(g2, neg, r);
  CHECK(r[0] == -1);  // -0.75 -> -1
  const std::int8_t neg2[4] = {-1, -1, 0, 0};
  reference::avg_pool_s8(g2, neg2, r);
  CHECK(r[0] == -1);  // -0.5 -> -1 (away from zero)
}

TEST_CASE("pad fills with the zero point; channel padding appends") {
  const std::int8_t in[2 * 2 * 2] = {1, 2, 3, 4, 5, 6, 7, 8};
  std::int8_t out[3 * 3 * 3] = {};
  reference::pad<std::int8_t>(2, 2, 2, 1, 0, 3, 3, 3, -9, in, out);
  // row 0 all fill; row 1 col 0 = pixel (0,0) = {1,2,fill}
  for (int i = 0; i < 9; ++i) CHECK(out[i] == -9);
  CHECK(out[9] == 1);
  CHECK(out[10] == 2);
  CHECK(out[11] == -9);
  CHECK(out[3 * 3 * 2 + 3] == 7);  // row 2, col 1 = pixel (1,1)? col 1 -> pixel (1,1) = {7,8}
  CHECK(out[3 * 3 * 2 + 6] == -9); // col 2 beyond input
}

TEST_CASE("quantize / dequantize round trip and NaN handling") {
  const float in[6] = {0.0f, 0.5f, -0.5f, 100.0f, -100.0f, std::nanf("")};
  std::int8_t q[6];
  reference::quantize_s8(6, 0.1f, 3, in, q);
  CHECK(q[0] == 3);
  CHECK(q[1] == 8);
  CHECK(q[2] == -2);
  CHECK(q[3] == 127);
  CHECK(q[4] == -128);
  CHECK(q[5] == 3);
  float back[6];
  reference::dequantize_s8(6, 0.1f, 3, q, back);
  CHECK(back[1] == doctest::Approx(0.5f));
}
