// Internal: the environment runc gets, and finding the runc binary.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/result.hpp>

namespace runcpp::detail {

// `base` (normally environ) minus NOTIFY_SOCKET (it changes runc's behaviour and
// belongs only to systemd-invoked runc), then `extra_a`, then `extra_b`. A key
// that occurs more than once keeps only its last value, at the position of its
// last occurrence (Go's os/exec de-duplication, which go-runc relies on).
// Entries without '=' are dropped.
std::vector<std::string> build_environment(std::span<const std::string> base,
                                           std::span<const std::string> extra_a,
                                           std::span<const std::string> extra_b);

// The calling process's environment, copied (reads environ once).
std::vector<std::string> current_environment();

// `command` with a '/' is used as is; otherwise it is searched in PATH taken
// from `env` (default "/usr/local/bin:/usr/bin:/bin" like execvp's fallback).
// Errors: errc::spawn_failed naming the command and errno (ENOENT, EACCES).
result<std::string> find_executable(const std::string& command, std::span<const std::string> env);

}  // namespace runcpp::detail
