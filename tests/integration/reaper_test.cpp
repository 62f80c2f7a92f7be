// runcpp::reaper against real processes (fake_runc, true): every exit delivered
// once, with the right status, to subscriptions and to the started children;
// client calls through the reaper; subscription waits; shutdown; orphans of a
// subreaper (in a forked child process, since PR_SET_CHILD_SUBREAPER is sticky).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <runcpp/client.hpp>
#include <runcpp/pid_file.hpp>
#include <runcpp/reaper.hpp>

#include "support/forked.hpp"
#include "support/hygiene.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr int spawner_threads = 16;

spawn_request fake(std::vector<std::string> env) {
  return spawn_request{testing::fake_runc_path(), {"fake_runc"}, std::move(env), {-1, -1, -1}, {}, false, 0};
}

constexpr int many_children = 10'000;
#if defined(__SANITIZE_THREAD__)
// An instrumented fake_runc pays TSan's startup (~20 ms) on every start; the
// uninstrumented shell keeps the many-children test within ctest's timeout.
spawn_request exiting_with(int code) {
  return spawn_request{"/bin/sh", {"sh", "-c", "exit " + std::to_string(code)}, {}, {-1, -1, -1}, {}, false,
                       0};
}
#else
spawn_request exiting_with(int code) { return fake({"FAKE_RUNC_EXIT=" + std::to_string(code)}); }
#endif

// wait_for_exit with a deadline, so that a bug fails instead of hanging.
std::optional<exit_status> wait_child(child_process& c, std::chrono::milliseconds limit = 10s) {
  auto st = wait_for_exit(c, {.deadline = clock_type::now() + limit});
  if (!st) return std::nullopt;
  return *st;
}

bool readable(int fd, int timeout_ms = 0) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  return v[i];
}

// A child of this process that exits at once with `code`, started by fork():
// not through reaper::start(), so a foreign exit for the reaper. The child
// makes the exit system call only (no atexit handler, no sanitizer exit path).
int fork_exiting(int code) {
  pid_t pid = ::fork();
  if (pid == 0) ::syscall(SYS_exit_group, code);
  return static_cast<int>(pid);
}

// Resident set size of this process, in KiB (VmRSS, or VmHWM: its peak).
long status_kib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return -1;
}

