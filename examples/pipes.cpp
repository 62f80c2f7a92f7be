// runcpp example: talk to a container through pipes, and get its exit status.
//
//   pipes [--runtime runc|/path/to/runc] [--root DIR]
//
// What it shows:
// - runcpp::pipe_io gives the container a stdin, stdout and stderr pipe; the
//   container-side ends are closed by the library as soon as runc started, so
//   reading stdout/stderr reaches EOF exactly when the container is done.
// - create (with the pipes) then start; we write a line to the container's
//   stdin, close it, and stream its stdout and stderr lines to our stdout with
//   a "[stdout] " / "[stderr] " prefix until both reach EOF.
// - The container's exit status. A detached container's init is not our
//   child, so nobody could wait for it... unless we are a subreaper: a
//   runcpp::reaper with become_subreaper adopts it when `runc create` exits and
//   reports its exit to a subscription (this is what containerd's shim does).
//   We also wait until `runc state` says "stopped", then remove the container.
//
// It needs root and a static busybox (/bin/busybox, Debian's busybox-static):
// the bundle is built in a temporary directory from it, and config.json comes
// from runcpp::bundle_builder. The container, the bundle and the state
// directory are removed however the program ends.
#include <poll.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <runcpp/reaper.hpp>
#include <runcpp/runcpp.hpp>

#include "busybox_bundle.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// --- the example --------------------------------------------------------------

// Copies complete lines from `fd` to stdout with `prefix`; false at EOF.
bool pump(int fd, std::string& pending, const char* prefix) {
  std::array<char, 4096> buf;
  ssize_t n = ::read(fd, buf.data(), buf.size());
  if (n > 0) pending.append(buf.data(), static_cast<std::size_t>(n));
  for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
    std::cout << prefix << pending.substr(0, nl) << '\n';
    pending.erase(0, nl + 1);
  }
  if (n > 0 || (n < 0 && errno == EINTR)) return true;
  if (!pending.empty()) std::cout << prefix << pending << " (no newline)\n";
  pending.clear();
  return false;
}

struct cleanup {
  const runcpp::client& runc;
  std::string id;
  fs::path dir;
  ~cleanup() {
    (void)runc.remove(id, {.force = true});  // nothing to do if it was removed already
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

int run(const std::string& runtime, fs::path root) {
  char tmpl[] = "/tmp/runcpp-pipes-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return std::perror("mkdtemp"), 1;
  const fs::path dir = tmpl;
  if (root.empty()) root = dir / "state";

  // Subreaper first: from now on orphaned descendants (the container's init
  // once `runc create` exits) are our children, and the reaper thread is the
  // only code in this process that waits for children. The client uses it as
  // its process monitor, so runc calls do not race it.
  auto reaper = runcpp::reaper::create({.become_subreaper = true});
  if (!reaper) return std::cerr << "reaper: " << reaper.error() << '\n', 1;
  const runcpp::client runc({.command = runtime, .root = root, .monitor = *reaper});
  const std::string id = "runcpp-pipes-" + std::to_string(::getpid());
  cleanup guard{runc, id, dir};

  const std::vector<std::string> args{
      "sh", "-c", "read name; echo \"hello, $name\"; echo 'a line on stderr' >&2; echo goodbye; exit 3"};
  if (auto r = examples::make_busybox_bundle(dir / "bundle", args,
                                             {"sh", "cat", "echo", "sleep", "head", "tr", "stty", "ps"});
      !r)
    return std::cerr << "bundle: " << r.error() << '\n', 1;

  auto io = runcpp::pipe_io::create();
  if (!io) return std::cerr << "pipes: " << io.error() << '\n', 1;
  auto exits = (*reaper)->subscribe();  // before the container can exit
  if (!exits) return std::cerr << "subscribe: " << exits.error() << '\n', 1;

  if (auto r = runc.create(id, dir / "bundle", {.io = *io}); !r)
    return std::cerr << "create: " << r.error() << '\n', 1;
  auto st = runc.state(id);
  if (!st) return std::cerr << "state: " << st.error() << '\n', 1;
  const int init_pid = st->pid;
  std::cout << "created " << id << " (init pid " << init_pid << ")\n";
  if (auto r = runc.start(id); !r) return std::cerr << "start: " << r.error() << '\n', 1;

  // The container reads one line; closing our end gives it EOF after that.
  const std::string name = "runcpp\n";
  if (::write((*io)->stdin_fd(), name.data(), name.size()) != static_cast<ssize_t>(name.size()))
    std::perror("write to the container's stdin");
  (*io)->close_stdin();

  // Stream stdout and stderr until both reach EOF (bounded, in case the
  // container hangs).
  std::string out_pending, err_pending;
  bool out_open = true, err_open = true;
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while ((out_open || err_open) && std::chrono::steady_clock::now() < give_up) {
    std::array<pollfd, 2> p{
        {{out_open ? (*io)->stdout_fd() : -1, POLLIN, 0}, {err_open ? (*io)->stderr_fd() : -1, POLLIN, 0}}};
    if (::poll(p.data(), p.size(), 1000) <= 0) continue;
    if (p[0].revents != 0) out_open = pump(p[0].fd, out_pending, "[stdout] ");
    if (p[1].revents != 0) err_open = pump(p[1].fd, err_pending, "[stderr] ");
  }
  if (out_open || err_open) {
    std::cerr << "the container kept its output open for 30 s; killing it\n";
    (void)runc.kill(id, SIGKILL);
  }

  // Its init was our (adopted) child: the reaper saw how it ended.
  auto status = (*exits)->wait(init_pid, {.deadline = std::chrono::steady_clock::now() + 10s});
  if (!status) return std::cerr << "waiting for the container's exit: " << status.error() << '\n', 1;

  // runc notices the exit too: wait for "stopped", then remove the container.
  runcpp::container_status now = runcpp::container_status::unknown;
  for (int i = 0; i < 100 && now != runcpp::container_status::stopped; ++i) {
    if (auto s = runc.state(id)) now = s->status;
    if (now != runcpp::container_status::stopped) std::this_thread::sleep_for(50ms);
  }
  std::cout << "container " << id << " is " << runcpp::to_string(now) << ": " << status->to_string() << '\n';
  if (auto r = runc.remove(id); !r) return std::cerr << "remove: " << r.error() << '\n', 1;
  std::cout << "removed " << id << '\n';
  return now == runcpp::container_status::stopped ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string runtime = "runc";
  fs::path root;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runtime" && i + 1 < argc)
      runtime = argv[++i];
    else if (a == "--root" && i + 1 < argc)
      root = argv[++i];
    else
      return std::cerr << "usage: " << argv[0] << " [--runtime runc] [--root DIR]\n", 2;
  }
  if (::geteuid() != 0) {
    std::cerr << "pipes: runc needs root to create containers; run it as root.\n";
    return 1;
  }
  return run(runtime, root);
}
