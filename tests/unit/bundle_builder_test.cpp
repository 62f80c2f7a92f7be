// bundle_builder: each convenience edits exactly the fields it names,
// make_rootless() is `runc spec --rootless`, and write() validates, populates
// the rootfs (idempotently) and writes a config.json that loads back equal.
// The file system work happens in temporary directories; no process runs.
#include <runcpp/bundle.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/hygiene.hpp"

namespace {

namespace fs = std::filesystem;
using runcpp::bundle_builder;
using runcpp::errc;
using runcpp::spec::default_config;
using runcpp::spec::linux_namespace;
using runcpp::spec::mount;
using runcpp::testing::temp_dir;
using testing::ElementsAre;
using testing::HasSubstr;
using strings = std::vector<std::string>;

std::vector<std::string> namespace_types(const bundle_builder& b) {
  std::vector<std::string> out;
  for (const auto& ns : *b.config().linux_config->namespaces) out.push_back(ns.type.value_or("?"));
  return out;
}

std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 ? st.st_mode & 07777u : 0u;
}

// A builder whose default config write() accepts for this caller: as root
// runc's default, otherwise its rootless form (write() validates rootless
// rules when the euid is not 0).
bundle_builder fresh() {
  bundle_builder b;
  if (::geteuid() != 0) b.make_rootless();
  return b;
}

TEST(bundle_builder, starts_from_runcs_default_config) {
  EXPECT_EQ(bundle_builder().config(), default_config());
  EXPECT_TRUE(bundle_builder().rootfs_entries().empty());
}

TEST(bundle_builder, process_conveniences_edit_the_process) {
  bundle_builder b;
  b.set_args({"sh", "-c", "echo hi"})
      .set_env({"PATH=/bin", "A=1"})
      .add_env("A=2")  // replaces A
      .add_env("B=3")  // appended
      .set_cwd("/tmp")
      .set_terminal(false)
      .set_user(1000, 100, {10, 20});
  const auto& p = *b.config().process;
  EXPECT_EQ(p.args, (strings{"sh", "-c", "echo hi"}));
  EXPECT_EQ(p.env, (strings{"PATH=/bin", "A=2", "B=3"}));
  EXPECT_EQ(p.cwd, "/tmp");
  EXPECT_EQ(p.terminal, false);
  EXPECT_EQ(p.user->uid, 1000u);
  EXPECT_EQ(p.user->gid, 100u);
  EXPECT_EQ(p.user->additional_gids, (std::vector<std::uint32_t>{10, 20}));
  b.set_user(0, 0);
  EXPECT_FALSE(b.config().process->user->additional_gids.has_value());
  auto rest = b.config();
  rest.process = default_config().process;
  EXPECT_EQ(rest, default_config()) << "nothing outside process changed";
}

TEST(bundle_builder, conveniences_create_missing_sections) {
  bundle_builder b{runcpp::spec::config{}};
  b.add_env("A=1").set_cgroups_path("/x").add_namespace("pid").set_hostname("h").add_bind_mount("/a", "/b");
  EXPECT_EQ(b.config().process->env, (strings{"A=1"}));
  EXPECT_EQ(b.config().linux_config->cgroups_path, "/x");
  EXPECT_THAT(namespace_types(b), ElementsAre("pid"));
  EXPECT_EQ(b.config().hostname, "h");
  EXPECT_EQ(b.config().mounts->size(), 1u);
}

TEST(bundle_builder, bind_mounts_are_appended_and_replace_the_same_destination) {
  bundle_builder b;
  const auto before = b.config().mounts->size();
  b.add_bind_mount("/srv/data", "/data", {.readonly = true});
  b.add_bind_mount("/etc/hosts", "/etc/hosts", {.recursive = false});
  ASSERT_EQ(b.config().mounts->size(), before + 2);
  EXPECT_EQ(b.config().mounts->at(before), (mount{.destination = "/data",
                                                  .type = "bind",
                                                  .source = "/srv/data",
                                                  .options = strings{"rbind", "ro"}}));
  EXPECT_EQ(b.config().mounts->back(), (mount{.destination = "/etc/hosts",
                                              .type = "bind",
                                              .source = "/etc/hosts",
                                              .options = strings{"bind"}}));
  b.add_bind_mount("/srv/other", "/data");
  ASSERT_EQ(b.config().mounts->size(), before + 2);
  EXPECT_EQ(b.config().mounts->back().source, "/srv/other");
}

