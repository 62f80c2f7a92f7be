// Internal: writing JSON text with RapidJSON (rapid.hpp is the reading side).
// Compact output uses rapidjson::Writer, indented output PrettyWriter with one
// tab per level (Go's json.MarshalIndent(v, "", "\t"), what runc spec writes).
// Strings go through put_string(), which replaces invalid UTF-8 with U+FFFD
// byte by byte as Go's encoding/json does, so writing never fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The RapidJSON headers, writer ones included, come from rapid.hpp's one
// warning-silenced include block.
#include "rapid.hpp"

namespace runcpp::detail::rapid {

using compact_writer = rapidjson::Writer<rapidjson::StringBuffer>;
using pretty_writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 if there is none.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

// `s` with every byte that does not start a valid UTF-8 sequence replaced by
// U+FFFD; `s` itself when it is valid (no copy in the common case).
inline std::string_view valid_utf8(std::string_view s, std::string& scratch) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) return s;
  scratch.assign(s.substr(0, i));
  while (i < s.size()) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      scratch += "\xEF\xBF\xBD";
      ++i;
    } else {
      scratch.append(s.substr(i, n));
      i += n;
    }
  }
  return scratch;
}

template <class W>
void put_string(W& w, std::string_view s) {
  std::string scratch;
  const std::string_view v = valid_utf8(s, scratch);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

template <class W>
void put_key(W& w, std::string_view s) {
  std::string scratch;
  const std::string_view v = valid_utf8(s, scratch);
  w.Key(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

// Writes a parsed value with an explicit stack (GenericValue::Accept recurses,
// and nesting depth is only bounded by the input). Strings and keys of a
// parsed document are valid UTF-8 already.
template <class W>
void put_value(W& w, const value& root) {
  struct frame {
    const value* container;
    std::size_t next;
  };
  std::vector<frame> stack;
  const value* v = &root;
  for (;;) {
    if (v != nullptr) {
      if (v->IsObject()) {
        w.StartObject();
        stack.push_back({v, 0});
      } else if (v->IsArray()) {
        w.StartArray();
        stack.push_back({v, 0});
      } else {
        v->Accept(w);  // a scalar: no recursion
      }
      v = nullptr;
    }
    if (stack.empty()) return;
    frame& top = stack.back();
    if (top.container->IsObject()) {
      if (top.next == top.container->MemberCount()) {
        w.EndObject();
        stack.pop_back();
        continue;
      }
      const member& m = top.container->MemberBegin()[static_cast<std::ptrdiff_t>(top.next++)];
      w.Key(m.name.GetString(), m.name.GetStringLength());
      v = &m.value;
    } else {
      if (top.next == top.container->Size()) {
        w.EndArray();
        stack.pop_back();
        continue;
      }
      v = &(*top.container)[static_cast<rapidjson::SizeType>(top.next++)];
    }
  }
}

// The text a writer produced.
inline std::string text_of(const rapidjson::StringBuffer& buffer) {
  return {buffer.GetString(), buffer.GetSize()};
}

// `s` as a JSON string literal without its quotes: for error messages, so a
// key with a newline or a quote stays on one line.
inline std::string escaped(std::string_view s) {
  rapidjson::StringBuffer buffer;
  compact_writer w(buffer);
  put_string(w, s);
  std::string out = text_of(buffer);
  return out.substr(1, out.size() - 2);
}

}  // namespace runcpp::detail::rapid
