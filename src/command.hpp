// Internal: the one mechanism every subcommand uses to build its argv and run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/call_context.hpp>
#include <runcpp/captured.hpp>
#include <runcpp/config.hpp>
#include <runcpp/io.hpp>
#include <runcpp/result.hpp>
#include <runcpp/socket.hpp>

#include "runner.hpp"

namespace runcpp::detail {

// Builds an argv in order. Each method appends only when it has something to
// say, so a command's builder reads like its flag table.
class argv_builder {
 public:
  explicit argv_builder(std::string_view first = {});
  argv_builder& add(std::string_view arg);
  argv_builder& flag(std::string_view name, bool on);                      // name
  argv_builder& option(std::string_view name, std::string_view value);     // name value (if value non-empty)
  argv_builder& joined(std::string_view name_eq, std::string_view value);  // name=value (if value non-empty)
  argv_builder& absolute(std::string_view name,
                         const std::filesystem::path& p);           // name abs(p) (if non-empty)
  argv_builder& count(std::string_view name, std::size_t n);        // name n (if n > 0)
  argv_builder& socket(std::string_view name, const fd_socket* s);  // name path (if s)
  argv_builder& repeated(std::string_view name, const std::vector<std::string>& values);  // name v, per v
  argv_builder& append(const std::vector<std::string>& args);
  std::vector<std::string> take() && { return std::move(args_); }

 private:
  std::vector<std::string> args_;
};

// runc's terminal rules (utils_linux.go checkTerminal), checked before
// spawning so the caller gets a clear errc::invalid_argument instead of a
// hung or failed runc. `detached` is create, or run/exec with --detach.
result<void> check_terminal(bool terminal, bool detached, bool console_socket);

// process.terminal from <bundle>/config.json (a relative bundle is taken
// relative to `work_dir` when set); nullopt when it cannot be read.
std::optional<bool> bundle_terminal(const std::filesystem::path& bundle,
                                    const std::filesystem::path& work_dir);

// go-runc's global flags, in its order. `log` overrides config::log when
// non-empty; `format` overrides config::log_format when not none.
std::vector<std::string> global_args(const config& cfg, const std::filesystem::path& log = {},
                                     log_format format = log_format::none);

// Runs `global_args + sub` capturing stdout and stderr separately. A non-zero
// exit becomes a classified error. Returns stdout (errc::parse_error when it
// exceeded config::max_stdout).
result<std::string> run_capture(const config& cfg, const call_context& ctx, std::vector<std::string> sub,
                                std::optional<std::string> stdin_data = std::nullopt);

// As run_capture, for commands whose output is ignored.
result<void> run_simple(const config& cfg, const call_context& ctx, std::vector<std::string> sub);

// How a container-spawning command (create, run, exec, restore) runs.
struct io_call {
  runcpp::io* io = nullptr;           // null = /dev/null
  std::vector<int> extra_fds{};       // borrowed, become fds 3.. in runc
  std::vector<fd_socket*> sockets{};  // told runtime_exited() once runc is gone
  std::filesystem::path log{};        // this call's --log (exec), replacing config::log
  // Foreground run/exec/restore: runc exits with the container's status, so a
  // non-zero exit without an error record in runc's log is a value.
  bool status_is_value = false;
  // Instead of io: runc's (the process's) stdout and stderr go to library
  // pipes drained in the call's poll loop, capped as said; stdin is
  // capture->input. Borrowed for the call.
  const capture_options* capture = nullptr;
};

// Runs a command whose stdio belongs to `call.io` (or is captured): runc's
// error comes from its log (config::log or call.log, reading what runc
// appended during the call; or a private per-call log file added here when
// neither is set). The outcome's out/err are filled only with call.capture.
result<outcome> run_with_io(const config& cfg, const call_context& ctx, std::vector<std::string> sub,
                            io_call call);

// The exit status of an outcome, or its error.
result<exit_status> status_of(result<outcome> out);
// The captured part of an outcome (status and both outputs), or its error.
result<captured> captured_of(result<outcome> out);

// `e` with another code and message; argv, exit, stderr and runc's message kept.
error reworded(const error& e, errc code, std::string message);

// An unsupported-flag failure of a call that asked for --pidfd-socket says so
// plainly (runc < 1.2 and crun lack the flag); other errors pass through.
error explain_unsupported(error e, bool pidfd_socket_requested);

// The refusals of exec_capture/run_capture (`what`): they capture stdout and
// stderr themselves and wait for the process, so no io, no detach and no
// terminal (errc::invalid_argument).
result<void> check_capture(std::string_view what, const runcpp::io* io, bool detach, bool terminal);

// The error for a runtime that exited non-zero or was killed.
error command_error(const outcome& out, std::string_view log_text = {});

}  // namespace runcpp::detail
