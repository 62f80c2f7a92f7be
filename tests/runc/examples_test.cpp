// Runs the example programs (examples/*.cpp) against the real runc and crun
// and checks what they print, so the code users copy from keeps working. The binaries
// are found next to this test binary's build tree: <tree>/tests/runcpp_runc_tests
// -> <tree>/examples/<name>. Needs root, runc and busybox-static (as the
// examples do); skips with a printed reason otherwise.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <runcpp/runcpp.hpp>

#include "runc/runc_fixture.hpp"

extern char** environ;

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;

class runc_examples : public testing::runc_fixture {
 protected:
  void SetUp() override {
    runc_fixture::SetUp();
    if (IsSkipped()) return;
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    ASSERT_FALSE(ec) << "readlink /proc/self/exe: " << ec.message();
    examples_ = self.parent_path().parent_path() / "examples";
    if (!std::filesystem::is_directory(examples_))
      GTEST_SKIP() << "examples are not built in this tree (RUNCPP_BUILD_EXAMPLES=OFF): no " << examples_;
  }

  struct outcome {
    int status = -1;     // wait status
    std::string output;  // stdout and stderr, interleaved
    bool timed_out = false;
    std::vector<std::string> lines() const {
      std::vector<std::string> out;
      std::istringstream in(output);
      for (std::string line; std::getline(in, line);) out.push_back(line);
      return out;
    }
    bool exited_ok() const { return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
  };

  // Runs examples/<name> with `args`, stdin /dev/null, stdout+stderr captured;
  // SIGKILLs it after `timeout` (the test then fails with what it printed).
  outcome run_example(const std::string& name, std::vector<std::string> args,
                      std::chrono::milliseconds timeout = 9000ms) {
    outcome out;
    const auto path = examples_ / name;
    if (::access(path.c_str(), X_OK) != 0) {
      ADD_FAILURE() << path << " is missing: build the runcpp_example_" << name << " target";
      return out;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2 failed";
      return out;
    }
    unique_fd read_end(fds[0]), write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);
    std::vector<std::string> argv_s{path.string()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    write_end.reset();
    if (rc != 0) {
      ADD_FAILURE() << "posix_spawn " << path << ": " << std::strerror(rc);
      return out;
    }
    auto read = testing::read_until(read_end.get(), timeout);
    out.output = read.text;
    out.timed_out = read.timed_out;
    if (read.timed_out) ::kill(pid, SIGKILL);
    // EOF on the pipe normally means it exited; bound the wait anyway.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (::waitpid(pid, &out.status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &out.status, 0);
        out.timed_out = true;
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    return out;
  }

  std::filesystem::path examples_;
};

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

TEST_P(runc_examples, pipes_streams_the_containers_lines_and_its_exit_status) {
  auto r = run_example("pipes", {"--runtime", runtime_path_});
  ASSERT_TRUE(r.exited_ok()) << describe(r.status) << (r.timed_out ? " (timed out)" : "") << "; output:\n"
                             << r.output;
  auto lines = r.lines();
  EXPECT_THAT(lines, Contains("[stdout] hello, runcpp")) << r.output;
  EXPECT_THAT(lines, Contains("[stderr] a line on stderr")) << r.output;
  EXPECT_THAT(lines, Contains("[stdout] goodbye")) << r.output;
  EXPECT_THAT(lines, Contains(HasSubstr("is stopped: exit status 3"))) << r.output;
  EXPECT_THAT(lines, Contains(::testing::StartsWith("removed "))) << r.output;
}

TEST_P(runc_examples, bundle_edit_builds_runs_edits_and_runs_again) {
  auto r = run_example("bundle_edit", {"--runtime", runtime_path_});
  ASSERT_TRUE(r.exited_ok()) << describe(r.status) << (r.timed_out ? " (timed out)" : "") << "; output:\n"
                             << r.output;
  auto lines = r.lines();
  EXPECT_THAT(lines, Contains("hello from built-by-runcpp"))
      << r.output;  // env and hostname from the builder
  EXPECT_THAT(lines, Contains("first run exited with 0")) << r.output;
  EXPECT_THAT(lines, Contains("edited")) << r.output;  // args edited through load_config/save_config
  EXPECT_THAT(lines, Contains("second run exited with 3")) << r.output;
}

TEST_P(runc_examples, exec_tty_script_runs_in_a_terminal_of_the_given_size) {
  auto r = run_example("exec_tty", {"--runtime", runtime_path_, "--script", "echo hi; stty size; exit",
                                    "--size", "40x100"});
  ASSERT_TRUE(r.exited_ok()) << describe(r.status) << (r.timed_out ? " (timed out)" : "") << "; output:\n"
                             << r.output;
  auto lines = r.lines();
  EXPECT_THAT(lines, Contains("hi")) << r.output;
  EXPECT_THAT(lines, Contains("40 100")) << r.output;
}

TEST_P(runc_examples, exec_tty_joins_an_existing_container) {
  auto id = run_detached({"sleep", "1000"}, "tty");
  ASSERT_EQ(wait_for(id, container_status::running), container_status::running);
  auto r = run_example("exec_tty", {"--runtime", runtime_path_, "--root", root_->path().string(), "--id", id,
                                    "--script", "echo in-$(hostname); stty size; exit"});
  ASSERT_TRUE(r.exited_ok()) << describe(r.status) << (r.timed_out ? " (timed out)" : "") << "; output:\n"
                             << r.output;
  auto lines = r.lines();
  EXPECT_THAT(lines, Contains("in-runc")) << r.output;  // the bundle's hostname
  EXPECT_THAT(lines, Contains("24 80")) << r.output;    // the default size without a terminal
  // The example only exec'd into it: the container still runs.
  EXPECT_EQ(client_->state(id)->status, container_status::running);
}

TEST_P(runc_examples, events_monitor_prints_samples_until_the_time_is_up) {
  auto r = run_example("events_monitor", {"--runtime", runtime_path_, "--seconds", "2", "--interval", "200"});
  if (is_crun()) {  // no `events` in crun 1.8.1: the example says so and fails
    ASSERT_FALSE(r.timed_out) << r.output;
    EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1) << describe(r.status) << "; output:\n"
                                                                   << r.output;
    EXPECT_THAT(r.output, HasSubstr("unknown command events")) << r.output;
    return;
  }
  ASSERT_TRUE(r.exited_ok()) << describe(r.status) << (r.timed_out ? " (timed out)" : "") << "; output:\n"
                             << r.output;
  int samples = 0;
  for (const auto& line : r.lines())
    if (line.starts_with("t=") && line.find(" cpu ") != std::string::npos &&
        line.find(" mem ") != std::string::npos && line.find("/ 128.0 MiB") != std::string::npos)
      ++samples;
  EXPECT_GE(samples, 3) << "lines with cpu and memory (limit 128 MiB, set by update) in:\n" << r.output;
  EXPECT_THAT(r.lines(), Contains("2 s elapsed")) << r.output;
}

RUNCPP_ALL_RUNTIMES(examples, runc_examples);

}  // namespace
}  // namespace runcpp
