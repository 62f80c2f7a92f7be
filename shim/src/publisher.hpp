// Events to containerd: ttrpc containerd.services.events.ttrpc.v1.Events/Forward
// on TTRPC_ADDRESS, one at a time so that they arrive in the order published
// (TaskStart before TaskExit, ...). A failed Forward (containerd busy or
// restarting) is retried after 1 s, 2 s, ... up to 5 times, like the Go shim,
// then dropped; later events wait behind it.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <runcpp/ttrpc/client.hpp>
#include <runcpp/ttrpc/loop.hpp>

#include "proto.hpp"

namespace runcpp::shim {

class publisher {
 public:
  /// `socket_path`: containerd's ttrpc socket; `ns`: the namespace of every event.
  publisher(ttrpc::loop& l, std::string socket_path, std::string ns);

  /// Queues one event (a containerd.events.* message) under `topic` ("/tasks/exit").
  template <class Event>
  void publish(const std::string& topic, const Event& e) {
    enqueue(topic, pack(e));
  }
  /// Whether every queued event was sent (or dropped).
  bool idle() const noexcept { return queue_.empty(); }
  /// Runs `cb` once the queue is empty (at once if it is).
  void when_idle(std::function<void()> cb);

 private:
  struct item {
    std::string payload;  ///< serialized ForwardRequest
    int attempts = 0;
  };
  void enqueue(const std::string& topic, google::protobuf::Any event);
  void send_front();

  ttrpc::loop& loop_;
  ttrpc::client client_;
  std::string ns_;
  std::deque<item> queue_;
  bool sending_ = false;
  std::function<void()> idle_cb_;
};

}  // namespace runcpp::shim
