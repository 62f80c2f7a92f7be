// deadline_after: now + a relative timeout as a steady_clock deadline, without
// overflowing the clock (a timeout beyond its range means no deadline).
#pragma once

#include <chrono>
#include <optional>

namespace runcpp::ttrpc {

inline std::optional<std::chrono::steady_clock::time_point> deadline_after(std::chrono::nanoseconds timeout) {
  using clock = std::chrono::steady_clock;
  if (timeout.count() <= 0) return std::nullopt;
  const auto now = clock::now();
  if (timeout >= clock::time_point::max() - now) return std::nullopt;
  return now + std::chrono::duration_cast<clock::duration>(timeout);
}

}  // namespace runcpp::ttrpc
