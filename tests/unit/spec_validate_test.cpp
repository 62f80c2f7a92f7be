// spec::validate(): every rule reports the field by its JSON pointer with its
// message, and a config runc accepts (built here by hand, and runc's own
// default and rootless defaults) has no problem.
#include <runcpp/spec_validate.hpp>

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using runcpp::spec::config;
using runcpp::spec::id_mapping;
using runcpp::spec::linux_namespace;
using runcpp::spec::problem;
using runcpp::spec::validate;
using runcpp::spec::validate_options;
using testing::ElementsAre;
using testing::IsEmpty;
using strings = std::vector<std::string>;

// What runc needs and nothing more: a process, a rootfs, a few namespaces.
config minimal() {
  config c;
  c.oci_version = "1.0.2-dev";
  c.root.emplace().path = "rootfs";
  auto& p = c.process.emplace();
  p.args = strings{"sh"};
  p.cwd = "/";
  p.env = strings{"PATH=/bin"};
  auto& l = c.linux_config.emplace();
  l.namespaces =
      std::vector<linux_namespace>{{.type = "pid"}, {.type = "mount"}, {.type = "uts"}, {.type = "ipc"}};
  return c;
}

std::vector<linux_namespace>& namespaces(config& c) { return *c.linux_config->namespaces; }

std::vector<id_mapping> one_id(std::uint32_t host) {
  return {{.container_id = 0, .host_id = host, .size = 1}};
}

// A new user namespace mapping root to the host ids, the process running as root.
config in_user_namespace(std::uint32_t host_uid, std::uint32_t host_gid) {
  config c = minimal();
  namespaces(c).push_back({.type = "user"});
  c.linux_config->uid_mappings = one_id(host_uid);
  c.linux_config->gid_mappings = one_id(host_gid);
  c.process->user = {.uid = 0, .gid = 0};
  return c;
}

// A bind mount at /a, idmapped to host id 1000.
runcpp::spec::mount idmapped_bind(std::string source, std::string option) {
  return {.destination = "/a",
          .type = "bind",
          .source = std::move(source),
          .options = strings{std::move(option)},
          .uid_mappings = one_id(1000),
          .gid_mappings = one_id(1000)};
}

problem at(std::string pointer, std::string message) { return {std::move(pointer), std::move(message)}; }

TEST(spec_validate, a_minimal_config_has_no_problem) { EXPECT_THAT(validate(minimal()), IsEmpty()); }

TEST(spec_validate, to_string_joins_pointer_and_message) {
  EXPECT_EQ(to_string(at("/process/cwd", "bad")), "/process/cwd: bad");
}

TEST(spec_validate, json_pointer_tokens_escape_tilde_and_slash) {
  EXPECT_EQ(runcpp::spec::json_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(runcpp::spec::json_pointer_token("net.ipv4.ip_forward"), "net.ipv4.ip_forward");
}

TEST(spec_validate, required_top_level_fields) {
  config c = minimal();
  c.oci_version.reset();
  c.root->path = "";
  EXPECT_THAT(
      validate(c),
      ElementsAre(at("/ociVersion", "ociVersion is required (e.g. \"1.0.2-dev\", what runc spec writes)"),
                  at("/root/path",
                     "root.path is required: the container's root filesystem, absolute or relative to the "
                     "bundle")));
}

TEST(spec_validate, a_process_is_required) {
  config c = minimal();
  c.process.reset();
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process", "a process is required: runc create and runc run start it")));
}

TEST(spec_validate, missing_or_empty_args_when_a_process_is_present) {
  config c = minimal();
  c.process->args.reset();
  const auto expected = at("/process/args", "process.args is empty: it must name the program to run");
  EXPECT_THAT(validate(c), ElementsAre(expected));
  c.process->args = strings{};
  EXPECT_THAT(validate(c), ElementsAre(expected));
}

TEST(spec_validate, cwd_must_be_present_and_absolute) {
  config c = minimal();
  c.process->cwd.reset();
  EXPECT_THAT(validate(c), ElementsAre(at("/process/cwd", "process.cwd is required")));
  c.process->cwd = "tmp";
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process/cwd", "process.cwd must be an absolute path, not \"tmp\"")));
}