// Waits until the reaper has collected `n` exits in all (false after `limit`).
bool wait_reaped(const reaper& r, std::uint64_t n, std::chrono::seconds limit = 60s) {
  const auto until = clock_type::now() + limit;
  while (r.stats().reaped < n) {
    if (clock_type::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

class reaper_test : public testing::hygiene_test {
 protected:
  static std::shared_ptr<reaper> make(reaper_options opts = {}) {
    auto r = reaper::create(opts);
    EXPECT_TRUE(r) << r.error();
    return r ? *r : nullptr;
  }
  static std::shared_ptr<reaper::subscription> subscribe(reaper& r, subscribe_options opts = {}) {
    auto s = r.subscribe(opts);
    EXPECT_TRUE(s) << s.error();
    return s ? *s : nullptr;
  }
};

TEST_F(reaper_test, every_exit_of_many_children_is_delivered_once_with_its_status) {
  auto r = make();
  ASSERT_TRUE(r);
  auto sub = subscribe(*r);
  ASSERT_TRUE(sub);

  // Consumer: every exit the subscription sees, and reaped_at -> dequeue time.
  std::vector<std::pair<int, exit_status>> delivered;
  std::vector<double> queue_us;
  delivered.reserve(many_children);
  queue_us.reserve(many_children);
  std::atomic<bool> consumer_failed{false};
  std::thread consumer([&] {
    for (int i = 0; i < many_children; ++i) {
      auto ev = sub->next({.deadline = clock_type::now() + 60s});
      auto now = clock_type::now();
      if (!ev) {
        consumer_failed = true;
        return;
      }
      delivered.emplace_back(ev->pid, ev->status);
      queue_us.push_back(std::chrono::duration<double, std::micro>(now - ev->reaped_at).count());
    }
  });

  // Spawners: start, wait for exit_fd, try_wait; the status varies with i.
  std::mutex mu;
  std::vector<std::pair<int, exit_status>> started;
  std::vector<double> child_us;
  std::atomic<int> spawn_errors{0}, wait_errors{0}, wrong_status{0};
  std::vector<std::thread> spawners;
  const auto begin = clock_type::now();
  for (int t = 0; t < spawner_threads; ++t) {
    spawners.emplace_back([&, t] {
      std::vector<std::pair<int, exit_status>> mine;
      std::vector<double> lat;
      for (int i = t; i < many_children; i += spawner_threads) {
        const int code = i % 7;
        auto t0 = clock_type::now();
        auto child = r->start(exiting_with(code));
        if (!child) {
          ++spawn_errors;
          continue;
        }
        auto st = wait_child(**child);
        lat.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
        if (!st) {
          ++wait_errors;
          continue;
        }
        if (*st != exit_status::exited(code)) ++wrong_status;
        auto again = (*child)->try_wait();  // keeps returning the same status
        if (!again || !*again || **again != *st) ++wrong_status;
        mine.emplace_back((*child)->pid(), exit_status::exited(code));
      }
      std::lock_guard lock(mu);
      started.insert(started.end(), mine.begin(), mine.end());
      child_us.insert(child_us.end(), lat.begin(), lat.end());
    });
  }
  for (auto& s : spawners) s.join();
  const double spawn_seconds = std::chrono::duration<double>(clock_type::now() - begin).count();
  consumer.join();

  EXPECT_EQ(spawn_errors.load(), 0);
  EXPECT_EQ(wait_errors.load(), 0);
  EXPECT_EQ(wrong_status.load(), 0);
  ASSERT_FALSE(consumer_failed.load()) << "only " << delivered.size() << " exits delivered";
  // Exactly once: the multiset of (pid, status) delivered is what was started
  // (a pid may repeat if it was recycled), and nothing more arrives.
  auto key = [](const std::pair<int, exit_status>& p) { return std::pair{p.first, p.second.go_status()}; };
  auto sorted = [&](const std::vector<std::pair<int, exit_status>>& v) {
    std::vector<std::pair<int, int>> k;
    for (const auto& p : v) k.push_back(key(p));
    std::sort(k.begin(), k.end());
    return k;
  };
  EXPECT_EQ(sorted(delivered), sorted(started));
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(sub->try_next()) << "an exit was delivered twice";
  auto stats = r->stats();
  EXPECT_EQ(stats.reaped, static_cast<std::uint64_t>(many_children));
  EXPECT_EQ(stats.delivered, 2u * static_cast<std::uint64_t>(many_children));

  std::printf("[ reaper   ] %d children from %d threads in %.2f s: %.0f exits/s; delivered %zu, lost %zu\n",
              many_children, spawner_threads, spawn_seconds, many_children / spawn_seconds, delivered.size(),
              static_cast<std::size_t>(many_children) - delivered.size());
  std::printf("[ reaper   ] spawn -> try_wait: p50 %.0f us, p99 %.0f us\n", percentile(child_us, 0.5),
              percentile(child_us, 0.99));
  std::printf("[ reaper   ] reaped_at -> subscription dequeue: p50 %.0f us, p99 %.0f us\n",
              percentile(queue_us, 0.5), percentile(queue_us, 0.99));
}

TEST_F(reaper_test, client_calls_through_the_reaper_never_see_echild) {
  auto r = make();
  ASSERT_TRUE(r);
  client c(config{.command = testing::fake_runc_path(), .monitor = r});
  constexpr int calls = 50;
  std::atomic<int> ok{0}, failed_right{0};
  std::mutex mu;
  std::vector<std::string> problems;
  std::vector<std::thread> threads;
  for (int t = 0; t < spawner_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < calls; ++i) {
        const bool fail = (i + t) % 3 == 0;
        call_context ctx{.extra_env = {"FAKE_RUNC_STDOUT=runc version 1.1.5\n"}};
        if (fail) ctx.extra_env.push_back("FAKE_RUNC_EXIT=1");
        auto v = c.version(ctx);
        std::string problem;
        if (!fail && v && v->version == "1.1.5") {
          ++ok;
        } else if (fail && !v && v.error().exit() == exit_status::exited(1) &&
                   v.error().code() != errc::io_error) {
          ++failed_right;
        } else {
          problem = v ? "unexpected success" : v.error().to_string();
        }
        if (!problem.empty()) {
          std::lock_guard lock(mu);
          problems.push_back(problem);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(problems, ::testing::IsEmpty());
  int expected_failures = 0;
  for (int t = 0; t < spawner_threads; ++t)
    for (int i = 0; i < calls; ++i) expected_failures += (i + t) % 3 == 0;
  EXPECT_EQ(failed_right.load(), expected_failures);
  EXPECT_EQ(ok.load(), spawner_threads * calls - expected_failures);
  EXPECT_EQ(r->stats().reaped, static_cast<std::uint64_t>(spawner_threads * calls));
}

TEST_F(reaper_test, a_child_killed_by_a_signal_is_signaled_not_an_exit_code) {
  auto r = make();
  ASSERT_TRUE(r);
  auto sub = subscribe(*r);
  ASSERT_TRUE(sub);
  auto child = r->start(fake({"FAKE_RUNC_SIGNAL=9"}));
  ASSERT_TRUE(child) << child.error();
  auto st = sub->wait((*child)->pid(), {.deadline = clock_type::now() + 10s});
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::signaled(9));
  EXPECT_EQ(st->go_status(), 137);
  EXPECT_EQ(wait_child(**child), exit_status::signaled(9));

  // The same through a client: the error carries the signal.
  client c(config{.command = testing::fake_runc_path(), .monitor = r});
  auto v = c.version({.extra_env = {"FAKE_RUNC_SIGNAL=KILL"}});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().exit(), exit_status::signaled(9)) << v.error();
  EXPECT_NE(v.error().code(), errc::io_error) << v.error();
}

TEST_F(reaper_test, wait_for_a_pid_leaves_other_exits_queued_in_order) {
  auto r = make();
  ASSERT_TRUE(r);
  auto sub = subscribe(*r);
  ASSERT_TRUE(sub);
  auto a = r->start(fake({"FAKE_RUNC_EXIT=1"}));
  ASSERT_TRUE(a) << a.error();
  ASSERT_TRUE(wait_child(**a));
  auto b = r->start(fake({"FAKE_RUNC_EXIT=2", "FAKE_RUNC_SLEEP_MS=100"}));
  ASSERT_TRUE(b) << b.error();
  auto c = r->start(fake({"FAKE_RUNC_EXIT=3"}));
  ASSERT_TRUE(c) << c.error();
  ASSERT_TRUE(wait_child(**c));

  auto st = sub->wait((*b)->pid(), {.deadline = clock_type::now() + 10s});
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::exited(2));
  auto first = sub->try_next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->pid, (*a)->pid());
  EXPECT_EQ(first->status, exit_status::exited(1));
  EXPECT_LE(first->reaped_at, clock_type::now());
  EXPECT_NE(first->when.time_since_epoch().count(), 0);
  auto second = sub->next({.deadline = clock_type::now() + 1s});
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(second->pid, (*c)->pid());
  EXPECT_EQ(second->status, exit_status::exited(3));
  EXPECT_FALSE(sub->try_next());
}

TEST_F(reaper_test, two_subscriptions_each_get_every_exit_and_late_ones_get_none_before) {
  auto r = make();
  ASSERT_TRUE(r);
  auto early = subscribe(*r);
  ASSERT_TRUE(early);
  auto a = r->start(fake({"FAKE_RUNC_EXIT=4"}));
  ASSERT_TRUE(a) << a.error();
  auto st = early->wait((*a)->pid(), {.deadline = clock_type::now() + 10s});
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::exited(4));
  EXPECT_EQ(wait_child(**a), exit_status::exited(4));
  EXPECT_EQ(r->stats().delivered, 2u);  // counted before either could see it

  auto late = subscribe(*r);
  ASSERT_TRUE(late);
  EXPECT_FALSE(late->try_next());  // subscribed after that exit
  auto b = r->start(fake({"FAKE_RUNC_EXIT=5"}));
  ASSERT_TRUE(b) << b.error();
  for (auto* s : {early.get(), late.get()}) {
    auto ev = s->next({.deadline = clock_type::now() + 10s});
    ASSERT_TRUE(ev) << ev.error();
    EXPECT_EQ(ev->pid, (*b)->pid());
    EXPECT_EQ(ev->status, exit_status::exited(5));
  }
  early.reset();  // dropped: the reaper forgets it
  auto c = r->start(fake({}));
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(late->wait((*c)->pid(), {.deadline = clock_type::now() + 10s}).value(), exit_status::exited(0));
  EXPECT_EQ(wait_child(**c), exit_status::exited(0));  // the child sees it right after the subscriptions
  EXPECT_EQ(r->stats().delivered, 2u + 3u + 2u);       // a: early+child, b: both+child, c: late+child
}

