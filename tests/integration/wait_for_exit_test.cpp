// wait_for_exit on children of the default pidfd monitor: exit codes and
// signals, a deadline or a stop request that leaves the child running, an
// exit that wins over both, and a stop requested from another thread. The
// reaper's children go through it in reaper_test.cpp.
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include <runcpp/process_monitor.hpp>

#include "support/hygiene.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

class wait_for_exit_test : public testing::hygiene_test {
 protected:
  std::unique_ptr<child_process> shell(const std::string& script) {
    auto child = monitor_->start({"/bin/sh", {"sh", "-c", script}, {}, {-1, -1, -1}, {}, false, 0});
    EXPECT_TRUE(child) << child.error();
    return child ? std::move(*child) : nullptr;
  }
  // Ends a child that a test left running, so the fixture finds no child.
  static void finish(child_process& c) {
    ASSERT_TRUE(c.signal(SIGKILL, false));
    auto st = wait_for_exit(c, {.deadline = clock_type::now() + 10s});
    ASSERT_TRUE(st) << st.error();
    EXPECT_EQ(*st, exit_status::signaled(SIGKILL));
  }
  std::shared_ptr<process_monitor> monitor_ = make_pidfd_monitor();
};

TEST_F(wait_for_exit_test, returns_the_exit_code_and_keeps_returning_it) {
  auto c = shell("exit 3");
  ASSERT_TRUE(c);
  auto st = wait_for_exit(*c);
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::exited(3));
  auto again = wait_for_exit(*c);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, exit_status::exited(3));
}

TEST_F(wait_for_exit_test, reports_a_signal_as_a_signal) {
  auto c = shell("kill -TERM $$; sleep 10");
  ASSERT_TRUE(c);
  auto st = wait_for_exit(*c, {.deadline = clock_type::now() + 10s});
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::signaled(SIGTERM));
}

TEST_F(wait_for_exit_test, deadline_returns_timeout_and_leaves_the_child_running) {
  auto c = shell("sleep 30");
  ASSERT_TRUE(c);
  const auto start = clock_type::now();
  auto st = wait_for_exit(*c, {.deadline = start + 200ms});
  const auto waited = clock_type::now() - start;
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), errc::timeout);
  EXPECT_NE(st.error().message().find("pid " + std::to_string(c->pid())), std::string::npos)
      << st.error().message();
  EXPECT_GE(waited, 200ms);
  EXPECT_LT(waited, 5s);
  auto now = c->try_wait();
  ASSERT_TRUE(now) << now.error();
  EXPECT_FALSE(*now) << "the child must still be running";
  finish(*c);
}

TEST_F(wait_for_exit_test, stop_already_requested_is_cancelled_at_once) {
  auto c = shell("sleep 30");
  ASSERT_TRUE(c);
  std::stop_source stop;
  stop.request_stop();
  auto st = wait_for_exit(*c, {.stop = stop.get_token()});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), errc::cancelled);
  finish(*c);
}

TEST_F(wait_for_exit_test, cancel_from_another_thread_wakes_the_wait) {
  auto c = shell("sleep 30");
  ASSERT_TRUE(c);
  std::stop_source stop;
  std::jthread canceller([&stop] {
    std::this_thread::sleep_for(100ms);
    stop.request_stop();
  });
  const auto start = clock_type::now();
  auto st = wait_for_exit(*c, {.stop = stop.get_token(), .deadline = start + 20s});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), errc::cancelled);
  EXPECT_LT(clock_type::now() - start, 5s);
  finish(*c);
}

TEST_F(wait_for_exit_test, an_exit_that_happened_wins_over_a_passed_deadline_and_a_stop) {
  auto c = shell("exit 5");
  ASSERT_TRUE(c);
  ASSERT_TRUE(wait_for_exit(*c, {.deadline = clock_type::now() + 10s}));
  std::stop_source stop;
  stop.request_stop();
  auto st = wait_for_exit(*c, {.stop = stop.get_token(), .deadline = clock_type::now() - 1s});
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::exited(5));
}

// A child whose exit_fd is always readable but which reports "running" until
// `exits_at` (a stopped reaper that could not open a pidfd does this).
class stale_fd_child final : public child_process {
 public:
  explicit stale_fd_child(clock_type::time_point exits_at) : exits_at_(exits_at) {
    fd_ = ::eventfd(1, EFD_CLOEXEC);
  }
  ~stale_fd_child() override { ::close(fd_); }
  stale_fd_child(const stale_fd_child&) = delete;
  stale_fd_child& operator=(const stale_fd_child&) = delete;
  int pid() const noexcept override { return 4242; }
  int exit_fd() const noexcept override { return fd_; }
  result<std::optional<exit_status>> try_wait() override {
    ++polls;
    if (clock_type::now() < exits_at_) return std::optional<exit_status>{};
    return std::optional<exit_status>(exit_status::exited(9));
  }
  result<void> signal(int, bool) override { return {}; }
  int polls = 0;

 private:
  clock_type::time_point exits_at_;
  int fd_ = -1;
};

TEST_F(wait_for_exit_test, an_exit_fd_that_stays_readable_is_rechecked_on_a_timer_not_spun_on) {
  stale_fd_child c(clock_type::now() + 300ms);
  ASSERT_GE(c.exit_fd(), 0);
  auto st = wait_for_exit(c, {.deadline = clock_type::now() + 10s});
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::exited(9));
  // 300 ms at one check per 10 ms is about 30; spinning would be many thousands.
  EXPECT_LT(c.polls, 100) << "wait_for_exit spun on a readable exit_fd";
  EXPECT_GE(c.polls, 3);
}

}  // namespace
}  // namespace runcpp