TEST(spec_validate, env_entries_are_key_value) {
  config c = minimal();
  c.process->env = strings{"PATH=/bin", "JUSTNAME", "=value"};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process/env/1", "environment entry \"JUSTNAME\" has no '=': use KEY=value"),
                          at("/process/env/2", "environment entry \"=value\" has an empty name")));
}

TEST(spec_validate, rlimits_known_unique_and_soft_below_hard) {
  config c = minimal();
  using rlimit = runcpp::spec::process::rlimit_t;
  c.process->rlimits = std::vector<rlimit>{{.type = "RLIMIT_NOFILE", .hard = 10, .soft = 10},
                                           {.type = "RLIMIT_BOGUS", .hard = 1, .soft = 1},
                                           {.type = "RLIMIT_NOFILE", .hard = 5, .soft = 6}};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process/rlimits/1/type",
                             "unknown rlimit type \"RLIMIT_BOGUS\" (RLIMIT_NOFILE, RLIMIT_NPROC, ...)"),
                          at("/process/rlimits/2/type",
                             "duplicate rlimit RLIMIT_NOFILE (also at /process/rlimits/0)"),
                          at("/process/rlimits/2/soft", "the soft limit is above the hard limit")));
}

TEST(spec_validate, oom_score_adj_range) {
  config c = minimal();
  c.process->oom_score_adj = 1001;
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process/oomScoreAdj", "oomScoreAdj must be in -1000..1000, not 1001")));
  c.process->oom_score_adj = -1000;
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(spec_validate, scheduler_rules_of_runc) {
  config c = minimal();
  c.process->scheduler.emplace();
  EXPECT_THAT(validate(c), ElementsAre(at("/process/scheduler/policy", "scheduler.policy is required")));
  c.process->scheduler = {.policy = "SCHED_OTHER", .nice = 20, .priority = 3, .runtime = 100};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process/scheduler/nice", "scheduler.nice must be in -20..19, not 20"),
                          at("/process/scheduler/priority",
                             "scheduler.priority is only for SCHED_FIFO and SCHED_RR"),
                          at("/process/scheduler",
                             "scheduler runtime, deadline and period are only for SCHED_DEADLINE")));
  c.process->scheduler = {.policy = "SCHED_LOTTERY"};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process/scheduler/policy", "unknown scheduler policy \"SCHED_LOTTERY\"")));
  c.process->scheduler = {.policy = "SCHED_FIFO", .priority = 10};
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(spec_validate, io_priority_class_and_range) {
  config c = minimal();
  c.process->io_priority = {.io_class = "IOPRIO_CLASS_XX", .priority = 8};
  EXPECT_THAT(
      validate(c),
      ElementsAre(at("/process/ioPriority/class",
                     "ioPriority.class must be IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE"),
                  at("/process/ioPriority/priority", "ioPriority.priority must be in 0..7, not 8")));
}

TEST(spec_validate, relative_mount_destinations_and_bind_without_source) {
  config c = minimal();
  c.mounts = std::vector<runcpp::spec::mount>{
      {.destination = "/proc", .type = "proc", .source = "proc"},
      {.destination = "data", .type = "bind", .source = "/srv"},
      {.type = "tmpfs"},
      {.destination = "/x", .type = "none", .options = strings{"rbind"}},
  };
  EXPECT_THAT(validate(c), ElementsAre(at("/mounts/1/destination",
                                          "mount destination must be an absolute path, not \"data\""),
                                       at("/mounts/2/destination", "mount destination is required"),
                                       at("/mounts/3/source", "a bind mount needs a source")));
}

