// Loading and saving images (JPEG, PNG, BMP, binary PNM) through stb_image 2.27, hardened: formats are
// sniffed by magic number, headers are checked before decoding, and corrupt inputs that this stb
// version mishandles (JPEG Huffman tables, truncated PNM, 16-bit PNM, PNG chunk lists with an unknown
// critical chunk or without IEND) are refused before stb sees them.
//
// load_image never crashes on bad input and never decodes before the header has been checked:
//   * missing file, directory, unreadable file ........ Status::IoError
//   * empty file, unknown format, corrupt/truncated .... Status::DecodeError (stb's reason as message)
//   * 0x0 / 0-width image ............................. Status::EmptyImage
//   * header dimensions above LoadOptions limits ...... Status::ImageTooLarge (checked with
//     stbi_info on the header, before any pixel buffer is allocated)
// Every image is converted to RGB8: gray is replicated, alpha is dropped (not composited),
// 16-bit PNG samples are rounded to 8 bits (v * 255 / 65535, to nearest); 16-bit PNM is refused
// (Status::Unsupported: stb converts it wrongly).
// Error messages are static strings (stb's failure reasons are string literals too).
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <memory>
#include <span>
#include <cstring>
#include <string_view>
#include <system_error>
#include <vector>

#include <facenn/core/status.hpp>
#include <facenn/image/detail/stb.hpp>
#include <facenn/image/image.hpp>

