// The internal process runner: stdin feeding, extra fds, io fds.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <system_error>

#include <runcpp/process_monitor.hpp>

#include "runner.hpp"
#include "support/hygiene.hpp"
#include "support/json.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

class runner : public testing::hygiene_test {
 protected:
  config cfg() const { return config{.command = testing::fake_runc_path()}; }
  std::string record_path() const { return (dir_.path() / "record.json").string(); }
  testing::temp_dir dir_;
};

TEST_F(runner, feeds_stdin_and_captures_separately) {
  call_context ctx{.extra_env = {"FAKE_RUNC_RECORD=" + record_path(), "FAKE_RUNC_READ_STDIN=1",
                                 "FAKE_RUNC_STDOUT=out", "FAKE_RUNC_STDERR=err"}};
  std::string big(1 << 20, 'x');  // larger than any pipe/socket buffer
  auto r =
      run_process(cfg(), ctx, invocation{{"update", "--resources=-", "c"}, true, nullptr, big, {}, {}, {}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->out, "out");
  EXPECT_EQ(r->err, "err");
  EXPECT_EQ(testing::read_record(record_path())["stdin_data"].get<std::string>().size(), big.size());
}

TEST_F(runner, stdin_to_a_runc_that_does_not_read_is_not_sigpipe) {
  call_context ctx{.extra_env = {"FAKE_RUNC_EXIT=0"}};
  std::string big(4 << 20, 'x');
  auto r = run_process(cfg(), ctx, invocation{{"update", "c"}, true, nullptr, big, {}, {}, {}});
  ASSERT_TRUE(r) << r.error();  // we are still alive: no SIGPIPE
  EXPECT_TRUE(r->status.success());
}

TEST_F(runner, extra_fds_land_at_3_and_up) {
  int a = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int b = ::open("/dev/zero", O_RDONLY | O_CLOEXEC);
  call_context ctx{.extra_env = {"FAKE_RUNC_RECORD=" + record_path()}};
  auto r = run_process(cfg(), ctx, invocation{{"create", "c"}, true, nullptr, std::nullopt, {b, a}, {}, {}});
  ::close(a);
  ::close(b);
  ASSERT_TRUE(r) << r.error();
  EXPECT_THAT(testing::read_record(record_path())["fds"].get<std::vector<int>>(), ElementsAre(0, 1, 2, 3, 4));
}

TEST_F(runner, extra_fds_sitting_at_target_numbers_are_not_clobbered) {
  // 24 pipes whose write ends have low numbers (overlapping targets 3..26),
  // passed in reverse order: a one-step dup2 plan would clobber sources.
  constexpr int n = 24;
  std::vector<std::pair<int, int>> pipes;
  for (int i = 0; i < n; ++i) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    pipes.emplace_back(p[0], p[1]);
  }
  std::vector<int> extra;
  for (int i = n - 1; i >= 0; --i) extra.push_back(pipes[static_cast<std::size_t>(i)].second);
  call_context ctx{.extra_env = {"FAKE_RUNC_WRITE_FDS=" + std::to_string(n)}};
  auto r = run_process(cfg(), ctx, invocation{{"x"}, true, nullptr, std::nullopt, extra, {}, {}});
  for (auto& p : pipes) ::close(p.second);
  ASSERT_TRUE(r) << r.error();
  std::vector<std::string> got;
  for (std::size_t k = 0; k < extra.size(); ++k) {
    char buf[16] = {};
    ssize_t len = ::read(pipes[static_cast<std::size_t>(n) - 1 - k].first, buf, sizeof buf - 1);
    got.emplace_back(len > 0 ? buf : "<nothing>");
  }
  for (auto& p : pipes) ::close(p.first);
  for (std::size_t k = 0; k < got.size(); ++k)
    EXPECT_EQ(got[k], std::to_string(3 + k)) << "extra_fds[" << k << "]";
}

TEST_F(runner, fork_path_reports_a_failed_exec_with_fds_0_and_1_closed) {
  // With fds 0 and 1 closed in this process, the fork path's error pipe took
  // those numbers, and the child's dup2 to targets 0 and 1 overwrote it: the
  // failed exec then looked like a child that had started.
  const int saved_in = ::fcntl(0, F_DUPFD_CLOEXEC, 10);
  const int saved_out = ::fcntl(1, F_DUPFD_CLOEXEC, 10);
  ASSERT_GE(saved_in, 0);
  ASSERT_GE(saved_out, 0);
  std::fflush(stdout);
  ::close(0);
  ::close(1);
  auto child = make_pidfd_monitor()->start(
      spawn_request{"/nonexistent/runc", {"runc"}, {}, {-1, -1, -1}, {}, false, SIGKILL});
  ::dup2(saved_in, 0);
  ::dup2(saved_out, 1);
  ::close(saved_in);
  ::close(saved_out);
  if (child)
    (void)wait_for_exit(**child, {.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10)});
  ASSERT_FALSE(child) << "a failed exec was reported as a started child";
  EXPECT_EQ(child.error().code(), errc::spawn_failed);
  EXPECT_EQ(child.error().cause(), std::errc::no_such_file_or_directory) << child.error();
}

}  // namespace
}  // namespace runcpp::detail
