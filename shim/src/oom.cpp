#include "oom.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>
#include <vector>

#include <runcpp/fd.hpp>

#include "file_io.hpp"

namespace runcpp::shim {
namespace {

std::string errno_message(const std::string& what) { return what + ": " + std::strerror(errno); }

template <class Fn>
void for_each_line(std::string_view text, Fn fn) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    fn(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    const auto end = line.find_first_of(" \t");
    out.push_back(line.substr(0, end));
    line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  }
  return out;
}

bool in_list(std::string_view comma_list, std::string_view item) {
  for (;;) {
    const auto end = comma_list.find(',');
    if (comma_list.substr(0, end) == item) return true;
    if (end == std::string_view::npos) return false;
    comma_list.remove_prefix(end + 1);
  }
}

// mountinfo writes space, tab, newline and backslash in paths as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 4, v, 8);
      if (ec == std::errc{} && p == s.data() + i + 4) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// The directory of cgroup `path` under a mount of its hierarchy whose root is
// `root`; nullopt when the mount does not show it.
std::optional<std::filesystem::path> under_mount(std::string_view root, std::string_view point,
                                                 std::string_view path) {
  std::string rel;
  if (root == "/") {
    rel = path;
  } else if (path == root || (path.starts_with(root) && path[root.size()] == '/')) {
    rel = path.substr(root.size());
  } else {
    return std::nullopt;
  }
  return std::filesystem::path(std::string(point) + rel).lexically_normal();
}

// /proc/<pid>/cgroup, mountinfo (large on hosts with many mounts) and memory.events.
std::optional<std::string> read_text(const std::filesystem::path& p) {
  return read_file(p, std::size_t{16} << 20);
}

}  // namespace

std::string find_memory_cgroup(std::string_view proc_cgroup, std::string_view mountinfo, memory_cgroup& out) {
  std::optional<std::string> v1_path, v2_path;
  for_each_line(proc_cgroup, [&](std::string_view line) {
    // hierarchy-id:controller,list:/path
    const auto c1 = line.find(':');
    const auto c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) return;
    const std::string_view controllers = line.substr(c1 + 1, c2 - c1 - 1);
    if (in_list(controllers, "memory")) v1_path = line.substr(c2 + 1);
    if (line.substr(0, c1) == "0" && controllers.empty()) v2_path = line.substr(c2 + 1);
  });
  std::optional<std::filesystem::path> v1_dir, v2_dir;
  for_each_line(mountinfo, [&](std::string_view line) {
    // id parent dev root mount-point options [optional...] - fstype source super-options
    const auto f = fields_of(line);
    std::size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash + 3 >= f.size()) return;
    const std::string root = unescape(f[3]), point = unescape(f[4]);
    if (f[dash + 1] == "cgroup" && v1_path && !v1_dir && in_list(f[dash + 3], "memory")) {
      v1_dir = under_mount(root, point, *v1_path);
    } else if (f[dash + 1] == "cgroup2" && v2_path && !v2_dir) {
      v2_dir = under_mount(root, point, *v2_path);
    }
  });
  if (v1_dir) {
    out = {memory_cgroup::version::v1, *v1_dir};
  } else if (v2_dir) {
    out = {memory_cgroup::version::v2, *v2_dir};
  } else {
    return "no memory cgroup: neither a cgroup v1 memory controller nor a cgroup2 mount shows the process's "
           "cgroup";
  }
  return {};
}

std::string event_control_line(int event_fd, int oom_control_fd) {
  return std::to_string(event_fd) + ' ' + std::to_string(oom_control_fd);
}

std::optional<std::uint64_t> parse_oom_kill(std::string_view memory_events) {
  std::optional<std::uint64_t> found;
  for_each_line(memory_events, [&](std::string_view line) {
    const auto f = fields_of(line);
    if (f.size() != 2 || f[0] != "oom_kill") return;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), v);
    if (ec == std::errc{} && p == f[1].data() + f[1].size()) found = v;
  });
  return found;
}

struct oom_watcher::watch {
  enum class outcome { none, oom, gone };

  memory_cgroup cg;
  unique_fd fd;  ///< v1: the eventfd; v2: an inotify fd watching memory.events
  std::uint64_t oom_kills = 0;

  std::filesystem::path file(const char* name) const { return cg.dir / name; }

