#include <runcpp/ttrpc/server.hpp>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <list>
#include <map>
#include <system_error>

#include "channel.hpp"
#include "deadline.hpp"
#include "owned_fd.hpp"
#include "wire.hpp"

namespace runcpp::ttrpc {

namespace detail {

struct connection;

// An unanswered request: kept alive by its responder (and by nothing else), so
// that request_info's strings stay valid while the handler holds on to it.
struct pending_request : std::enable_shared_from_this<pending_request> {
  connection* conn = nullptr;  // null once the connection closed
  std::uint32_t stream_id = 0;
  std::uint64_t timer = 0;
  bool answered = false;
  wire::request req;
  request_info info;
  std::list<std::weak_ptr<pending_request>>::iterator self_in_conn;

  // Sends the answer unless the request was answered or its connection closed.
  void answer(const status* st, std::string payload);
  void detach(loop& l) noexcept;
  static responder make_responder(std::shared_ptr<pending_request> p) noexcept {
    return responder(std::move(p));
  }
};
struct server_state;

struct connection {
  server_state* srv;
  std::shared_ptr<channel> ch;
  std::list<std::weak_ptr<pending_request>> pendings;

  void on_frame(frame& f);
  void send_status(std::uint32_t stream_id, code c, std::string message) {
    const status st{c, std::move(message)};
    ch->send(wire::response_frame(stream_id, &st, {}));
  }
  void dispatch(std::uint32_t stream_id, wire::request req);
};

struct server_state {
  loop& l;
  std::size_t max_message;
  std::map<std::string, std::map<std::string, std::shared_ptr<server::handler>, std::less<>>, std::less<>>
      services;
  std::list<connection> conns;
  std::size_t pending_count = 0;
  std::function<void()> closed_cb;
  struct listener {
    int fd;
    std::uint64_t backoff_timer = 0;
  };
  std::list<listener> listeners;

  server_state(loop& lp, std::size_t max) : l(lp), max_message(max) {}
  ~server_state() {
    for (auto& ls : listeners) {
      l.cancel_timer(ls.backoff_timer);
      l.remove(ls.fd);
    }
    for (auto& c : conns) {
      detach_all(c);
      c.ch->shutdown();  // stops a channel whose callback is running now (a handler destroyed the server)
    }
  }

  void detach_all(connection& c) noexcept {
    for (auto& w : c.pendings) {
      if (const auto p = w.lock()) p->detach(l);
    }
    pending_count -= c.pendings.size();  // the list holds the unanswered ones only
    c.pendings.clear();
  }

  void add_connection(owned_fd fd) {
    auto& c = conns.emplace_back();
    c.srv = this;
    const auto where = std::prev(conns.end());
    try {
      c.ch = channel::open(l, std::move(fd), max_message,
                           {[&c](frame& f) { c.on_frame(f); }, [this, where] { close_connection(where); }});
    } catch (...) {
      conns.erase(where);
      throw;
    }
  }

  void close_connection(std::list<connection>::iterator where) {
    detach_all(*where);
    conns.erase(where);  // the channel, if it is the caller, lives on until its callback returns
    if (closed_cb) closed_cb();
  }

  void accept_from(listener& ls) {
    for (int i = 0; i < 64; ++i) {
      owned_fd fd(::accept4(ls.fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
      if (!fd) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) back_off(ls);
        return;  // EAGAIN, or an aborted connection: the next event tells
      }
      ucred cred{};
      socklen_t len = sizeof cred;
      if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != ::geteuid())
        continue;
      add_connection(std::move(fd));
    }
  }

  // Out of fds: stop watching the listener for a while instead of spinning on it.
  void back_off(listener& ls) {
    l.modify(ls.fd, 0);
    ls.backoff_timer =
        l.add_timer(std::chrono::steady_clock::now() + std::chrono::milliseconds(100), [this, &ls] {
          ls.backoff_timer = 0;
          l.modify(ls.fd, EPOLLIN);
        });
  }
};

void pending_request::detach(loop& l) noexcept {
  l.cancel_timer(timer);
  timer = 0;
  conn = nullptr;
}

void pending_request::answer(const status* st, std::string payload) {
  if (answered) return;
  answered = true;
  if (!conn) return;
  connection* c = conn;
  detail::server_state* srv = c->srv;
  detach(srv->l);
  c->pendings.erase(self_in_conn);
  --srv->pending_count;
  req = {};  // the request's memory goes now; info is no longer valid
  if (payload.size() > srv->max_message) {
    const status too_big{code::resource_exhausted, "response of " + std::to_string(payload.size()) +
                                                       " bytes exceeds the maximum message size of " +
                                                       std::to_string(srv->max_message)};
    c->ch->send(wire::response_frame(stream_id, &too_big, {}));
    return;
  }
  c->ch->send(wire::response_frame(stream_id, st, std::move(payload)));
}

}  // namespace detail

