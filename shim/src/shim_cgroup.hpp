// The runc Options' shim_cgroup: `start` moves the new shim daemon into an existing
// cgroup, as containerd 1.6's runc shim does (runtime/v2/runc/manager/manager_linux.go
// Start, with containerd/cgroups 1.0 Load+Add on v1 and LoadManager+AddProc on v2).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace runcpp::shim {

/// Writes `pid` into the cgroup.procs of cgroup `path` (e.g. "/shims/a") under
/// `mount_root`. On a cgroup2 mount_root: `<mount_root><path>/cgroup.procs`. Otherwise
/// (v1 or hybrid): in each v1 hierarchy of containerd's list (systemd, freezer, pids,
/// net_cls, net_prio, perf_event, cpuset, cpu, cpuacct, memory, blkio, rdma, devices,
/// hugetlb) where `<mount_root>/<hierarchy><path>` exists; none existing is an
/// error ("cgroups: cgroup deleted", containerd/cgroups' ErrCgroupDeleted). Returns "" or the one-line
/// reason, "failed to load|join cgroup PATH: ...". Blocks on the file writes only.
std::string join_cgroup(pid_t pid, const std::string& path,
                        const std::filesystem::path& mount_root = "/sys/fs/cgroup");

}  // namespace runcpp::shim
