// The default process_monitor: posix_spawn + pidfd. No signal handlers, no
// waitpid(-1), no global state.
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

namespace runcpp {
namespace {

using detail::sys_error;
using detail::unique_fd;

// argv/envp as NULL-terminated char* arrays, built before any fork.
struct c_strings {
  explicit c_strings(const std::vector<std::string>& v) {
    ptrs.reserve(v.size() + 1);
    for (const auto& s : v) ptrs.push_back(const_cast<char*>(s.c_str()));
    ptrs.push_back(nullptr);
  }
  char* const* data() const { return ptrs.data(); }
  std::vector<char*> ptrs;
};

// Step one of placing fds: copy every source above the highest target, so that
// step two (dup2 to the targets, in the child) can never clobber a source that
// happens to sit at a target number. The copies are close-on-exec.
result<std::vector<unique_fd>> lift_sources(const std::vector<int>& fds) {
  std::vector<unique_fd> lifted;
  lifted.reserve(fds.size());
  const int floor = static_cast<int>(fds.size());
  for (int fd : fds) {
    if (fd < 0) {
      lifted.emplace_back();
      continue;
    }
    int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, floor);
    if (copy < 0) return sys_error(errc::spawn_failed, "fcntl(F_DUPFD_CLOEXEC) of fd " + std::to_string(fd));
    lifted.emplace_back(copy);
  }
  return lifted;
}

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
    if (rc != 0) return sys_error(errc::io_error, "waitid(P_PIDFD)");
    if (info.si_pid == 0) return std::optional<exit_status>{};
    if (info.si_code == CLD_EXITED)
      status_ = exit_status::exited(info.si_status);
    else
      status_ = exit_status::signaled(info.si_status, info.si_code == CLD_DUMPED);
    return status_;
  }

  result<void> signal(int sig, bool to_group) override {
    if (status_) return {};  // reaped: the pid may belong to someone else now
    int rc = to_group ? ::kill(-pid_, sig) : ::pidfd_send_signal(pidfd_.get(), sig, nullptr, 0);
    if (rc != 0 && errno != ESRCH) return sys_error(errc::io_error, "signal " + std::to_string(sig));
    return {};
  }

 private:
  int pid_;
  unique_fd pidfd_;
  std::optional<exit_status> status_;
};

result<std::unique_ptr<child_process>> adopt(int pid) {
  int pidfd = ::pidfd_open(pid, 0);
  if (pidfd < 0) {
    int err = errno;
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return sys_error(errc::spawn_failed, "pidfd_open", err);
  }
  return std::unique_ptr<child_process>(std::make_unique<pidfd_child>(pid, unique_fd(pidfd)));
}

// RAII for posix_spawn's attribute objects.
struct spawn_attrs {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  spawn_attrs() {
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
  }
  ~spawn_attrs() {
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
  }
  spawn_attrs(const spawn_attrs&) = delete;
  spawn_attrs& operator=(const spawn_attrs&) = delete;
};

result<std::unique_ptr<child_process>> spawn_posix(const spawn_request& req,
                                                   const std::vector<unique_fd>& lifted) {
  spawn_attrs a;
  int rc = 0;
  for (std::size_t i = 0; i < lifted.size() && rc == 0; ++i) {
    const int target = static_cast<int>(i);
    rc = lifted[i] ? posix_spawn_file_actions_adddup2(&a.fa, lifted[i].get(), target)
                   : posix_spawn_file_actions_addopen(&a.fa, target, "/dev/null", O_RDWR, 0);
  }
  // Only 0..n-1 survive, even fds other code in this process leaked without CLOEXEC.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&a.fa, static_cast<int>(lifted.size()));
  if (rc == 0 && !req.work_dir.empty()) rc = posix_spawn_file_actions_addchdir_np(&a.fa, req.work_dir.c_str());

  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&a.attr, &empty);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&a.attr, &all);
  if (req.setpgid) {
    flags = static_cast<short>(flags | POSIX_SPAWN_SETPGROUP);
    if (rc == 0) rc = posix_spawnattr_setpgroup(&a.attr, 0);
  }
  if (rc == 0) rc = posix_spawnattr_setflags(&a.attr, flags);
  if (rc != 0) return sys_error(errc::spawn_failed, "posix_spawn setup", rc);

  c_strings argv(req.argv), envp(req.env);
  pid_t pid = 0;
  rc = ::posix_spawn(&pid, req.executable.c_str(), &a.fa, &a.attr, argv.data(), envp.data());
  if (rc != 0) return sys_error(errc::spawn_failed, "cannot spawn " + req.executable, rc);
  return adopt(pid);
}

// The fork path, only for pdeath_signal (posix_spawn cannot set it). The child
// runs async-signal-safe calls only; everything it needs is prepared here.
result<std::unique_ptr<child_process>> spawn_fork(const spawn_request& req,
                                                  const std::vector<unique_fd>& lifted) {
  c_strings argv(req.argv), envp(req.env);
  std::vector<int> sources;
  for (const auto& fd : lifted) sources.push_back(fd.get());
  const char* dir = req.work_dir.empty() ? nullptr : req.work_dir.c_str();
  auto errpipe = detail::make_pipe();
  if (!errpipe) return std::move(errpipe).error();
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) return sys_error(errc::spawn_failed, "fork");
  if (pid == 0) {
    auto fail = [&](int err) {
      while (::write(errpipe->write.get(), &err, sizeof err) < 0 && errno == EINTR) {
      }
      ::_exit(127);
    };
    if (::prctl(PR_SET_PDEATHSIG, req.pdeath_signal) != 0) fail(errno);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    if (req.setpgid && ::setpgid(0, 0) != 0) fail(errno);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
    sigset_t empty;
    sigemptyset(&empty);
    ::sigprocmask(SIG_SETMASK, &empty, nullptr);
    if (dir != nullptr && ::chdir(dir) != 0) fail(errno);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const int target = static_cast<int>(i);
      if (sources[i] >= 0) {
        if (::dup2(sources[i], target) < 0) fail(errno);
      } else {
        int null = ::open("/dev/null", O_RDWR);
        if (null < 0) fail(errno);
        if (null != target) {
          if (::dup2(null, target) < 0) fail(errno);
          ::close(null);
        }
      }
    }
    // Mark (not close) the rest close-on-exec, so errpipe still works until exec.
    if (::syscall(SYS_close_range, static_cast<unsigned>(sources.size()), ~0U, 4U /*CLOSE_RANGE_CLOEXEC*/) != 0)
      fail(errno);
    ::execve(req.executable.c_str(), argv.data(), envp.data());
    fail(errno);
  }
  errpipe->write.reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(errpipe->read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return sys_error(errc::spawn_failed, "cannot spawn " + req.executable, child_errno);
  }
  return adopt(pid);
}

class pidfd_monitor final : public process_monitor {
 public:
  result<std::unique_ptr<child_process>> start(const spawn_request& req) override {
    auto lifted = lift_sources(req.fds);
    if (!lifted) return std::move(lifted).error();
    return req.pdeath_signal != 0 ? spawn_fork(req, *lifted) : spawn_posix(req, *lifted);
  }
};

}  // namespace

std::shared_ptr<process_monitor> make_pidfd_monitor() { return std::make_shared<pidfd_monitor>(); }

}  // namespace runcpp
