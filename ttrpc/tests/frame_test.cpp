// frame_decoder, encode_header/decode_header, encode_frame: the 10-byte header
// and incremental cutting of a byte stream, on captured containerd frames.
#include <runcpp/ttrpc/frame.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vectors.hpp"

namespace runcpp::ttrpc {
namespace {

using testing::connect_request_hex;
using testing::connect_response_hex;
using testing::shutdown_request_hex;
using testing::shutdown_response_hex;
using testing::unhex;

// Feeds `bytes` in pieces of `step` and collects every frame.
std::vector<frame> decode_all(frame_decoder& d, std::string_view bytes, std::size_t step) {
  std::vector<frame> out;
  while (!bytes.empty()) {
    std::string_view piece = bytes.substr(0, step);
    bytes.remove_prefix(piece.size());
    while (!piece.empty() || d.ready()) {
      piece.remove_prefix(d.feed(piece));
      if (auto f = d.take()) {
        out.push_back(std::move(*f));
      } else if (!piece.empty()) {
        ADD_FAILURE() << "decoder consumed nothing without a frame";
        return out;
      }
    }
  }
  return out;
}

TEST(ttrpc_frame, HeaderOfCapturedConnectRequest) {
  const std::string bytes = unhex(connect_request_hex);
  const frame_header h = decode_header(bytes.data());
  EXPECT_EQ(h.length, 0x2au);
  EXPECT_EQ(h.stream_id, 3u);
  EXPECT_EQ(h.type, 1);
  EXPECT_EQ(h.flags, 0);
  EXPECT_EQ(bytes.size(), frame_header_size + h.length);
}

TEST(ttrpc_frame, EncodeHeaderIsBigEndian) {
  char out[frame_header_size];
  encode_header({0x01020304u, 0xa1b2c3d4u, 2, 0x7f}, out);
  EXPECT_EQ(std::string(out, sizeof out), unhex("01020304a1b2c3d4027f"));
  const frame_header back = decode_header(out);
  EXPECT_EQ(back.length, 0x01020304u);
  EXPECT_EQ(back.stream_id, 0xa1b2c3d4u);
  EXPECT_EQ(back.type, 2);
  EXPECT_EQ(back.flags, 0x7f);
}

TEST(ttrpc_frame, EncodeFrameMatchesCapturedShutdownResponse) {
  EXPECT_EQ(encode_frame(17, message_type::response, ""), unhex(shutdown_response_hex));
  const std::string resp = unhex(connect_response_hex);
  EXPECT_EQ(encode_frame(3, message_type::response, resp.substr(frame_header_size)), resp);
}

TEST(ttrpc_frame, DecodesCapturedStreamInEveryPieceSize) {
  const std::string stream = unhex(connect_request_hex) + unhex(shutdown_response_hex) +
                             unhex(shutdown_request_hex) + unhex(connect_response_hex);
  for (std::size_t step = 1; step <= stream.size(); ++step) {
    frame_decoder d;
    const auto frames = decode_all(d, stream, step);
    ASSERT_EQ(frames.size(), 4u) << "step " << step;
    EXPECT_EQ(frames[0].header.stream_id, 3u);
    EXPECT_EQ(frames[0].body, unhex(connect_request_hex).substr(frame_header_size));
    EXPECT_EQ(frames[1].header.stream_id, 17u);
    EXPECT_EQ(frames[1].header.type, 2);
    EXPECT_TRUE(frames[1].body.empty());
    EXPECT_EQ(frames[2].header.length, 0x31u);
    EXPECT_EQ(frames[2].body.size(), 0x31u);
    EXPECT_EQ(frames[3].body, unhex("120608e34d10a84e"));
    for (const auto& f : frames) EXPECT_FALSE(f.oversized);
    EXPECT_TRUE(d.idle());
  }
}

TEST(ttrpc_frame, IdleOnlyBetweenFrames) {
  const std::string bytes = unhex(connect_request_hex);
  frame_decoder d;
  EXPECT_TRUE(d.idle());
  EXPECT_EQ(d.feed(std::string_view(bytes).substr(0, 4)), 4u);
  EXPECT_FALSE(d.idle());  // partial header
  EXPECT_EQ(d.feed(std::string_view(bytes).substr(4, 10)), 10u);
  EXPECT_FALSE(d.idle());  // partial body
  EXPECT_EQ(d.feed(std::string_view(bytes).substr(14)), bytes.size() - 14);
  EXPECT_TRUE(d.ready());
  EXPECT_EQ(d.feed("more"), 0u);  // held until taken
  EXPECT_TRUE(d.take().has_value());
  EXPECT_TRUE(d.idle());
  EXPECT_FALSE(d.take().has_value());
}

TEST(ttrpc_frame, OversizedBodyIsSkippedAndReported) {
  // A request of 4 MiB + 1 on stream 5, then the captured Connect request.
  const std::size_t big = default_max_message + 1;
  std::string stream(frame_header_size, '\0');
  encode_header({static_cast<std::uint32_t>(big), 5, 1, 0}, stream.data());
  stream.append(big, 'x');
  stream += unhex(connect_request_hex);
  frame_decoder d;
  const auto frames = decode_all(d, stream, 64 * 1024 + 3);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].oversized);
  EXPECT_EQ(frames[0].header.stream_id, 5u);
  EXPECT_EQ(frames[0].header.length, big);
  EXPECT_TRUE(frames[0].body.empty());
  EXPECT_FALSE(frames[1].oversized);
  EXPECT_EQ(frames[1].header.stream_id, 3u);
}

TEST(ttrpc_frame, ExactlyTheMaximumIsAccepted) {
  frame_decoder d(8);
  const std::string stream = encode_frame(1, message_type::request, "12345678") +
                             encode_frame(3, message_type::request, "123456789");
  const auto frames = decode_all(d, stream, stream.size());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_FALSE(frames[0].oversized);
  EXPECT_EQ(frames[0].body, "12345678");
  EXPECT_TRUE(frames[1].oversized);
}

TEST(ttrpc_frame, HugeAnnouncedLengthAllocatesNothingUpFront) {
  // 0xffffffff announced, 3 bytes sent: still skipping, nothing stored.
  frame_decoder d;
  EXPECT_EQ(d.feed(unhex("ffffffff0000000101"
                         "00"
                         "616263")),
            13u);
  EXPECT_FALSE(d.ready());
  EXPECT_FALSE(d.idle());
}

}  // namespace
}  // namespace runcpp::ttrpc
