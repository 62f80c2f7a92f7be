// runcpp example: a live monitor of a container's cpu and memory, one line per
// `runc events` sample, until the container exits, a time limit, or Ctrl-C.
//
//   events_monitor [--runtime runc] [--root DIR] [--id CONTAINER]
//                  [--interval MS] [--seconds N]
//
// What it shows:
// - client::events() starts `runc events --interval=<d>` and returns an
//   event_stream that owns it; next(ctx) pulls one typed item at a time
//   (runcpp::event with runcpp::stats data, or an OOM notice), honouring a
//   deadline (--seconds) and a stop token (Ctrl-C). stream.stop() ends runc
//   and reaps it.
// - client::update() changing a running container's memory limit (the limit
//   the monitor then shows).
// - Ctrl-C / SIGTERM: blocked in every thread and turned into a stop request
//   by a small thread (sigtimedwait; examples/scoped.hpp), so every blocking runcpp call returns
//   promptly and the cleanup still runs.
//
// With --id it watches that container (in --root, or runc's default root).
// Without it, it builds a busybox bundle in a temporary directory (static
// /bin/busybox, config.json from runcpp::bundle_builder) and runs a container that burns cpu
// and grows its memory for about 5 seconds, then exits; the container and the
// directory are removed at the end. Needs root.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <stop_token>
#include <string>
#include <vector>

#include <runcpp/runcpp.hpp>

#include "busybox_bundle.hpp"
#include "scoped.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// --- the monitor ------------------------------------------------------------------

constexpr double mib = 1024.0 * 1024.0;
constexpr std::int64_t memory_limit = 128 * 1024 * 1024;

std::string format_mib(std::optional<std::uint64_t> bytes) {
  if (!bytes) return "?";
  // runc reports "no limit" as a huge number (v1: 2^63 rounded to pages).
  if (*bytes >= (std::uint64_t{1} << 62)) return "unlimited";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << static_cast<double>(*bytes) / mib << " MiB";
  return s.str();
}

struct options {
  std::string runtime = "runc";
  fs::path root;
  std::string id;
  std::chrono::milliseconds interval{500};
  std::optional<std::chrono::seconds> seconds;
};

