// fd_socket, console_socket, pidfd_socket: receive one fd from runc over a
// unix socket (go-runc: Socket, NewConsoleSocket, NewTempConsoleSocket,
// ReceiveMaster, NewPidfdSocket, ReceivePidfd).
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

#include <runcpp/socket.hpp>

#include "cmsg.hpp"
#include "deadline.hpp"
#include "fd.hpp"
#include "stop_waker.hpp"
#include "temp_file.hpp"

namespace runcpp {
namespace {

using clock = std::chrono::steady_clock;
using detail::sys_error;

constexpr std::size_t max_path_bytes = sizeof(sockaddr_un::sun_path) - 1;  // 107: room for the NUL

// Removes what a half-built socket created, unless dismissed.
struct cleanup {
  std::filesystem::path file;
  std::filesystem::path dir;
  cleanup() = default;
  cleanup(const cleanup&) = delete;
  cleanup& operator=(const cleanup&) = delete;
  ~cleanup() {
    if (!file.empty()) ::unlink(file.c_str());
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }
  void dismiss() noexcept {
    file.clear();
    dir.clear();
  }
};

// Waits in poll() for `fd` to be readable, the wake eventfd, the stop eventfd
// or the deadline. EINTR is not an error (the caller re-checks everything).
result<void> wait_readable(int fd, int wake, const detail::stop_waker& stop,
                           const std::optional<clock::time_point>& deadline) {
  std::array<pollfd, 3> p{{{fd, POLLIN, 0}, {wake, POLLIN, 0}, {stop.fd(), POLLIN, 0}}};
  if (::poll(p.data(), p.size(), detail::poll_timeout_ms(deadline)) < 0 && errno != EINTR)
    return sys_error(errc::io_error, "poll");
  return {};
}

// Reads the one message runc sends on an accepted connection.
result<received_fd> read_message(const unique_fd& conn, int wake, const std::atomic<bool>& exited,
                                 const detail::stop_waker& stop, const call_context& ctx,
                                 const std::string& where) {
  std::array<char, detail::fd_message_payload_size> payload;
  alignas(cmsghdr) std::array<unsigned char, CMSG_SPACE(sizeof(int) * detail::fd_message_max_fds)> control;
  while (true) {
    if (ctx.stop.stop_requested())
      return error(errc::cancelled, "cancelled while waiting for a message on " + where);
    if (detail::deadline_passed(ctx.deadline))
      return error(errc::timeout, "deadline passed while waiting for a message on " + where);
    const bool runtime_gone = exited.load();

    iovec iov{payload.data(), payload.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    ssize_t n = ::recvmsg(conn.get(), &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n >= 0) {
      std::span<const unsigned char> ctl(control.data(),
                                         std::min<std::size_t>(msg.msg_controllen, control.size()));
      auto r = detail::parse_fd_message(std::span<const char>(payload.data(), static_cast<std::size_t>(n)),
                                        ctl, msg.msg_flags);
      if (n == 0) {  // end of stream: whatever came with it was closed or is dropped here
        return error(errc::protocol_error, "the peer closed " + where + " without sending an fd");
      }
      return r;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return sys_error(errc::io_error, "recvmsg on " + where);
    if (runtime_gone) return error(errc::command_failed, "runc exited without sending a message on " + where);
    if (auto r = wait_readable(conn.get(), wake, stop, ctx.deadline); !r) return std::move(r).error();
  }
}

}  // namespace

fd_socket::fd_socket(unique_fd listener, unique_fd wake, std::filesystem::path path,
                     std::filesystem::path owned_dir)
    : listener_(std::move(listener)),
      wake_(std::move(wake)),
      path_(std::move(path)),
      owned_dir_(std::move(owned_dir)) {}

fd_socket::fd_socket(fd_socket&& other) noexcept
    : listener_(std::move(other.listener_)),
      wake_(std::move(other.wake_)),
      path_(std::exchange(other.path_, {})),
      owned_dir_(std::exchange(other.owned_dir_, {})),
      runtime_exited_(other.runtime_exited_.load()) {}

fd_socket::~fd_socket() {
  listener_.reset();
  if (!path_.empty()) ::unlink(path_.c_str());
  if (!owned_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(owned_dir_, ec);
  }
}

result<std::unique_ptr<fd_socket>> fd_socket::listen(const std::filesystem::path& path) {
  if (path.empty()) return error(errc::invalid_argument, "socket path is empty");
  std::error_code ec;
  // Like Go's filepath.Abs: absolute and lexically clean (no "." or "..").
  std::filesystem::path abs = std::filesystem::absolute(path, ec).lexically_normal();
  if (ec)
    return error(errc::io_error, "cannot make socket path " + path.string() + " absolute: " + ec.message())
        .with_cause(ec);
  const std::string& s = abs.native();
  if (s.find('\0') != std::string::npos)
    return error(errc::invalid_argument, "socket path contains a NUL byte");
  if (s.size() > max_path_bytes)
    return error(errc::invalid_argument, "socket path " + s + " is " + std::to_string(s.size()) +
                                             " bytes, longer than the " + std::to_string(max_path_bytes) +
                                             "-byte limit of a unix socket address");

  unique_fd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listener) return sys_error(errc::io_error, "socket(AF_UNIX)");
  unique_fd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake) return sys_error(errc::io_error, "eventfd");

  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == EADDRINUSE) return sys_error(errc::invalid_argument, "socket path " + s + " already exists");
    return sys_error(errc::io_error, "bind " + s);
  }
  cleanup undo;
  undo.file = abs;
  if (::listen(listener.get(), 16) != 0) return sys_error(errc::io_error, "listen " + s);

  std::unique_ptr<fd_socket> sock(new fd_socket(std::move(listener), std::move(wake), abs, {}));
  undo.dismiss();
  return sock;
}

