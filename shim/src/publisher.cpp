#include "publisher.hpp"

#include <chrono>

namespace runcpp::shim {
namespace {
constexpr int max_attempts = 5;
constexpr auto forward_timeout = std::chrono::seconds(5);
}  // namespace

publisher::publisher(ttrpc::loop& l, std::string socket_path, std::string ns)
    : loop_(l), client_(l, std::move(socket_path)), ns_(std::move(ns)) {}

void publisher::enqueue(const std::string& topic, google::protobuf::Any event) {
  ::containerd::services::events::ttrpc::v1::ForwardRequest req;
  auto* env = req.mutable_envelope();
  set_timestamp(*env->mutable_timestamp(), std::chrono::system_clock::now());
  env->set_namespace_(ns_);
  env->set_topic(topic);
  *env->mutable_event() = std::move(event);
  queue_.push_back({req.SerializeAsString(), 0});
  if (!sending_) send_front();
}

void publisher::send_front() {
  if (queue_.empty()) {
    if (auto cb = std::exchange(idle_cb_, nullptr)) cb();
    return;
  }
  sending_ = true;
  client_.call("containerd.services.events.ttrpc.v1.Events", "Forward", queue_.front().payload,
               forward_timeout, {{"containerd-namespace-ttrpc", ns_}},
               [this](const ttrpc::status& st, const std::string&) {
                 sending_ = false;
                 item& front = queue_.front();
                 if (st.ok() || ++front.attempts >= max_attempts) {
                   queue_.pop_front();
                   send_front();
                   return;
                 }
                 sending_ = true;  // a retry is scheduled: later events keep waiting
                 loop_.add_timer(std::chrono::steady_clock::now() + std::chrono::seconds(front.attempts),
                                 [this] {
                                   sending_ = false;
                                   send_front();
                                 });
               });
}

void publisher::when_idle(std::function<void()> cb) {
  if (queue_.empty()) {
    cb();
    return;
  }
  idle_cb_ = std::move(cb);
}

}  // namespace runcpp::shim
