/// @file
/// The error model. Every fallible call returns result<T> (runcpp/result.hpp)
/// whose error side is runcpp::error: a code you can branch on, one clean line of
/// text, and everything needed to debug a failed runc call (argv, exit status,
/// runc's stderr and its own error message).
///
/// @code
///   auto r = client.remove("web");
///   if (!r && r.error().code() == runcpp::errc::still_running) { ... }
/// @endcode
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <runcpp/exit_status.hpp>

namespace runcpp {

/// What went wrong: the code of every runcpp::error. runc's messages are classified
/// into these from its real output (stderr and --log, text or JSON). Usable as a
/// std::error_code (category runcpp_category()).
enum class errc {
  /// The runtime binary could not be started (missing, not executable, fork failed).
  spawn_failed = 1,
  /// The runtime ran and exited non-zero (or was killed) for a reason not
  /// classified below; see error::exit() and error::runtime_message().
  command_failed,
  /// "container does not exist".
  not_found,
  /// "container with given ID already exists".
  already_exists,
  /// The operation needs a running container and it is not ("container not running").
  not_running,
  /// The operation needs a stopped container and it is running
  /// ("cannot delete container X that is not stopped", "container still running").
  still_running,
  /// The container is paused ("container paused").
  paused,
  /// The operation needs a paused container and it is not ("container not paused").
  not_paused,
  /// A bad argument was detected before anything ran (e.g. an invalid container id).
  invalid_argument,
  /// call_context::deadline passed; the runtime was stopped and reaped.
  timeout,
  /// call_context::stop was requested; the runtime was stopped and reaped.
  cancelled,
  /// The runtime's output could not be parsed (or exceeded the output limit). JSON
  /// with arrays/objects nested more than 128 levels deep is refused as such.
  parse_error,
  /// A peer broke a protocol (e.g. a console socket message without exactly one fd).
  protocol_error,
  /// The runtime does not support the requested command or flag.
  unsupported,
  /// A system call on a pipe, file or socket failed; see error::cause().
  io_error,
};

/// The category of errc; name "runcpp".
const std::error_category& runcpp_category() noexcept;
/// Makes errc usable as std::error_code (found by ADL).
std::error_code make_error_code(errc e) noexcept;
/// "not_found", "timeout", ...
const char* to_string(errc e) noexcept;

/// The error side of every result: a code, one line of text, and what ran (argv,
/// exit status, runc's stderr and log message). A plain value; copies are independent.
class error {
 public:
  /// An error with `code` and a one-line `message`; the details below start empty.
  error(errc code, std::string message);

  /// What went wrong, as an enum. Converts to std::error_code implicitly via
  /// make_error_code: `std::error_code ec = e.code();`.
  errc code() const noexcept { return code_; }
  /// One line without a trailing newline: runc's own words when runc said why
  /// (e.g. "container does not exist"), otherwise the library's description.
  const std::string& message() const noexcept { return message_; }
  /// The argv that ran (argv[0] is config::command as given); empty if nothing ran.
  const std::vector<std::string>& argv() const noexcept { return argv_; }
  /// How the runtime ended, when it ran to completion.
  const std::optional<exit_status>& exit() const noexcept { return exit_; }
  /// runc's stderr (capped at config::max_stderr bytes), verbatim.
  const std::string& stderr_text() const noexcept { return stderr_; }
  /// The msg of runc's last error-level log record (text or JSON format, from
  /// stderr or from the --log file); empty if runc printed none.
  const std::string& runtime_message() const noexcept { return runtime_message_; }
  /// The errno-level cause when a system call failed (spawn_failed, io_error).
  std::error_code cause() const noexcept { return cause_; }

  /// "runc state: container does not exist [not_found, exit status 1]".
  std::string to_string() const;

  /// @{
  /// Builders used by runcpp (and by custom process_monitor implementations): set one
  /// detail and return the error, by reference on an lvalue, by rvalue on a temporary.
  error& with_argv(std::vector<std::string> argv) &;
  error& with_exit(exit_status s) &;
  error& with_stderr(std::string text) &;
  error& with_runtime_message(std::string msg) &;
  error& with_cause(std::error_code ec) &;
  error&& with_argv(std::vector<std::string> argv) && { return std::move(with_argv(std::move(argv))); }
  error&& with_exit(exit_status s) && { return std::move(with_exit(s)); }
  error&& with_stderr(std::string text) && { return std::move(with_stderr(std::move(text))); }
  error&& with_runtime_message(std::string msg) && { return std::move(with_runtime_message(std::move(msg))); }
  error&& with_cause(std::error_code ec) && { return std::move(with_cause(ec)); }
  /// @}

 private:
  errc code_;
  std::string message_;
  std::vector<std::string> argv_;
  std::optional<exit_status> exit_;
  std::string stderr_;
  std::string runtime_message_;
  std::error_code cause_;
};

/// Writes e.to_string().
std::ostream& operator<<(std::ostream& os, const error& e);

}  // namespace runcpp

template <>
struct std::is_error_code_enum<runcpp::errc> : std::true_type {};
