// Internal: starting a prepared spawn_request. Shared by every process_monitor.
#pragma once

#include <runcpp/process_monitor.hpp>
#include <runcpp/result.hpp>

namespace runcpp::detail {

// Spawns `req` and returns the child's pid; the caller owns reaping it.
// posix_spawn with: fds placed in two steps (a source below the number of
// targets is first copied above them, so no dup2 clobbers it), every other fd
// closed, the signal mask emptied and every disposition reset, optional
// process group and work dir. A fork path is used only for pdeath_signal
// (async-signal-safe child code).
// Errors: errc::spawn_failed with the errno as cause().
result<int> spawn_process(const spawn_request& req);

// Fails when this process ignores SIGCHLD (SIG_IGN or SA_NOCLDWAIT): then the
// kernel reaps every child at exit and nobody can learn its status (a child
// started without an exit signal is spared, but exec gives it SIGCHLD back).
// Reads the disposition only: the program's dispositions are its own.
// Errors: errc::spawn_failed naming the cause and the fix, ECHILD as cause().
result<void> check_sigchld_reaps();

}  // namespace runcpp::detail
