// runcpp::reaper with the real runc 1.1.5 and crun 1.8.1: a subreaper collects
// the exits of detached containers' init processes, and runtime calls made
// through the reaper never see ECHILD. Needs root; skips with a printed reason
// when the runtime or busybox-static is missing.
//
// PR_SET_CHILD_SUBREAPER is process-wide and sticky, so each scenario runs in a
// forked child process; this process only prepares the bundle and ids and
// force-deletes the containers afterwards, pass or fail.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <string>
#include <system_error>

#include <runcpp/client.hpp>
#include <runcpp/pid_file.hpp>
#include <runcpp/reaper.hpp>

#include "runc/runc_fixture.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// Runs `scenario` in a forked child process; returns its exit code, or
// 128+signal. The scenario reports on stderr (gtest macros would not reach
// this process) and returns the number of failed checks.
int run_in_child(const std::function<int()>& scenario) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int rc = scenario();
    std::fflush(nullptr);
    ::_exit(rc > 125 ? 125 : rc);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct checker {
  int failures = 0;
  bool operator()(bool ok, const std::string& what) {
    if (!ok) {
      ++failures;
      std::fprintf(stderr, "check failed: %s\n", what.c_str());
    }
    return ok;
  }
  // A client call: succeeded, and in any case never lost runc's exit (ECHILD).
  template <typename T>
  bool call(const result<T>& r, const std::string& what) {
    if (!r) {
      check_not_echild(r.error(), what);
      return (*this)(false, what + ": " + r.error().to_string());
    }
    return true;
  }
  void check_not_echild(const error& e, const std::string& what) {
    (*this)(e.code() != errc::io_error && e.cause() != std::errc::no_child_process,
            what + " lost runc's exit: " + e.to_string());
  }
};

class reaper_runc : public testing::hygiene_test, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    testing::hygiene_test::SetUp();
    if (::geteuid() != 0) GTEST_SKIP() << "real-runtime tests need root";
    auto path = testing::find_runtime(GetParam());
    if (!path) GTEST_SKIP() << GetParam() << " is not installed (scripts/test installs it)";
    if (auto why = testing::cgroup_layout_refuses(*path)) GTEST_SKIP() << *why;
    runc_ = *path;
    std::string why;
    bundle_ = testing::busybox_bundle::make(&why);
    if (!bundle_) GTEST_SKIP() << "no busybox bundle: " << why;
    root_.emplace(runc_);
  }

  std::string runc_;
  std::optional<testing::busybox_bundle> bundle_;
  std::optional<testing::runtime_root> root_;  // after the bundle: destroyed first
};

TEST_P(reaper_runc, a_subreaper_collects_the_exit_of_a_detached_containers_init) {
  const auto id = root_->track(testing::unique_id("reaper-exit"));
  const auto pid_file = bundle_->path() / "init.pid";
  bundle_->set_args({"sh", "-c", "sleep 0.5; exit 5"});
  bundle_->write();

  int rc = run_in_child([&] {
    checker check;
    {
      auto r = reaper::create({.become_subreaper = true});
      if (!check(r.has_value(), "reaper::create")) return 1;
      client c(config{.command = runc_, .root = root_->path(), .monitor = *r});
      auto sub = (*r)->subscribe();
      if (!check(sub.has_value(), "subscribe")) return 1;

      auto run = c.run(id, bundle_->path(), {.pid_file = pid_file, .detach = true});
      if (!check.call(run, "run --detach")) return check.failures;
      auto pid = read_pid_file(pid_file);
      if (!check.call(pid, "read_pid_file")) return check.failures;
      auto st = (*sub)->wait(*pid, {.deadline = clock_type::now() + 20s});
      if (check.call(st, "wait for the init's exit"))
        check(*st == exit_status::exited(5), "init exit: " + st->to_string() + ", want exit status 5");
      check.call(c.remove(id, {.force = true}), "delete");
      check((*r)->stats().reaped >= 3, "runc run, the init and runc delete were reaped");
    }  // the reaper stops here: runtime_root's own waitpid cannot race it
    return check.failures;
  });
  EXPECT_EQ(rc, 0) << "see the forked scenario's stderr above";
}

TEST_P(reaper_runc, a_killed_init_is_reported_as_signaled) {
  const auto id = root_->track(testing::unique_id("reaper-kill"));
  const auto pid_file = bundle_->path() / "init.pid";
  bundle_->set_args({"sleep", "100"});
  bundle_->write();

  int rc = run_in_child([&] {
    checker check;
    {
      auto r = reaper::create({.become_subreaper = true});
      if (!check(r.has_value(), "reaper::create")) return 1;
      client c(config{.command = runc_, .root = root_->path(), .monitor = *r});
      auto sub = (*r)->subscribe();
      if (!check(sub.has_value(), "subscribe")) return 1;

      auto run = c.run(id, bundle_->path(), {.pid_file = pid_file, .detach = true});
      if (!check.call(run, "run --detach")) return check.failures;
      auto pid = read_pid_file(pid_file);
      if (!check.call(pid, "read_pid_file")) return check.failures;
      auto early = (*sub)->wait(*pid, {.deadline = clock_type::now() + 200ms});
      check(!early && early.error().code() == errc::timeout, "the init runs until killed");
      auto state = c.state(id);
      if (check.call(state, "state"))
        check(state->pid == *pid,
              "state pid " + std::to_string(state->pid) + " == pid file " + std::to_string(*pid));

      check.call(c.kill(id, SIGKILL), "kill");
      auto st = (*sub)->wait(*pid, {.deadline = clock_type::now() + 20s});
      if (check.call(st, "wait for the init's exit")) {
        check(*st == exit_status::signaled(SIGKILL), "init exit: " + st->to_string() + ", want SIGKILL");
        check(st->go_status() == 137, "go_status 137");
      }
      check.call(c.remove(id, {.force = true}), "delete");
    }
    return check.failures;
  });
  EXPECT_EQ(rc, 0) << "see the forked scenario's stderr above";
}

INSTANTIATE_TEST_SUITE_P(reaper, reaper_runc, ::testing::ValuesIn(testing::all_runtimes()),
                         testing::runtime_param_name);

}  // namespace
}  // namespace runcpp