TEST_F(reaper_test, next_and_wait_honour_deadline_and_stop_token) {
  auto r = make();
  ASSERT_TRUE(r);
  auto sub = subscribe(*r);
  ASSERT_TRUE(sub);

  auto t0 = clock_type::now();
  auto ev = sub->next({.deadline = t0 + 100ms});
  ASSERT_FALSE(ev);
  EXPECT_EQ(ev.error().code(), errc::timeout);
  EXPECT_GE(clock_type::now() - t0, 100ms);

  auto w = sub->wait(12345678, {.deadline = clock_type::now() + 50ms});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), errc::timeout);

  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(100ms);
    stop.request_stop();
  });
  t0 = clock_type::now();
  ev = sub->next({.stop = stop.get_token(), .deadline = t0 + 30s});
  ASSERT_FALSE(ev);
  EXPECT_EQ(ev.error().code(), errc::cancelled);
  EXPECT_LT(clock_type::now() - t0, 10s);
  stopper.join();

  // Already stopped: returns at once; but a queued exit is still handed out.
  w = sub->wait(12345678, {.stop = stop.get_token()});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), errc::cancelled);
  auto child = r->start(fake({}));
  ASSERT_TRUE(child) << child.error();
  ASSERT_TRUE(wait_child(**child));
  ASSERT_TRUE(readable(sub->pollable(), 5000));
  ev = sub->next({.stop = stop.get_token()});
  ASSERT_TRUE(ev) << ev.error();
  EXPECT_EQ(ev->pid, (*child)->pid());
}

