// The wrappers behind syscall_faults.hpp. Each __wrap_X counts the call and,
// when the armed plan says so, changes it; otherwise it is exactly __real_X.
// Under ASan/UBSan __real_X resolves to the sanitizer's interceptor, which
// then calls libc, so the sanitizers still see every call.
#include "syscall_faults.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>

namespace runcpp::fault {
namespace {

// Test-side state: the injector armed on this thread, or one armed for all threads.
thread_local injector::state* armed_here = nullptr;
std::atomic<injector::state*> armed_everywhere{nullptr};

// Counts a call of `c`; returns the plan when this call is to be changed.
const plan* intercept(call c) noexcept {
  injector::state* s = armed_here != nullptr ? armed_here : armed_everywhere.load(std::memory_order_acquire);
  if (s == nullptr) return nullptr;
  const int n = s->counts[static_cast<std::size_t>(c)].fetch_add(1) + 1;
  if (!s->inject || s->p.target != c) return nullptr;
  if (n != s->p.nth && !(s->p.repeat && n > s->p.nth)) return nullptr;
  s->fired.fetch_add(1);
  return &s->p;
}

int fail(const plan* p) noexcept {
  errno = p->err;
  return -1;
}

}  // namespace

std::string_view name(call c) noexcept {
  static constexpr std::array<std::string_view, call_count> names{"pipe2",
                                                                  "socketpair",
                                                                  "eventfd",
                                                                  "open",
                                                                  "fcntl",
                                                                  "socket",
                                                                  "accept4",
                                                                  "pidfd_open",
                                                                  "mkostemp",
                                                                  "memfd_create",
                                                                  "poll",
                                                                  "read",
                                                                  "write",
                                                                  "recvmsg",
                                                                  "waitid",
                                                                  "posix_spawn",
                                                                  "posix_spawn_file_actions_adddup2"};
  return names[static_cast<std::size_t>(c)];
}

injector::injector() { rearm(); }

injector::injector(plan p) {
  state_.inject = true;
  state_.p = p;
  rearm();
}

injector::~injector() { disarm(); }

void injector::rearm() noexcept {
  if (state_.p.all_threads && state_.inject)
    armed_everywhere.store(&state_, std::memory_order_release);
  else
    armed_here = &state_;
}

void injector::disarm() noexcept {
  if (armed_here == &state_) armed_here = nullptr;
  injector::state* self = &state_;
  armed_everywhere.compare_exchange_strong(self, nullptr);
}

int injector::calls(call c) const noexcept { return state_.counts[static_cast<std::size_t>(c)].load(); }
int injector::fired() const noexcept { return state_.fired.load(); }

}  // namespace runcpp::fault

using runcpp::fault::action;
using runcpp::fault::call;
using runcpp::fault::intercept;

// NOLINTBEGIN(bugprone-reserved-identifier): the names the linker's --wrap uses.
extern "C" {
int __real_pipe2(int* fds, int flags);
int __real_socketpair(int domain, int type, int protocol, int* sv);
int __real_eventfd(unsigned int initval, int flags);
int __real_open(const char* path, int flags, ...);
int __real_fcntl(int fd, int cmd, ...);
int __real_socket(int domain, int type, int protocol);
int __real_accept4(int fd, sockaddr* addr, socklen_t* len, int flags);
int __real_pidfd_open(pid_t pid, unsigned int flags);
int __real_mkostemp(char* tmpl, int flags);
int __real_memfd_create(const char* name, unsigned int flags);
int __real_poll(pollfd* fds, nfds_t n, int timeout);
ssize_t __real_read(int fd, void* buf, size_t count);
ssize_t __real_write(int fd, const void* buf, size_t count);
ssize_t __real_recvmsg(int fd, msghdr* msg, int flags);
int __real_waitid(idtype_t idtype, id_t id, siginfo_t* info, int options);
int __real_posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* fa,
                       const posix_spawnattr_t* attr, char* const argv[], char* const envp[]);
int __real_posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* fa, int fd, int newfd);

int __wrap_pipe2(int* fds, int flags) {
  if (const auto* p = intercept(call::pipe2)) return runcpp::fault::fail(p);
  return __real_pipe2(fds, flags);
}