namespace detail {

void connection::on_frame(frame& f) {
  const std::uint32_t id = f.header.stream_id;
  if (f.oversized) {
    // As ttrpc does: the stream is failed whatever its type.
    send_status(id, code::resource_exhausted,
                "message length " + std::to_string(f.header.length) + " exceed maximum message size of " +
                    std::to_string(srv->max_message));
    return;
  }
  if (f.header.type != static_cast<std::uint8_t>(message_type::request)) return;  // ignored for future compat
  auto req = wire::parse_request(f.body);
  if (!req) {
    send_status(id, code::invalid_argument, "unmarshal request error: not a ttrpc Request");
    return;
  }
  if (id % 2 != 1) {
    send_status(id, code::invalid_argument, "StreamID must be odd for client initiated streams");
    return;
  }
  dispatch(id, std::move(*req));
}

void connection::dispatch(std::uint32_t stream_id, wire::request req) {
  auto p = std::make_shared<pending_request>();
  p->conn = this;
  p->stream_id = stream_id;
  p->req = std::move(req);
  p->info = {p->req.service, p->req.method, deadline_after(std::chrono::nanoseconds(p->req.timeout_nano)),
             &p->req.metadata, stream_id};
  p->self_in_conn = pendings.insert(pendings.end(), p);
  ++srv->pending_count;
  if (p->info.deadline) {
    p->timer = srv->l.add_timer(*p->info.deadline, [weak = std::weak_ptr(p)] {
      if (const auto q = weak.lock()) {
        q->timer = 0;
        const status late{code::deadline_exceeded, "context deadline exceeded"};
        q->answer(&late, {});
      }
    });
  }

  std::shared_ptr<server::handler> h;
  const auto svc = srv->services.find(p->req.service);
  if (svc == srv->services.end()) {
    const status st{code::unimplemented, "service " + p->req.service};
    p->answer(&st, {});
    return;
  }
  const auto m = svc->second.find(p->req.method);
  if (m == svc->second.end()) {
    const status st{code::unimplemented, "method " + p->req.method};
    p->answer(&st, {});
    return;
  }
  h = m->second;  // a copy: the handler may replace itself
  const request_info& info = p->info;
  const std::string_view payload = p->req.payload;
  try {
    (*h)(info, payload, pending_request::make_responder(std::move(p)));
  } catch (...) {
    // The responder was destroyed unused on the way out and answered internal.
  }
}

}  // namespace detail

responder& responder::operator=(responder&& o) noexcept {
  if (this != &o) {
    responder old(std::move(*this));
    p_ = std::move(o.p_);
  }
  return *this;
}

responder::~responder() {
  if (p_ && !p_->answered) {
    const status dropped{code::internal, "handler dropped the request"};
    try {
      p_->answer(&dropped, {});
    } catch (...) {
      // Out of memory while answering: the client's own timeout has to do.
    }
  }
}

void responder::reply(std::string payload) {
  if (p_) p_->answer(nullptr, std::move(payload));
}

void responder::fail(status s) {
  if (p_) p_->answer(&s, {});
}

bool responder::done() const noexcept { return !p_ || p_->answered; }

server::server(loop& l, std::size_t max_message)
    : impl_(std::make_shared<detail::server_state>(l, max_message)) {}

server::~server() = default;

void server::add(std::string service, std::string method, handler h) {
  impl_->services[std::move(service)][std::move(method)] = std::make_shared<handler>(std::move(h));
}

void server::serve(int listen_fd) {
  auto& ls = impl_->listeners.emplace_back(detail::server_state::listener{listen_fd});
  try {
    impl_->l.add(listen_fd, EPOLLIN, [srv = impl_.get(), &ls](std::uint32_t) { srv->accept_from(ls); });
  } catch (...) {
    impl_->listeners.pop_back();
    throw;
  }
}

void server::adopt(int fd) {
  owned_fd owned(fd);
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    throw std::system_error(errno, std::generic_category(), "fcntl(O_NONBLOCK)");
  }
  impl_->add_connection(std::move(owned));
}

std::size_t server::connections() const noexcept { return impl_->conns.size(); }
std::size_t server::pending() const noexcept { return impl_->pending_count; }
void server::on_connection_closed(std::function<void()> cb) { impl_->closed_cb = std::move(cb); }

}  // namespace runcpp::ttrpc
