// A `binary://` logging program (containerd's shim logging protocol,
// runtime/v2/logging): started before the container with the container's
// stdout pipe as its fd 3, stderr pipe as fd 4 and the write end of a readiness
// pipe as fd 5; fds 0-2 are /dev/null and it gets no other fd. Its environment
// is only CONTAINER_ID and CONTAINER_NAMESPACE, its arguments come from the
// URI's query (log_uri.hpp). It is ready once it wrote to or closed fd 5 (or
// exited). As in the Go shim (pkg/process/io.go NewBinaryIO, binaryIO.Close):
// a program that cannot be started fails the Create; one that exits early
// counts as ready (the container's writes then fail with EPIPE); at Delete it
// gets SIGTERM and is waited for, SIGKILLed after 12 s.
//
// It is started through the shim's reaper (reaper::start), so its exit is
// collected by the reaper thread and never reaches the shim's subscription for
// container exits.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <runcpp/fd.hpp>
#include <runcpp/process_monitor.hpp>
#include <runcpp/ttrpc/loop.hpp>

#include "log_uri.hpp"

namespace runcpp::shim {

/// Who the logger logs for: the container id (an exec's id for an exec, as
/// the Go shim passes it) and the containerd namespace.
struct logger_identity {
  std::string id;
  std::string ns;
};

class binary_logger : public std::enable_shared_from_this<binary_logger> {
 public:
  /// How long start() waits for readiness (the Go shim waits forever; the
  /// shim's loop would then hang for every container of the group).
  static constexpr auto ready_limit = std::chrono::seconds(10);
  /// How long stop() lets the program flush after SIGTERM (Go: 12 s).
  static constexpr auto term_limit = std::chrono::seconds(12);

  /// Starts the program of `uri` with `m` and blocks until it is ready (at most
  /// ready_limit). Returns "" and sets `out`, or the one-line reason (spawn
  /// failure, not ready in time: the program is then killed).
  static std::string start(process_monitor& m, const stdio_uri& uri, const logger_identity& who,
                           std::shared_ptr<binary_logger>& out);
  /// A program still running is SIGKILLed and its exit awaited (the reaper collects it).
  ~binary_logger();

  /// The container's stdout and stderr (the pipes' write ends); borrowed, valid
  /// until close_container_ends().
  int stdout_fd() const noexcept { return pipes_.out_write.get(); }
  int stderr_fd() const noexcept { return pipes_.err_write.get(); }
  /// After runc created the process: the program sees EOF once the container's
  /// processes closed their stdout and stderr.
  void close_container_ends() noexcept;

  /// Delete: SIGTERM, then `done` runs on `l` once the program exited (SIGKILL
  /// after term_limit). The loop's callbacks keep the logger alive until then;
  /// destroying the loop first destroys it: see ~binary_logger().
  void stop(ttrpc::loop& l, std::function<void()> done);

  /// The pipes: the container's write ends, the program's read ends (kept
  /// until the container exists, as the Go shim does, so that nothing written
  /// before gets EPIPE).
  struct pipes {
    unique_fd out_write, err_write, out_read, err_read;
  };
  binary_logger(std::unique_ptr<child_process> child, pipes p) noexcept;

 private:
  void exited();

  std::unique_ptr<child_process> child_;
  pipes pipes_;
  ttrpc::loop* loop_ = nullptr;
  std::uint64_t kill_timer_ = 0;
  std::function<void()> done_;
};

}  // namespace runcpp::shim
