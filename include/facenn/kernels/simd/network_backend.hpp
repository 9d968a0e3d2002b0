// kernels::SimdFor<Net> — kernels::Simd plus compile-time packed weights for every int8 convolution and
// fully connected layer of the network Net, found by filter pointer:
//
//   Net{}.infer<facenn::kernels::SimdFor<Net>>(input, outputs, arena);
//
// For a caller that passes the backend only a filter pointer (W::filter). SimdFor walks Net's
// layer types at compile time, collects the weights struct W of each Conv<Int8, W, ...> and
// FullyConnected<Int8, W>, and builds a constexpr table {W::filter, conv2d_s8_packed<Isa, W>}. A call
// whose filter pointer is in the table runs the packed kernel (weights packed by constant evaluation,
// PackedConvWeights<W, L>); any other call runs kernels::Simd. The table is constant data: no
// allocation, no mutable state, nothing done per inference beyond a scan of <= ~50 pointers per layer.
// Since the layers call the per-layer entry points (Backend::conv2d_s8<W>), plain kernels::Simd packs
// the same layers itself; this adapter remains for layers or backends that pass only pointers.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

#include "../../core/types.hpp"
#include "../../layers/conv.hpp"
#include "../../layers/fully_connected.hpp"
#include "backend.hpp"

namespace facenn::kernels {

#if defined(FACENN_SIMD_ANY)

namespace simd::detail {

template <class... W>
struct WeightsList {};

template <class... L>
struct concat_lists;
template <>
struct concat_lists<> {
  using type = WeightsList<>;
};
template <class... A>
struct concat_lists<WeightsList<A...>> {
  using type = WeightsList<A...>;
};
template <class... A, class... B, class... Rest>
struct concat_lists<WeightsList<A...>, WeightsList<B...>, Rest...> {
  using type = typename concat_lists<WeightsList<A..., B...>, Rest...>::type;
};

// The weights structs of the packable int8 Conv / FullyConnected layers inside a layer type.
template <class T>
struct packable_weights {
  using type = WeightsList<>;
};
template <template <class...> class X, class... A>
struct packable_weights<X<A...>> {
  using type = typename concat_lists<typename packable_weights<A>::type...>::type;
};
template <class W, class S, Padding P>
struct packable_weights<Conv<Int8, W, S, P>> {
  using type = std::conditional_t<packable_conv<W>, WeightsList<W>, WeightsList<>>;
};
template <class W>
struct packable_weights<FullyConnected<Int8, W>> {
  using type = std::conditional_t<packable_conv<W>, WeightsList<W>, WeightsList<>>;
};

struct PackedEntry {
  const std::int8_t* filter;
  bool (*run)(const ConvGeometry&, const std::int8_t*, std::int32_t, const Int8OutputStage&, std::int8_t*) noexcept;
};

template <class Isa, class List>
struct packed_table;
template <class Isa, class... W>
struct packed_table<Isa, WeightsList<W...>> {
  static constexpr std::array<PackedEntry, sizeof...(W)> value{{PackedEntry{W::filter, &conv2d_s8_packed<Isa, W>}...}};
};

}  // namespace simd::detail

template <class Isa, class Net>
struct SimdBackendFor : SimdBackend<Isa> {
  using base = SimdBackend<Isa>;
  static constexpr auto& table =
      simd::detail::packed_table<Isa, typename simd::detail::packable_weights<Net>::type>::value;
  static constexpr std::size_t packed_layers = table.size();

  static bool run_packed(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp, const std::int8_t* w,
                         const Int8OutputStage& st, std::int8_t* out) noexcept {
    for (const auto& e : table) {
      if (e.filter == w) return e.run(g, in, in_zp, st, out);
    }
    return false;
  }

  static void conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp, const std::int8_t* w,
                        const std::int32_t* bias, const Int8OutputStage& st, std::int8_t* out) noexcept {
    if (!run_packed(g, in, in_zp, w, st, out)) base::conv2d_s8(g, in, in_zp, w, bias, st, out);
  }
  template <class W>
  static void conv2d_s8(const ConvGeometry& g, const std::int8_t* in, std::int32_t in_zp, const std::int8_t* w,
                        const std::int32_t* bias, const Int8OutputStage& st, std::int8_t* out) noexcept {
    base::template conv2d_s8<W>(g, in, in_zp, w, bias, st, out);
  }
  static void fully_connected_s8(int n_in, int n_out, const std::int8_t* in, std::int32_t in_zp,
                                 const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                 std::int8_t* out) noexcept {
    const ConvGeometry g{1, 1, n_in, 1, 1, n_out, 1, 1, 1, 1, 0, 0};
    if (!run_packed(g, in, in_zp, w, st, out)) base::fully_connected_s8(n_in, n_out, in, in_zp, w, bias, st, out);
  }
  template <class W>
  static void fully_connected_s8(int n_in, int n_out, const std::int8_t* in, std::int32_t in_zp,
                                 const std::int8_t* w, const std::int32_t* bias, const Int8OutputStage& st,
                                 std::int8_t* out) noexcept {
    base::template fully_connected_s8<W>(n_in, n_out, in, in_zp, w, bias, st, out);
  }
};

template <class Net>
struct SimdFor : SimdBackendFor<Simd::isa, Net> {};

#else

template <class Net>
struct SimdFor : Simd {};

#endif

}  // namespace facenn::kernels