int __wrap_socketpair(int domain, int type, int protocol, int* sv) {
  if (const auto* p = intercept(call::socketpair)) return runcpp::fault::fail(p);
  return __real_socketpair(domain, type, protocol, sv);
}

int __wrap_eventfd(unsigned int initval, int flags) {
  if (const auto* p = intercept(call::eventfd)) return runcpp::fault::fail(p);
  return __real_eventfd(initval, flags);
}

int __wrap_open(const char* path, int flags, ...) {
  mode_t mode = 0;
  if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  if (const auto* p = intercept(call::open)) return runcpp::fault::fail(p);
  return __real_open(path, flags, mode);
}

int __wrap_fcntl(int fd, int cmd, ...) {
  // Every fcntl command the library uses takes an int or nothing; like glibc,
  // pass one machine word on.
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  if (const auto* p = intercept(call::fcntl)) return runcpp::fault::fail(p);
  return __real_fcntl(fd, cmd, arg);
}

int __wrap_socket(int domain, int type, int protocol) {
  if (const auto* p = intercept(call::socket)) return runcpp::fault::fail(p);
  return __real_socket(domain, type, protocol);
}

int __wrap_accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  if (const auto* p = intercept(call::accept4)) return runcpp::fault::fail(p);
  return __real_accept4(fd, addr, len, flags);
}

int __wrap_pidfd_open(pid_t pid, unsigned int flags) {
  if (const auto* p = intercept(call::pidfd_open)) return runcpp::fault::fail(p);
  return __real_pidfd_open(pid, flags);
}

int __wrap_mkostemp(char* tmpl, int flags) {
  if (const auto* p = intercept(call::mkostemp)) return runcpp::fault::fail(p);
  return __real_mkostemp(tmpl, flags);
}

int __wrap_memfd_create(const char* name, unsigned int flags) {
  if (const auto* p = intercept(call::memfd_create)) return runcpp::fault::fail(p);
  return __real_memfd_create(name, flags);
}

int __wrap_poll(pollfd* fds, nfds_t n, int timeout) {
  if (const auto* p = intercept(call::poll)) return runcpp::fault::fail(p);
  return __real_poll(fds, n, timeout);
}

ssize_t __wrap_read(int fd, void* buf, size_t count) {
  if (const auto* p = intercept(call::read)) {
    if (p->what == action::short_count) return __real_read(fd, buf, std::min(count, p->limit));
    return runcpp::fault::fail(p);
  }
  return __real_read(fd, buf, count);
}

ssize_t __wrap_write(int fd, const void* buf, size_t count) {
  if (const auto* p = intercept(call::write)) {
    if (p->what == action::short_count) return __real_write(fd, buf, std::min(count, p->limit));
    return runcpp::fault::fail(p);
  }
  return __real_write(fd, buf, count);
}

ssize_t __wrap_recvmsg(int fd, msghdr* msg, int flags) {
  if (const auto* p = intercept(call::recvmsg)) {
    if (p->what == action::ctrunc) {
      ssize_t n = __real_recvmsg(fd, msg, flags);
      if (n >= 0) msg->msg_flags |= MSG_CTRUNC;
      return n;
    }
    return runcpp::fault::fail(p);
  }
  return __real_recvmsg(fd, msg, flags);
}

int __wrap_waitid(idtype_t idtype, id_t id, siginfo_t* info, int options) {
  if (const auto* p = intercept(call::waitid)) return runcpp::fault::fail(p);
  return __real_waitid(idtype, id, info, options);
}

int __wrap_posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* fa,
                       const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  if (const auto* p = intercept(call::posix_spawn)) return p->err;  // posix_spawn returns the error
  return __real_posix_spawn(pid, path, fa, attr, argv, envp);
}

int __wrap_posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* fa, int fd, int newfd) {
  if (const auto* p = intercept(call::posix_spawn_file_actions_adddup2)) return p->err;
  return __real_posix_spawn_file_actions_adddup2(fa, fd, newfd);
}
}  // extern "C"
// NOLINTEND(bugprone-reserved-identifier)
