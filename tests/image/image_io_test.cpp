// Loading and saving: every kind of bad file gives a clear Error, every supported layout becomes RGB8.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <facenn/image/io.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "png_craft.hpp"

namespace fs = std::filesystem;
using facenn::Image;
using facenn::Status;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("facenn_image_io_" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string write(const TempDir& d, const std::string& name, const std::vector<std::uint8_t>& bytes) {
  const std::string p = d.file(name);
  pngcraft::write_file(p, bytes);
  return p;
}

std::vector<std::uint8_t> read_all(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

Image gradient(int w, int h) {
  Image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = img.mutable_view().pixel(x, y);
      p[0] = static_cast<std::uint8_t>(x * 7 + y);
      p[1] = static_cast<std::uint8_t>(y * 5);
      p[2] = static_cast<std::uint8_t>(255 - x);
    }
  return img;
}

void check_error(const facenn::Result<Image>& r, Status expected) {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().status == expected);
  REQUIRE(r.error().message != nullptr);
  CHECK(std::string(r.error().message).size() > 0);
  const std::string msg = std::string(facenn::to_string(r.error().status)) + ": " + r.error().message;
  MESSAGE(msg);
}

}  // namespace

TEST_CASE("missing files and directories are i/o errors") {
  TempDir d;
  check_error(facenn::load_image(d.file("does_not_exist.png")), Status::IoError);
  check_error(facenn::load_image(d.path), Status::IoError);
  check_error(facenn::load_image(""), Status::IoError);
}

