/// @file
/// ttrpc server: serves unary calls on unix stream sockets for a program that
/// runs a ttrpc::loop (the shim's task service). Requests pipelined on one
/// connection are dispatched at once and answered in the order the handlers
/// complete; a handler may keep its responder and answer later (Wait) while the
/// connection goes on serving. What the server answers by itself:
///   unknown service or method           -> unimplemented ("service X" / "method X")
///   even stream id                      -> invalid_argument
///   body that is not a Request          -> invalid_argument
///   body larger than max_message        -> resource_exhausted (the bytes are skipped)
///   timeout_nano passed before an answer -> deadline_exceeded
///   responder destroyed unused          -> internal
/// Frames that are not requests are ignored. A peer that closes (also mid-frame),
/// resets or cannot be written to loses its connection; nothing a peer sends can
/// make the server throw or crash.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/ttrpc/frame.hpp>
#include <runcpp/ttrpc/loop.hpp>
#include <runcpp/ttrpc/status.hpp>

namespace runcpp::ttrpc {

namespace detail {
struct pending_request;
struct server_state;
}  // namespace detail

/// What a handler gets. Valid until the responder is used (or destroyed).
struct request_info {
  std::string_view service;  ///< "containerd.task.v2.Task"
  std::string_view method;   ///< "Create"
  /// From timeout_nano, if > 0 (measured from when the request was read).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  const std::vector<metadata_entry>* metadata = nullptr;  ///< never null for a handler
  std::uint32_t stream_id = 0;                            ///< the request's stream id
};

/// Completes one request exactly once. Movable, not copyable. Destroying an unused
/// responder answers code::internal ("handler dropped the request"). Must be used
/// on the loop thread (use loop::post from elsewhere). If the connection closed
/// meanwhile (or the server was destroyed), the answer is dropped silently. If the
/// request's deadline passed before the answer, the server has already answered
/// deadline_exceeded and this answer is dropped. A second reply()/fail() is a no-op.
/// Never throws except std::bad_alloc.
class responder {
 public:
  responder() noexcept = default;  ///< an empty responder: done() is true
  responder(responder&&) noexcept = default;
  responder& operator=(responder&& o) noexcept;
  responder(const responder&) = delete;
  responder& operator=(const responder&) = delete;
  ~responder();

  /// Success: a Response without status whose payload is `payload` (the
  /// serialized response message). A payload over the server's max_message is
  /// answered resource_exhausted instead.
  void reply(std::string payload);
  /// Failure: a Response with status `s` and an empty payload (a status with
  /// code::ok reads as a success with an empty payload to every client).
  void fail(status s);
  /// True once reply() or fail() ran, or the server answered by itself (deadline).
  bool done() const noexcept;

 private:
  friend struct detail::pending_request;
  explicit responder(std::shared_ptr<detail::pending_request> p) noexcept : p_(std::move(p)) {}
  std::shared_ptr<detail::pending_request> p_;
};

/// A ttrpc server on a loop. The loop must outlive the server. Not copyable, not
/// movable. Single-threaded: every member, and every handler, runs on the loop
/// thread. Destroying the server closes its connections (pending responders become
/// no-ops) and unregisters its fds; the listening fds stay open (borrowed).
class server {
 public:
  /// max_message: the largest request and response body (ttrpc's 4 MiB).
  explicit server(loop& l, std::size_t max_message = 4 << 20);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// handler: (info, serialized request message, responder). The handler may keep
  /// the responder and answer later (e.g. Wait), while other requests on the same
  /// connection are served. `payload` is valid like `info`. A handler that throws
  /// is answered internal (the exception is swallowed: a peer must not be able to
  /// stop the loop). Adding the same service/method again replaces the handler.
  using handler = std::function<void(const request_info&, std::string_view payload, responder)>;
  void add(std::string service, std::string method, handler h);

  /// Serves an already listening unix stream socket (borrowed fd: the caller keeps
  /// it open while the server lives and closes it after). Connections are accepted
  /// with accept4(SOCK_CLOEXEC|SOCK_NONBLOCK); those whose SO_PEERCRED uid differs
  /// from the server's euid are closed at once. When accept fails for lack of fds
  /// (EMFILE/ENFILE/ENOBUFS/ENOMEM) the socket is not watched for 100 ms, so the
  /// loop does not spin. Throws std::system_error when the fd cannot be added to
  /// the loop. May be called for several sockets.
  void serve(int listen_fd);
  /// Serves one already connected stream socket (e.g. one end of a socketpair);
  /// the server takes ownership of `fd` (closed with the connection) and makes it
  /// non-blocking. No peer-credential check. Throws std::system_error like serve();
  /// `fd` is closed then too.
  void adopt(int fd);

  /// Open connections.
  std::size_t connections() const noexcept;
  /// Requests read but not yet answered, over all connections.
  std::size_t pending() const noexcept;
  /// Called when a connection closes (after its pending responders became
  /// no-ops); replaces an earlier callback.
  void on_connection_closed(std::function<void()> cb);

 private:
  std::shared_ptr<detail::server_state> impl_;
};

}  // namespace runcpp::ttrpc
