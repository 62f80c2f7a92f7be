// A container process's stdio as containerd hands it over: paths of fifos the
// client (ctr, CRI) created, a terminal, or a log URI in stdout (log_uri.hpp).
//  - stdout/stderr fifos: opened for writing and given to runc (and so to the
//    container) as they are, no copy; a read end is kept open so that the
//    container never gets EPIPE when the client goes away (the Go shim does the same).
//  - stdin fifo: opened O_RDONLY|O_NONBLOCK and copied by a pump into a pipe
//    whose read end is the container's stdin; EOF on the fifo or CloseIO closes it.
//  - terminal: runc sends the pty master over a console socket; one pump copies
//    the master to the stdout fifo, another the stdin fifo to the master.
//  - `binary://`: a logging program gets the container's stdout and stderr
//    pipes (binary_logger.hpp); the container's stdin is /dev/null.
//  - `file://`: the file (and its directory, 0755) is created (0644) if needed,
//    and the loop appends the container's stdout and stderr pipes to it; stdin
//    as for fifos. Both as containerd's Go shim; a terminal with a URI is refused.
// A process's exit is reported only once its output reached the client
// (when_drained): ctr 1.6 closes its fifos as soon as it has the exit status, and
// what it had not read by then is lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <runcpp/fd.hpp>
#include <runcpp/io.hpp>
#include <runcpp/socket.hpp>
#include <runcpp/ttrpc/loop.hpp>

#include "binary_logger.hpp"
#include "log_uri.hpp"
#include "pump.hpp"

namespace runcpp::shim {

/// Owner given to the stdio the container gets (runc Options io_uid/io_gid), so
/// that a process of another uid (a user namespace's root) can reopen it through
/// /proc/self/fd (`echo > /dev/stdout`). The Go shim chowns the pipes it makes.
struct stdio_owner {
  unsigned uid = 0;
  unsigned gid = 0;
};

/// The stdio paths of a Create or Exec request.
struct stdio_paths {
  std::string in, out, err;
  bool terminal = false;
};

class process_stdio {
 public:
  /// Opens the fifos (and the console socket for a terminal), or starts the
  /// logging program of a binary:// URI with `spawner` for `who`. Returns "" or
  /// the one-line reason. Blocks on opening files the client already created,
  /// and until the logging program is ready (binary_logger::ready_limit).
  /// Without a terminal, `owner` becomes the owner of the stdin pipe and, when it
  /// is not root's 0:0, of the stdout/stderr fifos (the container writes into
  /// them directly; the Go shim's copy pipes get it). A pty is left alone (as Go does).
  std::string open(const stdio_paths& paths, process_monitor& spawner, const logger_identity& who,
                   stdio_owner owner = {});
  /// For runc's create/exec options.
  std::shared_ptr<runcpp::io> runc_io() const;
  runcpp::console_socket* console_socket() const noexcept { return console_socket_.get(); }

  process_stdio() = default;
  ~process_stdio();
  process_stdio(const process_stdio&) = delete;
  process_stdio& operator=(const process_stdio&) = delete;

  /// After runc created the process: closes the container's ends held here,
  /// receives the pty master (terminal) and starts the pumps on `l` (terminal,
  /// file://), which must outlive this object. Returns "" or the reason.
  std::string started(ttrpc::loop& l);
  /// Whether the process has output that when_drained() waits for.
  bool waits_for_output() const noexcept { return !paths_.out.empty() || !paths_.err.empty(); }
  /// After the process exited: runs `done` once, on the loop, at once if possible,
  /// when its output reached the client: the copies (terminal, file://) ended and
  /// the client read the stdout/stderr fifos empty (FIONREAD on the read ends kept
  /// here). Or when nothing moved for 2 s (the client went away, a leftover process
  /// holds the terminal), and at the latest after 30 s. Polls every 20 ms meanwhile;
  /// close() or the destructor cancels it. Not thread-safe (the loop's thread).
  void when_drained(std::function<void()> done);

  /// Closes every fd and stops the copies (the process failed to start): the
  /// client's readers see EOF. A logging program is killed.
  void close() noexcept;
  /// Delete: closes every fd; `done` runs on `l` once a logging program has
  /// exited (binary_logger::stop), else at once.
  void release(ttrpc::loop& l, std::function<void()> done);
  /// CloseIO: the container's stdin reaches EOF once what was read is written.
  void close_stdin();
  /// ResizePty. Returns "" or the reason (no terminal, ioctl failure).
  std::string resize(unsigned rows, unsigned cols) const;
  const stdio_paths& paths() const noexcept { return paths_; }

 private:
  std::string open_file(const std::string& path);
  void start_file_copies(ttrpc::loop& l);

  stdio_paths paths_;
  unique_fd out_write_, err_write_;  ///< the container's stdout/stderr, closed after start (fifos)
  unique_fd out_keep_, err_keep_;    ///< read ends kept open while the process lives (fifos)
  unique_fd out_read_, err_read_;    ///< file://: the pipes' read ends, copied into file_
  unique_fd file_;                   ///< file://: opened O_APPEND, shared by both copies
  std::shared_ptr<binary_logger> logger_;
  unique_fd in_fifo_;  ///< the stdin fifo (read end)
  unique_fd in_pipe_read_, in_pipe_write_;
  std::unique_ptr<runcpp::console_socket> console_socket_;
  std::optional<runcpp::console> console_;
  std::unique_ptr<pump> in_pump_, out_pump_, err_pump_;

  void check_drained();
  std::uint64_t copied() const noexcept;  ///< bytes the pumps wrote so far
  void cancel_drain() noexcept;
  ttrpc::loop* loop_ = nullptr;
  std::function<void()> drained_;
  std::uint64_t drain_timer_ = 0;
  std::uint64_t seen_written_ = 0, seen_unread_ = 0;  ///< what moved at the last poll
  std::chrono::steady_clock::time_point idle_since_, give_up_at_;
};

}  // namespace runcpp::shim
