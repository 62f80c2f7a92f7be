// channel: one framed, non-blocking stream socket on a loop (Go ttrpc's
// channel.go plus its reader and writer goroutines). Reads whole frames and hands
// them to on_frame; queues outgoing frames and writes them as the socket accepts
// them (EPOLLOUT), pausing reads while too much output waits (back-pressure).
// Shared by the server's connections and the client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <runcpp/ttrpc/frame.hpp>
#include <runcpp/ttrpc/loop.hpp>

#include "owned_fd.hpp"

namespace runcpp::ttrpc {

class channel : public std::enable_shared_from_this<channel> {
 public:
  struct callbacks {
    std::function<void(frame&)> on_frame;
    // Once, when the channel closes (end of stream, error, protocol violation);
    // never from inside send() and never from the destructor.
    std::function<void()> on_close;
  };

  // Registers fd (owned, must be non-blocking) with the loop for reading. Throws
  // std::system_error when the loop refuses it (the fd is closed then).
  static std::shared_ptr<channel> open(loop& l, owned_fd fd, std::size_t max_message, callbacks cb);
  ~channel();  // unregisters and closes the fd without calling on_close
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  // Queues a complete frame. A write error closes the channel from the loop soon
  // after (on_close then), not from inside send().
  void send(std::string frame_bytes);
  // Unregisters, closes the fd and calls on_close (once). No-op when closed.
  void close();
  // Unregisters and closes the fd without calling on_close (the owner is going
  // away, maybe from inside one of the callbacks). No-op when closed.
  void shutdown() noexcept;
  bool closed() const noexcept { return !fd_; }
  // Bytes queued and not yet written.
  std::size_t queued() const noexcept { return queued_; }

  // Prevents construction outside open().
  struct token {};
  channel(token, loop& l, owned_fd fd, std::size_t max_message, callbacks cb);

 private:
  void on_events(std::uint32_t events);
  void on_readable();
  bool flush();  // false on a write error
  void update_interest();
  void close_soon();

  loop& loop_;
  owned_fd fd_;
  callbacks cb_;
  frame_decoder decoder_;
  std::size_t pause_at_;  // queued bytes at which reading pauses
  std::deque<std::string> out_;
  std::size_t out_offset_ = 0;  // of out_.front() already written
  std::size_t queued_ = 0;
  std::uint32_t interest_ = 0;
  std::uint64_t close_timer_ = 0;
};

}  // namespace runcpp::ttrpc
