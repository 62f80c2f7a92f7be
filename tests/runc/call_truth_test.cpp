// What a call reports is what the runtime did, on the real runc 1.1.5 and
// crun 1.8.1: a stopped create, kill's liveness probe, runc's own words for a
// taken id, and the flags runc 1.1 already has. Needs root; skips with a
// printed reason when the runtime or busybox-static is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include <runcpp/runcpp.hpp>

#include "runc/runc_fixture.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class call_truth : public testing::runc_fixture {};

// runc catches SIGTERM while it creates and finishes the job: a create whose
// deadline passed mid-way may still have made the container. The call must say
// so: a success has a container, a timeout has none.
TEST_P(call_truth, a_create_stopped_by_its_deadline_reports_what_the_runtime_did) {
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  int successes = 0, timeouts = 0;
  for (int ms = 1; ms <= 50; ++ms) {
    auto id = new_id("stop");
    auto r =
        client_->create(id, bundle_->path(), {}, {.deadline = std::chrono::steady_clock::now() + 1ms * ms});
    auto st = client_->state(id);
    if (r) {
      ++successes;
      ASSERT_TRUE(st) << ms << " ms: create succeeded but state says " << st.error();
      EXPECT_EQ(st->status, container_status::created) << ms << " ms";
      ASSERT_TRUE(client_->remove(id, {.force = true}));
      continue;
    }
    ASSERT_EQ(r.error().code(), errc::timeout) << ms << " ms: " << r.error();
    ++timeouts;
    EXPECT_FALSE(r.error().exit() && r.error().exit()->success())
        << ms << " ms: a timeout although " << runtime() << " exited 0";
    EXPECT_FALSE(st) << ms << " ms: create timed out (" << r.error() << ") but the container is "
                     << to_string(st->status);
    if (st) (void)client_->remove(id, {.force = true});
  }
  std::printf("stopped creates on %s: %d succeeded, %d timed out\n", runtime().c_str(), successes, timeouts);
}

TEST_P(call_truth, kill_with_signal_0_probes_a_running_container) {
  auto id = run_detached({"sleep", "1000"});
  auto probe = client_->kill(id, 0);
  EXPECT_TRUE(probe) << probe.error();
  EXPECT_EQ(wait_for(id, container_status::running, 0ms), container_status::running);  // nothing was sent
}

TEST_P(call_truth, a_taken_id_prints_the_runtimes_words) {
  if (is_crun()) GTEST_SKIP() << "the README quotes runc 1.1.5's message; crun's is in docs/runtimes.md";
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  auto id = new_id();
  const client by_name(config{.command = "runc", .root = root_->path()});
  ASSERT_TRUE(by_name.create(id, bundle_->path()));
  auto dup = by_name.create(id, bundle_->path());
  ASSERT_FALSE(dup);
  // The line README.md and docs/getting-started.md show.
  EXPECT_EQ(dup.error().to_string(),
            "runc create: runc create failed: container with given ID already exists [already_exists, exit "
            "status 1]");
}

TEST_P(call_truth, exec_ignore_paused_is_in_runc_1_1) {
  if (is_crun()) GTEST_SKIP() << "crun 1.8.1 has no --ignore-paused";
  auto id = run_detached({"sleep", "1000"});
  ASSERT_TRUE(client_->pause(id));
  // The exec'd process joins the frozen cgroup, so the call ends after resume.
  std::optional<result<exit_status>> r;
  std::jthread exec([&] {
    r.emplace(client_->exec(id, spec::process{.args = {{"true"}}, .env = {{"PATH=/bin"}}, .cwd = "/"},
                            {.ignore_paused = true}, {.deadline = std::chrono::steady_clock::now() + 20s}));
  });
  std::this_thread::sleep_for(300ms);
  auto resumed = client_->resume(id);
  exec.join();
  ASSERT_TRUE(resumed) << resumed.error();
  ASSERT_TRUE(*r) << r->error();
  EXPECT_EQ(**r, exit_status::exited(0));
}

}  // namespace

RUNCPP_ALL_RUNTIMES(truth, call_truth);

}  // namespace runcpp