result<std::unique_ptr<fd_socket>> fd_socket::temporary(std::string_view prefix, std::string_view name) {
  if (prefix.find('/') != std::string_view::npos || prefix.find('\0') != std::string_view::npos)
    return error(errc::invalid_argument, "temporary socket prefix must not contain '/' or NUL");
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos)
    return error(errc::invalid_argument, "temporary socket name must be one path component");

  // go-runc: $XDG_RUNTIME_DIR, else os.TempDir() ($TMPDIR, else /tmp).
  const std::string base = detail::runtime_dir();
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");  // NOLINT(concurrency-mt-unsafe): read-only
  const bool sticky = xdg != nullptr && base == xdg;

  std::string tmpl = (std::filesystem::path(base) / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) return sys_error(errc::io_error, "mkdtemp " + tmpl);
  std::filesystem::path dir = tmpl;
  cleanup undo;
  undo.dir = dir;

  auto sock = listen(dir / name);
  if (!sock) return std::move(sock).error();  // `undo` removes the directory
  undo.dismiss();
  (*sock)->owned_dir_ = dir;

  // The XDG base directory spec lets the session manager prune files in
  // XDG_RUNTIME_DIR not accessed for 6 hours unless they have the sticky bit.
  if (sticky && ::chmod((*sock)->path_.c_str(), 01755) != 0) {
    auto err = sys_error(errc::io_error, "chmod " + (*sock)->path_.string());
    sock->reset();  // closes, unlinks and removes the directory
    return err;
  }
  return sock;
}

void fd_socket::runtime_exited() noexcept {
  runtime_exited_.store(true);
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
}

