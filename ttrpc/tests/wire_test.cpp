// The ttrpc Request/Response messages (ttrpc.proto through protobuf lite):
// byte-exact against captured containerd frames, field numbers against the
// upstream Go sources Debian ships, and malformed bodies.
#include "wire.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "peer.hpp"
#include "ttrpc.pb.h"
#include "vectors.hpp"

namespace runcpp::ttrpc {
namespace {

using testing::connect_request_hex;
using testing::connect_response_hex;
using testing::hex;
using testing::shutdown_request_hex;
using testing::shutdown_response_hex;
using testing::unhex;

std::string body_of(const std::string& frame_hex) { return unhex(frame_hex).substr(frame_header_size); }

TEST(ttrpc_wire, ParsesCapturedConnectRequest) {
  const auto r = wire::parse_request(body_of(connect_request_hex));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->service, "containerd.task.v2.Task");
  EXPECT_EQ(r->method, "Connect");
  EXPECT_EQ(r->payload, unhex("0a0463617031"));
  EXPECT_EQ(r->timeout_nano, 0);
  EXPECT_TRUE(r->metadata.empty());
}

TEST(ttrpc_wire, ParsesCapturedShutdownTimeout) {
  const auto r = wire::parse_request(body_of(shutdown_request_hex));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "Shutdown");
  EXPECT_EQ(r->timeout_nano, 2999991764);
}

TEST(ttrpc_wire, EncodesRequestsByteForByteLikeContainerd) {
  EXPECT_EQ(hex(wire::request_frame(3, {"containerd.task.v2.Task", "Connect", unhex("0a0463617031"), 0, {}})),
            connect_request_hex);
  EXPECT_EQ(hex(wire::request_frame(
                17, {"containerd.task.v2.Task", "Shutdown", unhex("0a0463617031"), 2999991764, {}})),
            shutdown_request_hex);
}

TEST(ttrpc_wire, EncodesSuccessWithoutStatusLikeTheGoShim) {
  EXPECT_EQ(hex(wire::response_frame(3, nullptr, unhex("08e34d10a84e"))), connect_response_hex);
  EXPECT_EQ(hex(wire::response_frame(17, nullptr, "")), shutdown_response_hex);
  const auto r = wire::parse_response(body_of(connect_response_hex));
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->st.has_value());
  EXPECT_EQ(r->payload, unhex("08e34d10a84e"));
}

TEST(ttrpc_wire, ErrorStatusRoundTrips) {
  const status st{code::unimplemented, "method Stats"};
  const std::string f = wire::response_frame(9, &st, {});
  // Response{status{code:12, message:"method Stats"}}
  EXPECT_EQ(hex(f.substr(frame_header_size)), testing::cat("0a10080c120c", hex("method Stats")));
  const auto r = wire::parse_response(f.substr(frame_header_size));
  ASSERT_TRUE(r && r->st);
  EXPECT_EQ(r->st->c, code::unimplemented);
  EXPECT_EQ(r->st->message, "method Stats");
  EXPECT_TRUE(r->payload.empty());
}

TEST(ttrpc_wire, MetadataAndNonUtf8BytesRoundTrip) {
  wire::request in{
      "svc", "m\xff", std::string("\0\1", 2), -5, {{"containerd-namespace-ttrpc", "default"}, {"k", ""}}};
  const std::string f = wire::request_frame(1, in);
  const auto r = wire::parse_request(f.substr(frame_header_size));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "m\xff");
  EXPECT_EQ(r->payload, std::string("\0\1", 2));
  EXPECT_EQ(r->timeout_nano, -5);
  ASSERT_EQ(r->metadata.size(), 2u);
  EXPECT_EQ(r->metadata[0].key, "containerd-namespace-ttrpc");
  EXPECT_EQ(r->metadata[0].value, "default");
  EXPECT_EQ(r->metadata[1].key, "k");
}

TEST(ttrpc_wire, UnknownFieldsAreSkipped) {
  // Request{service:"s", 99: varint 1 (unknown)} parses; ttrpc >= 1.2 peers add fields.
  const auto r =
      wire::parse_request(unhex("0a0173"
                                "9806"
                                "01"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->service, "s");
}

TEST(ttrpc_wire, MalformedBodiesAreRejected) {
  for (const char* bad : {"0a05616263",                // string longer than the body
                          "0a",                        // tag without a value
                          "20ffffffffffffffffffff01",  // varint of 11 bytes
                          "0f",                        // wire type 7
                          "00",                        // field number 0
                          "2a020a"}) {                 // metadata with a truncated KeyValue
    EXPECT_FALSE(wire::parse_request(unhex(bad)).has_value()) << bad;
    EXPECT_FALSE(wire::parse_response(unhex(bad)).has_value()) << bad;
  }
}

// Field numbers of proto/ttrpc.proto against the upstream Go sources Debian
// packages (golang-github-containerd-ttrpc-dev, golang-github-gogo-googleapis-dev).
std::string read_or_skip(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return in ? s.str() : std::string();
}

// The protobuf field number of Go struct `type`'s field `name` from its tag.
int go_field_number(const std::string& source, const std::string& type, const std::string& name) {
  const auto start = source.find("type " + type + " struct {");
  if (start == std::string::npos) return -1;
  const std::string body = source.substr(start, source.find("\n}", start) - start);
  const std::regex tag("protobuf:\"[a-z0-9]+,([0-9]+),[a-z]+,name=" + name + "[,\"]");
  std::smatch m;
  return std::regex_search(body, m, tag) ? std::stoi(m[1]) : -1;
}

TEST(ttrpc_wire, FieldNumbersMatchUpstreamTtrpc) {
  const std::string go = read_or_skip("/usr/share/gocode/src/github.com/containerd/ttrpc/types.go");
  if (go.empty()) GTEST_SKIP() << "golang-github-containerd-ttrpc-dev is not installed (types.go missing)";
  EXPECT_EQ(go_field_number(go, "Request", "service"), pb::Request::kServiceFieldNumber);
  EXPECT_EQ(go_field_number(go, "Request", "method"), pb::Request::kMethodFieldNumber);
  EXPECT_EQ(go_field_number(go, "Request", "payload"), pb::Request::kPayloadFieldNumber);
  EXPECT_EQ(go_field_number(go, "Request", "timeout_nano"), pb::Request::kTimeoutNanoFieldNumber);
  EXPECT_EQ(go_field_number(go, "Request", "metadata"), pb::Request::kMetadataFieldNumber);
  EXPECT_EQ(go_field_number(go, "Response", "status"), pb::Response::kStatusFieldNumber);
  EXPECT_EQ(go_field_number(go, "Response", "payload"), pb::Response::kPayloadFieldNumber);
  EXPECT_EQ(go_field_number(go, "KeyValue", "key"), pb::KeyValue::kKeyFieldNumber);
  EXPECT_EQ(go_field_number(go, "KeyValue", "value"), pb::KeyValue::kValueFieldNumber);
}

TEST(ttrpc_wire, StatusFieldNumbersMatchGoogleRpcStatus) {
  const std::string proto =
      read_or_skip("/usr/share/gocode/src/github.com/gogo/googleapis/google/rpc/status.proto");
  if (proto.empty())
    GTEST_SKIP() << "golang-github-gogo-googleapis-dev is not installed (status.proto missing)";
  EXPECT_NE(proto.find("int32 code = " + std::to_string(pb::Status::kCodeFieldNumber) + ";"),
            std::string::npos);
  EXPECT_NE(proto.find("string message = " + std::to_string(pb::Status::kMessageFieldNumber) + ";"),
            std::string::npos);
}

}  // namespace
}  // namespace runcpp::ttrpc
