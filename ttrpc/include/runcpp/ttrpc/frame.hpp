/// @file
/// The ttrpc wire format (as spoken by containerd 1.6 / ttrpc 1.1): every message
/// is a 10-byte header followed by a protobuf body,
///
///   u32 BE length of the body (at most 4 MiB), u32 BE stream id,
///   u8 type (1 request, 2 response, 3 data in ttrpc >= 1.2), u8 flags (0).
///
/// frame_decoder cuts a byte stream into frames incrementally; encode_header
/// writes a header. Pure functions and value types: no fds, no threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runcpp::ttrpc {

inline constexpr std::size_t frame_header_size = 10;
/// ttrpc's messageLengthMax: the largest body accepted and sent (4 MiB).
inline constexpr std::size_t default_max_message = 4u << 20;

/// Values of the type byte.
enum class message_type : std::uint8_t { request = 1, response = 2, data = 3 };

/// A decoded header. `type` is the raw byte: unknown types are ignored by peers,
/// not rejected.
struct frame_header {
  std::uint32_t length = 0;
  std::uint32_t stream_id = 0;
  std::uint8_t type = 0;
  std::uint8_t flags = 0;
};

/// Writes `h` big-endian into out[0..10).
void encode_header(const frame_header& h, char* out) noexcept;
/// Reads a header from in[0..10).
frame_header decode_header(const char* in) noexcept;

/// One item cut from the stream. A body longer than the decoder's maximum is not
/// kept: its bytes are skipped and, once they all went by, the frame is delivered
/// with `oversized` set and an empty body (the server answers resource_exhausted
/// on that stream id, as ttrpc does).
struct frame {
  frame_header header;
  std::string body;
  bool oversized = false;
};

/// An incremental frame decoder: feed() it the bytes in the order they came, in
/// pieces of any size, and take() the frames. Never fails: any byte sequence is
/// a sequence of headers and bodies (garbage shows up as frames of odd types or
/// lengths). Memory: at most one body (<= max_message) plus a header. A value
/// type, not thread-safe.
class frame_decoder {
 public:
  explicit frame_decoder(std::size_t max_message = default_max_message) noexcept : max_(max_message) {}

  /// Consumes bytes from the front of `data` up to the end of at most one frame
  /// and returns how many it consumed. When a frame is complete it is held for
  /// take() and feed() consumes nothing until it was taken.
  std::size_t feed(std::string_view data);
  /// Whether a complete frame waits for take().
  bool ready() const noexcept { return ready_.has_value(); }
  /// The complete frame, if any (then ready() is false again).
  std::optional<frame> take() noexcept;
  /// True between frames: no partial header or body is buffered (a peer that
  /// closes now did not close mid-frame).
  bool idle() const noexcept { return !ready_ && have_ == 0 && !in_body_; }

 private:
  std::size_t max_;
  char header_[frame_header_size] = {};
  std::size_t have_ = 0;  // header bytes buffered
  bool in_body_ = false;  // header complete, body (or its skipping) in progress
  frame current_;
  std::size_t remaining_ = 0;  // body bytes still to read or skip
  std::optional<frame> ready_;
};

/// A header and a body as one string, ready to write. Throws std::length_error
/// when the body exceeds 4 GiB - 1.
std::string encode_frame(std::uint32_t stream_id, message_type type, std::string_view body,
                         std::uint8_t flags = 0);

/// One metadata pair of a Request (ttrpc KeyValue). containerd sends its
/// namespace as key "containerd-namespace-ttrpc".
struct metadata_entry {
  std::string key, value;
};

}  // namespace runcpp::ttrpc
