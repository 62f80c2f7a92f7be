// runcpp demo: drive a real busybox container through its whole life.
//
//   runcpp_demo [--runtime runc|/path/to/runc]
//
// Builds a bundle in a temporary directory (rootfs from the busybox-static
// binary, config.json from runcpp::bundle_builder), then create -> start ->
// state -> ps/top -> pause -> state -> resume -> kill -> remove, printing each
// step. Ctrl-C (or any failure) still removes the container and the directory.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>

#include <runcpp/runcpp.hpp>

#include "busybox_bundle.hpp"
#include "scoped.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

void step(const std::string& what) { std::cout << "\n== " << what << '\n'; }

bool check(const runcpp::result<void>& r, const std::string& what) {
  if (r) {
    std::cout << "   ok: " << what << '\n';
    return true;
  }
  std::cout << "   FAILED: " << what << ": " << r.error() << '\n';
  return false;
}

void show(const runcpp::container& c) {
  std::cout << "   id=" << c.id << " pid=" << c.pid << " status=" << runcpp::to_string(c.status)
            << " created=" << c.created_text << "\n   bundle=" << c.bundle << '\n';
}

// rootfs from /bin/busybox, config.json from bundle_builder: runc's default
// config running `sleep 1000` without a terminal, checked by spec::validate()
// before it is written.
bool make_bundle(const fs::path& bundle) {
  auto builder = examples::busybox_builder({"sleep", "1000"}, {"sh", "sleep", "ps", "cat", "echo"});
  builder.set_hostname("runcpp-demo").add_env("DEMO=1");
  if (!check(builder.write(bundle), "bundle_builder::write " + bundle.string())) return false;
  std::cout << "   rootfs: busybox-static; process: sleep 1000; hostname: runcpp-demo\n";
  return true;
}

// Removes the container and the directory however main() ends.
struct cleanup {
  const runcpp::client& runc;
  std::string id;
  fs::path dir;
  ~cleanup() {
    step("cleanup");
    (void)runc.remove(id, {.force = true});
    std::error_code ec;
    fs::remove_all(dir, ec);
    std::cout << "   removed container " << id << " and " << dir << '\n';
  }
};

int demo(const std::string& runtime, std::stop_token interrupted) {
  char tmpl[] = "/tmp/runcpp-demo-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path dir = tmpl;
  const runcpp::client runc({.command = runtime, .root = dir / "state"});
  const std::string id = "runcpp-demo-" + std::to_string(::getpid());
  cleanup guard{runc, id, dir};
  const runcpp::call_context ctx{.stop = std::move(interrupted)};

  step("version");
  auto v = runc.version(ctx);
  if (!v) return std::cout << "   FAILED: " << v.error() << '\n', 1;
  std::cout << "   " << v->runtime << ' ' << v->version << " (spec " << v->spec << ", commit " << v->commit
            << ")\n";

  step("bundle in " + dir.string());
  if (!make_bundle(dir / "bundle")) return 1;

  step("create " + id);
  if (!check(runc.create(id, dir / "bundle", {}, ctx), "created")) return 1;
  if (auto st = runc.state(id, ctx)) show(*st);

  step("start");
  if (!check(runc.start(id, ctx), "started")) return 1;
  auto st = runc.state(id, ctx);
  if (!st) return std::cout << "   FAILED: " << st.error() << '\n', 1;
  show(*st);

  step("ps (pids) and top (ps -o pid,user,comm,args)");
  if (auto pids = runc.ps(id, ctx)) {
    std::cout << "   pids:";
    for (int p : *pids) std::cout << ' ' << p;
    std::cout << '\n';
  }
  std::vector<std::string> ps_args{"-o", "pid,user,comm,args"};
  if (auto top = runc.top(id, ps_args, ctx)) {
    for (const auto& h : top->headers) std::cout << "   " << std::left << std::setw(10) << h;
    std::cout << '\n';
    for (const auto& row : top->processes) {
      for (const auto& col : row) std::cout << "   " << std::left << std::setw(10) << col;
      std::cout << '\n';
    }
  }

  step("exec with captured output: sh -c 'echo hello from $(hostname); exit 7'");
  {
    // exec_capture reads stdout and stderr while the process runs, so any
    // amount of output is safe (reading a pipe after exec() returned is not).
    runcpp::spec::process p{.args =
                                std::vector<std::string>{"sh", "-c", "echo hello from $(hostname); exit 7"},
                            .env = std::vector<std::string>{"PATH=/bin"},
                            .cwd = "/"};
    auto r = runc.exec_capture(id, p, {}, {.max_stdout = 64 * 1024}, ctx);
    if (r)
      std::cout << "   output: " << r->out << "   " << r->status.to_string() << '\n';
    else
      std::cout << "   FAILED: " << r.error() << '\n';
  }

  step("stats (runc events --stats)");
  if (auto s = runc.stats(id, ctx)) {
    if (s->cpu && s->cpu->usage && s->cpu->usage->total)
      std::cout << "   cpu total: " << *s->cpu->usage->total << " ns\n";
    if (s->memory && s->memory->usage && s->memory->usage->usage)
      std::cout << "   memory usage: " << *s->memory->usage->usage << " bytes\n";
    if (s->pids && s->pids->current) std::cout << "   pids: " << *s->pids->current << '\n';
  } else {
    std::cout << "   FAILED: " << s.error() << '\n';
  }

  step("pause");
  if (!check(runc.pause(id, ctx), "paused")) return 1;
  if (auto p = runc.state(id, ctx)) show(*p);
  auto remove_running = runc.remove(id, {}, ctx);
  std::cout << "   remove without --force is refused: " << runcpp::to_string(remove_running.error().code())
            << ": " << remove_running.error().message() << '\n';

  step("resume");
  if (!check(runc.resume(id, ctx), "resumed")) return 1;
  if (auto r = runc.state(id, ctx)) show(*r);

  step("kill SIGKILL");
  if (!check(runc.kill(id, SIGKILL, {}, ctx), "signalled")) return 1;
  for (int i = 0; i < 50; ++i) {
    auto s = runc.state(id, ctx);
    if (s && s->status == runcpp::container_status::stopped) {
      show(*s);
      break;
    }
    std::this_thread::sleep_for(100ms);
  }

  step("remove");
  if (!check(runc.remove(id, {}, ctx), "deleted")) return 1;
  auto gone = runc.state(id, ctx);
  std::cout << "   state now: " << runcpp::to_string(gone.error().code()) << ": " << gone.error().message()
            << '\n';
  std::cout << "\nDemo finished: the container went through its whole life via runcpp.\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string runtime = "runc";
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--runtime") runtime = argv[i + 1];
  if (::geteuid() != 0) {
    std::cerr << "runcpp demo: runc needs root to create containers; run it as root (sudo scripts/demo).\n";
    return 1;
  }
  // Ctrl-C: SIGINT/SIGTERM become a stop request, so every runc call is
  // cancelled cleanly and the cleanup still runs.
  examples::stop_on_interrupt interrupt([] { std::cout << "\n   interrupted: stopping\n"; });
  const int rc = demo(runtime, interrupt.token());
  return interrupt.interrupted() ? 130 : rc;
}
