// Inputs that the fuzzers (fuzz/) found misbehaving, kept as regression tests, and the image loader's
// limits: each refusal has its status and a message naming the limit, decided from the header before
// any pixel buffer exists.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <facenn/image/io.hpp>

#include "../image/png_craft.hpp"

using facenn::Status;

namespace {

const std::string kData = std::string(FACENN_SOURCE_DIR) + "/tests/hardening/data/";

std::vector<std::uint8_t> read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::vector<std::uint8_t> bytes(std::string_view s) { return std::vector<std::uint8_t>(s.begin(), s.end()); }

// A valid 2x2 RGB PNG with an extra chunk of `type` inserted after IHDR.
std::vector<std::uint8_t> png_with_chunk(const char* type) {
  std::vector<std::uint8_t> out{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<std::uint8_t> ihdr;
  pngcraft::put32(ihdr, 2);
  pngcraft::put32(ihdr, 2);
  for (int b : {8, 2, 0, 0, 0}) ihdr.push_back(static_cast<std::uint8_t>(b));
  pngcraft::chunk(out, "IHDR", ihdr);
  pngcraft::chunk(out, type, {1, 2, 3});
  std::vector<std::uint8_t> raw;
  for (int y = 0; y < 2; ++y) {
    raw.push_back(0);
    for (int i = 0; i < 6; ++i) raw.push_back(static_cast<std::uint8_t>(40 * y + i));
  }
  pngcraft::chunk(out, "IDAT", pngcraft::zlib_stored(raw));
  pngcraft::chunk(out, "IEND", {});
  return out;
}

void check_refused(const facenn::Result<facenn::Image>& r, Status status, std::string_view message_part) {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().status == status);
  REQUIRE(r.error().message != nullptr);
  const std::string m = r.error().message;
  CAPTURE(m);
  CHECK(std::string_view(m).find(message_part) != std::string_view::npos);
}

}  // namespace

TEST_CASE("fuzz_image_decode: PNG whose chunk list runs past the end (stb: empty failure reason)") {
  // 16-bit grey 6x6 PNG, IDAT cut short, no IEND: stb 2.27 read chunk type 0 past the end and returned
  // its static "XXXX PNG chunk not known" buffer with a NUL written into it -- an empty message.
  const auto r = facenn::decode_image(read_all(kData + "fuzz_png_truncated_chunk_type0.png"));
  check_refused(r, Status::DecodeError, "truncated PNG");
}

TEST_CASE("fuzz_image_decode: progressive JPEG whose AC scan names an undefined Huffman table") {
  // stb 2.27 decoded it with its malloc'ed, never-initialized table (UBSan: index 3000 out of bounds for
  // stbi_uc[256] in stbi__jpeg_huff_decode).
  const auto r = facenn::decode_image(read_all(kData + "fuzz_jpeg_scan_undefined_huffman.jpg"));
  check_refused(r, Status::DecodeError, "Huffman");
}

TEST_CASE("PNG: unknown critical chunks are refused with a stable message, ancillary ones ignored") {
  check_refused(facenn::decode_image(png_with_chunk("ABCD")), Status::DecodeError, "unknown critical PNG chunk");
  auto ok = facenn::decode_image(png_with_chunk("abCD"));  // ancillary (lower-case first letter): skipped
  REQUIRE(ok.has_value());
  CHECK(ok->width() == 2);
  CHECK(ok->at(1, 1).r == 43);
  // A valid file without IEND.
  auto no_iend = png_with_chunk("teXt");
  no_iend.resize(no_iend.size() - 12);
  check_refused(facenn::decode_image(no_iend), Status::DecodeError, "no IEND");
}

