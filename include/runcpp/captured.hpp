/// @file
/// A process run to completion with its output captured (folly's
/// communicate()): client::exec_capture() and client::run_capture().
///
/// @code
///   runcpp::spec::process p{.args = std::vector<std::string>{"cat", "/etc/os-release"}, .cwd = "/"};
///   auto r = runc.exec_capture("web", p, {}, {.max_stdout = 1 << 20});
///   if (r && r->status.success()) std::cout << r->out;
/// @endcode
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <runcpp/exit_status.hpp>

namespace runcpp {

/// What a capturing call gives the process and how much of its output it keeps.
struct capture_options {
  /// Bytes of stdout kept; more is read and dropped (out_truncated), so the
  /// process never blocks on a full pipe.
  std::size_t max_stdout = std::size_t{16} << 20;  ///< 16 MiB
  /// Bytes of stderr kept; more is read and dropped (err_truncated).
  std::size_t max_stderr = std::size_t{16} << 20;  ///< 16 MiB
  /// The process's whole stdin (it reads EOF after it); nullopt = /dev/null.
  /// Held in a memfd, so it can be any size and is never a reason to block.
  std::optional<std::string> input{};
};

/// How a process ended and what it wrote. A value type.
struct captured {
  exit_status status = exit_status::exited(0);  ///< the process's exit (see client::exec)
  std::string out;                              ///< stdout, at most capture_options::max_stdout bytes
  std::string err;                              ///< stderr, at most capture_options::max_stderr bytes
  bool out_truncated = false;                   ///< stdout was longer than max_stdout
  bool err_truncated = false;                   ///< stderr was longer than max_stderr
};

}  // namespace runcpp