TEST_F(reaper_test, pollable_is_readable_exactly_while_an_exit_is_queued) {
  auto r = make();
  ASSERT_TRUE(r);
  auto sub = subscribe(*r);
  ASSERT_TRUE(sub);
  EXPECT_GE(sub->pollable(), 0);
  EXPECT_FALSE(readable(sub->pollable()));
  auto a = r->start(fake({}));
  ASSERT_TRUE(a) << a.error();
  auto b = r->start(fake({"FAKE_RUNC_EXIT=1"}));
  ASSERT_TRUE(b) << b.error();
  ASSERT_TRUE(wait_child(**a));
  ASSERT_TRUE(wait_child(**b));
  EXPECT_TRUE(readable(sub->pollable(), 5000));
  ASSERT_TRUE(sub->try_next());
  EXPECT_TRUE(readable(sub->pollable()));  // one left
  ASSERT_TRUE(sub->try_next());
  EXPECT_FALSE(readable(sub->pollable()));
  EXPECT_FALSE(sub->try_next());
}

TEST_F(reaper_test, signal_reaches_a_running_child_and_is_harmless_after_exit) {
  auto r = make();
  ASSERT_TRUE(r);
  auto child = r->start(fake({"FAKE_RUNC_HANG=1"}));
  ASSERT_TRUE(child) << child.error();
  auto none = (*child)->try_wait();
  ASSERT_TRUE(none) << none.error();
  EXPECT_FALSE(*none);
  EXPECT_FALSE(readable((*child)->exit_fd()));
  ASSERT_TRUE((*child)->signal(SIGTERM, false));
  EXPECT_EQ(wait_child(**child), exit_status::signaled(SIGTERM));
  EXPECT_TRUE(readable((*child)->exit_fd()));  // stays readable
  EXPECT_TRUE((*child)->signal(SIGKILL, false));
  EXPECT_TRUE((*child)->signal(SIGKILL, true));

  // A process group: signal(to_group) reaches the leader through -pid.
  spawn_request req = fake({"FAKE_RUNC_HANG=1"});
  req.setpgid = true;
  auto leader = r->start(req);
  ASSERT_TRUE(leader) << leader.error();
  ASSERT_TRUE((*leader)->signal(SIGINT, true));
  EXPECT_EQ(wait_child(**leader), exit_status::signaled(SIGINT));
}

