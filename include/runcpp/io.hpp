// File: runcpp/io.hpp
// What runc (and, for create/run/exec/restore, the container process) gets as
// stdin, stdout and stderr (go-runc: IO).
//
// With these IO kinds runc's own error message cannot be read from its stderr,
// so runcpp reads it from runc's log (config::log, or a private per-call log file
// it adds when config::log is empty; see client.hpp).
#pragma once

#include <memory>

namespace runcpp {

// The three fds runc receives as 0, 1 and 2. A value of -1 means "/dev/null".
// The fds are borrowed: they stay owned by the io object and must stay open
// until the call that uses them has started runc.
struct stdio_fds {
  int in = -1;
  int out = -1;
  int err = -1;
};

// Interface for an IO provider. Implementations must be safe to use from the
// thread that makes the call; runcpp calls child_fds() once before spawning
// runc and close_after_start() once right after runc started (or failed to).
class io {
 public:
  virtual ~io() = default;
  // The fds runc should see as 0, 1, 2 (borrowed).
  virtual stdio_fds child_fds() const = 0;
  // Close the library-side copies of the child ends so that readers see EOF
  // when the container closes them. Called for every command that uses the io.
  virtual void close_after_start() noexcept {}
};

// /dev/null (opened read-write, unlike go-runc's read-only NewNullIO) for all
// three streams. This is also what a call gets when no io is given.
std::shared_ptr<io> null_io();

// The calling process's own fds 0, 1, 2 (go-runc: NewSTDIO). Never closes them.
std::shared_ptr<io> inherit_io();

}  // namespace runcpp