TEST_CASE("empty, corrupt and unknown files are decode errors") {
  TempDir d;
  check_error(facenn::load_image(write(d, "empty.png", {})), Status::DecodeError);
  check_error(facenn::load_image(write(d, "text.jpg", {'h', 'e', 'l', 'l', 'o', '\n'})), Status::DecodeError);
  std::vector<std::uint8_t> garbage(4096);
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
  check_error(facenn::load_image(write(d, "garbage.bin", garbage)), Status::DecodeError);
  // A PNG signature followed by garbage.
  std::vector<std::uint8_t> sig{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  sig.insert(sig.end(), garbage.begin(), garbage.begin() + 64);
  check_error(facenn::load_image(write(d, "badsig.png", sig)), Status::DecodeError);
  // A JPEG SOI marker and nothing else.
  check_error(facenn::load_image(write(d, "soi.jpg", {0xFF, 0xD8, 0xFF})), Status::DecodeError);
}

TEST_CASE("truncated files fail cleanly") {
  TempDir d;
  const Image img = gradient(40, 30);
  auto png = facenn::encode_png(img.view());
  REQUIRE(png.has_value());
  for (std::size_t cut : {std::size_t{8}, std::size_t{20}, std::size_t{33}, png->size() / 2, png->size() - 13}) {
    std::vector<std::uint8_t> part(png->begin(), png->begin() + static_cast<std::ptrdiff_t>(cut));
    auto r = facenn::load_image(write(d, "trunc.png", part));
    CHECK_FALSE(r.has_value());
    if (!r) CHECK(r.error().status == Status::DecodeError);
  }
  // JPEG: stb tolerates a missing tail (as libjpeg does, it fills the rest); either outcome is fine,
  // as long as it does not crash and a returned image has the header's size.
  REQUIRE(facenn::save_jpg(d.file("full.jpg"), img.view(), 90).has_value());
  const auto jpg = read_all(d.file("full.jpg"));
  for (std::size_t cut : {std::size_t{2}, std::size_t{100}, jpg.size() / 2, jpg.size() - 2}) {
    std::vector<std::uint8_t> part(jpg.begin(), jpg.begin() + static_cast<std::ptrdiff_t>(cut));
    auto r = facenn::load_image(write(d, "trunc.jpg", part));
    if (r) {
      CHECK(r->width() == 40);
      CHECK(r->height() == 30);
    } else {
      CHECK(r.error().status == Status::DecodeError);
    }
  }
}

TEST_CASE("0x0 images are EmptyImage") {
  TempDir d;
  check_error(facenn::load_image(write(d, "zero.png", pngcraft::png(0, 0, 2, 8, {}))), Status::EmptyImage);
  check_error(facenn::load_image(write(d, "zero_w.png", pngcraft::png(0, 5, 2, 8, {}))), Status::EmptyImage);
  check_error(facenn::load_image(write(d, "zero_h.png", pngcraft::png(5, 0, 2, 8, {}))), Status::EmptyImage);
}

TEST_CASE("huge headers are rejected before decoding") {
  TempDir d;
  // Within stb's own limits but far above facenn's defaults: no pixel buffer may be allocated.
  check_error(facenn::load_image(write(d, "wide.png", pngcraft::png_header_only(100000, 10))), Status::ImageTooLarge);
  check_error(facenn::load_image(write(d, "tall.png", pngcraft::png_header_only(10, 100000))), Status::ImageTooLarge);
  check_error(facenn::load_image(write(d, "bomb.png", pngcraft::png_header_only(16000, 16000))), Status::ImageTooLarge);
  // Above stb's 2^24 limit.
  check_error(facenn::load_image(write(d, "insane.png", pngcraft::png_header_only(0x7FFFFFFF, 0x7FFFFFFF))),
              Status::ImageTooLarge);
  // Configurable limits.
  const Image img = gradient(64, 48);
  REQUIRE(facenn::save_png(d.file("ok.png"), img.view()).has_value());
  facenn::LoadOptions opt;
  opt.max_width = 63;
  check_error(facenn::load_image(d.file("ok.png"), opt), Status::ImageTooLarge);
  opt = {};
  opt.max_height = 47;
  check_error(facenn::load_image(d.file("ok.png"), opt), Status::ImageTooLarge);
  opt = {};
  opt.max_pixels = 64 * 48 - 1;
  check_error(facenn::load_image(d.file("ok.png"), opt), Status::ImageTooLarge);
  opt = {};
  opt.max_file_bytes = 10;
  check_error(facenn::load_image(d.file("ok.png"), opt), Status::ImageTooLarge);
  opt = {};
  opt.max_pixels = 64 * 48;
  CHECK(facenn::load_image(d.file("ok.png"), opt).has_value());
}

TEST_CASE("1x1, gray, gray+alpha, RGBA and 16-bit PNGs become RGB8") {
  TempDir d;
  {
    auto r = facenn::load_image(write(d, "one.png", pngcraft::png(1, 1, 2, 8, {10, 20, 30})));
    REQUIRE(r.has_value());
    CHECK(r->width() == 1);
    CHECK(r->height() == 1);
    CHECK(r->at(0, 0).r == 10);
    CHECK(r->at(0, 0).g == 20);
    CHECK(r->at(0, 0).b == 30);
  }
  {
    auto r = facenn::load_image(write(d, "gray.png", pngcraft::png(2, 1, 0, 8, {7, 250})));
    REQUIRE(r.has_value());
    CHECK(r->at(0, 0).r == 7);
    CHECK(r->at(0, 0).g == 7);
    CHECK(r->at(0, 0).b == 7);
    CHECK(r->at(1, 0).g == 250);
  }
  {
    auto r = facenn::load_image(write(d, "graya.png", pngcraft::png(2, 1, 4, 8, {90, 0, 91, 255})));
    REQUIRE(r.has_value());
    CHECK(r->at(0, 0).r == 90);  // alpha dropped, not composited
    CHECK(r->at(1, 0).b == 91);
  }
  {
    auto r = facenn::load_image(write(d, "rgba.png", pngcraft::png(1, 2, 6, 8, {1, 2, 3, 0, 4, 5, 6, 128})));
    REQUIRE(r.has_value());
    CHECK(r->at(0, 0).r == 1);
    CHECK(r->at(0, 0).b == 3);
    CHECK(r->at(0, 1).g == 5);
  }
  {
    // 16-bit RGB: 0x0000, 0x8080 (= 128.5 * 257 -> 128), 0xFFFF, 0x7F80 (32640 / 257 = 127.0 -> 127),
    // 0x0080 (128 / 257 = 0.498 -> 0), 0x0081 (0.502 -> 1).
    auto r = facenn::load_image(write(d, "rgb16.png", pngcraft::png(2, 1, 2, 16,
        {0x00, 0x00, 0x80, 0x80, 0xFF, 0xFF, 0x7F, 0x80, 0x00, 0x80, 0x00, 0x81})));
    REQUIRE(r.has_value());
    CHECK(r->at(0, 0).r == 0);
    CHECK(r->at(0, 0).g == 128);
    CHECK(r->at(0, 0).b == 255);
    CHECK(r->at(1, 0).r == 127);
    CHECK(r->at(1, 0).g == 0);
    CHECK(r->at(1, 0).b == 1);
  }
  {
    auto r = facenn::load_image(write(d, "gray16.png", pngcraft::png(1, 1, 0, 16, {0xAB, 0xCD})));
    REQUIRE(r.has_value());
    const int expect = (0xABCD + 128) / 257;
    CHECK(r->at(0, 0).r == expect);
    CHECK(r->at(0, 0).b == expect);
  }
}

TEST_CASE("PNG round trip is lossless, JPEG is close; strided views are saved correctly") {
  TempDir d;
  const Image img = gradient(37, 23);
  auto n = facenn::save_png(d.file("rt.png"), img.view());
  REQUIRE(n.has_value());
  CHECK(*n == fs::file_size(d.file("rt.png")));
  auto back = facenn::load_image(d.file("rt.png"));
  REQUIRE(back.has_value());
  REQUIRE(back->width() == 37);
  REQUIRE(back->height() == 23);
  CHECK(std::equal(img.bytes().begin(), img.bytes().end(), back->bytes().begin()));

  // A sub-view with a row stride larger than its width.
  const facenn::ImageView sub(img.view().pixel(5, 3), 10, 7, img.stride());
  REQUIRE(facenn::save_png(d.file("sub.png"), sub).has_value());
  auto s = facenn::load_image(d.file("sub.png"));
  REQUIRE(s.has_value());
  CHECK(s->width() == 10);
  CHECK(s->at(0, 0).r == img.at(5, 3).r);
  CHECK(s->at(9, 6).b == img.at(14, 9).b);

  REQUIRE(facenn::save_jpg(d.file("rt.jpg"), img.view(), 95).has_value());
  auto j = facenn::load_image(d.file("rt.jpg"));
  REQUIRE(j.has_value());
  double err = 0;
  for (std::size_t i = 0; i < img.bytes().size(); ++i) err += std::abs(int(img.bytes()[i]) - int(j->bytes()[i]));
  CHECK(err / static_cast<double>(img.bytes().size()) < 6.0);

  CHECK_FALSE(facenn::save_jpg(d.file("q.jpg"), img.view(), 0).has_value());
  CHECK_FALSE(facenn::save_png(d.file("empty.png"), facenn::ImageView{}).has_value());
  auto bad = facenn::save_png(d.path / "no_such_dir" / "x.png", img.view());
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().status == Status::IoError);
}

