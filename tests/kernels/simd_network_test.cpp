// Whole networks: int8 outputs of infer<SimdBackend<Isa>> identical to infer<Reference> (and to the
// converter's golden int8 outputs) for every ISA this executable was compiled for; and the packed conv
// path (conv2d_s8<W>, weights packed at compile time from the generated headers) on real layers.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

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
#define FACENN_TEST_HAVE_BLAZEFACE 1
#endif

#include "models/golden_io.hpp"

using namespace facenn;
using namespace facenn::kernels;

namespace {

template <class F>
void for_each_isa(F&& f) {
  [&]<class... I>(simd::IsaList<I...>) {
    auto one = [&]<class Isa>() {
      if constexpr (!std::is_void_v<Isa>) {
        if (!Isa::cpu_supported()) {
          MESSAGE("skipping ", std::string(Isa::name), ": not supported by this CPU");
          return;
        }
        f.template operator()<Isa>();
      }
    };
    (one.template operator()<I>(), ...);
  }(simd::CompiledIsas{});
}

template <class Net>
using Runner = test::GoldenRunner<Net>;

// Every output of one inference with Backend, as int8 vectors.
template <class Backend, class Net>
std::vector<std::vector<std::int8_t>> run_all(Runner<Net>& r) {
  REQUIRE(r.template run<Backend>() == Status::Ok);
  std::vector<std::vector<std::int8_t>> outputs;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (outputs.push_back(r.template output<I>()), ...);
  }(std::make_index_sequence<Net::output_count>{});
  return outputs;
}

std::vector<std::int8_t> random_input(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(d(rng));
  return v;
}

template <class Net>
void check_network(const char* model, const std::vector<std::vector<std::int8_t>>& inputs) {
  Runner<Net> r;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    CAPTURE(k);
    REQUIRE(r.set_input(inputs[k]));
    const auto ref = run_all<Reference>(r);
    for_each_isa([&]<class Isa>() {
      const auto got = run_all<SimdBackend<Isa>>(r);
      const auto got_packed = run_all<SimdBackendFor<Isa, Net>>(r);
      for (std::size_t o = 0; o < ref.size(); ++o) {
        INFO(model, " output ", o, " on ", std::string(Isa::name));
        CHECK(got[o] == ref[o]);
        CHECK(got_packed[o] == ref[o]);
      }
    });
  }
}

}  // namespace

TEST_CASE("FaceMesh468Net<Int8>: SIMD == reference == golden") {
  using Net = models::FaceMesh468Net<Int8>;
  // every int8 conv of FaceMesh but the 404 KB output conv is packed at compile time
  CHECK(SimdFor<Net>::packed_layers >= 24);
  std::vector<std::vector<std::int8_t>> inputs;
  for (int k = 0; k < 3; ++k) {
    auto q = test::read_raw<std::int8_t>(test::model_golden("facemesh468", "input_" + std::to_string(k) + "_s8"));
    if (q.size() == Net::input_spec::size) inputs.push_back(std::move(q));
  }
  inputs.push_back(random_input(Net::input_spec::size, 1));
  check_network<Net>("facemesh468", inputs);
  // the golden int8 outputs of the converter's numpy emulation
  Runner<Net> r;
  for (int k = 0; k < 3; ++k) {
    const auto mesh = test::read_raw<std::int8_t>(test::model_golden("facemesh468", "int8_" + std::to_string(k) + "_mesh_s8"));
    if (mesh.empty()) continue;
    REQUIRE(r.set_input(inputs[static_cast<std::size_t>(k)]));
    CHECK(run_all<Simd>(r)[0] == mesh);
    CHECK(run_all<SimdFor<Net>>(r)[0] == mesh);
  }
}

#if defined(FACENN_TEST_HAVE_BLAZEFACE)
TEST_CASE("BlazeFace128: SIMD == reference") {
  using Net = models::BlazeFace128Net<Int8>;
  check_network<Net>("blazeface128", {random_input(Net::input_spec::size, 2), random_input(Net::input_spec::size, 3)});
}
#endif

namespace {
template <class Isa, class W>
void check_packed_layer(int in_h, int in_w, int stride, int pad) {
  const int out_h = (in_h + 2 * pad - W::kernel_h) / stride + 1;
  const int out_w = (in_w + 2 * pad - W::kernel_w) / stride + 1;
  const ConvGeometry g{in_h, in_w, W::in_channels, out_h, out_w, W::out_channels, W::kernel_h, W::kernel_w,
                       stride, stride, pad, pad};
  const auto in = random_input(static_cast<std::size_t>(in_h * in_w * W::in_channels), 9);
  const auto stage = int8_output_stage_per_channel<W>();
  const auto n = static_cast<std::size_t>(out_h * out_w * W::out_channels);
  std::vector<std::int8_t> ref(n), got(n, 99);
  const std::int32_t zp = W::input_quant::zero_point;
  reference::conv2d_s8(g, in.data(), zp, W::filter, W::bias, stage, ref.data());
  SimdBackend<Isa>::template conv2d_s8<W>(g, in.data(), zp, W::filter, W::bias, stage, got.data());
  CHECK(got == ref);
}
}  // namespace

TEST_CASE("packed conv on FaceMesh layers (generated weights packed at compile time)") {
  namespace FW = facenn::weights::facemesh468;
  for_each_isa([]<class Isa>() {
    check_packed_layer<Isa, FW::conv2d_1>(24, 24, 2, 1);   // 3x3 s2, 3 -> 16, PReLU
    check_packed_layer<Isa, FW::conv2d_2>(12, 12, 1, 0);   // 1x1 16 -> 16
    check_packed_layer<Isa, FW::conv2d_4>(8, 8, 1, 0);     // 1x1 16 -> 32
    check_packed_layer<Isa, FW::conv2d_11>(5, 6, 1, 0);    // 1x1 128 -> 128
    check_packed_layer<Isa, FW::conv2d_19>(3, 3, 1, 0);    // 1x1 128 -> 32, PReLU
    check_packed_layer<Isa, FW::conv2d_31>(3, 3, 3, 0);    // 3x3 s3 32 -> 1
  });
}
