// Fuzz target: the ttrpc library's frame_decoder and Request/Response parsers
// (ttrpc/src/wire.hpp), the code that reads whatever a peer of the shim sends.
//
// Input layout: byte 0 chooses the decoder's maximum body (bit 0 set: 1 + byte 1
// bytes, to reach the oversized path often; clear: ttrpc's 4 MiB), byte 2 is
// the piece size the stream is fed in (0: whole); the rest is the stream.
//
// Checks: every byte is consumed; the frames are the same whatever the piece
// size; a kept body has the announced length, an oversized one is empty; a body
// that parses as a Request encodes again to a Request that parses to the same
// fields (and likewise for Response).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/ttrpc/frame.hpp>
#include "wire.hpp"

namespace {

using namespace runcpp::ttrpc;

void check(bool ok) {
  if (!ok) std::abort();
}

std::vector<frame> decode(std::string_view stream, std::size_t max, std::size_t piece, bool& idle) {
  frame_decoder d(max);
  std::vector<frame> out;
  while (!stream.empty()) {
    std::string_view part = stream.substr(0, piece ? piece : stream.size());
    stream.remove_prefix(part.size());
    while (!part.empty() || d.ready()) {
      const std::size_t used = d.feed(part);
      check(used <= part.size());
      part.remove_prefix(used);
      auto f = d.take();
      if (!f) {
        check(part.empty());  // without a finished frame it took everything
        break;
      }
      out.push_back(std::move(*f));
    }
  }
  idle = d.idle();
  return out;
}

bool same(const std::vector<frame>& a, const std::vector<frame>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].body != b[i].body || a[i].oversized != b[i].oversized ||
        a[i].header.length != b[i].header.length || a[i].header.stream_id != b[i].header.stream_id ||
        a[i].header.type != b[i].header.type) {
      return false;
    }
  }
  return true;
}

void check_request(std::string_view body) {
  const auto r = wire::parse_request(body);
  if (!r) return;
  const std::string again = wire::request_frame(7, *r);
  const auto back = wire::parse_request(std::string_view(again).substr(frame_header_size));
  check(back.has_value());
  check(back->service == r->service && back->method == r->method && back->payload == r->payload);
  check(back->timeout_nano == r->timeout_nano && back->metadata.size() == r->metadata.size());
  for (std::size_t i = 0; i < r->metadata.size(); ++i) {
    check(back->metadata[i].key == r->metadata[i].key && back->metadata[i].value == r->metadata[i].value);
  }
}

void check_response(std::string_view body) {
  const auto r = wire::parse_response(body);
  if (!r) return;
  const std::string again = wire::response_frame(9, r->st ? &*r->st : nullptr, r->payload);
  const auto back = wire::parse_response(std::string_view(again).substr(frame_header_size));
  check(back.has_value() && back->payload == r->payload && back->st.has_value() == r->st.has_value());
  if (r->st) check(back->st->c == r->st->c && back->st->message == r->st->message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::size_t max = (data[0] & 1) ? std::size_t{1} + data[1] : default_max_message;
  const std::size_t piece = data[2];
  const std::string_view stream(reinterpret_cast<const char*>(data + 3), size - 3);

  bool idle_whole = false, idle_pieces = false;
  const auto whole = decode(stream, max, 0, idle_whole);
  const auto pieces = decode(stream, max, piece, idle_pieces);
  check(same(whole, pieces) && idle_whole == idle_pieces);
  for (const frame& f : whole) {
    check(f.oversized ? f.body.empty() && f.header.length > max : f.body.size() == f.header.length);
    if (f.oversized) continue;
    check_request(f.body);
    check_response(f.body);
  }
  return 0;
}
