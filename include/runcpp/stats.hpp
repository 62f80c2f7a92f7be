/// @file
/// The typed output of `runc events`: the stats payload (runc's types/events.go,
/// runc 1.1 to 1.5) and the events themselves, one JSON object per line:
/// @code
///   {"type":"stats","id":"web","data":{"cpu":{...},"memory":{...},...}}
///   {"type":"oom","id":"web"}
/// @endcode
///
/// Every field is std::optional: absent (or JSON null) means "the runtime did
/// not say". runc leaves out zero values of many fields (Go's omitempty) and
/// prints whole blocks only on some cgroup versions (psi needs cgroup v2 with
/// PSI, cpuset/percpu_kernel come from cgroup v1, intel_rdt from resctrl), so a
/// missing field is not an error and is not the same as 0.
///
/// go-runc drops cpuset, intel_rdt, percpu_kernel/percpu_user and every psi
/// block; this model keeps all of them.
///
/// Thread safety: plain values; the parse functions are reentrant.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/result.hpp>

namespace runcpp {

/// One sample of a container's resource usage: the "data" of a `runc events` stats
/// event (go-runc: Stats). Each block is absent when runc did not print it.
struct stats {
  /// Pressure stall information over the last 10/60/300 seconds (percentages)
  /// and the total stall time in microseconds (cgroup v2 *.pressure files).
  struct psi_data_t {
    /// @{
    /// Average share of time stalled over 10, 60 and 300 seconds, in percent.
    std::optional<double> avg10{}, avg60{}, avg300{};
    /// @}
    std::optional<std::uint64_t> total{};  ///< total stall time in microseconds
  };
  /// The "some" (at least one task stalled) and "full" (all tasks stalled) lines of a
  /// pressure file.
  struct psi_t {
    /// @{
    /// Stalls of some tasks / of all tasks.
    std::optional<psi_data_t> some{}, full{};
    /// @}
  };

  /// CPU time in nanoseconds.
  struct cpu_usage_t {
    std::optional<std::uint64_t> total{};                       ///< total CPU time consumed
    std::optional<std::vector<std::uint64_t>> percpu{};         ///< CPU time per CPU
    std::optional<std::vector<std::uint64_t>> percpu_kernel{};  ///< cgroup v1 only
    std::optional<std::vector<std::uint64_t>> percpu_user{};    ///< cgroup v1 only
    /// @{
    /// CPU time in kernel mode / in user mode ("usage_in_kernelmode", "usage_in_usermode").
    std::optional<std::uint64_t> kernel{}, user{};
    /// @}
  };
  /// CFS bandwidth throttling.
  struct throttling_t {
    std::optional<std::uint64_t> periods{};            ///< enforcement periods that elapsed
    std::optional<std::uint64_t> throttled_periods{};  ///< "throttledPeriods"
    std::optional<std::uint64_t> throttled_time{};     ///< "throttledTime", nanoseconds
  };
  /// The "cpu" block.
  struct cpu_t {
    std::optional<cpu_usage_t> usage{};        ///< CPU time
    std::optional<throttling_t> throttling{};  ///< CFS throttling
    std::optional<psi_t> psi{};                ///< CPU pressure (cgroup v2)
  };

  /// cgroup v1 cpuset controller (runc prints it on v1 only).
  struct cpuset_t {
    /// @{
    /// The CPUs and memory nodes the container may use.
    std::optional<std::vector<std::uint16_t>> cpus{}, mems{};
    /// @}
    /// @{
    /// The cpuset files of the same names (cpuset.cpu_exclusive, ...), as numbers.
    std::optional<std::uint64_t> cpu_exclusive{}, mem_hardwall{}, mem_exclusive{}, memory_migrate{},
        memory_spread_page{}, memory_spread_slab{}, memory_pressure{}, sched_load_balance{};
    /// @}
    std::optional<std::int64_t> sched_relax_domain_level{};  ///< -1 = system default
  };

