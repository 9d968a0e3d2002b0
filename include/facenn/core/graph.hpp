// Composition of layers into static graphs: Sequential, Identity, Residual, Branch, Concat.
//
// The layer protocol (every layer and every composite implements it):
//
//   template <class In> using output_spec = ...;             // TensorSpec (or SpecList for a Branch);
//                                                            // instantiating it runs the layer's static_asserts
//   template <class In> static constexpr std::size_t scratch_bytes = ...;   // private arena bytes
//   template <class Backend, class In>
//   static void run(const typename In::value_type* in, output_pointers_t<output_spec<In>> out,
//                   std::byte* scratch) noexcept;
//
// Binary merge layers (Add) take two inputs: output_spec<A, B>, run<Backend, A, B>(a, b, out, scratch).
//
// A composite plans where its intermediate tensors live inside its scratch region with the constexpr
// greedy planner (memory_plan.hpp), so the whole network's arena size is one compile-time constant.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "memory_plan.hpp"
#include "tensor.hpp"

namespace facenn {

namespace detail {

template <class S>
constexpr std::size_t tensor_bytes() noexcept {
  if constexpr (TensorSpecType<S>) return S::bytes;
  else return 0;
}

template <class A, class B>
constexpr bool same_quant() noexcept {
  return A::quant::scale == B::quant::scale && A::quant::zero_point == B::quant::zero_point;
}

template <class Q1, class Q2>
constexpr bool same_quant_params() noexcept {
  return Q1::scale == Q2::scale && Q1::zero_point == Q2::zero_point;
}

// specs of a layer chain: std::tuple<S0 = In, S1, ..., SN>
template <class In, class... L>
struct chain;
template <class In>
struct chain<In> {
  using specs = std::tuple<In>;
};
template <class In, class L0, class... Ls>
struct chain<In, L0, Ls...> {
  static_assert(TensorSpecType<In>,
                "Sequential: a layer produced several outputs but is not the last layer; a Branch must end "
                "its sequence (wrap the rest in a Concat or move it into the branches)");
  using out = typename L0::template output_spec<In>;
  using specs = decltype(std::tuple_cat(std::declval<std::tuple<In>>(),
                                        std::declval<typename chain<out, Ls...>::specs>()));
};

template <class T>
constexpr T* at_offset(std::byte* base, std::size_t offset) noexcept {
  return reinterpret_cast<T*>(base + offset);
}

}  // namespace detail

// ---- Sequential -----------------------------------------------------------------------------------
template <class... L>
struct Sequential {
  static_assert(sizeof...(L) > 0, "Sequential<>: a sequence needs at least one layer");
  static constexpr const char* name = "Sequential";
  static constexpr std::size_t layer_count = sizeof...(L);

  template <class In>
  struct bound {
    static constexpr std::size_t N = sizeof...(L);
    using specs = typename detail::chain<In, L...>::specs;
    using layers = std::tuple<L...>;
    template <std::size_t I>
    using spec = std::tuple_element_t<I, specs>;
    template <std::size_t I>
    using layer = std::tuple_element_t<I, layers>;
    using output = spec<N>;

    // requests [0, N-1): tensor I+1 (written by layer I, read by layer I+1);
    // requests [N-1, 2N-1): scratch of layer I.
    template <std::size_t... I>
    static constexpr auto make_requests(std::index_sequence<I...>) noexcept {
      std::array<BufferRequest, 2 * N - 1> r{};
      ((I + 1 < N ? (r[I] = BufferRequest{detail::tensor_bytes<spec<I + 1>>(), int(I), int(I) + 1}, 0) : 0), ...);
      ((r[N - 1 + I] = BufferRequest{layer<I>::template scratch_bytes<spec<I>>, int(I), int(I)}), ...);
      return r;
    }
    static constexpr auto requests = make_requests(std::make_index_sequence<N>{});
    static constexpr auto plan = plan_memory(requests);

    template <class Backend, std::size_t I>
    static void run_layer(const typename In::value_type* in, output_pointers_t<output> out,
                          std::byte* scratch) noexcept {
      using SIn = spec<I>;
      using SOut = spec<I + 1>;
      const typename SIn::value_type* x;
      if constexpr (I == 0) x = in;
      else x = detail::at_offset<const typename SIn::value_type>(scratch, plan.offsets[I - 1]);
      output_pointers_t<SOut> y;
      if constexpr (I + 1 == N) y = out;
      else y = detail::at_offset<typename SOut::value_type>(scratch, plan.offsets[I]);
      layer<I>::template run<Backend, SIn>(x, y, scratch + plan.offsets[N - 1 + I]);
    }
    template <class Backend, std::size_t... I>
    static void run_all(const typename In::value_type* in, output_pointers_t<output> out, std::byte* scratch,
                        std::index_sequence<I...>) noexcept {
      (run_layer<Backend, I>(in, out, scratch), ...);
    }
  };

  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = bound<In>::plan.total_bytes;

