// posix_spawn (and, for pdeath_signal only, fork) of a prepared spawn_request.
#include "spawn.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "fd.hpp"

namespace runcpp::detail {
namespace {

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

// Step one of placing fds: a source below the number of targets could be
// clobbered by step two (dup2 to the targets, in the child) before it is
// used, so it is copied above them first (close-on-exec). Other sources, the
// usual case (fresh pipes), are used as they are.
struct placed_sources {
  std::vector<int> fds;           // what to dup2 to target i; -1: /dev/null
  std::vector<unique_fd> lifted;  // the copies, owned until the spawn returns
};
// A close-on-exec copy of `fd` numbered `floor` or above.
result<unique_fd> copy_above(int fd, int floor) {
  unique_fd copy(::fcntl(fd, F_DUPFD_CLOEXEC, floor));
  if (!copy) return sys_error(errc::spawn_failed, "fcntl(F_DUPFD_CLOEXEC) of fd " + std::to_string(fd));
  return copy;
}

result<placed_sources> lift_sources(const std::vector<int>& fds) {
  placed_sources out;
  out.fds.reserve(fds.size());
  const int floor = static_cast<int>(fds.size());
  for (int fd : fds) {
    if (fd >= floor || fd < 0) {
      out.fds.push_back(fd < 0 ? -1 : fd);
      continue;
    }
    auto copy = copy_above(fd, floor);
    if (!copy) return std::move(copy).error();
    out.fds.push_back(copy->get());
    out.lifted.push_back(std::move(*copy));
  }
  return out;
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

result<int> spawn_posix(const spawn_request& req, const std::vector<int>& sources) {
  spawn_attrs a;
  int rc = 0;
  for (std::size_t i = 0; i < sources.size() && rc == 0; ++i) {
    const int target = static_cast<int>(i);
    rc = sources[i] >= 0 ? posix_spawn_file_actions_adddup2(&a.fa, sources[i], target)
                         : posix_spawn_file_actions_addopen(&a.fa, target, "/dev/null", O_RDWR, 0);
  }
  // Only 0..n-1 survive, even fds other code in this process leaked without CLOEXEC.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&a.fa, static_cast<int>(sources.size()));
  if (rc == 0 && !req.work_dir.empty())
    rc = posix_spawn_file_actions_addchdir_np(&a.fa, req.work_dir.c_str());

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
  return static_cast<int>(pid);
}

// The fork path, only for pdeath_signal (posix_spawn cannot set it). The child
// runs async-signal-safe calls only; everything it needs is prepared here.
result<int> spawn_fork(const spawn_request& req, const std::vector<int>& sources) {
  c_strings argv(req.argv), envp(req.env);
  const char* dir = req.work_dir.empty() ? nullptr : req.work_dir.c_str();
  auto errpipe = detail::make_pipe();
  if (!errpipe) return std::move(errpipe).error();
  // With some of fds 0..n-1 closed in this process, the pipe could sit at a
  // target number, where the child's dup2 would overwrite its write end.
  const int floor = static_cast<int>(sources.size());
  for (unique_fd* end : {&errpipe->read, &errpipe->write}) {
    if (end->get() >= floor) continue;
    auto copy = copy_above(end->get(), floor);
    if (!copy) return std::move(copy).error();
    *end = std::move(*copy);
  }
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
        // NOLINTNEXTLINE(android-cloexec-open): it becomes fd `target`, which must survive exec.
        int null = ::open("/dev/null", O_RDWR);
        if (null < 0) fail(errno);
        if (null != target) {
          if (::dup2(null, target) < 0) fail(errno);
          ::close(null);
        }
      }
    }
    // Mark (not close) the rest close-on-exec, so errpipe still works until exec.
    if (::syscall(SYS_close_range, static_cast<unsigned>(sources.size()), ~0U, 4U /*CLOSE_RANGE_CLOEXEC*/) !=
        0)
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
  return static_cast<int>(pid);
}

}  // namespace

result<int> spawn_process(const spawn_request& req) {
  auto placed = lift_sources(req.fds);
  if (!placed) return std::move(placed).error();
  return req.pdeath_signal != 0 ? spawn_fork(req, placed->fds) : spawn_posix(req, placed->fds);
}

result<void> check_sigchld_reaps() {
  struct sigaction current {};
  ::sigaction(SIGCHLD, nullptr, &current);  // reads the disposition, changes nothing
  const bool ignored = current.sa_handler == SIG_IGN;
  if (!ignored && (current.sa_flags & SA_NOCLDWAIT) == 0) return {};
  return error(
             errc::spawn_failed,
             std::string("SIGCHLD is ") + (ignored ? "set to SIG_IGN" : "handled with SA_NOCLDWAIT") +
                 " in this process, so the kernel would reap runc itself and its exit status would be lost; "
                 "nothing was started. Restore SIGCHLD's default disposition (signal(SIGCHLD, SIG_DFL), "
                 "without SA_NOCLDWAIT) before starting processes through runcpp")
      .with_cause(std::error_code(ECHILD, std::generic_category()));
}

}  // namespace runcpp::detail
