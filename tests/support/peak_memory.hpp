// Peak resident memory of this process, for the tests and benchmarks that bound
// what a call costs in memory:
//
//   auto grew = runcpp::testing::peak_rss_growth([&] { (void)parse_ps_json(text); });
//   if (!grew) GTEST_SKIP() << "cannot reset the peak RSS";
//   EXPECT_LT(*grew, limit);
//
// Header-only, so bench/ can use it too. Not thread-safe in the sense that any
// other thread's allocations during the call count as the call's.
#pragma once

#include <cstddef>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace runcpp::testing {

// True in a build with AddressSanitizer, whose allocator (redzones, a
// quarantine that keeps freed memory) changes what a call costs: bounds on
// peak memory are meant for, and checked in, builds without it.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool instrumented_allocator = true;
#elif defined(__has_feature)
inline constexpr bool instrumented_allocator = __has_feature(address_sanitizer);
#else
inline constexpr bool instrumented_allocator = false;
#endif

// A "<field>: <n> kB" value of /proc/self/status (VmHWM, VmRSS) in bytes;
// nullopt if it cannot be read.
inline std::optional<std::size_t> proc_status_bytes(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 && line[field.size()] == ':')
      return std::stoull(line.substr(field.size() + 1)) * 1024;
  }
  return std::nullopt;
}

// Resets the peak RSS (VmHWM) to the current RSS: "5" into /proc/self/clear_refs
// (Linux 4.0 and later). False when the kernel refuses.
inline bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// How many bytes the peak RSS rose above the RSS before fn() ran; nullopt when
// the peak cannot be reset or read.
template <class F>
std::optional<std::size_t> peak_rss_growth(F&& fn) {
  if (!reset_peak_rss()) return std::nullopt;
  const auto before = proc_status_bytes("VmRSS");
  std::forward<F>(fn)();
  const auto peak = proc_status_bytes("VmHWM");
  if (!before || !peak) return std::nullopt;
  return *peak > *before ? *peak - *before : 0;
}

}  // namespace runcpp::testing
