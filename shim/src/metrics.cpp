#include "metrics.hpp"

#include <string_view>

namespace runcpp::shim {
namespace {

using u64 = std::uint64_t;

template <class Message>
void set_if(Message& m, void (Message::*setter)(u64), const std::optional<u64>& v) {
  if (v) (m.*setter)(*v);
}

void fill_cpu(cgroups_v1::CPUStat& out, const runcpp::stats::cpu_t& in) {
  if (const auto& u = in.usage) {
    auto& o = *out.mutable_usage();
    set_if(o, &cgroups_v1::CPUUsage::set_total, u->total);
    set_if(o, &cgroups_v1::CPUUsage::set_kernel, u->kernel);
    set_if(o, &cgroups_v1::CPUUsage::set_user, u->user);
    if (u->percpu)
      for (u64 v : *u->percpu) o.add_per_cpu(v);
  }
  if (const auto& t = in.throttling) {
    auto& o = *out.mutable_throttling();
    set_if(o, &cgroups_v1::Throttle::set_periods, t->periods);
    set_if(o, &cgroups_v1::Throttle::set_throttled_periods, t->throttled_periods);
    set_if(o, &cgroups_v1::Throttle::set_throttled_time, t->throttled_time);
  }
}

void fill_entry(cgroups_v1::MemoryEntry& o, const runcpp::stats::memory_entry_t& in) {
  set_if(o, &cgroups_v1::MemoryEntry::set_limit, in.limit);
  set_if(o, &cgroups_v1::MemoryEntry::set_usage, in.usage);
  set_if(o, &cgroups_v1::MemoryEntry::set_max, in.max);
  set_if(o, &cgroups_v1::MemoryEntry::set_failcnt, in.failcnt);
}

using memory_setter = void (cgroups_v1::MemoryStat::*)(u64);
struct stat_field {
  std::string_view key;  ///< the memory.stat name
  memory_setter set;
};

// memory.stat names -> MemoryStat fields (containerd/cgroups memory.go's table).
constexpr stat_field memory_stat_fields[] = {
    {"cache", &cgroups_v1::MemoryStat::set_cache},
    {"rss", &cgroups_v1::MemoryStat::set_rss},
    {"rss_huge", &cgroups_v1::MemoryStat::set_rss_huge},
    {"mapped_file", &cgroups_v1::MemoryStat::set_mapped_file},
    {"dirty", &cgroups_v1::MemoryStat::set_dirty},
    {"writeback", &cgroups_v1::MemoryStat::set_writeback},
    {"pgpgin", &cgroups_v1::MemoryStat::set_pg_pg_in},
    {"pgpgout", &cgroups_v1::MemoryStat::set_pg_pg_out},
    {"pgfault", &cgroups_v1::MemoryStat::set_pg_fault},
    {"pgmajfault", &cgroups_v1::MemoryStat::set_pg_maj_fault},
    {"inactive_anon", &cgroups_v1::MemoryStat::set_inactive_anon},
    {"active_anon", &cgroups_v1::MemoryStat::set_active_anon},
    {"inactive_file", &cgroups_v1::MemoryStat::set_inactive_file},
    {"active_file", &cgroups_v1::MemoryStat::set_active_file},
    {"unevictable", &cgroups_v1::MemoryStat::set_unevictable},
    {"hierarchical_memory_limit", &cgroups_v1::MemoryStat::set_hierarchical_memory_limit},
    {"hierarchical_memsw_limit", &cgroups_v1::MemoryStat::set_hierarchical_swap_limit},
    {"total_cache", &cgroups_v1::MemoryStat::set_total_cache},
    {"total_rss", &cgroups_v1::MemoryStat::set_total_rss},
    {"total_rss_huge", &cgroups_v1::MemoryStat::set_total_rss_huge},
    {"total_mapped_file", &cgroups_v1::MemoryStat::set_total_mapped_file},
    {"total_dirty", &cgroups_v1::MemoryStat::set_total_dirty},
    {"total_writeback", &cgroups_v1::MemoryStat::set_total_writeback},
    {"total_pgpgin", &cgroups_v1::MemoryStat::set_total_pg_pg_in},
    {"total_pgpgout", &cgroups_v1::MemoryStat::set_total_pg_pg_out},
    {"total_pgfault", &cgroups_v1::MemoryStat::set_total_pg_fault},
    {"total_pgmajfault", &cgroups_v1::MemoryStat::set_total_pg_maj_fault},
    {"total_inactive_anon", &cgroups_v1::MemoryStat::set_total_inactive_anon},
    {"total_active_anon", &cgroups_v1::MemoryStat::set_total_active_anon},
    {"total_inactive_file", &cgroups_v1::MemoryStat::set_total_inactive_file},
    {"total_active_file", &cgroups_v1::MemoryStat::set_total_active_file},
    {"total_unevictable", &cgroups_v1::MemoryStat::set_total_unevictable},
};

void fill_memory(cgroups_v1::MemoryStat& out, const runcpp::stats::memory_t& in) {
  if (in.raw) {
    for (const stat_field& f : memory_stat_fields) {
      auto it = in.raw->find(std::string(f.key));
      if (it != in.raw->end()) (out.*f.set)(it->second);
    }
  }
  set_if(out, &cgroups_v1::MemoryStat::set_cache, in.cache);
  if (in.usage) fill_entry(*out.mutable_usage(), *in.usage);
  if (in.swap) fill_entry(*out.mutable_swap(), *in.swap);
  if (in.kernel) fill_entry(*out.mutable_kernel(), *in.kernel);
  if (in.kernel_tcp) fill_entry(*out.mutable_kernel_tcp(), *in.kernel_tcp);
}

void fill_blkio_list(google::protobuf::RepeatedPtrField<cgroups_v1::BlkIOEntry>& out,
                     const std::optional<std::vector<runcpp::stats::blkio_entry_t>>& in) {
  if (!in) return;
  for (const auto& e : *in) {
    auto& o = *out.Add();
    if (e.op) o.set_op(*e.op);
    set_if(o, &cgroups_v1::BlkIOEntry::set_major, e.major);
    set_if(o, &cgroups_v1::BlkIOEntry::set_minor, e.minor);
    set_if(o, &cgroups_v1::BlkIOEntry::set_value, e.value);
  }
}

void fill_blkio(cgroups_v1::BlkIOStat& out, const runcpp::stats::blkio_t& in) {
  fill_blkio_list(*out.mutable_io_service_bytes_recursive(), in.io_service_bytes_recursive);
  fill_blkio_list(*out.mutable_io_serviced_recursive(), in.io_serviced_recursive);
  fill_blkio_list(*out.mutable_io_queued_recursive(), in.io_queued_recursive);
  fill_blkio_list(*out.mutable_io_service_time_recursive(), in.io_service_time_recursive);
  fill_blkio_list(*out.mutable_io_wait_time_recursive(), in.io_wait_time_recursive);
  fill_blkio_list(*out.mutable_io_merged_recursive(), in.io_merged_recursive);
  fill_blkio_list(*out.mutable_io_time_recursive(), in.io_time_recursive);
  fill_blkio_list(*out.mutable_sectors_recursive(), in.sectors_recursive);
}

}  // namespace

cgroups_v1::Metrics to_metrics(const runcpp::stats& s) {
  cgroups_v1::Metrics m;
  if (s.cpu) fill_cpu(*m.mutable_cpu(), *s.cpu);
  if (s.memory) fill_memory(*m.mutable_memory(), *s.memory);
  if (s.pids) {
    set_if(*m.mutable_pids(), &cgroups_v1::PidsStat::set_current, s.pids->current);
    set_if(*m.mutable_pids(), &cgroups_v1::PidsStat::set_limit, s.pids->limit);
  }
  if (s.blkio) fill_blkio(*m.mutable_blkio(), *s.blkio);
  if (s.hugetlb) {
    for (const auto& [pagesize, h] : *s.hugetlb) {
      auto& o = *m.add_hugetlb();
      o.set_pagesize(pagesize);
      set_if(o, &cgroups_v1::HugetlbStat::set_usage, h.usage);
      set_if(o, &cgroups_v1::HugetlbStat::set_max, h.max);
      set_if(o, &cgroups_v1::HugetlbStat::set_failcnt, h.failcnt);
    }
  }
  if (s.network_interfaces) {
    for (const auto& n : *s.network_interfaces) {
      auto& o = *m.add_network();
      if (n.name) o.set_name(*n.name);
      set_if(o, &cgroups_v1::NetworkStat::set_rx_bytes, n.rx_bytes);
      set_if(o, &cgroups_v1::NetworkStat::set_rx_packets, n.rx_packets);
      set_if(o, &cgroups_v1::NetworkStat::set_rx_errors, n.rx_errors);
      set_if(o, &cgroups_v1::NetworkStat::set_rx_dropped, n.rx_dropped);
      set_if(o, &cgroups_v1::NetworkStat::set_tx_bytes, n.tx_bytes);
      set_if(o, &cgroups_v1::NetworkStat::set_tx_packets, n.tx_packets);
      set_if(o, &cgroups_v1::NetworkStat::set_tx_errors, n.tx_errors);
      set_if(o, &cgroups_v1::NetworkStat::set_tx_dropped, n.tx_dropped);
    }
  }
  return m;
}

}  // namespace runcpp::shim
