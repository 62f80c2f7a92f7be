// event_stream: the pull-based reader of `runc events`.
#include <runcpp/events.hpp>

#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <initializer_list>
#include <span>
#include <string_view>

#include "command.hpp"
#include "deadline.hpp"
#include "event_framer.hpp"
#include "events_internal.hpp"
#include "fd.hpp"
#include "runner.hpp"
#include "stop_waker.hpp"

namespace runcpp {

namespace {

// Bytes one turn (one try_next()) reads at most from a pipe before it returns:
// enough to complete the longest line, so a runtime that writes without pause
// (or one endless line) cannot keep a call from returning.
constexpr std::size_t turn_bytes = event_stream::max_line_bytes + event_stream::read_bytes;
constexpr std::size_t max_stderr = std::size_t{64} << 10;

// One of runc's output pipes: the non-blocking read end, registered in the
// stream's epoll set while open.
class runc_pipe {
 public:
  runc_pipe(unique_fd fd, int epoll) : fd_(std::move(fd)), epoll_(epoll) {}
  runc_pipe(runc_pipe&&) = delete;

  bool open() const noexcept { return static_cast<bool>(fd_); }

  // runc exited: from now on the pipe gives at most after_exit_bytes more.
  void runc_exited() noexcept {
    if (!left_) left_ = event_stream::after_exit_bytes;
  }

  // One read() of at most `buf` bytes: what it read, or an empty view when
  // nothing is there now. Closes the pipe at EOF, on an error, and after
  // runc's exit once the pipe is empty or the budget is spent.
  std::string_view read_some(std::span<char> buf) {
    while (fd_) {
      const std::size_t want = std::min(buf.size(), left_.value_or(buf.size()));
      const ssize_t n = want == 0 ? 0 : ::read(fd_.get(), buf.data(), want);
      if (n > 0) {
        if (left_) *left_ -= static_cast<std::size_t>(n);
        return {buf.data(), static_cast<std::size_t>(n)};
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN && !left_) break;
      close();
    }
    return {};
  }

  void close() noexcept {
    if (!fd_) return;
    // Explicitly: a concurrent fork elsewhere may briefly share the fd, and
    // epoll forgets an fd only when every copy is closed.
    (void)::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd_.get(), nullptr);
    fd_.reset();
  }

 private:
  unique_fd fd_;
  int epoll_;
  std::optional<std::size_t> left_;  // set at runc's exit: bytes it may still give
};

}  // namespace

class event_stream::impl {
 public:
  impl(std::vector<std::string> argv, std::shared_ptr<process_monitor> monitor,
       std::unique_ptr<child_process> child, unique_fd epoll, unique_fd out, unique_fd err, bool to_group)
      : argv_(std::move(argv)),
        monitor_(std::move(monitor)),
        child_(std::move(child)),
        epoll_(std::move(epoll)),
        out_(std::move(out), epoll_.get()),
        err_(std::move(err), epoll_.get()),
        to_group_(to_group) {}

  int pollable() const noexcept { return epoll_.get(); }
  bool ended() const noexcept { return ended_; }
  std::optional<exit_status> status() const noexcept { return status_; }
  std::size_t buffered_bytes() const noexcept { return framer_.buffered_bytes(); }

