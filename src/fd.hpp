// Internal fd helpers: an owning fd, close-on-exec pipes, errno → error.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include <runcpp/result.hpp>

namespace runcpp::detail {

// Owns one fd; move-only; closes (without retrying on EINTR) on destruction.
class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd_, -1));
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);  // never retried: Linux closes the fd even on EINTR
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct pipe_pair {
  unique_fd read;
  unique_fd write;
};

// An error for a failed system call, with errno as cause().
inline error sys_error(errc code, const std::string& what, int err = errno) {
  return error(code, what + ": " + std::generic_category().message(err))
      .with_cause(std::error_code(err, std::generic_category()));
}

// pipe2(O_CLOEXEC); both ends close-on-exec from creation.
result<pipe_pair> make_pipe();
// Sets O_NONBLOCK on an fd the library owns.
result<void> set_nonblocking(int fd);
// open("/dev/null", O_RDWR | O_CLOEXEC).
result<unique_fd> open_dev_null();

}  // namespace runcpp::detail
