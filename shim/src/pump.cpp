#include "pump.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace runcpp::shim {
namespace {

constexpr std::size_t chunk = std::size_t{64} * 1024;

void set_nonblocking(int fd) {
  int fl = ::fcntl(fd, F_GETFL);
  if (fl >= 0) ::fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

}  // namespace

pump::pump(ttrpc::loop& l, unique_fd src, unique_fd dst, std::function<void()> on_end)
    : loop_(l), src_(std::move(src)), dst_(std::move(dst)), on_end_(std::move(on_end)) {
  set_nonblocking(src_.get());
  set_nonblocking(dst_.get());
  loop_.add(src_.get(), EPOLLIN, [this](std::uint32_t) { on_readable(); });
  src_watched_ = true;
}

pump::~pump() {
  if (src_watched_) loop_.remove(src_.get());
  if (dst_watched_) loop_.remove(dst_.get());
}

void pump::close_source() {
  if (ended_) return;
  eof_ = true;
  if (src_watched_) {
    loop_.remove(src_.get());
    src_watched_ = false;
  }
  if (buf_.empty()) finish();
}

void pump::on_readable() {
  std::array<char, chunk> tmp;
  ssize_t n = ::read(src_.get(), tmp.data(), tmp.size());
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {  // EOF, or EIO from a pty master whose slaves are all closed
    close_source();
    return;
  }
  buf_.assign(tmp.data(), static_cast<std::size_t>(n));
  write_buffer();
  if (ended_ || buf_.empty()) return;
  // Back-pressure: stop reading until the destination took the buffer.
  loop_.remove(src_.get());
  src_watched_ = false;
  loop_.add(dst_.get(), EPOLLOUT, [this](std::uint32_t) { on_writable(); });
  dst_watched_ = true;
}

void pump::on_writable() {
  write_buffer();
  if (ended_ || !buf_.empty()) return;
  loop_.remove(dst_.get());
  dst_watched_ = false;
  if (eof_) {
    finish();
    return;
  }
  loop_.add(src_.get(), EPOLLIN, [this](std::uint32_t) { on_readable(); });
  src_watched_ = true;
}

void pump::write_buffer() {
  while (!buf_.empty()) {
    ssize_t n = ::write(dst_.get(), buf_.data(), buf_.size());
    if (n > 0) {
      buf_.erase(0, static_cast<std::size_t>(n));
      written_ += static_cast<std::uint64_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return;
    } else {  // EPIPE and the like: nobody reads any more
      buf_.clear();
      eof_ = true;
      if (src_watched_) {
        loop_.remove(src_.get());
        src_watched_ = false;
      }
      finish();
      return;
    }
  }
}

void pump::finish() {
  if (ended_) return;
  ended_ = true;
  if (dst_watched_) {
    loop_.remove(dst_.get());
    dst_watched_ = false;
  }
  src_.reset();
  dst_.reset();
  if (on_end_) on_end_();
}

}  // namespace runcpp::shim
