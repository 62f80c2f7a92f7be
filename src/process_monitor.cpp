// wait_for_exit: the blocking wait that works with any process_monitor's
// children (pidfd or reaper), through the child_process interface only.
#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>

#include <runcpp/process_monitor.hpp>

#include "deadline.hpp"
#include "fd.hpp"
#include "stop_waker.hpp"

namespace runcpp {

result<exit_status> wait_for_exit(child_process& child, const call_context& ctx) {
  // When exit_fd() polled readable but try_wait() still says "running" (a
  // reaper that stopped and could not give the child a pidfd keeps its eventfd
  // raised), polling it again would spin: re-check on a timer instead.
  constexpr int stale_recheck_ms = 10;
  detail::stop_waker waker;
  if (auto armed = waker.arm(ctx.stop); !armed) return std::move(armed).error();
  const auto what = [&child] { return " while waiting for pid " + std::to_string(child.pid()) + " to exit"; };
  bool exit_fd_readable = false, exit_fd_stale = false;
  while (true) {
    auto status = child.try_wait();
    if (!status) return std::move(status).error();
    if (*status) return **status;
    exit_fd_stale = exit_fd_stale || exit_fd_readable;
    if (ctx.stop.stop_requested()) return error(errc::cancelled, "cancelled" + what());
    if (detail::deadline_passed(ctx.deadline)) return error(errc::timeout, "deadline passed" + what());
    int timeout = detail::poll_timeout_ms(ctx.deadline);
    if (exit_fd_stale) timeout = timeout < 0 ? stale_recheck_ms : std::min(timeout, stale_recheck_ms);
    std::array<pollfd, 2> p{{{exit_fd_stale ? -1 : child.exit_fd(), POLLIN, 0}, {waker.fd(), POLLIN, 0}}};
    const int ready = ::poll(p.data(), p.size(), timeout);
    if (ready < 0 && errno != EINTR) {
      const int err = errno;  // before what() allocates
      return detail::sys_error(errc::io_error, "poll" + what(), err);
    }
    exit_fd_readable = ready > 0 && p[0].revents != 0;
  }
}

}  // namespace runcpp
