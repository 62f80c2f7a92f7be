/// @file
/// loop: the single-threaded epoll event loop that the ttrpc server and client
/// run on (and that a program such as the shim uses for its own fds). It has no
/// thread of its own: run() runs it on the caller's thread. No signal handlers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace runcpp::ttrpc {

/// One epoll loop. Owns an epoll fd and an eventfd (both close-on-exec) that wakes
/// it for post() and stop(); they are closed by the destructor. Registered fds are
/// borrowed, never closed by the loop. Not copyable, not movable (create() hands it
/// out behind a unique_ptr so that callbacks may keep a reference).
///
/// Thread-safety: post() and stop() may be called from any thread; every other
/// member only from the thread that runs the loop (or before it runs). Callbacks
/// run on that thread; an exception thrown by a callback propagates out of run()
/// or run_once(), leaving the loop usable.
class loop {
 public:
  /// A new loop. Throws std::system_error when epoll_create1 or eventfd fails.
  static std::unique_ptr<loop> create();
  ~loop();
  loop(const loop&) = delete;
  loop& operator=(const loop&) = delete;

  /// Called with the epoll events (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR, ...) of a
  /// registered fd. Level-triggered unless the events ask for EPOLLET.
  using fd_callback = std::function<void(std::uint32_t epoll_events)>;
  /// Registers a borrowed fd (the caller keeps ownership and must remove() it
  /// before closing it). Throws std::system_error from epoll_ctl (EEXIST when the
  /// fd is already registered, EPERM for a regular file, ...).
  void add(int fd, std::uint32_t events, fd_callback cb);
  /// Changes the events of a registered fd. Throws std::system_error from
  /// epoll_ctl (ENOENT when it is not registered).
  void modify(int fd, std::uint32_t events);
  /// Unregisters an fd; no-op when it is not registered. Safe to call from inside
  /// a callback, also the fd's own: its callback is not called again, even for
  /// events already collected in the current iteration.
  void remove(int fd) noexcept;

  /// One-shot timer on the steady clock: cb runs on the loop thread at the first
  /// iteration at or after `when` (millisecond resolution). Returns an id for
  /// cancel_timer; ids are never 0 and never reused.
  std::uint64_t add_timer(std::chrono::steady_clock::time_point when, std::function<void()> cb);
  /// Cancels a timer that has not run; no-op for an unknown, run or cancelled id.
  void cancel_timer(std::uint64_t id) noexcept;

  /// Thread-safe: runs fn on the loop thread soon, in the order of the post()
  /// calls; wakes the loop through the eventfd. fn posted while the loop does not
  /// run waits for the next run()/run_once().
  void post(std::function<void()> fn);

  /// Runs iterations (wait for fds and timers, call the callbacks, run posted
  /// functions) until stop(); returns after the iteration in which stop() was
  /// seen. A stop() that came before run() makes it return after one iteration.
  /// Each run() consumes one stop().
  void run();
  /// Thread-safe, async-signal-unsafe: makes run() return (see there).
  void stop() noexcept;

  /// One iteration: waits at most `max_wait` (less when a timer is due sooner; 0
  /// polls) for events, then calls what is ready. For tests and for programs that
  /// drive the loop from their own loop. Does not look at stop().
  void run_once(std::chrono::milliseconds max_wait);

  /// Number of registered fds (without the loop's own eventfd) and of pending timers.
  std::size_t fd_count() const noexcept;
  std::size_t timer_count() const noexcept;

 private:
  struct impl;
  explicit loop(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace runcpp::ttrpc
