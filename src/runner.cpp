#include "runner.hpp"

#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <mutex>
#include <utility>

#include "deadline.hpp"
#include "env.hpp"
#include "fd.hpp"
#include "stop_waker.hpp"

namespace runcpp::detail {
namespace {

using clock = std::chrono::steady_clock;

// One captured stream: reads everything, keeps at most `cap` bytes.
struct sink {
  unique_fd fd;
  std::string* text;
  std::size_t cap;
  bool* truncated;

  // Reads until EAGAIN (false = still open) or EOF/error (true = done).
  bool pump() {
    std::array<char, 65536> buf;
    while (true) {
      ssize_t n = ::read(fd.get(), buf.data(), buf.size());
      if (n > 0) {
        auto take = std::min(static_cast<std::size_t>(n), cap - std::min(cap, text->size()));
        text->append(buf.data(), take);
        if (take < static_cast<std::size_t>(n)) *truncated = true;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return false;
      fd.reset();
      return true;
    }
  }
};

// Calls io::close_after_start() once: at now(), or at the end of the scope.
struct io_closer {
  explicit io_closer(io* t) noexcept : target(t) {}
  io* target;
  void now() noexcept {
    if (target != nullptr) std::exchange(target, nullptr)->close_after_start();
  }
  ~io_closer() { now(); }
  io_closer(const io_closer&) = delete;
  io_closer& operator=(const io_closer&) = delete;
};

class run_state {
 public:
  run_state(const config& cfg, const call_context& ctx) : cfg_(cfg), ctx_(ctx) {}

  result<outcome> run(invocation inv) {
    out_.argv.reserve(inv.args.size() + 1);
    out_.argv.push_back(cfg_.command);
    for (auto& a : inv.args) out_.argv.push_back(std::move(a));

    // However this call ends, even before runc was tried (a stop or deadline
    // that came first), the io's child ends close, so its readers see EOF.
    io_closer closer{inv.io};
    auto prepared = prepare_spawn(cfg_, ctx_, out_.argv);
    if (!prepared) return std::move(prepared).error();
    spawn_request req = std::move(*prepared);
    std::vector<unique_fd> child_ends;  // closed right after the spawn
    if (auto r = plan_stdio(inv, req, child_ends); !r) return std::move(r).error().with_argv(out_.argv);
    for (int fd : inv.extra_fds) req.fds.push_back(fd);

    auto monitor = cfg_.monitor ? cfg_.monitor : make_pidfd_monitor();
    auto child = monitor->start(req);
    child_ends.clear();
    closer.now();
    if (!child) return std::move(child).error().with_argv(out_.argv);
    child_ = std::move(*child);
    out_.pid = child_->pid();
    if (ctx_.on_started) ctx_.on_started(out_.pid);
    return loop();
  }

 private:
  result<void> plan_stdio(invocation& inv, spawn_request& req, std::vector<unique_fd>& child_ends) {
    req.fds.assign(3, -1);
    if (inv.stdin_data) {
      // A memfd holding all of it, not a socket: crun reads `--resources -` by
      // opening /dev/stdin, which fails (ENXIO) for a socket; a file also needs
      // no feeding and cannot raise SIGPIPE.
      unique_fd mem(::memfd_create("runcpp-stdin", MFD_CLOEXEC));
      if (!mem) return sys_error(errc::io_error, "memfd_create");
      if (auto written = write_all(mem.get(), *inv.stdin_data, "write to memfd"); !written) return written;
      if (::lseek(mem.get(), 0, SEEK_SET) != 0) return sys_error(errc::io_error, "lseek memfd");
      req.fds[0] = mem.get();
      child_ends.push_back(std::move(mem));
    }
    if (!inv.capture) {
      stdio_fds io = inv.io != nullptr ? inv.io->child_fds() : stdio_fds{};
      if (!inv.stdin_data) req.fds[0] = io.in;
      req.fds[1] = io.out;
      req.fds[2] = io.err;
      return {};
    }
    std::array<std::pair<std::string*, bool*>, 2> targets{std::pair{&out_.out, &out_.out_truncated},
                                                          std::pair{&out_.err, &out_.err_truncated}};
    std::array<std::size_t, 2> caps{inv.max_out.value_or(cfg_.max_stdout),
                                    inv.max_err.value_or(cfg_.max_stderr)};
    for (std::size_t i = 0; i < 2; ++i) {
      auto p = make_pipe();
      if (!p) return std::move(p).error();
      if (auto r = set_nonblocking(p->read.get()); !r) return r;
      req.fds[i + 1] = p->write.get();
      child_ends.push_back(std::move(p->write));
      sinks_.push_back(sink{std::move(p->read), targets[i].first, caps[i], targets[i].second});
    }
    return {};
  }

