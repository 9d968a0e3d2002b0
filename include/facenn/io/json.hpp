// A small streaming JSON writer (one JSON value per line, as the facenn CLI prints them).
//
//  * Strings are escaped per RFC 8259: '"' and '\\' are backslash-escaped, control characters
//    U+0000..U+001F become \b \f \n \r \t or \u00XX; valid UTF-8 is passed through unchanged; every
//    invalid UTF-8 sequence (stray continuation bytes, overlong forms, surrogates, code points above
//    U+10FFFF, truncated sequences) becomes \ufffd, one per maximal invalid subpart (the Unicode /
//    WHATWG replacement practice), so arbitrary bytes (e.g. Linux file names) always give valid JSON.
//  * Numbers: NaN and infinities are written as null; floats with the shortest representation that
//    round-trips, or with a fixed number of decimals.
//  * Commas and colons are inserted automatically; nesting is tracked up to 64 levels.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace facenn::io {

namespace detail {
// Appends [first, last). (A plain loop: GCC 12 reports a bogus -Wrestrict for std::string::append of
// a stack buffer after inlining, PR 105651.)
inline void append_chars(std::string& out, const char* first, const char* last) {
  for (; first != last; ++first) out.push_back(*first);
}
}  // namespace detail

// Appends `s` as a quoted JSON string.
inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char b = p[i];
    if (b < 0x80) {
      switch (b) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (b < 0x20) {
            out += "\\u00";
            out.push_back(kHex[b >> 4]);
            out.push_back(kHex[b & 0xF]);
          } else {
            out.push_back(static_cast<char>(b));
          }
      }
      ++i;
      continue;
    }
    // Multi-byte sequence: expected length and the valid range of the second byte.
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b == 0xE0) { len = 3; lo = 0xA0; }
    else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) len = 3;
    else if (b == 0xED) { len = 3; hi = 0x9F; }   // no UTF-16 surrogates
    else if (b == 0xF0) { len = 4; lo = 0x90; }   // no overlong 4-byte forms
    else if (b >= 0xF1 && b <= 0xF3) len = 4;
    else if (b == 0xF4) { len = 4; hi = 0x8F; }   // <= U+10FFFF
    std::size_t good = 0;  // bytes of a valid prefix
    if (len != 0) {
      good = 1;
      while (good < len && i + good < n) {
        const unsigned char c = p[i + good];
        const unsigned char clo = good == 1 ? lo : 0x80, chi = good == 1 ? hi : 0xBF;
        if (c < clo || c > chi) break;
        ++good;
      }
    }
    if (len != 0 && good == len) {
      out.append(reinterpret_cast<const char*>(p + i), len);
      i += len;
    } else {
      out += "\\ufffd";
      i += good == 0 ? 1 : good;  // skip the maximal invalid subpart
    }
  }
  out.push_back('"');
}

// Appends a number; NaN / +-Inf -> null. decimals < 0: shortest round-trip form of the value's type.
inline void append_json_number(std::string& out, double v, int decimals = -1) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  std::array<char, 64> buf{};
  std::to_chars_result r{};
  if (decimals >= 0) {
    r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, decimals > 17 ? 17 : decimals);
  } else {
    r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  }
  if (r.ec != std::errc{}) {  // cannot happen for finite values and a 64-byte buffer with <= 17 decimals;
    r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific);  // huge fixed
  }
  detail::append_chars(out, buf.data(), r.ptr);
}
inline void append_json_number(std::string& out, float v, int decimals = -1) {
  if (decimals >= 0 || !std::isfinite(v)) {
    append_json_number(out, static_cast<double>(v), decimals);
    return;
  }
  std::array<char, 48> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);  // shortest float form
  detail::append_chars(out, buf.data(), r.ptr);
}

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out) {}

  JsonWriter& begin_object() { open('{'); return *this; }
  JsonWriter& end_object() { close('}'); return *this; }
  JsonWriter& begin_array() { open('['); return *this; }
  JsonWriter& end_array() { close(']'); return *this; }

  JsonWriter& key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }
  JsonWriter& value(std::string_view s) { separate(); append_json_string(out_, s); return *this; }
  JsonWriter& value(const char* s) { return s ? value(std::string_view(s)) : null(); }
  JsonWriter& value(bool b) { separate(); out_ += b ? "true" : "false"; return *this; }
  JsonWriter& value(double v, int decimals = -1) { separate(); append_json_number(out_, v, decimals); return *this; }
  JsonWriter& value(float v, int decimals = -1) { separate(); append_json_number(out_, v, decimals); return *this; }
  JsonWriter& value(std::int64_t v) { separate(); append_int(v); return *this; }
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(std::size_t v) {
    separate();
    std::array<char, 24> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    detail::append_chars(out_, buf.data(), r.ptr);
    return *this;
  }
  JsonWriter& null() { separate(); out_ += "null"; return *this; }
  // A pre-formatted JSON fragment (the caller guarantees validity), e.g. from another writer.
  JsonWriter& raw(std::string_view json) { separate(); out_ += json; return *this; }

  // Convenience: "key": value.
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) { key(k); return value(v); }
  JsonWriter& field(std::string_view k, double v, int decimals) { key(k); return value(v, decimals); }

  [[nodiscard]] int depth() const noexcept { return depth_; }
  // True when every opened object/array was closed and nesting never exceeded the limit.
  [[nodiscard]] bool complete() const noexcept { return depth_ == 0 && !overflow_; }

 private:
  static constexpr int kMaxDepth = 64;

  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (depth_ > 0 && depth_ <= kMaxDepth) {
      if (!first_[static_cast<std::size_t>(depth_ - 1)]) out_.push_back(',');
      first_[static_cast<std::size_t>(depth_ - 1)] = false;
    }
  }
  void open(char c) {
    separate();
    out_.push_back(c);
    ++depth_;
    if (depth_ > kMaxDepth) overflow_ = true;
    else first_[static_cast<std::size_t>(depth_ - 1)] = true;
  }
  void close(char c) {
    out_.push_back(c);
    if (depth_ > 0) --depth_;
    after_key_ = false;
  }
  void append_int(std::int64_t v) {
    std::array<char, 24> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    detail::append_chars(out_, buf.data(), r.ptr);
  }

  std::string& out_;
  std::array<bool, kMaxDepth> first_{};
  int depth_ = 0;
  bool after_key_ = false;
  bool overflow_ = false;
};

}  // namespace facenn::io
