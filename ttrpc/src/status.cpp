#include <runcpp/ttrpc/status.hpp>

namespace runcpp::ttrpc {

std::string to_string(code c) {
  switch (c) {
    case code::ok: return "OK";
    case code::cancelled: return "Canceled";
    case code::unknown: return "Unknown";
    case code::invalid_argument: return "InvalidArgument";
    case code::deadline_exceeded: return "DeadlineExceeded";
    case code::not_found: return "NotFound";
    case code::already_exists: return "AlreadyExists";
    case code::permission_denied: return "PermissionDenied";
    case code::resource_exhausted: return "ResourceExhausted";
    case code::failed_precondition: return "FailedPrecondition";
    case code::aborted: return "Aborted";
    case code::out_of_range: return "OutOfRange";
    case code::unimplemented: return "Unimplemented";
    case code::internal: return "Internal";
    case code::unavailable: return "Unavailable";
    case code::data_loss: return "DataLoss";
    case code::unauthenticated: return "Unauthenticated";
  }
  return "Code(" + std::to_string(static_cast<std::int32_t>(c)) + ")";
}

}  // namespace runcpp::ttrpc
