#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <runcpp/fd.hpp>

#include "address.hpp"
#include "bundle.hpp"
#include "commands.hpp"
#include "file_io.hpp"
#include "runtime_options.hpp"
#include "shim_cgroup.hpp"

extern char** environ;

namespace runcpp::shim {
namespace {

std::string errno_text(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

// The listening socket, or an empty fd when a live daemon already serves `path`.
// Throws std::runtime_error with the reason.
unique_fd listen_or_reuse(const std::string& path, bool& reused) {
  sockaddr_un sa;
  if (!fill_sockaddr(sa, path)) throw std::runtime_error("socket path too long: " + path);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  unique_fd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s) throw std::runtime_error(errno_text("socket"));
  auto bind_it = [&] { return ::bind(s.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0; };
  if (!bind_it()) {
    if (errno != EADDRINUSE) throw std::runtime_error(errno_text("bind " + path));
    if (live_socket(path)) {
      reused = true;
      return {};
    }
    ::unlink(path.c_str());  // a dead daemon's socket
    if (!bind_it()) throw std::runtime_error(errno_text("bind " + path));
  }
  if (::listen(s.get(), SOMAXCONN) != 0) throw std::runtime_error(errno_text("listen " + path));
  return s;
}

// The daemon: this binary again, in its own session, /dev/null as stdio, the listener as fd 3.
pid_t spawn_daemon(const flags& f, const std::string& address, int listener) {
  // Above the target fds, so that dup2 onto 3 always makes a fresh, inheritable copy.
  unique_fd high(::fcntl(listener, F_DUPFD_CLOEXEC, 10));
  if (!high) throw std::runtime_error(errno_text("fcntl"));
  std::vector<std::string> args = {
      "containerd-shim-runcpp-v1", "-namespace",     f.ns,      "-id",  f.id, "-address", f.address,
      "-publish-binary",           f.publish_binary, "-socket", address};
  if (f.debug) args.push_back("-debug");
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
  posix_spawn_file_actions_adddup2(&fa, 0, 1);
  posix_spawn_file_actions_adddup2(&fa, 0, 2);
  posix_spawn_file_actions_adddup2(&fa, high.get(), 3);
  // Nothing else: containerd may pass fds it inherited itself.
  posix_spawn_file_actions_addclosefrom_np(&fa, 4);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("spawn the shim daemon: " + std::string(std::strerror(rc)));
  return pid;
}

// containerd's AdjustOOMScore: the shim goes just before containerd in the OOM
// killer's list. Like Go, a failure fails `start`, except for a write refused to an
// unprivileged shim.
void adjust_oom_score(pid_t daemon) {
  const auto text = read_file("/proc/" + std::to_string(::getppid()) + "/oom_score_adj");
  int score = 0;
  if (!text || std::from_chars(text->data(), text->data() + text->size(), score).ec != std::errc{})
    throw std::runtime_error("get parent OOM score: cannot read /proc/<ppid>/oom_score_adj");
  const std::string path = "/proc/" + std::to_string(daemon) + "/oom_score_adj";
  if (write_file(path, std::to_string(std::clamp(score + 1, -1000, 1000)))) return;
  if ((errno == EACCES || errno == EPERM) && ::geteuid() != 0) return;
  throw std::runtime_error(errno_text("set shim OOM score"));
}

// What containerd wrote on stdin (runc Options, or nothing): the shim cgroup.
void place_daemon(pid_t daemon, int in) {
  const auto bytes = read_all(in, std::size_t{1} << 20);
  if (!bytes) throw std::runtime_error(errno_text("read the runtime options on stdin"));
  if (bytes->empty()) return;
  auto [opts, error] = parse_start_options(*bytes);
  if (!error.empty()) throw std::runtime_error(error);
  if (opts.shim_cgroup.empty()) return;
  if (auto e = join_cgroup(daemon, opts.shim_cgroup); !e.empty()) throw std::runtime_error(e);
}

void write_address(const std::string& address) {
  if (!write_file("address", address)) throw std::runtime_error(errno_text("cannot write the address file"));
}

}  // namespace

int run_start(const flags& f, int in, int out, int err) {
  try {
    const std::filesystem::path bundle = std::filesystem::current_path();
    const std::string address = socket_address(f.address, f.ns, grouping_id(read_annotations(bundle), f.id));
    const std::string path(socket_path(address));
    bool reused = false;
    unique_fd listener = listen_or_reuse(path, reused);
    if (!reused) {
      const pid_t daemon = spawn_daemon(f, address, listener.get());
      try {
        place_daemon(daemon, in);
        adjust_oom_score(daemon);
      } catch (...) {
        ::kill(daemon, SIGKILL);
        ::waitpid(daemon, nullptr, 0);
        ::unlink(path.c_str());
        throw;
      }
    }
    write_address(address);
    write_all(out, address);
    return 0;
  } catch (const std::exception& e) {
    write_all(err, e.what());
    return 1;
  }
}

}  // namespace runcpp::shim