TEST_F(reaper_test, dropping_a_running_child_kills_and_collects_it) {
  auto r = make();
  ASSERT_TRUE(r);
  auto sub = subscribe(*r);
  ASSERT_TRUE(sub);
  auto child = r->start(fake({"FAKE_RUNC_HANG=1"}));
  ASSERT_TRUE(child) << child.error();
  const int pid = (*child)->pid();
  child->reset();
  auto st = sub->wait(pid, {.deadline = clock_type::now() + 1s});  // already collected
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::signaled(SIGKILL));
}

TEST_F(reaper_test, spawn_failure_is_spawn_failed_and_leaves_nothing_behind) {
  auto r = make();
  ASSERT_TRUE(r);
  auto child = r->start(spawn_request{"/nonexistent/runc", {"runc"}, {}, {-1, -1, -1}, {}, false, 0});
  ASSERT_FALSE(child);
  EXPECT_EQ(child.error().code(), errc::spawn_failed);
  // The fork path (pdeath_signal) too: its failed child is collected by someone.
  auto forked = r->start(spawn_request{"/nonexistent/runc", {"runc"}, {}, {-1, -1, -1}, {}, false, SIGKILL});
  ASSERT_FALSE(forked);
  EXPECT_EQ(forked.error().code(), errc::spawn_failed);
  // And pdeath_signal children work through the reaper.
  spawn_request req = fake({"FAKE_RUNC_EXIT=6"});
  req.pdeath_signal = SIGKILL;
  auto ok = r->start(req);
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(wait_child(**ok), exit_status::exited(6));
}

TEST_F(reaper_test, destroying_the_reaper_is_prompt_idle_or_busy) {
  for (int i = 0; i < 20; ++i) {
    auto r = make();
    ASSERT_TRUE(r);
    if (i % 2 == 1) {
      auto child = r->start(fake({}));
      ASSERT_TRUE(child) << child.error();
      ASSERT_TRUE(wait_child(**child));
    }
    if (i % 4 == 3) std::this_thread::sleep_for(5ms);  // let the thread go idle
    auto t0 = clock_type::now();
    r.reset();
    EXPECT_LT(clock_type::now() - t0, 2s);
  }
}

TEST_F(reaper_test, a_child_outliving_its_reaper_waits_for_itself) {
  auto r = make();
  ASSERT_TRUE(r);
  auto child = r->start(fake({"FAKE_RUNC_SLEEP_MS=200", "FAKE_RUNC_EXIT=7"}));
  ASSERT_TRUE(child) << child.error();
  auto t0 = clock_type::now();
  r.reset();  // does not wait for the child, does not kill it
  EXPECT_LT(clock_type::now() - t0, 150ms);
  EXPECT_EQ(wait_child(**child), exit_status::exited(7));

  // Dropped while running after its reaper is gone: killed and reaped.
  r = make();
  ASSERT_TRUE(r);
  auto hang = r->start(fake({"FAKE_RUNC_HANG=1"}));
  ASSERT_TRUE(hang) << hang.error();
  r.reset();
  ASSERT_TRUE((*hang)->signal(0, false));
  hang->reset();
}

