/// @file
/// runcpp::client drives the runc binary (or a runc-compatible CLI such as crun).
/// It is the C++ counterpart of go-runc's Runc type.
///
/// @code
///   runcpp::client runc({.root = "/run/myrunc"});
///   if (auto r = runc.create("web", "/bundles/web"); !r) return fail(r.error());
///   if (auto r = runc.start("web"); !r) return fail(r.error());
///   auto st = runc.state("web");          // st->status == container_status::running
/// @endcode
///
/// Common to every method:
/// - Blocking: a call returns when runc has exited (never waiting for EOF on
///   runc's stdio: a container may hold it forever) or, with a call_context,
///   when it was cancelled or timed out, after runc was stopped and reaped.
/// - Thread-safety: a client is immutable after construction; all methods are
///   const and may be called from any number of threads at once.
/// - Container ids are checked before anything runs (runc's rules: characters
///   [A-Za-z0-9_+.-], not "." or "..", not starting with '-'); a bad id is
///   errc::invalid_argument (the message shows the id with bytes outside
///   printable ASCII as \\xNN, at most 64 of them).
/// - Errors: errc::spawn_failed (runc could not be started), errc::timeout,
///   errc::cancelled, and for a non-zero exit the code classified from runc's
///   message (not_found, already_exists, not_running, still_running, paused,
///   not_paused, invalid_argument) or errc::command_failed. error::message() is
///   runc's own words.
/// - fds: runc sees exactly fds 0, 1, 2 (plus preserved ones where an option
///   says so). Commands that return data capture stdout and stderr separately.
///   create/run hand runc's stdio to the container; their io option decides it
///   (default: /dev/null). Because runc's stderr is then not ours to read, when
///   config::log is empty those calls add a private per-call
///   `--log <file> --log-format json` (json unless config::log_format is text)
///   and read runc's error from it; with config::log set they read what runc
///   appended to that file during the call.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/call_context.hpp>
#include <runcpp/captured.hpp>
#include <runcpp/config.hpp>
#include <runcpp/container.hpp>
#include <runcpp/events.hpp>
#include <runcpp/features.hpp>
#include <runcpp/options.hpp>
#include <runcpp/ps.hpp>
#include <runcpp/result.hpp>
#include <runcpp/spec.hpp>
#include <runcpp/stats.hpp>
#include <runcpp/version.hpp>

namespace runcpp {

/// Checks a container id by runc's rules. Errors: errc::invalid_argument.
result<void> validate_container_id(std::string_view id);

/// Drives one runtime binary with one configuration; see the file description for
/// what every method has in common (blocking, errors, fds). Immutable after construction:
/// all methods are const and thread-safe. Copyable and cheap to copy (the monitor is shared).
class client {
 public:
  /// Takes the configuration as is; a null config::monitor becomes make_pidfd_monitor().
  /// Runs nothing and cannot fail: a wrong config::command shows as errc::spawn_failed on the first call.
  explicit client(config cfg = {});

  /// The configuration this client was made with (monitor filled in).
  const runcpp::config& configuration() const noexcept { return config_; }

  /// runc list --format=json. runc's `null` (no containers) is an empty vector.
  result<std::vector<container>> list(const call_context& ctx = {}) const;

  /// runc state `<id>`. Missing container: errc::not_found.
  result<container> state(std::string_view id, const call_context& ctx = {}) const;

  /// runc create --bundle `<bundle>` [opts] `<id>`. Returns as soon as runc exits
  /// (the container is then "created", its init waiting for start), even when
  /// the container holds the io's pipes. The bundle path is passed as given.
  /// opts.io's fds go to runc and the container. Before spawning, runc's
  /// terminal rules are checked against `<bundle>`/config.json: terminal: true
  /// needs a console socket, a console socket needs terminal: true
  /// (errc::invalid_argument).
  result<void> create(std::string_view id, const std::filesystem::path& bundle,
                      const create_options& opts = {}, const call_context& ctx = {}) const;

  /// runc exec --process `<file>` [opts] `<id>`: runs `process` in the container.
  /// Without detach it blocks until the process exits and returns how it ended
  /// (runc's exit status, see run(); go_status() is the int go-runc returns);
  /// with detach it returns exit_status::exited(0) once the process runs.
  /// The process's stdio is opts.io's: to read its output while it runs (so no
  /// pipe can fill and block it), use exec_capture().
  /// A failure of runc itself (exit 255 with an error in its log, e.g. a
  /// missing binary in the container) is an error carrying runc's message. The
  /// process JSON goes to a 0600 file in $XDG_RUNTIME_DIR (or $TMPDIR, /tmp)
  /// that is removed on every path. Terminal rules are checked before spawning:
  /// process.terminal with detach needs a console socket; a console socket
  /// needs detach and process.terminal (errc::invalid_argument).
  result<exit_status> exec(std::string_view id, const spec::process& process, const exec_options& opts = {},
                           const call_context& ctx = {}) const;

  /// exec() with the process's stdout and stderr captured (folly's
  /// communicate()): runc gets two library pipes, read together with runc's
  /// exit in the call's one poll loop while the process runs, so no output size
  /// can block it. Keeps at most capture.max_stdout / max_stderr bytes of each
  /// (the rest is read and dropped: out_truncated / err_truncated); stdin is
  /// capture.input (else /dev/null). Blocks until the process exits; honours
  /// ctx's deadline and stop token like every call (errc::timeout /
  /// errc::cancelled, see call_context). The status is a value as in exec();
  /// runc's own failure is an error. opts.io, opts.detach, process.terminal or a
  /// console socket: errc::invalid_argument (nothing runs). fds: the pipes are
  /// the library's and closed before it returns.
  result<captured> exec_capture(std::string_view id, const spec::process& process,
                                const exec_options& opts = {}, const capture_options& capture = {},
                                const call_context& ctx = {}) const;

