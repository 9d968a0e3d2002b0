// libFuzzer target: arbitrary bytes -> facenn::decode_image (format sniffing, the JPEG Huffman and PNM
// pre-checks, stbi_info header limits, stb's JPEG/PNG/BMP/PNM decoders, 16-bit conversion).
// Invariants checked on every input: a success is a non-empty RGB8 image within the limits; a failure
// carries a non-empty message. The pixel limit is lowered (1 M pixels) so that libFuzzer spends its time
// on many small inputs rather than a few large ones; the limit logic itself is the same code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include <facenn/image/io.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  facenn::LoadOptions opt;
  opt.max_width = 4096;
  opt.max_height = 4096;
  opt.max_pixels = std::int64_t{1} << 20;
  auto img = facenn::decode_image(std::span<const std::uint8_t>(data, size), opt);
  if (img) {
    const facenn::ImageView v = img->view();
    if (!v.valid() || v.width > opt.max_width || v.height > opt.max_height ||
        std::int64_t{v.width} * v.height > opt.max_pixels ||
        img->bytes().size() != static_cast<std::size_t>(v.width) * static_cast<std::size_t>(v.height) * 3)
      std::abort();
    // Touch every pixel: uninitialized or freed memory shows up under MSan/ASan here.
    unsigned sum = 0;
    for (std::uint8_t b : img->bytes()) sum += b;
    if (sum == 0xFFFFFFFFu) std::abort();
  } else {
    const facenn::Error& e = img.error();
    if (e.status == facenn::Status::Ok || e.message == nullptr || e.message[0] == '\0') std::abort();
  }
  return 0;
}
