// Fault injection for the system calls the library makes, by link-time
// wrapping: the fault test binary is linked with -Wl,--wrap=<name> for each
// call below, so the library's references to <name> reach __wrap_<name>
// (syscall_faults.cpp), which passes through to __real_<name> (the libc or
// sanitizer symbol) unless a fault is armed. The library's code paths are
// unchanged and it has no global state; the state lives here, in the test.
// glibc's own internal calls are not affected: --wrap rewrites only the
// undefined references of the objects linked into the test.
//
//   fault::injector counter;                       // counts calls on this thread
//   run_the_call();
//   int n = counter.calls(fault::call::pipe2);
//   for (int k = 1; k <= n; ++k) {
//     fault::injector inj({.target = fault::call::pipe2, .nth = k, .err = EMFILE});
//     auto r = run_the_call();                     // the k-th pipe2 fails with EMFILE
//     ... inj.fired() ...
//   }
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <string_view>

namespace runcpp::fault {

enum class call {
  pipe2,
  socketpair,
  eventfd,
  open,
  fcntl,
  socket,
  accept4,
  pidfd_open,
  mkostemp,
  memfd_create,
  poll,
  read,
  write,
  recvmsg,
  waitid,
  posix_spawn,
  posix_spawn_file_actions_adddup2,
};
inline constexpr std::size_t call_count = 17;
std::string_view name(call c) noexcept;

enum class action {
  fail,         // return the call's failure with `err` (posix_spawn*: return `err`); no side effect
  short_count,  // read/write: move at most `limit` bytes (the real call with a smaller length)
  ctrunc,       // recvmsg: the real call, then MSG_CTRUNC set in msg_flags
};

struct plan {
  call target = call::read;
  int nth = 1;  // 1-based, counted from when the injector was armed
  action what = action::fail;
  int err = 0;               // for action::fail
  std::size_t limit = 1;     // for action::short_count
  bool repeat = false;       // also every later call of `target`, not only the nth
  bool all_threads = false;  // count and inject on every thread, not only the arming one
};

// Arms fault injection (or only counting) for its lifetime. One at a time.
class injector {
 public:
  injector();  // counting only, on this thread
  explicit injector(plan p);
  ~injector();
  injector(const injector&) = delete;
  injector& operator=(const injector&) = delete;

  // Stops counting and injecting (calls pass through) until rearm(), so a
  // test's own set-up and checks between library calls are not counted.
  void disarm() noexcept;
  void rearm() noexcept;

  // Calls of `c` seen so far (on the counted threads), faulted or not.
  int calls(call c) const noexcept;
  // How many calls the plan changed.
  int fired() const noexcept;

  struct state {
    bool inject = false;
    plan p{};
    std::array<std::atomic<int>, call_count> counts{};
    std::atomic<int> fired{0};
  };

 private:
  state state_;
};

}  // namespace runcpp::fault
