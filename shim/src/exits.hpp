// Exit bookkeeping of the task service, as pure logic (no processes, no I/O),
// with containerd >= 1.6.2x's rules (runtime/v2/runc/task/service.go):
//  - an exit reaped before its pid was known (runc exec had not returned) is
//    kept and claimed when the pid is tracked;
//  - an exit is reported only once its output is drained (io_drained);
//  - a container's init exit is reported after the exits of its running execs;
//  - once the init exited, no new exec is accepted (init_exited).
// Reported exits stay queryable (Wait after the fact, State, Delete) until forget().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runcpp::shim {

/// A process of the service: its container and exec id ("" for the container's init).
struct process_key {
  std::string container;
  std::string exec;
  bool is_init() const noexcept { return exec.empty(); }
  friend bool operator==(const process_key&, const process_key&) = default;
  /// By container, then exec id: a container's init sorts before its execs.
  friend bool operator<(const process_key& a, const process_key& b) {
    return a.container != b.container ? a.container < b.container : a.exec < b.exec;
  }
};

/// One exit: the status as containerd wants it (code, or 128+signal) and when.
struct exit_info {
  int pid = 0;
  std::uint32_t status = 0;
  std::chrono::system_clock::time_point at{};
  friend bool operator==(const exit_info&, const exit_info&) = default;
};

/// An exit ready to be reported (TaskExit, Wait answers), in reporting order.
struct reported_exit {
  process_key key;
  exit_info exit;
};

class exit_ledger {
 public:
  /// `max_unclaimed`: how many exits of unknown pids are kept (orphans that
  /// are no tracked process; the oldest are dropped first).
  explicit exit_ledger(std::size_t max_unclaimed = 256) : max_unclaimed_(max_unclaimed) {}

  /// `key` now runs as `pid` (init after runc create, exec after runc exec).
  /// `io_pending`: its output is still copied, so its exit waits for io_drained().
  /// An exit of `pid` already seen is claimed now.
  void track(const process_key& key, int pid, bool io_pending);
  /// The reaper saw `pid` exit.
  void exited(int pid, std::uint32_t status, std::chrono::system_clock::time_point at);
  /// The output copy of `key` reached its end (or gave up).
  void io_drained(const process_key& key);

  /// Exits that became reportable since the last call, in order: exec exits
  /// before their container's init exit. Each is returned once.
  std::vector<reported_exit> take_reportable();

  /// True when `key` is tracked and has not exited yet (a reported exit or a
  /// pending one both count as exited).
  bool running(const process_key& key) const;
  /// Whether the init of `container` has exited (reported or not): no new exec then.
  bool init_exited(const std::string& container) const;
  /// The exit of `key` once reported.
  std::optional<exit_info> reported(const process_key& key) const;
  /// Processes whose exit was seen while their output is still being copied.
  std::vector<process_key> awaiting_io() const;
  /// The pid of a tracked key (0 when unknown).
  int pid(const process_key& key) const;
  /// Drops `key` (after Delete).
  void forget(const process_key& key);

 private:
  struct entry {
    int pid = 0;
    bool io_pending = false;
    std::optional<exit_info> exit;  ///< seen by the reaper
    bool reported = false;
  };
  bool ready(const process_key& key, const entry& e) const;
  bool execs_pending(const std::string& container) const;

  std::map<process_key, entry> procs_;
  std::deque<exit_info> unclaimed_;
  std::size_t max_unclaimed_;
};

}  // namespace runcpp::shim
