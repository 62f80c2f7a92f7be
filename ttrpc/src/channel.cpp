#include "channel.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace runcpp::ttrpc {

std::shared_ptr<channel> channel::open(loop& l, owned_fd fd, std::size_t max_message, callbacks cb) {
  auto ch = std::make_shared<channel>(token{}, l, std::move(fd), max_message, std::move(cb));
  // The loop keeps a plain pointer: the channel unregisters before it dies, and
  // on_events holds a reference while it works.
  l.add(ch->fd_.get(), EPOLLIN, [raw = ch.get()](std::uint32_t events) { raw->on_events(events); });
  ch->interest_ = EPOLLIN;
  return ch;
}

channel::channel(token, loop& l, owned_fd fd, std::size_t max_message, callbacks cb)
    : loop_(l),
      fd_(std::move(fd)),
      cb_(std::move(cb)),
      decoder_(max_message),
      pause_at_(std::max<std::size_t>(max_message, 64 * 1024)) {}

channel::~channel() { shutdown(); }

void channel::shutdown() noexcept {
  loop_.cancel_timer(close_timer_);
  close_timer_ = 0;
  if (fd_) loop_.remove(fd_.get());
  fd_.reset();
  out_.clear();
  queued_ = 0;
}

void channel::send(std::string frame_bytes) {
  if (!fd_ || close_timer_) return;
  queued_ += frame_bytes.size();
  out_.push_back(std::move(frame_bytes));
  if (out_.size() == 1 && !flush()) {
    close_soon();
    return;
  }
  update_interest();
}

void channel::close() {
  if (!fd_) return;
  shutdown();
  if (cb_.on_close) cb_.on_close();
}

void channel::close_soon() {
  if (close_timer_) return;
  // Stop watching the fd, so a level-triggered error does not spin meanwhile.
  loop_.modify(fd_.get(), 0);
  interest_ = 0;
  close_timer_ = loop_.add_timer(std::chrono::steady_clock::now(), [weak = weak_from_this()] {
    if (const auto self = weak.lock()) {
      self->close_timer_ = 0;
      self->close();
    }
  });
}

void channel::on_events(std::uint32_t events) {
  const auto self = shared_from_this();  // a callback below may drop the last owner
  if ((events & EPOLLOUT) && !flush()) {
    close();
    return;
  }
  if (interest_ & EPOLLIN) {
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable();
  } else if (events & (EPOLLHUP | EPOLLERR)) {
    close();  // paused and the peer is gone: nothing can be delivered any more
    return;
  }
  if (fd_ && !close_timer_) update_interest();
}

void channel::on_readable() {
  char buf[16 * 1024];
  const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) close();
    return;
  }
  if (n == 0) {  // end of stream, maybe mid-frame: the partial frame is dropped
    close();
    return;
  }
  std::string_view data(buf, static_cast<std::size_t>(n));
  while (fd_ && !close_timer_) {
    data.remove_prefix(decoder_.feed(data));
    auto f = decoder_.take();
    if (!f) break;
    cb_.on_frame(*f);
  }
}

bool channel::flush() {
  while (!out_.empty()) {
    const std::string& front = out_.front();
    const ssize_t n = ::send(fd_.get(), front.data() + out_offset_, front.size() - out_offset_,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    out_offset_ += static_cast<std::size_t>(n);
    queued_ -= static_cast<std::size_t>(n);
    if (out_offset_ == front.size()) {
      out_.pop_front();
      out_offset_ = 0;
    }
  }
  return true;
}

void channel::update_interest() {
  std::uint32_t want = 0;
  if (queued_ < pause_at_) want |= EPOLLIN;
  if (!out_.empty()) want |= EPOLLOUT;
  if (want == interest_) return;
  loop_.modify(fd_.get(), want);
  interest_ = want;
}

}  // namespace runcpp::ttrpc
