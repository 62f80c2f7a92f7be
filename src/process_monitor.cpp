// wait_for_exit: the blocking wait that works with any process_monitor's
// children (pidfd or reaper), through the child_process interface only.
#include <poll.h>

#include <array>
#include <cerrno>
#include <string>

#include <runcpp/process_monitor.hpp>

#include "deadline.hpp"
#include "fd.hpp"
#include "stop_waker.hpp"

namespace runcpp {

result<exit_status> wait_for_exit(child_process& child, const call_context& ctx) {
  detail::stop_waker waker;
  if (auto armed = waker.arm(ctx.stop); !armed) return std::move(armed).error();
  const auto what = [&child] { return " while waiting for pid " + std::to_string(child.pid()) + " to exit"; };
  while (true) {
    auto status = child.try_wait();
    if (!status) return std::move(status).error();
    if (*status) return **status;
    if (ctx.stop.stop_requested()) return error(errc::cancelled, "cancelled" + what());
    if (detail::deadline_passed(ctx.deadline)) return error(errc::timeout, "deadline passed" + what());
    std::array<pollfd, 2> p{{{child.exit_fd(), POLLIN, 0}, {waker.fd(), POLLIN, 0}}};
    if (::poll(p.data(), p.size(), detail::poll_timeout_ms(ctx.deadline)) < 0 && errno != EINTR) {
      const int err = errno;  // before what() allocates
      return detail::sys_error(errc::io_error, "poll" + what(), err);
    }
  }
}

}  // namespace runcpp