  template <class Backend, class In>
  static void run(const typename In::value_type* in, output_pointers_t<output_spec<In>> out,
                  std::byte* scratch) noexcept {
    bound<In>::template run_all<Backend>(in, out, scratch, std::make_index_sequence<sizeof...(L)>{});
  }
};

// ---- Identity -------------------------------------------------------------------------------------
// The shortcut of a plain residual block; as a standalone layer it copies.
struct Identity {
  static constexpr const char* name = "Identity";
  template <class In>
  using output_spec = In;
  template <class In>
  static constexpr std::size_t scratch_bytes = 0;
  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename In::value_type* out, std::byte*) noexcept {
    std::memcpy(out, in, In::bytes);
  }
};

// ---- Residual -------------------------------------------------------------------------------------
// out = Merge(Body(x), Shortcut(x)); Merge is a binary layer such as Add<T, W>.
template <class Body, class Shortcut, class Merge>
struct Residual {
  static constexpr const char* name = "Residual";

  template <class In>
  struct bound {
    static_assert(TensorSpecType<In>, "Residual: the input must be a single tensor");
    using body_out = typename Body::template output_spec<In>;
    using shortcut_out = typename Shortcut::template output_spec<In>;
    static_assert(TensorSpecType<body_out> && TensorSpecType<shortcut_out>,
                  "Residual: body and shortcut must each produce a single tensor");
    static_assert(std::is_same_v<typename body_out::shape, typename shortcut_out::shape>,
                  "Residual: the body's output shape differs from the shortcut's output shape "
                  "(see body_out / shortcut_out in this instantiation)");
    using output = typename Merge::template output_spec<body_out, shortcut_out>;
    static constexpr bool identity_shortcut = std::is_same_v<Shortcut, Identity>;

    // steps: 0 shortcut, 1 body, 2 merge
    static constexpr std::array<BufferRequest, 5> requests{{
        {identity_shortcut ? 0 : shortcut_out::bytes, 0, 2},               // shortcut output
        {body_out::bytes, 1, 2},                                           // body output
        {Shortcut::template scratch_bytes<In>, 0, 0},                      // shortcut scratch
        {Body::template scratch_bytes<In>, 1, 1},                          // body scratch
        {Merge::template scratch_bytes<body_out, shortcut_out>, 2, 2},     // merge scratch
    }};
    static constexpr auto plan = plan_memory(requests);
  };

  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = bound<In>::plan.total_bytes;

  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte* scratch) noexcept {
    using B = bound<In>;
    using SOut = typename B::shortcut_out;
    using BOut = typename B::body_out;
    constexpr auto& plan = B::plan;
    const typename SOut::value_type* s;
    if constexpr (B::identity_shortcut) {
      s = in;
    } else {
      auto* s_mut = detail::at_offset<typename SOut::value_type>(scratch, plan.offsets[0]);
      Shortcut::template run<Backend, In>(in, s_mut, scratch + plan.offsets[2]);
      s = s_mut;
    }
    auto* b = detail::at_offset<typename BOut::value_type>(scratch, plan.offsets[1]);
    Body::template run<Backend, In>(in, b, scratch + plan.offsets[3]);
    Merge::template run<Backend, BOut, SOut>(b, s, out, scratch + plan.offsets[4]);
  }
};

// ---- Branch ---------------------------------------------------------------------------------------
// Feeds its input to every branch; its outputs are all branch outputs, in order (flattened). Used for
// multi-head networks; only as the last layer of a Sequential.
template <class... B>
struct Branch {
  static_assert(sizeof...(B) > 0, "Branch<>: needs at least one branch");
  static constexpr const char* name = "Branch";

  template <class In>
  using output_spec =
      typename concat_spec_lists<typename as_spec_list<typename B::template output_spec<In>>::type...>::type;

  template <class In>
  static constexpr std::size_t scratch_bytes = [] {
    std::size_t m = 0;
    ((m = B::template scratch_bytes<In> > m ? B::template scratch_bytes<In> : m), ...);
    return m;
  }();

 private:
  template <class In>
  struct bound {
    static constexpr std::array<std::size_t, sizeof...(B)> counts{
        as_spec_list<typename B::template output_spec<In>>::type::count...};
    static constexpr std::array<std::size_t, sizeof...(B)> firsts = [] {
      std::array<std::size_t, sizeof...(B)> f{};
      std::size_t acc = 0;
      for (std::size_t k = 0; k < sizeof...(B); ++k) {
        f[k] = acc;
        acc += counts[k];
      }
      return f;
    }();
  };

