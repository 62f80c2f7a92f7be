#include "stop_waker.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace runcpp::detail {

void stop_waker::notify::operator()() const noexcept {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n =
      ::write(fd, &one, sizeof one);  // EAGAIN only if the counter is full: still readable
}

result<void> stop_waker::arm(const std::stop_token& token) {
  callback_.reset();
  fd_.reset();
  if (!token.stop_possible()) return {};
  fd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd_) return sys_error(errc::io_error, "eventfd");
  callback_.emplace(token, notify{fd_.get()});  // runs notify at once if already stopped
  return {};
}

}  // namespace runcpp::detail