  void begin_stop(errc why) {
    if (stopping_) return;
    stopping_ = why;
    (void)child_->signal(ctx_.on_stop.signal, cfg_.setpgid);
    kill_at_ = clock::now() + ctx_.on_stop.grace;
  }

  void escalate() {
    (void)child_->signal(SIGKILL, cfg_.setpgid);
    kill_at_.reset();
  }

  result<outcome> loop() {
    if (auto r = waker_.arm(ctx_.stop); !r) {
      begin_stop(errc::cancelled);  // cannot watch the token: stop safely, report io_error
      escalate();
      (void)finish_after_exit();
      return std::move(r).error().with_argv(out_.argv);
    }
    while (true) {
      std::vector<pollfd> pfds;
      pfds.push_back({child_->exit_fd(), POLLIN, 0});
      if (!stopping_) pfds.push_back({waker_.fd(), POLLIN, 0});  // -1 is ignored by poll
      for (auto& s : sinks_)
        if (s.fd) pfds.push_back({s.fd.get(), POLLIN, 0});

      int rc = ::poll(pfds.data(), pfds.size(),
                      poll_timeout_ms(stopping_ ? std::nullopt : ctx_.deadline, kill_at_));
      if (rc < 0 && errno != EINTR) {
        int err = errno;
        begin_stop(errc::cancelled);
        escalate();
        (void)finish_after_exit();
        return sys_error(errc::io_error, "poll", err).with_argv(out_.argv);
      }
      auto now = clock::now();
      if (!stopping_ && ctx_.deadline && now >= *ctx_.deadline) begin_stop(errc::timeout);
      if (!stopping_ && ctx_.stop.stop_requested()) begin_stop(errc::cancelled);
      if (kill_at_ && now >= *kill_at_) escalate();
      for (auto& s : sinks_)
        if (s.fd) s.pump();

      auto st = child_->try_wait();
      if (!st) return std::move(st).error().with_argv(out_.argv);
      if (*st) {
        out_.status = **st;
        return finish();
      }
    }
  }

  // After exit: what runc wrote is already in the pipes; read it without
  // waiting for EOF (a grandchild may hold the write ends forever).
  result<void> finish_after_exit() {
    auto st = wait_for_exit(*child_);
    if (!st) return std::move(st).error();
    out_.status = *st;
    for (auto& s : sinks_)
      if (s.fd) s.pump();
    return {};
  }

  result<outcome> finish() {
    for (auto& s : sinks_)
      if (s.fd) s.pump();
    // runc may finish its work despite the stop (runc catches SIGTERM during
    // create and completes it): an exit 0 is what happened, so it is reported,
    // not the stop. Only a runc that was killed or failed is a timeout/cancel.
    if (stopping_ && !out_.status.success()) {
      std::string what = *stopping_ == errc::timeout ? "deadline passed" : "cancelled";
      return error(*stopping_, what + ": " + cfg_.command + " was stopped")
          .with_argv(out_.argv)
          .with_exit(out_.status)
          .with_stderr(out_.err);
    }
    return std::move(out_);
  }

  const config& cfg_;
  const call_context& ctx_;
  outcome out_;
  std::unique_ptr<child_process> child_;
  std::vector<sink> sinks_;
  stop_waker waker_;
  std::optional<errc> stopping_;
  std::optional<clock::time_point> kill_at_;
};

// A work_dir that is not there would fail the spawn's chdir with ENOENT, which
// reads as if the runtime were missing: name the directory instead.
result<void> check_work_dir(const std::filesystem::path& dir) {
  if (dir.empty()) return {};
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return sys_error(errc::spawn_failed, "config.work_dir " + dir.string());
  if (!S_ISDIR(st.st_mode)) return sys_error(errc::spawn_failed, "config.work_dir " + dir.string(), ENOTDIR);
  return {};
}

}  // namespace

result<spawn_request> prepare_spawn(const config& cfg, const call_context& ctx,
                                    const std::vector<std::string>& argv) {
  if (ctx.stop.stop_requested())
    return error(errc::cancelled, "cancelled before " + cfg.command + " was started").with_argv(argv);
  if (ctx.deadline && clock::now() >= *ctx.deadline)
    return error(errc::timeout, "deadline passed before " + cfg.command + " was started").with_argv(argv);
  if (auto dir = check_work_dir(cfg.work_dir); !dir) return std::move(dir).error().with_argv(argv);
  auto env = build_environment(current_environment(), cfg.extra_env, ctx.extra_env);
  auto exe = find_executable(cfg.command, env);
  if (!exe) return std::move(exe).error().with_argv(argv);
  return spawn_request{*exe, argv, std::move(env), {}, cfg.work_dir, cfg.setpgid, cfg.pdeath_signal};
}

result<outcome> run_process(const config& cfg, const call_context& ctx, invocation inv) {
  run_state state(cfg, ctx);
  return state.run(std::move(inv));
}

}  // namespace runcpp::detail