TEST_CASE("PNM is readable; the example photo loads") {
  TempDir d;
  // 2x1 binary PPM
  auto p = facenn::load_image(write(d, "a.ppm", {'P', '6', '\n', '2', ' ', '1', '\n', '2', '5', '5', '\n', 1, 2, 3, 4, 5, 6}));
  REQUIRE(p.has_value());
  CHECK(p->at(1, 0).b == 6);
  // Comments; 16-bit PNM is refused (stb converts it wrongly); truncated data is an error (stb alone
  // would return uninitialized memory as pixels).
  auto c = facenn::load_image(write(d, "c.pgm", {'P', '5', ' ', '#', 'x', '\n', '1', ' ', '1', ' ', '2', '5', '5', '\n', 0x12}));
  REQUIRE(c.has_value());
  CHECK(c->at(0, 0).g == 0x12);
  check_error(facenn::load_image(write(d, "c16.pgm", {'P', '5', '\n', '1', ' ', '1', ' ', '6', '5', '5', '3', '5', '\n', 0x12, 0x34})),
              Status::Unsupported);
  check_error(facenn::load_image(write(d, "t.ppm", {'P', '6', '\n', '2', ' ', '2', '\n', '2', '5', '5', '\n', 1, 2, 3, 4})),
              Status::DecodeError);
  check_error(facenn::load_image(write(d, "t8.pgm", {'P', '5', '\n', '3', ' ', '1', '\n', '2', '5', '5', '\n', 1, 2})),
              Status::DecodeError);
  auto astro = facenn::load_image(std::string(FACENN_SOURCE_DIR) + "/examples/data/astronaut.png");
  REQUIRE(astro.has_value());
  CHECK(astro->width() == 512);
  CHECK(astro->height() == 512);
}

