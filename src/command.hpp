// Internal: the one mechanism every subcommand uses to build its argv and run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/call_context.hpp>
#include <runcpp/config.hpp>
#include <runcpp/io.hpp>
#include <runcpp/result.hpp>

#include "runner.hpp"

namespace runcpp::detail {

// Builds an argv in order. Each method appends only when it has something to
// say, so a command's builder reads like its flag table.
class argv_builder {
 public:
  explicit argv_builder(std::string_view first = {});
  argv_builder& add(std::string_view arg);
  argv_builder& flag(std::string_view name, bool on);                  // name
  argv_builder& option(std::string_view name, std::string_view value); // name value (if value non-empty)
  argv_builder& joined(std::string_view name_eq, std::string_view value); // name=value (if value non-empty)
  argv_builder& absolute(std::string_view name, const std::filesystem::path& p); // name abs(p) (if non-empty)
  argv_builder& append(const std::vector<std::string>& args);
  std::vector<std::string> take() && { return std::move(args_); }

 private:
  std::vector<std::string> args_;
};

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

// Runs a command whose stdio belongs to `io` (create, run): runc's error comes
// from its log (config::log, or a private per-call log file added here).
// A non-zero exit is a classified error, except that with `status_is_value`
// (foreground run: runc exits with the container's status) a non-zero exit
// without an error record in the log is returned as a value.
result<exit_status> run_with_io(const config& cfg, const call_context& ctx, std::vector<std::string> sub,
                                runcpp::io* io, std::vector<int> extra_fds, bool status_is_value);

// The error for a runtime that exited non-zero or was killed.
error command_error(const outcome& out, std::string_view log_text = {});

}  // namespace runcpp::detail
