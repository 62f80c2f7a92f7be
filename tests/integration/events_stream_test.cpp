// event_stream against fake_runc: bounded memory for a consumer of any speed,
// and the end of the stream at runc's exit however long its stdout stays open.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>

#include <runcpp/runcpp.hpp>

#include "support/hygiene.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif

constexpr std::size_t kib = 1024, mib = 1024 * kib;

// A field of /proc/self/status in bytes ("VmRSS", "VmHWM"); -1 when missing.
long long status_bytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1)) * 1024;
  return -1;
}

// Resets VmHWM to the current RSS (Linux 4.0+), so VmHWM is the peak from now on.
bool reset_peak_rss() {
  return static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5" << std::flush);
}

class events_stream : public testing::hygiene_test {
 protected:
  client make() const { return client(config{.command = testing::fake_runc_path()}); }

  // Kills the grandchild fake_runc left behind (it is not our child: no reaping).
  void kill_grandchild() const {
    if (!std::filesystem::exists(grandchild_pid_file())) return;
    const pid_t pid = std::stoi(testing::read_file(grandchild_pid_file()));
    if (pid > 1) ::kill(pid, SIGKILL);
  }
  std::string grandchild_pid_file() const { return (dir_.path() / "grandchild.pid").string(); }
  std::string grandchild_env() const { return "FAKE_RUNC_GRANDCHILD_PID_FILE=" + grandchild_pid_file(); }

  void TearDown() override {
    kill_grandchild();
    hygiene_test::TearDown();
  }

  testing::temp_dir dir_;
};

// --- item 1: bounded memory ------------------------------------------------------

struct memory_case {
  const char* name;
  std::size_t line_bytes;  // each event line, '\n' included
  std::size_t max_items;   // the consumer stops after this many (0: reads to the end)
  // Names the case in test names (instead of the struct's bytes).
  friend void PrintTo(const memory_case& c, std::ostream* os) { *os << c.name; }
};

class events_memory : public events_stream, public ::testing::WithParamInterface<memory_case> {};

// What it measures: a runtime writes 1 GiB of events as fast as the pipe takes
// them; the consumer sleeps 1 ms per item. Checked: the stream's buffered_bytes()
// never exceeds max_buffered_bytes after any item, and (outside sanitizers,
// whose allocators keep freed memory) this process's peak RSS (VmHWM, reset
// before the stream starts) grows by less than max_buffered_bytes + 2 MiB.
// ~1 MB lines run to the end (1,074 items); 4 KiB and 26-byte lines would take
// minutes at 1 ms per item, so the consumer stops after 3,000 of them: without
// the bound each next() read 64 KiB more than it handed out (a 190 MiB rise by
// then), and 26-byte lines also test the per-line bookkeeping.
TEST_P(events_memory, peak_rss_stays_under_the_cap_for_a_slow_consumer) {
  const memory_case& p = GetParam();
  // The 1 GiB is the figure; sanitizer builds copy 1/8 of it (they are
  // ~10x slower, and only the buffered_bytes() check applies there).
  const unsigned long long total = sanitized ? (128ULL << 20) : (1ULL << 30);
  auto c = make();
  ASSERT_TRUE(reset_peak_rss()) << "cannot reset VmHWM through /proc/self/clear_refs";
  const long long rss_before = status_bytes("VmRSS");
  ASSERT_GT(rss_before, 0);
  const auto started = clock_type::now();
  auto s = c.events("web", 1s,
                    {.extra_env = {"FAKE_RUNC_EVENTS=" + std::to_string(total),
                                   "FAKE_RUNC_EVENT_BYTES=" + std::to_string(p.line_bytes)}});
  ASSERT_TRUE(s) << s.error();
  std::size_t items = 0, most_buffered = 0;
  const auto until = clock_type::now() + 90s;
  while (p.max_items == 0 || items < p.max_items) {
    auto item = s->next({.deadline = until});
    if (!item) break;
    ASSERT_TRUE(*item) << "item " << items << ": " << item->error();
    ++items;
    most_buffered = std::max(most_buffered, s->buffered_bytes());
    std::this_thread::sleep_for(1ms);
  }
  const long long growth = status_bytes("VmHWM") - rss_before;
  const double seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  std::cout << "[events memory] " << p.name << ": " << items << " items of " << p.line_bytes << " B ("
            << (items * p.line_bytes) / mib << " MiB) in " << seconds << " s; peak RSS growth "
            << growth / 1024 << " KiB (limit " << (event_stream::max_buffered_bytes + 2 * mib) / kib
            << " KiB); buffered at most " << most_buffered << " B (cap " << event_stream::max_buffered_bytes
            << " B)\n";
  EXPECT_LE(most_buffered, event_stream::max_buffered_bytes);
  if (p.max_items == 0) {
    EXPECT_EQ(items, (total + p.line_bytes - 1) / p.line_bytes);
    EXPECT_TRUE(s->ended());
    EXPECT_EQ(s->end_status(), exit_status::exited(0));
  } else {
    EXPECT_EQ(items, p.max_items);
    (void)s->stop();
  }
  if (sanitized) {
    std::cout << "[events memory] peak RSS not checked: a sanitizer's allocator keeps freed memory\n";
    return;
  }
  EXPECT_LT(growth, static_cast<long long>(event_stream::max_buffered_bytes + 2 * mib));
}

