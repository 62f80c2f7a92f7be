#include <runcpp/ttrpc/client.hpp>

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "channel.hpp"
#include "deadline.hpp"
#include "owned_fd.hpp"
#include "wire.hpp"

namespace runcpp::ttrpc {

struct client::impl : std::enable_shared_from_this<impl> {
  struct call_state {
    callback cb;
    std::uint64_t timer = 0;
  };

  loop& l;
  std::string path;
  std::size_t max_message;
  std::shared_ptr<channel> ch;
  std::uint32_t next_stream = 1;
  std::unordered_map<std::uint32_t, call_state> calls;

  impl(loop& lp, std::string p, std::size_t max) : l(lp), path(std::move(p)), max_message(max) {}
  ~impl() {
    for (auto& [id, c] : calls) l.cancel_timer(c.timer);
    if (ch) ch->shutdown();
  }

  // Runs cb from the loop, not from inside call(); dropped if the client is gone.
  void later(callback cb, status st) {
    l.post([weak = weak_from_this(), cb = std::move(cb), st = std::move(st)]() mutable {
      if (weak.lock()) cb(std::move(st), {});
    });
  }

  // An error message for connect failures: "connect /path: No such file or directory".
  status connect() {
    const auto fail = [this](int err) {
      return status{code::unavailable, "connect " + path + ": " + std::strerror(err)};
    };
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) return fail(ENAMETOOLONG);
    std::memcpy(addr.sun_path, path.data(), path.size());
    owned_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return fail(errno);
    // A unix socket connects at once or fails at once (EAGAIN: the backlog is full).
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0) return fail(errno);
    next_stream = 1;
    ch = channel::open(l, std::move(fd), max_message,
                       {[this](frame& f) { on_frame(f); }, [this] { on_close(); }});
    return {};
  }

  void on_frame(frame& f) {
    if (f.header.type != static_cast<std::uint8_t>(message_type::response)) return;
    if (f.oversized) {
      complete(f.header.stream_id,
               {code::resource_exhausted, "response of " + std::to_string(f.header.length) +
                                              " bytes exceeds the maximum message size"});
      return;
    }
    auto r = wire::parse_response(f.body);
    if (!r) {
      complete(f.header.stream_id, {code::internal, "malformed ttrpc Response"});
      return;
    }
    complete(f.header.stream_id, r->st.value_or(status{}), std::move(r->payload));
  }

  void on_close() {
    const auto keep = shared_from_this();  // a callback may destroy the client
    ch.reset();                            // the channel is alive until its callback returns
    auto failed = std::move(calls);
    calls.clear();
    for (auto& [id, c] : failed) {
      l.cancel_timer(c.timer);
      c.cb({code::unavailable, "ttrpc: connection closed"}, {});
    }
  }

  void timed_out(std::uint32_t stream_id) {
    const auto it = calls.find(stream_id);
    if (it == calls.end()) return;
    it->second.timer = 0;  // it ran
    complete(stream_id, {code::deadline_exceeded, "context deadline exceeded"});
  }

  void complete(std::uint32_t stream_id, status st, std::string payload = {}) {
    const auto it = calls.find(stream_id);
    if (it == calls.end()) return;  // answered already (timeout) or never asked
    call_state c = std::move(it->second);
    calls.erase(it);
    l.cancel_timer(c.timer);
    c.cb(std::move(st), std::move(payload));
  }
};

client::client(loop& l, std::string socket_path, std::size_t max_message)
    : impl_(std::make_shared<impl>(l, std::move(socket_path), max_message)) {}

client::~client() = default;

void client::call(std::string service, std::string method, std::string payload,
                  std::chrono::nanoseconds timeout, std::vector<metadata_entry> metadata, callback cb) {
  impl& c = *impl_;
  if (payload.size() > c.max_message) {
    c.later(std::move(cb), {code::resource_exhausted, "request payload of " + std::to_string(payload.size()) +
                                                          " bytes exceeds the maximum message size"});
    return;
  }
  if (!c.ch) {
    if (status st = c.connect(); !st.ok()) {
      c.later(std::move(cb), std::move(st));
      return;
    }
  }
  const std::uint32_t id = c.next_stream;
  c.next_stream += 2;
  wire::request req{std::move(service), std::move(method), std::move(payload),
                    timeout.count() > 0 ? static_cast<std::int64_t>(timeout.count()) : 0,
                    std::move(metadata)};
  std::string bytes = wire::request_frame(id, std::move(req));
  if (bytes.size() - frame_header_size > c.max_message) {
    c.later(std::move(cb), {code::resource_exhausted, "request exceeds the maximum message size"});
    return;
  }
  auto& state = c.calls[id];
  state.cb = std::move(cb);
  if (const auto when = deadline_after(timeout)) {
    state.timer = c.l.add_timer(*when, [weak = c.weak_from_this(), id] {
      if (const auto self = weak.lock()) self->timed_out(id);
    });
  }
  c.ch->send(std::move(bytes));
}

std::size_t client::in_flight() const noexcept { return impl_->calls.size(); }
bool client::connected() const noexcept { return impl_->ch && !impl_->ch->closed(); }

}  // namespace runcpp::ttrpc
