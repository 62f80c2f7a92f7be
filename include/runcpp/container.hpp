/// @file
/// The state of one container, as printed by `runc state <id>` and by each
/// element of `runc list --format=json` (go-runc: Container).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/result.hpp>

namespace runcpp {

/// A container's state as runc reports it; unknown is anything else.
enum class container_status { unknown, creating, created, running, paused, stopped };

/// "created" -> created; anything unrecognised -> unknown.
container_status parse_container_status(std::string_view s) noexcept;
/// "created", "running", ...; "unknown" for unknown.
std::string_view to_string(container_status s) noexcept;

/// One container as `runc state` and `runc list` print it (go-runc: Container).
struct container {
  std::string id{};                                     ///< the container id
  int pid = 0;                                          ///< 0 when stopped
  container_status status = container_status::unknown;  ///< parsed from status_text
  std::string status_text{};                            ///< verbatim, e.g. "running"
  std::string bundle{};                                 ///< the bundle directory, as runc recorded it
  std::string rootfs{};                                 ///< the root filesystem path
  std::chrono::system_clock::time_point created{};      ///< nanosecond precision
  std::string created_text{};                           ///< verbatim RFC 3339
  std::map<std::string, std::string> annotations{};     ///< runc omits it when empty
  std::optional<std::string> oci_version{};             ///< "ociVersion"
  std::optional<std::string> owner{};                   ///< "" in state, user in list
};

/// Parses `runc state` output (one JSON object). Unknown keys are ignored.
/// Only "id" is required; other absent keys (crun's list has no rootfs) keep
/// their defaults, and a JSON null counts as absent, as in Go. "pid" must be an
/// integer in 0..INT_MAX, "created" a valid RFC 3339 timestamp.
/// Errors: errc::parse_error naming the problem, also for JSON nested more than
/// 128 levels deep. Never throws or crashes.
result<container> parse_state_json(std::string_view json);
/// Parses `runc list --format=json` output; `null` gives an empty vector.
/// An error in one element fails the whole list ("list JSON element 2: ...").
result<std::vector<container>> parse_list_json(std::string_view json);
/// Parses an RFC 3339 timestamp with optional fraction (up to ns) and Z/±hh:mm.
/// Strict: four-digit year, two-digit fields, real calendar dates, 'T'/'t' and
/// 'Z'/'z' only, 1..9 fraction digits. Leap seconds (:60) are rejected, as are
/// instants system_clock cannot hold (with libstdc++: before 1677-09-21T00:12:45Z
/// or after 2262-04-11T23:47:15.999999999Z). Errors: errc::parse_error.
result<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s);

}  // namespace runcpp
