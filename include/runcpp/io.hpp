/// @file
/// What runc (and, for create/run/exec/restore, the container process) gets as
/// stdin, stdout and stderr (go-runc: IO).
///
/// With these IO kinds runc's own error message cannot be read from its stderr,
/// so runcpp reads it from runc's log (config::log, or a private per-call log file
/// it adds when config::log is empty; see client.hpp).
#pragma once

#include <memory>

#include <runcpp/fd.hpp>
#include <runcpp/result.hpp>

namespace runcpp {

/// The three fds runc receives as 0, 1 and 2. A value of -1 means "/dev/null".
/// The fds are borrowed: they stay owned by the io object and must stay open
/// until the call that uses them has started runc.
struct stdio_fds {
  int in = -1;   ///< runc's stdin
  int out = -1;  ///< runc's stdout
  int err = -1;  ///< runc's stderr
};

/// Interface for an IO provider. Implementations must be safe to use from the
/// thread that makes the call; runcpp calls child_fds() once before spawning
/// runc and close_after_start() once right after runc started (or failed to),
/// or, when the call ends before runc was tried (a stop request or deadline
/// that came first, runc not found), before it returns. Only a call refused
/// for its arguments (e.g. an invalid container id) leaves the io untouched.
class io {
 public:
  virtual ~io() = default;
  /// The fds runc should see as 0, 1, 2 (borrowed).
  virtual stdio_fds child_fds() const = 0;
  /// Close the library-side copies of the child ends so that readers see EOF
  /// when the container closes them. Called for every command that uses the io.
  virtual void close_after_start() noexcept {}
};

/// Which streams pipe_io creates (go-runc: IOOption). Streams not opened are
/// /dev/null for runc and the container.
struct pipe_options {
  bool open_stdin = true;   ///< a pipe for stdin (else /dev/null)
  bool open_stdout = true;  ///< a pipe for stdout (else /dev/null)
  bool open_stderr = true;  ///< a pipe for stderr (else /dev/null)
};

/// Pipes between the caller and the container (go-runc: NewPipeIO).
///
/// fd ownership: pipe_io owns both ends of each pipe. The container-side ends
/// (stdin's read end, stdout's and stderr's write ends) are closed by the call
/// that uses the io right after runc started, so the caller sees EOF on
/// stdout/stderr once the container (and anything it spawned) closed them. The
/// caller-side ends stay owned by pipe_io until taken with take_*() or until
/// pipe_io is destroyed. All fds are close-on-exec.
///
/// Thread-safety: not thread-safe; do not use it from two calls at once. Reading
/// and writing the caller-side fds from other threads is fine.
class pipe_io final : public io {
 public:
  /// Creates the pipes and fchowns the container-side ends to uid:gid (-1 keeps
  /// the owner or group; needed when the container runs as another user, e.g.
  /// in a user namespace, and reopens /proc/self/fd/N).
  /// Errors: errc::io_error (pipe2 or fchown failed; cause() is the errno).
  static result<std::shared_ptr<pipe_io>> create(int uid = -1, int gid = -1, pipe_options opts = {});

  /// @{
  /// Caller-side ends (borrowed; still owned by pipe_io), -1 when the stream was not
  /// opened or was taken.
  int stdin_fd() const noexcept { return stdin_.write.get(); }   // write to the container
  int stdout_fd() const noexcept { return stdout_.read.get(); }  // read from the container
  int stderr_fd() const noexcept { return stderr_.read.get(); }
  /// @}
  /// @{
  /// Transfer ownership of a caller-side end; afterwards the *_fd() getter returns -1.
  unique_fd take_stdin() noexcept { return std::move(stdin_.write); }
  unique_fd take_stdout() noexcept { return std::move(stdout_.read); }
  unique_fd take_stderr() noexcept { return std::move(stderr_.read); }
  /// @}
  /// Closes the caller's stdin end: the container reads EOF.
  void close_stdin() noexcept { stdin_.write.reset(); }

  stdio_fds child_fds() const override;
  void close_after_start() noexcept override;

  /// One pipe's two ends.
  struct ends {
    /// @{
    /// The read and the write end.
    unique_fd read, write;
    /// @}
  };
  /// Adopts three pipes (empty ends mean /dev/null); create() is the usual way.
  pipe_io(ends in, ends out, ends err) noexcept
      : stdin_(std::move(in)), stdout_(std::move(out)), stderr_(std::move(err)) {}

 private:
  ends stdin_, stdout_, stderr_;
};

/// Caller-owned fds for runc's (and the container's) stdin, stdout and stderr;
/// -1 means /dev/null. The fds are borrowed: they must stay open until the call
/// has started runc; runcpp never closes them.
std::shared_ptr<io> fd_io(int in, int out, int err);

/// /dev/null (opened read-write, unlike go-runc's read-only NewNullIO) for all
/// three streams. This is also what a call gets when no io is given.
std::shared_ptr<io> null_io();

/// The calling process's own fds 0, 1, 2 (go-runc: NewSTDIO). Never closes them.
std::shared_ptr<io> inherit_io();

}  // namespace runcpp
