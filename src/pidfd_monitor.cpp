// The default process_monitor: posix_spawn + pidfd. No signal handlers, no
// waitpid(-1). While a runcpp::reaper runs, which reaps every child of the
// process, it starts children through that reaper instead.
#include <fcntl.h>
#include <spawn.h>
// glibc 2.36's <sys/pidfd.h> lacks extern "C" guards.
extern "C" {
#include <sys/pidfd.h>
}
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include <runcpp/process_monitor.hpp>

#include "fd.hpp"
#include "reaper_internal.hpp"
#include "spawn.hpp"

namespace runcpp {
namespace {

using detail::sys_error;
using detail::unique_fd;

// pidfd_send_signal to the process group whose leader the pidfd names (Linux
// 6.9); older kernels say EINVAL.
constexpr unsigned int signal_process_group = 1U << 2;

class pidfd_child final : public child_process {
 public:
  pidfd_child(int pid, unique_fd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  ~pidfd_child() override {
    if (status_) return;
    // Dropped while running (an error path): never leave a child behind.
    ::pidfd_send_signal(pidfd_.get(), SIGKILL, nullptr, 0);
    siginfo_t info{};
    while (::waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED) != 0 && errno == EINTR) {
    }
  }
  int pid() const noexcept override { return pid_; }
  int exit_fd() const noexcept override { return pidfd_.get(); }

  result<std::optional<exit_status>> try_wait() override {
    if (status_) return status_;
    siginfo_t info{};
    int rc;
    do {
      rc = ::waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED | WNOHANG);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0 && errno == ECHILD) {  // the pidfd still polls readable: a waiter ends here, not hangs
      reaped_elsewhere_ = true;
      return sys_error(errc::io_error, "waitid(P_PIDFD): pid " + std::to_string(pid_) +
                                           " was reaped by other code in this process (a waitpid(-1), or a "
                                           "SIGCHLD set to SIG_IGN); its exit status is lost");
    }
    if (rc != 0) return sys_error(errc::io_error, "waitid(P_PIDFD)");
    if (info.si_pid == 0) return std::optional<exit_status>{};
    if (info.si_code == CLD_EXITED)
      status_ = exit_status::exited(info.si_status);
    else
      status_ = exit_status::signaled(info.si_status, info.si_code == CLD_DUMPED);
    return status_;
  }

  result<void> signal(int sig, bool to_group) override {
    // Reaped: the pid may belong to someone else now.
    if (status_ || reaped_elsewhere_) return {};
    int rc = ::pidfd_send_signal(pidfd_.get(), sig, nullptr, to_group ? signal_process_group : 0);
    // Before Linux 6.9 a group is reached by pid: the group of a leader we
    // have not reaped, so not a recycled one.
    if (rc != 0 && errno == EINVAL && to_group) rc = ::kill(-pid_, sig);
    if (rc != 0 && errno != ESRCH) return sys_error(errc::io_error, "signal " + std::to_string(sig));
    return {};
  }

 private:
  int pid_;
  unique_fd pidfd_;
  std::optional<exit_status> status_;
  bool reaped_elsewhere_ = false;  // try_wait saw ECHILD: nothing is ours to signal
};

// Watches a child just spawned through its pidfd.
result<std::unique_ptr<child_process>> adopt(int pid) {
  int pidfd = ::pidfd_open(pid, 0);
  if (pidfd < 0) {
    const int err = errno;
    // Only a child we have not reaped (running, or a zombie) is ours to
    // signal; one that other code reaped is gone, and its pid may be another
    // process's by now.
    siginfo_t info{};
    int rc;
    do {
      rc = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0)
      return sys_error(errc::spawn_failed,
                       "pidfd_open: pid " + std::to_string(pid) + " was reaped by other code in this process",
                       err);
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return sys_error(errc::spawn_failed, "pidfd_open", err);
  }
  return std::unique_ptr<child_process>(std::make_unique<pidfd_child>(pid, unique_fd(pidfd)));
}

class pidfd_monitor final : public process_monitor {
 public:
  result<std::unique_ptr<child_process>> start(const spawn_request& req) override {
    // A reaper would collect our child's exit before waitid(P_PIDFD) could:
    // its children are safe from it.
    if (auto r = detail::running_reaper()) return r->start(req);
    // With SIGCHLD ignored the kernel would reap it before we learn its status.
    if (auto reaps = detail::check_sigchld_reaps(); !reaps) return std::move(reaps).error();
    auto pid = detail::spawn_process(req);
    if (!pid) return std::move(pid).error();
    return adopt(*pid);
  }
};

}  // namespace

std::shared_ptr<process_monitor> make_pidfd_monitor() { return std::make_shared<pidfd_monitor>(); }

}  // namespace runcpp