namespace facenn {

struct LoadOptions {
  int max_width = 16384;
  int max_height = 16384;
  std::int64_t max_pixels = std::int64_t{64} << 20;   // 67 M pixels = 201 MB of RGB8
  std::int64_t max_file_bytes = std::int64_t{1} << 30;
};

namespace detail {

struct StbFree {
  void operator()(void* p) const noexcept { stbi_image_free(p); }
};

// stb's failure reason -> a Status. Reasons are the short strings stb passes to stbi__err.
inline Status status_from_stb_reason(const char* reason) noexcept {
  if (reason == nullptr) return Status::DecodeError;
  const std::string_view r(reason);
  if (r == "too large" || r == "outofmem") return Status::ImageTooLarge;
  if (r == "0-pixel image" || r == "0 width" || r == "0 height" || r == "no header height")
    return Status::EmptyImage;
  return Status::DecodeError;
}

// The magic numbers of the formats compiled in (see detail/stb.hpp).
inline bool known_format(std::span<const std::uint8_t> b) noexcept {
  auto starts = [&b](std::initializer_list<std::uint8_t> m) {
    if (b.size() < m.size()) return false;
    std::size_t i = 0;
    for (std::uint8_t x : m)
      if (b[i++] != x) return false;
    return true;
  };
  return starts({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}) || starts({0xFF, 0xD8}) || starts({'B', 'M'}) ||
         starts({'P', '5'}) || starts({'P', '6'});
}

// JPEG: stb_image 2.27 (Debian's libstb 2022-09) trusts a DHT segment's 16 code-length counts and writes
// up to 16 * 255 symbols into 257-entry tables (a heap/stack overflow on corrupt files; checked upstream
// only from 2.28). Walk the marker segments as stb's parser does and refuse any Huffman table with more
// than 256 symbols, or with counts that do not fit its code lengths, before stb sees the file.
//
// Each scan must also use only Huffman tables defined before it: stb allocates its decoder state with
// malloc and never clears the tables, so a scan naming an undefined table decodes with uninitialized
// maxcode/delta arrays and indexes its 256-entry symbol table out of bounds (found by
// fuzz/image_decode_fuzzer.cpp, regression in tests/hardening). Baseline scans (SOF0/SOF1; stb forces their
// spectral end to 63) use their DC and AC tables; progressive first DC scans (Ss = 0, Ah = 0) their DC
// table, AC scans (Ss > 0) their AC table.
inline bool jpeg_huffman_tables_sane(std::span<const std::uint8_t> b) noexcept {
  const std::size_t n = b.size();
  std::size_t i = 2;  // after SOI
  bool defined[2][4] = {};  // [class: 0 DC, 1 AC][table id]
  bool progressive = false;
  auto be16 = [&b](std::size_t at) { return static_cast<std::size_t>(b[at]) << 8 | b[at + 1]; };
  while (i < n) {
    if (b[i] != 0xFF) {  // stray byte between segments (stb skips it too)
      ++i;
      continue;
    }
    while (i < n && b[i] == 0xFF) ++i;  // fill bytes
    if (i >= n) break;
    const std::uint8_t m = b[i++];
    if (m == 0xD9) break;                                      // EOI
    if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD8)) continue;  // no length field
    if (i + 2 > n) break;
    const std::size_t len = be16(i);
    if (len < 2) return false;
    const std::size_t end = std::min(n, i + len);
    if (m == 0xC4) {  // DHT: one or more tables
      std::size_t p = i + 2;
      while (p < end) {
        if (p + 17 > end) return false;
        std::size_t count = 0;
        std::uint32_t codes = 0;  // canonical Huffman: codes of length l must fit in l bits
        for (int l = 1; l <= 16; ++l) {
          const std::uint32_t c = b[p + static_cast<std::size_t>(l)];
          count += c;
          codes = (codes << 1) + c;
          if (codes > (1u << l)) return false;
        }
        if (count > 256) return false;
        const int tc = b[p] >> 4, th = b[p] & 15;
        if (tc <= 1 && th <= 3) defined[tc][th] = true;
        p += 17 + count;
      }
    }
    if (m == 0xC0 || m == 0xC1) progressive = false;
    if (m == 0xC2) progressive = true;
    if (m == 0xDA) {  // SOS: Ns, Ns x (component id, DC << 4 | AC), Ss, Se, Ah << 4 | Al
      if (i + 3 > n) return false;
      const std::size_t ns = b[i + 2];
      const std::size_t tail = i + 3 + 2 * ns;
      if (tail + 3 > n) return false;  // stb would read zeros past the end: table 0, maybe undefined
      const int ss = b[tail], ah = b[tail + 1 + 1] >> 4;
      const bool uses_dc = !progressive || (ss == 0 && ah == 0);
      const bool uses_ac = !progressive || ss > 0;
      for (std::size_t k = 0; k < ns; ++k) {
        const int hd = b[i + 3 + 2 * k + 1] >> 4, ha = b[i + 3 + 2 * k + 1] & 15;
        if (hd > 3 || ha > 3) continue;  // stb refuses these itself ("bad DC huff" / "bad AC huff")
        if ((uses_dc && !defined[0][hd]) || (uses_ac && !defined[1][ha])) return false;
      }
    }
    i = end;
    if (m == 0xDA) {  // SOS: skip entropy-coded data up to the next marker
      while (i + 1 < n) {
        if (b[i] == 0xFF && b[i + 1] != 0x00 && !(b[i + 1] >= 0xD0 && b[i + 1] <= 0xD7) && b[i + 1] != 0xFF) break;
        ++i;
      }
    }
  }
  return true;
}

// PNG: walk the chunk list as stb 2.27 does and refuse, before stb sees the file, (a) an unknown critical
// chunk and (b) a chunk list that ends without IEND. stb reports both by writing the chunk type into a
// function-static "XXXX PNG chunk not known" buffer (past the end of a truncated file it reads type 0, so
// the message becomes ""): a data race when two threads decode such files, and an error message that
// changes after it was returned. Found by fuzz/image_decode_fuzzer.cpp (regression: tests/hardening).
// Returns nullptr when the chunk list is sane, else the reason.
inline const char* png_chunks_problem(std::span<const std::uint8_t> b) noexcept {
  const std::size_t n = b.size();
  std::size_t i = 8;  // after the signature
  auto be32 = [&b](std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
           static_cast<std::uint32_t>(b[at + 2]) << 8 | static_cast<std::uint32_t>(b[at + 3]);
  };
  auto is = [&b](std::size_t at, const char* t) {
    return b[at] == t[0] && b[at + 1] == t[1] && b[at + 2] == t[2] && b[at + 3] == t[3];
  };
  for (;;) {
    if (n - i < 8) return "truncated PNG file (no IEND chunk)";
    const std::size_t len = be32(i);
    const std::size_t type = i + 4;
    if (is(type, "IEND")) return nullptr;
    const bool known = is(type, "IHDR") || is(type, "PLTE") || is(type, "IDAT") || is(type, "tRNS") || is(type, "CgBI");
    if (!known && (b[type] & 0x20) == 0) return "unknown critical PNG chunk";
    if (len > n - i - 8 || n - i - 8 - len < 4) return "truncated PNG file (no IEND chunk)";
    i += 12 + len;  // length, type, data, CRC
  }
}

