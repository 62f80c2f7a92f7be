// runcpp::reaper under load: N short-lived children (/bin/true) started from T
// threads through reaper::start (the path every client call through a reaper
// takes), while one subscription consumes every exit. Prints exits/s, lost and
// duplicated deliveries, and latency percentiles:
//   spawn_to_exit        start() called -> the child_process saw its exit
//                        (exit_fd readable, try_wait returned the status)
//   reaped_to_delivered  the reaper thread's waitid returned (exit_event::
//                        reaped_at) -> the subscriber dequeued the exit
// Exits 1 when an exit was lost, duplicated or wrong: a correctness check only,
// the figures themselves are never judged here.
//
// Usage: runcpp_reaper_bench [--children=N] [--threads=T]

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <runcpp/process_monitor.hpp>
#include <runcpp/reaper.hpp>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

double micros(clock_type::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

bool parse_count(std::string_view arg, std::string_view flag, int& out) {
  if (!arg.starts_with(flag)) return false;
  arg.remove_prefix(flag.size());
  int v = 0;
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), v);
  if (ec != std::errc() || end != arg.data() + arg.size() || v <= 0) return false;
  out = v;
  return true;
}

// Waits (up to 30 s) until the child's exit was collected; its status or nullopt.
std::optional<runcpp::exit_status> wait_child(runcpp::child_process& c) {
  auto st = runcpp::wait_for_exit(c, {.deadline = clock_type::now() + 30s});
  if (!st) return std::nullopt;
  return *st;
}

}  // namespace

int main(int argc, char** argv) {
  int children = 10'000, threads = 8;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (!parse_count(a, "--children=", children) && !parse_count(a, "--threads=", threads)) {
      std::fprintf(stderr, "usage: %s [--children=N] [--threads=T]  (N, T > 0)\n", argv[0]);
      return 2;
    }
  }

  auto created = runcpp::reaper::create();
  if (!created) {
    std::fprintf(stderr, "reaper::create: %s\n", created.error().to_string().c_str());
    return 1;
  }
  auto reaper = *created;
  // Room for every exit: a drop would read as a lost delivery.
  auto subscribed = reaper->subscribe({.capacity = static_cast<std::size_t>(children)});
  if (!subscribed) {
    std::fprintf(stderr, "subscribe: %s\n", subscribed.error().to_string().c_str());
    return 1;
  }
  auto sub = *subscribed;
  const runcpp::spawn_request req{"/bin/true", {"true"}, {}, {-1, -1, -1}, {}, false, 0};

  // Consumer: every exit the subscription hands out, until all started ones
  // arrived or, once spawning is over, nothing came for 10 s.
  std::atomic<int> expected{children};
  std::atomic<bool> spawning_done{false};
  std::vector<int> delivered_pids;
  std::vector<double> delivery_us;
  delivered_pids.reserve(static_cast<std::size_t>(children));
  delivery_us.reserve(static_cast<std::size_t>(children));
  std::thread consumer([&] {
    int idle = 0;
    while (static_cast<int>(delivered_pids.size()) < expected.load()) {
      auto ev = sub->next({.deadline = clock_type::now() + 1s});
      const auto now = clock_type::now();
      if (!ev) {
        if (spawning_done.load() && ++idle >= 10) return;
        continue;
      }
      idle = 0;
      delivered_pids.push_back(ev->pid);
      delivery_us.push_back(micros(now - ev->reaped_at));
    }
  });

  std::mutex mu;
  std::vector<int> started_pids;
  std::vector<double> exit_us;
  std::atomic<int> spawn_errors{0}, wait_errors{0}, wrong_status{0};
  std::vector<std::thread> spawners;
  const auto begin = clock_type::now();
  for (int t = 0; t < threads; ++t) {
    spawners.emplace_back([&, t] {
      std::vector<int> pids;
      std::vector<double> lat;
      for (int i = t; i < children; i += threads) {
        const auto t0 = clock_type::now();
        auto child = reaper->start(req);
        if (!child) {
          if (spawn_errors++ == 0) std::fprintf(stderr, "start: %s\n", child.error().to_string().c_str());
          --expected;
          continue;
        }
        auto st = wait_child(**child);
        lat.push_back(micros(clock_type::now() - t0));
        if (!st)
          ++wait_errors;
        else if (*st != runcpp::exit_status::exited(0))
          ++wrong_status;
        pids.push_back((*child)->pid());
      }
      std::lock_guard lock(mu);
      started_pids.insert(started_pids.end(), pids.begin(), pids.end());
      exit_us.insert(exit_us.end(), lat.begin(), lat.end());
    });
  }
  for (auto& s : spawners) s.join();
  const double seconds = std::chrono::duration<double>(clock_type::now() - begin).count();
  spawning_done = true;
  consumer.join();
  // Anything arriving after every started exit was delivered is a duplicate.
  int extra = 0;
  while (sub->next({.deadline = clock_type::now() + 200ms})) ++extra;

  // Matching as multisets of pids (a pid may be recycled within a run).
  std::sort(started_pids.begin(), started_pids.end());
  std::vector<int> got = delivered_pids;
  std::sort(got.begin(), got.end());
  std::vector<int> missing, unexpected;
  std::set_difference(started_pids.begin(), started_pids.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), started_pids.begin(), started_pids.end(),
                      std::back_inserter(unexpected));
  const auto stats = reaper->stats();
  const int duplicated = static_cast<int>(unexpected.size()) + extra;

  std::printf("children %d\n", children);
  std::printf("threads %d\n", threads);
  std::printf("seconds %.3f\n", seconds);
  std::printf("exits_per_s %.0f\n", static_cast<double>(started_pids.size()) / seconds);
  std::printf("delivered %zu\n", delivered_pids.size());
  std::printf("lost %zu\n", missing.size());
  std::printf("duplicated %d\n", duplicated);
  std::printf("spawn_errors %d\n", spawn_errors.load());
  std::printf("wait_errors %d\n", wait_errors.load());
  std::printf("wrong_status %d\n", wrong_status.load());
  std::printf("reaper_reaped %llu\n", static_cast<unsigned long long>(stats.reaped));
  std::printf("reaper_deliveries %llu\n", static_cast<unsigned long long>(stats.delivered));
  std::printf("spawn_to_exit_p50_us %.0f\n", percentile(exit_us, 0.50));
  std::printf("spawn_to_exit_p99_us %.0f\n", percentile(exit_us, 0.99));
  std::printf("reaped_to_delivered_p50_us %.0f\n", percentile(delivery_us, 0.50));
  std::printf("reaped_to_delivered_p99_us %.0f\n", percentile(delivery_us, 0.99));

  const bool ok = spawn_errors == 0 && wait_errors == 0 && wrong_status == 0 && missing.empty() &&
                  duplicated == 0 && started_pids.size() == static_cast<std::size_t>(children) &&
                  stats.reaped == static_cast<std::uint64_t>(children) &&
                  stats.delivered == 2 * static_cast<std::uint64_t>(children);
  if (!ok) std::fprintf(stderr, "runcpp_reaper_bench: exits were lost, duplicated or wrong (see above)\n");
  return ok ? 0 : 1;
}
