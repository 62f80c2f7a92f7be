// Internal: framing of `runc events` output, newline-delimited JSON, into
// typed events. The reader feeds whatever bytes a read() returned; the framer
// cuts lines, parses each one and hands out one item per line.
//
// Unlike go-runc's json.Decoder loop (whose sticky error turns one malformed
// line into an endless stream of identical error events), a bad line here is
// exactly one error item and framing resumes at the next newline. Memory is
// bounded: a line longer than max_line is reported once and the rest of it is
// dropped as it arrives, however long it runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include <runcpp/result.hpp>
#include <runcpp/stats.hpp>

namespace runcpp::detail {

// Not thread-safe: one framer per stream, used by one thread at a time.
class event_framer {
 public:
  // max_line: the longest line accepted, in bytes, without the '\n' and an
  // optional '\r' before it. runc's stats lines are a few KiB.
  explicit event_framer(std::size_t max_line = std::size_t{1} << 20);

  // Appends bytes read from the stream; any split is fine (mid-line, mid-UTF-8,
  // between '\r' and '\n'). Complete lines are queued for next().
  void feed(std::string_view bytes);

  // The next item, in stream order: a parsed event, or an errc::parse_error for
  // a line that is not a valid event or is longer than max_line (the message
  // names the line number, counted from 1, blank lines included). nullopt when
  // no complete line is waiting: feed more bytes.
  // Lines end at '\n'; one trailing '\r' is dropped; lines of only blanks
  // (space, tab, '\r') are skipped.
  std::optional<result<event>> next();

  // One framed line before parsing. next() is next_line() then to_event(),
  // split so the framing can be checked (and fuzzed) apart from the JSON
  // parser, which costs far more per line than cutting it.
  struct line {
    std::string text;      // without the line end; empty when overlong
    std::uint64_t number;  // 1-based line number in the stream
    bool overlong;         // longer than max_line; its bytes were dropped
    friend bool operator==(const line&, const line&) = default;
  };

  // Like next() and finish(), without parsing: the next non-blank line.
  std::optional<line> next_line();
  std::optional<line> finish_line();

  // The item next() makes of a line: the event, or an errc::parse_error
  // naming the line.
  result<event> to_event(const line& l) const;

  // True when a complete line (or an overlong-line report) waits for next().
  bool has_line() const noexcept { return !queue_.empty(); }

  // True when the bytes of an unterminated line are pending (or an overlong
  // line is still being discarded).
  bool has_partial() const noexcept { return discarding_ || !partial_.empty(); }

  // At end of stream: frames the unterminated last line, if any, as if a '\n'
  // had followed it, and then behaves like next(). Call until nullopt.
  std::optional<result<event>> finish();

  std::size_t max_line() const noexcept { return max_line_; }

  // Bytes held: the unterminated line plus complete lines not yet returned by
  // next(). The unterminated part never exceeds max_line() + 1.
  std::size_t buffered_bytes() const noexcept { return partial_.size() + queued_bytes_; }

 private:
  void end_line(std::string text);
  void push_overlong();

  std::size_t max_line_;
  std::deque<line> queue_;
  std::size_t queued_bytes_ = 0;
  std::string partial_;        // the unterminated line so far, <= max_line_ + 1 bytes
  bool discarding_ = false;    // inside an overlong line already reported
  std::uint64_t line_no_ = 0;  // lines started so far
};

}  // namespace runcpp::detail
