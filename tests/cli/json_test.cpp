// JSON writer: escaping (quotes, backslashes, control characters, invalid UTF-8), numbers, structure.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <facenn/io/json.hpp>

#include <cmath>
#include <limits>
#include <string>

using facenn::io::append_json_number;
using facenn::io::append_json_string;
using facenn::io::JsonWriter;

namespace {
std::string esc(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}
std::string num(double v, int decimals = -1) {
  std::string out;
  append_json_number(out, v, decimals);
  return out;
}
}  // namespace

TEST_CASE("ASCII escaping") {
  CHECK(esc("") == "\"\"");
  CHECK(esc("plain/path.jpg") == "\"plain/path.jpg\"");
  CHECK(esc("a\"b") == "\"a\\\"b\"");
  CHECK(esc("C:\\dir\\f.png") == "\"C:\\\\dir\\\\f.png\"");
  CHECK(esc("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
  CHECK(esc(std::string_view("\x00\x01\x1f", 3)) == "\"\\u0000\\u0001\\u001f\"");
  CHECK(esc("\x7f") == "\"\x7f\"");  // DEL needs no escape
}

TEST_CASE("valid UTF-8 passes through") {
  CHECK(esc("caf\xc3\xa9") == "\"caf\xc3\xa9\"");                       // é
  CHECK(esc("\xe2\x82\xac") == "\"\xe2\x82\xac\"");                     // €
  CHECK(esc("\xf0\x9f\x98\x80") == "\"\xf0\x9f\x98\x80\"");             // U+1F600
  CHECK(esc("\xf4\x8f\xbf\xbf") == "\"\xf4\x8f\xbf\xbf\"");             // U+10FFFF
  CHECK(esc("\xed\x9f\xbf") == "\"\xed\x9f\xbf\"");                     // U+D7FF
  CHECK(esc("\xee\x80\x80") == "\"\xee\x80\x80\"");                     // U+E000
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, one per maximal invalid subpart") {
  const std::string r = "\\ufffd";
  CHECK(esc("\x80") == "\"" + r + "\"");                                // lone continuation
  CHECK(esc("a\xbf\xbf" "b") == "\"a" + r + r + "b\"");                  // two stray continuations
  CHECK(esc("\xc0\xaf") == "\"" + r + r + "\"");                        // overlong '/' (C0 never valid)
  CHECK(esc("\xc1\xbf") == "\"" + r + r + "\"");
  CHECK(esc("\xe0\x80\xaf") == "\"" + r + r + r + "\"");                // overlong 3-byte
  CHECK(esc("\xed\xa0\x80") == "\"" + r + r + r + "\"");                // surrogate D800
  CHECK(esc("\xf4\x90\x80\x80") == "\"" + r + r + r + r + "\"");        // > U+10FFFF
  CHECK(esc("\xf5\x80") == "\"" + r + r + "\"");
  CHECK(esc("\xff\xfe") == "\"" + r + r + "\"");
  CHECK(esc("\xe2\x82") == "\"" + r + "\"");                            // truncated at the end
  CHECK(esc("\xe2\x82x") == "\"" + r + "x\"");                          // truncated before ASCII
  CHECK(esc("\xf0\x9f\x98") == "\"" + r + "\"");
  CHECK(esc("\xf0\x9f\x98\xe2\x82\xac") == "\"" + r + "\xe2\x82\xac\"");  // truncated, then valid
  CHECK(esc("\xc3") == "\"" + r + "\"");
  CHECK(esc("\xc3\"") == "\"" + r + "\\\"\"");
}

TEST_CASE("numbers") {
  CHECK(num(0.0) == "0");
  CHECK(num(1.5) == "1.5");
  CHECK(num(-2.25, 3) == "-2.250");
  CHECK(num(123.456789, 2) == "123.46");
  CHECK(num(1e300, 3) == "1e+300");  // too long for fixed notation: scientific, still valid JSON
  CHECK(num(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(num(std::numeric_limits<double>::infinity(), 3) == "null");
  CHECK(num(-std::numeric_limits<double>::infinity()) == "null");
  std::string f;
  append_json_number(f, 0.1f);
  CHECK(f == "0.1");  // shortest form of the float, not 0.10000000149011612
  f.clear();
  append_json_number(f, std::numeric_limits<float>::quiet_NaN());
  CHECK(f == "null");
}

TEST_CASE("writer structure: commas, keys, nesting") {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("image", "a \"b\".png")
      .key("faces")
      .begin_array()
      .begin_object()
      .key("box")
      .begin_array()
      .value(1.0, 1)
      .value(2.0, 1)
      .end_array()
      .field("score", 0.5f)
      .key("n")
      .null()
      .end_object()
      .begin_object()
      .end_object()
      .end_array()
      .field("ok", true)
      .field("count", 3)
      .end_object();
  CHECK(out == "{\"image\":\"a \\\"b\\\".png\",\"faces\":[{\"box\":[1.0,2.0],\"score\":0.5,\"n\":null},{}],"
               "\"ok\":true,\"count\":3}");
  CHECK(w.complete());
  std::string empty;
  JsonWriter e(empty);
  e.begin_array().end_array();
  CHECK(empty == "[]");
}
