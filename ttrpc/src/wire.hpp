// wire: the ttrpc Request and Response messages (ttrpc.proto, protobuf lite)
// to and from complete frames. The generated protobuf classes stay inside
// wire.cpp; the rest of the library sees these plain structs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/ttrpc/frame.hpp>
#include <runcpp/ttrpc/status.hpp>

namespace runcpp::ttrpc::wire {

struct request {
  std::string service, method, payload;
  std::int64_t timeout_nano = 0;
  std::vector<metadata_entry> metadata;
};

struct response {
  std::optional<status> st;  // absent = success
  std::string payload;
};

// nullopt when `body` is not a valid protobuf encoding of the message.
std::optional<request> parse_request(std::string_view body);
std::optional<response> parse_response(std::string_view body);

// Header and body as one string: type request, flags 0.
std::string request_frame(std::uint32_t stream_id, request r);
// A response frame: without status when `st` is null (success), else with `st`.
std::string response_frame(std::uint32_t stream_id, const status* st, std::string payload);

}  // namespace runcpp::ttrpc::wire