  /// Bytes. A limit of 9223372036854771712 (v1) or 18446744073709551615 (v2)
  /// means "unlimited".
  struct memory_entry_t {
    /// @{
    /// Limit, current usage, peak usage, and how often the limit was hit.
    std::optional<std::uint64_t> limit{}, usage{}, max{}, failcnt{};
    /// @}
  };
  /// The "memory" block.
  struct memory_t {
    std::optional<std::uint64_t> cache{};  ///< page cache bytes
    /// @{
    /// Memory, memory+swap, and kernel memory accounting.
    std::optional<memory_entry_t> usage{}, swap{}, kernel{};
    /// @}
    std::optional<memory_entry_t> kernel_tcp{};  ///< "kernelTCP"
    /// memory.stat as name -> value ("rss", "pgfault", "total_cache", ...).
    std::optional<std::map<std::string, std::uint64_t>> raw{};
    std::optional<psi_t> psi{};  ///< memory pressure (cgroup v2)
    /// Counters from memory.events ("oom", "oom_kill", ...), printed by newer
    /// runc releases as "event_count". Members that are not unsigned integers
    /// are skipped rather than rejected.
    std::optional<std::map<std::string, std::uint64_t>> event_count{};
  };

  /// The "pids" block.
  struct pids_t {
    /// @{
    /// Number of tasks now, and the pids.max limit (0 = no limit).
    std::optional<std::uint64_t> current{}, limit{};
    /// @}
  };

  /// One row of a blkio statistic: a device, an operation and a value.
  struct blkio_entry_t {
    /// @{
    /// The device number.
    std::optional<std::uint64_t> major{}, minor{};
    /// @}
    std::optional<std::string> op{};       ///< "Read", "Write", "Sync", "Async", "Discard", "Total", ""
    std::optional<std::uint64_t> value{};  ///< bytes, operations or time, per the list it is in
  };
  /// The "blkio" block (block IO per device).
  struct blkio_t {
    std::optional<std::vector<blkio_entry_t>> io_service_bytes_recursive{};  ///< "ioServiceBytesRecursive"
    std::optional<std::vector<blkio_entry_t>> io_serviced_recursive{};       ///< "ioServicedRecursive"
    std::optional<std::vector<blkio_entry_t>> io_queued_recursive{};         ///< "ioQueueRecursive" (sic)
    std::optional<std::vector<blkio_entry_t>> io_service_time_recursive{};   ///< "ioServiceTimeRecursive"
    std::optional<std::vector<blkio_entry_t>> io_wait_time_recursive{};      ///< "ioWaitTimeRecursive"
    std::optional<std::vector<blkio_entry_t>> io_merged_recursive{};         ///< "ioMergedRecursive"
    std::optional<std::vector<blkio_entry_t>> io_time_recursive{};           ///< "ioTimeRecursive"
    std::optional<std::vector<blkio_entry_t>> sectors_recursive{};           ///< "sectorsRecursive"
    std::optional<psi_t> psi{};                                              ///< IO pressure (cgroup v2)
  };

  /// Usage of one huge page size.
  struct hugetlb_t {
    /// @{
    /// Bytes in use, peak bytes, and how often the limit was hit.
    std::optional<std::uint64_t> usage{}, max{}, failcnt{};
    /// @}
  };

  /// Intel RDT (resctrl): cache allocation (L3), memory bandwidth allocation,
  /// and the per-NUMA-node monitoring counters (MBM, CMT).
  struct l3_cache_info_t {
    std::optional<std::string> cbm_mask{};  ///< the cache bit mask of the root group
    /// @{
    /// Minimum bits in a mask, and number of classes of service.
    std::optional<std::uint64_t> min_cbm_bits{}, num_closids{};
    /// @}
  };
  /// What memory bandwidth allocation the hardware supports.
  struct mem_bw_info_t {
    /// @{
    /// The resctrl info/MB files of the same names.
    std::optional<std::uint64_t> bandwidth_gran{}, delay_linear{}, min_bandwidth{}, num_closids{};
    /// @}
  };
  /// Memory bandwidth monitoring of one NUMA node.
  struct mbm_numa_node_t {
    /// @{
    /// Total and local memory bandwidth in bytes.
    std::optional<std::uint64_t> mbm_total_bytes{}, mbm_local_bytes{};
    /// @}
  };
  /// Cache monitoring of one NUMA node.
  struct cmt_numa_node_t {
    std::optional<std::uint64_t> llc_occupancy{};  ///< last-level cache bytes in use
  };
  /// The "intel_rdt" block.
  struct intel_rdt_t {
    std::optional<l3_cache_info_t> l3_cache_info{};  ///< L3 cache allocation capabilities
    /// @{
    /// L3 schemata of the root group and of the container.
    std::optional<std::string> l3_cache_schema_root{}, l3_cache_schema{};
    /// @}
    std::optional<mem_bw_info_t> mem_bw_info{};  ///< memory bandwidth allocation capabilities
    /// @{
    /// Memory bandwidth schemata of the root group and of the container.
    std::optional<std::string> mem_bw_schema_root{}, mem_bw_schema{};
    /// @}
    std::optional<std::vector<mbm_numa_node_t>> mbm_stats{};  ///< per NUMA node
    std::optional<std::vector<cmt_numa_node_t>> cmt_stats{};  ///< per NUMA node
    /// The lines of the container's resctrl "schemata" file (runc 1.3+). A
    /// single JSON string is accepted too and split at newlines.
    std::optional<std::vector<std::string>> schemata{};
  };

