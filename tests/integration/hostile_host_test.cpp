// Monitors in a host program that is hostile to child processes: one that
// ignores SIGCHLD (SIG_IGN or SA_NOCLDWAIT, so the kernel reaps children
// itself), and one that runs a reaper beside clients with the default monitor.
// Scenarios that change SIGCHLD's disposition run in a forked child
// (tests/support/forked.hpp), so this process keeps its own.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <runcpp/client.hpp>
#include <runcpp/reaper.hpp>

#include "support/forked.hpp"
#include "support/hygiene.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// The two ways a program makes the kernel reap its children.
enum class ignoring { sig_ign, sa_nocldwait };

std::string name(ignoring how) { return how == ignoring::sig_ign ? "SIG_IGN" : "SA_NOCLDWAIT"; }

bool ignore_sigchld(ignoring how) {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  if (how == ignoring::sa_nocldwait) {
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = SA_NOCLDWAIT;
  }
  return ::sigaction(SIGCHLD, &sa, nullptr) == 0;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

spawn_request fake(std::vector<std::string> env) {
  return spawn_request{testing::fake_runc_path(), {"fake_runc"}, std::move(env), {-1, -1, -1}, {}, false, 0};
}

class hostile_host : public testing::hygiene_test {
 protected:
  client make(std::shared_ptr<process_monitor> monitor = nullptr) const {
    return client(config{.command = testing::fake_runc_path(), .monitor = std::move(monitor)});
  }
  testing::temp_dir dir_;
};

// Every monitor refuses with the cause and the fix, and starts nothing: the
// kernel would reap runc before its status could be read.
TEST_F(hostile_host, pidfd_monitor_and_reaper_refuse_to_start_when_sigchld_is_ignored) {
  const auto record = dir_ / "record.json";
  for (ignoring how : {ignoring::sig_ign, ignoring::sa_nocldwait}) {
    int rc = testing::run_in_child([&] {
      testing::checker check;
      if (!check(ignore_sigchld(how), "sigaction " + name(how))) return 1;
      auto created = reaper::create();
      if (!check(created.has_value(), "reaper::create")) return 1;
      std::shared_ptr<reaper> r = std::move(*created);
      for (bool with_reaper : {true, false}) {
        const std::string which = name(how) + (with_reaper ? ", reaper" : ", pidfd monitor");
        if (!with_reaper) r.reset();  // no reaper alive: the pidfd monitor's own path
        auto monitor = with_reaper ? std::shared_ptr<process_monitor>(r) : make_pidfd_monitor();
        auto child = monitor->start(fake({"FAKE_RUNC_RECORD=" + record.string()}));
        check(!child && child.error().code() == errc::spawn_failed, which + ": start() is spawn_failed");
        if (!child) {
          const std::string msg = child.error().message();
          check(contains(msg, "SIGCHLD") && contains(msg, name(how)) && contains(msg, "SIG_DFL"),
                which + ": the message names the cause and the fix: " + msg);
        }
        // A state call with a deadline: fails at once.
        const client c = make(monitor);
        const auto t0 = clock_type::now();
        auto st = c.state("box", {.deadline = t0 + 5s, .extra_env = {"FAKE_RUNC_RECORD=" + record.string()}});
        check(!st && st.error().code() == errc::spawn_failed,
              which + ": state: " + (st ? std::string("success") : st.error().to_string()));
        check(clock_type::now() - t0 < 1s, which + ": state failed at once");
        check(!std::filesystem::exists(record), which + ": nothing was spawned");
        if (with_reaper) check(r->stats().reaped == 0, which + ": nothing reaped");
      }
      return check.failures;
    });
    EXPECT_EQ(rc, 0) << name(how) << ": see the forked scenario's stderr above";
  }
}

// SIGCHLD ignored after the start: the kernel reaps runc. The waiter fails
// (not at the deadline, nor never, as a runc call past its SIGKILL did):
// pidfd monitor, its pidfd still polls readable; reaper, it notices once it
// has no child left. No signal goes to the pid, which may be another's now.
TEST_F(hostile_host, pidfd_and_reaper_children_reaped_by_the_kernel_fail_their_waiters_instead_of_hanging) {
  for (bool with_reaper : {false, true}) {
    const std::string which = with_reaper ? "reaper" : "pidfd monitor";
    int rc = testing::run_in_child([&] {
      testing::checker check;
      std::shared_ptr<process_monitor> monitor = make_pidfd_monitor();
      if (with_reaper) {
        auto r = reaper::create();
        if (!check(r.has_value(), "reaper::create")) return 1;
        monitor = *r;
      }
      auto child = monitor->start(fake({"FAKE_RUNC_SLEEP_MS=300", "FAKE_RUNC_EXIT=3"}));
      if (!check(child.has_value(), which + ": start")) return 1;
      if (!check(ignore_sigchld(ignoring::sig_ign), "sigaction SIG_IGN")) return 1;
      const auto t0 = clock_type::now();
      auto st = wait_for_exit(**child, {.deadline = t0 + 5s});
      check(!st && st.error().code() == errc::io_error,
            which + ": wait_for_exit: " + (st ? st->to_string() : st.error().to_string()));
      if (!st)
        check(contains(st.error().message(), "reaped by other code"), which + ": " + st.error().message());
      check(clock_type::now() - t0 < 4s, which + ": failed before the deadline");
      check((*child)->signal(SIGKILL, false).has_value(), which + ": signal() of a reaped child is a no-op");
      child->reset();  // must not hang
      return check.failures;
    });
    EXPECT_EQ(rc, 0) << which << ": see the forked scenario's stderr above";
  }
}

// A reaper reaps every child of the process; clients without
// .monitor = reaper start their runc through it while it runs, so no call
// loses its exit to it.
TEST_F(hostile_host, pidfd_clients_beside_a_busy_reaper_never_fail) {
  auto r = reaper::create();
  ASSERT_TRUE(r) << r.error();
  // Keep the reaper thread collecting: a client through the reaper, in a loop.
  std::atomic<bool> done{false};
  std::atomic<int> reaper_calls{0}, reaper_failures{0};
  std::thread busy([&] {
    const client through_reaper = make(*r);
    while (!done) {
      if (through_reaper.version({.extra_env = {"FAKE_RUNC_STDOUT=runc version 1.1.5\n"}}))
        ++reaper_calls;
      else
        ++reaper_failures;
    }
  });
  constexpr int threads = 4, calls = 1000;
  std::mutex mu;
  std::vector<std::string> problems;
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&, t] {
      const client c = make();
      for (int i = t; i < calls; i += threads) {
        const int code = i % 3;
        auto v = c.version({.extra_env = {"FAKE_RUNC_STDOUT=runc version 1.1.5\n",
                                          "FAKE_RUNC_EXIT=" + std::to_string(code)}});
        const bool right = code == 0 ? v && v->version == "1.1.5"
                                     : !v && v.error().exit() == exit_status::exited(code) &&
                                           v.error().code() != errc::io_error;
        if (!right) {
          std::lock_guard lock(mu);
          problems.push_back(v ? "success with exit " + std::to_string(code) : v.error().to_string());
        }
      }
    });
  }
  for (auto& c : callers) c.join();
  done = true;
  busy.join();
  EXPECT_TRUE(problems.empty()) << problems.size() << " of " << calls
                                << " calls failed, first: " << problems[0];
  EXPECT_EQ(reaper_failures.load(), 0);
  EXPECT_GT(reaper_calls.load(), 0);
  std::printf("[ hostile  ] %d default-monitor calls beside %d reaper calls: %zu failed\n", calls,
              reaper_calls.load(), problems.size());
}

}  // namespace
}  // namespace runcpp
