// Deadlines for poll() loops: every wait in the library (runner, sockets,
// events, wait_for_exit) sleeps in poll() until its deadline and re-checks.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

namespace runcpp::detail {

using clock = std::chrono::steady_clock;

// Milliseconds until the earlier of two optional deadlines, for poll()'s
// timeout: -1 when there is none, 0 once passed, never more than 60 s (callers
// loop and re-check, so a long wait is just several polls).
inline int poll_timeout_ms(std::optional<clock::time_point> a,
                           std::optional<clock::time_point> b = std::nullopt) {
  if (b && (!a || *b < *a)) a = b;
  if (!a) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*a - clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

inline bool deadline_passed(const std::optional<clock::time_point>& deadline) {
  return deadline && clock::now() >= *deadline;
}

}  // namespace runcpp::detail
