/// @file
/// ttrpc client for unary calls over a unix stream socket (the shim's
/// Events/Forward to containerd's TTRPC_ADDRESS). One connection, opened lazily
/// and again after a failure; requests are pipelined on it with odd stream ids
/// 1, 3, 5, ... (restarting at 1 on each new connection).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <runcpp/ttrpc/frame.hpp>
#include <runcpp/ttrpc/loop.hpp>
#include <runcpp/ttrpc/status.hpp>

namespace runcpp::ttrpc {

/// Not copyable, not movable; the loop must outlive it. Single-threaded: use it on
/// the loop thread. Owns its socket (close-on-exec, non-blocking), closed by the
/// destructor or after a failure.
class client {
 public:
  /// Connects lazily to the unix socket `socket_path`; reconnects on the next call
  /// after a failure. max_message: the largest request and response body.
  client(loop& l, std::string socket_path, std::size_t max_message = default_max_message);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  using callback = std::function<void(status, std::string payload)>;
  /// Sends a request; cb gets the response's status and payload (the serialized
  /// response message, empty on failure). cb runs on the loop thread, exactly once,
  /// never from inside call(), unless the client is destroyed first (then it is
  /// destroyed without being called).
  ///   timeout > 0        -> timeout_nano on the wire and a local timer that answers
  ///                         deadline_exceeded (a late response is dropped);
  ///                         0 or negative: no timeout.
  ///   cannot connect     -> unavailable (with the connect error)
  ///   connection lost    -> unavailable for every call in flight; the next call
  ///                         connects again
  ///   response too large -> resource_exhausted
  ///   request too large  -> resource_exhausted, nothing sent
  /// Never throws except std::bad_alloc.
  void call(std::string service, std::string method, std::string payload, std::chrono::nanoseconds timeout,
            std::vector<metadata_entry> metadata, callback cb);

  /// Calls sent and not yet answered.
  std::size_t in_flight() const noexcept;
  /// Whether a connection is open now.
  bool connected() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace runcpp::ttrpc