TEST_CASE("JPEG Huffman tables that would overflow stb 2.27 are refused") {
  TempDir d;
  // SOI, DHT (class 0, id 0) with 16 counts of 255 (4080 symbols > 256), EOI.
  std::vector<std::uint8_t> j{0xFF, 0xD8, 0xFF, 0xC4};
  const std::size_t len = 2 + 17 + 16 * 255;
  j.push_back(static_cast<std::uint8_t>(len >> 8));
  j.push_back(static_cast<std::uint8_t>(len & 0xFF));
  j.push_back(0x00);
  for (int i = 0; i < 16; ++i) j.push_back(255);
  j.resize(j.size() + 16 * 255, 0);
  j.push_back(0xFF);
  j.push_back(0xD9);
  check_error(facenn::load_image(write(d, "dht.jpg", j)), Status::DecodeError);
  // Counts that fit in 256 symbols but not in their code lengths (3 codes of length 1).
  std::vector<std::uint8_t> k{0xFF, 0xD8, 0xFF, 0xC4, 0x00, 2 + 17 + 3, 0x00, 3};
  k.resize(k.size() + 15, 0);
  k.insert(k.end(), {1, 2, 3, 0xFF, 0xD9});
  check_error(facenn::load_image(write(d, "dht2.jpg", k)), Status::DecodeError);
}

TEST_CASE("mutated and truncated files never crash (run under ASan/UBSan: FACENN_SANITIZE)") {
  TempDir d;
  const Image img = gradient(48, 40);
  REQUIRE(facenn::save_jpg(d.file("m.jpg"), img.view(), 80).has_value());
  REQUIRE(facenn::save_png(d.file("m.png"), img.view()).has_value());
  std::vector<std::vector<std::uint8_t>> seeds{read_all(d.file("m.jpg")), read_all(d.file("m.png"))};
  std::mt19937 rng(12345);
  int decoded = 0, failed = 0;
  for (const auto& seed : seeds) {
    for (int it = 0; it < 400; ++it) {
      std::vector<std::uint8_t> m = seed;
      if (it % 4 == 0) {
        m.resize(std::uniform_int_distribution<std::size_t>(0, m.size())(rng));
      } else {
        const int flips = std::uniform_int_distribution<int>(1, 12)(rng);
        for (int f = 0; f < flips; ++f)
          m[std::uniform_int_distribution<std::size_t>(0, m.size() - 1)(rng)] =
              static_cast<std::uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng));
      }
      auto r = facenn::decode_image(m);
      if (r) {
        ++decoded;
        CHECK(r->width() > 0);
        CHECK(r->bytes().size() == static_cast<std::size_t>(r->width()) * static_cast<std::size_t>(r->height()) * 3);
      } else {
        ++failed;
        CHECK(r.error().message != nullptr);
      }
    }
  }
  MESSAGE("mutants decoded: " << decoded << ", refused: " << failed);
}