// stb's failure reason as a message: stb's reasons are string literals except the PNG chunk one (refused
// earlier, see png_chunks_problem); never an empty message.
inline const char* stb_message(const char* reason, const char* fallback) noexcept {
  return reason != nullptr && reason[0] != '\0' ? reason : fallback;
}

// Binary PNM (P5/P6): offset of the pixel data, or 0 if the header cannot be parsed. stb's PNM loader
// does not notice a truncated file (it would return uninitialized memory as pixels), so decode_image
// checks the size itself.
inline std::size_t pnm_data_offset(std::span<const std::uint8_t> b) noexcept {
  std::size_t i = 2;
  auto space = [](std::uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  for (int field = 0; field < 3; ++field) {
    for (;;) {  // whitespace and comments
      while (i < b.size() && space(b[i])) ++i;
      if (i < b.size() && b[i] == '#') {
        while (i < b.size() && b[i] != '\n' && b[i] != '\r') ++i;
        continue;
      }
      break;
    }
    const std::size_t start = i;
    while (i < b.size() && b[i] >= '0' && b[i] <= '9') ++i;
    if (i == start) return 0;
  }
  if (i >= b.size() || !space(b[i])) return 0;
  return i + 1;  // exactly one whitespace byte after maxval
}

inline Result<std::vector<std::uint8_t>> read_file_bytes(const std::filesystem::path& path,
                                                         std::int64_t max_bytes) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) return Error{Status::IoError, "cannot open file (no such file)"};
  if (std::filesystem::is_directory(st)) return Error{Status::IoError, "is a directory, not an image file"};
  if (!std::filesystem::is_regular_file(st)) return Error{Status::IoError, "not a regular file"};

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Error{Status::IoError, "cannot open file (permission denied or unreadable)"};
  std::vector<std::uint8_t> bytes;
  const std::int64_t limit = max_bytes < std::numeric_limits<int>::max() ? max_bytes
                                                                         : std::numeric_limits<int>::max();
  std::uint8_t chunk[65536];
  for (;;) {
    const std::size_t n = std::fread(chunk, 1, sizeof chunk, f.get());
    if (n > 0) {
      if (static_cast<std::int64_t>(bytes.size() + n) > limit)
        return Error{Status::ImageTooLarge, "file larger than LoadOptions::max_file_bytes"};
      bytes.insert(bytes.end(), chunk, chunk + n);
    }
    if (n < sizeof chunk) {
      if (std::ferror(f.get())) return Error{Status::IoError, "read error"};
      break;
    }
  }
  return bytes;
}

}  // namespace detail