  std::optional<result<event>> try_next() {
    if (ended_) return std::nullopt;
    if (auto item = framer_.next()) return item;  // no read while a line waits: the cap
    read_turn();
    if (!exited_ && wait_exit(std::chrono::milliseconds(0))) {
      out_.runc_exited();
      err_.runc_exited();
      exited_ = true;
      read_turn();
    }
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
      std::array<pollfd, 2> p{{{epoll_.get(), POLLIN, 0}, {waker.fd(), POLLIN, 0}}};
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
      exited_ = true;
    }
    out_.close();  // what is left unread is dropped
    err_.close();
    ended_ = true;
    if (!status_) return error(errc::io_error, "runc events could not be reaped");
    return *status_;
  }

 private:
  // One turn of reading, bounded: stderr while it has data (so runc never
  // blocks on it), stdout until a line is complete.
  void read_turn() {
    for (std::size_t got = 0; got < turn_bytes;) {
      auto bytes = err_.read_some(buf_);
      if (bytes.empty()) break;
      got += bytes.size();
      keep_stderr(bytes);
    }
    for (std::size_t got = 0; got < turn_bytes && !framer_.has_line();) {
      auto bytes = out_.read_some(buf_);
      if (bytes.empty()) break;
      got += bytes.size();
      framer_.feed(bytes);
    }
  }

  void keep_stderr(std::string_view bytes) {
    stderr_.append(bytes.substr(0, max_stderr - std::min(max_stderr, stderr_.size())));
  }

  // True once the child exited (status_ set); waits up to `limit` (-1: forever).
  bool wait_exit(std::chrono::milliseconds limit) {
    call_context ctx;
    if (limit.count() >= 0) ctx.deadline = std::chrono::steady_clock::now() + limit;
    if (auto st = wait_for_exit(*child_, ctx)) status_ = *st;
    return status_.has_value();
  }

  std::optional<result<event>> take() {
    if (auto item = framer_.next()) return item;
    if (!exited_ || out_.open()) return std::nullopt;
    if (auto item = framer_.finish()) return item;
    if (!final_error_checked_) {
      final_error_checked_ = true;
      final_error_ = runc_error();
    }
    if (final_error_) {
      auto e = std::move(*final_error_);
      final_error_.reset();
      return result<event>(std::move(e));
    }
    ended_ = true;
    return std::nullopt;
  }

  // After runc's exit and stdout's end: the rest of stderr (bounded by the
  // after-exit budget), then runc's classified error when it failed.
  std::optional<error> runc_error() {
    while (err_.open())
      if (auto bytes = err_.read_some(buf_); !bytes.empty()) keep_stderr(bytes);
    if (!status_ || status_->success()) return std::nullopt;
    detail::outcome o;
    o.argv = argv_;
    o.status = *status_;
    o.err = stderr_;
    error e = detail::command_error(o);
    if (e.code() != errc::unsupported) return e;
    return detail::reworded(e, errc::unsupported,
                            argv_.front() + " has no 'events' command (it said: " + e.message() + ")");
  }

  std::vector<std::string> argv_;
  std::shared_ptr<process_monitor> monitor_;  // keeps the monitor alive while the child runs
  std::unique_ptr<child_process> child_;
  unique_fd epoll_;  // stdout, stderr and the exit fd: pollable()
  runc_pipe out_, err_;
  bool to_group_;
  std::array<char, event_stream::read_bytes> buf_;
  detail::event_framer framer_{event_stream::max_line_bytes};
  std::string stderr_;
  std::optional<exit_status> status_;
  std::optional<error> final_error_;
  bool final_error_checked_ = false;
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
std::size_t event_stream::buffered_bytes() const noexcept { return impl_ ? impl_->buffered_bytes() : 0; }
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
namespace {

// An epoll fd watching `fds` for input (level-triggered).
result<unique_fd> make_poller(std::initializer_list<int> fds) {
  unique_fd ep(::epoll_create1(EPOLL_CLOEXEC));
  if (!ep) return sys_error(errc::io_error, "epoll_create1");
  for (int fd : fds) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(ep.get(), EPOLL_CTL_ADD, fd, &ev) != 0) return sys_error(errc::io_error, "epoll_ctl");
  }
  return ep;
}

}  // namespace

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
  auto poller = make_poller({out->read.get(), err->read.get(), (*child)->exit_fd()});
  if (!poller) {  // a stream nobody could wait for: end runc now
    (void)(*child)->signal(SIGKILL, cfg.setpgid);
    (void)wait_for_exit(**child);
    return std::move(poller).error().with_argv(argv);
  }
  if (ctx.on_started) ctx.on_started((*child)->pid());
  return event_stream(std::make_unique<event_stream::impl>(std::move(argv), std::move(monitor),
                                                           std::move(*child), std::move(*poller),
                                                           std::move(out->read), std::move(err->read),
                                                           cfg.setpgid));
}

}  // namespace detail
}  // namespace runcpp
