/// @file
/// Typed models of the two OCI runtime-spec (1.2) objects that runc reads from
/// a file on its command line, with JSON in both directions (the whole
/// config.json is spec::config, in <runcpp/spec_config.hpp>):
///
/// @code
///   spec::process          `runc exec --process process.json`  (config.md "process")
///   spec::linux_resources  `runc update --resources r.json`    (config-linux.md "resources")
/// @endcode
///
/// Field names are the JSON keys in snake_case ("noNewPrivileges" ->
/// no_new_privileges); the few exceptions are noted beside the field. Every
/// field is a std::optional: absent means "not set", and to_json writes only
/// the fields that hold a value, so a model read from JSON and written back
/// keeps its absent keys absent (a present field is written even when it holds
/// false, 0 or "", unlike Go's omitempty). Integer fields have the exact width
/// and signedness of the Go type in runtime-spec's specs-go/config.go.
///
/// @code
///   runcpp::spec::process p{
///       .user = {{.uid = 0, .gid = 0}},
///       .args = {{"sh", "-c", "echo hi"}},
///       .cwd = "/",
///   };
///   std::string json = runcpp::spec::to_json(p);
///   // {"user":{"uid":0,"gid":0},"args":["sh","-c","echo hi"],"cwd":"/"}
/// @endcode
///
/// Thread-safety: these are plain value types; the functions below are pure
/// (no shared state) and may be called from any number of threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <runcpp/result.hpp>

namespace runcpp::spec {

/// A JSON value held as text: what the model keeps of a member it does not
/// know. Always valid JSON, in compact form (no insignificant whitespace):
/// make one with raw_json::parse(). Default: `null`.
class raw_json {
 public:
  raw_json() = default;
  /// Checks that `text` is one JSON value (the parser's rules: no NUL byte,
  /// valid UTF-8) and keeps it in compact form. Integers keep every digit
  /// that fits int64/uint64; other numbers are kept as the nearest double.
  /// Errors: errc::parse_error when `text` is not one JSON value.
  /// Never throws (except std::bad_alloc).
  static result<raw_json> parse(std::string_view text);
  /// The compact JSON text, e.g. `{"a":[1,2]}`.
  const std::string& text() const noexcept { return text_; }
  friend bool operator==(const raw_json&, const raw_json&) = default;  ///< same compact text

