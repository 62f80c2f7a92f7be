/// @file
/// ttrpc status: the gRPC status code and message that a ttrpc Response
/// carries (google.rpc.Status without details). A success is sent as a
/// Response without any status at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace runcpp::ttrpc {

/// gRPC status codes; the values are the wire values (google.rpc.Code).
enum class code : std::int32_t {
  ok = 0,
  cancelled = 1,
  unknown = 2,
  invalid_argument = 3,
  deadline_exceeded = 4,
  not_found = 5,
  already_exists = 6,
  permission_denied = 7,
  resource_exhausted = 8,
  failed_precondition = 9,
  aborted = 10,
  out_of_range = 11,
  unimplemented = 12,
  internal = 13,
  unavailable = 14,
  data_loss = 15,
  unauthenticated = 16
};

/// The name of a code as gRPC spells it ("DeadlineExceeded"); "Code(n)" for a value
/// outside the enumeration. Never throws except std::bad_alloc.
std::string to_string(code c);

/// google.rpc.Status without details. A plain value type.
struct status {
  code c = code::ok;
  std::string message;
  bool ok() const noexcept { return c == code::ok; }
};

}  // namespace runcpp::ttrpc
