// Tensors: a static description (TensorSpec) and non-owning views over caller memory.
//
// A TensorSpec carries element type, shape and quantization in its type, so a view of the wrong
// tensor does not compile. Quantization is a type with `scale` and `zero_point` members (generated
// per tensor by the converters); float tensors use NoQuant.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <type_traits>

#include "types.hpp"

namespace facenn {

// ---- quantization descriptors -------------------------------------------------------------------
// Activations: asymmetric int8, one (scale, zero_point) per tensor (TFLite convention).
// Weights: symmetric int8 per output channel; their scales live in the generated multipliers.
struct NoQuant final {
  static constexpr float scale = 1.0f;
  static constexpr std::int32_t zero_point = 0;
};

template <class Q>
concept QuantType = requires {
  { Q::scale } -> std::convertible_to<float>;
  { Q::zero_point } -> std::convertible_to<std::int32_t>;
};

// ---- tensor specs -------------------------------------------------------------------------------
template <class E, class S, class Q = NoQuant>
struct TensorSpec final {
  static_assert(ElementType<E>, "TensorSpec<E, S, Q>: E must be Int8, UInt8, Int32 or Float");
  static_assert(ShapeType<S>, "TensorSpec<E, S, Q>: S must be a Shape<H, W, C>");
  static_assert(QuantType<Q>, "TensorSpec<E, S, Q>: Q must have static `scale` and `zero_point`");
  using element = E;
  using value_type = typename E::type;
  using shape = S;
  using quant = Q;
  static constexpr std::size_t size = S::size;
  static constexpr std::size_t bytes = S::size * sizeof(value_type);
};

template <class T>
struct is_tensor_spec : std::false_type {};
template <class E, class S, class Q>
struct is_tensor_spec<TensorSpec<E, S, Q>> : std::true_type {};
template <class T>
concept TensorSpecType = is_tensor_spec<T>::value;

// Several outputs (multi-head networks).
template <class... Specs>
struct SpecList final {
  static constexpr std::size_t count = sizeof...(Specs);
};

template <class T>
struct is_spec_list : std::false_type {};
template <class... S>
struct is_spec_list<SpecList<S...>> : std::true_type {};

// A spec or a list of specs, flattened to a list.
template <class T>
struct as_spec_list {
  using type = SpecList<T>;
};
template <class... S>
struct as_spec_list<SpecList<S...>> {
  using type = SpecList<S...>;
};

template <class... Lists>
struct concat_spec_lists;
template <>
struct concat_spec_lists<> {
  using type = SpecList<>;
};
template <class... A>
struct concat_spec_lists<SpecList<A...>> {
  using type = SpecList<A...>;
};
template <class... A, class... B, class... Rest>
struct concat_spec_lists<SpecList<A...>, SpecList<B...>, Rest...> {
  using type = typename concat_spec_lists<SpecList<A..., B...>, Rest...>::type;
};

// ---- views --------------------------------------------------------------------------------------
template <class Spec>
class TensorView {
  static_assert(TensorSpecType<Spec>, "TensorView<Spec>: Spec must be a TensorSpec");

 public:
  using spec = Spec;
  using value_type = typename Spec::value_type;
  using shape = typename Spec::shape;

  constexpr TensorView() noexcept = default;
  constexpr explicit TensorView(value_type* data) noexcept : data_(data) {}
  constexpr explicit TensorView(std::span<value_type, Spec::size> s) noexcept : data_(s.data()) {}

  constexpr value_type* data() const noexcept { return data_; }
  static constexpr std::size_t size() noexcept { return Spec::size; }
  constexpr std::span<value_type, Spec::size> span() const noexcept {
    return std::span<value_type, Spec::size>(data_, Spec::size);
  }
  constexpr value_type& operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr value_type& at(int y, int x, int c) const noexcept {
    return data_[(static_cast<std::size_t>(y) * shape::w + static_cast<std::size_t>(x)) * shape::c +
                 static_cast<std::size_t>(c)];
  }

 private:
  value_type* data_ = nullptr;
};

template <class Spec>
class ConstTensorView {
  static_assert(TensorSpecType<Spec>, "ConstTensorView<Spec>: Spec must be a TensorSpec");

 public:
  using spec = Spec;
  using value_type = typename Spec::value_type;
  using shape = typename Spec::shape;

  constexpr ConstTensorView() noexcept = default;
  constexpr explicit ConstTensorView(const value_type* data) noexcept : data_(data) {}
  constexpr explicit ConstTensorView(std::span<const value_type, Spec::size> s) noexcept
      : data_(s.data()) {}
  constexpr ConstTensorView(TensorView<Spec> v) noexcept : data_(v.data()) {}  // NOLINT: implicit by design

  constexpr const value_type* data() const noexcept { return data_; }
  static constexpr std::size_t size() noexcept { return Spec::size; }
  constexpr std::span<const value_type, Spec::size> span() const noexcept {
    return std::span<const value_type, Spec::size>(data_, Spec::size);
  }
  constexpr const value_type& operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr const value_type& at(int y, int x, int c) const noexcept {
    return data_[(static_cast<std::size_t>(y) * shape::w + static_cast<std::size_t>(x)) * shape::c +
                 static_cast<std::size_t>(c)];
  }

 private:
  const value_type* data_ = nullptr;
};

// Owning storage for one tensor (tests, examples, static buffers in firmware).
template <class Spec>
struct TensorBuffer {
  alignas(kArenaAlignment) std::array<typename Spec::value_type, Spec::size> data{};
  constexpr TensorView<Spec> view() noexcept { return TensorView<Spec>(data.data()); }
  constexpr ConstTensorView<Spec> view() const noexcept { return ConstTensorView<Spec>(data.data()); }
};

// The view type(s) a network writes its outputs to: one view, or a tuple of views.
template <class SpecOrList>
struct output_views {
  using type = TensorView<SpecOrList>;
};
template <class... S>
struct output_views<SpecList<S...>> {
  using type = std::tuple<TensorView<S>...>;
};

// Raw output pointer(s) handed down the graph: one pointer, or a tuple of pointers.
template <class SpecOrList>
struct output_pointers {
  using type = typename SpecOrList::value_type*;
};
template <class... S>
struct output_pointers<SpecList<S...>> {
  using type = std::tuple<typename S::value_type*...>;
};
template <class SpecOrList>
using output_pointers_t = typename output_pointers<SpecOrList>::type;

}  // namespace facenn