TEST(spec_validate, idmapped_mounts_follow_runc) {
  config c = minimal();
  c.mounts = std::vector<runcpp::spec::mount>{{.destination = "/a",
                                               .type = "tmpfs",
                                               .source = "tmpfs",
                                               .uid_mappings = one_id(1000),
                                               .gid_mappings = one_id(1000)}};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/mounts/0/options", "uidMappings/gidMappings on a mount need a bind mount"),
                          at("/mounts/0",
                             "an idmapped mount needs a user namespace with linux.uidMappings and "
                             "linux.gidMappings")));
  c = in_user_namespace(1000, 2000);
  c.mounts = std::vector<runcpp::spec::mount>{idmapped_bind("rel", "bind")};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/mounts/0/gidMappings", "a mount's gidMappings must equal linux.gidMappings"),
                          at("/mounts/0/source", "an idmapped mount needs an absolute source")));
}

TEST(spec_validate, hostname_and_domainname_need_a_uts_namespace) {
  config c = minimal();
  c.hostname = "web";
  c.domainname = "example.org";
  EXPECT_THAT(validate(c), IsEmpty());
  std::erase_if(namespaces(c), [](const auto& ns) { return ns.type == "uts"; });
  EXPECT_THAT(validate(c),
              ElementsAre(at("/hostname", "setting the hostname needs a uts namespace in linux.namespaces"),
                          at("/domainname",
                             "setting the domainname needs a uts namespace in linux.namespaces")));
}

TEST(spec_validate, hooks_need_absolute_paths_and_positive_timeouts) {
  config c = minimal();
  c.hooks.emplace().poststop =
      std::vector<runcpp::spec::hook>{{.path = "/bin/true"}, {.path = "true", .timeout = 0}};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/hooks/poststop/1/path", "a hook's path must be an absolute path"),
                          at("/hooks/poststop/1/timeout", "a hook's timeout must be more than 0 seconds")));
}

TEST(spec_validate, duplicate_and_unknown_namespaces) {
  config c = minimal();
  namespaces(c).push_back({.type = "pid", .path = "/proc/1/ns/pid"});
  namespaces(c).push_back({.type = "net"});
  EXPECT_THAT(validate(c), ElementsAre(at("/linux/namespaces/4/type",
                                          "duplicate namespace \"pid\" (also at /linux/namespaces/0)"),
                                       at("/linux/namespaces/5/type",
                                          "unknown namespace type \"net\" (pid, network, mount, ipc, uts, "
                                          "user, cgroup, time)")));
}

TEST(spec_validate, a_new_user_namespace_needs_mappings) {
  config c = minimal();
  namespaces(c).push_back({.type = "user"});
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/uidMappings",
                             "a new user namespace needs uidMappings (or a namespace path to join)"),
                          at("/linux/gidMappings",
                             "a new user namespace needs gidMappings (or a namespace path to join)")));
  namespaces(c).back().path = "/proc/1/ns/user";
  EXPECT_THAT(validate(c), IsEmpty()) << "joining a user namespace needs no mappings";
}

TEST(spec_validate, mappings_need_a_user_namespace_and_a_size) {
  config c = minimal();
  c.linux_config->uid_mappings = std::vector<id_mapping>{{.container_id = 0, .host_id = 1000, .size = 0}};
  c.linux_config->gid_mappings = std::vector<id_mapping>{{.size = 1}};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/uidMappings", "uidMappings need a user namespace in linux.namespaces"),
                          at("/linux/gidMappings", "gidMappings need a user namespace in linux.namespaces"),
                          at("/linux/uidMappings/0/size", "a mapping needs a size of at least 1"),
                          at("/linux/gidMappings/0/containerID", "a mapping needs containerID"),
                          at("/linux/gidMappings/0/hostID", "a mapping needs hostID")));
}

TEST(spec_validate, the_process_ids_must_be_mapped_in_a_new_user_namespace) {
  config c = minimal();
  namespaces(c).push_back({.type = "user"});
  c.linux_config->uid_mappings =
      std::vector<id_mapping>{{.container_id = 0, .host_id = 100000, .size = 1000}};
  c.linux_config->gid_mappings = one_id(100000);
  c.process->user = {.uid = 999, .gid = 0, .additional_gids = std::vector<std::uint32_t>{0, 5}};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process/user/additionalGids/1", "gid 5 is not mapped by linux.gidMappings")));
  c.process->user->uid = 1000;
  c.process->user->gid = 1;
  EXPECT_THAT(validate(c),
              ElementsAre(at("/process/user/uid", "uid 1000 is not mapped by linux.uidMappings"),
                          at("/process/user/gid", "gid 1 is not mapped by linux.gidMappings"),
                          at("/process/user/additionalGids/1", "gid 5 is not mapped by linux.gidMappings")));
}

