/// @file
/// The whole OCI runtime-spec 1.3.0 config.json for Linux as a typed model,
/// spec::config, with lossless JSON in both directions, atomic load and save,
/// and runc's own default configs built in C++.
///
/// @code
///   auto cfg = runcpp::spec::load_config(bundle / "config.json");   // result<spec::config>
///   if (!cfg) return cfg.error();
///   cfg->process->args = {{"sh", "-c", "echo hi"}};
///   cfg->hostname = "web";
///   if (auto r = runcpp::spec::save_config(bundle / "config.json", *cfg); !r) return r.error();
/// @endcode
///
/// Conventions (the same as spec::process and spec::linux_resources in
/// <runcpp/spec.hpp>): field names are the JSON keys in snake_case, with the
/// exceptions noted beside the field; every field is a std::optional (absent
/// = not set; only set fields are written, a set false/0/"" included), so
/// no default is ever invented in the output; integers have the width and
/// signedness of the Go type in runtime-spec's specs-go (Go `uint` and
/// `os.FileMode` are 64 and 32 bits on Linux). Every struct that stands for a
/// JSON object has a `json_extras extras` member that keeps the members the
/// model does not know and the input key order (see json_extras): load, change
/// one field, save changes exactly that field.
///
/// Platform sections other than Linux (windows, solaris, vm, zos, freebsd) are
/// not modelled: they are kept verbatim in config::extras like any unknown key.
///
/// Thread-safety: plain value types; the functions are reentrant (no shared
/// state) and may be called from any number of threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/result.hpp>
#include <runcpp/spec.hpp>

namespace runcpp::spec {

/// A user or group id range mapped into a user namespace (Linux
/// "uidMappings"/"gidMappings", and the same on an idmapped mount).
struct id_mapping {
  std::optional<std::uint32_t> container_id{};  ///< "containerID": first id inside
  std::optional<std::uint32_t> host_id{};       ///< "hostID": first id outside
  std::optional<std::uint32_t> size{};          ///< number of ids
  json_extras extras{};                         ///< unknown members and key order, see json_extras
  friend bool operator==(const id_mapping&, const id_mapping&) = default;  ///< memberwise
};

/// "root": the container's root filesystem.
struct root {
  std::optional<std::string> path{};  ///< rootfs, absolute or relative to the bundle
  std::optional<bool> readonly{};     ///< mount it read-only
  json_extras extras{};               ///< unknown members and key order, see json_extras
  friend bool operator==(const root&, const root&) = default;  ///< memberwise
};

/// One entry of "mounts", mounted in order.
struct mount {
  std::optional<std::string> destination{};           ///< absolute path in the container
  std::optional<std::string> type{};                  ///< filesystem type, e.g. "proc", "bind"
  std::optional<std::string> source{};                ///< device, directory or "none"
  std::optional<std::vector<std::string>> options{};  ///< mount(8) options, e.g. "nosuid", "rbind", "idmap"
  std::optional<std::vector<id_mapping>>
      uid_mappings{};  ///< "uidMappings": idmapped mount (runtime-spec 1.1)
  std::optional<std::vector<id_mapping>> gid_mappings{};  ///< "gidMappings"
  json_extras extras{};                                   ///< unknown members and key order, see json_extras
  friend bool operator==(const mount&, const mount&) = default;  ///< memberwise
};

/// One hook: a program the runtime runs at a point of the lifecycle.
struct hook {
  std::optional<std::string> path{};               ///< absolute path of the program
  std::optional<std::vector<std::string>> args{};  ///< argv, argv[0] included
  std::optional<std::vector<std::string>> env{};   ///< "KEY=value"
  std::optional<std::int64_t> timeout{};           ///< seconds; Go int (64-bit); > 0
  json_extras extras{};                            ///< unknown members and key order, see json_extras
  friend bool operator==(const hook&, const hook&) = default;  ///< memberwise
};

/// "hooks": the lifecycle hooks, each list run in order.
struct hooks {
  std::optional<std::vector<hook>> prestart{};          ///< deprecated by the spec; still run by runc
  std::optional<std::vector<hook>> create_runtime{};    ///< "createRuntime"
  std::optional<std::vector<hook>> create_container{};  ///< "createContainer"
  std::optional<std::vector<hook>> start_container{};   ///< "startContainer"
  std::optional<std::vector<hook>> poststart{};         ///< after the user process started
  std::optional<std::vector<hook>> poststop{};          ///< after the container was deleted
  json_extras extras{};                                 ///< unknown members and key order, see json_extras
  friend bool operator==(const hooks&, const hooks&) = default;  ///< memberwise
};

/// One entry of "linux.namespaces".
struct linux_namespace {
  std::optional<std::string> type{};  ///< "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"
  std::optional<std::string> path{};  ///< join this namespace (e.g. /proc/1/ns/net) instead of making one
  json_extras extras{};               ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_namespace&, const linux_namespace&) = default;  ///< memberwise
};