  /// runc's Go struct has no JSON tags, so the keys are "Name", "RxBytes", ...;
  /// like Go, they are matched case-insensitively (an exact match wins).
  struct network_interface_t {
    std::optional<std::string> name{};  ///< interface name, e.g. "eth0"
    /// @{
    /// Received bytes, packets, errors and dropped packets.
    std::optional<std::uint64_t> rx_bytes{}, rx_packets{}, rx_errors{}, rx_dropped{};
    /// @}
    /// @{
    /// Sent bytes, packets, errors and dropped packets.
    std::optional<std::uint64_t> tx_bytes{}, tx_packets{}, tx_errors{}, tx_dropped{};
    /// @}
  };

  std::optional<cpu_t> cpu{};        ///< CPU usage, throttling and pressure
  std::optional<cpuset_t> cpuset{};  ///< cpuset (cgroup v1)
  std::optional<memory_t> memory{};  ///< memory usage, limits, memory.stat and pressure
  std::optional<pids_t> pids{};      ///< number of tasks
  std::optional<blkio_t> blkio{};    ///< block IO
  std::optional<std::map<std::string, hugetlb_t>> hugetlb{};  ///< page size ("2MB", "1GB") -> usage
  std::optional<intel_rdt_t> intel_rdt{};                     ///< Intel RDT (resctrl)
  std::optional<std::vector<network_interface_t>> network_interfaces{};  ///< per network interface
};

/// The kinds of `runc events` events runcpp tells apart.
enum class event_type { stats, oom, other };

/// "stats" -> stats, "oom" -> oom, anything else -> other.
event_type parse_event_type(std::string_view type) noexcept;

/// One line of `runc events` (go-runc: Event).
struct event {
  std::string type{};                   ///< verbatim: "stats", "oom", ...
  std::string id{};                     ///< the container id
  std::optional<runcpp::stats> data{};  ///< present for "stats" events

  event_type kind() const noexcept { return parse_event_type(type); }  ///< parse_event_type(type)
};

/// Parses the stats object alone: the "data" member of a stats event, which is
/// also what `runc events --stats` prints inside its single event.
/// Unknown keys are ignored; JSON null counts as absent. Unsigned fields take
/// only non-negative JSON integers (no fractions, exponents or overflow), like
/// Go's decoder. Errors: errc::parse_error naming the key by its dotted path,
/// e.g. `stats JSON: key "blkio.ioServiceBytesRecursive[0].major" is not an
/// unsigned integer`, or for JSON nested more than 128 levels deep. Never throws
/// (except std::bad_alloc) and never crashes.
result<stats> parse_stats_json(std::string_view json);

/// Parses one event line: {"type":..., "id":..., "data":{...}}. "type" is
/// required and must be a string; "id" must be a string when present. "data"
/// is decoded as stats when type is "stats" (errors name it as "data.cpu...")
/// and ignored for other types; "oom" events carry none. A trailing newline is
/// fine. Errors: errc::parse_error. Never throws (except std::bad_alloc).
result<event> parse_event_json(std::string_view json);

}  // namespace runcpp