 private:
  explicit raw_json(std::string compact) : text_(std::move(compact)) {}
  std::string text_ = "null";
};

/// One member of a JSON object that the model has no field for (a key of a
/// newer runtime-spec, a vendor extension).
struct unknown_member {
  std::string key;  ///< the member's name as read
  raw_json value;   ///< its value
  friend bool operator==(const unknown_member&, const unknown_member&) = default;  ///< memberwise
};

/// What makes a read-modify-write round trip lossless: every model struct
/// that stands for a JSON object carries one, named `extras`.
///
/// Reading fills `unknown` with the members the struct has no field for, in
/// input order (with a duplicated key, the last value, where the key first
/// appeared), and `key_order` with every key of the object in input order
/// (each once). A known key holding null reads as absent and is not kept
/// (as in Go). Writing emits the keys of `key_order` in that order (a known
/// field when it holds a value, else the unknown member of that name, if
/// any); a set field that `key_order` does not name goes right after the last
/// `key_order` field declared before it in runtime-spec's own order (specs-go's
/// field order), or first if there is none; the `unknown` members that
/// `key_order` does not name come last. So "load, change one field, save"
/// changes exactly that field, a newly set field lands beside its
/// neighbours, and a model built in code is written in specs-go's order. An
/// `unknown` member whose key names a field that holds a value is not
/// written (the field wins).
struct json_extras {
  std::vector<unknown_member> unknown{};  ///< members without a field, input order
  std::vector<std::string> key_order{};   ///< output order of the keys; formatting only
  /// Compares `unknown` only: key order is formatting, not value.
  friend bool operator==(const json_extras& a, const json_extras& b) noexcept {
    return a.unknown == b.unknown;
  }
};

/// runtime-spec Process (`config.md#process`, `config-linux.md` for the Linux-only
/// members). runc exec requires `args` (non-empty) and an absolute `cwd`, and
/// it takes `user` as given (absent = uid 0, gid 0); this model does not
/// enforce that, runc does.
struct process {
  /// "consoleSize": the initial terminal size in characters; ignored unless
  /// terminal is true. Go: uint (64-bit on Linux).
  struct box_t {
    /// @{
    /// Rows and columns.
    std::optional<std::uint64_t> height{}, width{};
    /// @}
    json_extras extras{};  ///< unknown members and key order, see json_extras
    friend bool operator==(const box_t&, const box_t&) = default;  ///< memberwise
  };
  /// The user the process runs as.
  struct user_t {
    /// @{
    /// User and group id in the container.
    std::optional<std::uint32_t> uid{}, gid{};
    /// @}
    std::optional<std::uint32_t> umask{};                         ///< e.g. 022 (octal!)
    std::optional<std::vector<std::uint32_t>> additional_gids{};  ///< "additionalGids"
    std::optional<std::string> username{};                        ///< Windows only
    json_extras extras{};  ///< unknown members and key order, see json_extras
    friend bool operator==(const user_t&, const user_t&) = default;  ///< memberwise
  };
  /// Capability names as the kernel spells them: "CAP_CHOWN", ...
  struct capabilities_t {
    /// @{
    /// The five capability sets.
    std::optional<std::vector<std::string>> bounding{}, effective{}, inheritable{}, permitted{}, ambient{};
    /// @}
    json_extras extras{};  ///< unknown members and key order, see json_extras
    friend bool operator==(const capabilities_t&, const capabilities_t&) = default;  ///< memberwise
  };
  /// One setrlimit(2) limit.
  struct rlimit_t {
    std::optional<std::string> type{};  ///< "RLIMIT_NOFILE", ...
    /// @{
    /// The hard and soft limit.
    std::optional<std::uint64_t> hard{}, soft{};
    /// @}
    json_extras extras{};  ///< unknown members and key order, see json_extras
    friend bool operator==(const rlimit_t&, const rlimit_t&) = default;  ///< memberwise
  };
  /// sched_setattr(2) attributes.
  struct scheduler_t {
    std::optional<std::string> policy{};  ///< "SCHED_OTHER", "SCHED_FIFO", ..., "SCHED_DEADLINE"
    /// @{
    /// Nice value (SCHED_OTHER, SCHED_BATCH) and static priority (SCHED_FIFO, SCHED_RR).
    std::optional<std::int32_t> nice{}, priority{};
    /// @}
    std::optional<std::vector<std::string>> flags{};  ///< "SCHED_FLAG_RESET_ON_FORK", ...
    /// @{
    /// SCHED_DEADLINE runtime, deadline and period, in nanoseconds.
    std::optional<std::uint64_t> runtime{}, deadline{}, period{};
    /// @}
    json_extras extras{};  ///< unknown members and key order, see json_extras
    friend bool operator==(const scheduler_t&, const scheduler_t&) = default;  ///< memberwise
  };
  /// ioprio_set(2) for the process group.
  struct io_priority_t {
    std::optional<std::string> io_class{};  ///< "class": "IOPRIO_CLASS_RT" | "_BE" | "_IDLE"
    std::optional<int> priority{};          ///< 0 (highest) .. 7 (lowest)
    json_extras extras{};                   ///< unknown members and key order, see json_extras
    friend bool operator==(const io_priority_t&, const io_priority_t&) = default;  ///< memberwise
  };
  /// CPU lists such as "0-3,7" (runtime-spec 1.2; runc >= 1.2 honours it).
  struct cpu_affinity_t {
    std::optional<std::string> initial{};  ///< before joining the container's cgroup
    std::optional<std::string> final{};    ///< after joining it
    json_extras extras{};                  ///< unknown members and key order, see json_extras
    friend bool operator==(const cpu_affinity_t&, const cpu_affinity_t&) = default;  ///< memberwise
  };

  std::optional<bool> terminal{};                     ///< attach a pty (needs a console socket)
  std::optional<box_t> console_size{};                ///< "consoleSize"
  std::optional<user_t> user{};                       ///< uid, gid, umask, additional groups
  std::optional<std::vector<std::string>> args{};     ///< the command and its arguments; required by runc
  std::optional<std::string> command_line{};          ///< "commandLine" (Windows only)
  std::optional<std::vector<std::string>> env{};      ///< "KEY=value"
  std::optional<std::string> cwd{};                   ///< working directory; absolute, required by runc
  std::optional<capabilities_t> capabilities{};       ///< capability sets
  std::optional<std::vector<rlimit_t>> rlimits{};     ///< resource limits
  std::optional<bool> no_new_privileges{};            ///< "noNewPrivileges"
  std::optional<std::string> apparmor_profile{};      ///< "apparmorProfile"
  std::optional<int> oom_score_adj{};                 ///< "oomScoreAdj", -1000 .. 1000
  std::optional<scheduler_t> scheduler{};             ///< scheduling policy (runtime-spec 1.2)
  std::optional<std::string> selinux_label{};         ///< "selinuxLabel"
  std::optional<io_priority_t> io_priority{};         ///< "ioPriority"
  std::optional<cpu_affinity_t> exec_cpu_affinity{};  ///< "execCPUAffinity"