  template <std::size_t First, class Tuple, std::size_t... I>
  static auto sub_tuple(const Tuple& t, std::index_sequence<I...>) noexcept {
    return std::make_tuple(std::get<First + I>(t)...);
  }

  template <class Backend, class In, std::size_t K, class Tuple>
  static void run_branch(const typename In::value_type* in, const Tuple& outs, std::byte* scratch) noexcept {
    using Bk = std::tuple_element_t<K, std::tuple<B...>>;
    using OutK = typename Bk::template output_spec<In>;
    constexpr std::size_t first = bound<In>::firsts[K];
    if constexpr (TensorSpecType<OutK>) {
      Bk::template run<Backend, In>(in, std::get<first>(outs), scratch);
    } else {
      Bk::template run<Backend, In>(in, sub_tuple<first>(outs, std::make_index_sequence<OutK::count>{}), scratch);
    }
  }
  template <class Backend, class In, class Tuple, std::size_t... K>
  static void run_all(const typename In::value_type* in, const Tuple& outs, std::byte* scratch,
                      std::index_sequence<K...>) noexcept {
    (run_branch<Backend, In, K>(in, outs, scratch), ...);
  }

 public:
  template <class Backend, class In>
  static void run(const typename In::value_type* in, output_pointers_t<output_spec<In>> out,
                  std::byte* scratch) noexcept {
    if constexpr (output_spec<In>::count == 1) {
      run_all<Backend, In>(in, std::make_tuple(out), scratch, std::make_index_sequence<sizeof...(B)>{});
    } else {
      run_all<Backend, In>(in, out, scratch, std::make_index_sequence<sizeof...(B)>{});
    }
  }
};

// ---- Concat ---------------------------------------------------------------------------------------
// Runs each branch on the input and concatenates their outputs along channels. All branch outputs
// must have the same height, width, element type and quantization (the converter unifies scales).
template <class... B>
struct Concat {
  static_assert(sizeof...(B) > 0, "Concat<>: needs at least one branch");
  static constexpr const char* name = "Concat";

  template <class In>
  struct bound {
    using outs = std::tuple<typename B::template output_spec<In>...>;
    using first = std::tuple_element_t<0, outs>;
    static constexpr bool same_hw =
        ((B::template output_spec<In>::shape::h == first::shape::h &&
          B::template output_spec<In>::shape::w == first::shape::w) && ...);
    static_assert(same_hw, "Concat: the branches' outputs differ in height or width");
    static constexpr bool same_element =
        (std::is_same_v<typename B::template output_spec<In>::element, typename first::element> && ...);
    static_assert(same_element, "Concat: the branches' outputs differ in element type");
    static constexpr bool same_q = (detail::same_quant<typename B::template output_spec<In>, first>() && ...);
    static_assert(same_q, "Concat: the branches' outputs differ in quantization (the converter must unify them)");
    static constexpr int channels = (B::template output_spec<In>::shape::c + ...);
    using output = TensorSpec<typename first::element, Shape<first::shape::h, first::shape::w, channels>,
                              typename first::quant>;

    // steps: branch k writes its output at step k; the interleave runs at step sizeof...(B).
    static constexpr std::size_t K = sizeof...(B);
    static constexpr auto requests = [] {
      std::array<BufferRequest, 2 * K> r{};
      std::size_t k = 0;
      ((r[k] = BufferRequest{B::template output_spec<In>::bytes, int(k), int(K)},
        r[K + k] = BufferRequest{B::template scratch_bytes<In>, int(k), int(k)}, ++k),
       ...);
      return r;
    }();
    static constexpr auto plan = plan_memory(requests);
  };

  template <class In>
  using output_spec = typename bound<In>::output;
  template <class In>
  static constexpr std::size_t scratch_bytes = bound<In>::plan.total_bytes;

  template <class Backend, class In>
  static void run(const typename In::value_type* in, typename output_spec<In>::value_type* out,
                  std::byte* scratch) noexcept {
    using Bd = bound<In>;
    using V = typename output_spec<In>::value_type;
    constexpr int pixels = Bd::first::shape::h * Bd::first::shape::w;
    constexpr int out_c = Bd::channels;
    std::size_t k = 0;
    int channel_offset = 0;
    (
        [&] {
          using OutK = typename B::template output_spec<In>;
          auto* tmp = detail::at_offset<V>(scratch, Bd::plan.offsets[k]);
          B::template run<Backend, In>(in, tmp, scratch + Bd::plan.offsets[Bd::K + k]);
          for (int p = 0; p < pixels; ++p) {
            std::memcpy(out + p * out_c + channel_offset, tmp + p * OutK::shape::c,
                        sizeof(V) * static_cast<std::size_t>(OutK::shape::c));
          }
          channel_offset += OutK::shape::c;
          ++k;
        }(),
        ...);
  }
};

}  // namespace facenn
