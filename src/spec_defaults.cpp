// spec::default_config and spec::default_rootless_config: runc 1.1's `runc
// spec` (libcontainer/specconv.Example) and `runc spec --rootless`
// (specconv.ToRootless), rebuilt field by field. Members are declared in
// specs-go's order, which is also the order runc writes, so the indented
// serialization is byte-identical to runc's config.json.

#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include <runcpp/spec_config.hpp>

namespace runcpp::spec {

namespace {

using strings = std::vector<std::string>;

strings default_capabilities() { return {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}; }

spec::process default_process() {
  return {
      .terminal = true,
      .user = {{.uid = 0, .gid = 0}},
      .args = {{"sh"}},
      .env = {{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}},
      .cwd = "/",
      .capabilities = {{.bounding = default_capabilities(),
                        .effective = default_capabilities(),
                        .permitted = default_capabilities(),
                        .ambient = default_capabilities()}},
      .rlimits = {{{.type = "RLIMIT_NOFILE", .hard = 1024, .soft = 1024}}},
      .no_new_privileges = true,
  };
}

std::vector<mount> default_mounts() {
  return {
      {.destination = "/proc", .type = "proc", .source = "proc"},
      {.destination = "/dev",
       .type = "tmpfs",
       .source = "tmpfs",
       .options = strings{"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {.destination = "/dev/pts",
       .type = "devpts",
       .source = "devpts",
       .options = strings{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
      {.destination = "/dev/shm",
       .type = "tmpfs",
       .source = "shm",
       .options = strings{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
      {.destination = "/dev/mqueue",
       .type = "mqueue",
       .source = "mqueue",
       .options = strings{"nosuid", "noexec", "nodev"}},
      {.destination = "/sys",
       .type = "sysfs",
       .source = "sysfs",
       .options = strings{"nosuid", "noexec", "nodev", "ro"}},
      {.destination = "/sys/fs/cgroup",
       .type = "cgroup",
       .source = "cgroup",
       .options = strings{"nosuid", "noexec", "nodev", "relatime", "ro"}},
  };
}

spec::linux_config default_linux() {
  return {
      .namespaces =
          {{{.type = "pid"}, {.type = "network"}, {.type = "ipc"}, {.type = "uts"}, {.type = "mount"}}},
      .resources = {{.devices = {{{.allow = false, .access = "rwm"}}}}},
      .masked_paths = {{"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                        "/proc/scsi"}},
      .readonly_paths = {{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}},
  };
}

}  // namespace

config default_config() {
  return {
      .oci_version = "1.0.2-dev",
      .root = {{.path = "rootfs", .readonly = true}},
      .mounts = default_mounts(),
      .process = default_process(),
      .hostname = "runc",
      .linux_config = default_linux(),
  };
}

// specconv.ToRootless: drop the network (and any user) namespace and the
// resources, add a user namespace with a one-id mapping of root to the
// caller's effective ids, bind /sys from the host instead of mounting sysfs
// (a rootless user cannot), and drop every uid= and gid= mount option (those
// ids are not mapped).
config default_rootless_config() {
  config cfg = default_config();
  linux_config& lx = *cfg.linux_config;
  std::erase_if(*lx.namespaces,
                [](const linux_namespace& ns) { return ns.type == "network" || ns.type == "user"; });
  lx.namespaces->push_back({.type = "user"});
  lx.uid_mappings = {{{.container_id = 0, .host_id = ::geteuid(), .size = 1}}};
  lx.gid_mappings = {{{.container_id = 0, .host_id = ::getegid(), .size = 1}}};
  lx.resources.reset();
  for (mount& m : *cfg.mounts) {
    if (m.destination == "/sys") {
      m = {.destination = "/sys",
           .type = "none",
           .source = "/sys",
           .options = strings{"rbind", "nosuid", "noexec", "nodev", "ro"}};
    } else if (m.options) {
      std::erase_if(*m.options,
                    [](const std::string& o) { return o.starts_with("uid=") || o.starts_with("gid="); });
    }
  }
  return cfg;
}

}  // namespace runcpp::spec
