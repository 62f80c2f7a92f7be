// Soak (label "soak"): many mixed calls against fake_runc from several
// threads at once — successes, runtime failures, timeouts and cancellations —
// every result classified, and at the end no fd leaked and no child left
// (hygiene_test checks both). RUNCPP_SOAK_CALLS overrides the number of calls.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <runcpp/runcpp.hpp>

#include "support/hygiene.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

enum outcome_class { ok, runtime_failure, timeout, cancelled, unexpected, class_count };
constexpr std::array<const char*, class_count> class_names{"ok", "runtime_failure", "timeout", "cancelled",
                                                           "unexpected"};

// Fires stop tokens from its own thread, the way a caller cancels a call
// running on another thread.
class canceller {
 public:
  void cancel(std::stop_source s) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(s));
    }
    cv_.notify_one();
  }

 private:
  void run(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (true) {
      cv_.wait(lock, stop, [&] { return !queue_.empty(); });
      if (stop.stop_requested()) return;
      auto s = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      s.request_stop();
      lock.lock();
    }
  }
  std::mutex mutex_;
  std::condition_variable_any cv_;
  std::deque<std::stop_source> queue_;
  std::jthread thread_{[this](std::stop_token st) { run(st); }};  // declared last: starts after the rest
};

// Under a sanitizer every fake_runc start (itself instrumented) costs about
// ten times as much: 10,000 calls took 187 s under ASan/UBSan, so the
// sanitizer trees run 2,000 and the release tree 10,000.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int default_calls = 2'000;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr int default_calls = 2'000;
#else
constexpr int default_calls = 10'000;
#endif
#else
constexpr int default_calls = 10'000;
#endif

int soak_calls() {
  const char* v =
      std::getenv("RUNCPP_SOAK_CALLS");  // NOLINT(concurrency-mt-unsafe): read before threads start
  if (v != nullptr && *v != '\0') return std::atoi(v);
  return default_calls;
}

class soak : public testing::hygiene_test {};

TEST_F(soak, mixed_calls_from_several_threads_leave_nothing_behind) {
  const int total = soak_calls();
  constexpr int threads = 4;
  ASSERT_GT(total, 0);
  client c(config{.command = testing::fake_runc_path()});
  testing::temp_dir dir;
  const std::string state_file =
      "FAKE_RUNC_STDOUT_FILE=" + testing::test_data_path("runc-1.1.5/state-running.json").string();
  const stop_policy quick_stop{.signal = SIGTERM, .grace = 500ms};
  canceller cancel;

  std::array<std::atomic<int>, class_count> counts{};
  std::mutex report_mutex;
  std::vector<std::string> surprises;  // the first few unexpected results, for the failure message

  // kind of call i: 0 success, 1 runtime failure, 2 timeout, 3 cancellation
  auto kind_of = [](int i) {
    switch (i % 10) {
      case 8: return 2;
      case 9: return 3;
      case 6:
      case 7: return 1;
      default: return 0;
    }
  };

  auto worker = [&](int first) {
    for (int i = first; i < total; i += threads) {
      const int kind = kind_of(i);
      const bool via_create = (i / 10) % 2 == 1;  // alternate a capture call and an io call
      call_context ctx{.on_stop = quick_stop};
      std::stop_source source;
      switch (kind) {
        case 0: ctx.extra_env = {state_file}; break;
        case 1:
          ctx.extra_env = {
              "FAKE_RUNC_EXIT=1",
              via_create ? "FAKE_RUNC_LOG_ERROR=container with given ID already exists"
                         : "FAKE_RUNC_STDERR=time=\"x\" level=error msg=\"container does not exist\"\n"};
          break;
        case 2:
          ctx.extra_env = {"FAKE_RUNC_HANG=1"};
          ctx.deadline = clock_type::now() + 20ms;
          break;
        case 3:
          ctx.extra_env = {"FAKE_RUNC_HANG=1"};
          ctx.stop = source.get_token();
          ctx.deadline = clock_type::now() + 30s;  // a lost cancellation shows as a timeout, not a hang
          ctx.on_started = [&cancel, source](int) { cancel.cancel(source); };
          break;
      }
      std::optional<error> err;
      bool value_ok = true;
      if (via_create) {
        auto r = c.create("web", dir.path(), {}, ctx);
        if (!r) err = r.error();
      } else {
        auto r = c.state("web", ctx);
        if (!r)
          err = r.error();
        else
          value_ok = r->id == "fxr1" && r->pid == 3610;
      }
      outcome_class got = unexpected;
      if (!err) {
        got = value_ok ? ok : unexpected;
      } else if (err->code() == errc::timeout && err->exit() == exit_status::signaled(SIGTERM)) {
        got = timeout;
      } else if (err->code() == errc::cancelled && err->exit() == exit_status::signaled(SIGTERM)) {
        got = cancelled;
      } else if (err->exit() == exit_status::exited(1) &&
                 (via_create
                      ? err->code() == errc::already_exists &&
                            err->message() == "container with given ID already exists"
                      : err->code() == errc::not_found && err->message() == "container does not exist")) {
        got = runtime_failure;
      }
      const outcome_class want = kind == 0   ? ok
                                 : kind == 1 ? runtime_failure
                                 : kind == 2 ? timeout
                                             : cancelled;
      if (got != want) got = unexpected;
      counts[got].fetch_add(1);
      if (got == unexpected) {
        std::lock_guard lock(report_mutex);
        if (surprises.size() < 10)
          surprises.push_back(
              "call " + std::to_string(i) + " (kind " + std::to_string(kind) +
              (via_create ? ", create" : ", state") + "): " +
              (err ? err->message() + " [" + std::string(to_string(err->code())) + "]" : "bad value"));
      }
    }
  };

  const auto start = clock_type::now();
  {
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);

  std::cout << "[soak] " << total << " calls on " << threads << " threads in " << elapsed.count() << " ms:";
  int sum = 0;
  for (std::size_t k = 0; k < class_count; ++k) {
    std::cout << " " << class_names[k] << "=" << counts[k].load();
    sum += counts[k].load();
  }
  std::cout << "\n";
  for (const auto& s : surprises) std::cout << "[soak] unexpected: " << s << "\n";

  EXPECT_EQ(sum, total);
  EXPECT_EQ(counts[unexpected].load(), 0);
  // Every call landed in the class its kind asks for.
  int want_ok = 0, want_fail = 0, want_timeout = 0, want_cancel = 0;
  for (int i = 0; i < total; ++i) {
    int k = kind_of(i);
    (k == 0 ? want_ok : k == 1 ? want_fail : k == 2 ? want_timeout : want_cancel)++;
  }
  EXPECT_EQ(counts[ok].load(), want_ok);
  EXPECT_EQ(counts[runtime_failure].load(), want_fail);
  EXPECT_EQ(counts[timeout].load(), want_timeout);
  EXPECT_EQ(counts[cancelled].load(), want_cancel);
  // hygiene_test's TearDown: 0 leaked fds, 0 zombies, 0 children still running.
}

}  // namespace
}  // namespace runcpp
