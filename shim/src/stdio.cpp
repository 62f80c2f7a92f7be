#include "stdio.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "file_io.hpp"

namespace runcpp::shim {
namespace {

constexpr auto drain_poll = std::chrono::milliseconds(20);
constexpr auto drain_idle_limit = std::chrono::seconds(2);
constexpr auto drain_limit = std::chrono::seconds(30);

// Bytes written into a fifo and not read yet (by anybody: the pipe is shared).
std::uint64_t unread(const unique_fd& fd) {
  int n = 0;
  if (!fd || ::ioctl(fd.get(), FIONREAD, &n) != 0 || n < 0) return 0;
  return static_cast<std::uint64_t>(n);
}

std::string errno_text(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// A writer on a fifo (or any file) that the client created: a read end first so
// that the non-blocking write open cannot fail with ENXIO, then the write end,
// made blocking again for the container.
std::string open_output(const std::string& path, unique_fd& write_end, unique_fd& keep) {
  if (path.empty()) return {};
  if (path.find("://") != std::string::npos) return "unsupported stdio URI " + path;
  keep.reset(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!keep) return errno_text("open", path);
  write_end.reset(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!write_end) return errno_text("open", path);
  int fl = ::fcntl(write_end.get(), F_GETFL);
  ::fcntl(write_end.get(), F_SETFL, fl & ~O_NONBLOCK);
  return {};
}

unique_fd duplicate(const unique_fd& fd) { return unique_fd(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3)); }

// mkdir -p with the Go shim's mode (os.MkdirAll(dir, 0755)).
std::string make_directories(const std::filesystem::path& dir) {
  if (dir.empty() || dir == dir.root_path()) return {};
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0)
    return S_ISDIR(st.st_mode) ? std::string{} : "not a directory: " + dir.string();
  if (auto e = make_directories(dir.parent_path()); !e.empty()) return e;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return errno_text("mkdir", dir.string());
  return {};
}

// fchown of the container's end; Go's go-runc NewPipeIO does the same on its pipes.
std::string give(const unique_fd& fd, stdio_owner owner, std::string_view what) {
  if (!fd || ::fchown(fd.get(), owner.uid, owner.gid) == 0) return {};
  return errno_text("chown",
                    std::string(what) + " to " + std::to_string(owner.uid) + ":" + std::to_string(owner.gid));
}

}  // namespace

std::string process_stdio::open(const stdio_paths& paths, process_monitor& spawner,
                                const logger_identity& who, stdio_owner owner) {
  paths_ = paths;
  stdio_uri uri;
  if (auto e = parse_stdio_uri(paths.out, uri); !e.empty()) return e;
  if (uri.scheme != stdio_scheme::fifo && paths.terminal)
    return "a terminal with the stdio URI " + paths.out + " is not supported";
  // As the Go shim: the logging program gets stdout and stderr, nobody feeds stdin.
  if (uri.scheme == stdio_scheme::binary) return binary_logger::start(spawner, uri, who, logger_);
  if (!paths.in.empty()) {
    in_fifo_.reset(::open(paths.in.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!in_fifo_) return errno_text("open", paths.in);
  }
  if (paths.terminal) {
    auto sock = runcpp::console_socket::temporary();
    if (!sock) return "console socket: " + sock.error().message();
    console_socket_ = std::move(*sock);
    if (paths.out.empty()) return {};
    // The copy from the master writes here; the kept read end makes the open non-blocking.
    return open_output(paths.out, out_write_, out_keep_);
  }
  if (!paths.in.empty()) {
    if (!make_pipe(in_pipe_read_, in_pipe_write_)) return errno_text("pipe2", "stdin");
    if (auto e = give(in_pipe_read_, owner, "stdin pipe"); !e.empty()) return e;
  }
  if (uri.scheme == stdio_scheme::file) {
    if (auto e = open_file(uri.path); !e.empty()) return e;  // the shim's own copy pipes
  } else {
    if (auto e = open_output(paths.out, out_write_, out_keep_); !e.empty()) return e;
    if (auto e = open_output(paths.err, err_write_, err_keep_); !e.empty()) return e;
    if (owner.uid == 0 && owner.gid == 0) return {};  // the client's fifos stay as it made them
  }
  if (auto e = give(out_write_, owner, "stdout"); !e.empty()) return e;
  return give(err_write_, owner, "stderr");
}

// file://: the Go shim creates the directory (0755) and the file (0644), then
// copies stdout, and stderr when the request has one, into it in append mode.
std::string process_stdio::open_file(const std::string& path) {
  if (auto e = make_directories(std::filesystem::path(path).parent_path()); !e.empty()) return e;
  file_.reset(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!file_) return errno_text("open", path);
  if (!make_pipe(out_read_, out_write_)) return errno_text("pipe2", "stdout");
  if (paths_.err.empty()) return {};
  if (!make_pipe(err_read_, err_write_)) return errno_text("pipe2", "stderr");
  return {};
}

std::shared_ptr<runcpp::io> process_stdio::runc_io() const {
  if (paths_.terminal) return runcpp::null_io();
  if (logger_) return runcpp::fd_io(-1, logger_->stdout_fd(), logger_->stderr_fd());
  return runcpp::fd_io(in_pipe_read_.get(), out_write_.get(), err_write_.get());
}

process_stdio::~process_stdio() { cancel_drain(); }

std::string process_stdio::started(ttrpc::loop& l) {
  loop_ = &l;
  in_pipe_read_.reset();
  err_write_.reset();
  if (logger_) logger_->close_container_ends();
  if (!paths_.terminal) {
    out_write_.reset();
    if (in_fifo_)
      in_pump_ = std::make_unique<pump>(l, std::move(in_fifo_), std::move(in_pipe_write_), nullptr);
    if (file_) start_file_copies(l);
    return {};
  }
  auto c =
      console_socket_->receive({.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10)});
  console_socket_.reset();
  if (!c) return "console: " + c.error().message();
  console_.emplace(std::move(*c));
  if (out_write_) {
    out_pump_ = std::make_unique<pump>(l, unique_fd(::fcntl(console_->fd(), F_DUPFD_CLOEXEC, 3)),
                                       std::move(out_write_), nullptr);
  }
  if (in_fifo_) {
    in_pump_ = std::make_unique<pump>(l, std::move(in_fifo_),
                                      unique_fd(::fcntl(console_->fd(), F_DUPFD_CLOEXEC, 3)), nullptr);
  }
  return {};
}