TEST_F(reaper_test, a_foreign_subscription_skips_runcpps_own_calls_and_keeps_other_exits_for_wait) {
  auto r = make();
  ASSERT_TRUE(r);
  auto foreign = subscribe(*r, {.filter = exit_filter::foreign});
  auto all = subscribe(*r);
  ASSERT_TRUE(foreign && all);
  client c(config{.command = testing::fake_runc_path(), .monitor = r});
  constexpr int calls = 100;
  for (int i = 0; i < calls; ++i) {
    auto v = c.version({.extra_env = {"FAKE_RUNC_STDOUT=runc version 1.1.5\n"}});
    ASSERT_TRUE(v) << "call " << i << ": " << v.error();
  }
  EXPECT_EQ(foreign->queued(), 0u) << "runcpp's own runc calls queued in a foreign subscription";
  EXPECT_EQ(all->queued(), static_cast<std::size_t>(calls));

  // A process runcpp did not start, whose pid the holder learns only after it
  // exited (as a shim reads runc's pid file): wait(pid) still finds it.
  const int pid = fork_exiting(5);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_reaped(*r, calls + 1));
  EXPECT_EQ(foreign->queued(), 1u);
  EXPECT_TRUE(readable(foreign->pollable()));
  auto st = foreign->wait(pid, {.deadline = clock_type::now() + 1s});
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::exited(5));
  EXPECT_FALSE(readable(foreign->pollable()));
  EXPECT_EQ(foreign->dropped(), 0u);
  EXPECT_EQ(r->stats().dropped, 0u);
}

TEST_F(reaper_test, a_full_subscription_drops_and_counts_what_it_cannot_queue) {
  auto r = make();
  ASSERT_TRUE(r);
  auto zero = r->subscribe({.capacity = 0});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code(), errc::invalid_argument);

  auto small = subscribe(*r, {.capacity = 3});
  auto roomy = subscribe(*r);
  ASSERT_TRUE(small && roomy);
  std::vector<int> pids;
  for (int code = 1; code <= 5; ++code) {
    auto child = r->start(fake({"FAKE_RUNC_EXIT=" + std::to_string(code)}));
    ASSERT_TRUE(child) << child.error();
    ASSERT_TRUE(wait_child(**child));
    pids.push_back((*child)->pid());
  }
  EXPECT_EQ(small->queued(), 3u);
  EXPECT_EQ(small->dropped(), 2u);
  EXPECT_EQ(roomy->queued(), 5u);
  EXPECT_EQ(roomy->dropped(), 0u);
  const auto stats = r->stats();
  EXPECT_EQ(stats.dropped, 2u);
  EXPECT_EQ(stats.delivered, 5u + 3u + 5u);  // the children, small, roomy
  for (int i = 0; i < 3; ++i) {              // the oldest are kept, in order
    auto ev = small->try_next();
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->pid, pids[static_cast<std::size_t>(i)]);
    EXPECT_EQ(ev->status, exit_status::exited(i + 1));
  }
  EXPECT_FALSE(small->try_next());
  // Room again: the next exit is queued.
  auto child = r->start(fake({}));
  ASSERT_TRUE(child) << child.error();
  EXPECT_EQ(small->wait((*child)->pid(), {.deadline = clock_type::now() + 10s}).value(),
            exit_status::exited(0));
  EXPECT_EQ(small->dropped(), 2u);
}

