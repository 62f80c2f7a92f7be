#include "mounts.hpp"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace runcpp::shim {
namespace {

struct option_flag {
  std::string_view name;
  bool clear;
  unsigned long flag;
};

// containerd 1.6 mount/mount_linux.go parseMountOptions, same table.
constexpr option_flag flag_table[] = {
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"sync", false, MS_SYNCHRONOUS},
};

constexpr option_flag propagation_table[] = {
    {"private", false, MS_PRIVATE},       {"rprivate", false, MS_PRIVATE | MS_REC},
    {"shared", false, MS_SHARED},         {"rshared", false, MS_SHARED | MS_REC},
    {"slave", false, MS_SLAVE},           {"rslave", false, MS_SLAVE | MS_REC},
    {"unbindable", false, MS_UNBINDABLE}, {"runbindable", false, MS_UNBINDABLE | MS_REC},
};

std::string errno_text(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

}  // namespace

mount_plan plan_mount(const std::vector<std::string>& options) {
  mount_plan plan;
  for (const std::string& o : options) {
    bool known = false;
    for (const auto& f : flag_table) {
      if (f.name != o) continue;
      plan.flags = f.clear ? plan.flags & ~f.flag : plan.flags | f.flag;
      known = true;
    }
    for (const auto& f : propagation_table) {
      if (f.name != o) continue;
      plan.propagation |= f.flag;
      known = true;
    }
    if (known) continue;
    if (!plan.data.empty()) plan.data += ',';
    plan.data += o;
  }
  return plan;
}

std::string mount_all(const std::vector<mount_spec>& mounts, const std::filesystem::path& target) {
  const std::string t = target.string();
  for (std::size_t i = 0; i < mounts.size(); ++i) {
    const mount_spec& m = mounts[i];
    mount_plan plan = plan_mount(m.options);
    if (m.type == "bind") plan.flags |= MS_BIND;
    std::string failure;
    if (::mount(m.source.c_str(), t.c_str(), m.type.c_str(), plan.flags,
                plan.data.empty() ? nullptr : plan.data.c_str()) != 0) {
      failure = errno_text("mount " + m.type + " " + m.source + " on", t);
    } else if ((plan.flags & MS_BIND) && (plan.flags & MS_RDONLY) &&
               ::mount("", t.c_str(), nullptr, plan.flags | MS_REMOUNT, nullptr) != 0) {
      failure = errno_text("remount read-only", t);
    } else if (plan.propagation && ::mount("", t.c_str(), nullptr, plan.propagation, nullptr) != 0) {
      failure = errno_text("set propagation of", t);
    }
    if (!failure.empty()) {
      unmount_all(target);
      return failure;
    }
  }
  return {};
}

std::string unmount_all(const std::filesystem::path& target) {
  const std::string t = target.string();
  for (;;) {
    if (::umount2(t.c_str(), MNT_DETACH) == 0) continue;
    if (errno == EINVAL || errno == ENOENT) return {};
    if (errno == EINTR) continue;
    return errno_text("unmount", t);
  }
}

}  // namespace runcpp::shim
