/// @file
/// How runcpp starts runc and learns that it exited (go-runc: ProcessMonitor).
/// A monitor is per client (config::monitor), never global. The default monitor
/// uses posix_spawn and pidfds: it installs no signal handler and never calls
/// waitpid(-1), so it coexists with other code in the process that spawns and
/// waits for its own children by pid. Code that reaps every child (a
/// runcpp::reaper, a waitpid(-1) loop, SIGCHLD set to SIG_IGN or SA_NOCLDWAIT)
/// takes exits from any monitor: see make_pidfd_monitor() and reaper.hpp.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <runcpp/call_context.hpp>
#include <runcpp/exit_status.hpp>
#include <runcpp/result.hpp>

namespace runcpp {

/// A fully prepared command. Everything is computed before any fork, so the
/// child runs only async-signal-safe code.
struct spawn_request {
  std::string executable{};         ///< resolved path to execve
  std::vector<std::string> argv{};  ///< argv[0] as the caller named it
  std::vector<std::string> env{};   ///< complete environment, KEY=VALUE
  /// fds[i] becomes fd i in the child (borrowed; -1 = /dev/null for 0..2).
  /// Every other fd is closed in the child.
  std::vector<int> fds{};
  std::filesystem::path work_dir{};  ///< empty = inherit
  bool setpgid = false;              ///< child gets its own process group
  int pdeath_signal = 0;             ///< PR_SET_PDEATHSIG; 0 = none
};

/// A started child. Not thread-safe: one thread drives it.
class child_process {
 public:
  virtual ~child_process() = default;
  virtual int pid() const noexcept = 0;  ///< the child's pid
  /// An fd that polls readable (POLLIN) once the child has exited. Borrowed.
  virtual int exit_fd() const noexcept = 0;
  /// Non-blocking: the exit status once the child exited (and is reaped), else
  /// nullopt. After it returned a status it keeps returning the same one.
  virtual result<std::optional<exit_status>> try_wait() = 0;
  /// Sends `sig` to the child (or, with to_group, to its process group). A
  /// child that already exited is not an error.
  virtual result<void> signal(int sig, bool to_group) = 0;
};

/// Starts and waits for the runtime processes of a client (go-runc: ProcessMonitor);
/// set one per client in config::monitor, none is global.
/// Errors of start(): errc::spawn_failed with the errno as cause().
/// Thread-safety: start() may be called from many threads at once.
class process_monitor {
 public:
  virtual ~process_monitor() = default;
  /// Spawns `req` and returns the running child. The child gets exactly req.fds, a default
  /// signal disposition and an empty signal mask; every fd the monitor opens is close-on-exec.
  virtual result<std::unique_ptr<child_process>> start(const spawn_request& req) = 0;
};

/// The default monitor: posix_spawn (a fork path only for pdeath_signal) plus
/// pidfd_open/waitid(P_PIDFD); signal() uses pidfd_send_signal (a process group:
/// PIDFD_SIGNAL_PROCESS_GROUP, or before Linux 6.9 kill(-pid) while the leader is
/// not reaped). Stateless; each call returns a new instance.
///
/// In a program that runs a runcpp::reaper, the reaper would collect the child's
/// exit before waitid(P_PIDFD) could (ECHILD): while a reaper is alive, start()
/// starts the child through the newest one (reaper::start()), so such a client
/// works without naming the reaper. Create the reaper before calls are in flight:
/// a call whose child was started before the reaper existed can still lose its
/// exit to it (errc::io_error).
///
/// Errors of start(): errc::spawn_failed, also, with nothing started, when the
/// process ignores SIGCHLD (SIG_IGN or SA_NOCLDWAIT), as then the kernel reaps
/// runc and its status is lost; the message names the fix (SIG_DFL). If the
/// disposition changes after a start, try_wait() fails with errc::io_error (the
/// pidfd still polls readable, so no wait hangs), and no signal is sent by pid.
std::shared_ptr<process_monitor> make_pidfd_monitor();

/// Blocks until `child` has exited and returns its exit status (go-runc:
/// ProcessMonitor.Wait), sleeping in poll() on child.exit_fd(). If exit_fd()
/// stays readable while try_wait() reports the child running (a reaper that
/// stopped and could not open a pidfd for it), it re-checks every 10 ms instead
/// of spinning. Only ctx.stop and ctx.deadline are used, and neither signals
/// the child: after a timeout or a cancellation it is still running, and
/// waiting again is fine. An exit that try_wait() already reports wins over both.
/// Errors: errc::timeout (deadline passed), errc::cancelled (stop requested),
/// errc::io_error (poll or eventfd failed), or what child.try_wait() returned.
/// Thread-safety: as child_process, one thread drives the child; ctx.stop may
/// be requested from any thread.
result<exit_status> wait_for_exit(child_process& child, const call_context& ctx = {});

}  // namespace runcpp
