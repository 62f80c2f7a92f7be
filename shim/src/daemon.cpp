#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <runcpp/reaper.hpp>
#include <runcpp/ttrpc/loop.hpp>
#include <runcpp/ttrpc/server.hpp>

#include "address.hpp"
#include "bundle.hpp"
#include "commands.hpp"
#include "file_io.hpp"
#include "publisher.hpp"
#include "service.hpp"

namespace runcpp::shim {
namespace {

constexpr int listener_fd = 3;  // from `start`
constexpr auto shutdown_flush_limit = std::chrono::seconds(3);

// containerd reads the bundle's `log` fifo into its own log: the daemon's stderr.
void log_to_containerd() {
  int fd = ::open("log", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
}

std::string events_socket(const flags& f) {
  const char* env = std::getenv("TTRPC_ADDRESS");
  return env && *env ? std::string(socket_path(env)) : f.address + ".ttrpc";
}

}  // namespace

int run_daemon(const flags& f) {
  log_to_containerd();
  // A client that closed its fifo must not kill the shim with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  auto reaper = runcpp::reaper::create({.become_subreaper = true});
  if (!reaper) {
    write_all(STDERR_FILENO, "containerd-shim-runcpp-v1: reaper: " + reaper.error().message() + '\n');
    return 1;
  }
  auto loop = ttrpc::loop::create();
  publisher pub(*loop, events_socket(f), f.ns);
  task_service service(*loop, pub, *reaper,
                       {.ns = f.ns, .on_shutdown = [&] {
                          // Send what is queued (TaskExit, TaskDelete), but not forever.
                          loop->add_timer(std::chrono::steady_clock::now() + shutdown_flush_limit,
                                          [&] { loop->stop(); });
                          pub.when_idle([&] { loop->stop(); });
                        }});
  // The loop accepts until EAGAIN: a blocking listener would stall it.
  ::fcntl(listener_fd, F_SETFL, ::fcntl(listener_fd, F_GETFL) | O_NONBLOCK);
  ttrpc::server server(*loop);
  service.register_on(server);
  server.serve(listener_fd);
  loop->add(service.exits().pollable(), EPOLLIN, [&](std::uint32_t) { service.drain_exits(); });
  loop->run();
  loop->remove(service.exits().pollable());
  if (!f.socket.empty()) ::unlink(std::string(socket_path(f.socket)).c_str());
  return 0;
}

}  // namespace runcpp::shim
