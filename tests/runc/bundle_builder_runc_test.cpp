// Bundles made by bundle_builder run on the real runc 1.1.5 and crun 1.8.1:
// each convenience (env, cwd, user, hostname, a read-only bind mount, a
// namespace removed, cgroups path and resources, rootless) has the effect in
// the container that it promises. Needs root; skips with the reason otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <runcpp/runcpp.hpp>

#include "runc/runc_fixture.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::read_until;

class runc_bundle_builder : public testing::runc_fixture {
 protected:
  // Writes the bundle, runs it in the foreground with pipes, returns its
  // stdout lines (stderr is added to failure messages).
  std::vector<std::string> run_lines(std::vector<std::string> args, std::string_view prefix = "bb") {
    bundle_->set_args(std::move(args));
    bundle_->write();
    auto io = pipe_io::create();
    EXPECT_TRUE(io) << io.error();
    if (!io) return {};
    auto id = new_id(prefix);
    auto status = client_->run(id, bundle_->path(), {.io = *io});
    (*io)->close_stdin();
    const auto out = read_until((*io)->stdout_fd(), 10s);
    const auto err = read_until((*io)->stderr_fd(), 2s);
    EXPECT_TRUE(status) << status.error();
    if (status) {
      EXPECT_EQ(*status, runcpp::exit_status::exited(0))
          << "stderr: " << err.text << "\nstdout: " << out.text;
    }
    std::vector<std::string> lines;
    std::istringstream in(out.text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

TEST_P(runc_bundle_builder, process_conveniences_reach_the_container) {
  bundle_->builder()
      .set_env({"PATH=/bin"})
      .add_env("GREETING=hello")
      .set_cwd("/tmp")
      .set_user(65534, 65534, {65534});
  auto lines =
      run_lines({"sh", "-c", "echo env=$GREETING; echo cwd=$(pwd); echo ids=$(id -u):$(id -g); id -G"});
  EXPECT_THAT(lines, Contains("env=hello"));
  EXPECT_THAT(lines, Contains("cwd=/tmp"));
  EXPECT_THAT(lines, Contains("ids=65534:65534"));
  EXPECT_THAT(lines, Contains("65534"));
}

TEST_P(runc_bundle_builder, hostname_and_a_read_only_bind_mount) {
  testing::temp_dir host;
  std::ofstream(host / "note") << "from the host\n";
  bundle_->builder().set_hostname("built").add_bind_mount(host.path().string(), "/mnt/host",
                                                          {.readonly = true});
  auto lines =
      run_lines({"sh", "-c",
                 "echo host=$(hostname); cat /mnt/host/note; "
                 "if echo x > /mnt/host/new 2>/dev/null; then echo writable; else echo read-only; fi"});
  EXPECT_THAT(lines, Contains("host=built"));
  EXPECT_THAT(lines, Contains("from the host"));
  EXPECT_THAT(lines, Contains("read-only"));
  EXPECT_FALSE(std::filesystem::exists(host / "new"));
}

TEST_P(runc_bundle_builder, removing_the_network_namespace_shares_the_hosts) {
  bundle_->builder().remove_namespace("network");
  // The host's interfaces (more than the loopback a new namespace has) show in /proc/net/dev.
  auto lines = run_lines({"sh", "-c", "tail -n +3 /proc/net/dev | wc -l"});
  ASSERT_FALSE(lines.empty());
  std::ifstream host_dev("/proc/net/dev");
  int host_count = -2;  // the two header lines
  for (std::string line; std::getline(host_dev, line);) ++host_count;
  EXPECT_EQ(lines.back(), std::to_string(host_count));

  bundle_->builder().add_namespace("network");
  lines = run_lines({"sh", "-c", "tail -n +3 /proc/net/dev | wc -l"});
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "1") << "a new network namespace has only lo";
}

TEST_P(runc_bundle_builder, cgroups_path_and_resources_are_applied) {
  const auto name = testing::unique_id("runcpp-bb");
  spec::linux_resources r;
  r.memory.emplace().limit = 48 << 20;
  r.pids.emplace().limit = 77;
  bundle_->builder().set_cgroups_path("/" + name).set_resources(r);
  // The container's own /proc/self/cgroup names the path; the limit is read
  // from the host's view of that cgroup while the container runs.
  auto id = run_detached({"sleep", "1000"}, "bbcg");
  auto st = client_->state(id);
  ASSERT_TRUE(st) << st.error();
  std::ifstream cg("/proc/" + std::to_string(st->pid) + "/cgroup");
  std::string all((std::istreambuf_iterator<char>(cg)), std::istreambuf_iterator<char>());
  EXPECT_THAT(all, HasSubstr("/" + name)) << all;
  const std::filesystem::path v1 = "/sys/fs/cgroup/pids/" + name + "/pids.max";
  const std::filesystem::path v2 = "/sys/fs/cgroup/" + name + "/pids.max";
  std::ifstream pids(std::filesystem::exists(v1) ? v1 : v2);
  std::string max;
  pids >> max;
  EXPECT_EQ(max, "77") << "read " << (std::filesystem::exists(v1) ? v1 : v2);
  ASSERT_TRUE(client_->kill(id, SIGKILL));
  EXPECT_EQ(wait_for(id, container_status::stopped), container_status::stopped);
}

TEST_P(runc_bundle_builder, a_rootless_config_runs_in_its_user_namespace) {
  // As root the mapping is 0 -> 0; what is checked is the runtime accepting
  // make_rootless()'s config: a user namespace, /sys from the host, no netns.
  bundle_->builder().make_rootless();
  ASSERT_THAT(bundle_->builder().problems(), ::testing::IsEmpty());
  auto lines = run_lines(
      {"sh", "-c", "cat /proc/self/uid_map; echo uid=$(id -u); ls /sys/kernel >/dev/null && echo sys"});
  ASSERT_FALSE(lines.empty());
  std::istringstream map(lines.front());
  std::uint64_t inside = 1, outside = 1, size = 0;
  map >> inside >> outside >> size;
  EXPECT_EQ(inside, 0u);
  EXPECT_EQ(outside, ::getuid());
  EXPECT_EQ(size, 1u);
  EXPECT_THAT(lines, Contains("uid=0"));
  EXPECT_THAT(lines, Contains("sys"));
}

TEST_P(runc_bundle_builder, write_refuses_what_runc_would_reject_before_runc_runs) {
  bundle_->builder().set_cwd("relative");
  try {
    bundle_->write();
    ADD_FAILURE() << "write() accepted a relative cwd";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/process/cwd: process.cwd must be an absolute path"));
  }
  // What the runtime itself does with the same config, written around the
  // builder: runc refuses it ("Cwd must be an absolute path"); crun 1.8 takes
  // it as relative to the container's / (docs/runtimes.md).
  ASSERT_TRUE(spec::save_config(bundle_->config_path(), bundle_->config()));
  auto r = client_->run(new_id("bbbad"), bundle_->path());
  if (is_crun()) {
    EXPECT_TRUE(r) << r.error();
  } else {
    ASSERT_FALSE(r) << "runc accepted a relative cwd";
    EXPECT_THAT(r.error().message(), HasSubstr("absolute"));
  }
}

RUNCPP_ALL_RUNTIMES(bundle_builder, runc_bundle_builder);

}  // namespace
}  // namespace runcpp
