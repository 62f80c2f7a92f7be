// A one-way copy between two non-blocking fds on the shim's loop: a stdin fifo
// into the container's stdin pipe, a pty master into a stdout fifo, ... No
// thread: the loop calls it when the source is readable or the destination
// writable. At most one buffer (64 KiB) is held; while it is not flushed the
// source is not read, so a slow reader slows the writer instead of growing memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <runcpp/fd.hpp>
#include <runcpp/ttrpc/loop.hpp>

namespace runcpp::shim {

class pump {
 public:
  /// Starts copying `src` to `dst` (both owned, made non-blocking). `on_end`
  /// runs once, on the loop, when the copy ended: the source reached EOF (or
  /// EIO, a pty whose last slave closed) and everything read was written, or
  /// the destination failed (EPIPE: the rest is dropped). Then both fds are closed.
  pump(ttrpc::loop& l, unique_fd src, unique_fd dst, std::function<void()> on_end);
  ~pump();
  pump(const pump&) = delete;
  pump& operator=(const pump&) = delete;

  /// Stop reading; end once what was read is written (CloseIO).
  void close_source();
  /// Whether the copy has ended.
  bool ended() const noexcept { return ended_; }
  /// Bytes written to the destination so far (to tell a slow reader from a stuck one).
  std::uint64_t written() const noexcept { return written_; }

 private:
  void on_readable();
  void on_writable();
  void write_buffer();
  void finish();

  ttrpc::loop& loop_;
  unique_fd src_, dst_;
  std::function<void()> on_end_;
  std::string buf_;
  std::uint64_t written_ = 0;
  bool src_watched_ = false, dst_watched_ = false, eof_ = false, ended_ = false;
};

}  // namespace runcpp::shim
