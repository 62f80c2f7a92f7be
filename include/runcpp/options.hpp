/// @file
/// One options aggregate per runc subcommand (go-runc: *Opts). Every field maps
/// to one runc flag; extra_args are appended after the generated flags, before
/// the positional arguments. Use designated initializers in declaration order:
/// @code
///   client.create("web", bundle, {.pid_file = "/run/web.pid", .no_pivot = true});
/// @endcode
///
/// fd ownership: extra_files and status_fd are borrowed; they must stay open
/// until the call has started runc (runcpp places copies at fds 3, 4, ... in
/// runc and never closes the caller's fds). Sockets are borrowed too and must
/// outlive the call.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <runcpp/io.hpp>

namespace runcpp {

class console_socket;
class pidfd_socket;

/// runc create `<id>`: --bundle, --pid-file, --console-socket, --pidfd-socket,
/// --no-pivot, --no-new-keyring, --preserve-fds. runc's create has no --detach.
struct create_options {
  std::shared_ptr<runcpp::io> io{};          ///< null = null_io()
  std::filesystem::path pid_file{};          ///< --pid-file (made absolute)
  runcpp::console_socket* console_socket{};  ///< --console-socket (config.json must say terminal: true)
  runcpp::pidfd_socket* pidfd_socket{};      ///< --pidfd-socket (runc >= 1.2)
  bool no_pivot = false;                     ///< --no-pivot
  bool no_new_keyring = false;               ///< --no-new-keyring
  std::vector<int> extra_files{};            ///< fds 3.. in the container; --preserve-fds N
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

/// runc run `<id>`: create's flags plus --detach, --keep, --no-subreaper.
struct run_options {
  std::shared_ptr<runcpp::io> io{};          ///< null = null_io()
  std::filesystem::path pid_file{};          ///< --pid-file (made absolute)
  runcpp::console_socket* console_socket{};  ///< --console-socket (needs detach and terminal: true)
  runcpp::pidfd_socket* pidfd_socket{};      ///< --pidfd-socket (runc >= 1.2)
  bool no_pivot = false;                     ///< --no-pivot
  bool no_new_keyring = false;               ///< --no-new-keyring
  bool detach = false;                       ///< --detach
  bool keep = false;                         ///< --keep (do not delete the container after it exits)
  bool no_subreaper = false;                 ///< --no-subreaper
  std::vector<int> extra_files{};            ///< --preserve-fds N
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

/// runc exec --process `<file>` `<id>`. The process itself (args, env, cwd, user,
/// terminal, capabilities, ...) is the spec::process argument.
struct exec_options {
  std::shared_ptr<runcpp::io> io{};          ///< null = null_io()
  std::filesystem::path pid_file{};          ///< --pid-file (made absolute)
  runcpp::console_socket* console_socket{};  ///< --console-socket (needs detach and terminal)
  runcpp::pidfd_socket* pidfd_socket{};      ///< --pidfd-socket (runc >= 1.2)
  bool detach = false;                       ///< --detach
  std::vector<int> extra_files{};            ///< --preserve-fds N
  std::string cgroup{};                      ///< --cgroup [controller[,controller]:]path (runc >= 1.1)
  bool ignore_paused = false;                ///< --ignore-paused (runc >= 1.1.0)
  std::filesystem::path log_file{};          ///< this call's --log (replaces config::log)
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

/// runc delete [--force] `<id>`
struct delete_options {
  bool force = false;  ///< --force: delete even a running container (SIGKILLs it first)
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

/// runc kill [--all] `<id>` `<signal>`. --all is obsolete since runc 1.2 but accepted.
struct kill_options {
  bool all = false;  ///< --all: signal every process of the container
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

/// runc update --resources=- `<id>`, with the resources as JSON on stdin.
struct update_options {
  std::string l3_cache_schema{};  ///< --l3-cache-schema (Intel RDT CAT)
  std::string mem_bw_schema{};    ///< --mem-bw-schema (Intel RDT MBA)
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

/// --manage-cgroups-mode; none emits no flag. ignore needs runc >= 1.2 (older
/// runc and criu refuse it); the others are in runc 1.1.
enum class cgroups_mode { none, soft, full, strict, ignore };

/// runc checkpoint `<id>` (criu). Every flag of runc 1.1-1.5.
struct checkpoint_options {
  std::filesystem::path image_path{};   ///< --image-path
  std::filesystem::path work_path{};    ///< --work-path (go-runc: WorkDir)
  std::filesystem::path parent_path{};  ///< --parent-path (checkpoint only)
  bool leave_running = false;           ///< --leave-running (go-runc: the LeaveRunning action)
  bool tcp_established = false;         ///< --tcp-established (go-runc: AllowOpenTCP)
  bool tcp_skip_in_flight = false;      ///< --tcp-skip-in-flight (runc >= 1.3)
  bool link_remap = false;              ///< --link-remap (runc >= 1.3)
  bool ext_unix_sk = false;             ///< --ext-unix-sk (go-runc: AllowExternalUnixSockets)
  bool shell_job = false;               ///< --shell-job (go-runc: AllowTerminal)
  bool lazy_pages = false;              ///< --lazy-pages
  int status_fd = -1;                   ///< borrowed; becomes fd 3 in runc: --status-fd 3
  std::string page_server{};            ///< --page-server addr:port (go-runc: CriuPageServer)
  bool file_locks = false;              ///< --file-locks
  bool pre_dump = false;                ///< --pre-dump (go-runc: the PreDump action)
  cgroups_mode manage_cgroups_mode = cgroups_mode::none;  ///< --manage-cgroups-mode
  std::vector<std::string> empty_ns{};                    ///< --empty-ns `<ns>`, repeated
  bool auto_dedup = false;                                ///< --auto-dedup
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

/// runc restore --bundle `<bundle>` `<id>`. Only flags runc's restore accepts: no
/// checkpoint-only flag (parent_path, leave_running, pre_dump, page_server,
/// status_fd, tcp_skip_in_flight, link_remap) can reach it.
struct restore_options {
  std::shared_ptr<runcpp::io> io{};                       ///< null = null_io()
  std::filesystem::path image_path{};                     ///< --image-path
  std::filesystem::path work_path{};                      ///< --work-path
  bool tcp_established = false;                           ///< --tcp-established
  bool ext_unix_sk = false;                               ///< --ext-unix-sk
  bool shell_job = false;                                 ///< --shell-job
  bool file_locks = false;                                ///< --file-locks
  cgroups_mode manage_cgroups_mode = cgroups_mode::none;  ///< --manage-cgroups-mode
  std::vector<std::string> empty_ns{};                    ///< --empty-ns `<ns>`, repeated
  bool auto_dedup = false;                                ///< --auto-dedup
  bool lazy_pages = false;                                ///< --lazy-pages
  bool detach = false;                                    ///< --detach
  std::filesystem::path pid_file{};                       ///< --pid-file (made absolute)
  runcpp::console_socket* console_socket{};               ///< --console-socket
  bool no_pivot = false;                                  ///< --no-pivot
  bool no_subreaper = false;                              ///< --no-subreaper (two dashes; go-runc sends one)
  std::string lsm_profile{};                              ///< --lsm-profile type:label
  std::string lsm_mount_context{};                        ///< --lsm-mount-context
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

/// runc spec --bundle `<dir>` [--rootless]
struct spec_options {
  bool rootless = false;  ///< --rootless: write a spec for a rootless container
  std::vector<std::string>
      extra_args{};  ///< more flags, appended after the generated ones and before the positional arguments
};

}  // namespace runcpp
