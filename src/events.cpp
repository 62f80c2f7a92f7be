// event_stream: the pull-based reader of `runc events`.
#include <runcpp/events.hpp>

#include <poll.h>
#include <unistd.h>

#include <array>
#include <csignal>

#include "command.hpp"
#include "deadline.hpp"
#include "event_framer.hpp"
#include "events_internal.hpp"
#include "fd.hpp"
#include "runner.hpp"
#include "stop_waker.hpp"

namespace runcpp {

class event_stream::impl {
 public:
  impl(std::vector<std::string> argv, std::shared_ptr<process_monitor> monitor,
       std::unique_ptr<child_process> child, unique_fd out, unique_fd err, bool to_group)
      : argv_(std::move(argv)),
        monitor_(std::move(monitor)),
        child_(std::move(child)),
        out_(std::move(out)),
        err_(std::move(err)),
        to_group_(to_group) {}

  // stdout until it reaches EOF, then the exit fd: it polls readable once runc
  // exited and stays readable, so an event loop always wakes for the end.
  int pollable() const noexcept { return out_ ? out_.get() : child_->exit_fd(); }
  bool ended() const noexcept { return ended_; }
  std::optional<exit_status> status() const noexcept { return status_; }

  std::optional<result<event>> try_next() {
    read_available();
    if (!exited_) check_exit();
    return take();
  }

  std::optional<result<event>> next(const call_context& ctx) {
    detail::stop_waker waker;
    if (auto r = waker.arm(ctx.stop); !r) return result<event>(std::move(r).error());
    while (true) {
      if (auto item = try_next()) return item;
      if (ended_) return std::nullopt;
      if (ctx.stop.stop_requested())
        return result<event>(error(errc::cancelled, "waiting for an event was cancelled"));
      if (detail::deadline_passed(ctx.deadline))
        return result<event>(error(errc::timeout, "no event before the deadline"));
      std::array<pollfd, 4> p{{{out_.get(), POLLIN, 0},
                               {err_.get(), POLLIN, 0},
                               {exited_ ? -1 : child_->exit_fd(), POLLIN, 0},
                               {waker.fd(), POLLIN, 0}}};
      if (::poll(p.data(), p.size(), detail::poll_timeout_ms(ctx.deadline)) < 0 && errno != EINTR)
        return result<event>(detail::sys_error(errc::io_error, "poll"));
    }
  }

  result<exit_status> stop(const stop_policy& policy) {
    if (!exited_) {
      (void)child_->signal(policy.signal, to_group_);
      if (!wait_exit(policy.grace)) {
        (void)child_->signal(SIGKILL, to_group_);
        wait_exit(std::chrono::milliseconds(-1));
      }
      drain_after_exit();
    }
    ended_ = true;
    if (!status_) return error(errc::io_error, "runc events could not be reaped");
    return *status_;
  }

