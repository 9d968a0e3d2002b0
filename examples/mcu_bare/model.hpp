// The network the image runs and its embedded input, shared by the firmware (main.cpp) and the host
// program that computes the reference checksum (host_main.cpp).
//
//   FACENN_MCU_MODEL_FACEMESH468=1  FaceMesh-468 int8 (facenn::models::FaceMesh468Net<Int8>) on a golden
//                                   192x192x3 int8 crop (models/facemesh468/golden/input_*_s8.bin),
//                                   embedded as a generated header (mcu_input.hpp, by embed_bytes.cmake)
//   otherwise                        the tiny test network (tests/core/support/test_network.hpp) on a
//                                   deterministic pattern
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <facenn/core.hpp>

#if FACENN_MCU_MODEL_FACEMESH468
#include <facenn/models/facemesh468.hpp>

#include "mcu_input.hpp"  // generated: mcu::kInputBytes, mcu::kInputName

namespace mcu {
using Net = facenn::models::FaceMesh468Net<facenn::Int8>;
inline constexpr const char* kModelName = "facemesh468 int8";
static_assert(sizeof(kInputBytes) - 1 == Net::input_spec::size, "the embedded crop is not 192x192x3 int8");
inline const std::int8_t* input_data() noexcept { return kInputBytes; }
}  // namespace mcu

#else
#include "../../tests/core/support/test_network.hpp"

namespace mcu {
using Net = facenn::test::tiny::Net<facenn::Int8>;
inline constexpr const char* kModelName = "tiny test network int8";
inline constexpr const char* kInputName = "pattern (i % 97) - 48";
alignas(64) inline constexpr std::array<std::int8_t, Net::input_spec::size> kInputPattern = [] {
  std::array<std::int8_t, Net::input_spec::size> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::int8_t>(static_cast<int>(i % 97) - 48);
  return a;
}();
inline const std::int8_t* input_data() noexcept { return kInputPattern.data(); }
}  // namespace mcu
#endif
