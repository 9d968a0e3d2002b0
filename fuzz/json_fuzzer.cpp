// libFuzzer target: the JSON writer (facenn/io/json.hpp) on arbitrary bytes, checked by an independent
// strict parser (RFC 8259 grammar, UTF-8 validation, \u escapes with surrogate pairs):
//   * append_json_string(bytes) is one valid JSON string; it decodes back to exactly the bytes when they
//     are valid UTF-8, and otherwise to valid UTF-8 in which each invalid subpart became U+FFFD;
//   * a JsonWriter document (keys and values from the input, numbers from its bytes including NaN/Inf,
//     nesting) is valid JSON, and every finite double written in shortest form reads back bit-exactly.
// The input is split: the first byte picks the nesting depth, the next 8 bytes are a double, the rest
// is the string.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <facenn/io/json.hpp>

namespace {

[[noreturn]] void fail() { std::abort(); }

// Independent UTF-8 validation (Unicode 15 table 3-7): code point decoding, then range checks.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    static constexpr std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A strict recursive-descent JSON parser; strings are decoded into `strings`, numbers into `numbers`.
struct Parser {
  explicit Parser(std::string_view text) : s(text) {}
  std::string_view s;
  std::size_t i = 0;
  std::vector<std::string> strings;
  std::vector<double> numbers;

  bool at(char c) const { return i < s.size() && s[i] == c; }
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  }
  bool literal(std::string_view w) {
    if (s.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  bool hex4(std::uint32_t& v) {
    if (i + 4 > s.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s[i++];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + static_cast<std::uint32_t>(d);
    }
    return true;
  }
  bool string() {
    if (!at('"')) return false;
    ++i;
    std::string out;
    const std::size_t raw_start = i;
    while (i < s.size() && s[i] != '"') {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x20) return false;  // unescaped control character
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        ++i;
        continue;
      }
      if (++i >= s.size()) return false;
      const char e = s[i++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t v = 0;
          if (!hex4(v)) return false;
          if (v >= 0xD800 && v <= 0xDBFF) {  // needs a low surrogate
            std::uint32_t lo = 0;
            if (!(literal("\\u") && hex4(lo) && lo >= 0xDC00 && lo <= 0xDFFF)) return false;
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
          } else if (v >= 0xDC00 && v <= 0xDFFF) {
            return false;  // lone low surrogate
          }
          put_utf8(out, v);
          break;
        }
        default: return false;
      }
    }
    if (!at('"')) return false;
    if (!valid_utf8(s.substr(raw_start, i - raw_start))) return false;  // raw bytes must be UTF-8
    ++i;
    strings.push_back(std::move(out));
    return true;
  }
  bool number() {
    const std::size_t start = i;
    if (at('-')) ++i;
    if (at('0')) {
      ++i;
    } else if (i < s.size() && s[i] >= '1' && s[i] <= '9') {
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    } else {
      return false;
    }
    if (at('.')) {
      ++i;
      const std::size_t d = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == d) return false;
    }
    if (at('e') || at('E')) {
      ++i;
      if (at('+') || at('-')) ++i;
      const std::size_t d = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == d) return false;
    }
    numbers.push_back(std::strtod(std::string(s.substr(start, i - start)).c_str(), nullptr));
    return true;
  }
  bool value(int depth) {
    if (depth > 200) return false;
    ws();
    if (at('{')) {
      ++i;
      ws();
      if (at('}')) { ++i; return true; }
      for (;;) {
        ws();
        if (!string()) return false;
        ws();
        if (!at(':')) return false;
        ++i;
        if (!value(depth + 1)) return false;
        ws();
        if (at('}')) { ++i; return true; }
        if (!at(',')) return false;
        ++i;
      }
    }
    if (at('[')) {
      ++i;
      ws();
      if (at(']')) { ++i; return true; }
      for (;;) {
        if (!value(depth + 1)) return false;
        ws();
        if (at(']')) { ++i; return true; }
        if (!at(',')) return false;
        ++i;
      }
    }
    if (at('"')) return string();
    if (literal("true") || literal("false") || literal("null")) return true;
    return number();
  }
  bool document() {
    if (!value(0)) return false;
    ws();
    return i == s.size();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);

  // 1. The whole input as one string.
  std::string quoted;
  facenn::io::append_json_string(quoted, all);
  Parser p(quoted);
  if (!p.document() || p.strings.size() != 1) fail();
  const std::string& back = p.strings[0];
  if (valid_utf8(all)) {
    if (back != all) fail();  // valid UTF-8 round-trips exactly
  } else {
    if (!valid_utf8(back) || back.find("\xEF\xBF\xBD") == std::string::npos) fail();
  }

  // 2. A document: nested arrays, the string as key and value, a double from the input bytes.
  if (size < 9) return 0;
  const int depth = data[0] % 70;  // beyond 64 levels the writer reports !complete()
  double d = 0.0;
  std::memcpy(&d, data + 1, sizeof d);
  const std::string_view text = all.substr(9);
  std::string doc;
  facenn::io::JsonWriter w(doc);
  for (int k = 0; k < depth; ++k) w.begin_array();
  w.begin_object().key(text).value(text).field("d", d).field("f", static_cast<float>(d)).field("fixed", d, data[0] % 20);
  w.key("n").value(static_cast<std::int64_t>(size) - 5).key("b").value(true).key("z").null();
  w.key("a").begin_array().value(d).value(text).end_array().end_object();
  for (int k = 0; k < depth; ++k) w.end_array();
  if (w.complete() != (depth + 2 <= 64)) fail();
  if (!w.complete()) return 0;
  Parser q(doc);
  if (!q.document()) fail();
  // strings: key, value, "d", "f", "fixed", "n", "b", "z", "a", value
  if (q.strings.size() != 10 || q.strings[0] != q.strings[1] || q.strings[1] != q.strings[9]) fail();
  // numbers in document order: d, f, fixed(d), n, d -- non-finite ones are null and absent.
  const float f = static_cast<float>(d);
  struct Want { double v; int kind; };  // kind 0: bit-exact double, 1: exact as float, 2: any (fixed)
  std::vector<Want> want;
  if (std::isfinite(d)) want.push_back({d, 0});
  if (std::isfinite(f)) want.push_back({static_cast<double>(f), 1});
  if (std::isfinite(d)) want.push_back({d, 2});
  want.push_back({static_cast<double>(static_cast<std::int64_t>(size) - 5), 0});
  if (std::isfinite(d)) want.push_back({d, 0});
  if (q.numbers.size() != want.size()) fail();
  for (std::size_t k = 0; k < want.size(); ++k) {
    const double got = q.numbers[k];
    if (want[k].kind == 0 && std::memcmp(&got, &want[k].v, sizeof got) != 0) fail();
    if (want[k].kind == 1 && static_cast<float>(got) != static_cast<float>(want[k].v)) fail();
    if (want[k].kind == 2 && !std::isfinite(got)) fail();
  }
  return 0;
}