 private:
  void read_available() {
    std::array<char, 65536> buf;
    while (out_) {
      ssize_t n = ::read(out_.get(), buf.data(), buf.size());
      if (n > 0) {
        framer_.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
        if (framer_.buffered_bytes() > max_buffered) break;  // let the consumer catch up
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      out_.reset();  // EOF or error
    }
    while (err_) {
      ssize_t n = ::read(err_.get(), buf.data(), buf.size());
      if (n > 0) {
        stderr_.append(buf.data(), std::min(static_cast<std::size_t>(n),
                                            max_stderr - std::min(max_stderr, stderr_.size())));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      err_.reset();
    }
  }

  // Polls the exit fd without blocking; on exit reads what runc left behind.
  void check_exit() {
    if (wait_exit(std::chrono::milliseconds(0))) drain_after_exit();
  }

  // True once the child exited (status_ set); waits up to `limit` (-1: forever).
  bool wait_exit(std::chrono::milliseconds limit) {
    call_context ctx;
    if (limit.count() >= 0) ctx.deadline = std::chrono::steady_clock::now() + limit;
    if (auto st = wait_for_exit(*child_, ctx)) status_ = *st;
    return status_.has_value();
  }

  // runc exited: what it wrote is in the pipes already; never wait for EOF
  // (nothing else should hold them, but a runtime's child might).
  void drain_after_exit() {
    exited_ = true;
    std::size_t before;
    do {
      before = framer_.buffered_bytes() + stderr_.size();
      read_available();
    } while (out_ && framer_.buffered_bytes() + stderr_.size() != before);
    out_.reset();
    err_.reset();
    if (status_ && !status_->success()) {
      detail::outcome o;
      o.argv = argv_;
      o.status = *status_;
      o.err = stderr_;
      final_error_ = detail::command_error(o);
      if (final_error_->code() == errc::unsupported)
        final_error_ =
            detail::reworded(*final_error_, errc::unsupported,
                             argv_.front() + " has no 'events' command (it said: " + final_error_->message() +
                                 ")");
    }
  }

  std::optional<result<event>> take() {
    if (ended_) return std::nullopt;
    if (auto item = framer_.next()) return item;
    if (!exited_) return std::nullopt;
    if (auto item = framer_.finish()) return item;
    if (final_error_) {
      auto e = std::move(*final_error_);
      final_error_.reset();
      return result<event>(std::move(e));
    }
    ended_ = true;
    return std::nullopt;
  }

  static constexpr std::size_t max_buffered = std::size_t{4} << 20;
  static constexpr std::size_t max_stderr = std::size_t{64} << 10;

  std::vector<std::string> argv_;
  std::shared_ptr<process_monitor> monitor_;  // keeps the monitor alive while the child runs
  std::unique_ptr<child_process> child_;
  unique_fd out_, err_;
  bool to_group_;
  detail::event_framer framer_;
  std::string stderr_;
  std::optional<exit_status> status_;
  std::optional<error> final_error_;
  bool exited_ = false;
  bool ended_ = false;
};

event_stream::event_stream(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
event_stream::event_stream(event_stream&&) noexcept = default;
event_stream& event_stream::operator=(event_stream&& o) noexcept {
  if (this != &o) {
    if (impl_) (void)impl_->stop({SIGTERM, std::chrono::seconds(1)});
    impl_ = std::move(o.impl_);
  }
  return *this;
}
event_stream::~event_stream() {
  if (impl_) (void)impl_->stop({SIGTERM, std::chrono::seconds(1)});
}

int event_stream::pollable() const noexcept { return impl_ ? impl_->pollable() : -1; }
std::optional<result<event>> event_stream::try_next() { return impl_ ? impl_->try_next() : std::nullopt; }
std::optional<result<event>> event_stream::next(const call_context& ctx) {
  return impl_ ? impl_->next(ctx) : std::nullopt;
}
bool event_stream::ended() const noexcept { return !impl_ || impl_->ended(); }
std::optional<exit_status> event_stream::end_status() const noexcept {
  return impl_ ? impl_->status() : std::nullopt;
}
result<exit_status> event_stream::stop(const stop_policy& policy) {
  if (!impl_) return error(errc::invalid_argument, "stop() on a moved-from event_stream");
  return impl_->stop(policy);
}

std::string format_go_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

namespace detail {

result<event_stream> start_event_stream(const config& cfg, const call_context& ctx,
                                        std::vector<std::string> args) {
  std::vector<std::string> argv{cfg.command};
  auto globals = global_args(cfg);
  argv.insert(argv.end(), globals.begin(), globals.end());
  argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  auto req = prepare_spawn(cfg, ctx, argv);
  if (!req) return std::move(req).error();
  auto out = make_pipe();
  if (!out) return std::move(out).error();
  auto err = make_pipe();
  if (!err) return std::move(err).error();
  for (int fd : {out->read.get(), err->read.get()})
    if (auto r = set_nonblocking(fd); !r) return std::move(r).error();
  req->fds = {-1, out->write.get(), err->write.get()};
  auto monitor = cfg.monitor ? cfg.monitor : make_pidfd_monitor();
  auto child = monitor->start(*req);
  out->write.reset();
  err->write.reset();
  if (!child) return std::move(child).error().with_argv(argv);
  if (ctx.on_started) ctx.on_started((*child)->pid());
  return event_stream(std::make_unique<event_stream::impl>(std::move(argv), std::move(monitor),
                                                           std::move(*child), std::move(out->read),
                                                           std::move(err->read), cfg.setpgid));
}

}  // namespace detail
}  // namespace runcpp
