// Hosted programs only (this header allocates): a network together with its arena, input and output
// tensors, each on the heap.
//
// The core never allocates (the caller owns every buffer, docs/architecture.md), which suits firmware but
// not a desktop program: FaceMesh's arena is ~0.4 MB and the embedder's ~0.5 MB, more than a secondary
// thread's stack may hold. Tools, benchmarks and tests that just want "a network ready to run" use this
// instead of repeating the three allocations.
//
//   facenn::hosted::HeapNetwork<facenn::models::FaceMesh468Net<facenn::Int8>> net;   // allocates once
//   net.set_input(pixels);                                 // any sized range of the input's element type
//   if (net.run<facenn::kernels::Simd>() != facenn::Status::Ok) { ... }
//   const auto& landmarks = net.output<0>();              // the output tensor's data (std::array)
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>

#include <facenn/core/network.hpp>
#include <facenn/core/tensor.hpp>

namespace facenn::hosted {

template <class Net>
struct HeapNetwork {
  using network = Net;
  using Input = TensorBuffer<typename Net::input_spec>;

  std::unique_ptr<typename Net::Arena> arena = std::make_unique<typename Net::Arena>();
  std::unique_ptr<Input> input = std::make_unique<Input>();
  std::unique_ptr<OutputBuffers<Net>> out = std::make_unique<OutputBuffers<Net>>();

  template <class Backend = kernels::DefaultBackend>
  Status run() {
    return Net{}.template infer<Backend>(input->view(), out->views(), *arena);
  }

  // Copies `values` into the input; false (input untouched) if the sizes differ.
  template <class Range>
  bool set_input(const Range& values) {
    if (static_cast<std::size_t>(std::size(values)) != input->data.size()) return false;
    std::copy(std::begin(values), std::end(values), input->data.begin());
    return true;
  }

  // Output I's values (the tensor's data array).
  template <std::size_t I = 0>
  const auto& output() const noexcept {
    return out->template get<I>().data;
  }
};

}  // namespace facenn::hosted
