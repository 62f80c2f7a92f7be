// runcpp::reaper: a process_monitor for subreapers. One thread is the only
// place in the process that reaps; every exit goes to every subscription whose
// filter selects it (bounded queues: overflow is counted) and, for children
// started through start(), to their child_process.
//
// Locking: core::mu guards the registry of started children, the list of
// subscriptions, the count of spawns in progress and the thread's state.
//
// The thread first only peeks at an exit (waitid(P_ALL, WNOWAIT)), then takes
// core::mu and collects it (waitid(P_PID, pid)) and dispatches it in one
// critical section. A pid is therefore freed (reaped) only under core::mu, in
// the same critical section that marks its record dispatched.
//
// start() registers its pid under core::mu right after the spawn. It does not
// hold the lock across the spawn (that would serialize every posix_spawn: a
// third of the throughput on 2 cores). Instead it counts itself in `spawning`,
// and the thread, before it collects the exit of a pid that is not in the
// registry, waits until no spawn is in progress (new ones wait meanwhile:
// `collecting`). So an exit is never collected between a spawn and its
// registration, and never attributed to the wrong child: a pid in the registry
// is that child, since only this thread frees it. Exits of registered pids,
// the common case, never wait for spawns.
//
// Each subscription has its own mutex (taken after core::mu, never before).
//
// Lost children: waitid(P_ALL) fails with ECHILD only when this process has no
// child left (the default monitor's children, which have no exit signal, do not
// count). A registered child is then gone, reaped by someone else (an ignored
// SIGCHLD, a waitpid(-1) elsewhere); it is marked lost so that its waiters fail
// instead of waiting forever. Only children registered before that waitid
// began are judged (`spawns` unchanged, no spawn in progress).
#include <runcpp/reaper.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
// glibc 2.36's <sys/pidfd.h> lacks extern "C" guards.
extern "C" {
#include <sys/pidfd.h>
}

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "fd.hpp"
#include "reaper_internal.hpp"
#include "spawn.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using detail::sys_error;

exit_status status_of(const siginfo_t& info) {
  if (info.si_code == CLD_EXITED) return exit_status::exited(info.si_status);
  return exit_status::signaled(info.si_status, info.si_code == CLD_DUMPED);
}