  json_extras extras{};  ///< unknown members and key order, see json_extras
  friend bool operator==(const process&, const process&) = default;  ///< memberwise
};

/// runtime-spec LinuxResources (`config-linux.md#control-groups`). For
/// `runc update --resources`, runc applies what is present; note that runc
/// reads this object, not a whole config.json.
struct linux_resources {
  /// One rule of the device cgroup allowlist.
  struct device_t {
    /// Required by the spec and always written; a rule read without "allow"
    /// (or with null) is a deny rule, as in Go.
    bool allow{};
    std::optional<std::string> type{};  ///< "a" (all), "c" or "b"
    /// @{
    /// Device numbers; absent = any ("*").
    std::optional<std::int64_t> major{}, minor{};
    /// @}
    std::optional<std::string> access{};  ///< some of "rwm"
    json_extras extras{};                 ///< unknown members and key order, see json_extras
    friend bool operator==(const device_t&, const device_t&) = default;  ///< memberwise
  };
  /// Memory limits.
  struct memory_t {
    /// @{
    /// Limit, soft limit (reservation) and memory+swap limit in bytes; -1 = unlimited.
    std::optional<std::int64_t> limit{}, reservation{}, swap{};
    /// @}
    std::optional<std::int64_t> kernel{};       ///< deprecated; ignored by cgroup v2
    std::optional<std::int64_t> kernel_tcp{};   ///< "kernelTCP"
    std::optional<std::uint64_t> swappiness{};  ///< 0..100; cgroup v1
    std::optional<bool> disable_oom_killer{};   ///< "disableOOMKiller"
    std::optional<bool> use_hierarchy{};        ///< "useHierarchy"
    std::optional<bool> check_before_update{};  ///< "checkBeforeUpdate"
    json_extras extras{};                       ///< unknown members and key order, see json_extras
    friend bool operator==(const memory_t&, const memory_t&) = default;  ///< memberwise
  };
  /// CPU limits.
  struct cpu_t {
    std::optional<std::uint64_t> shares{};  ///< relative weight (cgroup v1 cpu.shares)
    std::optional<std::int64_t> quota{};    ///< microseconds per period; -1 = no limit
    /// @{
    /// Burst allowance and period, in microseconds.
    std::optional<std::uint64_t> burst{}, period{};
    /// @}
    std::optional<std::int64_t> realtime_runtime{};  ///< "realtimeRuntime"
    std::optional<std::uint64_t> realtime_period{};  ///< "realtimePeriod"
    /// @{
    /// cpuset lists of CPUs and memory nodes, e.g. "0-3,7".
    std::optional<std::string> cpus{}, mems{};
    /// @}
    std::optional<std::int64_t> idle{};  ///< 1 = SCHED_IDLE cgroup
    json_extras extras{};                ///< unknown members and key order, see json_extras
    friend bool operator==(const cpu_t&, const cpu_t&) = default;  ///< memberwise
  };
  /// Task limit.
  struct pids_t {
    std::optional<std::int64_t> limit{};  ///< 0 or -1 = no limit
    json_extras extras{};                 ///< unknown members and key order, see json_extras
    friend bool operator==(const pids_t&, const pids_t&) = default;  ///< memberwise
  };
  /// A per-device blkio weight.
  struct weight_device_t {
    /// @{
    /// The device number.
    std::optional<std::int64_t> major{}, minor{};
    /// @}
    std::optional<std::uint16_t> weight{};       ///< 10..1000
    std::optional<std::uint16_t> leaf_weight{};  ///< "leafWeight"
    json_extras extras{};                        ///< unknown members and key order, see json_extras
    friend bool operator==(const weight_device_t&, const weight_device_t&) = default;  ///< memberwise
  };
  /// A per-device blkio rate limit.
  struct throttle_device_t {
    /// @{
    /// The device number.
    std::optional<std::int64_t> major{}, minor{};
    /// @}
    std::optional<std::uint64_t> rate{};  ///< bytes or operations per second
    json_extras extras{};                 ///< unknown members and key order, see json_extras
    friend bool operator==(const throttle_device_t&, const throttle_device_t&) = default;  ///< memberwise
  };
  /// Block IO limits.
  struct block_io_t {
    std::optional<std::uint16_t> weight{};                        ///< default weight, 10..1000
    std::optional<std::uint16_t> leaf_weight{};                   ///< "leafWeight"
    std::optional<std::vector<weight_device_t>> weight_device{};  ///< "weightDevice"
    /// @{
    /// "throttleReadBpsDevice", "throttleWriteBpsDevice" (bytes/s),
    /// "throttleReadIOPSDevice", "throttleWriteIOPSDevice" (operations/s; note "IOPS").
    std::optional<std::vector<throttle_device_t>> throttle_read_bps_device{}, throttle_write_bps_device{},
        throttle_read_iops_device{}, throttle_write_iops_device{};
    /// @}
    json_extras extras{};  ///< unknown members and key order, see json_extras
    friend bool operator==(const block_io_t&, const block_io_t&) = default;  ///< memberwise
  };
  /// A limit for one huge page size.
  struct hugepage_limit_t {
    std::optional<std::string> page_size{};  ///< "pageSize": "2MB", "1GB", ...
    std::optional<std::uint64_t> limit{};    ///< bytes
    json_extras extras{};                    ///< unknown members and key order, see json_extras
    friend bool operator==(const hugepage_limit_t&, const hugepage_limit_t&) = default;  ///< memberwise
  };
  /// The net_prio priority of one network interface.
  struct interface_priority_t {
    std::optional<std::string> name{};        ///< interface name, e.g. "eth0"
    std::optional<std::uint32_t> priority{};  ///< its priority
    json_extras extras{};                     ///< unknown members and key order, see json_extras
    friend bool operator==(const interface_priority_t&,
                           const interface_priority_t&) = default;  ///< memberwise
  };
  /// Network class and priorities (cgroup v1 net_cls, net_prio).
  struct network_t {
    std::optional<std::uint32_t> class_id{};                        ///< "classID"
    std::optional<std::vector<interface_priority_t>> priorities{};  ///< per interface
    json_extras extras{};  ///< unknown members and key order, see json_extras
    friend bool operator==(const network_t&, const network_t&) = default;  ///< memberwise
  };
  /// RDMA limits of one device.
  struct rdma_t {
    std::optional<std::uint32_t> hca_handles{};  ///< "hcaHandles"
    std::optional<std::uint32_t> hca_objects{};  ///< "hcaObjects"
    json_extras extras{};                        ///< unknown members and key order, see json_extras
    friend bool operator==(const rdma_t&, const rdma_t&) = default;  ///< memberwise
  };

