// The real runc 1.1.5 (and crun 1.8.1) with a busybox bundle. Needs root; skips
// with a printed reason when the runtime or busybox-static is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <tuple>
#include <csignal>
#include <thread>

#include <runcpp/runcpp.hpp>

#include "support/bundle.hpp"
#include "support/hygiene.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class real_runtime : public testing::hygiene_test {
 protected:
  virtual const char* runtime() const { return "runc"; }

  void SetUp() override {
    testing::hygiene_test::SetUp();
    if (::geteuid() != 0) GTEST_SKIP() << "real-runtime tests need root";
    auto path = testing::find_runtime(runtime());
    if (!path) GTEST_SKIP() << runtime() << " is not installed (scripts/test installs it)";
    std::string why;
    bundle_ = testing::busybox_bundle::make(&why);
    if (!bundle_) GTEST_SKIP() << "no busybox bundle: " << why;
    root_.emplace(*path);
    client_.emplace(config{.command = *path, .root = root_->path()});
  }

  // A fresh id whose container is force-deleted when the test ends, pass or fail.
  std::string new_id() {
    auto id = testing::unique_id("rt");
    root_->track(id);
    return id;
  }

  // Polls state until `want` (the container's own exit is asynchronous).
  container_status wait_for(const std::string& id, container_status want) {
    container_status last = container_status::unknown;
    for (int i = 0; i < 100; ++i) {
      auto st = client_->state(id);
      if (st) last = st->status;
      if (last == want) break;
      std::this_thread::sleep_for(50ms);
    }
    return last;
  }

  std::optional<testing::busybox_bundle> bundle_;
  std::optional<testing::runtime_root> root_;
  std::optional<client> client_;
};

TEST_F(real_runtime, whole_lifecycle) {
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
  ASSERT_TRUE(top) << top.error();
  EXPECT_THAT(top->headers, ElementsAre("PID", "COMMAND"));
  ASSERT_EQ(top->processes.size(), 1u);
  EXPECT_THAT(top->processes[0], ElementsAre(std::to_string(init_pid), "sleep"));

  auto default_top = c.top(id);  // ps -ef
  ASSERT_TRUE(default_top) << default_top.error();
  EXPECT_THAT(default_top->headers, Contains("PID"));
  ASSERT_EQ(default_top->processes.size(), 1u);
  EXPECT_THAT(default_top->processes[0].back(), HasSubstr("sleep 1000"));

  ASSERT_TRUE(c.pause(id));
  EXPECT_EQ(c.state(id)->status, container_status::paused);
  auto again = c.pause(id);  // runc 1.1.5 says "container not running" here
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), errc::not_running) << again.error();

  ASSERT_TRUE(c.resume(id));
  EXPECT_EQ(c.state(id)->status, container_status::running);
  auto resumed = c.resume(id);
  ASSERT_FALSE(resumed);
  EXPECT_EQ(resumed.error().code(), errc::not_paused) << resumed.error();

  auto busy = c.remove(id);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code(), errc::still_running) << busy.error();
  EXPECT_THAT(busy.error().message(), HasSubstr("not stopped"));

  ASSERT_TRUE(c.kill(id, SIGKILL));
  EXPECT_EQ(wait_for(id, container_status::stopped), container_status::stopped);

  auto late = c.kill(id, SIGTERM);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), errc::not_running) << late.error();

  ASSERT_TRUE(c.remove(id));
  auto gone = c.state(id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), errc::not_found);
}

TEST_F(real_runtime, state_of_a_missing_container_is_not_found_with_runcs_words) {
  auto st = client_->state("does-not-exist");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), errc::not_found);
  EXPECT_EQ(st.error().message(), "container does not exist");
  EXPECT_EQ(st.error().exit(), exit_status::exited(1));
}

TEST_F(real_runtime, list_of_an_empty_root_is_empty) {
  auto l = client_->list();
  ASSERT_TRUE(l) << l.error();
  EXPECT_TRUE(l->empty());
}

TEST_F(real_runtime, create_with_a_taken_id_reports_already_exists_from_runcs_log) {
  auto id = new_id();
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  ASSERT_TRUE(client_->create(id, bundle_->path()));
  auto dup = client_->create(id, bundle_->path());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), errc::already_exists) << dup.error();
  EXPECT_THAT(dup.error().message(), HasSubstr("container with given ID already exists"));
}