result<received_fd> fd_socket::receive_fd(const call_context& ctx) {
  detail::stop_waker stop;
  if (auto r = stop.arm(ctx.stop); !r) return std::move(r).error();
  const std::string where = path_.string();
  while (true) {
    if (ctx.stop.stop_requested())
      return error(errc::cancelled, "cancelled while waiting for runc to connect to " + where);
    if (detail::deadline_passed(ctx.deadline))
      return error(errc::timeout, "deadline passed while waiting for runc to connect to " + where);
    // Read the flag before trying accept: runc connects before it exits, so
    // once the flag is seen its connection (if any) is already queued.
    const bool runtime_gone = runtime_exited_.load();
    unique_fd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (conn)
      return read_message(conn, wake_.get(), runtime_exited_, stop, ctx, where);  // conn closed on return
    // Interrupted or one aborted connection: the queue was not seen empty, so
    // runc's connection may still be there even though it has exited.
    if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return sys_error(errc::io_error, "accept on " + where);
    if (runtime_gone) return error(errc::command_failed, "runc exited without connecting to " + where);
    if (auto r = wait_readable(listener_.get(), wake_.get(), stop, ctx.deadline); !r)
      return std::move(r).error();
  }
}

result<std::unique_ptr<console_socket>> console_socket::listen(const std::filesystem::path& path) {
  auto base = fd_socket::listen(path);
  if (!base) return std::move(base).error();
  return std::unique_ptr<console_socket>(new console_socket(std::move(**base)));
}

result<std::unique_ptr<console_socket>> console_socket::temporary() {
  auto base = fd_socket::temporary("pty", "pty.sock");
  if (!base) return std::move(base).error();
  return std::unique_ptr<console_socket>(new console_socket(std::move(**base)));
}

result<console> console_socket::receive(const call_context& ctx) {
  auto r = receive_fd(ctx);
  if (!r) return std::move(r).error();
  termios t{};
  if (::tcgetattr(r->fd.get(), &t) != 0)
    return sys_error(errc::protocol_error, "the fd received on " + path().string() + " (\"" + r->name +
                                               "\") is not a terminal");  // r->fd closed on return
  return console(std::move(r->fd));
}

result<std::unique_ptr<pidfd_socket>> pidfd_socket::listen(const std::filesystem::path& path) {
  auto base = fd_socket::listen(path);
  if (!base) return std::move(base).error();
  return std::unique_ptr<pidfd_socket>(new pidfd_socket(std::move(**base)));
}

result<std::unique_ptr<pidfd_socket>> pidfd_socket::temporary() {
  auto base = fd_socket::temporary("pidfd", "pidfd.sock");
  if (!base) return std::move(base).error();
  return std::unique_ptr<pidfd_socket>(new pidfd_socket(std::move(**base)));
}

namespace {

// Whether /proc says `fd` is a pidfd: its fdinfo has a "Pid:" line (Linux
// >= 5.4), or its link is "anon_inode:[pidfd]" / "pidfd:[...]" (pidfs, 6.9).
// Without a usable /proc there is nothing to check against: true.
bool looks_like_pidfd(int fd) {
  const std::string n = std::to_string(fd);
  std::array<char, 128> link{};
  ssize_t len = ::readlink(("/proc/self/fd/" + n).c_str(), link.data(), link.size() - 1);
  if (len < 0) return true;  // no usable /proc: cannot check
  std::string_view target(link.data(), static_cast<std::size_t>(len));
  if (target.find("pidfd") != std::string_view::npos) return true;
  unique_fd info(::open(("/proc/self/fdinfo/" + n).c_str(), O_RDONLY | O_CLOEXEC));
  if (!info) return false;
  std::array<char, 4096> buf{};
  std::size_t got = 0;
  while (got < buf.size()) {
    ssize_t r = ::read(info.get(), buf.data() + got, buf.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  std::string_view text(buf.data(), got);
  return text.starts_with("Pid:") || text.find("\nPid:") != std::string_view::npos;
}

}  // namespace

result<unique_fd> pidfd_socket::receive(const call_context& ctx) {
  auto r = receive_fd(ctx);
  if (!r) return std::move(r).error();
  if (!looks_like_pidfd(r->fd.get()))
    return error(errc::protocol_error,
                 "the fd received on " + path().string() + " (\"" + r->name + "\") is not a pidfd");
  return std::move(r->fd);
}

}  // namespace runcpp