  /// runc start `<id>`.
  result<void> start(std::string_view id, const call_context& ctx = {}) const;

  /// runc run --bundle `<bundle>` [opts] `<id>`. Without detach this blocks until the
  /// container exits and returns how it ended; a non-zero container status is a
  /// value, not an error. runc itself exits with 128+N for a container killed by
  /// signal N, so that arrives as exit_status::exited(128+N) (the same for exec
  /// and restore); go_status() is runc's number either way.
  /// With detach it returns exit_status::exited(0) once the container runs. A
  /// failure of runc itself before the container ran (e.g. a bad bundle) is an
  /// error. A console socket needs detach (errc::invalid_argument).
  result<exit_status> run(std::string_view id, const std::filesystem::path& bundle,
                          const run_options& opts = {}, const call_context& ctx = {}) const;

  /// run() in the foreground with the container's stdout and stderr captured,
  /// as exec_capture() does for exec: both read in one poll loop while the
  /// container runs, each kept up to its limit, stdin capture.input. opts.io,
  /// opts.detach, a console socket or process.terminal in the bundle:
  /// errc::invalid_argument (nothing runs).
  result<captured> run_capture(std::string_view id, const std::filesystem::path& bundle,
                               const run_options& opts = {}, const capture_options& capture = {},
                               const call_context& ctx = {}) const;

  /// runc delete [--force] `<id>`. A running container without force:
  /// errc::still_running.
  result<void> remove(std::string_view id, const delete_options& opts = {},
                      const call_context& ctx = {}) const;

  /// runc kill [--all] `<id>` `<signal>`; signal is a number (see parse_signal()).
  /// Signal 0 sends nothing and only checks that the container's init is
  /// alive (kill(2)'s liveness probe; runc and crun accept it). A signal outside
  /// 0..64 is errc::invalid_argument before runc runs.
  /// A stopped container: errc::not_running.
  result<void> kill(std::string_view id, int signal, const kill_options& opts = {},
                    const call_context& ctx = {}) const;

  /// runc pause `<id>`. A container that is not running: errc::not_running.
  result<void> pause(std::string_view id, const call_context& ctx = {}) const;
  /// runc resume `<id>`. A container that is not paused: errc::not_paused.
  result<void> resume(std::string_view id, const call_context& ctx = {}) const;

  /// runc ps --format json `<id>`: host pids of the container's processes.
  result<std::vector<int>> ps(std::string_view id, const call_context& ctx = {}) const;

  /// runc ps --format table `<id>` [ps_args...]: each ps argument is its own argv
  /// element (e.g. {"-o", "pid,comm"}); none by default (runc then uses -ef).
  result<top_results> top(std::string_view id, std::span<const std::string> ps_args = {},
                          const call_context& ctx = {}) const;

  /// runc events --stats `<id>`: one sample of the container's resource usage.
  /// Parses stdout only; a failure is runc's real error (a missing container
  /// is errc::not_found; go-runc returns a bare EOF). A runtime without
  /// `events` (crun): errc::unsupported.
  result<runcpp::stats> stats(std::string_view id, const call_context& ctx = {}) const;

  /// runc events --interval=`<interval>` `<id>`, as a pull-based event_stream that
  /// owns the runc process (see events.hpp). Returns once runc started; errors
  /// of runc itself (not_found, unsupported) arrive as the stream's last item.
  /// interval <= 0: errc::invalid_argument.
  result<event_stream> events(std::string_view id, std::chrono::milliseconds interval,
                              const call_context& ctx = {}) const;

  /// runc update --resources=- [opts] `<id>`, writing `resources` as JSON to
  /// runc's stdin (only the fields that are set).
  result<void> update(std::string_view id, const spec::linux_resources& resources,
                      const update_options& opts = {}, const call_context& ctx = {}) const;

  /// runc checkpoint [opts] `<id>` (criu must work on this kernel).
  result<void> checkpoint(std::string_view id, const checkpoint_options& opts = {},
                          const call_context& ctx = {}) const;

  /// runc restore [opts] --bundle `<bundle>` `<id>`. Returns like run(): the
  /// container's exit_status when not detached, exit_status::exited(0) when detached.
  result<exit_status> restore(std::string_view id, const std::filesystem::path& bundle,
                              const restore_options& opts = {}, const call_context& ctx = {}) const;

  /// runc --version, parsed (runc and crun formats). Output that is not a
  /// version banner: errc::parse_error.
  result<runcpp::version> version(const call_context& ctx = {}) const;

  /// runc features (runc >= 1.1, crun >= 1.8). A runtime without the command:
  /// errc::unsupported.
  result<runcpp::features> features(const call_context& ctx = {}) const;

  /// runc spec --bundle `<bundle>` [--rootless]: writes `<bundle>`/config.json.
  /// An existing config.json: errc::already_exists.
  result<void> spec(const std::filesystem::path& bundle, const spec_options& opts = {},
                    const call_context& ctx = {}) const;

 private:
  runcpp::config config_;
};

}  // namespace runcpp