TEST(bundle_builder, namespaces_are_added_replaced_and_removed) {
  bundle_builder b;
  EXPECT_THAT(namespace_types(b), ElementsAre("pid", "network", "ipc", "uts", "mount"));
  b.add_namespace("cgroup").add_namespace("network", "/proc/1/ns/net").remove_namespace("ipc");
  EXPECT_THAT(namespace_types(b), ElementsAre("pid", "network", "uts", "mount", "cgroup"));
  EXPECT_EQ(b.config().linux_config->namespaces->at(1),
            (linux_namespace{.type = "network", .path = "/proc/1/ns/net"}));
  EXPECT_FALSE(b.config().linux_config->namespaces->back().path.has_value());
  b.remove_namespace("time");  // absent: nothing happens
  EXPECT_EQ(b.config().linux_config->namespaces->size(), 5u);
}

TEST(bundle_builder, cgroups_path_and_resources) {
  runcpp::spec::linux_resources r;
  r.memory.emplace().limit = 1 << 20;
  bundle_builder b;
  b.set_cgroups_path("/runcpp/web").set_resources(r);
  EXPECT_EQ(b.config().linux_config->cgroups_path, "/runcpp/web");
  EXPECT_EQ(b.config().linux_config->resources, r);
}

TEST(bundle_builder, make_rootless_is_runc_spec_rootless) {
  bundle_builder b;
  b.make_rootless();
  EXPECT_EQ(b.config(), runcpp::spec::default_rootless_config());
  EXPECT_TRUE(b.rootless());
}

TEST(bundle_builder, make_rootless_maps_the_given_ids_and_fixes_mounts) {
  bundle_builder b;
  b.add_namespace("user", "/proc/1/ns/user").make_rootless(1000, 1001);
  const auto& l = *b.config().linux_config;
  EXPECT_THAT(namespace_types(b), ElementsAre("pid", "ipc", "uts", "mount", "user"));
  EXPECT_FALSE(l.namespaces->back().path.has_value()) << "a new user namespace, not the joined one";
  EXPECT_EQ(l.uid_mappings->at(0).host_id, 1000u);
  EXPECT_EQ(l.gid_mappings->at(0).host_id, 1001u);
  EXPECT_FALSE(l.resources.has_value());
  for (const auto& m : *b.config().mounts) {
    for (const auto& o : m.options.value_or(strings{}))
      EXPECT_FALSE(o.starts_with("gid=") || o.starts_with("uid="));
    if (m.destination == "/sys") {
      EXPECT_EQ(m.source, "/sys");
    }
  }
  EXPECT_THAT(b.problems(), testing::IsEmpty());
}

TEST(bundle_builder, rootless_is_also_what_a_non_root_caller_gets) {
  EXPECT_EQ(bundle_builder().rootless(), ::geteuid() != 0);
}

TEST(bundle_builder, write_refuses_a_config_with_problems_and_writes_nothing) {
  temp_dir dir;
  bundle_builder b = fresh();
  b.set_args({}).set_cwd("tmp").rootfs_directory("/proc");
  auto r = b.write(dir / "bundle");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  EXPECT_THAT(r.error().message(), HasSubstr("2 problem(s): /process/args: process.args is empty"));
  EXPECT_THAT(r.error().message(), HasSubstr("/process/cwd: process.cwd must be an absolute path"));
  EXPECT_FALSE(fs::exists(dir / "bundle"));
}

TEST(bundle_builder, write_needs_the_rootfs_when_it_has_nothing_to_populate) {
  temp_dir dir;
  auto r = fresh().write(dir / "bundle");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::not_found);
  EXPECT_THAT(r.error().message(), HasSubstr((dir / "bundle" / "rootfs").string()));
  EXPECT_FALSE(fs::exists(dir / "bundle" / "config.json"));
}

TEST(bundle_builder, write_uses_an_absolute_rootfs_as_is) {
  temp_dir dir;
  fs::create_directories(dir / "image");
  bundle_builder b = fresh();
  b.use_rootfs((dir / "image").string());
  EXPECT_EQ(b.rootfs_path(dir / "bundle"), dir / "image");
  ASSERT_TRUE(b.write(dir / "bundle"));
  EXPECT_TRUE(fs::is_empty(dir / "image"));
  auto loaded = runcpp::spec::load_config(dir / "bundle" / "config.json");
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->root->path, (dir / "image").string());
}

