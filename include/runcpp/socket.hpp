/// @file
/// Receiving an fd from runc over a unix socket: the pty master of a container
/// with a terminal (runc --console-socket) and a pidfd of the container's
/// process (runc --pidfd-socket, runc >= 1.2). go-runc: Socket,
/// NewConsoleSocket, NewTempConsoleSocket, ReceiveMaster, NewPidfdSocket, ...
///
/// @code
///   auto sock = runcpp::console_socket::temporary();          // private 0700 dir
///   auto ok = runc.create("web", bundle, {.console_socket = sock->get()});
///   auto tty = (*sock)->receive();                             // result<console>
///   tty->resize(40, 100);
/// @endcode
///
/// Protocol (runc's, not the OCI document's): runc connects (SOCK_STREAM) and
/// sends one message whose payload is a name ("/dev/ptmx"... or "standard" /
/// "setns" for pidfds) and whose ancillary data is one SCM_RIGHTS fd. No reply.
///
/// Receiving never hangs: receive() honours the call_context's deadline and stop
/// token, and returns an error promptly once runc has exited without
/// connecting (the client calls runtime_exited() when a runc call that was
/// given the socket ends).
///
/// Thread-safety: receive() may run on one thread while a client call that uses
/// the socket runs on another (the usual pattern); runtime_exited() is
/// thread-safe. Do not call receive() from two threads at once.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <runcpp/call_context.hpp>
#include <runcpp/fd.hpp>
#include <runcpp/result.hpp>

namespace runcpp {

/// An owned pty master (go-runc: console.Console).
class console {
 public:
  /// Adopts a pty master.
  explicit console(unique_fd master) noexcept : master_(std::move(master)) {}
  int fd() const noexcept {
    return master_.get();
  }  ///< the pty master (borrowed; still owned by the console)
  unique_fd release() noexcept { return std::move(master_); }  ///< gives up ownership of the pty master

  /// A terminal size in character cells.
  struct window_size {
    /// @{
    /// Rows and columns.
    unsigned short rows = 0, cols = 0;
    /// @}
  };
  /// TIOCSWINSZ: the container's process sees SIGWINCH and the new size.
  /// Errors: errc::io_error.
  result<void> resize(unsigned short rows, unsigned short cols) const;
  /// TIOCGWINSZ. Errors: errc::io_error.
  result<window_size> size() const;
  /// cfmakeraw on the master, remembering the previous termios for reset().
  result<void> set_raw();
  /// Clears ECHO, remembering the previous termios for reset().
  result<void> disable_echo();
  /// Restores the termios saved by the first set_raw()/disable_echo().
  result<void> reset();

 private:
  unique_fd master_;
  struct saved_termios;
  std::shared_ptr<saved_termios> saved_;
};

/// What a received message carried: the fd and runc's name for it.
struct received_fd {
  unique_fd fd;      ///< the received fd, owned and close-on-exec
  std::string name;  ///< "/dev/ptmx", "standard", "setns", ...
};

/// A listening unix socket that receives exactly one fd per receive() call.
/// Owns the socket, its file and (for temporary()) its private directory; the
/// destructor closes and removes them.
class fd_socket {
 public:
  /// Listens at `path` (made absolute). A path longer than sun_path (107
  /// bytes) is errc::invalid_argument naming the limit, as is an existing path.
  /// Errors: errc::invalid_argument, errc::io_error.
  static result<std::unique_ptr<fd_socket>> listen(const std::filesystem::path& path);
  /// A fresh 0700 directory <$XDG_RUNTIME_DIR or $TMPDIR or /tmp, the first that is
  /// a directory>/`<prefix>`XXXXXX
  /// holding the socket `<name>`. With XDG_RUNTIME_DIR the socket gets the sticky
  /// bit (mode 01755) so the XDG cleaner does not prune it (go-runc's rule).
  static result<std::unique_ptr<fd_socket>> temporary(std::string_view prefix, std::string_view name);

  /// Virtual: a console_socket or pidfd_socket may be owned through a
  /// std::unique_ptr<fd_socket>.
  virtual ~fd_socket();
  fd_socket(const fd_socket&) = delete;
  fd_socket& operator=(fd_socket&&) = delete;
  fd_socket& operator=(const fd_socket&) = delete;

  /// Absolute path to pass to runc.
  const std::filesystem::path& path() const noexcept { return path_; }

  /// Accepts one connection (accept4 SOCK_CLOEXEC) and reads one message
  /// (recvmsg MSG_CMSG_CLOEXEC). Blocks until then, the deadline, a stop
  /// request, or runtime_exited() with no connection pending.
  /// Errors: errc::protocol_error (no fd, more than one fd, MSG_CTRUNC, an
  /// oversized name; every received fd is closed), errc::timeout,
  /// errc::cancelled, errc::command_failed (runc exited without connecting),
  /// errc::io_error.
  result<received_fd> receive_fd(const call_context& ctx = {});

  /// Called by the client when a runc call given this socket has exited.
  /// Sticky: afterwards receive_fd() takes only a connection that is already
  /// pending, so use one socket per runc call that is given it.
  void runtime_exited() noexcept;

 protected:
  /// Adopts a listening socket, its wake eventfd, its path and the directory to remove (if any).
  fd_socket(unique_fd listener, unique_fd wake, std::filesystem::path path, std::filesystem::path owned_dir);
  /// For the derived factories: takes over the socket, its file and directory
  /// from an fd_socket built by listen()/temporary(); `other` is left owning
  /// nothing (its destructor removes nothing).
  fd_socket(fd_socket&& other) noexcept;

 private:
  unique_fd listener_;
  unique_fd wake_;  ///< eventfd written by runtime_exited()
  std::filesystem::path path_;
  std::filesystem::path owned_dir_;  ///< removed by the destructor when non-empty
  std::atomic<bool> runtime_exited_{false};
};

/// --console-socket: receives the container's pty master.
class console_socket final : public fd_socket {
 public:
  /// Listens on `path` (made absolute; must not exist). The destructor removes the file.
  /// Errors: errc::io_error, errc::invalid_argument for a path too long for sockaddr_un.
  static result<std::unique_ptr<console_socket>> listen(const std::filesystem::path& path);
  /// `<base>`/ptyXXXXXX/pty.sock
  static result<std::unique_ptr<console_socket>> temporary();
  /// receive_fd() plus a check that the fd is a terminal (tcgetattr); a
  /// non-terminal is errc::protocol_error and is closed.
  result<console> receive(const call_context& ctx = {});

 private:
  explicit console_socket(fd_socket&& base) noexcept : fd_socket(std::move(base)) {}
};

/// --pidfd-socket (runc >= 1.2): receives a pidfd of the container's process.
/// The pidfd can be polled and signalled (pidfd_send_signal); it can only be
/// waited for by the process's parent or subreaper.
class pidfd_socket final : public fd_socket {
 public:
  /// Listens on `path`, as console_socket::listen().
  static result<std::unique_ptr<pidfd_socket>> listen(const std::filesystem::path& path);
  /// `<base>`/pidfdXXXXXX/pidfd.sock
  static result<std::unique_ptr<pidfd_socket>> temporary();
  /// receive_fd(): the pidfd, owned and close-on-exec. Errors: as receive_fd().
  result<unique_fd> receive(const call_context& ctx = {});

 private:
  explicit pidfd_socket(fd_socket&& base) noexcept : fd_socket(std::move(base)) {}
};

}  // namespace runcpp
