/// @file
/// Client configuration (go-runc: type Runc struct). Global flags are emitted in
/// go-runc's order:
/// @code
///   <command> [--root R] [--debug] [--log L] [--log-format F] [--systemd-cgroup]
///             [--rootless=true|false] [extra_args...] <subcommand ...>
/// @endcode
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <runcpp/process_monitor.hpp>

namespace runcpp {

/// runc's --log-format: none emits no flag (runc's default, text).
enum class log_format { none, text, json };
/// go-runc's *bool Rootless: automatic emits no flag.
enum class rootless_mode { automatic, enabled, disabled };

/// How a client runs the runtime (go-runc: type Runc). Every field maps to a global flag
/// of runc or to how runcpp spawns it. A plain value; the client keeps its own copy.
struct config {
  /// Binary name (looked up in the PATH runc will see) or a path. Also argv[0].
  std::string command = "runc";
  std::filesystem::path root{};                      ///< --root
  std::filesystem::path log{};                       ///< --log
  std::filesystem::path work_dir{};                  ///< runc's cwd; empty = inherit; missing: spawn_failed
  runcpp::log_format log_format = log_format::none;  ///< --log-format
  bool debug = false;                                ///< --debug
  bool systemd_cgroup = false;                       ///< --systemd-cgroup
  /// Put runc in its own process group, so signals sent to the caller's group
  /// (e.g. Ctrl-C in a shell) do not reach it, and stop_policy signals the group.
  bool setpgid = false;
  rootless_mode rootless = rootless_mode::automatic;  ///< --rootless=true|false
  /// Signal runc gets when the *thread* that spawned it exits (PR_SET_PDEATHSIG
  /// semantics). 0 = none. Uses a fork path instead of posix_spawn.
  int pdeath_signal = 0;
  std::vector<std::string> extra_args{};       ///< global flags appended before the subcommand
  std::vector<std::string> extra_env{};        ///< KEY=VALUE, last one wins
  std::shared_ptr<process_monitor> monitor{};  ///< null = make_pidfd_monitor()
  /// Output caps. Output past a cap is read and discarded (runc never blocks on
  /// a full pipe); a command whose stdout was cut returns errc::parse_error.
  std::size_t max_stdout = std::size_t{8} << 20;   ///< 8 MiB
  std::size_t max_stderr = std::size_t{64} << 10;  ///< 64 KiB
};

}  // namespace runcpp