int monitor(options opt, std::stop_token interrupted) {
  examples::temp_directory dir;
  if (opt.id.empty()) {
    char tmpl[] = "/tmp/runcpp-events-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return std::perror("mkdtemp"), 1;
    dir.path = tmpl;
    if (opt.root.empty()) opt.root = dir.path / "state";
  }
  const runcpp::client runc({.command = opt.runtime, .root = opt.root});
  examples::container_guard own{runc, {}};
  const runcpp::call_context ctx{.stop = interrupted};

  if (opt.id.empty()) {
    // A workload: one busy loop in the background, and a string that doubles
    // every second (1 MiB -> 16 MiB); the container exits after ~5 s.
    const std::vector<std::string> args{"sh", "-c",
                                        "while :; do :; done & x=$(yes | head -c 1048576); for n in 1 2 3 4; "
                                        "do sleep 1; x=$x$x; done; sleep 1"};
    if (auto r = examples::make_busybox_bundle(dir.path / "bundle", args,
                                               {"sh", "cat", "echo", "sleep", "head", "yes", "ps"});
        !r)
      return std::cerr << "bundle: " << r.error() << '\n', 1;
    opt.id = "runcpp-events-" + std::to_string(::getpid());
    own.id = opt.id;
    if (auto r = runc.run(opt.id, dir.path / "bundle", {.detach = true}, ctx); !r)
      return std::cerr << "run: " << r.error() << '\n', 1;
    if (auto r = runc.update(opt.id, {.memory = {{.limit = memory_limit}}}, {}, ctx); !r)
      return std::cerr << "update: " << r.error() << '\n', 1;
    std::cout << "started container " << opt.id << " (memory limit set to " << format_mib(memory_limit)
              << ")\n";
  }

  auto stream = runc.events(opt.id, opt.interval, ctx);
  if (!stream) return std::cerr << "events: " << stream.error() << '\n', 1;
  std::cout << "watching " << opt.id << " every " << opt.interval.count() << " ms"
            << (opt.seconds ? " for " + std::to_string(opt.seconds->count()) + " s" : std::string()) << '\n';

  const auto start = std::chrono::steady_clock::now();
  runcpp::call_context wait{.stop = interrupted};
  if (opt.seconds) wait.deadline = start + *opt.seconds;
  std::optional<std::uint64_t> last_cpu;
  auto last_time = start;
  int rc = 0;
  while (true) {
    auto item = stream->next(wait);
    if (!item) {  // runc events ended by itself
      std::cout << "runc events ended: " << stream->end_status()->to_string() << '\n';
      if (!stream->end_status()->success()) rc = 1;
      break;
    }
    if (!*item) {
      auto code = item->error().code();
      if (code == runcpp::errc::timeout) {
        std::cout << opt.seconds->count() << " s elapsed\n";
        break;
      }
      if (code == runcpp::errc::cancelled) {
        std::cout << "interrupted\n";
        rc = 130;
        break;
      }
      std::cout << "error: " << item->error() << '\n';  // e.g. one unparsable line
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    const double t = std::chrono::duration<double>(now - start).count();
    std::cout << "t=" << std::fixed << std::setprecision(1) << std::setw(5) << t << "s  ";
    if ((*item)->kind() == runcpp::event_type::oom) {
      std::cout << "OOM: the container hit its memory limit\n";
      continue;
    }
    if ((*item)->kind() != runcpp::event_type::stats || !(*item)->data) {
      std::cout << "event " << (*item)->type << '\n';
      continue;
    }
    const runcpp::stats& s = *(*item)->data;
    std::optional<std::uint64_t> cpu, mem, limit, pids;
    if (s.cpu && s.cpu->usage) cpu = s.cpu->usage->total;
    if (s.memory && s.memory->usage) mem = s.memory->usage->usage, limit = s.memory->usage->limit;
    if (s.pids) pids = s.pids->current;
    std::cout << "cpu " << std::setprecision(2) << std::setw(6)
              << (cpu ? static_cast<double>(*cpu) / 1e9 : 0.0) << "s";
    if (cpu && last_cpu) {  // share of one cpu since the previous sample
      const double wall_ns = std::chrono::duration<double, std::nano>(now - last_time).count();
      std::cout << " (" << std::setprecision(0) << std::setw(3)
                << 100.0 * static_cast<double>(*cpu - std::min(*cpu, *last_cpu)) / wall_ns << "%)";
    } else {
      std::cout << "       ";
    }
    std::cout << "  mem " << format_mib(mem) << " / " << format_mib(limit) << "  pids "
              << (pids ? std::to_string(*pids) : "?") << '\n';
    last_cpu = cpu;
    last_time = now;

    // runc events keeps printing samples of a stopped container (its cgroup
    // lives until `runc delete`), so ask runc whether it still runs.
    auto st = runc.state(opt.id, ctx);
    if (!st || st->status == runcpp::container_status::stopped) {
      std::cout << "container " << opt.id << (st ? " stopped" : " is gone") << '\n';
      break;
    }
  }
  auto ended = stream->stop();
  if (ended) std::cout << "stopped runc events (" << ended->to_string() << ")\n";
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--runtime" && has_value) {
      opt.runtime = argv[++i];
    } else if (a == "--root" && has_value) {
      opt.root = argv[++i];
    } else if (a == "--id" && has_value) {
      opt.id = argv[++i];
    } else if (a == "--interval" && has_value && std::atoi(argv[i + 1]) > 0) {
      opt.interval = std::chrono::milliseconds(std::atoi(argv[++i]));
    } else if (a == "--seconds" && has_value && std::atoi(argv[i + 1]) > 0) {
      opt.seconds = std::chrono::seconds(std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: " << argv[0]
                << " [--runtime runc] [--root DIR] [--id CONTAINER] [--interval MS] [--seconds N]\n";
      return 2;
    }
  }
  if (::geteuid() != 0) {
    std::cerr << "events_monitor: runc needs root; run it as root.\n";
    return 1;
  }

  // Ctrl-C and SIGTERM become a stop request (before any other thread starts).
  examples::stop_on_interrupt interrupt;
  return monitor(std::move(opt), interrupt.token());
}
