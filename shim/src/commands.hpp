// The three ways the shim binary runs (see flags.hpp): `start` (prints the
// socket address and leaves the daemon), `delete` (cleanup after a shim that is
// gone) and the daemon itself.
#pragma once

#include "flags.hpp"

namespace runcpp::shim {

/// `start`: cwd is the bundle. Listens on the group's socket (or finds a live
/// daemon there), re-executes this binary as the daemon with the listener as fd 3
/// in a new session with /dev/null as stdio, writes the bundle's `address` file
/// and prints only the address on fd `out`. A new daemon goes into the runc Options'
/// shim_cgroup read from fd `in` (containerd's Any, or nothing; read to EOF) and gets
/// oom_score_adj = containerd's + 1. Returns the exit code; errors go to fd `err`.
int run_start(const flags& f, int in, int out, int err);

/// `delete`: runc delete --force, unmount the rootfs, print a DeleteResponse
/// {pid of init.pid, 137, now} on fd `out` (errors on fd `err`). Succeeds when
/// everything is already gone.
int run_delete(const flags& f, int out, int err);

/// The daemon: serves containerd.task.v2.Task on fd 3 until Shutdown. Blocks.
int run_daemon(const flags& f);

}  // namespace runcpp::shim
