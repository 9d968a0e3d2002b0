// facenn core: tensors, layers, reference kernels and static networks. No dependency beyond the C++20
// standard library headers; no heap, no exceptions, no RTTI needed — fit for bare-metal builds.
#pragma once

#include "core/fixed_point.hpp"
#include "core/graph.hpp"
#include "core/memory_plan.hpp"
#include "core/network.hpp"
#include "core/requant.hpp"
#include "core/status.hpp"
#include "core/tensor.hpp"
#include "core/types.hpp"
#include "core/weights.hpp"
#include "kernels/reference/backend.hpp"
#include "layers/activation.hpp"
#include "layers/add.hpp"
#include "layers/conv.hpp"
#include "layers/depthwise_conv.hpp"
#include "layers/fully_connected.hpp"
#include "layers/pad.hpp"
#include "layers/pool.hpp"
#include "layers/quantize.hpp"
#include "layers/reshape.hpp"
#include "layers/sigmoid.hpp"
