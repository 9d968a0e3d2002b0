// SSD anchors as MediaPipe's SsdAnchorsCalculator generates them for BlazeFace short-range
// (face_detection_short_range: 4 layers, strides 8, 16, 16, 16, anchor offset 0.5, fixed size 1).
//
// Layers with the same stride share one feature map, so the 128x128 input yields a 16x16 grid with 2
// anchors per cell (stride 8) followed by an 8x8 grid with 6 anchors per cell (3 layers of stride 16).
// Order: grid by grid (16x16 first), cells row-major, anchors within a cell — the same order as the
// flattened NHWC heads 16x16x2 and 8x8x6. Anchor centres are ((x + 0.5) / grid, (y + 0.5) / grid),
// width = height = 1 (fixed_anchor_size).
#pragma once

#include <array>
#include <cstddef>

namespace facenn::detection {

struct Anchor {
  float x_center = 0.0f;
  float y_center = 0.0f;
  float width = 1.0f;
  float height = 1.0f;
};

struct AnchorGrid {
  int grid = 0;              // cells per side
  int anchors_per_cell = 0;
};

inline constexpr std::array<AnchorGrid, 2> kBlazeFaceShortRangeGrids{{{16, 2}, {8, 6}}};
inline constexpr std::size_t kBlazeFaceShortRangeAnchors = 16 * 16 * 2 + 8 * 8 * 6;  // 896

template <std::size_t N, std::size_t G>
constexpr std::array<Anchor, N> make_anchors(const std::array<AnchorGrid, G>& grids) noexcept {
  std::array<Anchor, N> out{};
  std::size_t i = 0;
  for (const AnchorGrid& g : grids)
    for (int y = 0; y < g.grid; ++y)
      for (int x = 0; x < g.grid; ++x)
        for (int a = 0; a < g.anchors_per_cell; ++a) {
          if (i < N) {
            out[i] = Anchor{(static_cast<float>(x) + 0.5f) / static_cast<float>(g.grid),
                            (static_cast<float>(y) + 0.5f) / static_cast<float>(g.grid), 1.0f, 1.0f};
          }
          ++i;
        }
  return out;
}

// The 896 anchors, computed at compile time.
inline constexpr std::array<Anchor, kBlazeFaceShortRangeAnchors> kBlazeFaceShortRangeAnchorTable =
    make_anchors<kBlazeFaceShortRangeAnchors>(kBlazeFaceShortRangeGrids);

static_assert(kBlazeFaceShortRangeAnchorTable[0].x_center == 0.5f / 16.0f);
static_assert(kBlazeFaceShortRangeAnchorTable[1].x_center == 0.5f / 16.0f);
static_assert(kBlazeFaceShortRangeAnchorTable[2].x_center == 1.5f / 16.0f);
static_assert(kBlazeFaceShortRangeAnchorTable[511].y_center == 15.5f / 16.0f);
static_assert(kBlazeFaceShortRangeAnchorTable[512].x_center == 0.5f / 8.0f);
static_assert(kBlazeFaceShortRangeAnchorTable[895].x_center == 7.5f / 8.0f);
static_assert(kBlazeFaceShortRangeAnchorTable[895].y_center == 7.5f / 8.0f);

}  // namespace facenn::detection
