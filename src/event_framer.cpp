// Newline-delimited JSON framing for `runc events` (see event_framer.hpp).

#include "event_framer.hpp"

#include <limits>
#include <utility>

namespace runcpp::detail {

namespace {

bool is_blank(std::string_view line) noexcept {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

event_framer::event_framer(std::size_t max_line)
    // Keep max_line_ + 1 from overflowing; nobody needs a longer line.
    : max_line_(max_line < std::numeric_limits<std::size_t>::max() / 2
                    ? max_line
                    : std::numeric_limits<std::size_t>::max() / 2) {}

void event_framer::feed(std::string_view bytes) {
  // One '\r' beyond max_line_ may belong to a CRLF line end, so an unterminated
  // line can hold max_line_ + 1 bytes before it is known to be too long.
  const std::size_t hold = max_line_ + 1;
  while (!bytes.empty()) {
    const std::size_t nl = bytes.find('\n');
    const bool terminated = nl != std::string_view::npos;
    const std::string_view piece = bytes.substr(0, nl);
    bytes.remove_prefix(terminated ? nl + 1 : bytes.size());

    if (discarding_) {
      discarding_ = !terminated;
      continue;
    }
    if (piece.size() > hold - partial_.size()) {  // partial_.size() <= hold always
      push_overlong();
      discarding_ = !terminated;
      continue;
    }
    if (!terminated) {
      partial_.append(piece);
      continue;
    }
    if (partial_.empty()) {
      end_line(std::string(piece));
    } else {
      partial_.append(piece);
      std::string text = std::move(partial_);
      partial_.clear();
      end_line(std::move(text));
    }
  }
}

void event_framer::end_line(std::string text) {
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.size() > max_line_) return push_overlong();
  ++line_no_;
  if (is_blank(text)) return;
  queued_bytes_ += text.size();
  queue_.push_back({std::move(text), line_no_, false});
}

void event_framer::push_overlong() {
  ++line_no_;
  partial_.clear();
  partial_.shrink_to_fit();
  queue_.push_back({std::string(), line_no_, true});
}

std::optional<event_framer::line> event_framer::next_line() {
  if (queue_.empty()) return std::nullopt;
  line item = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_ -= item.text.size();
  return item;
}

std::optional<event_framer::line> event_framer::finish_line() {
  if (discarding_) {
    discarding_ = false;  // already reported
  } else if (!partial_.empty()) {
    std::string text = std::move(partial_);
    partial_.clear();
    end_line(std::move(text));
  }
  return next_line();
}

result<event> event_framer::to_event(const line& l) const {
  std::string where = "runc events line " + std::to_string(l.number);
  if (l.overlong) {
    return error(errc::parse_error,
                 where + " is longer than " + std::to_string(max_line_) + " bytes; skipped it");
  }
  result<event> parsed = parse_event_json(l.text);
  if (!parsed) return error(errc::parse_error, where + ": " + parsed.error().message());
  return parsed;
}

std::optional<result<event>> event_framer::next() {
  auto l = next_line();
  if (!l) return std::nullopt;
  return to_event(*l);
}

std::optional<result<event>> event_framer::finish() {
  auto l = finish_line();
  if (!l) return std::nullopt;
  return to_event(*l);
}

}  // namespace runcpp::detail
