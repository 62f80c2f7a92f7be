#include "wire.hpp"

#include <limits>
#include <stdexcept>

#include "ttrpc.pb.h"

namespace runcpp::ttrpc::wire {
namespace {

// Serializes `m` after a 10-byte header, in one allocation.
std::string framed(std::uint32_t stream_id, message_type type, const google::protobuf::MessageLite& m) {
  const std::size_t size = m.ByteSizeLong();
  if (size > std::numeric_limits<std::uint32_t>::max() || size > std::numeric_limits<int>::max()) {
    throw std::length_error("ttrpc message too large");
  }
  std::string out(frame_header_size + size, '\0');
  encode_header({static_cast<std::uint32_t>(size), stream_id, static_cast<std::uint8_t>(type), 0},
                out.data());
  m.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(out.data() + frame_header_size));
  return out;
}

template <typename Message>
bool parse(Message& m, std::string_view body) {
  return body.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max()) &&
         m.ParseFromArray(body.data(), static_cast<int>(body.size()));
}

}  // namespace

std::optional<request> parse_request(std::string_view body) {
  pb::Request m;
  if (!parse(m, body)) return std::nullopt;
  request r;
  r.service = std::move(*m.mutable_service());
  r.method = std::move(*m.mutable_method());
  r.payload = std::move(*m.mutable_payload());
  r.timeout_nano = m.timeout_nano();
  r.metadata.reserve(static_cast<std::size_t>(m.metadata_size()));
  for (auto& kv : *m.mutable_metadata()) {
    r.metadata.push_back({std::move(*kv.mutable_key()), std::move(*kv.mutable_value())});
  }
  return r;
}

std::optional<response> parse_response(std::string_view body) {
  pb::Response m;
  if (!parse(m, body)) return std::nullopt;
  response r;
  if (m.has_status()) r.st = status{static_cast<code>(m.status().code()), m.status().message()};
  r.payload = std::move(*m.mutable_payload());
  return r;
}

std::string request_frame(std::uint32_t stream_id, request r) {
  pb::Request m;
  m.set_service(std::move(r.service));
  m.set_method(std::move(r.method));
  m.set_payload(std::move(r.payload));
  m.set_timeout_nano(r.timeout_nano);
  for (auto& e : r.metadata) {
    auto* kv = m.add_metadata();
    kv->set_key(std::move(e.key));
    kv->set_value(std::move(e.value));
  }
  return framed(stream_id, message_type::request, m);
}

std::string response_frame(std::uint32_t stream_id, const status* st, std::string payload) {
  pb::Response m;
  if (st) {
    m.mutable_status()->set_code(static_cast<std::int32_t>(st->c));
    m.mutable_status()->set_message(st->message);
  }
  m.set_payload(std::move(payload));
  return framed(stream_id, message_type::response, m);
}

}  // namespace runcpp::ttrpc::wire
