// Fuzz target: detail::event_framer (framing `runc events` output).
//
// Input layout: byte 0 chooses the line limit (bit 0 set: a small limit of
// 1 + byte 1 bytes, to reach the overlong-line path; clear: the default),
// bytes 1 and 2 give two split points; the rest is the stream. The stream is
// framed twice, once fed whole and once in three pieces, and both must give
// the same items (any split is fine, says the framer's contract).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/error.hpp>
#include "event_framer.hpp"

namespace {

// One framed item, reduced to what must not depend on the split.
struct item {
  bool ok;
  std::string type, id, error;
  bool has_data;
  friend bool operator==(const item&, const item&) = default;
};

void drain(runcpp::detail::event_framer& f, std::vector<item>& out, bool at_end) {
  for (;;) {
    auto next = at_end ? f.finish() : f.next();
    if (!next) break;
    auto& r = *next;
    if (r) {
      if (r->kind() != runcpp::parse_event_type(r->type)) std::abort();
      out.push_back({true, r->type, r->id, {}, r->data.has_value()});
    } else {
      if (r.error().code() != runcpp::errc::parse_error) std::abort();
      out.push_back({false, {}, {}, r.error().message(), false});
    }
  }
  // Nothing complete is left queued: what is held is the unterminated line.
  if (f.buffered_bytes() > f.max_line() + 1) std::abort();
  if (at_end && (f.has_partial() || f.buffered_bytes() != 0)) std::abort();
}

std::vector<item> frame(std::size_t max_line, std::string_view stream, std::size_t cut1, std::size_t cut2) {
  runcpp::detail::event_framer f(max_line);
  std::vector<item> out;
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

  const auto whole = frame(max_line, stream, stream.size(), stream.size());
  const auto split = frame(max_line, stream, a, b);
  if (whole != split) std::abort();
  const std::size_t lines = static_cast<std::size_t>(std::count(stream.begin(), stream.end(), '\n')) + 1;
  if (whole.size() > lines) std::abort();
  return 0;
}
