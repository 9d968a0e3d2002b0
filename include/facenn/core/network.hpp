// Network: a layer sequence bound to an input tensor spec. The public face of every model.
//
//   using Net = Network<TensorSpec<Int8, Shape<192, 192, 3>, q_input>, Conv<...>, ..., Branch<...>>;
//   static Net::Arena arena;                        // Net::arena_bytes is a compile-time constant
//   Status s = Net{}.infer(input_view, output_views, arena);
//
// infer() is const, noexcept, allocation-free and re-entrant: all mutable state is in the caller's
// arena, so threads share one network and own one arena each. A float input holding NaN or Inf is
// refused with Status::NonFinite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <type_traits>

#include "../kernels/reference/backend.hpp"
#include "graph.hpp"
#include "status.hpp"
#include "tensor.hpp"

namespace facenn {

template <class InputSpec, class... L>
class Network {
  static_assert(TensorSpecType<InputSpec>, "Network<InputSpec, L...>: InputSpec must be a TensorSpec");
  using body = Sequential<L...>;
  using output_spec_or_list = typename body::template output_spec<InputSpec>;

 public:
  using input_spec = InputSpec;
  using element = typename InputSpec::element;
  // All outputs as a SpecList (a single-output network has a list of one).
  using output_list = typename as_spec_list<output_spec_or_list>::type;
  static constexpr std::size_t output_count = output_list::count;
  // The view(s) infer() writes: TensorView<spec> for one output, std::tuple<TensorView<...>...> for several.
  using outputs = typename output_views<output_spec_or_list>::type;
  static constexpr std::size_t layer_count = sizeof...(L);

  // Bytes of working memory inference needs (input and outputs excluded: the caller owns those).
  // Exactly the bytes inference writes (the arena's start must be 64-byte aligned; its size need not be).
  static constexpr std::size_t arena_bytes = body::template scratch_bytes<InputSpec>;

  struct Arena {
    alignas(kArenaAlignment) std::byte bytes[arena_bytes > 0 ? arena_bytes : 1];
    std::span<std::byte> span() noexcept { return std::span<std::byte>(bytes, arena_bytes); }
  };

  template <class Backend = kernels::DefaultBackend>
  Status infer(ConstTensorView<InputSpec> input, outputs out, std::span<std::byte> arena) const noexcept {
    if (input.data() == nullptr || !outputs_valid(out)) return Status::InvalidArgument;
    if (arena.size() < arena_bytes) return Status::ArenaTooSmall;
    if (arena_bytes > 0 && reinterpret_cast<std::uintptr_t>(arena.data()) % kArenaAlignment != 0) {
      return Status::ArenaMisaligned;
    }
    // Float inputs: a NaN or infinity would spread through every layer into every output (and a NaN
    // compares false everywhere downstream, e.g. in score thresholds): refuse it up front. One pass over
    // the input, negligible next to the first convolution. (Integer inputs cannot hold either.)
    if constexpr (std::is_same_v<typename InputSpec::value_type, float>) {
      const float* x = input.data();
      for (std::size_t i = 0; i < InputSpec::size; ++i) {
        if (!(x[i] - x[i] == 0.0f)) return Status::NonFinite;  // false for NaN and +-Inf only
      }
    }
    body::template run<Backend, InputSpec>(input.data(), pointers(out), arena.data());
    return Status::Ok;
  }

  template <class Backend = kernels::DefaultBackend>
  Status infer(ConstTensorView<InputSpec> input, outputs out, Arena& arena) const noexcept {
    return infer<Backend>(input, out, arena.span());
  }

 private:
  template <class... V>
  static bool outputs_valid(const std::tuple<V...>& t) noexcept {
    return std::apply([](const auto&... v) { return ((v.data() != nullptr) && ...); }, t);
  }
  template <class S>
  static bool outputs_valid(const TensorView<S>& v) noexcept {
    return v.data() != nullptr;
  }
  template <class... V>
  static auto pointers(const std::tuple<V...>& t) noexcept {
    return std::apply([](const auto&... v) { return std::make_tuple(v.data()...); }, t);
  }
  template <class S>
  static auto pointers(const TensorView<S>& v) noexcept {
    return v.data();
  }
};

// The I-th output spec of a network.
template <class Net, std::size_t I>
struct network_output {
  template <class List>
  struct pick;
  template <class... S>
  struct pick<SpecList<S...>> {
    using type = std::tuple_element_t<I, std::tuple<S...>>;
  };
  using type = typename pick<typename Net::output_list>::type;
};
template <class Net, std::size_t I = 0>
using output_spec_t = typename network_output<Net, I>::type;

// Owning storage for all outputs of a network, with the matching view(s).
template <class Net>
struct OutputBuffers {
  template <class List>
  struct storage;
  template <class... S>
  struct storage<SpecList<S...>> {
    using type = std::tuple<TensorBuffer<S>...>;
  };
  typename storage<typename Net::output_list>::type buffers{};

  template <std::size_t I = 0>
  auto& get() noexcept {
    return std::get<I>(buffers);
  }
  typename Net::outputs views() noexcept {
    if constexpr (Net::output_count == 1) {
      return std::get<0>(buffers).view();
    } else {
      return std::apply([](auto&... b) { return std::make_tuple(b.view()...); }, buffers);
    }
  }
};

}  // namespace facenn