INSTANTIATE_TEST_SUITE_P(events, events_memory,
                         ::testing::Values(memory_case{"quarter_mb_lines", 250000, 0},
                                           memory_case{"small_lines", 4096, 3000},
                                           memory_case{"tiny_lines", 26, 3000}),
                         [](const auto& test) { return std::string(test.param.name); });

// --- item 2: the end is runc's exit ----------------------------------------------

// True once `pid`, a child of this process, has exited and waits to be
// reaped (state Z in /proc/<pid>/stat); gives up after 10 s.
bool wait_until_zombie(pid_t pid) {
  const auto until = clock_type::now() + 10s;
  while (clock_type::now() < until) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z') return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

// runc enlarges its stdout pipe to 1 MiB (pipe-max-size: anyone may) and exits
// with status 3 at once; a process it left behind writes events to that stdout
// as fast as it can for a minute. Nobody reads until runc has exited and the
// descendant has filled the pipe, so there is always more to read: the stream
// must end with runc's status after one read before it saw the exit and at
// most after_exit_bytes after, not run on with the descendant's output.
TEST_F(events_stream, ends_at_runcs_exit_while_a_descendant_writes_on) {
  constexpr std::size_t line_bytes = 100;
  auto c = make();
  pid_t runc = 0;
  auto s = c.events("web", 1s,
                    {.extra_env = {"FAKE_RUNC_PIPE_BYTES=1048576", "FAKE_RUNC_GRANDCHILD_MS=60000",
                                   "FAKE_RUNC_GRANDCHILD_EVENTS=1",
                                   "FAKE_RUNC_EVENT_BYTES=" + std::to_string(line_bytes), grandchild_env(),
                                   "FAKE_RUNC_EXIT=3"},
                     .on_started = [&runc](int pid) { runc = pid; }});
  ASSERT_TRUE(s) << s.error();
  ASSERT_TRUE(wait_until_zombie(runc)) << "runc did not exit";
  ASSERT_TRUE(testing::wait_for_path(grandchild_pid_file() + ".full", 20s)) << "the pipe never filled";
  const auto started = clock_type::now();
  std::size_t events = 0;
  std::optional<error> last_error;
  while (auto item = s->next({.deadline = started + 20s})) {
    if (*item) {
      ++events;
      continue;
    }
    last_error = item->error();
    if (last_error->code() == errc::timeout) break;
  }
  const double seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  std::cout << "[events end] " << events << " events of " << line_bytes << " B after runc's exit, in "
            << seconds << " s\n";
  ASSERT_TRUE(s->ended()) << "still running after " << seconds << " s and " << events << " events";
  EXPECT_EQ(s->end_status(), exit_status::exited(3));
  ASSERT_TRUE(last_error);
  EXPECT_EQ(last_error->code(), errc::command_failed) << *last_error;
  EXPECT_EQ(last_error->exit(), exit_status::exited(3));
  EXPECT_GT(events, 0u);
  EXPECT_LE(events * line_bytes, event_stream::read_bytes + event_stream::after_exit_bytes);
}

// runc writes its events and exits; a silent descendant keeps stdout open for
// a minute. Every event runc wrote arrives, and the stream ends right after.
TEST_F(events_stream, delivers_runcs_events_and_ends_while_a_descendant_holds_stdout) {
  auto c = make();
  auto s = c.events("web", 1s,
                    {.extra_env = {"FAKE_RUNC_STDOUT_FILE=" +
                                       testing::test_data_path("runc-1.1.5/events-interval.ndjson").string(),
                                   "FAKE_RUNC_GRANDCHILD_MS=60000", grandchild_env()}});
  ASSERT_TRUE(s) << s.error();
  const auto started = clock_type::now();
  int events = 0;
  while (auto item = s->next({.deadline = started + 10s})) {
    ASSERT_TRUE(*item) << item->error();
    ++events;
  }
  EXPECT_EQ(events, 4);
  EXPECT_TRUE(s->ended());
  EXPECT_EQ(s->end_status(), exit_status::exited(0));
  EXPECT_LT(clock_type::now() - started, 5s);
}

// The same through an event loop that polls only pollable(): it must wake for
// runc's exit although stdout never reaches EOF.
TEST_F(events_stream, pollable_wakes_for_runcs_exit_while_a_descendant_holds_stdout) {
  auto c = make();
  auto s =
      c.events("web", 1s,
               {.extra_env = {"FAKE_RUNC_STDOUT_FILE=" +
                                  testing::test_data_path("runc-1.1.5/events-interval.ndjson").string(),
                              "FAKE_RUNC_SLEEP_MS=100", "FAKE_RUNC_GRANDCHILD_MS=60000", grandchild_env()}});
  ASSERT_TRUE(s) << s.error();
  int events = 0;
  const auto until = clock_type::now() + 10s;
  while (!s->ended() && clock_type::now() < until) {
    pollfd p{s->pollable(), POLLIN, 0};
    ASSERT_GE(p.fd, 0);
    ASSERT_EQ(::poll(&p, 1, 5000), 1) << "pollable() never became readable; " << events << " events so far";
    while (auto item = s->try_next()) {
      ASSERT_TRUE(*item) << item->error();
      ++events;
    }
  }
  EXPECT_TRUE(s->ended());
  EXPECT_EQ(events, 4);
  EXPECT_EQ(s->end_status(), exit_status::exited(0));
}

// An event loop that polls only pollable() while runc fills its stderr pipe:
// the stream must read stderr too, or runc blocks on it and never exits.
TEST_F(events_stream, pollable_wakes_for_stderr_so_runc_never_blocks_on_it) {
  auto c = make();
  // 256 KiB to each of stdout and stderr at once: lines of 'o' (not JSON) on
  // stdout, 'e' on stderr.
  auto s = c.events("web", 1s, {.extra_env = {"FAKE_RUNC_FLOOD=262144"}});
  ASSERT_TRUE(s) << s.error();
  int parse_errors = 0;
  const auto until = clock_type::now() + 10s;
  while (!s->ended() && clock_type::now() < until) {
    pollfd p{s->pollable(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1)
        << "pollable() never became readable; " << parse_errors << " items so far";
    while (auto item = s->try_next()) {
      ASSERT_FALSE(*item);
      EXPECT_EQ(item->error().code(), errc::parse_error);
      ++parse_errors;
    }
  }
  EXPECT_TRUE(s->ended());
  EXPECT_EQ(parse_errors, 262144 / 64);
  EXPECT_EQ(s->end_status(), exit_status::exited(0));
}

}  // namespace
}  // namespace runcpp
