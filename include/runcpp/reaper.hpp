/// @file
/// A process_monitor for programs that are a subreaper and must reap every
/// child, like containerd's shim (go-runc: setting runc.Monitor to containerd's
/// reaper). One reaper thread waits with waitid(P_ALL) and is the only place in
/// the process that reaps; each exit (pid, status, time) is delivered to every
/// subscription that selects it. Subscribing happens before spawning, so no
/// exit is lost, and runc calls made through a client whose config::monitor is
/// this reaper never race it (no ECHILD).
///
/// @code
///   auto r = runcpp::reaper::create({.become_subreaper = true}).value();
///   runcpp::client runc({.monitor = r});
///   // Before the container starts; only exits of processes that are not
///   // runcpp's own runc calls (container inits and execs, reparented to us).
///   auto sub = r->subscribe({.filter = runcpp::exit_filter::foreign}).value();
///   runc.run("web", bundle, {.pid_file = pidf, .detach = true});
///   int pid = runcpp::read_pid_file(pidf).value();
///   auto status = sub->wait(pid);              // found even if it exited before
/// @endcode
///
/// A shim: one foreign subscription, made before its first create. Its
/// pollable() goes into the shim's epoll loop, which drains it with try_next()
/// and looks each pid up among the processes it knows; an exit of a pid it does
/// not know yet (runc's pid file not read) is kept by the shim until it reads
/// the pid file. Alternatively wait(pid) on that subscription from the thread
/// that read the pid file finds the exit whether it came before or after, as
/// long as no other consumer of the same subscription took it first: one
/// consumer per subscription, or wait(pid) only.
///
/// Do not use it together with other code that calls wait()/waitpid(-1) in the
/// same process: two reapers race. Code that waits for one pid of its own
/// (waitpid(pid)) while a reaper runs may get ECHILD: start its children
/// through reaper::start() instead. Clients with the default monitor
/// (make_pidfd_monitor()) are not affected: their children are invisible to
/// the reaper thread. The process must not ignore SIGCHLD (SIG_IGN or
/// SA_NOCLDWAIT): the kernel would reap the children itself; start() refuses
/// then.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include <runcpp/call_context.hpp>
#include <runcpp/exit_status.hpp>
#include <runcpp/process_monitor.hpp>
#include <runcpp/result.hpp>

namespace runcpp {

/// One exit collected by the reaper thread.
struct exit_event {
  int pid = 0;                                        ///< the pid that exited
  exit_status status = exit_status::exited(0);        ///< how it ended
  std::chrono::system_clock::time_point when{};       ///< wall clock, for logs
  std::chrono::steady_clock::time_point reaped_at{};  ///< for latency measurements
};

/// Options of reaper::create().
struct reaper_options {
  /// prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants (e.g. a container's
  /// init after `runc run --detach` exits) become this process's children and
  /// their exits are reported too. This is an attribute of the whole process,
  /// set by create(); it stays set after the reaper is destroyed.
  bool become_subreaper = false;
};

/// Which exits a subscription receives.
enum class exit_filter {
  all,      ///< every exit the reaper thread collects
  foreign,  ///< only exits of processes that reaper::start() did not start (runcpp's runc
            ///< calls are left out): orphans reparented to a subreaper (container inits,
            ///< execs), and children that other code in the process started
};

/// Options of reaper::subscribe().
struct subscribe_options {
  exit_filter filter = exit_filter::all;  ///< which exits to queue (see exit_filter)
  /// The most exits queued at once. When the queue is full, a further exit is
  /// dropped and counted (subscription::dropped(), reaper::statistics::dropped),
  /// never lost silently. Must be at least 1.
  std::size_t capacity = 4096;
};

/// Thread-safety: every member may be called from any thread at any time.
class reaper final : public process_monitor {
 public:
  /// Starts the reaper thread. Errors: errc::io_error (prctl, thread start).
  static result<std::shared_ptr<reaper>> create(reaper_options opts = {});
  /// Stops and joins the thread (waking it with a trivial child that exits at
  /// once: no signal is used). Children still running are not killed and are no
  /// longer reaped by anyone; a child_process from start() that outlives the
  /// reaper waits for its own child from then on (pidfd + waitid(P_PID)).
  ~reaper() override;

  /// A bounded queue of the exits reaped after subscribe() returned that its
  /// filter selects (subscribe_options); drop it to unsubscribe. Its members
  /// may be called from several threads; each exit is handed out once.
  class subscription {
   public:
    virtual ~subscription() = default;
    /// Next exit, blocking until one arrives, the deadline, or a stop request.
    /// Errors: errc::timeout, errc::cancelled.
    virtual result<exit_event> next(const call_context& ctx = {}) = 0;
    /// Non-blocking.
    virtual std::optional<exit_event> try_next() = 0;
    /// The exit of `pid` (earlier exits of other pids stay queued for next()).
    /// Errors: errc::timeout, errc::cancelled.
    virtual result<exit_status> wait(int pid, const call_context& ctx = {}) = 0;
    /// Readable (POLLIN) while an exit is queued; borrowed. An eventfd: it
    /// fits an epoll loop (level-triggered).
    virtual int pollable() const noexcept = 0;
    /// Exits queued now. Non-blocking.
    virtual std::size_t queued() const = 0;
    /// Exits this subscription selected but dropped because its queue was full.
    virtual std::uint64_t dropped() const = 0;
  };
  /// Errors: errc::invalid_argument (capacity 0), errc::io_error (no eventfd
  /// for pollable()).
  result<std::shared_ptr<subscription>> subscribe(subscribe_options opts = {});

  /// process_monitor: posix_spawn (fork path for pdeath_signal, as the pidfd
  /// monitor); the reaper thread collects no exit of a pid it does not know
  /// while a start() is between its spawn and its registration, so it cannot
  /// reap a child unseen. Spawns from several threads run in parallel. The child_process's exit_fd() is an
  /// eventfd made readable when the reaper thread collected the exit; try_wait() only reads what the thread
  /// stored (it never waits itself, so never sees ECHILD). signal() never reaches a recycled pid. Dropping a
  /// child_process whose child still runs SIGKILLs it and waits until its exit was collected. The exit is
  /// also delivered to every subscription that selects it (exit_filter::all), before the
  /// child_process sees it. While this reaper is the newest alive, make_pidfd_monitor()'s
  /// start() calls this one, so its children count as started here.
  /// Errors: errc::spawn_failed, also, with nothing started, when SIGCHLD is ignored in this
  /// process (SIG_IGN or SA_NOCLDWAIT: the kernel would reap the child before the reaper).
  /// If other code reaps a child anyway (the disposition changed later, a waitpid(-1)), the
  /// reaper notices once it has no child left: try_wait() then fails with errc::io_error.
  result<std::unique_ptr<child_process>> start(const spawn_request& req) override;

  /// Counters since create(), for tests and monitoring.
  struct statistics {
    std::uint64_t reaped = 0;     ///< exits collected by waitid
    std::uint64_t delivered = 0;  ///< exit deliveries to subscriptions and started children
    std::uint64_t dropped = 0;    ///< exits not queued because a subscription's queue was full
  };
  /// A snapshot of the counters.
  statistics stats() const;

  class impl;
  /// Adopts an implementation; use create() instead.
  explicit reaper(std::unique_ptr<impl> p) noexcept;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace runcpp
