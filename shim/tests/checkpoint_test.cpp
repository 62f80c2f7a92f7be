// CheckpointTaskRequest / Create-with-checkpoint -> runcpp's checkpoint and
// restore options, as containerd 1.6's runc shim maps them.
#include "checkpoint.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

namespace runcpp::shim {
namespace {

namespace fs = std::filesystem;
using ::containerd::runc::v1::CheckpointOptions;
using ::containerd::runc::v1::Options;

task::CheckpointTaskRequest request(const std::string& path, const CheckpointOptions* o = nullptr) {
  task::CheckpointTaskRequest r;
  r.set_id("c1");
  r.set_path(path);
  if (o) *r.mutable_options() = pack(*o);
  return r;
}

TEST(ShimCheckpoint, NoOptionsLeavesRunningInTheShimsWorkDir) {
  auto p = plan_checkpoint(request("/img"), "/b/work");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->options.image_path, "/img");
  EXPECT_EQ(p->options.work_path, "/b/work/criu-work");
  EXPECT_TRUE(p->own_work_path);
  EXPECT_TRUE(p->options.leave_running);
  EXPECT_FALSE(p->options.tcp_established);
  EXPECT_FALSE(p->options.ext_unix_sk);
  EXPECT_FALSE(p->options.shell_job);
  EXPECT_FALSE(p->options.file_locks);
  EXPECT_TRUE(p->options.empty_ns.empty());
}

TEST(ShimCheckpoint, EveryOptionReachesItsFlag) {
  CheckpointOptions o;
  o.set_exit(true);
  o.set_open_tcp(true);
  o.set_external_unix_sockets(true);
  o.set_terminal(true);
  o.set_file_locks(true);
  o.add_empty_namespaces("network");
  o.add_empty_namespaces("ipc");
  o.set_work_path("/keep/work");
  auto p = plan_checkpoint(request("/img", &o), "/b/work");
  ASSERT_TRUE(p) << p.error();
  EXPECT_FALSE(p->options.leave_running);
  EXPECT_TRUE(p->options.tcp_established);
  EXPECT_TRUE(p->options.ext_unix_sk);
  EXPECT_TRUE(p->options.shell_job);
  EXPECT_TRUE(p->options.file_locks);
  EXPECT_EQ(p->options.empty_ns, (std::vector<std::string>{"network", "ipc"}));
  EXPECT_EQ(p->options.work_path, "/keep/work");
  EXPECT_FALSE(p->own_work_path);
  EXPECT_EQ(p->options.image_path, "/img");
  // What the Go shim never sends to runc from a request.
  EXPECT_FALSE(p->options.pre_dump);
  EXPECT_TRUE(p->options.parent_path.empty());
  EXPECT_EQ(p->options.manage_cgroups_mode, cgroups_mode::none);
}

TEST(ShimCheckpoint, OptionsImagePathIsContainerdsNotRuncs) {
  CheckpointOptions o;
  o.set_image_path("/elsewhere");  // containerd already put it into req.path
  auto p = plan_checkpoint(request("/img", &o), "/b/work");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->options.image_path, "/img");
}

TEST(ShimCheckpoint, TypeUrlWithAPrefixIsAccepted) {
  CheckpointOptions o;
  o.set_exit(true);
  auto r = request("/img", &o);
  r.mutable_options()->set_type_url("type.googleapis.com/containerd.runc.v1.CheckpointOptions");
  auto p = plan_checkpoint(r, "/b/work");
  ASSERT_TRUE(p) << p.error();
  EXPECT_FALSE(p->options.leave_running);
}

TEST(ShimCheckpoint, OtherOptionsAreInvalid) {
  auto r = request("/img");
  *r.mutable_options() = pack(Options{});
  auto p = plan_checkpoint(r, "/b/work");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), errc::invalid_argument);
  EXPECT_NE(p.error().message().find("containerd.runc.v1.Options"), std::string::npos) << p.error();
  r.mutable_options()->set_type_url("containerd.runc.v1.CheckpointOptions");
  r.mutable_options()->set_value("\xff\xff");
  EXPECT_FALSE(plan_checkpoint(r, "/b/work"));
}

