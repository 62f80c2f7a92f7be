// The container lifecycle and its errors with the real runc 1.1.5 and crun 1.8.1
// and a busybox bundle; where crun differs the test asserts crun's behaviour
// (docs/runtimes.md). Needs root; skips with a printed reason when the runtime
// or busybox-static is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <runcpp/runcpp.hpp>
#include <runcpp/socket.hpp>
#include <runcpp/spec.hpp>

#include "runc/runc_fixture.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class real_runtime : public testing::runc_fixture {};

TEST_P(real_runtime, whole_lifecycle) {
  const auto& c = *client_;
  auto id = new_id();
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();

  auto created = c.create(id, bundle_->path());
  ASSERT_TRUE(created) << created.error();
  auto st = c.state(id);
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(st->id, id);
  EXPECT_EQ(st->status, container_status::created);
  EXPECT_GT(st->pid, 0);
  EXPECT_EQ(st->bundle, bundle_->path().string());
  const int init_pid = st->pid;

  ASSERT_TRUE(c.start(id));
  EXPECT_EQ(c.state(id)->status, container_status::running);

  auto listed = c.list();
  ASSERT_TRUE(listed) << listed.error();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, id);
  EXPECT_EQ(listed->front().pid, init_pid);

  auto pids = c.ps(id);
  ASSERT_TRUE(pids) << pids.error();
  EXPECT_THAT(*pids, ElementsAre(init_pid));

  std::vector<std::string> ps_args{"-o", "pid,comm"};
  auto top = c.top(id, ps_args);
  if (is_crun()) {  // crun ps takes no ps(1) options
    ASSERT_FALSE(top);
    EXPECT_EQ(top.error().code(), errc::unsupported) << top.error();
    EXPECT_THAT(top.error().message(), HasSubstr("requires a maximum of 1 arguments"));
  } else {
    ASSERT_TRUE(top) << top.error();
    EXPECT_THAT(top->headers, ElementsAre("PID", "COMMAND"));
    ASSERT_EQ(top->processes.size(), 1u);
    EXPECT_THAT(top->processes[0], ElementsAre(std::to_string(init_pid), "sleep"));
  }

  auto default_top = c.top(id);  // runc: ps -ef; crun: its own one-column table
  ASSERT_TRUE(default_top) << default_top.error();
  ASSERT_EQ(default_top->processes.size(), 1u);
  if (is_crun()) {
    EXPECT_THAT(default_top->headers, ElementsAre("PID"));
    EXPECT_THAT(default_top->processes[0], ElementsAre(std::to_string(init_pid)));
  } else {
    EXPECT_THAT(default_top->headers, Contains("PID"));
    EXPECT_THAT(default_top->processes[0].back(), HasSubstr("sleep 1000"));
  }

  ASSERT_TRUE(c.pause(id));
  EXPECT_EQ(c.state(id)->status, container_status::paused);
  auto again = c.pause(id);
  if (is_crun()) {  // crun pauses a paused container again without complaint
    EXPECT_TRUE(again) << again.error();
    EXPECT_EQ(c.state(id)->status, container_status::paused);
  } else {  // runc 1.1.5 says "container not running" here
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code(), errc::not_running) << again.error();
  }

  ASSERT_TRUE(c.resume(id));
  EXPECT_EQ(c.state(id)->status, container_status::running);
  auto resumed = c.resume(id);
  if (is_crun()) {  // and resumes a running one
    EXPECT_TRUE(resumed) << resumed.error();
    EXPECT_EQ(c.state(id)->status, container_status::running);
  } else {
    ASSERT_FALSE(resumed);
    EXPECT_EQ(resumed.error().code(), errc::not_paused) << resumed.error();
  }

  auto busy = c.remove(id);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code(), errc::still_running) << busy.error();
  EXPECT_THAT(busy.error().message(),
              HasSubstr(is_crun() ? "is not in `created` or `stopped` state" : "not stopped"));

  ASSERT_TRUE(c.kill(id, SIGKILL));
  EXPECT_EQ(wait_for(id, container_status::stopped), container_status::stopped);

  auto late = c.kill(id, SIGTERM);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), errc::not_running) << late.error();

  auto restart = c.start(id);
  ASSERT_FALSE(restart);
  EXPECT_EQ(restart.error().code(), errc::not_running) << restart.error();
  EXPECT_THAT(restart.error().message(),
              HasSubstr(is_crun() ? "is not running" : "cannot start a container that has stopped"));

  ASSERT_TRUE(c.remove(id));
  auto gone = c.state(id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), errc::not_found);
}

TEST_P(real_runtime, state_of_a_missing_container_is_not_found_with_the_runtimes_words) {
  auto st = client_->state("does-not-exist");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), errc::not_found) << st.error();
  if (is_crun()) {
    EXPECT_EQ(st.error().message(), "error opening file `" +
                                        (root_->path() / "does-not-exist" / "status").string() +
                                        "`: No such file or directory");
  } else {
    EXPECT_EQ(st.error().message(), "container does not exist");
  }
  EXPECT_EQ(st.error().exit(), exit_status::exited(1));
}

