// Internal: the one way src/ parses JSON. RapidJSON is the project's one JSON
// library (docs/performance.md: it is what keeps the decode rows at 2x go-runc
// and more); src/json/rapid_writer.hpp writes with it. RapidJSON is a private,
// header-only dependency: it never reaches include/runcpp/.
#pragma once

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

// Decoders test a value's type before every Get*, so an assertion can only fire
// on a decoder bug, never on input; keep it the standard assert, which Debug and
// sanitizer builds (where the fuzz corpus is replayed) turn on.
#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(x) assert(x)
#endif

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace runcpp::detail::rapid {

using value = rapidjson::Value;
using member = value::Member;

// The deepest nesting of arrays and objects a document may have (the top-level
// array or object is level 1). runc's and crun's output is a few levels deep and
// a config.json about ten; the limit keeps hostile output ("[[[[...") from
// costing ~25 bytes of DOM and parser stack per byte of input.
inline constexpr unsigned max_depth = 128;

// One parsed document. Parsing is in situ on a private copy of the text, so
// strings in the DOM point into buffer_ and cost no allocation of their own.
class document {
 public:
  document() : pool_(pool_buffer_, sizeof pool_buffer_), doc_(&pool_) {}
  document(const document&) = delete;
  document& operator=(const document&) = delete;

  // False when the text is not one valid JSON value. The same inputs fail as
  // with nlohmann (which src/ used before): NUL bytes, invalid UTF-8, unpaired surrogate
  // escapes, trailing garbage; a leading UTF-8 byte order mark is skipped.
  // Differences: the integer -0 reads as unsigned 0 (nlohmann: signed 0),
  // so unsigned fields accept it; and a number whose integer part has more
  // than about 308 digits is refused even when its exponent brings it back
  // into range ("1" and 309 zeros "e-300"), since RapidJSON's grammar pass
  // stops there. runc never prints such a number. Arrays and objects nested
  // deeper than max_depth fail too (failure() says so).
  bool parse(std::string_view text) {
    too_deep_ = false;
    if (text.find('\0') != std::string_view::npos) return false;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    // RapidJSON 1.1.0 validates a multi-byte UTF-8 sequence by taking all of
    // its continuation bytes before checking them, so a lead byte at the end
    // makes it read up to 3 bytes past the terminating NUL: pad with NULs (no
    // NUL can be part of the text, so the first one is still its end).
    buffer_.reserve(text.size() + utf8_tail_padding);
    buffer_.assign(text);
    buffer_.append(utf8_tail_padding, '\0');
    if (!rewrite_zero_doubles(buffer_)) return false;
    // Iterative: nesting depth must not be bounded by the C++ stack (fuzz input).
    // Numbers arrive as text and number_handler converts them: RapidJSON
    // 1.1.0's own string-to-double (DiyFp, BigInteger) has undefined behaviour
    // on long significands, which fuzzing reached more than once.
    constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                               rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
    bool parsed = false;
    auto generate = [this, &parsed](rapidjson::Document& out) {
      rapidjson::InsituStringStream stream(buffer_.data());
      rapidjson::Reader reader;
      number_handler handler{out};
      parsed = !reader.Parse<flags>(stream, handler).IsError();
      too_deep_ = handler.depth > max_depth;
      return parsed;
    };
    doc_.Populate(generate);
    return parsed && !(has_low_surrogate_escape(text) && holds_surrogate());
  }

  // Why the last parse() failed, for an error message.
  std::string_view failure() const noexcept {
    static_assert(max_depth == 128, "the message below names the limit");
    return too_deep_ ? "not valid JSON (nested more than 128 levels deep)" : "not valid JSON";
  }

  const value& root() const noexcept { return doc_; }

 private:
  // Forwards every SAX event to the document, but converts numbers itself,
  // with std::from_chars (correctly rounded, locale-free), into the same value
  // types RapidJSON would have made: an integer when the text has no fraction
  // or exponent and fits int64 (negative) or uint64, else a double. A double
  // beyond the finite range is not valid JSON (nlohmann, which these decoders
  // used before, said the same); one too small to represent reads as zero.
  // It also counts the nesting depth and stops the parse past max_depth.
  // RapidJSON's SAX interface fixes the method names.
  // NOLINTBEGIN(readability-identifier-naming)
  struct number_handler {
    rapidjson::Document& out;
    unsigned depth = 0;

    bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
      const std::string_view s(text, length);
      if (s.find_first_of(".eE") == std::string_view::npos) {
        if (s.front() == '-') {
          std::int64_t i = 0;
          if (std::from_chars(s.data(), s.data() + s.size(), i).ec == std::errc{}) return out.Int64(i);
        } else {
          std::uint64_t u = 0;
          if (std::from_chars(s.data(), s.data() + s.size(), u).ec == std::errc{}) return out.Uint64(u);
        }
      }
      double d = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec == std::errc::result_out_of_range) {
        if (at_least_one(s)) return false;
        d = s.front() == '-' ? -0.0 : 0.0;
      } else if (ec != std::errc{} || end != s.data() + s.size()) {
        return false;  // cannot happen: RapidJSON has checked the grammar
      }
      return out.Double(d);
    }
    // Whether a valid JSON number's magnitude is >= 1: its first non-zero
    // digit's decimal place, shifted by the exponent, is not below the units.
    static bool at_least_one(std::string_view s) noexcept {
      std::size_t i = s.front() == '-' ? 1 : 0;
      long long place = 0;  // 1 + decimal place of the first non-zero digit
      if (s[i] != '0') {
        for (; i < s.size() && is_digit(s[i]); ++i) ++place;
      } else {
        ++i;
        if (i < s.size() && s[i] == '.')
          for (++i; i < s.size() && s[i] == '0'; ++i) --place;
      }
      while (i < s.size() && (is_digit(s[i]) || s[i] == '.')) ++i;
      if (i < s.size()) place += saturated_exponent(s.substr(i + 1));
      return place > 0;
    }
    // The value of an exponent ("+12", "-3", "400"), clamped to +-10^12 so a
    // long one cannot overflow; no input is long enough to move `place` that far.
    static long long saturated_exponent(std::string_view e) noexcept {
      const bool minus = !e.empty() && e.front() == '-';
      if (!e.empty() && (e.front() == '+' || e.front() == '-')) e.remove_prefix(1);
      long long v = 0;
      for (const char c : e) v = std::min(v * 10 + (c - '0'), 1'000'000'000'000LL);
      return minus ? -v : v;
    }

    bool Null() { return out.Null(); }
    bool Bool(bool b) { return out.Bool(b); }
    bool Int(int i) { return out.Int(i); }
    bool Uint(unsigned u) { return out.Uint(u); }
    bool Int64(std::int64_t i) { return out.Int64(i); }
    bool Uint64(std::uint64_t u) { return out.Uint64(u); }
    bool Double(double d) { return out.Double(d); }
    bool String(const char* s, rapidjson::SizeType n, bool copy) { return out.String(s, n, copy); }
    bool StartObject() { return ++depth <= max_depth && out.StartObject(); }
    bool Key(const char* s, rapidjson::SizeType n, bool copy) { return out.Key(s, n, copy); }
    bool EndObject(rapidjson::SizeType members) {
      --depth;
      return out.EndObject(members);
    }
    bool StartArray() { return ++depth <= max_depth && out.StartArray(); }
    bool EndArray(rapidjson::SizeType elements) {
      --depth;
      return out.EndArray(elements);
    }
  };
  // NOLINTEND(readability-identifier-naming)

  // RapidJSON 1.1.0 refuses a number whose exponent exceeds 308 minus its
  // fraction digits (kParseErrorNumberTooBig) before looking at the
  // significand, so "0e400" or "0.000E+400" (zero; nlohmann read them as 0)
  // would be errors; with any non-zero digit such a number is beyond double's
  // range, an error either way. So outside strings, every number RapidJSON would
  // read (the longest prefix matching -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?)
  // whose digits are all zeros and that has a fraction or an exponent is
  // rewritten in the private copy to the same value, "0.0" or "-0.0", padded
  // with spaces; it is never shorter, and what may follow a number may also
  // follow spaces, so validity is unchanged.
  // False (not valid JSON) when such a number is followed by a character that
  // could continue a number ("0e2e50"): no JSON allows that, and rewriting it
  // would make a new number of the two ("0.0e50").
  static bool rewrite_zero_doubles(std::string& s) noexcept {
    bool in_string = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (in_string) {
        if (c == '\\')
          ++i;  // the escaped character cannot end the string
        else if (c == '"')
          in_string = false;
        continue;
      }
      if (c == '"') in_string = true;
      if (c != '-' && !is_digit(c)) continue;
      bool zero = false;
      const std::size_t end = json_number_end(s, i, zero);
      if (zero) {
        if (end < s.size() &&
            (is_digit(s[end]) || std::string_view("+-.eE").find(s[end]) != std::string_view::npos))
          return false;
        const std::string_view text = c == '-' ? "-0.0" : "0.0";
        s.replace(i, text.size(), text);
        std::fill(s.begin() + static_cast<std::ptrdiff_t>(i + text.size()),
                  s.begin() + static_cast<std::ptrdiff_t>(end), ' ');
      }
      if (end > i) i = end - 1;
    }
    return true;
  }
  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
  // The end of the longest JSON number at `at` (== at if none); `zero_exp`: its
  // digits before any exponent are all zeros and it has a fraction or exponent.
  static std::size_t json_number_end(const std::string& s, std::size_t at, bool& zero_exp) noexcept {
    zero_exp = false;
    std::size_t i = at;
    if (s[i] == '-') ++i;
    if (i >= s.size() || !is_digit(s[i])) return at;
    const bool zero_int = s[i] == '0';
    if (zero_int) {
      ++i;
    } else {
      while (i < s.size() && is_digit(s[i])) ++i;
    }
    bool zero_frac = true, has_frac = false;
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
      has_frac = true;
      for (++i; i < s.size() && is_digit(s[i]); ++i) zero_frac = zero_frac && s[i] == '0';
    }
    std::size_t e = i;
    if (e < s.size() && (s[e] == 'e' || s[e] == 'E')) {
      ++e;
      if (e < s.size() && (s[e] == '+' || s[e] == '-')) ++e;
      if (e < s.size() && is_digit(s[e])) {
        while (e < s.size() && is_digit(s[e])) ++e;
        zero_exp = zero_int && zero_frac;
        return e;
      }
    }
    zero_exp = zero_int && zero_frac && has_frac;
    return i;
  }

  // RapidJSON decodes an unpaired low-surrogate escape (\uDC00-\uDFFF) to the
  // bytes ED B0-BF xx, which are not UTF-8 and which nlohmann rejected. Raw
  // input bytes are validated, so such bytes in the DOM can only come from an
  // escape; the DOM is searched only when the text has a "\uDC".."\uDF" escape.
  static bool has_low_surrogate_escape(std::string_view text) noexcept {
    for (auto pos = text.find("\\u"); pos != std::string_view::npos; pos = text.find("\\u", pos + 2)) {
      if (pos + 3 < text.size() && (text[pos + 2] == 'd' || text[pos + 2] == 'D') &&
          ((text[pos + 3] >= 'c' && text[pos + 3] <= 'f') || (text[pos + 3] >= 'C' && text[pos + 3] <= 'F')))
        return true;
    }
    return false;
  }
  static bool has_surrogate_bytes(const value& v) noexcept {
    const std::string_view s(v.GetString(), v.GetStringLength());
    for (auto pos = s.find('\xED'); pos != std::string_view::npos; pos = s.find('\xED', pos + 1)) {
      if (pos + 1 < s.size() && static_cast<unsigned char>(s[pos + 1]) >= 0xA0) return true;
    }
    return false;
  }
  bool holds_surrogate() const;

  static constexpr std::size_t utf8_tail_padding = 4;
  // RapidJSON's pool keeps its chunk headers (pointers) in this buffer.
  alignas(std::max_align_t) char pool_buffer_[4096];
  rapidjson::MemoryPoolAllocator<> pool_;
  rapidjson::Document doc_;
  std::string buffer_;
  bool too_deep_ = false;
};