/// One clock's offset in a new time namespace ("linux.timeOffsets" value).
struct linux_time_offset {
  std::optional<std::int64_t> secs{};       ///< seconds
  std::optional<std::uint32_t> nanosecs{};  ///< nanoseconds
  json_extras extras{};                     ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_time_offset&, const linux_time_offset&) = default;  ///< memberwise
};

/// One device node to create in the container ("linux.devices").
struct linux_device {
  std::optional<std::string> path{};  ///< e.g. "/dev/fuse"
  std::optional<std::string> type{};  ///< "c", "b", "u" or "p"
  /// @{
  /// Device numbers.
  std::optional<std::int64_t> major{}, minor{};
  /// @}
  std::optional<std::uint32_t> file_mode{};  ///< "fileMode": permission bits, e.g. 0666 (octal!)
  /// @{
  /// Owner of the node.
  std::optional<std::uint32_t> uid{}, gid{};
  /// @}
  json_extras extras{};  ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_device&, const linux_device&) = default;  ///< memberwise
};

/// One argument comparison of a seccomp syscall rule.
struct linux_seccomp_arg {
  std::optional<std::uint64_t> index{};      ///< argument number, 0..5 (Go uint)
  std::optional<std::uint64_t> value{};      ///< compared value
  std::optional<std::uint64_t> value_two{};  ///< "valueTwo": for SCMP_CMP_MASKED_EQ
  std::optional<std::string> op{};           ///< "SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ", ...
  json_extras extras{};                      ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_seccomp_arg&, const linux_seccomp_arg&) = default;  ///< memberwise
};

/// One seccomp rule: an action for some syscalls.
struct linux_syscall {
  std::optional<std::vector<std::string>> names{};       ///< syscall names
  std::optional<std::string> action{};                   ///< "SCMP_ACT_ERRNO", "SCMP_ACT_ALLOW", ...
  std::optional<std::uint64_t> errno_ret{};              ///< "errnoRet" (Go uint)
  std::optional<std::vector<linux_seccomp_arg>> args{};  ///< all must match
  json_extras extras{};                                  ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_syscall&, const linux_syscall&) = default;  ///< memberwise
};

/// "linux.seccomp": the system call filter.
struct linux_seccomp {
  std::optional<std::string> default_action{};              ///< "defaultAction"
  std::optional<std::uint64_t> default_errno_ret{};         ///< "defaultErrnoRet" (Go uint)
  std::optional<std::vector<std::string>> architectures{};  ///< "SCMP_ARCH_X86_64", ...
  std::optional<std::vector<std::string>> flags{};          ///< "SECCOMP_FILTER_FLAG_LOG", ...
  std::optional<std::string> listener_path{};               ///< "listenerPath": SCMP_ACT_NOTIFY agent socket
  std::optional<std::string> listener_metadata{};           ///< "listenerMetadata": passed to the agent
  std::optional<std::vector<linux_syscall>> syscalls{};     ///< rules, in order
  json_extras extras{};  ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_seccomp&, const linux_seccomp&) = default;  ///< memberwise
};

/// "linux.intelRdt": Intel Resource Director Technology (resctrl).
struct linux_intel_rdt {
  std::optional<std::string> clos_id{};                ///< "closID": resctrl group name
  std::optional<std::string> l3_cache_schema{};        ///< "l3CacheSchema", e.g. "L3:0=ffff"
  std::optional<std::string> mem_bw_schema{};          ///< "memBwSchema", e.g. "MB:0=70"
  std::optional<std::vector<std::string>> schemata{};  ///< resctrl schemata lines (runtime-spec 1.3)
  std::optional<bool> enable_monitoring{};             ///< "enableMonitoring" (runtime-spec 1.3)
  std::optional<bool> enable_cmt{};                    ///< "enableCMT" (before 1.3)
  std::optional<bool> enable_mbm{};                    ///< "enableMBM" (before 1.3)
  json_extras extras{};                                ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_intel_rdt&, const linux_intel_rdt&) = default;  ///< memberwise
};

