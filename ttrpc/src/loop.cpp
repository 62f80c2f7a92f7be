#include <runcpp/ttrpc/loop.hpp>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "owned_fd.hpp"

namespace runcpp::ttrpc {
namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// epoll_data carries the fd and the generation of its registration, so that an
// event collected for an fd that was removed (and maybe added again) in the same
// iteration is recognised as stale.
std::uint64_t pack(int fd, std::uint32_t generation) {
  return static_cast<std::uint64_t>(generation) << 32 | static_cast<std::uint32_t>(fd);
}

constexpr std::uint32_t wake_generation = 0;  // the eventfd's; registrations start at 1

}  // namespace

struct loop::impl {
  struct registration {
    std::uint32_t generation;
    std::shared_ptr<fd_callback> cb;  // shared: a callback may remove its own fd
  };
  using clock = std::chrono::steady_clock;

  owned_fd epoll;
  owned_fd wake;
  std::unordered_map<int, registration> fds;
  std::uint32_t next_generation = 1;
  std::map<std::pair<clock::time_point, std::uint64_t>, std::function<void()>> timers;
  std::unordered_map<std::uint64_t, clock::time_point> timer_due;
  std::uint64_t next_timer = 1;
  std::mutex posted_mutex;
  std::vector<std::function<void()>> posted;
  std::atomic<bool> stop_requested{false};

  void signal_wake() noexcept {
    const std::uint64_t one = 1;
    // EAGAIN means the counter is already non-zero: the loop wakes anyway.
    while (::write(wake.get(), &one, sizeof one) < 0 && errno == EINTR) {
    }
  }

  void drain_wake() noexcept {
    std::uint64_t n;
    while (::read(wake.get(), &n, sizeof n) < 0 && errno == EINTR) {
    }
  }

  int wait_ms(std::chrono::milliseconds max_wait) const {
    auto wait = max_wait;
    if (!timers.empty()) {
      const auto due = timers.begin()->first.first - clock::now();
      // Rounded up, so that a timer never runs before it is due.
      wait = std::min(wait, std::max(std::chrono::milliseconds(0),
                                     std::chrono::ceil<std::chrono::milliseconds>(due)));
    }
    return static_cast<int>(std::min<std::chrono::milliseconds::rep>(wait.count(), 1 << 30));
  }

  void dispatch(const epoll_event& ev) {
    const auto fd = static_cast<int>(ev.data.u64 & 0xffffffffu);
    const auto generation = static_cast<std::uint32_t>(ev.data.u64 >> 32);
    if (generation == wake_generation) {
      drain_wake();
      return;
    }
    const auto it = fds.find(fd);
    if (it == fds.end() || it->second.generation != generation) return;
    const std::shared_ptr<fd_callback> cb = it->second.cb;
    (*cb)(ev.events);
  }

  void run_timers() {
    const auto now = clock::now();
    while (!timers.empty() && timers.begin()->first.first <= now) {
      auto node = timers.extract(timers.begin());
      timer_due.erase(node.key().second);
      node.mapped()();
    }
  }

  void run_posted() {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard lock(posted_mutex);
      batch.swap(posted);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      try {
        batch[i]();
      } catch (...) {
        // The functions after the one that threw still run, on the next iteration.
        std::lock_guard lock(posted_mutex);
        posted.insert(posted.begin(),
                      std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(i) + 1),
                      std::make_move_iterator(batch.end()));
        throw;
      }
    }
  }
};

std::unique_ptr<loop> loop::create() {
  auto p = std::make_unique<impl>();
  p->epoll.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!p->epoll) throw_errno("epoll_create1");
  p->wake.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!p->wake) throw_errno("eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = pack(p->wake.get(), wake_generation);
  if (::epoll_ctl(p->epoll.get(), EPOLL_CTL_ADD, p->wake.get(), &ev) < 0) throw_errno("epoll_ctl");
  return std::unique_ptr<loop>(new loop(std::move(p)));
}

loop::loop(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
loop::~loop() = default;

void loop::add(int fd, std::uint32_t events, fd_callback cb) {
  const std::uint32_t generation = impl_->next_generation++;
  if (impl_->next_generation == wake_generation) impl_->next_generation = 1;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = pack(fd, generation);
  if (::epoll_ctl(impl_->epoll.get(), EPOLL_CTL_ADD, fd, &ev) < 0) throw_errno("epoll_ctl(ADD)");
  impl_->fds[fd] = {generation, std::make_shared<fd_callback>(std::move(cb))};
}

void loop::modify(int fd, std::uint32_t events) {
  const auto it = impl_->fds.find(fd);
  if (it == impl_->fds.end()) throw std::system_error(ENOENT, std::generic_category(), "loop::modify");
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = pack(fd, it->second.generation);
  if (::epoll_ctl(impl_->epoll.get(), EPOLL_CTL_MOD, fd, &ev) < 0) throw_errno("epoll_ctl(MOD)");
}

void loop::remove(int fd) noexcept {
  if (impl_->fds.erase(fd) == 0) return;
  ::epoll_ctl(impl_->epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
}

std::uint64_t loop::add_timer(std::chrono::steady_clock::time_point when, std::function<void()> cb) {
  const std::uint64_t id = impl_->next_timer++;
  impl_->timers.emplace(std::pair{when, id}, std::move(cb));
  impl_->timer_due.emplace(id, when);
  return id;
}

void loop::cancel_timer(std::uint64_t id) noexcept {
  const auto it = impl_->timer_due.find(id);
  if (it == impl_->timer_due.end()) return;
  impl_->timers.erase({it->second, id});
  impl_->timer_due.erase(it);
}

void loop::post(std::function<void()> fn) {
  {
    std::lock_guard lock(impl_->posted_mutex);
    impl_->posted.push_back(std::move(fn));
  }
  impl_->signal_wake();
}

void loop::run_once(std::chrono::milliseconds max_wait) {
  {
    // Work posted before the wait must not wait for the timeout.
    std::lock_guard lock(impl_->posted_mutex);
    if (!impl_->posted.empty()) max_wait = std::chrono::milliseconds(0);
  }
  epoll_event events[32];
  const int n = ::epoll_wait(impl_->epoll.get(), events, 32, impl_->wait_ms(max_wait));
  if (n < 0 && errno != EINTR) throw_errno("epoll_wait");
  for (int i = 0; i < n; ++i) impl_->dispatch(events[i]);
  impl_->run_timers();
  impl_->run_posted();
}

void loop::run() {
  do {
    run_once(std::chrono::hours(24));
  } while (!impl_->stop_requested.exchange(false));
}

void loop::stop() noexcept {
  impl_->stop_requested = true;
  impl_->signal_wake();
}

std::size_t loop::fd_count() const noexcept { return impl_->fds.size(); }
std::size_t loop::timer_count() const noexcept { return impl_->timers.size(); }

}  // namespace runcpp::ttrpc
