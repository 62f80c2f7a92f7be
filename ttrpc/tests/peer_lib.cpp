#include "peer.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace runcpp::ttrpc::testing {
namespace {

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

sockaddr_un address(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string s = path.string();
  if (s.size() >= sizeof addr.sun_path) throw std::invalid_argument("socket path too long: " + s);
  std::memcpy(addr.sun_path, s.data(), s.size());
  return addr;
}

}  // namespace

std::string cat(std::string_view a, std::string_view b) {
  std::string out(a);
  out.append(b);
  return out;
}

bool run_until(loop& l, const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    l.run_once(std::chrono::milliseconds(5));
  }
  return true;
}

void run_for(loop& l, std::chrono::milliseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) l.run_once(std::chrono::milliseconds(5));
}

owned_fd listen_unix(const std::filesystem::path& path) {
  owned_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) fail("socket");
  const sockaddr_un addr = address(path);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0) fail("bind");
  if (::listen(fd.get(), 64) < 0) fail("listen");
  return fd;
}

raw_peer::raw_peer(owned_fd fd) : fd_(std::move(fd)) {
  const int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK) < 0) fail("fcntl");
}

raw_peer raw_peer::pair(int& server_end) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) fail("socketpair");
  server_end = sv[1];
  return raw_peer(owned_fd(sv[0]));
}

raw_peer raw_peer::connect(const std::filesystem::path& path) {
  owned_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) fail("socket");
  const sockaddr_un addr = address(path);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0) fail("connect");
  return raw_peer(std::move(fd));
}

void raw_peer::write(std::string_view bytes) {
  // The peer is non-blocking; wait for room with poll-free retries (the server
  // side is not read while we spin, so only small writes go through here).
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) throw std::runtime_error("raw_peer::write: socket buffer full");
      fail("send");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void raw_peer::write_request(std::uint32_t stream_id, wire::request r) {
  write(wire::request_frame(stream_id, std::move(r)));
}

ssize_t raw_peer::read_some() {
  char buf[64 * 1024];
  const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
  if (n == 0) eof_ = true;
  if (n > 0) buffered_.append(buf, static_cast<std::size_t>(n));
  return n;
}

std::optional<frame> raw_peer::read_frame(loop& l) {
  std::optional<frame> got;
  run_until(l, [&] {
    while (!got) {
      buffered_.erase(0, decoder_.feed(buffered_));
      got = decoder_.take();
      if (got || eof_ || read_some() <= 0) break;
    }
    return got.has_value() || eof_;
  });
  return got;
}

std::optional<wire::response> raw_peer::read_response(loop& l, std::uint32_t expected_stream) {
  auto f = read_frame(l);
  if (!f) {
    ADD_FAILURE() << "no response frame";
    return std::nullopt;
  }
  EXPECT_EQ(f->header.type, static_cast<std::uint8_t>(message_type::response));
  EXPECT_EQ(f->header.stream_id, expected_stream);
  auto r = wire::parse_response(f->body);
  if (!r) ADD_FAILURE() << "not a Response";
  return r;
}

bool raw_peer::wait_closed(loop& l) {
  return run_until(l, [&] {
    while (read_some() > 0) buffered_.clear();
    return eof_;
  });
}

bool raw_peer::silent_for(loop& l, std::chrono::milliseconds d) {
  run_for(l, d);
  read_some();
  return buffered_.empty() && !eof_;
}

}  // namespace runcpp::ttrpc::testing