/// "linux.personality": the execution domain, personality(2).
struct linux_personality {
  std::optional<std::string> domain{};              ///< "LINUX" or "LINUX32"
  std::optional<std::vector<std::string>> flags{};  ///< personality flags
  json_extras extras{};                             ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_personality&, const linux_personality&) = default;  ///< memberwise
};

/// A host network device to move into the container ("linux.netDevices"
/// value, runtime-spec 1.3).
struct linux_net_device {
  std::optional<std::string> name{};  ///< its name in the container; absent = the host name
  json_extras extras{};               ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_net_device&, const linux_net_device&) = default;  ///< memberwise
};

/// "linux.memoryPolicy": set_mempolicy(2) for the container (runtime-spec 1.3).
struct linux_memory_policy {
  std::optional<std::string> mode{};                ///< "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", ...
  std::optional<std::string> nodes{};               ///< NUMA node list, e.g. "0-3,7"
  std::optional<std::vector<std::string>> flags{};  ///< "MPOL_F_STATIC_NODES", ...
  json_extras extras{};                             ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_memory_policy&, const linux_memory_policy&) = default;  ///< memberwise
};

/// "linux": everything Linux-specific (`config-linux.md`; Go's type Linux,
/// which cannot be the C++ name: `linux` is a predefined macro in GNU C++
/// modes such as -std=gnu++20, CMake's default).
struct linux_config {
  std::optional<std::vector<linux_namespace>> namespaces{};  ///< namespaces to make or join
  std::optional<std::vector<id_mapping>> uid_mappings{};     ///< "uidMappings" (user namespace)
  std::optional<std::vector<id_mapping>> gid_mappings{};     ///< "gidMappings" (user namespace)
  std::optional<std::map<std::string, linux_time_offset>>
      time_offsets{};                                  ///< "timeOffsets": by clock, "boottime"/"monotonic"
  std::optional<std::vector<linux_device>> devices{};  ///< device nodes to create
  std::optional<std::string> cgroups_path{};           ///< "cgroupsPath"
  std::optional<linux_resources> resources{};          ///< cgroup limits (incl. "unified")
  std::optional<std::string>
      rootfs_propagation{};  ///< "rootfsPropagation": "private", "slave", "shared", "unbindable"
  std::optional<linux_seccomp> seccomp{};                      ///< system call filter
  std::optional<std::map<std::string, std::string>> sysctl{};  ///< e.g. {"net.ipv4.ip_forward", "1"}
  std::optional<std::vector<std::string>> masked_paths{};      ///< "maskedPaths"
  std::optional<std::vector<std::string>> readonly_paths{};    ///< "readonlyPaths"
  std::optional<std::string> mount_label{};                    ///< "mountLabel": SELinux context for mounts
  std::optional<linux_intel_rdt> intel_rdt{};                  ///< "intelRdt"
  std::optional<linux_personality> personality{};              ///< execution domain
  std::optional<std::map<std::string, linux_net_device>> net_devices{};  ///< "netDevices": by host name
  std::optional<linux_memory_policy> memory_policy{};                    ///< "memoryPolicy"
  json_extras extras{};  ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_config&, const linux_config&) = default;  ///< memberwise
};

/// A runtime-spec config.json (`config.md`, `config-linux.md`), version 1.3.0,
/// the Linux platform. Member types are spelled spec::x where the member has
/// the type's name.
struct config {
  std::optional<std::string> oci_version{};    ///< "ociVersion", e.g. "1.0.2-dev"; required by runc
  std::optional<spec::root> root{};            ///< root filesystem
  std::optional<std::vector<mount>> mounts{};  ///< in order
  std::optional<spec::process> process{};      ///< the container's process (<runcpp/spec.hpp>)
  std::optional<std::string> hostname{};       ///< needs a uts namespace
  std::optional<std::string> domainname{};     ///< needs a uts namespace
  std::optional<spec::hooks> hooks{};          ///< lifecycle hooks
  std::optional<std::map<std::string, std::string>> annotations{};  ///< arbitrary metadata
  std::optional<spec::linux_config> linux_config{};                 ///< "linux" (see spec::linux_config)
  json_extras extras{};  ///< unknown members (other platforms, newer keys) and key order, see json_extras

