/// @file
/// unique_fd: an owned file descriptor. Whenever runcpp hands you an fd (pipe
/// ends, a pty master, a pidfd) it is a unique_fd: you own it, it is
/// close-on-exec, and it is closed when the unique_fd is destroyed unless you
/// release() it.
#pragma once

#include <utility>

namespace runcpp {

/// An owned file descriptor, closed on destruction; move-only. -1 means empty.
/// Not thread-safe for concurrent mutation, like any value type.
class unique_fd {
 public:
  /// Empty (-1).
  unique_fd() noexcept = default;
  /// Adopts `fd` (takes ownership).
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  /// Takes `o`'s fd; `o` is left empty.
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  /// Closes the owned fd and takes `o`'s; `o` is left empty.
  unique_fd& operator=(unique_fd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd_, -1));
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }                      ///< the fd, still owned; -1 if empty
  explicit operator bool() const noexcept { return fd_ >= 0; }  ///< true if it owns an fd
  /// Gives up ownership; the caller must close the returned fd.
  int release() noexcept { return std::exchange(fd_, -1); }
  /// Closes the owned fd (never retried on EINTR: Linux has closed it anyway)
  /// and adopts `fd`.
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

}  // namespace runcpp
