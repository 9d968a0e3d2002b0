// The face-api networks on the SIMD backends: int8 outputs of infer<SimdBackend<Isa>> and of
// infer<SimdBackendFor<Isa, Net>> (compile-time packed weights) identical to the converters' golden int8
// outputs (== infer<Reference>, see the per-model tests), for every ISA compiled in and supported by the CPU.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <facenn/kernels/simd/backend.hpp>
#include <facenn/kernels/simd/network_backend.hpp>
#include <facenn/models/face_embedder.hpp>
#include <facenn/models/landmarks68.hpp>
#include <facenn/models/landmarks68_tiny.hpp>

#include "faceapi_golden.hpp"

using namespace facenn;
using namespace facenn::kernels;
using faceapi_test::read_golden;
using faceapi_test::Runner;

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
void check_model(const char* model, const char* output) {
  Runner<Net> r;
  for (int k = 0; k < 3; ++k) {
    const auto q = read_golden<std::int8_t>(model, "input_" + std::to_string(k) + "_s8");
    const auto want = read_golden<std::int8_t>(model, "int8_" + std::to_string(k) + "_" + output + "_s8");
    REQUIRE(r.set_input(q));
    REQUIRE(want.size() == r.output().size());
    for_each_isa([&]<class Isa>() {
      const std::string isa = Isa::name;
      CAPTURE(model);
      CAPTURE(isa);
      CAPTURE(k);
      REQUIRE(r.template run<SimdBackend<Isa>>() == Status::Ok);
      CHECK(r.output() == want);
      REQUIRE(r.template run<SimdBackendFor<Isa, Net>>() == Status::Ok);
      CHECK(r.output() == want);
    });
  }
}

}  // namespace

TEST_CASE("Landmarks68Net<Int8> on the SIMD backends == golden") {
  check_model<models::Landmarks68Net<Int8>>("landmarks68", "landmarks");
}
TEST_CASE("Landmarks68TinyNet<Int8> on the SIMD backends == golden") {
  check_model<models::Landmarks68TinyNet<Int8>>("landmarks68_tiny", "landmarks");
}
TEST_CASE("FaceEmbedderNet<Int8> on the SIMD backends == golden") {
  check_model<models::FaceEmbedderNet<Int8>>("face_embedder", "descriptor");
}