TEST(spec_validate, time_offsets_need_a_time_namespace) {
  config c = minimal();
  c.linux_config->time_offsets =
      std::map<std::string, runcpp::spec::linux_time_offset>{{"monotonic", {.secs = 10}}};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/timeOffsets", "timeOffsets need a time namespace in linux.namespaces")));
  namespaces(c).push_back({.type = "time"});
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(spec_validate, devices_need_absolute_paths_types_and_numbers) {
  config c = minimal();
  c.linux_config->devices = std::vector<runcpp::spec::linux_device>{
      {.path = "/dev/fuse", .type = "c", .major = 10, .minor = 229},
      {.path = "dev/x", .type = "c", .major = 1},
      {.path = "/dev/y", .type = "x"},
      {.path = "/dev/fifo", .type = "p"},
  };
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/devices/1/path", "a device's path must be an absolute path"),
                          at("/linux/devices/1", "a c device needs major and minor numbers"),
                          at("/linux/devices/2/type", "a device's type must be c, b, u or p, not \"x\"")));
}

TEST(spec_validate, rootfs_propagation_values) {
  config c = minimal();
  c.linux_config->rootfs_propagation = "rslave";
  EXPECT_THAT(validate(c), IsEmpty());
  c.linux_config->rootfs_propagation = "sideways";
  EXPECT_THAT(validate(c), ElementsAre(at("/linux/rootfsPropagation",
                                          "unknown rootfsPropagation \"sideways\" (private, slave, shared, "
                                          "unbindable, or r-prefixed)")));
}

TEST(spec_validate, memory_swap_is_at_least_the_limit) {
  config c = minimal();
  auto& memory = c.linux_config->resources.emplace().memory.emplace();
  memory.limit = 64 << 20;
  memory.swap = 32 << 20;
  EXPECT_THAT(validate(c), ElementsAre(at("/linux/resources/memory/swap",
                                          "memory.swap is the memory+swap limit: it must be -1 or at least "
                                          "memory.limit (67108864)")));
  memory.swap = -1;
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(spec_validate, seccomp_actions_and_names) {
  config c = minimal();
  auto& s = c.linux_config->seccomp.emplace();
  s.default_action = "SCMP_ACT_ERRNO";
  s.syscalls =
      std::vector<runcpp::spec::linux_syscall>{{.names = strings{"mount"}, .action = "SCMP_ACT_ALLOW"},
                                               {.names = strings{}, .action = "SCMP_ACT_PERHAPS"}};
  EXPECT_THAT(validate(c), ElementsAre(at("/linux/seccomp/syscalls/1/names",
                                          "a seccomp rule needs at least one syscall name"),
                                       at("/linux/seccomp/syscalls/1/action",
                                          "unknown seccomp action \"SCMP_ACT_PERHAPS\"")));
  s.syscalls.reset();
  s.default_action.reset();
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/seccomp/defaultAction",
                             "seccomp.defaultAction must be a seccomp action such as SCMP_ACT_ERRNO")));
}

TEST(spec_validate, sysctls_follow_the_namespaces_like_runc) {
  config c = minimal();
  c.linux_config->sysctl = std::map<std::string, std::string>{
      {"net.ipv4.ip_forward", "1"},  // no network namespace
      {"kernel/shmmax", "1"},        // slash form of an ipc sysctl: allowed
      {"kernel.hostname", "x"},      // conflicts with "hostname"
      {"kernel.domainname", "x"},    // uts: allowed
      {"vm.swappiness", "1"},        // not namespaced
      {"fs.mqueue.msg_max", "1"},    // ipc: allowed
  };
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/sysctl/kernel.hostname",
                             "sysctl kernel.hostname conflicts with the hostname field: set that instead"),
                          at("/linux/sysctl/net.ipv4.ip_forward",
                             "sysctl net.ipv4.ip_forward needs a network namespace"),
                          at("/linux/sysctl/vm.swappiness",
                             "sysctl vm.swappiness is not isolated by a namespace of the container")));
  std::erase_if(namespaces(c), [](const auto& ns) { return ns.type == "ipc"; });
  c.linux_config->sysctl = std::map<std::string, std::string>{{"kernel/shmmax", "1"}};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/sysctl/kernel~1shmmax", "sysctl kernel.shmmax needs an ipc namespace")));
}

