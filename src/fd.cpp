#include "fd.hpp"

#include <fcntl.h>

namespace runcpp {

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace runcpp

namespace runcpp::detail {

result<pipe_pair> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return sys_error(errc::io_error, "pipe2");
  return pipe_pair{unique_fd(fds[0]), unique_fd(fds[1])};
}

result<void> set_nonblocking(int fd) {
  // A fresh pipe has no status flags to keep, so no F_GETFL: one call per runc call saved.
  if (::fcntl(fd, F_SETFL, O_NONBLOCK) != 0) return sys_error(errc::io_error, "fcntl(O_NONBLOCK)");
  return {};
}

result<unique_fd> open_dev_null() {
  int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0) return sys_error(errc::io_error, "open /dev/null");
  return unique_fd(fd);
}

result<void> write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sys_error(errc::io_error, what);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace runcpp::detail