// Decodes an encoded image (file contents) held in memory.
inline Result<Image> decode_image(std::span<const std::uint8_t> encoded, const LoadOptions& opt = {}) {
  if (encoded.empty()) return Error{Status::DecodeError, "empty file"};
  if (encoded.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    return Error{Status::ImageTooLarge, "encoded image larger than 2 GiB"};
  const auto* bytes = reinterpret_cast<const stbi_uc*>(encoded.data());
  const int len = static_cast<int>(encoded.size());

  if (!detail::known_format(encoded))
    return Error{Status::DecodeError, "unknown image format (facenn reads JPEG, PNG, BMP, PNM)"};
  if (encoded[0] == 0xFF && !detail::jpeg_huffman_tables_sane(encoded))
    return Error{Status::DecodeError, "corrupt JPEG Huffman table (or a scan using an undefined one)"};
  if (encoded[0] == 0x89) {
    if (const char* problem = detail::png_chunks_problem(encoded)) return Error{Status::DecodeError, problem};
  }
  int w = 0, h = 0, comp = 0;
  if (stbi_info_from_memory(bytes, len, &w, &h, &comp) == 0) {
    // stbi_info tries every format, so its failure reason is always the last one's. The loader
    // dispatches on the magic number and fails in the same header parser, before allocating pixels,
    // with the specific reason ("0-pixel image", "too large", "bad IHDR len", ...).
    std::unique_ptr<stbi_uc, detail::StbFree> px(stbi_load_from_memory(bytes, len, &w, &h, &comp, kRgbChannels));
    if (px) return Error{Status::DecodeError, "unreadable image header"};
    const char* reason = stbi_failure_reason();
    return Error{detail::status_from_stb_reason(reason), detail::stb_message(reason, "corrupt image header")};
  }
  if (w <= 0 || h <= 0) return Error{Status::EmptyImage, "image has zero width or height"};
  if (w > opt.max_width) return Error{Status::ImageTooLarge, "image wider than LoadOptions::max_width"};
  if (h > opt.max_height) return Error{Status::ImageTooLarge, "image taller than LoadOptions::max_height"};
  if (std::int64_t{w} * std::int64_t{h} > opt.max_pixels)
    return Error{Status::ImageTooLarge, "image has more pixels than LoadOptions::max_pixels"};

  const bool is16 = stbi_is_16_bit_from_memory(bytes, len) != 0;
  if (encoded[0] == 'P') {  // binary PNM: the pixel data must all be there
    // stb (2022-09) mixes 8- and 16-bit paths when converting 16-bit PNM channels: refuse it.
    if (is16) return Error{Status::Unsupported, "16-bit PNM is not supported"};
    const std::size_t offset = detail::pnm_data_offset(encoded);
    const std::size_t need = static_cast<std::size_t>(w) * static_cast<std::size_t>(h) *
                             static_cast<std::size_t>(encoded[1] == '6' ? 3 : 1) * (is16 ? 2u : 1u);
    if (offset == 0 || encoded.size() - offset < need) return Error{Status::DecodeError, "truncated PNM file"};
  }

  Image img;
  int dw = 0, dh = 0, dcomp = 0;
  if (is16) {
    std::unique_ptr<stbi_us, detail::StbFree> px(
        stbi_load_16_from_memory(bytes, len, &dw, &dh, &dcomp, kRgbChannels));
    if (!px) {
      const char* reason = stbi_failure_reason();
      return Error{detail::status_from_stb_reason(reason), detail::stb_message(reason, "decode failed")};
    }
    if (dw != w || dh != h) return Error{Status::DecodeError, "header and pixel data disagree"};
    img = Image(w, h);
    std::uint8_t* out = img.data();
    const std::size_t n = img.bytes().size();
    for (std::size_t i = 0; i < n; ++i)
      out[i] = static_cast<std::uint8_t>((static_cast<std::uint32_t>(px.get()[i]) + 128u) / 257u);
  } else {
    std::unique_ptr<stbi_uc, detail::StbFree> px(
        stbi_load_from_memory(bytes, len, &dw, &dh, &dcomp, kRgbChannels));
    if (!px) {
      const char* reason = stbi_failure_reason();
      return Error{detail::status_from_stb_reason(reason), detail::stb_message(reason, "decode failed")};
    }
    if (dw != w || dh != h) return Error{Status::DecodeError, "header and pixel data disagree"};
    img = Image(w, h);
    std::memcpy(img.data(), px.get(), img.bytes().size());
  }
  return img;
}

// Reads and decodes an image file into RGB8.
inline Result<Image> load_image(const std::filesystem::path& path, const LoadOptions& opt = {}) {
  auto bytes = detail::read_file_bytes(path, opt.max_file_bytes);
  if (!bytes) return bytes.error();
  return decode_image(*bytes, opt);
}

// ---- saving ---------------------------------------------------------------------------------------
namespace detail {

struct FileSink {
  std::FILE* f = nullptr;
  bool failed = false;
  std::size_t written = 0;
  static void write(void* ctx, void* data, int size) {
    auto* s = static_cast<FileSink*>(ctx);
    if (s->failed || size <= 0) return;
    const auto n = static_cast<std::size_t>(size);
    if (std::fwrite(data, 1, n, s->f) != n) s->failed = true;
    s->written += n;
  }
};

struct BufferSink {
  std::vector<std::uint8_t>* out = nullptr;
  static void write(void* ctx, void* data, int size) {
    auto* s = static_cast<BufferSink*>(ctx);
    if (size <= 0) return;
    const auto* p = static_cast<const std::uint8_t*>(data);
    s->out->insert(s->out->end(), p, p + size);
  }
};

// stb_image_write wants tightly packed or strided rows; JPEG only packed. Packs when needed.
inline const std::uint8_t* packed_pixels(ImageView img, std::vector<std::uint8_t>& tmp) {
  const std::ptrdiff_t row = std::ptrdiff_t{img.width} * kRgbChannels;
  if (img.stride == row) return img.data;
  tmp.resize(static_cast<std::size_t>(row) * static_cast<std::size_t>(img.height));
  for (int y = 0; y < img.height; ++y)
    std::memcpy(tmp.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(row), img.row(y),
                static_cast<std::size_t>(row));
  return tmp.data();
}

enum class Format { Png, Jpg };

template <class Sink>
inline bool encode_to(Format fmt, ImageView img, int quality, Sink& sink) {
  std::vector<std::uint8_t> tmp;
  const std::uint8_t* px = packed_pixels(img, tmp);
  if (fmt == Format::Png)
    return stbi_write_png_to_func(&Sink::write, &sink, img.width, img.height, kRgbChannels, px,
                                  img.width * kRgbChannels) != 0;
  return stbi_write_jpg_to_func(&Sink::write, &sink, img.width, img.height, kRgbChannels, px,
                                quality) != 0;
}

inline Result<std::size_t> save_image(const std::filesystem::path& path, ImageView img, Format fmt,
                                      int quality) {
  if (!img.valid()) return Error{Status::EmptyImage, "cannot save an empty image"};
  if (img.width > (std::numeric_limits<int>::max() / kRgbChannels))
    return Error{Status::ImageTooLarge, "image too wide to encode"};
  if (fmt == Format::Jpg && (img.width > 65535 || img.height > 65535))
    return Error{Status::ImageTooLarge, "JPEG is limited to 65535 pixels per side"};
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return Error{Status::IoError, "cannot open output file for writing"};
  FileSink sink{f.get(), false, 0};
  if (!encode_to(fmt, img, quality, sink)) return Error{Status::IoError, "image encoder failed"};
  if (sink.failed) return Error{Status::IoError, "write error"};
  std::FILE* raw = f.release();
  if (std::fclose(raw) != 0) return Error{Status::IoError, "write error (close)"};
  return sink.written;
}

}  // namespace detail

// Saves as PNG (lossless). Returns the number of bytes written.
inline Result<std::size_t> save_png(const std::filesystem::path& path, ImageView img) {
  return detail::save_image(path, img, detail::Format::Png, 0);
}

// Saves as baseline JPEG, quality 1..100. Returns the number of bytes written.
inline Result<std::size_t> save_jpg(const std::filesystem::path& path, ImageView img, int quality = 90) {
  if (quality < 1 || quality > 100) return Error{Status::InvalidArgument, "JPEG quality must be in 1..100"};
  return detail::save_image(path, img, detail::Format::Jpg, quality);
}

// Encodes to memory (PNG).
inline Result<std::vector<std::uint8_t>> encode_png(ImageView img) {
  if (!img.valid()) return Error{Status::EmptyImage, "cannot encode an empty image"};
  std::vector<std::uint8_t> out;
  detail::BufferSink sink{&out};
  if (!detail::encode_to(detail::Format::Png, img, 0, sink)) return Error{Status::IoError, "PNG encoder failed"};
  return out;
}

}  // namespace facenn
