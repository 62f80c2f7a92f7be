// runcpp::reaper with the real runc 1.1.5 and crun 1.8.1: a subreaper collects
// the exits of detached containers' init processes, and runtime calls made
// through the reaper never see ECHILD. Needs root; skips with a printed reason
// when the runtime or busybox-static is missing.
//
// PR_SET_CHILD_SUBREAPER is process-wide and sticky, so each scenario runs in a
// forked child process; this process only prepares the bundle and ids and
// force-deletes the containers afterwards, pass or fail.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <runcpp/client.hpp>
#include <runcpp/pid_file.hpp>
#include <runcpp/reaper.hpp>
#include <runcpp/spec.hpp>

#include "runc/runc_fixture.hpp"
#include "support/forked.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A forked scenario's checks, plus: a client call succeeded, and in any case
// never lost runc's exit (ECHILD).
struct runc_checker : testing::checker {
  template <typename T>
  bool call(const result<T>& r, const std::string& what) {
    if (!r) {
      (*this)(r.error().code() != errc::io_error && r.error().cause() != std::errc::no_child_process,
              what + " lost runc's exit: " + r.error().to_string());
      return (*this)(false, what + ": " + r.error().to_string());
    }
    return true;
  }
};

// What every scenario starts with: a subreaper, a client that uses it, a
// subscription made before runc starts, and a detached container from the
// bundle, with its init's pid. Null (the checks say why) if a step failed.
struct detached_start {
  std::shared_ptr<reaper> monitor;
  std::unique_ptr<client> runtime;
  std::shared_ptr<reaper::subscription> sub;
  int pid = 0;
};
std::optional<detached_start> start_detached(runc_checker& check, const std::string& runc,
                                             const std::filesystem::path& root, const std::string& id,
                                             const std::filesystem::path& bundle) {
  detached_start d;
  auto r = reaper::create({.become_subreaper = true});
  if (!check(r.has_value(), "reaper::create")) return std::nullopt;
  d.monitor = *r;
  d.runtime = std::make_unique<client>(config{.command = runc, .root = root, .monitor = d.monitor});
  auto sub = d.monitor->subscribe();
  if (!check(sub.has_value(), "subscribe")) return std::nullopt;
  d.sub = *sub;
  const auto pid_file = bundle / "init.pid";
  if (!check.call(d.runtime->run(id, bundle, {.pid_file = pid_file, .detach = true}), "run --detach"))
    return std::nullopt;
  auto pid = read_pid_file(pid_file);
  if (!check.call(pid, "read_pid_file")) return std::nullopt;
  d.pid = *pid;
  return d;
}

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
  bundle_->set_args({"sh", "-c", "sleep 0.5; exit 5"});
  bundle_->write();

  int rc = testing::run_in_child([&] {
    runc_checker check;
    {
      auto d = start_detached(check, runc_, root_->path(), id, bundle_->path());
      if (!d) return check.failures;
      auto st = d->sub->wait(d->pid, {.deadline = clock_type::now() + 20s});
      if (check.call(st, "wait for the init's exit"))
        check(*st == exit_status::exited(5), "init exit: " + st->to_string() + ", want exit status 5");
      check.call(d->runtime->remove(id, {.force = true}), "delete");
      check(d->monitor->stats().reaped >= 3, "runc run, the init and runc delete were reaped");
    }  // the reaper stops here: runtime_root's own waitpid cannot race it
    return check.failures;
  });
  EXPECT_EQ(rc, 0) << "see the forked scenario's stderr above";
}

TEST_P(reaper_runc, a_killed_init_is_reported_as_signaled) {
  const auto id = root_->track(testing::unique_id("reaper-kill"));
  bundle_->set_args({"sleep", "100"});
  bundle_->write();

  int rc = testing::run_in_child([&] {
    runc_checker check;
    {
      auto d = start_detached(check, runc_, root_->path(), id, bundle_->path());
      if (!d) return check.failures;
      client& c = *d->runtime;
      auto early = d->sub->wait(d->pid, {.deadline = clock_type::now() + 200ms});
      check(!early && early.error().code() == errc::timeout, "the init runs until killed");
      auto state = c.state(id);
      if (check.call(state, "state"))
        check(state->pid == d->pid,
              "state pid " + std::to_string(state->pid) + " == pid file " + std::to_string(d->pid));

      check.call(c.kill(id, SIGKILL), "kill");
      auto st = d->sub->wait(d->pid, {.deadline = clock_type::now() + 20s});
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

// Whether `r` failed with `code`; the check names `what` and the error.
template <typename T>
bool failed_with(runc_checker& check, const result<T>& r, errc code, const std::string& what) {
  if (r) return check(false, what + " succeeded, want " + std::string(to_string(code)));
  return check(r.error().code() == code,
               what + ": " + r.error().to_string() + ", want " + std::string(to_string(code)));
}

// Every command on a stopped container whose init the reaper has reaped (no
// zombie left): crun's kill then says "open pidfd: No such process" (while the
// init is a zombie it says "kill container: No such process"); both are
// not_running. docs/runtimes.md lists each difference asserted here.
TEST_P(reaper_runc, every_command_on_a_stopped_and_reaped_container) {
  const auto id = root_->track(testing::unique_id("reaper-reaped"));
  bundle_->set_args({"sleep", "100"});
  bundle_->write();
  const bool crun = std::filesystem::path(runc_).filename() == "crun";

  int rc = testing::run_in_child([&] {
    runc_checker check;
    {
      auto d = start_detached(check, runc_, root_->path(), id, bundle_->path());
      if (!d) return check.failures;
      const client& c = *d->runtime;
      check.call(c.kill(id, SIGKILL), "kill of the running container");
      if (!check.call(d->sub->wait(d->pid, {.deadline = clock_type::now() + 20s}), "the init's exit"))
        return check.failures;
      auto state = c.state(id);
      if (check.call(state, "state")) check(state->status == container_status::stopped, "state says stopped");
      auto listed = c.list();
      if (check.call(listed, "list"))
        check(listed->size() == 1 && listed->front().status == container_status::stopped,
              "list says stopped");

      failed_with(check, c.kill(id, SIGTERM), errc::not_running, "kill");
      failed_with(check, c.start(id), errc::not_running, "start");
      failed_with(check, c.pause(id), errc::not_running, "pause");
      failed_with(check, c.resume(id), crun ? errc::not_running : errc::not_paused, "resume");
      failed_with(check, c.exec(id, spec::process{.args = {{"true"}}, .cwd = "/"}), errc::not_running,
                  "exec");
      auto updated = c.update(id, {.pids = {{.limit = 10}}});
      auto pids = c.ps(id);
      if (crun) {  // as with a zombie init: update succeeds, ps crashes (SIGSEGV)
        check.call(updated, "update");
        failed_with(check, pids, errc::command_failed, "ps");
        failed_with(check, c.stats(id), errc::unsupported, "stats");
      } else {
        failed_with(check, updated, errc::not_running, "update");
        if (check.call(pids, "ps")) check(pids->empty(), "ps lists no pid");
        failed_with(check, c.stats(id), errc::not_running, "stats");
      }
      check.call(c.remove(id), "delete");
    }
    return check.failures;
  });
  EXPECT_EQ(rc, 0) << "see the forked scenario's stderr above";
}

INSTANTIATE_TEST_SUITE_P(reaper, reaper_runc, ::testing::ValuesIn(testing::all_runtimes()),
                         testing::runtime_param_name);

}  // namespace
}  // namespace runcpp