  std::optional<std::vector<device_t>> devices{};                  ///< device cgroup rules, in order
  std::optional<memory_t> memory{};                                ///< memory limits
  std::optional<cpu_t> cpu{};                                      ///< CPU limits
  std::optional<pids_t> pids{};                                    ///< task limit
  std::optional<block_io_t> block_io{};                            ///< "blockIO"
  std::optional<std::vector<hugepage_limit_t>> hugepage_limits{};  ///< "hugepageLimits"
  std::optional<network_t> network{};                              ///< network class and priorities
  std::optional<std::map<std::string, rdma_t>> rdma{};             ///< by device name, e.g. "mlx5_1"
  /// cgroup v2 interface files and their values, e.g. {"memory.high", "1G"}.
  std::optional<std::map<std::string, std::string>> unified{};

  json_extras extras{};  ///< unknown members and key order, see json_extras
  friend bool operator==(const linux_resources&, const linux_resources&) = default;  ///< memberwise
};

/// Compact JSON (no whitespace): only the fields that hold a value and the
/// kept unknown members, in the order json_extras describes (for a model
/// built in code: specs-go's field order). An empty model gives "{}". Invalid UTF-8 in a
/// string is replaced by U+FFFD (as Go's encoding/json does). Never fails and never throws (except
/// std::bad_alloc).
/// @{
std::string to_json(const process& p);
std::string to_json(const linux_resources& r);
/// @}

/// Parse a JSON object. Unknown keys are kept in the `extras` of the struct
/// they belong to (and written back by to_json); a known key holding null is
/// the same as an absent one. Integers must be whole numbers in the range of
/// the field's type (a negative uid, 2^32 in a uint32 field, or 1.5 anywhere is
/// an error).
/// Errors: errc::parse_error when the text is not JSON or not an object, or
/// when a known key has the wrong JSON type or an out-of-range number; the
/// message names the key by its path, e.g. `key "user.uid"`,
/// `key "rlimits[1].soft"`, `key "rdma[mlx5_1].hcaHandles"` (map keys go in
/// brackets unquoted: `unified[memory.max]`).
/// Never throws (except std::bad_alloc).
result<process> parse_process_json(std::string_view json);
/// Parses a linux_resources object, with the same rules and errors as parse_process_json().
result<linux_resources> parse_linux_resources_json(std::string_view json);

}  // namespace runcpp::spec
