// Fuzz target: detail::event_framer (framing `runc events` output).
//
// Input layout: byte 0 chooses the line limit (bit 0 set: a small limit of
// 1 + byte 1 bytes, to reach the overlong-line path; clear: the default),
// bytes 1 and 2 give two split points; the rest is the stream.
//
// The stream is framed into lines twice, once fed whole and once in pieces,
// and both must equal a plain reference framing (any split is fine, says the
// framer's contract). Lines are compared before parsing: the JSON parser has
// its own target (stats_json), and parsing every line of both framings made
// this one run at a few hundred inputs a second. The parsing step, next(),
// is still checked on the first lines of each input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/error.hpp>
#include <runcpp/stats.hpp>
#include "event_framer.hpp"

namespace {

using runcpp::detail::event_framer;
using line = event_framer::line;

// Lines parsed through next() per input, and the longest such line: enough
// to reach every branch of to_event() while keeping the JSON parser (about a
// microsecond a byte under the sanitizers) from dominating the run time.
// Long lines go through next_line(); parsing them is stats_json's business.
constexpr std::size_t parsed_lines = 2;
constexpr std::size_t parsed_max = 512;

// The contract, written the obvious way: cut at '\n', drop one '\r' before
// it, count every line, report overlong ones, skip blank ones.
std::vector<line> reference(std::string_view stream, std::size_t max_line) {
  std::vector<line> out;
  std::uint64_t number = 0;
  while (!stream.empty()) {
    const std::size_t nl = stream.find('\n');
    std::string_view text = stream.substr(0, nl);
    stream.remove_prefix(nl == std::string_view::npos ? stream.size() : nl + 1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    ++number;
    if (text.size() > max_line) {
      out.push_back({{}, number, true});
    } else if (text.find_first_not_of(" \t\r") != std::string_view::npos) {
      out.push_back({std::string(text), number, false});
    }
  }
  return out;
}

void drain(event_framer& f, std::vector<line>& out, bool at_end) {
  while (auto l = at_end ? f.finish_line() : f.next_line()) out.push_back(std::move(*l));
  // Nothing complete is left queued: what is held is the unterminated line.
  if (f.buffered_bytes() > f.max_line() + 1) std::abort();
  if (at_end && (f.has_partial() || f.buffered_bytes() != 0)) std::abort();
}

std::vector<line> frame(std::size_t max_line, std::string_view stream, std::size_t cut1, std::size_t cut2) {
  event_framer f(max_line);
  std::vector<line> out;
  f.feed(stream.substr(0, cut1));
  drain(f, out, false);
  f.feed(stream.substr(cut1, cut2 - cut1));
  drain(f, out, false);
  f.feed({});
  drain(f, out, false);
  f.feed(stream.substr(cut2));
  drain(f, out, false);
  drain(f, out, true);
  return out;
}

// next()/finish() must give one item per line, in order, naming the line:
// an overlong line is an error with a fixed message; any other line is what
// the event parser makes of it. Lines not parsed here are pulled with
// next_line() from the same framer, which must keep the order.
void check_parsed(std::size_t max_line, std::string_view stream, const std::vector<line>& expected) {
  event_framer f(max_line);
  f.feed(stream);
  std::size_t parsed = 0;
  for (const line& l : expected) {
    if (!l.overlong && (l.text.size() > parsed_max || parsed == parsed_lines)) {
      auto raw = f.next_line();
      if (!raw) raw = f.finish_line();  // the unterminated last line
      if (!raw || *raw != l) std::abort();
      continue;
    }
    if (!l.overlong) ++parsed;
    auto item = f.next();
    if (!item) item = f.finish();
    if (!item) std::abort();
    const auto& r = *item;
    const std::string where = "runc events line " + std::to_string(l.number);
    if (r) {
      if (l.overlong) std::abort();
      if (r->kind() != runcpp::parse_event_type(r->type)) std::abort();
      if (r->data && r->kind() != runcpp::event_type::stats) std::abort();
      continue;
    }
    if (r.error().code() != runcpp::errc::parse_error) std::abort();
    const std::string& message = r.error().message();
    if (l.overlong) {
      if (message != where + " is longer than " + std::to_string(f.max_line()) + " bytes; skipped it")
        std::abort();
    } else if (message.rfind(where + ": event JSON: ", 0) != 0) {
      std::abort();
    }
  }
  if (f.finish() || f.has_partial() || f.buffered_bytes() != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  std::size_t max_line = std::size_t{1} << 20;
  std::size_t a = 0, b = 0;
  std::string_view stream = all;
  if (size >= 3) {
    if ((data[0] & 1) != 0) max_line = std::size_t{1} + data[1];
    stream = all.substr(3);
    a = std::min<std::size_t>(data[1], stream.size());
    b = std::min<std::size_t>(a + data[2], stream.size());
  }

  const auto expected = reference(stream, max_line);
  if (frame(max_line, stream, stream.size(), stream.size()) != expected) std::abort();
  if (frame(max_line, stream, a, b) != expected) std::abort();
  for (const line& l : expected) {
    if (l.text.size() > max_line || l.text.find('\n') != std::string::npos) std::abort();
  }
  check_parsed(max_line, stream, expected);
  return 0;
}
