// Reading the pid file runc writes for --pid-file (decimal, no newline).

#include <runcpp/pid_file.hpp>

#include <cerrno>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace runcpp {

namespace {

// A pid needs at most 10 digits; anything much longer is not a pid file, and
// the cap keeps a wrong path (say, a log) from being slurped into memory.
constexpr std::size_t max_pid_file_size = 64;

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return out;
}

error io_failure(const std::filesystem::path& path, std::string_view what, int err) {
  std::string msg = "pid file ";
  msg += printable(path.native());
  msg += ": ";
  msg += what;
  msg += ": ";
  const std::error_code ec(err, std::generic_category());
  msg += ec.message();
  return error(errc::io_error, std::move(msg)).with_cause(ec);
}

// Closes the descriptor on every path out of read_pid_file.
class fd_guard {
 public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_;
};

}  // namespace

result<int> parse_pid(std::string_view text) {
  // runc writes no newline, but files written by hand or by shells usually have one.
  if (text.ends_with("\r\n"))
    text.remove_suffix(2);
  else if (text.ends_with('\n'))
    text.remove_suffix(1);

  if (text.empty()) return error(errc::parse_error, "pid: empty");
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return error(errc::parse_error, "pid: not a decimal number");
    v = v * 10 + (c - '0');
    if (v > std::numeric_limits<int>::max()) return error(errc::parse_error, "pid: out of range");
  }
  if (v == 0) return error(errc::parse_error, "pid: zero is not a process");
  return static_cast<int>(v);
}

result<int> read_pid_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return io_failure(path, "cannot open", errno);
  const fd_guard guard(fd);

  // One byte more than the cap tells "too long" apart from "exactly at the cap".
  char buf[max_pid_file_size + 1];
  std::size_t len = 0;
  while (len < sizeof buf) {
    const ssize_t n = ::read(fd, buf + len, sizeof buf - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure(path, "cannot read", errno);
    }
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  if (len > max_pid_file_size) {
    std::string msg = "pid file ";
    msg += printable(path.native());
    msg += ": longer than a pid";
    return error(errc::parse_error, std::move(msg));
  }

  auto pid = parse_pid(std::string_view(buf, len));
  if (!pid) {
    std::string msg = "pid file ";
    msg += printable(path.native());
    msg += ": ";
    msg += pid.error().message();
    return error(errc::parse_error, std::move(msg));
  }
  return pid;
}

}  // namespace runcpp
