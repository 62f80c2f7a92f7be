#include "shim_cgroup.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <runcpp/fd.hpp>

namespace runcpp::shim {
namespace {

// containerd/cgroups 1.0 utils.go defaults(): the v1 hierarchies it loads.
constexpr std::array<std::string_view, 14> v1_hierarchies = {"systemd",  "freezer",    "pids",   "net_cls",
                                                             "net_prio", "perf_event", "cpuset", "cpu",
                                                             "cpuacct",  "memory",     "blkio",  "rdma",
                                                             "devices",  "hugetlb"};

bool is_cgroup2(const std::filesystem::path& p) {
  struct statfs fs {};
  return ::statfs(p.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

// Go's filepath.Join(dir, path): `path` is absolute in containerd's options.
std::filesystem::path under(const std::filesystem::path& dir, const std::string& path) {
  return (dir / std::filesystem::path(path).relative_path()).lexically_normal();
}

std::string add_proc(const std::filesystem::path& dir, pid_t pid) {
  const auto file = dir / "cgroup.procs";
  const std::string text = std::to_string(pid);
  unique_fd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd && ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size())) return {};
  return file.string() + ": " + std::strerror(errno);
}

}  // namespace

std::string join_cgroup(pid_t pid, const std::string& path, const std::filesystem::path& mount_root) {
  const std::string join_failed = "failed to join cgroup " + path + ": ";
  if (is_cgroup2(mount_root)) {
    auto e = add_proc(under(mount_root, path), pid);
    return e.empty() ? e : join_failed + e;
  }
  bool found = false;
  for (std::string_view h : v1_hierarchies) {
    const auto dir = under(mount_root / h, path);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    found = true;
    if (auto e = add_proc(dir, pid); !e.empty()) return join_failed + e;
  }
  return found ? std::string{} : "failed to load cgroup " + path + ": cgroups: cgroup deleted";
}

}  // namespace runcpp::shim