void eventfd_raise(int fd) noexcept {
  std::uint64_t one = 1;
  // EAGAIN only if the counter is full: it is readable anyway.
  while (::write(fd, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void eventfd_clear(int fd) noexcept {
  std::uint64_t value = 0;
  while (::read(fd, &value, sizeof value) < 0 && errno == EINTR) {
  }
}

// waitid(P_PID) for a pid this process is the only one to reap; EINTR retried.
// Returns false on ECHILD (or any other error), or with WNOHANG when it runs.
bool wait_pid(int pid, int flags, siginfo_t& info) noexcept {
  info = {};
  int rc;
  do {
    rc = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | flags);
  } while (rc != 0 && errno == EINTR);
  return rc == 0 && info.si_pid == pid;
}

// One child started through reaper::start(). Shared by the registry (until its
// exit is dispatched) and its child_process.
struct child_record {
  explicit child_record(unique_fd fd) noexcept : exit_fd(std::move(fd)) {}
  int pid = 0;  // set (under core::mu) before the record reaches another thread
  // An eventfd, raised once when the exit was collected. If the reaper stops
  // first, a pidfd of the child is put at the same number (dup3), so pollers
  // keep working.
  unique_fd exit_fd;
  // Guarded by core::mu.
  bool dispatched = false;  // collected or lost: the pid may be recycled from now on
  bool awaited = false;     // a destructor waits on core::exit_cv
  // Written once before has_status is set (release): by the reaper thread, or
  // by the owner's thread when orphaned.
  exit_status status = exit_status::exited(0);
  std::atomic<bool> has_status{false};
  // The reaper thread stopped before this child exited: the child_process
  // reaps its own child (nobody else does any more).
  std::atomic<bool> orphaned{false};
  // Reaped by someone else (see "Lost children" above): no status, ever.
  std::atomic<bool> lost{false};
};

class subscription_state final : public reaper::subscription {
 public:
  subscription_state(unique_fd fd, subscribe_options opts) noexcept : fd_(std::move(fd)), opts_(opts) {}

  // Whether this subscription wants the exit of a pid start() did (or did not) start.
  bool selects(bool started) const noexcept { return !started || opts_.filter == exit_filter::all; }

  // Queues `ev`; false (and counted) when the queue is full.
  bool push(const exit_event& ev) {
    {
      std::lock_guard lock(mu_);
      if (queue_.size() >= opts_.capacity) {
        ++dropped_;
        return false;
      }
      queue_.push_back(ev);
      if (queue_.size() == 1) eventfd_raise(fd_.get());
    }
    cv_.notify_all();
    return true;
  }

  result<exit_event> next(const call_context& ctx) override {
    std::unique_lock lock(mu_);
    if (auto r = wait_locked(lock, ctx, [&] { return !queue_.empty(); }); !r) return std::move(r).error();
    return take_locked(queue_.begin());
  }

  std::optional<exit_event> try_next() override {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return std::nullopt;
    return take_locked(queue_.begin());
  }

  result<exit_status> wait(int pid, const call_context& ctx) override {
    std::unique_lock lock(mu_);
    auto find = [&] {
      return std::find_if(queue_.begin(), queue_.end(), [&](const exit_event& e) { return e.pid == pid; });
    };
    if (auto r = wait_locked(lock, ctx, [&] { return find() != queue_.end(); }); !r)
      return std::move(r).error();
    return take_locked(find()).status;
  }

  int pollable() const noexcept override { return fd_.get(); }

  std::size_t queued() const override {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

  std::uint64_t dropped() const override {
    std::lock_guard lock(mu_);
    return dropped_;
  }

 private:
  exit_event take_locked(std::deque<exit_event>::iterator it) {
    exit_event ev = *it;
    queue_.erase(it);
    if (queue_.empty()) eventfd_clear(fd_.get());
    return ev;
  }

  template <typename Pred>
  result<void> wait_locked(std::unique_lock<std::mutex>& lock, const call_context& ctx, Pred ready) {
    if (ctx.deadline)
      cv_.wait_until(lock, ctx.stop, *ctx.deadline, ready);
    else
      cv_.wait(lock, ctx.stop, ready);
    if (ready()) return {};
    if (ctx.stop.stop_requested()) return error(errc::cancelled, "cancelled while waiting for an exit");
    return error(errc::timeout, "deadline passed while waiting for an exit");
  }

  const unique_fd fd_;  // readable iff queue_ is not empty
  const subscribe_options opts_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;  // any: waits honour a std::stop_token
  std::deque<exit_event> queue_;    // at most opts_.capacity
  std::uint64_t dropped_ = 0;
};

// State shared by the reaper, its thread and the child_processes it started.
class core {
 public:
  enum class phase { waiting, idle, exited };

  std::mutex mu;
  std::condition_variable idle_cv;   // the thread, idle after ECHILD
  std::condition_variable exit_cv;   // destructors of child_processes whose child runs
  std::condition_variable spawn_cv;  // `spawning` reached 0, or `collecting` ended
  std::unordered_map<int, std::shared_ptr<child_record>> children;  // started, not yet collected
  std::vector<std::weak_ptr<subscription_state>> subscriptions;
  std::uint64_t spawns = 0;  // bumped by start(): wakes the idle thread
  int spawning = 0;          // start() calls between spawn and registration
  bool collecting = false;   // the thread waits for `spawning` to reach 0; start() waits for this
  bool stopping = false;
  int waker_pid = 0;  // the trivial child that wakes the thread for shutdown
  phase state = phase::waiting;
  std::atomic<std::uint64_t> reaped{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> dropped{0};

  // The thread's body.
  void run() {
    ::pthread_setname_np(::pthread_self(), "runcpp-reaper");
    std::unique_lock lock(mu);
    while (true) {
      if (stopping && waker_pid == 0) break;  // nothing to wake us: no waker to collect
      const std::uint64_t seen = spawns;
      lock.unlock();
      // Peek (WNOWAIT): the pid is freed only below, under mu.
      siginfo_t info{};
      int rc;
      do {
        rc = ::waitid(P_ALL, 0, &info, WEXITED | WNOWAIT);
      } while (rc != 0 && errno == EINTR);
      const int wait_errno = rc == 0 ? 0 : errno;
      lock.lock();
      if (rc == 0 && info.si_pid != 0) {
        const int pid = info.si_pid;
        if (spawning > 0 && !children.contains(pid)) {
          // Maybe a child whose start() has not registered it yet.
          collecting = true;
          spawn_cv.wait(lock, [&] { return spawning == 0; });
          collecting = false;
          spawn_cv.notify_all();
        }
        // WNOHANG: if someone else reaped it meanwhile and the pid was
        // recycled by a running child, do not block here holding mu.
        siginfo_t got{};
        if (!wait_pid(pid, WNOHANG, got)) continue;
        if (pid == waker_pid) {
          if (stopping) break;
          continue;
        }
        reaped.fetch_add(1, std::memory_order_relaxed);  // before anyone sees the exit
        dispatch(pid, status_of(got));
        continue;
      }
      // ECHILD: no child at all (any other error is treated alike).
      if (wait_errno == ECHILD && spawns == seen && spawning == 0) lose_registered();
      if (stopping) {
        // A waker spawned after our waitid failed is collected here.
        if (waker_pid != 0) {
          siginfo_t got{};
          (void)wait_pid(waker_pid, 0, got);
        }
        break;
      }
      state = phase::idle;
      // Woken by start() or shutdown; the timeout also picks up children that
      // other code in the process started.
      idle_cv.wait_for(lock, 200ms, [&] { return stopping || spawns != seen; });
      state = phase::waiting;
    }
    finish();
  }

 private:
  // Under mu.
  void dispatch(int pid, exit_status status) {
    exit_event ev{pid, status, std::chrono::system_clock::now(), std::chrono::steady_clock::now()};
    auto it = children.find(pid);
    const bool started = it != children.end();
    // Subscriptions first: once a child_process sees its exit, so does every
    // subscription that selects it.
    auto dead = [](const std::weak_ptr<subscription_state>& w) { return w.expired(); };
    for (const auto& weak : subscriptions) {
      auto sub = weak.lock();
      if (!sub || !sub->selects(started)) continue;
      // Counted before it is seen; undone if the queue was full.
      delivered.fetch_add(1, std::memory_order_relaxed);
      if (!sub->push(ev)) {
        delivered.fetch_sub(1, std::memory_order_relaxed);
        dropped.fetch_add(1, std::memory_order_relaxed);
      }
    }
    std::erase_if(subscriptions, dead);
    if (!started) return;
    auto rec = std::move(it->second);
    children.erase(it);
    delivered.fetch_add(1, std::memory_order_relaxed);
    rec->status = status;
    rec->has_status.store(true, std::memory_order_release);
    release(*rec);
  }

  // Under mu: the record's pid is no longer ours; wake its waiters.
  void release(child_record& rec) {
    rec.dispatched = true;
    eventfd_raise(rec.exit_fd.get());
    if (rec.awaited) exit_cv.notify_all();
  }

  // Under mu, after ECHILD: every registered child was reaped by someone else.
  void lose_registered() {
    for (auto& [pid, rec] : children) {
      rec->lost.store(true, std::memory_order_release);
      release(*rec);
    }
    children.clear();
  }

  // Under mu, as the thread ends: children not yet collected reap themselves.
  void finish() {
    state = phase::exited;
    for (auto& [pid, rec] : children) {
      rec->orphaned.store(true, std::memory_order_release);
      // Wake a poller now (its try_wait sees orphaned), then let the same fd
      // number stand for the child itself.
      eventfd_raise(rec->exit_fd.get());
      if (int pidfd = ::pidfd_open(pid, 0); pidfd >= 0) {
        ::dup3(pidfd, rec->exit_fd.get(), O_CLOEXEC);
        ::close(pidfd);
      }
    }
    children.clear();
    exit_cv.notify_all();
  }
};

class reaped_child final : public child_process {
 public:
  reaped_child(std::shared_ptr<core> c, std::shared_ptr<child_record> rec) noexcept
      : core_(std::move(c)), rec_(std::move(rec)) {}

  ~reaped_child() override {
    if (rec_->pid == 0 || rec_->has_status.load(std::memory_order_acquire)) return;  // 0: never started
    // Dropped while running (an error path): never leave a child behind.
    std::unique_lock lock(core_->mu);
    if (!rec_->orphaned.load(std::memory_order_acquire)) {
      if (!rec_->dispatched) ::kill(rec_->pid, SIGKILL);  // not collected: the pid is still ours
      rec_->awaited = true;
      core_->exit_cv.wait(lock,
                          [&] { return rec_->dispatched || rec_->orphaned.load(std::memory_order_acquire); });
      if (rec_->dispatched) return;
    }
    lock.unlock();
    // Orphaned: nobody else reaps it, so the pid is ours until we do.
    ::kill(rec_->pid, SIGKILL);
    siginfo_t info{};
    (void)wait_pid(rec_->pid, 0, info);
  }

  int pid() const noexcept override { return rec_->pid; }
  int exit_fd() const noexcept override { return rec_->exit_fd.get(); }

  result<std::optional<exit_status>> try_wait() override {
    if (rec_->has_status.load(std::memory_order_acquire)) return std::optional<exit_status>(rec_->status);
    if (rec_->lost.load(std::memory_order_acquire))
      return error(errc::io_error,
                   "pid " + std::to_string(rec_->pid) +
                       " was reaped by other code in this process (SIGCHLD set to SIG_IGN or "
                       "SA_NOCLDWAIT, or a waitpid(-1)), not by the reaper; its exit status is lost")
          .with_cause(std::error_code(ECHILD, std::generic_category()));
    if (!rec_->orphaned.load(std::memory_order_acquire)) return std::optional<exit_status>{};
    // The reaper stopped: this thread is the only one that reaps this child.
    siginfo_t info{};
    int rc;
    do {
      rc = ::waitid(P_PID, static_cast<id_t>(rec_->pid), &info, WEXITED | WNOHANG);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return sys_error(errc::io_error, "waitid(P_PID) after the reaper stopped");
    if (info.si_pid == 0) return std::optional<exit_status>{};
    rec_->status = status_of(info);
    rec_->has_status.store(true, std::memory_order_release);
    return std::optional<exit_status>(rec_->status);
  }

  result<void> signal(int sig, bool to_group) override {
    // A pid can be recycled only after it was reaped. While the reaper runs it
    // alone reaps, under core::mu, marking the record dispatched in the same
    // critical section; so under core::mu, "not dispatched" means the pid (and,
    // for the group, the process group whose leader it is) is still ours.
    // Orphaned, the owner's thread reaps (try_wait, destructor): has_status
    // tells whether it did.
    std::lock_guard lock(core_->mu);
    if (rec_->dispatched || rec_->has_status.load(std::memory_order_acquire)) return {};
    int rc = ::kill(to_group ? -rec_->pid : rec_->pid, sig);
    if (rc != 0 && errno != ESRCH) return sys_error(errc::io_error, "signal " + std::to_string(sig));
    return {};
  }

 private:
  std::shared_ptr<core> core_;
  std::shared_ptr<child_record> rec_;
};

// A child that exits at once, to make the thread's waitid return. posix_spawn
// of true(1) is cheap; fork() is the fallback when it is missing.
int spawn_waker() {
  for (const char* exe : {"/bin/true", "/usr/bin/true"}) {
    auto pid = detail::spawn_process(spawn_request{exe, {"true"}, {}, {-1, -1, -1}, {}, false, 0});
    if (pid) return *pid;
  }
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  return pid > 0 ? static_cast<int>(pid) : 0;
}

// The reapers created in this process (see detail::running_reaper()).
struct reaper_registry {
  std::mutex mu;
  std::vector<std::weak_ptr<reaper>> created;  // expired ones are dropped on the next add
};

reaper_registry& registry() {
  static reaper_registry r;  // built on first use, so never before it is needed
  return r;
}

}  // namespace

namespace detail {

std::shared_ptr<reaper> running_reaper() {
  auto& reg = registry();
  std::lock_guard lock(reg.mu);
  for (auto it = reg.created.rbegin(); it != reg.created.rend(); ++it)
    if (auto r = it->lock()) return r;
  return nullptr;
}

}  // namespace detail

class reaper::impl {
 public:
  explicit impl(std::shared_ptr<core> c) noexcept : core_(std::move(c)) {}
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  // Throws std::system_error if the thread cannot start.
  void start_thread() {
    thread_ = std::thread([c = core_] { c->run(); });
  }

  ~impl() {
    if (!thread_.joinable()) return;
    {
      std::unique_lock lock(core_->mu);
      core_->stopping = true;
      // Blocked in waitid (or about to be): only a child's exit wakes it.
      // Spawned under mu, so the thread knows the waker's pid when it sees it.
      while (core_->state == core::phase::waiting && core_->waker_pid == 0) {
        core_->waker_pid = spawn_waker();
        if (core_->waker_pid != 0) break;
        lock.unlock();  // fork failed (EAGAIN): the thread may still end on another exit
        std::this_thread::sleep_for(10ms);
        lock.lock();
      }
    }
    core_->idle_cv.notify_all();
    thread_.join();
  }

  const std::shared_ptr<core>& state() const noexcept { return core_; }

 private:
  std::shared_ptr<core> core_;
  std::thread thread_;
};

reaper::reaper(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}

reaper::~reaper() = default;

result<std::shared_ptr<reaper>> reaper::create(reaper_options opts) {
  if (opts.become_subreaper && ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    return sys_error(errc::io_error, "prctl(PR_SET_CHILD_SUBREAPER)");
  // Everything is allocated before the thread starts.
  auto r = std::make_shared<reaper>(std::make_unique<impl>(std::make_shared<core>()));
  try {
    r->impl_->start_thread();
  } catch (const std::system_error& e) {
    return error(errc::io_error, std::string("cannot start the reaper thread: ") + e.what())
        .with_cause(e.code());
  }
  auto& reg = registry();
  std::lock_guard lock(reg.mu);
  std::erase_if(reg.created, [](const std::weak_ptr<reaper>& w) { return w.expired(); });
  reg.created.push_back(r);
  return r;
}

result<std::shared_ptr<reaper::subscription>> reaper::subscribe(subscribe_options opts) {
  if (opts.capacity == 0)
    return error(errc::invalid_argument, "a subscription's capacity must be at least 1");
  unique_fd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) return sys_error(errc::io_error, "eventfd");
  auto sub = std::make_shared<subscription_state>(std::move(fd), opts);
  const auto& c = impl_->state();
  std::lock_guard lock(c->mu);
  std::erase_if(c->subscriptions, [](const std::weak_ptr<subscription_state>& w) { return w.expired(); });
  c->subscriptions.push_back(sub);
  return std::shared_ptr<subscription>(std::move(sub));
}

result<std::unique_ptr<child_process>> reaper::start(const spawn_request& req) {
  if (auto reaps = detail::check_sigchld_reaps(); !reaps) return std::move(reaps).error();
  unique_fd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) return sys_error(errc::spawn_failed, "eventfd");
  auto rec = std::make_shared<child_record>(std::move(fd));
  auto child = std::make_unique<reaped_child>(impl_->state(), rec);
  core& c = *impl_->state();
  {
    std::unique_lock lock(c.mu);
    c.spawn_cv.wait(lock, [&] { return !c.collecting; });
    ++c.spawning;
  }
  // Until it is registered, the thread does not collect an exit it does not
  // know (see the top of this file). Ends the count on every path.
  struct in_progress {
    core& c;
    ~in_progress() {
      std::lock_guard lock(c.mu);
      if (--c.spawning == 0 && c.collecting) c.spawn_cv.notify_all();
    }
  };
  {
    in_progress guard{c};
    auto pid = detail::spawn_process(req);
    if (!pid) return std::move(pid).error();
    std::lock_guard lock(c.mu);
    c.children.emplace(*pid, rec);
    rec->pid = *pid;  // after the emplace, which may throw: then ~reaped_child does nothing
    ++c.spawns;
  }
  c.idle_cv.notify_all();
  return std::unique_ptr<child_process>(std::move(child));
}

reaper::statistics reaper::stats() const {
  const auto& c = impl_->state();
  return {c->reaped.load(std::memory_order_relaxed), c->delivered.load(std::memory_order_relaxed),
          c->dropped.load(std::memory_order_relaxed)};
}

}  // namespace runcpp