// Daemon memory: an idle subscription held while very many processes exit.
// Prints the figure docs/performance.md quotes ("peak memory", reaper).
TEST_F(reaper_test, memory_stays_flat_with_an_idle_filtered_subscription_over_100000_exits) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  // fork() under a sanitizer costs milliseconds, and its allocator's RSS is
  // not the program's: fewer exits, no RSS bound.
  constexpr int exits = 3'000;
  constexpr bool check_rss = false;
  std::printf("[ reaper   ] sanitizer build: %d exits, RSS not checked\n", exits);
#else
  constexpr int exits = 100'000;
  constexpr bool check_rss = true;
#endif
  constexpr std::size_t capacity = 1000;
  auto r = make();
  ASSERT_TRUE(r);
  auto idle = subscribe(*r, {.filter = exit_filter::foreign, .capacity = capacity});
  ASSERT_TRUE(idle);
  std::uint64_t forked = 0;
  auto fork_many = [&](int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_GT(fork_exiting(i % 7), 0);
      ++forked;
      // Keep at most ~1000 zombies waiting for the reaper thread.
      if (forked % 1000 == 0) {
        ASSERT_TRUE(wait_reaped(*r, forked - 1000));
      }
    }
    ASSERT_TRUE(wait_reaped(*r, forked));
  };
  fork_many(2 * static_cast<int>(capacity));  // warm-up: the queue is full from here on
  const long rss_before = status_kib("VmRSS");
  const auto t0 = clock_type::now();
  fork_many(exits);
  const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  const long rss_after = status_kib("VmRSS");
  const long rss_peak = status_kib("VmHWM");

  EXPECT_EQ(idle->queued(), capacity);
  EXPECT_EQ(idle->dropped(), forked - capacity);
  EXPECT_EQ(r->stats().dropped, forked - capacity);
  if (check_rss) {
    EXPECT_LT(rss_after - rss_before, 1024)
        << "RSS grew from " << rss_before << " to " << rss_after << " KiB";
  }
  std::printf(
      "[ reaper   ] %d exits in %.1f s with an idle subscription (foreign, capacity %zu): RSS %ld KiB "
      "before, "
      "%ld KiB after (%+ld KiB), peak %ld KiB; queued %zu, dropped %llu\n",
      exits, seconds, capacity, rss_before, rss_after, rss_after - rss_before, rss_peak, idle->queued(),
      static_cast<unsigned long long>(idle->dropped()));
}

TEST_F(reaper_test, a_subreaper_gets_the_exit_of_an_orphaned_grandchild) {
  testing::temp_dir dir;
  const auto pid_file = dir / "grandchild.pid";
  int rc = testing::run_in_child([&] {
    testing::checker check;
    auto r = reaper::create({.become_subreaper = true});
    if (!check(r.has_value(), "reaper::create")) return 1;
    int is_subreaper = 0;
    ::prctl(PR_GET_CHILD_SUBREAPER, &is_subreaper, 0, 0, 0);
    check(is_subreaper == 1, "PR_GET_CHILD_SUBREAPER is set");
    auto sub = (*r)->subscribe();
    if (!check(sub.has_value(), "subscribe")) return 1;
    auto child =
        (*r)->start(fake({"FAKE_RUNC_GRANDCHILD_MS=200", "FAKE_RUNC_GRANDCHILD_PID_FILE=" + pid_file.string(),
                          "FAKE_RUNC_EXIT=2"}));
    if (!check(child.has_value(), "start")) return 1;
    auto own = (*sub)->wait((*child)->pid(), {.deadline = clock_type::now() + 10s});
    check(own && *own == exit_status::exited(2), "the fake's own exit");
    auto gpid = read_pid_file(pid_file);
    if (!check(gpid.has_value(), "grandchild pid file")) return 1;
    auto st = (*sub)->wait(*gpid, {.deadline = clock_type::now() + 10s});
    check(st && *st == exit_status::exited(0),
          "grandchild exit: " + (st ? st->to_string() : st.error().to_string()));
    check((*r)->stats().reaped == 2, "two exits reaped");
    return check.failures;
  });
  EXPECT_EQ(rc, 0) << "see the forked scenario's stderr above";
}

}  // namespace
}  // namespace runcpp