TEST(spec_validate, masked_and_readonly_paths_need_a_mount_namespace_and_absolute_paths) {
  config c = minimal();
  c.linux_config->masked_paths = strings{"/proc/kcore", "proc/keys"};
  c.linux_config->readonly_paths = strings{"/proc/sys"};
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/maskedPaths/1", "must be an absolute path, not \"proc/keys\"")));
  std::erase_if(namespaces(c), [](const auto& ns) { return ns.type == "mount"; });
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/maskedPaths", "maskedPaths need a mount namespace in linux.namespaces"),
                          at("/linux/maskedPaths/1", "must be an absolute path, not \"proc/keys\""),
                          at("/linux/readonlyPaths",
                             "readonlyPaths need a mount namespace in linux.namespaces")));
}

TEST(spec_validate, intel_rdt_clos_id_and_personality) {
  config c = minimal();
  c.linux_config->intel_rdt.emplace().clos_id = "a/b";
  c.linux_config->personality.emplace().domain = "LINUX64";
  EXPECT_THAT(validate(c),
              ElementsAre(at("/linux/intelRdt/closID",
                             "intelRdt.closID \"a/b\" is not a valid resctrl group name"),
                          at("/linux/personality/domain", "personality.domain must be LINUX or LINUX32")));
}

TEST(spec_validate, rootless_needs_a_user_namespace_with_mappings) {
  config c = minimal();
  EXPECT_THAT(validate(c), IsEmpty()) << "fine for root";
  EXPECT_THAT(validate(c, {.rootless = true}),
              ElementsAre(at("/linux/namespaces", "a rootless container needs a user namespace")));
  namespaces(c).push_back({.type = "user"});
  c.linux_config->uid_mappings = std::vector<id_mapping>{};
  c.linux_config->gid_mappings = one_id(1000);
  EXPECT_THAT(validate(c, {.rootless = true}),
              ElementsAre(at("/linux", "a rootless container needs at least one uid and one gid mapping")));
}

TEST(spec_validate, rootless_mount_options_must_name_mapped_ids) {
  config c = in_user_namespace(1000, 1000);
  c.mounts = std::vector<runcpp::spec::mount>{{.destination = "/dev/pts",
                                               .type = "devpts",
                                               .source = "devpts",
                                               .options = strings{"mode=0620", "gid=5", "uid=0"}}};
  EXPECT_THAT(validate(c), IsEmpty()) << "root may mount with gid=5";
  EXPECT_THAT(validate(c, {.rootless = true}),
              ElementsAre(
                  at("/mounts/0/options/1",
                     "mount option gid=5 names an id the rootless container's user namespace does not map")));
}

TEST(spec_validate, rootless_cannot_have_idmapped_mounts) {
  config c = in_user_namespace(1000, 1000);
  c.mounts = std::vector<runcpp::spec::mount>{idmapped_bind("/srv", "rbind")};
  EXPECT_THAT(validate(c), IsEmpty());
  EXPECT_THAT(validate(c, {.rootless = true}),
              ElementsAre(at("/mounts/0",
                             "idmapped mounts need CAP_SYS_ADMIN: a rootless container cannot have them")));
}

TEST(spec_validate, every_problem_is_reported_not_just_the_first) {
  config c = minimal();
  c.process->args.reset();
  c.process->cwd = "rel";
  c.mounts = std::vector<runcpp::spec::mount>{{.destination = "rel"}};
  namespaces(c).push_back({.type = "pid"});
  EXPECT_EQ(validate(c).size(), 4u);
}

}  // namespace