inline std::string_view view(const value& v) noexcept { return {v.GetString(), v.GetStringLength()}; }

// obj[key] or null. nlohmann, which these decoders used before, keeps the last
// of duplicate keys; searching from the back keeps that behaviour.
inline const value* find_last(const value& obj, std::string_view key) noexcept {
  for (auto it = obj.MemberEnd(); it != obj.MemberBegin();) {
    --it;
    if (it->name.GetStringLength() == key.size() &&
        std::memcmp(it->name.GetString(), key.data(), key.size()) == 0)
      return &it->value;
  }
  return nullptr;
}

// The members as nlohmann showed them: sorted by key (std::string order), the
// last of duplicate keys only. Used on error paths, to report the same key.
inline std::vector<const member*> sorted_last_members(const value& obj) {
  std::vector<const member*> out;
  out.reserve(obj.MemberCount());
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) out.push_back(&*it);
  std::stable_sort(out.begin(), out.end(),
                   [](const member* a, const member* b) { return view(a->name) < view(b->name); });
  std::vector<const member*> last;
  last.reserve(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i + 1 < out.size() && view(out[i]->name) == view(out[i + 1]->name)) continue;
    last.push_back(out[i]);
  }
  return last;
}

// Walks every key and string of the DOM with an explicit stack: nesting is
// only bounded by the input size.
inline bool document::holds_surrogate() const {
  std::vector<const value*> pending{&doc_};
  while (!pending.empty()) {
    const value& v = *pending.back();
    pending.pop_back();
    if (v.IsString()) {
      if (has_surrogate_bytes(v)) return true;
    } else if (v.IsArray()) {
      for (auto it = v.Begin(); it != v.End(); ++it) pending.push_back(&*it);
    } else if (v.IsObject()) {
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        if (has_surrogate_bytes(it->name)) return true;
        pending.push_back(&it->value);
      }
    }
  }
  return false;
}

}  // namespace runcpp::detail::rapid
