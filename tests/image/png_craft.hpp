// Test helper: writes PNG files byte by byte (stored deflate blocks, real CRCs), so the tests can
// produce any header — 0x0, 16-bit, gray+alpha, absurd dimensions — without an encoder's checks.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace pngcraft {

inline std::uint32_t crc32(const std::uint8_t* p, std::size_t n, std::uint32_t c = 0xFFFFFFFFu) {
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
  }
  return c;
}

inline void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 24));
  v.push_back(static_cast<std::uint8_t>(x >> 16));
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}

inline void chunk(std::vector<std::uint8_t>& png, const char* type, const std::vector<std::uint8_t>& data) {
  put32(png, static_cast<std::uint32_t>(data.size()));
  std::vector<std::uint8_t> td(type, type + 4);
  td.insert(td.end(), data.begin(), data.end());
  png.insert(png.end(), td.begin(), td.end());
  put32(png, crc32(td.data(), td.size()) ^ 0xFFFFFFFFu);
}

// zlib stream with stored (uncompressed) blocks.
inline std::vector<std::uint8_t> zlib_stored(const std::vector<std::uint8_t>& raw) {
  std::vector<std::uint8_t> z{0x78, 0x01};
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(raw.size() - pos, 65535);
    const bool last = pos + n == raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(static_cast<std::uint8_t>(n & 0xFF));
    z.push_back(static_cast<std::uint8_t>(n >> 8));
    z.push_back(static_cast<std::uint8_t>(~n & 0xFF));
    z.push_back(static_cast<std::uint8_t>((~n >> 8) & 0xFF));
    z.insert(z.end(), raw.begin() + static_cast<std::ptrdiff_t>(pos), raw.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
  } while (pos < raw.size());
  std::uint32_t a = 1, b = 0;
  for (std::uint8_t x : raw) {
    a = (a + x) % 65521u;
    b = (b + a) % 65521u;
  }
  put32(z, (b << 16) | a);
  return z;
}

// width x height, color type (0 gray, 2 RGB, 4 gray+alpha, 6 RGBA), bit depth 8 or 16; `samples`
// holds the raw scanlines without filter bytes (big-endian 16-bit samples as two bytes).
inline std::vector<std::uint8_t> png(std::uint32_t width, std::uint32_t height, int color_type, int depth,
                                     const std::vector<std::uint8_t>& samples) {
  std::vector<std::uint8_t> out{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<std::uint8_t> ihdr;
  put32(ihdr, width);
  put32(ihdr, height);
  ihdr.push_back(static_cast<std::uint8_t>(depth));
  ihdr.push_back(static_cast<std::uint8_t>(color_type));
  ihdr.push_back(0);
  ihdr.push_back(0);
  ihdr.push_back(0);
  chunk(out, "IHDR", ihdr);
  const int channels = color_type == 0 ? 1 : color_type == 2 ? 3 : color_type == 4 ? 2 : 4;
  const std::size_t row = static_cast<std::size_t>(width) * static_cast<std::size_t>(channels * depth / 8);
  std::vector<std::uint8_t> raw;
  for (std::uint32_t y = 0; y < height && row > 0; ++y) {
    raw.push_back(0);  // filter: none
    for (std::size_t i = 0; i < row; ++i) {
      const std::size_t k = y * row + i;
      raw.push_back(k < samples.size() ? samples[k] : 0);
    }
  }
  chunk(out, "IDAT", zlib_stored(raw));
  chunk(out, "IEND", {});
  return out;
}

inline void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace pngcraft

namespace pngcraft {
// A PNG whose header claims width x height but whose IDAT holds only a few bytes (decompression-bomb
// and huge-dimension headers).
inline std::vector<std::uint8_t> png_header_only(std::uint32_t width, std::uint32_t height, int color_type = 2,
                                                 int depth = 8) {
  std::vector<std::uint8_t> out{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<std::uint8_t> ihdr;
  put32(ihdr, width);
  put32(ihdr, height);
  ihdr.push_back(static_cast<std::uint8_t>(depth));
  ihdr.push_back(static_cast<std::uint8_t>(color_type));
  ihdr.push_back(0);
  ihdr.push_back(0);
  ihdr.push_back(0);
  chunk(out, "IHDR", ihdr);
  chunk(out, "IDAT", zlib_stored(std::vector<std::uint8_t>(16, 0)));
  chunk(out, "IEND", {});
  return out;
}
}  // namespace pngcraft