  friend bool operator==(const config&, const config&) = default;  ///< memberwise
};

/// How serialize_config() lays out the text.
enum class json_layout {
  compact,   ///< no whitespace at all
  indented,  ///< one member per line, tab-indented, as runc spec writes it (Go's MarshalIndent with "\t")
};

/// Parses a config.json. Unknown members at any depth are kept in the
/// enclosing struct's `extras`, with the input key order. A known key holding
/// null is the same as an absent one. With duplicate keys the last one wins.
/// Errors: errc::parse_error when the text is not JSON or not an object, or
/// when a known key has the wrong JSON type or an out-of-range number; the
/// message names the key by its path, e.g. `config JSON: key
/// "linux.seccomp.syscalls[3].args[0].index" is not an integer in [0,
/// 18446744073709551615]` (map keys in brackets: `linux.sysctl[net.ipv4.ip_forward]`).
/// Never blocks; never throws (except std::bad_alloc).
result<config> parse_config(std::string_view json);

/// The JSON text of `cfg`: the members in the order json_extras describes,
/// only set fields and the kept unknown members, std::map members by key.
/// Invalid UTF-8 in a string is replaced by U+FFFD. With json_layout::indented
/// and a model parsed from `runc spec` output, the text is byte-identical to
/// runc's (no trailing newline). Never fails; never throws (except std::bad_alloc).
std::string serialize_config(const config& cfg, json_layout layout = json_layout::indented);

/// Reads and parses the file at `path` (usually `BUNDLE/config.json`).
/// Errors: errc::io_error when the file cannot be opened or read (the
/// message names the path; error::cause() holds errno), and
/// errc::parse_error as parse_config(), the message naming the path.
/// Blocks on the file read; opens with O_CLOEXEC and closes before returning.
result<config> load_config(const std::filesystem::path& path);

/// Writes serialize_config(cfg, json_layout::indented) to `path` atomically:
/// to a new file in the same directory (".<name>.<random hex>", mode 0666
/// minus the umask, as runc spec writes config.json), fsync'ed, then
/// rename(2)d over `path`, and the directory fsync'ed; so a crash leaves
/// either the old file or the complete new one, never half a config.json.
/// The temporary file is removed on failure. A symlink at `path` is replaced,
/// not followed.
/// Errors: errc::io_error when the directory is not writable, the disk is
/// full, or any step fails (the message names the file and the step;
/// error::cause() holds errno). Blocks on the writes and the fsyncs; opens
/// every fd with O_CLOEXEC and closes it before returning.
result<void> save_config(const std::filesystem::path& path, const config& cfg);

/// What `runc spec` (runc 1.1) writes: ociVersion "1.0.2-dev", root "rootfs"
/// read-only, `sh` on a terminal as uid 0 with runc's default environment,
/// capabilities and RLIMIT_NOFILE 1024, hostname "runc", the proc, dev,
/// devpts, shm, mqueue, sysfs and cgroup mounts, the pid, network, ipc, uts
/// and mount namespaces, the deny-all device cgroup rule, and runc's masked
/// and read-only paths. Built in C++: no runc is run. Key order follows
/// runc's output, so serialize_config(default_config()) is byte-identical to
/// runc 1.1's config.json.
/// Never fails; never throws (except std::bad_alloc).
config default_config();

/// What `runc spec --rootless` (runc 1.1) writes: default_config() with a
/// user namespace (added after the others) mapping uid and gid 0 to the
/// calling process's effective uid and gid (geteuid(), getegid(); size 1),
/// no network namespace, no linux.resources, no uid= or gid= mount options
/// (so no "gid=5" on /dev/pts), and /sys bind-mounted from the host (type
/// "none", source "/sys", options rbind, nosuid, noexec, nodev, ro), exactly
/// as runc 1.1's specconv.ToRootless edits it.
/// Never fails; never throws (except std::bad_alloc).
config default_rootless_config();

}  // namespace runcpp::spec
