// Checkpoint and restore as containerd's runc shim does them (1.6:
// runtime/v2/runc/container.go Checkpoint, pkg/process/init.go checkpoint and
// createCheckpointedState): what a CheckpointTaskRequest or a Create with a
// checkpoint becomes in runcpp's checkpoint_options / restore_options, and the
// criu flags of the runtime Options. No process runs here; finish_checkpoint()
// touches files only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <runcpp/options.hpp>
#include <runcpp/result.hpp>

#include "proto.hpp"
#include "runtime_options.hpp"

namespace runcpp::shim {

/// A checkpoint to run: runc's options, and whether their work path is the
/// shim's own (removed afterwards) rather than one the request named (kept).
struct checkpoint_plan {
  runcpp::checkpoint_options options;
  bool own_work_path = false;
};

/// runc checkpoint's options for `req`, a container whose work directory is
/// `work_dir` (`<bundle>/work`, the link containerd makes to its persistent dir).
/// As the Go shim: image = req.path(); from containerd.runc.v1.CheckpointOptions
/// (the request's Any, optional): leave running unless `exit`, open_tcp,
/// external_unix_sockets, terminal (shell job), file_locks, empty_namespaces,
/// work_path (else `<work_dir>/criu-work`, own). Its image_path and cgroups_mode
/// are not used (containerd itself reads image_path). An Any of another type or
/// a malformed one: errc::invalid_argument.
runcpp::result<checkpoint_plan> plan_checkpoint(const task::CheckpointTaskRequest& req,
                                                const std::filesystem::path& work_dir);

/// runc restore's options for a Create with a checkpoint (Start restores): image =
/// `checkpoint`, work path = opts.criu_work_path() or `<bundle>/work`, pid file
/// `<bundle>/init.pid`, detached, no subreaper (the shim is the reaper), no_pivot
/// from opts. The caller adds the io and console socket.
runcpp::restore_options plan_restore(const std::string& checkpoint, const std::filesystem::path& bundle,
                                     const runtime_options& opts);

/// runc's global flags for criu from the runtime Options: `--criu <criu_path>`
/// when set (go-runc's Runc.Criu), else none.
std::vector<std::string> criu_flags(const runtime_options& opts);

/// After runc checkpoint ended with `outcome`: removes an own work path; when it
/// failed, first copies criu's `<work path>/dump.log` to `<bundle>/criu-dump.log`
/// and returns the Go shim's message: the first line of runc's error, " path= ",
/// that copy. Returns "" after a success. Touches files only; never fails.
std::string finish_checkpoint(const checkpoint_plan& plan, const std::filesystem::path& bundle,
                              const runcpp::result<void>& outcome);

}  // namespace runcpp::shim
