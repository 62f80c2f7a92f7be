// Shared by the examples: clean-up that runs however a run ends, and Ctrl-C
// turned into a stop request that cancels runcpp calls cleanly.
#pragma once

#include <pthread.h>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <runcpp/runcpp.hpp>

namespace examples {

// Removes a directory and its contents when it goes out of scope.
struct temp_directory {
  std::filesystem::path path;  // empty: nothing to remove
  ~temp_directory() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

// Force-deletes a container when it goes out of scope.
struct container_guard {
  const runcpp::client& runc;
  std::string id;  // empty: nothing to remove
  ~container_guard() {
    if (!id.empty()) (void)runc.remove(id, {.force = true});
  }
};

// SIGINT and SIGTERM become a stop request on token(). Construct it before any
// other thread starts: it blocks both signals in this thread (new threads
// inherit the mask), so only its waiting thread ever receives them. No
// handler is installed; on_interrupt, if set, runs on the waiting thread.
class stop_on_interrupt {
 public:
  explicit stop_on_interrupt(std::function<void()> on_interrupt = {}) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    waiter_ = std::jthread([this, on_interrupt = std::move(on_interrupt)](std::stop_token done) {
      const timespec tick{0, 200'000'000};  // how soon the destructor's stop is seen
      while (!done.stop_requested()) {
        if (sigtimedwait(&signals_, nullptr, &tick) > 0) {
          interrupted_.request_stop();  // first: interrupted() is true once the message shows
          if (on_interrupt) on_interrupt();
          return;
        }
      }
    });
  }
  stop_on_interrupt(const stop_on_interrupt&) = delete;
  stop_on_interrupt& operator=(const stop_on_interrupt&) = delete;

  std::stop_token token() const { return interrupted_.get_token(); }
  bool interrupted() const { return interrupted_.stop_requested(); }

 private:
  sigset_t signals_{};
  std::stop_source interrupted_;
  std::jthread waiter_;  // last: stopped and joined (within 200 ms) before the rest goes
};

}  // namespace examples
