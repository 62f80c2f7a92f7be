/// @file
/// Per-call controls (go-runc: context.Context): cancellation, deadline, extra
/// environment, a started callback, and what to do to runc when the call is
/// cancelled or times out.
///
/// @code
///   std::stop_source stop;
///   runcpp::call_context ctx{.stop = stop.get_token(),
///                            .deadline = std::chrono::steady_clock::now() + 5s};
///   auto st = client.state("web", ctx);
/// @endcode
#pragma once

#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace runcpp {

/// What a cancelled or timed-out call does to the runc process it started:
/// send `signal` (to runc's process group when config::setpgid, else to runc),
/// wait up to `grace` for it to exit, then SIGKILL. The call always reaps runc
/// before returning. go-runc SIGKILLs at once (its issue #21); a grace period lets
/// runc clean up (e.g. not orphan `runc init`).
struct stop_policy {
  int signal = SIGTERM;  ///< sent first; SIGKILL if runc is still there after `grace`
  std::chrono::milliseconds grace{
      2000};  ///< how long to wait for runc to exit after `signal`; 0 = SIGKILL at once
};

/// Per-call controls, the last argument of every client method (go-runc: context.Context).
/// A default-constructed context means: no cancellation, no deadline, nothing added.
/// The context is only read during the call; it may be shared by calls on several threads.
///
/// A stop or deadline reports what runc did, not what was asked of it: runc
/// may finish its work after on_stop.signal arrived (runc catches SIGTERM
/// during create and completes it). So, for every command:
/// - runc exited 0: the call succeeds with runc's result (the container was
///   created, the process ran), however late the stop came;
/// - runc was killed, or exited non-zero after the stop began:
///   errc::timeout / errc::cancelled; error::exit() says how runc ended.
/// A stop that comes before runc is spawned spawns nothing (timeout/cancelled).
struct call_context {
  /// A stop request ends the call with errc::cancelled after applying on_stop.
  /// A token already stopped before the call means nothing is spawned.
  std::stop_token stop{};
  /// Past this point the call ends with errc::timeout after applying on_stop.
  std::optional<std::chrono::steady_clock::time_point> deadline{};
  /// KEY=VALUE entries added to runc's environment after config::extra_env; the
  /// last value of a key wins (go-runc: WithExtraEnv).
  std::vector<std::string> extra_env{};
  /// Called once with runc's pid right after it started, on the calling thread,
  /// before the call waits for it (go-runc: the Started channel). Must not throw.
  std::function<void(int pid)> on_started{};
  /// What cancellation and the deadline do to runc (default: SIGTERM, 2 s, SIGKILL).
  stop_policy on_stop{};
};

}  // namespace runcpp
