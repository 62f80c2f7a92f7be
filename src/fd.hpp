// Internal fd helpers: an owning fd, close-on-exec pipes, errno → error.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <runcpp/fd.hpp>
#include <runcpp/result.hpp>

namespace runcpp::detail {

using runcpp::unique_fd;

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
// Makes O_NONBLOCK the only status flag of `fd`, a pipe end the library just
// made (any other status flag, such as O_APPEND, would be cleared).
result<void> set_nonblocking(int fd);
// open("/dev/null", O_RDWR | O_CLOEXEC).
result<unique_fd> open_dev_null();
// Writes all of `data` to a blocking fd, retrying short writes and EINTR.
// Errors: errc::io_error, "<what>: <strerror>".
result<void> write_all(int fd, std::string_view data, const std::string& what);

}  // namespace runcpp::detail
