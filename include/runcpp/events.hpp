// File: runcpp/events.hpp
// event_stream: a running `runc events --interval=<d> <id>` and its output,
// pulled one item at a time. No hidden threads: poll pollable() in any event
// loop and call try_next(), or block in next(ctx), or iterate:
//
//   auto stream = runc.events("web", 250ms).value();
//   for (runcpp::result<runcpp::event> item : stream) {
//     if (!item) { std::cerr << item.error() << '\n'; continue; }   // one bad line
//     if (item->kind() == runcpp::event_type::oom) ...
//   }
//   if (stream.ended()) std::cout << stream.end_status()->to_string();
//
// Backpressure is natural: runc blocks on its pipe while nobody reads.
// Thread-safety: none; one thread drives a stream at a time. Moving is fine.
#pragma once

#include <chrono>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include <runcpp/call_context.hpp>
#include <runcpp/exit_status.hpp>
#include <runcpp/result.hpp>
#include <runcpp/stats.hpp>

namespace runcpp {

class event_stream {
 public:
  class impl;
  explicit event_stream(std::unique_ptr<impl> p) noexcept;
  event_stream(event_stream&&) noexcept;
  event_stream& operator=(event_stream&&) noexcept;
  // stop() with a bounded wait (SIGTERM, 1 s, SIGKILL); never blocks longer.
  ~event_stream();

  // runc's stdout; POLLIN when try_next() may have something. Borrowed.
  int pollable() const noexcept;

  // Non-blocking. An item when a complete line (or the end) is available:
  // an event, or an error item — errc::parse_error for one malformed or
  // overlong line (the stream continues at the next line), or, when runc
  // exited non-zero, its classified error (e.g. not_found, unsupported for a
  // runtime without `events`). nullopt when nothing is ready, or after the end.
  std::optional<result<event>> try_next();

  // Blocking: the next item, or nullopt at the end of the stream (runc exited
  // and every item was returned; see end_status()). A deadline or stop request
  // on ctx returns an errc::timeout / errc::cancelled item and leaves the
  // stream running.
  std::optional<result<event>> next(const call_context& ctx = {});

  // True once runc exited and every item was handed out.
  bool ended() const noexcept;
  // How runc ended (set once it exited).
  std::optional<exit_status> end_status() const noexcept;

  // Ends runc per `policy` (signal, grace, then SIGKILL) and reaps it; items
  // not yet read are dropped. Idempotent: returns the exit status.
  result<exit_status> stop(const stop_policy& policy = {});

  // Range-for over next() until the end.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = result<event>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(event_stream* s) : stream_(s) { ++*this; }
    const result<event>& operator*() const { return *item_; }
    iterator& operator++() {
      item_ = stream_->next();
      if (!item_) stream_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.stream_ == b.stream_; }

   private:
    event_stream* stream_ = nullptr;
    std::optional<result<event>> item_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  std::unique_ptr<impl> impl_;
};

// A Go duration for --interval: whole seconds as "5s", else milliseconds as
// "250ms" (go-runc truncates to whole seconds and sends "0s" for 250ms).
std::string format_go_duration(std::chrono::milliseconds d);

}  // namespace runcpp