  std::string arm() { return cg.ver == memory_cgroup::version::v1 ? arm_v1() : arm_v2(); }

  std::string arm_v1() {
    unique_fd efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!efd) return errno_message("eventfd");
    unique_fd control(::open(file("memory.oom_control").c_str(), O_RDONLY | O_CLOEXEC));
    if (!control) return errno_message("open " + file("memory.oom_control").string());
    unique_fd events(::open(file("cgroup.event_control").c_str(), O_WRONLY | O_CLOEXEC));
    if (!events) return errno_message("open " + file("cgroup.event_control").string());
    // The kernel keeps its own references: both files may be closed once written.
    const std::string line = event_control_line(efd.get(), control.get());
    ssize_t n = 0;
    do {
      n = ::write(events.get(), line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(line.size()))
      return errno_message("write " + file("cgroup.event_control").string());
    fd = std::move(efd);
    return {};
  }

  std::string arm_v2() {
    unique_fd ifd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!ifd) return errno_message("inotify_init1");
    // Watch first, then take the baseline: no rise can fall in between.
    if (::inotify_add_watch(ifd.get(), file("memory.events").c_str(), IN_MODIFY) < 0) {
      return errno_message("inotify_add_watch " + file("memory.events").string());
    }
    auto text = read_text(file("memory.events"));
    if (!text) return errno_message("read " + file("memory.events").string());
    oom_kills = parse_oom_kill(*text).value_or(0);
    fd = std::move(ifd);
    return {};
  }

  // Non-blocking: what the kernel reported since the last poll.
  outcome poll() { return cg.ver == memory_cgroup::version::v1 ? poll_v1() : poll_v2(); }

  outcome poll_v1() {
    std::uint64_t count = 0;
    if (::read(fd.get(), &count, sizeof count) != static_cast<ssize_t>(sizeof count)) return outcome::none;
    // The kernel also signals the eventfd when the cgroup is removed.
    return ::access(file("memory.oom_control").c_str(), F_OK) == 0 ? outcome::oom : outcome::gone;
  }

  outcome poll_v2() {
    char buf[4096];
    while (::read(fd.get(), buf, sizeof buf) > 0) {
    }
    auto text = read_text(file("memory.events"));
    if (!text) return outcome::gone;
    const std::uint64_t now = parse_oom_kill(*text).value_or(oom_kills);
    if (now <= oom_kills) return outcome::none;
    oom_kills = now;
    return outcome::oom;
  }
};

oom_watcher::oom_watcher(ttrpc::loop& l, on_oom_fn on_oom) : loop_(l), on_oom_(std::move(on_oom)) {}

oom_watcher::~oom_watcher() {
  for (const auto& [id, w] : watches_) loop_.remove(w->fd.get());
}

std::string oom_watcher::add(const std::string& id, int pid) {
  const std::string proc = "/proc/" + std::to_string(pid) + "/cgroup";
  auto cgroups = read_text(proc);
  if (!cgroups) return errno_message("read " + proc);
  auto mounts = read_text("/proc/self/mountinfo");
  if (!mounts) return errno_message("read /proc/self/mountinfo");
  memory_cgroup cg;
  if (auto e = find_memory_cgroup(*cgroups, *mounts, cg); !e.empty()) return e;
  return add(id, cg);
}

std::string oom_watcher::add(const std::string& id, const memory_cgroup& cg) {
  remove(id);
  auto w = std::make_unique<watch>();
  w->cg = cg;
  if (auto e = w->arm(); !e.empty()) return e;
  try {
    loop_.add(w->fd.get(), EPOLLIN, [this, id](std::uint32_t) { check(id); });
  } catch (const std::system_error& e) {
    return std::string("epoll: ") + e.what();
  }
  watches_.emplace(id, std::move(w));
  return {};
}

void oom_watcher::remove(const std::string& id) noexcept {
  auto it = watches_.find(id);
  if (it == watches_.end()) return;
  loop_.remove(it->second->fd.get());
  watches_.erase(it);
}

void oom_watcher::check(const std::string& id) {
  auto it = watches_.find(id);
  if (it == watches_.end()) return;
  switch (it->second->poll()) {
    case watch::outcome::none: break;
    case watch::outcome::gone: remove(id); break;
    case watch::outcome::oom: on_oom_(id); break;
  }
}

}  // namespace runcpp::shim