// Every command that names a container: a missing one is errc::not_found.
TEST_P(real_runtime, commands_on_a_missing_container_are_not_found) {
  const auto& c = *client_;
  const std::string id = "does-not-exist";
  // (what, error code or nullopt if the call succeeded, the error's text)
  std::vector<std::tuple<std::string, std::optional<errc>, std::string>> calls;
  auto record = [&calls](std::string what, const auto& r) {
    if (r)
      calls.emplace_back(std::move(what), std::nullopt, "");
    else
      calls.emplace_back(std::move(what), r.error().code(), r.error().to_string());
  };
  record("start", c.start(id));
  record("kill", c.kill(id, SIGTERM));
  record("pause", c.pause(id));
  record("resume", c.resume(id));
  record("delete", c.remove(id));
  record("ps", c.ps(id));
  record("exec", c.exec(id, spec::process{.args = {{"true"}}, .cwd = "/"}));
  record("update", c.update(id, {.pids = {{.limit = 10}}}));
  for (const auto& [what, code, text] : calls) {
    ASSERT_TRUE(code.has_value()) << what << " of a missing container succeeded";
    EXPECT_EQ(*code, errc::not_found) << what << ": " << text;
  }
  // delete --force of a missing container is not an error for either runtime.
  auto forced = c.remove(id, {.force = true});
  EXPECT_TRUE(forced) << forced.error();
}

TEST_P(real_runtime, list_of_an_empty_root_is_empty) {
  auto l = client_->list();
  ASSERT_TRUE(l) << l.error();
  EXPECT_TRUE(l->empty());
}

// exec, update and ps once the container is paused, then stopped.
TEST_P(real_runtime, commands_on_a_paused_then_stopped_container) {
  const auto& c = *client_;
  auto id = run_detached({"sleep", "1000"});
  ASSERT_EQ(wait_for(id, container_status::running), container_status::running);
  const spec::process p{.args = {{"true"}}, .cwd = "/"};

  ASSERT_TRUE(c.pause(id));
  auto in_paused = c.exec(id, p);
  ASSERT_FALSE(in_paused) << "exec into a paused container returned " << in_paused->to_string();
  EXPECT_EQ(in_paused.error().code(), errc::paused) << in_paused.error();
  // runc's exec fails with 255 (its usual exit for errors before the process runs), crun's with 1.
  EXPECT_EQ(in_paused.error().exit(), exit_status::exited(is_crun() ? 1 : 255)) << in_paused.error();
  ASSERT_TRUE(c.resume(id));

  ASSERT_TRUE(c.kill(id, SIGKILL));
  ASSERT_EQ(wait_for(id, container_status::stopped), container_status::stopped);

  auto in_stopped = c.exec(id, p);
  ASSERT_FALSE(in_stopped) << "exec into a stopped container returned " << in_stopped->to_string();
  EXPECT_EQ(in_stopped.error().code(), errc::not_running) << in_stopped.error();

  auto updated = c.update(id, {.memory = {{.limit = 64 * 1024 * 1024}}});
  auto pids = c.ps(id);
  if (is_crun()) {
    // crun 1.8.1 updates the cgroup of a stopped container without complaint,
    // and its `ps` of a stopped container crashes (SIGSEGV).
    EXPECT_TRUE(updated) << updated.error();
    ASSERT_FALSE(pids) << "crun ps of a stopped container printed " << ::testing::PrintToString(*pids);
    EXPECT_EQ(pids.error().exit(), exit_status::signaled(SIGSEGV)) << pids.error();
    EXPECT_EQ(pids.error().code(), errc::command_failed) << pids.error();
  } else {
    ASSERT_FALSE(updated);
    EXPECT_EQ(updated.error().code(), errc::not_running) << updated.error();
    ASSERT_TRUE(pids) << pids.error();  // runc prints `null`
    EXPECT_TRUE(pids->empty()) << ::testing::PrintToString(*pids);
  }
}

// --pidfd-socket came with runc 1.2; neither runc 1.1 nor crun 1.8 knows it.
TEST_P(real_runtime, pidfd_socket_needs_runc_1_2) {
  auto v = client_->version();
  ASSERT_TRUE(v) << v.error();
  int major = 0, minor = 0;
  ASSERT_EQ(std::sscanf(v->version.c_str(), "%d.%d", &major, &minor), 2) << v->version;
  const bool has_flag = !is_crun() && std::tuple(major, minor) >= std::tuple(1, 2);

  auto sock = pidfd_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();
  auto id = new_id();
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  auto created = client_->create(id, bundle_->path(), {.pidfd_socket = sock->get()});
  if (has_flag) {
    ASSERT_TRUE(created) << created.error();
    auto pidfd = (*sock)->receive({.deadline = std::chrono::steady_clock::now() + 10s});
    ASSERT_TRUE(pidfd) << pidfd.error();
    EXPECT_GE(pidfd->get(), 0);
    return;
  }
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code(), errc::unsupported) << created.error();
  EXPECT_THAT(created.error().message(), HasSubstr("does not support --pidfd-socket")) << created.error();
  // crun: argp's usage exit; runc: its usual exit 1 with "flag provided but not defined".
  EXPECT_EQ(created.error().exit(), exit_status::exited(is_crun() ? 64 : 1)) << created.error();
  auto st = client_->state(id);
  ASSERT_FALSE(st) << "the refused create left a container behind";
  EXPECT_EQ(st.error().code(), errc::not_found) << st.error();
}