TEST(ShimRestore, AsTheGoShimsCreatedCheckpointState) {
  auto o = plan_restore("/ckpt", "/b", runtime_options{});
  EXPECT_EQ(o.image_path, "/ckpt");
  EXPECT_EQ(o.work_path, "/b/work");
  EXPECT_EQ(o.pid_file, "/b/init.pid");
  EXPECT_TRUE(o.detach);
  EXPECT_TRUE(o.no_subreaper);
  EXPECT_FALSE(o.no_pivot);
  EXPECT_EQ(o.io, nullptr);
  EXPECT_EQ(o.console_socket, nullptr);
}

TEST(ShimRestore, RuntimeOptionsWorkPathAndNoPivot) {
  runtime_options opts;
  opts.criu_work_path = "/criu/work";
  opts.no_pivot_root = true;
  auto o = plan_restore("/ckpt", "/b", opts);
  EXPECT_EQ(o.work_path, "/criu/work");
  EXPECT_TRUE(o.no_pivot);
}

TEST(ShimCriu, CriuPathBecomesRuncsGlobalFlag) {
  EXPECT_TRUE(criu_flags(runtime_options{}).empty());
  runtime_options opts;
  opts.criu_path = "/opt/criu/bin/criu";
  EXPECT_EQ(criu_flags(opts), (std::vector<std::string>{"--criu", "/opt/criu/bin/criu"}));
}

class shim_finish_checkpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/runcpp-shim-ckpt-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ / "work" / "criu-work");
    std::ofstream(dir_ / "work" / "criu-work" / "dump.log") << "Error (criu/vdso.c:381): vdso\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  checkpoint_plan own() {
    auto p = plan_checkpoint(request("/img"), dir_ / "work");
    return *p;
  }
  fs::path dir_;
};

TEST_F(shim_finish_checkpoint, FailureKeepsCriusLogAndSaysWhere) {
  const std::string record = "criu failed: type DUMP errno 0\nlog file: /x/dump.log";
  runcpp::result<void> failed = runcpp::error(errc::command_failed, record).with_runtime_message(record);
  EXPECT_EQ(finish_checkpoint(own(), dir_, failed),
            "criu failed: type DUMP errno 0 path= " + (dir_ / "criu-dump.log").string());
  std::ifstream copy(dir_ / "criu-dump.log");
  std::string line;
  ASSERT_TRUE(std::getline(copy, line));
  EXPECT_EQ(line, "Error (criu/vdso.c:381): vdso");
  EXPECT_FALSE(fs::exists(dir_ / "work" / "criu-work")) << "the shim's own work dir is removed";
  runcpp::result<void> bare = runcpp::error(errc::command_failed, "runc was killed by signal 9");
  EXPECT_EQ(finish_checkpoint(own(), dir_, bare),
            "runc was killed by signal 9 path= " + (dir_ / "criu-dump.log").string());
}

TEST_F(shim_finish_checkpoint, SuccessSaysNothingAndKeepsANamedWorkPath) {
  CheckpointOptions o;
  o.set_work_path((dir_ / "work" / "criu-work").string());
  auto p = plan_checkpoint(request("/img", &o), dir_ / "work");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(finish_checkpoint(*p, dir_, {}), "");
  EXPECT_TRUE(fs::exists(dir_ / "work" / "criu-work" / "dump.log"));
  EXPECT_FALSE(fs::exists(dir_ / "criu-dump.log"));
  EXPECT_EQ(finish_checkpoint(own(), dir_, {}), "");
  EXPECT_FALSE(fs::exists(dir_ / "work" / "criu-work"));
}

}  // namespace
}  // namespace runcpp::shim
