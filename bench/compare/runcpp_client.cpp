// runcpp side of the comparison benchmark (scripts/bench): times runc calls made
// through the public runcpp API. Same command line and output as bare_client.c
// and go/main.go:
//
//   runcpp_client --runc PATH --root DIR [--bundle DIR] [--id ID] [--callers N] <op> <iterations>
//     op: version | state (of the running container --id) |
//         lifecycle (create + start + delete --force of a fresh id from --bundle)
//   prints "ns <nanoseconds>" per call (per lifecycle) and, last, "wall <calls> <nanoseconds>".
//
//   runcpp_client --runc PATH --bundle DIR make-bundle ARG...
//     writes a busybox bundle running ARG... (examples/busybox_bundle.hpp), for all three clients.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <runcpp/runcpp.hpp>

#include "busybox_bundle.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string runc = "/usr/sbin/runc";
  std::string root, bundle, id;
  unsigned callers = 1;
  std::string op;
  std::vector<std::string> rest;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "runcpp_client: " << why
            << "\nusage: runcpp_client --runc PATH --root DIR [--bundle DIR] [--id ID] [--callers N] "
               "version|state|lifecycle ITERATIONS\n"
               "       runcpp_client --runc PATH --bundle DIR make-bundle ARG...\n";
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  int i = 1;
  for (; i < argc && std::string(argv[i]).starts_with("--"); i += 2) {
    std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    std::string value = argv[i + 1];
    if (flag == "--runc")
      o.runc = value;
    else if (flag == "--root")
      o.root = value;
    else if (flag == "--bundle")
      o.bundle = value;
    else if (flag == "--id")
      o.id = value;
    else if (flag == "--callers")
      o.callers = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    else
      usage("unknown flag " + flag);
  }
  if (i >= argc) usage("no operation");
  o.op = argv[i++];
  for (; i < argc; ++i) o.rest.emplace_back(argv[i]);
  if (o.callers == 0) usage("--callers must be at least 1");
  return o;
}

std::int64_t since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t0).count();
}

// One runc call (or one lifecycle); false after printing why on failure.
bool one_call(const runcpp::client& runc, const options& o, unsigned caller, unsigned n) {
  if (o.op == "version") {
    auto v = runc.version();
    if (!v) std::cerr << "version: " << v.error() << '\n';
    return v.has_value();
  }
  if (o.op == "state") {
    auto s = runc.state(o.id);
    if (!s) std::cerr << "state: " << s.error() << '\n';
    return s.has_value();
  }
  // A fresh id per lifecycle: runcpp-<pid>-<caller>-<n>.
  const std::string id =
      "runcpp-" + std::to_string(::getpid()) + "-" + std::to_string(caller) + "-" + std::to_string(n);
  auto created = runc.create(id, o.bundle);
  if (!created) {
    std::cerr << "create " << id << ": " << created.error() << '\n';
    (void)runc.remove(id, {.force = true});
    return false;
  }
  auto started = runc.start(id);
  if (!started) std::cerr << "start " << id << ": " << started.error() << '\n';
  auto removed = runc.remove(id, {.force = true});
  if (!removed) std::cerr << "delete " << id << ": " << removed.error() << '\n';
  return started && removed;
}

int timed(const runcpp::client& runc, const options& o) {
  if (o.rest.size() != 1) usage("expected ITERATIONS after the operation");
  const auto iterations = static_cast<unsigned>(std::strtoul(o.rest[0].c_str(), nullptr, 10));
  if (o.op != "version" && o.op != "state" && o.op != "lifecycle") usage("unknown operation " + o.op);
  if (o.root.empty()) usage("--root is required");
  if (o.op == "state" && o.id.empty()) usage("state needs --id");
  if (o.op == "lifecycle" && o.bundle.empty()) usage("lifecycle needs --bundle");

  // Each caller keeps its own timings; they are printed after the clock stops.
  std::vector<std::vector<std::int64_t>> ns(o.callers);
  std::vector<char> ok(o.callers, 1);
  auto work = [&](unsigned caller) {
    ns[caller].reserve(iterations);
    for (unsigned n = 0; n < iterations; ++n) {
      const auto t0 = clock_type::now();
      if (!one_call(runc, o, caller, n)) {
        ok[caller] = 0;
        return;
      }
      ns[caller].push_back(since(t0));
    }
  };
  const auto wall0 = clock_type::now();
  if (o.callers == 1) {
    work(0);
  } else {
    std::vector<std::jthread> threads;
    for (unsigned c = 0; c < o.callers; ++c) threads.emplace_back(work, c);
  }
  const std::int64_t wall = since(wall0);

  std::size_t calls = 0;
  for (const auto& v : ns) {
    for (auto t : v) std::cout << "ns " << t << '\n';
    calls += v.size();
  }
  for (char good : ok)
    if (good == 0) return 1;
  std::cout << "wall " << calls << ' ' << wall << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  runcpp::config cfg;
  cfg.command = o.runc;
  cfg.root = o.root;
  const runcpp::client runc(cfg);
  if (o.op == "make-bundle") {
    if (o.bundle.empty() || o.rest.empty()) usage("make-bundle needs --bundle and the process arguments");
    auto made = examples::make_busybox_bundle(o.bundle, o.rest, {"sh", "sleep", "true"});
    if (!made) {
      std::cerr << "make-bundle: " << made.error() << '\n';
      return 1;
    }
    return 0;
  }
  return timed(runc, o);
}