TEST(bundle_builder, write_populates_the_rootfs_and_writes_config_json) {
  temp_dir dir;
  const auto host_file = dir / "tool";
  std::ofstream(host_file) << "#!/bin/sh\necho tool\n";
  fs::permissions(host_file, static_cast<fs::perms>(0750));
  bundle_builder b = fresh();
  b.set_args({"/bin/tool"})
      .rootfs_directory("/tmp", fs::perms::all | fs::perms::sticky_bit)
      .rootfs_directory("var/lib/x")
      .rootfs_copy(host_file, "/bin/tool")
      .rootfs_symlink("tool", "/bin/t")
      .rootfs_file("/etc/hostname", "box\n", static_cast<fs::perms>(0600));
  const auto bundle = dir / "bundle";
  ASSERT_TRUE(b.write(bundle));
  const auto rootfs = bundle / "rootfs";
  EXPECT_EQ(mode_of(rootfs / "tmp"), 01777u);
  EXPECT_EQ(mode_of(rootfs / "var/lib/x"), 0755u);
  EXPECT_EQ(contents(rootfs / "bin/tool"), "#!/bin/sh\necho tool\n");
  EXPECT_EQ(mode_of(rootfs / "bin/tool"), 0750u) << "a copy keeps its mode";
  EXPECT_EQ(fs::read_symlink(rootfs / "bin/t"), "tool");
  EXPECT_EQ(contents(rootfs / "etc/hostname"), "box\n");
  EXPECT_EQ(mode_of(rootfs / "etc/hostname"), 0600u);
  auto loaded = runcpp::spec::load_config(bundle / "config.json");
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(*loaded, b.config());
  for (const auto& e : fs::recursive_directory_iterator(bundle))
    EXPECT_EQ(e.path().string().find(".runcpp-"), std::string::npos) << "left behind: " << e.path();
}

TEST(bundle_builder, write_again_updates_in_place_without_rewriting_unchanged_copies) {
  temp_dir dir;
  const auto host_file = dir / "tool";
  std::ofstream(host_file) << "v1";
  bundle_builder b = fresh();
  b.rootfs_copy(host_file, "/bin/tool").rootfs_file("/etc/motd", "one").rootfs_symlink("tool", "/bin/t");
  ASSERT_TRUE(b.write(dir / "bundle"));
  struct stat first {};
  ASSERT_EQ(::stat((dir / "bundle/rootfs/bin/tool").c_str(), &first), 0);

  b.rootfs_file("/etc/motd", "two").set_args({"true"});
  ASSERT_TRUE(b.write(dir / "bundle"));
  struct stat second {};
  ASSERT_EQ(::stat((dir / "bundle/rootfs/bin/tool").c_str(), &second), 0);
  EXPECT_EQ(first.st_ino, second.st_ino) << "an unchanged copy is left alone (it may be running)";
  EXPECT_EQ(contents(dir / "bundle/rootfs/etc/motd"), "two");
  EXPECT_EQ(runcpp::spec::load_config(dir / "bundle/config.json")->process->args, (strings{"true"}));
}

TEST(bundle_builder, rootfs_entries_cannot_leave_the_rootfs) {
  temp_dir dir;
  for (const char* path : {"../escape", "/a/../../b", "/", ""}) {
    bundle_builder b = fresh();
    b.rootfs_file(path, "x");
    auto r = b.write(dir / "bundle");
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code(), errc::invalid_argument) << path;
  }
  EXPECT_FALSE(fs::exists(dir / "escape"));
}

TEST(bundle_builder, a_missing_host_file_is_an_io_error_naming_it) {
  temp_dir dir;
  bundle_builder b = fresh();
  b.rootfs_copy(dir / "missing", "/bin/x");
  auto r = b.write(dir / "bundle");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::io_error);
  EXPECT_THAT(r.error().message(), HasSubstr((dir / "missing").string()));
}

TEST(bundle_builder, write_leaks_no_fd) {
  temp_dir dir;
  std::ofstream(dir / "f") << "data";
  bundle_builder b = fresh();
  b.rootfs_copy(dir / "f", "/f").rootfs_file("/g", "x");
  const auto before = runcpp::testing::open_fds();
  ASSERT_TRUE(b.write(dir / "bundle"));
  EXPECT_EQ(runcpp::testing::open_fds(), before);
}

}  // namespace
