// OOM events: when a container's memory cgroup runs out of memory (the kernel's
// OOM killer ends one of its processes), the shim publishes
// containerd.events.TaskOOM on /tasks/oom, like the Go shim (containerd's
// pkg/oom/v1 and pkg/oom/v2); CRI turns it into the "OOMKilled" reason.
//  - cgroup v1: an eventfd registered through cgroup.event_control on
//    memory.oom_control; the kernel signals it at each OOM (and once more when
//    the cgroup is removed, which is not an OOM).
//  - cgroup v2: inotify on memory.events; an OOM is a rise of its oom_kill counter.
// One fd per watched container, registered on the shim's loop: no thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <runcpp/ttrpc/loop.hpp>

namespace runcpp::shim {

/// A process's memory cgroup directory, and the interface it offers.
struct memory_cgroup {
  enum class version { v1, v2 };
  version ver = version::v1;
  std::filesystem::path dir;
};

/// Finds the memory cgroup from the text of /proc/<pid>/cgroup and of the
/// reader's /proc/self/mountinfo. The v1 memory controller when the process has
/// one (legacy and hybrid hierarchies, like the Go shim), else the unified (v2)
/// cgroup. Returns "" or the reason.
std::string find_memory_cgroup(std::string_view proc_cgroup, std::string_view mountinfo, memory_cgroup& out);

/// What cgroup.event_control takes to signal `event_fd` at each OOM of the
/// cgroup whose memory.oom_control is open as `oom_control_fd`.
std::string event_control_line(int event_fd, int oom_control_fd);

/// The oom_kill counter of a cgroup v2 memory.events text; nullopt when absent.
std::optional<std::uint64_t> parse_oom_kill(std::string_view memory_events);

/// Watches containers' memory cgroups on a loop and calls `on_oom(container id)`
/// once per OOM the kernel reports (v2: once per rise of oom_kill, however much
/// it rose). Owns its fds (close-on-exec, non-blocking) and registers them on the
/// loop, which must outlive it. Not thread-safe: the loop's thread only.
class oom_watcher {
 public:
  using on_oom_fn = std::function<void(const std::string& container_id)>;
  oom_watcher(ttrpc::loop& l, on_oom_fn on_oom);
  ~oom_watcher();
  oom_watcher(const oom_watcher&) = delete;
  oom_watcher& operator=(const oom_watcher&) = delete;

  /// Watches the memory cgroup of `pid` (a container's init, once runc create put
  /// it there) for container `id`. Returns "" or the reason (no memory cgroup,
  /// cgroup.event_control refused, ...); nothing is watched then. Does not block.
  std::string add(const std::string& id, int pid);
  /// Watches the cgroup `cg` for container `id` (replacing an earlier watch of it).
  /// v2: the oom_kill count at this moment is the baseline.
  std::string add(const std::string& id, const memory_cgroup& cg);
  /// Stops watching `id`'s cgroup and closes its fd; no-op for an unknown id.
  void remove(const std::string& id) noexcept;
  /// Reports what the kernel signalled for `id` (what the loop calls when its fd
  /// is readable). Call it also before publishing the init's TaskExit, so that
  /// /tasks/oom comes first even when the loop has not dispatched the fd yet.
  /// Never blocks; nothing happens when there was no OOM. A cgroup found removed
  /// stops being watched.
  void check(const std::string& id);
  /// Number of watched containers.
  std::size_t size() const noexcept { return watches_.size(); }

 private:
  struct watch;

  ttrpc::loop& loop_;
  on_oom_fn on_oom_;
  std::map<std::string, std::unique_ptr<watch>> watches_;
};

}  // namespace runcpp::shim
