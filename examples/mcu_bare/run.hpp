// One inference of mcu::Net and the FNV-1a checksum of its int8 outputs — the same code on the
// Cortex-M55 image and on the host, so their printed checksums must agree bit for bit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <utility>

#include "model.hpp"

namespace mcu {

// 32-bit FNV-1a over bytes (offset basis 2166136261, prime 16777619).
inline constexpr std::uint32_t kFnvOffset = 2166136261u;
constexpr std::uint32_t fnv1a(std::uint32_t h, const std::int8_t* p, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<std::uint8_t>(p[i]);
    h *= 16777619u;
  }
  return h;
}
static_assert(fnv1a(kFnvOffset, nullptr, 0) == 0x811c9dc5u);

struct OutputInfo {
  const std::int8_t* data;
  std::size_t size;
  std::uint32_t checksum;  // FNV-1a of this output alone
};

struct RunResult {
  facenn::Status status;
  std::uint32_t checksum;  // FNV-1a over all outputs, in the network's output order
  std::array<OutputInfo, Net::output_count> outputs;
};

inline RunResult run(Net::Arena& arena, facenn::OutputBuffers<Net>& out) noexcept {
  RunResult r{};
  r.status = Net{}.infer(facenn::ConstTensorView<Net::input_spec>(input_data()), out.views(), arena);
  r.checksum = kFnvOffset;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((r.outputs[I] = OutputInfo{out.template get<I>().data.data(), out.template get<I>().data.size(),
                                fnv1a(kFnvOffset, out.template get<I>().data.data(), out.template get<I>().data.size())},
      r.checksum = fnv1a(r.checksum, r.outputs[I].data, r.outputs[I].size)),
     ...);
  }(std::make_index_sequence<Net::output_count>{});
  return r;
}

}  // namespace mcu

namespace mcu {

// The report both programs print. Line is any type with str(const char*), dec(uint64), sdec(int64),
// hex(uint32) and end(); tests/constrained compares the "checksum:" lines.
template <class Line>
void print_result(const RunResult& r) noexcept {
  Line().str("model: ").str(kModelName).end();
  Line().str("input: ").str(kInputName).end();
  Line().str("arena_bytes: ").dec(Net::arena_bytes).end();
  Line().str("status: ").str(facenn::to_string(r.status)).end();
  for (std::size_t i = 0; i < r.outputs.size(); ++i) {
    const OutputInfo& o = r.outputs[i];
    Line line;
    line.str("output ").dec(i).str(": ").dec(o.size).str(" int8, fnv1a ").hex(o.checksum).str(", first:");
    for (std::size_t k = 0; k < o.size && k < 8; ++k) line.str(" ").sdec(o.data[k]);
    line.end();
  }
  Line().str("checksum: ").hex(r.checksum).end();
}

}  // namespace mcu
