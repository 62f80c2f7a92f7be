/// @file
/// event_stream: a running `runc events --interval=<d> <id>` and its output,
/// pulled one item at a time. No hidden threads: poll pollable() in any event
/// loop and call try_next(), or block in next(ctx), or iterate:
///
/// @code
///   auto stream = runc.events("web", 250ms).value();
///   for (runcpp::result<runcpp::event> item : stream) {
///     if (!item) { std::cerr << item.error() << '\n'; continue; }   // one bad line
///     if (item->kind() == runcpp::event_type::oom) ...
///   }
///   if (stream.ended()) std::cout << stream.end_status()->to_string();
/// @endcode
///
/// Memory is bounded for a consumer of any speed: the stream reads runc's
/// stdout only once every line it read was handed out, so it never holds more
/// than event_stream::max_buffered_bytes of runc's output. While it holds a
/// line nobody took, runc blocks on its full pipe: that is the backpressure.
///
/// The stream ends when runc exits, not at EOF on its stdout (a process runc
/// left behind may keep that open, and write to it, forever): see
/// event_stream::after_exit_bytes.
/// Thread-safety: none; one thread drives a stream at a time. Moving is fine.
#pragma once

#include <chrono>
#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include <runcpp/call_context.hpp>
#include <runcpp/exit_status.hpp>
#include <runcpp/result.hpp>
#include <runcpp/stats.hpp>

namespace runcpp {

/// The events of one `runc events` process, pulled by the caller: no thread is started.
/// Owns the runc process, its stdout and stderr and pollable(); move-only. Not thread-safe: use it from one
/// thread at a time (pollable() may be polled from another).
class event_stream {
 public:
  class impl;

  /// The longest event line accepted, in bytes (without its line end): a longer
  /// one is a single errc::parse_error item, its bytes dropped as they arrive.
  static constexpr std::size_t max_line_bytes = std::size_t{1} << 20;
  /// The most bytes one read() of runc's stdout takes.
  static constexpr std::size_t read_bytes = std::size_t{64} << 10;
  /// The cap on runc's output a stream holds (buffered_bytes()), whatever the
  /// consumer's speed: the unterminated line being assembled (at most
  /// max_line_bytes + 1, for the CR of a CRLF) plus what one read() brought, since
  /// the next read waits until every line read so far was handed out.
  /// 1 MiB + 64 KiB + 1 byte. Each line waiting also costs a fixed few dozen
  /// bytes of bookkeeping (about read_bytes / 2 lines wait at most).
  static constexpr std::size_t max_buffered_bytes = max_line_bytes + 1 + read_bytes;
  /// The end-of-stream rule. Once runc has exited, everything it wrote is in
  /// its pipes (it blocks in write() until it is), and a pipe holds at most
  /// 1 MiB unless a privileged process enlarged it (Linux's default
  /// pipe-max-size). So after runc's exit the stream reads stdout and stderr
  /// only while they have data, and at most this many more bytes of each; then
  /// it closes them, hands out the lines it holds and ends with runc's status
  /// (its classified error as the last item when runc failed). A descendant of
  /// runc that keeps the pipes open, silent or writing, cannot prolong the
  /// stream; what it writes beyond the budget is never read.
  static constexpr std::size_t after_exit_bytes = std::size_t{1} << 20;

  /// Adopts an implementation; client::events() makes event_streams.
  explicit event_stream(std::unique_ptr<impl> p) noexcept;
  /// Takes over `other`'s runc process; `other` is left empty.
  event_stream(event_stream&&) noexcept;
  /// Stops this stream's runc (as the destructor does), then takes over `other`'s.
  event_stream& operator=(event_stream&&) noexcept;
  /// stop() with a bounded wait (SIGTERM, 1 s, SIGKILL); never blocks longer.
  ~event_stream();

  /// An epoll fd watching runc's stdout, its stderr and its exit: POLLIN when
  /// try_next() may have something to do. Call try_next() until it returns
  /// nullopt before polling again. Owned by the stream (borrowed here); -1
  /// for a moved-from stream.
  int pollable() const noexcept;

  /// Non-blocking. An item when a complete line (or the end) is available:
  /// an event, or an error item — errc::parse_error for one malformed or
  /// overlong line (the stream continues at the next line), or, when runc
  /// exited non-zero, its classified error (e.g. not_found, unsupported for a
  /// runtime without `events`). nullopt when nothing is ready, or after the end.
  std::optional<result<event>> try_next();

  /// Blocking: the next item, or nullopt at the end of the stream (runc exited
  /// and every item was returned; see end_status()). A deadline or stop request
  /// on ctx returns an errc::timeout / errc::cancelled item and leaves the
  /// stream running.
  std::optional<result<event>> next(const call_context& ctx = {});

  /// True once runc exited and every item was handed out.
  bool ended() const noexcept;
  /// How runc ended (set once it exited).
  std::optional<exit_status> end_status() const noexcept;
  /// Bytes of runc's output held now: lines read and not yet handed out, plus
  /// the unterminated line. Never more than max_buffered_bytes. Non-blocking.
  std::size_t buffered_bytes() const noexcept;

  /// Ends runc per `policy` (signal, grace, then SIGKILL) and reaps it; items
  /// not yet read are dropped. Idempotent: returns the exit status.
  result<exit_status> stop(const stop_policy& policy = {});

  /// Range-for over next() until the end.
  class iterator {
   public:
    /// @{
    /// Iterator member types: a single-pass input iterator over result<event>.
    using iterator_category = std::input_iterator_tag;
    using value_type = result<event>;
    using difference_type = std::ptrdiff_t;
    /// @}
    /// The end iterator.
    iterator() = default;
    /// Reads the first item of `s` (blocking).
    explicit iterator(event_stream* s) : stream_(s) { ++*this; }
    /// The current item: an event or an error item.
    const result<event>& operator*() const { return *item_; }
    /// Reads the next item (blocking); becomes the end iterator at the end.
    iterator& operator++() {
      item_ = stream_->next();
      if (!item_) stream_ = nullptr;
      return *this;
    }
    /// Reads the next item (blocking).
    void operator++(int) { ++*this; }
    /// Equal when both are the end or both read the same stream.
    friend bool operator==(const iterator& a, const iterator& b) { return a.stream_ == b.stream_; }

   private:
    event_stream* stream_ = nullptr;
    std::optional<result<event>> item_;
  };
  /// Starts reading (blocking for the first item).
  iterator begin() { return iterator(this); }
  /// The end of the stream.
  iterator end() { return iterator(); }

 private:
  std::unique_ptr<impl> impl_;
};

/// A Go duration for --interval: whole seconds as "5s", else milliseconds as
/// "250ms" (go-runc truncates to whole seconds and sends "0s" for 250ms).
std::string format_go_duration(std::chrono::milliseconds d);

}  // namespace runcpp