TEST_P(real_runtime, create_with_a_taken_id_reports_already_exists_from_the_runtimes_log) {
  auto id = new_id();
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  ASSERT_TRUE(client_->create(id, bundle_->path()));
  auto dup = client_->create(id, bundle_->path());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), errc::already_exists) << dup.error();
  EXPECT_THAT(dup.error().message(), is_crun() ? HasSubstr("container `" + id + "` already exists")
                                               : HasSubstr("container with given ID already exists"));
}

TEST_P(real_runtime, create_with_a_bad_bundle_carries_the_runtimes_message) {
  auto r = client_->create(new_id(), "/nonexistent-bundle");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::command_failed) << r.error();
  if (is_crun()) {
    // crun fails before it opens its --log and says why only on stderr, which
    // create (stdio = the container's io) does not capture (docs/runtimes.md).
    EXPECT_EQ(r.error().message(), runtime_path_ + " failed with exit status 1") << r.error();
    EXPECT_EQ(r.error().exit(), exit_status::exited(1));
  } else {
    EXPECT_THAT(r.error().message(), HasSubstr("/nonexistent-bundle"));
  }
}

TEST_P(real_runtime, create_returns_promptly_while_the_container_runs) {
  auto id = new_id();
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client_->create(id, bundle_->path()));
  ASSERT_TRUE(client_->start(id));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(client_->state(id)->status, container_status::running);
}

TEST_P(real_runtime, foreground_run_returns_the_exit_status) {
  bundle_->set_args({"sh", "-c", "exit 3"});
  bundle_->write();
  auto r = client_->run(new_id(), bundle_->path());
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, exit_status::exited(3));

  // A container killed by SIGKILL: runc exits with 128+9, the only way it can say so.
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  auto id = new_id();
  std::jthread killer([&] {
    if (wait_for(id, container_status::running) == container_status::running)
      (void)client_->kill(id, SIGKILL);
  });
  auto killed = client_->run(id, bundle_->path());
  killer.join();
  ASSERT_TRUE(killed) << killed.error();
  EXPECT_EQ(*killed, exit_status::exited(137));
  EXPECT_EQ(killed->go_status(), 137);
}

TEST_P(real_runtime, invalid_id_is_rejected_before_runc_runs) {
  auto r = client_->state("a/b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  EXPECT_TRUE(r.error().argv().empty());
}

TEST_P(real_runtime, version) {
  auto v = client_->version();
  ASSERT_TRUE(v) << v.error();
  EXPECT_EQ(v->runtime, runtime());
  EXPECT_THAT(v->version, ::testing::StartsWith("1."));
  if (is_crun()) {
    EXPECT_FALSE(v->commit.empty());
    EXPECT_FALSE(v->other_lines.empty());  // "+SYSTEMD +SELINUX ..."
  } else {
    EXPECT_FALSE(v->spec.empty());
    EXPECT_FALSE(v->go.empty());
  }
}

TEST_P(real_runtime, features_is_typed_or_unsupported) {
  auto f = client_->features();
  if (is_crun()) {
    auto v = client_->version();
    ASSERT_TRUE(v) << v.error();
    int major = 0, minor = 0, patch = 0;
    ASSERT_EQ(std::sscanf(v->version.c_str(), "%d.%d.%d", &major, &minor, &patch), 3) << v->version;
    if (std::tuple(major, minor, patch) < std::tuple(1, 8, 6)) {  // crun gained `features` in 1.8.6
      ASSERT_FALSE(f);
      EXPECT_EQ(f.error().code(), errc::unsupported) << f.error();
      EXPECT_THAT(f.error().message(), HasSubstr("features"));
      return;
    }
    ASSERT_TRUE(f) << f.error();
    EXPECT_TRUE(f->oci_version_max.has_value());
    return;
  }
  ASSERT_TRUE(f) << f.error();
  ASSERT_TRUE(f->mount_options);
  EXPECT_THAT(*f->mount_options, Contains("rro"));  // go-runc's TestRuncFeatures
  ASSERT_TRUE(f->linux_);
  ASSERT_TRUE(f->linux_->namespaces);
  EXPECT_THAT(*f->linux_->namespaces, Contains("pid"));
  ASSERT_TRUE(f->annotations);
  EXPECT_TRUE(f->annotations->contains("org.opencontainers.runc.version"));
}

TEST_P(real_runtime, spec_writes_config_json_and_refuses_to_overwrite) {
  testing::temp_dir dir;
  ASSERT_TRUE(client_->spec(dir.path()));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "config.json"));
  auto again = client_->spec(dir.path());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), errc::already_exists) << again.error();
}

RUNCPP_ALL_RUNTIMES(lifecycle, real_runtime);

}  // namespace
}  // namespace runcpp