// file://: one pump per output pipe into the file.
void process_stdio::start_file_copies(ttrpc::loop& l) {
  out_pump_ = std::make_unique<pump>(l, std::move(out_read_), duplicate(file_), nullptr);
  if (err_read_) err_pump_ = std::make_unique<pump>(l, std::move(err_read_), duplicate(file_), nullptr);
  file_.reset();
}

std::uint64_t process_stdio::copied() const noexcept {
  return (out_pump_ ? out_pump_->written() : 0) + (err_pump_ ? err_pump_->written() : 0);
}

void process_stdio::when_drained(std::function<void()> done) {
  cancel_drain();
  drained_ = std::move(done);
  const auto now = std::chrono::steady_clock::now();
  seen_written_ = copied();
  seen_unread_ = unread(out_keep_) + unread(err_keep_);
  idle_since_ = now;
  give_up_at_ = now + drain_limit;
  check_drained();
}

void process_stdio::check_drained() {
  drain_timer_ = 0;
  const auto now = std::chrono::steady_clock::now();
  const std::uint64_t in_fifos = unread(out_keep_) + unread(err_keep_);
  const std::uint64_t written = copied();
  const bool copying = (out_pump_ && !out_pump_->ended()) || (err_pump_ && !err_pump_->ended());
  if (written != seen_written_ || in_fifos != seen_unread_)
    idle_since_ = now;  // a slow reader, not a stuck one
  seen_written_ = written;
  seen_unread_ = in_fifos;
  const bool drained = !copying && in_fifos == 0;
  if (drained || !loop_ || now - idle_since_ >= drain_idle_limit || now >= give_up_at_) {
    if (auto done = std::exchange(drained_, nullptr)) done();
    return;
  }
  drain_timer_ = loop_->add_timer(now + drain_poll, [this] { check_drained(); });
}

void process_stdio::cancel_drain() noexcept {
  if (drain_timer_ != 0 && loop_) loop_->cancel_timer(drain_timer_);
  drain_timer_ = 0;
  drained_ = nullptr;
}

void process_stdio::close() noexcept {
  cancel_drain();
  in_pump_.reset();
  out_pump_.reset();
  err_pump_.reset();
  console_.reset();
  console_socket_.reset();
  logger_.reset();
  for (unique_fd* fd : {&out_write_, &err_write_, &out_keep_, &err_keep_, &in_fifo_, &in_pipe_read_,
                        &in_pipe_write_, &out_read_, &err_read_, &file_}) {
    fd->reset();
  }
}

void process_stdio::release(ttrpc::loop& l, std::function<void()> done) {
  auto logger = std::move(logger_);
  close();
  if (logger) {
    logger->stop(l, std::move(done));
  } else if (done) {
    done();
  }
}

void process_stdio::close_stdin() {
  if (in_pump_) in_pump_->close_source();
  in_pipe_write_.reset();
}

std::string process_stdio::resize(unsigned rows, unsigned cols) const {
  if (!console_) return "the process has no terminal";
  auto r = console_->resize(static_cast<unsigned short>(rows), static_cast<unsigned short>(cols));
  return r ? std::string{} : r.error().message();
}

}  // namespace runcpp::shim
