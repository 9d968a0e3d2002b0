// RGB8 images: an owning Image and non-owning views (ImageView read-only, MutableImageView writable).
//
// Pixels are interleaved R, G, B bytes; rows may be padded (`stride` = bytes from one row to the
// next, >= 3 * width). Coordinates follow the pixel-centre convention used throughout facenn:
// (0, 0) is the centre of the top-left pixel, so the image covers [-0.5, width - 0.5] horizontally.
//
// The views are plain structs and never allocate (usable in the heap-free core). Image owns its
// pixels in a std::vector: it belongs to the I/O layer (facenn::image), not to the core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace facenn {

inline constexpr int kRgbChannels = 3;

// Read-only view of RGB8 pixels.
struct ImageView {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  std::ptrdiff_t stride = 0;  // bytes per row, >= 3 * width

  constexpr ImageView() noexcept = default;
  constexpr ImageView(const std::uint8_t* d, int w, int h, std::ptrdiff_t s) noexcept
      : data(d), width(w), height(h), stride(s) {}
  // Tightly packed rows.
  constexpr ImageView(const std::uint8_t* d, int w, int h) noexcept
      : data(d), width(w), height(h), stride(std::ptrdiff_t{w} * kRgbChannels) {}

  [[nodiscard]] constexpr bool empty() const noexcept {
    return data == nullptr || width <= 0 || height <= 0;
  }
  // True when the view describes usable memory: non-empty and stride large enough.
  [[nodiscard]] constexpr bool valid() const noexcept {
    return !empty() && stride >= std::ptrdiff_t{width} * kRgbChannels;
  }
  [[nodiscard]] constexpr const std::uint8_t* row(int y) const noexcept { return data + y * stride; }
  [[nodiscard]] constexpr const std::uint8_t* pixel(int x, int y) const noexcept {
    return row(y) + std::ptrdiff_t{x} * kRgbChannels;
  }
};

// Writable view of RGB8 pixels (drawing, warping into caller buffers).
struct MutableImageView {
  std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  std::ptrdiff_t stride = 0;

  constexpr MutableImageView() noexcept = default;
  constexpr MutableImageView(std::uint8_t* d, int w, int h, std::ptrdiff_t s) noexcept
      : data(d), width(w), height(h), stride(s) {}
  constexpr MutableImageView(std::uint8_t* d, int w, int h) noexcept
      : data(d), width(w), height(h), stride(std::ptrdiff_t{w} * kRgbChannels) {}

  [[nodiscard]] constexpr bool empty() const noexcept {
    return data == nullptr || width <= 0 || height <= 0;
  }
  [[nodiscard]] constexpr bool valid() const noexcept {
    return !empty() && stride >= std::ptrdiff_t{width} * kRgbChannels;
  }
  [[nodiscard]] constexpr std::uint8_t* row(int y) const noexcept { return data + y * stride; }
  [[nodiscard]] constexpr std::uint8_t* pixel(int x, int y) const noexcept {
    return row(y) + std::ptrdiff_t{x} * kRgbChannels;
  }
  constexpr operator ImageView() const noexcept {  // NOLINT: a writable view is also readable
    return ImageView(data, width, height, stride);
  }
};

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

// An owning, tightly packed RGB8 image.
class Image {
 public:
  Image() = default;
  Image(int width, int height)
      : width_(width > 0 && height > 0 ? width : 0),
        height_(width > 0 && height > 0 ? height : 0),
        pixels_(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_) * kRgbChannels) {}
  Image(int width, int height, Rgb fill) : Image(width, height) {
    for (std::size_t i = 0; i < pixels_.size(); i += kRgbChannels) {
      pixels_[i] = fill.r;
      pixels_[i + 1] = fill.g;
      pixels_[i + 2] = fill.b;
    }
  }
  // Deep copy of a view.
  explicit Image(ImageView v) : Image(v.valid() ? v.width : 0, v.valid() ? v.height : 0) {
    const std::size_t row_bytes = static_cast<std::size_t>(width_) * kRgbChannels;
    for (int y = 0; y < height_; ++y) {
      const std::uint8_t* src = v.row(y);
      std::uint8_t* dst = pixels_.data() + static_cast<std::size_t>(y) * row_bytes;
      for (std::size_t i = 0; i < row_bytes; ++i) dst[i] = src[i];
    }
  }

  [[nodiscard]] int width() const noexcept { return width_; }
  [[nodiscard]] int height() const noexcept { return height_; }
  [[nodiscard]] std::ptrdiff_t stride() const noexcept { return std::ptrdiff_t{width_} * kRgbChannels; }
  [[nodiscard]] bool empty() const noexcept { return pixels_.empty(); }
  [[nodiscard]] std::span<std::uint8_t> bytes() noexcept { return pixels_; }
  [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return pixels_; }
  [[nodiscard]] std::uint8_t* data() noexcept { return pixels_.data(); }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return pixels_.data(); }

  [[nodiscard]] ImageView view() const noexcept { return ImageView(pixels_.data(), width_, height_); }
  [[nodiscard]] MutableImageView mutable_view() noexcept {
    return MutableImageView(pixels_.data(), width_, height_);
  }
  operator ImageView() const noexcept { return view(); }  // NOLINT: implicit by design

  [[nodiscard]] Rgb at(int x, int y) const noexcept {
    const std::uint8_t* p = view().pixel(x, y);
    return Rgb{p[0], p[1], p[2]};
  }

 private:
  int width_ = 0;
  int height_ = 0;
  std::vector<std::uint8_t> pixels_;
};

}  // namespace facenn
