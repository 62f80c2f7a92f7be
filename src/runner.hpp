// Internal: runs one runtime process to completion under the rules of
// architecture.md §5 (fds 0-2 plus preserved only, one poll loop for stdout,
// stderr, stdin and exit, finish on exit not EOF, stop policy on cancel/timeout).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <runcpp/call_context.hpp>
#include <runcpp/config.hpp>
#include <runcpp/io.hpp>
#include <runcpp/result.hpp>

namespace runcpp::detail {

struct invocation {
  // Everything after argv[0] (argv[0] is config::command).
  std::vector<std::string> args;
  // capture: stdout and stderr go to library pipes and are returned.
  // Otherwise runc gets `io`'s fds (null io when `io` is null).
  bool capture = true;
  runcpp::io* io = nullptr;
  // runc's stdin: a memfd holding these bytes (crun opens /dev/stdin by name,
  // which a pipe or socket end would not survive); with capture and no
  // stdin_data, stdin is /dev/null.
  std::optional<std::string> stdin_data;
  // Borrowed fds placed at 3, 4, ... in runc.
  std::vector<int> extra_fds;
  // With capture: how many bytes of each stream to keep (the rest is read and
  // dropped); nullopt = config::max_stdout / config::max_stderr.
  std::optional<std::size_t> max_out, max_err;
};

struct outcome {
  std::vector<std::string> argv;
  int pid = 0;
  exit_status status = exit_status::exited(0);
  std::string out, err;
  bool out_truncated = false, err_truncated = false;
};

// Checks the context (already stopped or past the deadline: cancelled /
// timeout), checks config::work_dir is a directory, builds the environment and
// finds the executable. argv[0] is config::command. Errors: cancelled,
// timeout, spawn_failed (a missing work_dir is named as such).
result<spawn_request> prepare_spawn(const config& cfg, const call_context& ctx,
                                    const std::vector<std::string>& argv);

// Blocks until the process exited and was reaped. A non-zero exit is *not* an
// error here (callers classify it). Errors: spawn_failed, io_error, and
// timeout/cancelled (after the stop policy ran and the process was reaped; the
// error carries argv, exit status and whatever stderr was read). A process
// that exits 0 after a stop began did its work: that is a success, not a
// timeout/cancel.
result<outcome> run_process(const config& cfg, const call_context& ctx, invocation inv);

}  // namespace runcpp::detail