TEST_F(real_runtime, create_with_a_bad_bundle_carries_runcs_message) {
  auto r = client_->create(new_id(), "/nonexistent-bundle");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::command_failed);
  EXPECT_THAT(r.error().message(), HasSubstr("/nonexistent-bundle"));
}

TEST_F(real_runtime, create_returns_promptly_while_the_container_runs) {
  auto id = new_id();
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client_->create(id, bundle_->path()));
  ASSERT_TRUE(client_->start(id));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(client_->state(id)->status, container_status::running);
}

TEST_F(real_runtime, foreground_run_returns_the_exit_status) {
  bundle_->set_args({"sh", "-c", "exit 3"});
  bundle_->write();
  auto r = client_->run(new_id(), bundle_->path());
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, 3);

  // A container killed by SIGKILL: runc reports 128+9.
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  auto id = new_id();
  std::jthread killer([&] {
    if (wait_for(id, container_status::running) == container_status::running) (void)client_->kill(id, SIGKILL);
  });
  auto killed = client_->run(id, bundle_->path());
  killer.join();
  ASSERT_TRUE(killed) << killed.error();
  EXPECT_EQ(*killed, 137);
}

TEST_F(real_runtime, invalid_id_is_rejected_before_runc_runs) {
  auto r = client_->state("a/b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  EXPECT_TRUE(r.error().argv().empty());
}

TEST_F(real_runtime, version) {
  auto v = client_->version();
  ASSERT_TRUE(v) << v.error();
  EXPECT_EQ(v->runtime, "runc");
  EXPECT_THAT(v->version, ::testing::StartsWith("1."));
  EXPECT_FALSE(v->spec.empty());
  EXPECT_FALSE(v->go.empty());
}

TEST_F(real_runtime, features) {
  auto f = client_->features();
  ASSERT_TRUE(f) << f.error();
  ASSERT_TRUE(f->mount_options);
  EXPECT_THAT(*f->mount_options, Contains("rro"));  // go-runc's TestRuncFeatures
  ASSERT_TRUE(f->linux_);
  ASSERT_TRUE(f->linux_->namespaces);
  EXPECT_THAT(*f->linux_->namespaces, Contains("pid"));
  ASSERT_TRUE(f->annotations);
  EXPECT_TRUE(f->annotations->contains("org.opencontainers.runc.version"));
}

TEST_F(real_runtime, spec_writes_config_json_and_refuses_to_overwrite) {
  testing::temp_dir dir;
  ASSERT_TRUE(client_->spec(dir.path()));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "config.json"));
  auto again = client_->spec(dir.path());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), errc::already_exists) << again.error();
}

class real_crun : public real_runtime {
 protected:
  const char* runtime() const override { return "crun"; }
};

TEST_F(real_crun, version) {
  auto v = client_->version();
  ASSERT_TRUE(v) << v.error();
  EXPECT_EQ(v->runtime, "crun");
  EXPECT_THAT(v->version, ::testing::StartsWith("1."));
  EXPECT_FALSE(v->commit.empty());
  EXPECT_FALSE(v->other_lines.empty());  // "+SYSTEMD +SELINUX ..."
}

TEST_F(real_crun, features_is_typed_or_unsupported) {
  auto f = client_->features();
  auto v = client_->version();
  ASSERT_TRUE(v);
  int major = 0, minor = 0, patch = 0;
  ASSERT_EQ(std::sscanf(v->version.c_str(), "%d.%d.%d", &major, &minor, &patch), 3) << v->version;
  if (std::tuple(major, minor, patch) < std::tuple(1, 8, 6)) {  // crun gained `features` in 1.8.6
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code(), errc::unsupported) << f.error();
    EXPECT_THAT(f.error().message(), HasSubstr("features"));
  } else {
    ASSERT_TRUE(f) << f.error();
    EXPECT_TRUE(f->oci_version_max.has_value());
  }
}

TEST_F(real_crun, state_of_a_missing_container_is_not_found) {
  auto st = client_->state("does-not-exist");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), errc::not_found) << st.error();
}

}  // namespace
}  // namespace runcpp
