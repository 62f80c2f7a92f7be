#include "runtime_options.hpp"

#include <gtest/gtest.h>

#include "shim_cgroup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace runcpp::shim {
namespace {

google::protobuf::Any any_of(const ::containerd::runc::v1::Options& o,
                             std::string url = "containerd.runc.v1.Options") {
  google::protobuf::Any a;
  a.set_type_url(std::move(url));
  a.set_value(o.SerializeAsString());
  return a;
}

TEST(ShimRuntimeOptions, NoneGiveTheDefaults) {
  auto p = parse_runtime_options(google::protobuf::Any{});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value.binary, "runc");
  EXPECT_EQ(p.value.root, "");
  EXPECT_FALSE(p.value.systemd_cgroup || p.value.no_pivot_root || p.value.no_new_keyring);
  EXPECT_EQ(p.value.io_uid, 0U);
  EXPECT_EQ(p.value.shim_cgroup, "");
  EXPECT_EQ(p.value.criu_path, "");
}

TEST(ShimRuntimeOptions, EveryFieldIsRead) {
  ::containerd::runc::v1::Options o;
  o.set_binary_name("crun");
  o.set_root("/run/other");
  o.set_systemd_cgroup(true);
  o.set_no_pivot_root(true);
  o.set_no_new_keyring(true);
  o.set_io_uid(1000);
  o.set_io_gid(1001);
  o.set_shim_cgroup("/shims");
  o.set_criu_path("/opt/criu");
  o.set_criu_work_path("/criu/work");
  // containerd's typeurl has no prefix; a type.googleapis.com/ one is accepted too.
  for (const char* url : {"containerd.runc.v1.Options", "type.googleapis.com/containerd.runc.v1.Options"}) {
    auto p = parse_runtime_options(any_of(o, url));
    ASSERT_EQ(p.error, "") << url;
    EXPECT_EQ(p.value.binary, "crun");
    EXPECT_EQ(p.value.root, "/run/other");
    EXPECT_TRUE(p.value.systemd_cgroup);
    EXPECT_TRUE(p.value.no_pivot_root);
    EXPECT_TRUE(p.value.no_new_keyring);
    EXPECT_EQ(p.value.io_uid, 1000U);
    EXPECT_EQ(p.value.io_gid, 1001U);
    EXPECT_EQ(p.value.shim_cgroup, "/shims");
    EXPECT_EQ(p.value.criu_path, "/opt/criu");
    EXPECT_EQ(p.value.criu_work_path, "/criu/work");
  }
}

TEST(ShimRuntimeOptions, OtherTypesAreNotTheShims) {
  ::runtimeoptions::v1::Options cfg;  // ctr --runtime-config-path
  cfg.set_config_path("/etc/x.toml");
  auto p = parse_runtime_options(pack(cfg));
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.value.binary, "runc");
  // A name that only ends like it is another type.
  ::containerd::runc::v1::Options o;
  o.set_binary_name("crun");
  EXPECT_EQ(parse_runtime_options(any_of(o, "x.containerd.runc.v1.Options")).value.binary, "runc");
}

TEST(ShimRuntimeOptions, MalformedOptionsAreAnError) {
  google::protobuf::Any a;
  a.set_type_url("containerd.runc.v1.Options");
  a.set_value("\xff\xff\xff");
  EXPECT_EQ(parse_runtime_options(a).error, "malformed runtime options containerd.runc.v1.Options");
}

TEST(ShimRuntimeOptions, StartStdinIsASerializedAny) {
  ::containerd::runc::v1::Options o;
  o.set_shim_cgroup("/podx");
  auto p = parse_start_options(any_of(o).SerializeAsString());
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value.shim_cgroup, "/podx");
  EXPECT_EQ(parse_start_options("\x0a\xff").error, "runtime options on stdin: not a protobuf Any");
}

TEST(ShimRuntimeOptions, RootIsJoinedWithTheNamespaceLikeFilepathJoin) {
  EXPECT_EQ(runtime_root("", "k8s.io"), "/run/containerd/runcpp/k8s.io");
  EXPECT_EQ(runtime_root("/run/other", "default"), "/run/other/default");
  EXPECT_EQ(runtime_root("/run/other/", "default"), "/run/other/default");
  EXPECT_EQ(runtime_root("/run//a/../other", "ns"), "/run/other/ns");
}

// A fake cgroup mount (not cgroup2, so the v1 layout) in a temp dir.
struct fake_cgroup_root {
  std::filesystem::path dir;
  fake_cgroup_root() {
    char t[] = "/tmp/runcpp-shim-cg-XXXXXX";
    dir = ::mkdtemp(t);
  }
  ~fake_cgroup_root() { std::filesystem::remove_all(dir); }
  std::filesystem::path make(const std::string& rel) {
    std::filesystem::create_directories(dir / rel);
    std::ofstream(dir / rel / "cgroup.procs").flush();
    return dir / rel / "cgroup.procs";
  }
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ShimCgroup, V1WritesEveryHierarchyThatHasTheCgroup) {
  fake_cgroup_root r;
  auto mem = r.make("memory/shims/a");
  auto pids = r.make("pids/shims/a");
  r.make("cpu/other");
  EXPECT_EQ(join_cgroup(4242, "/shims/a", r.dir), "");
  EXPECT_EQ(slurp(mem), "4242");
  EXPECT_EQ(slurp(pids), "4242");
}

TEST(ShimCgroup, V1MissingEverywhereIsCgroupDeleted) {
  fake_cgroup_root r;
  r.make("memory/other");
  EXPECT_EQ(join_cgroup(1, "/shims/none", r.dir),
            "failed to load cgroup /shims/none: cgroups: cgroup deleted");
}

TEST(ShimCgroup, AWriteThatFailsIsAJoinError) {
  fake_cgroup_root r;
  std::filesystem::create_directories(r.dir / "memory/s");  // no cgroup.procs
  EXPECT_EQ(join_cgroup(7, "/s", r.dir),
            "failed to join cgroup /s: " + (r.dir / "memory/s/cgroup.procs").string() +
                ": No such file or directory");
}

}  // namespace
}  // namespace runcpp::shim