TEST_CASE("threads decoding corrupt PNGs get the same, unchanging messages") {
  // stb's unknown-chunk message lives in a function-static buffer that every failing decode rewrote (a
  // data race under ThreadSanitizer); facenn refuses such files before stb sees them.
  const auto a = png_with_chunk("ABCD"), b = png_with_chunk("WXYZ");
  const auto truncated = read_all(kData + "fuzz_png_truncated_chunk_type0.png");
  std::array<bool, 4> same{};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < same.size(); ++t) {
    threads.emplace_back([&, t] {
      bool ok = true;
      for (int i = 0; i < 200; ++i) {
        const auto& input = (i + static_cast<int>(t)) % 3 == 0 ? a : (i + static_cast<int>(t)) % 3 == 1 ? b : truncated;
        auto r = facenn::decode_image(input);
        ok = ok && !r.has_value() && r.error().message != nullptr && r.error().message[0] != '\0' &&
             std::strstr(r.error().message, "PNG") != nullptr;
      }
      same[t] = ok;
    });
  }
  for (auto& th : threads) th.join();
  for (bool s : same) CHECK(s);
}

TEST_CASE("limits: each refusal names its limit; decided from the header (decompression bombs)") {
  // A 20000 x 20000 PNG (400 M pixels, 1.2 GB decoded) in 100 bytes; a 70000-wide JPEG header; PNM/BMP.
  // (stb's own PNG header check, 2^30 bytes per image, refuses this one first: "too large".)
  check_refused(facenn::decode_image(pngcraft::png_header_only(20000, 20000)), Status::ImageTooLarge, "too large");
  check_refused(facenn::decode_image(pngcraft::png_header_only(20000, 10)), Status::ImageTooLarge, "max_width");
  check_refused(facenn::decode_image(pngcraft::png_header_only(16000, 16000)), Status::ImageTooLarge, "max_pixels");
  check_refused(facenn::decode_image(pngcraft::png_header_only(100, 20000)), Status::ImageTooLarge, "max_height");
  check_refused(facenn::decode_image(bytes("P6\n16384 16384\n255\n")), Status::ImageTooLarge, "max_pixels");
  check_refused(facenn::decode_image(bytes("P5\n1 99999\n255\n")), Status::ImageTooLarge, "max_height");
  // BMP: 40-byte info header, 30000 x 30000, 24 bpp, no pixel data.
  std::vector<std::uint8_t> bmp{'B', 'M'};
  auto le32 = [&bmp](std::uint32_t v) { for (int k = 0; k < 4; ++k) bmp.push_back(static_cast<std::uint8_t>(v >> (8 * k))); };
  le32(54 + 16);  // file size
  le32(0);
  le32(54);       // pixel data offset
  le32(40);       // info header size
  le32(30000);    // width
  le32(30000);    // height
  bmp.push_back(1), bmp.push_back(0);   // planes
  bmp.push_back(24), bmp.push_back(0);  // bpp
  for (int k = 0; k < 6; ++k) le32(0);
  bmp.resize(bmp.size() + 16, 0);
  check_refused(facenn::decode_image(bmp), Status::ImageTooLarge, "max_width");
  // JPEG: SOI, SOF0 65000 x 65000 x 3, EOI.
  std::vector<std::uint8_t> jpg{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFD, 0xE8, 0xFD, 0xE8, 0x03,
                                0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00, 0xFF, 0xD9};
  check_refused(facenn::decode_image(jpg), Status::ImageTooLarge, "max_width");
  // Limits are configurable; at the limit the image loads.
  const auto small = pngcraft::png(4, 3, 2, 8, std::vector<std::uint8_t>(36, 7));
  facenn::LoadOptions opt;
  opt.max_pixels = 11;
  check_refused(facenn::decode_image(small, opt), Status::ImageTooLarge, "max_pixels");
  opt.max_pixels = 12;
  CHECK(facenn::decode_image(small, opt).has_value());
  opt.max_width = 3;
  check_refused(facenn::decode_image(small, opt), Status::ImageTooLarge, "max_width");
  // Zero dimensions: EmptyImage, not a decode.
  const auto zero = pngcraft::png_header_only(0, 10);
  const auto z = facenn::decode_image(zero);
  REQUIRE_FALSE(z.has_value());
  CHECK(z.error().status == Status::EmptyImage);
}
