// stop_waker: makes poll() wake up when a std::stop_token is stopped, without
// signal handlers or threads: an eventfd (close-on-exec, non-blocking) that a
// std::stop_callback makes readable. Poll fd() for POLLIN next to the other
// fds, then check token.stop_requested().
//
//   stop_waker waker;
//   if (auto r = waker.arm(ctx.stop); !r) return std::move(r).error();
//   pollfd p[] = {{work_fd, POLLIN, 0}, {waker.fd(), POLLIN, 0}};  // fd() may be -1: poll ignores it
#pragma once

#include <optional>
#include <stop_token>

#include "fd.hpp"

namespace runcpp::detail {

class stop_waker {
 public:
  stop_waker() = default;
  stop_waker(const stop_waker&) = delete;
  stop_waker& operator=(const stop_waker&) = delete;
  ~stop_waker() = default;  // unregisters the callback (waiting for a running one) before closing the fd

  // Watches `token`. Does nothing (fd() stays -1) when the token can never be
  // stopped. If it is already stopped, fd() is readable at once. Arming again
  // replaces the previous token. Errors: errc::io_error (eventfd failed).
  result<void> arm(const std::stop_token& token);

  // The eventfd to poll for POLLIN, or -1 when not armed. Stays readable once
  // the stop was requested (it is never drained).
  int fd() const noexcept { return fd_.get(); }

 private:
  struct notify {
    int fd;
    void operator()() const noexcept;
  };
  unique_fd fd_;                                        // declared first: destroyed last
  std::optional<std::stop_callback<notify>> callback_;  // may write to fd_ from another thread
};

}  // namespace runcpp::detail
