// parse_stats_json / parse_event_json against real `runc events` output of
// runc 1.1.5 on cgroup v1 (tests/data/runc-1.1.5: --stats, --interval, and an
// OOM-killed container), hand-written documents that follow runc's
// types/events.go for what this machine cannot produce (cgroup v2 psi, Intel
// RDT, two hugetlb page sizes, network interfaces), and type errors that must
// name the key.

#include <runcpp/stats.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "runtime_log.hpp"

namespace {

using runcpp::errc;
using runcpp::event_type;
using runcpp::stats;
using u64s = std::vector<std::uint64_t>;

std::string fixture(const std::string& rel) {
  const std::string path = std::string(RUNCPP_TEST_DATA_DIR) + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

constexpr std::uint64_t v1_unlimited = 9223372036854771712u;  // PAGE_COUNTER_MAX pages, in bytes

// ---------------------------------------------------------------------------
// Real runc 1.1.5, cgroup v1

TEST(parse_event_json, runc_1_1_5_events_stats) {
  const std::string text = fixture("runc-1.1.5/events-stats.json");
  ASSERT_EQ(text.back(), '\n');  // one line, newline-terminated
  auto e = runcpp::parse_event_json(text);
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->type, "stats");
  EXPECT_EQ(e->id, "evs1");
  EXPECT_EQ(e->kind(), event_type::stats);
  ASSERT_TRUE(e->data);
  const stats& s = *e->data;

  ASSERT_TRUE(s.cpu);
  ASSERT_TRUE(s.cpu->usage);
  const auto& u = *s.cpu->usage;
  EXPECT_EQ(u.total, 9189604u);
  EXPECT_EQ(u.percpu, (u64s{7402600, 1787004}));
  EXPECT_EQ(u.percpu_kernel, (u64s{4000000, 0}));
  EXPECT_EQ(u.percpu_user, (u64s{0, 0}));
  EXPECT_EQ(u.kernel, 0u);  // printed even when 0 (no omitempty)
  EXPECT_EQ(u.user, 0u);
  ASSERT_TRUE(s.cpu->throttling);  // "throttling":{} - present, every field omitted
  EXPECT_FALSE(s.cpu->throttling->periods);
  EXPECT_FALSE(s.cpu->throttling->throttled_periods);
  EXPECT_FALSE(s.cpu->throttling->throttled_time);
  EXPECT_FALSE(s.cpu->psi);  // no PSI on cgroup v1

  ASSERT_TRUE(s.cpuset);
  EXPECT_EQ(s.cpuset->cpus, (std::vector<std::uint16_t>{0, 1}));
  EXPECT_EQ(s.cpuset->mems, (std::vector<std::uint16_t>{0}));
  EXPECT_EQ(s.cpuset->cpu_exclusive, 0u);
  EXPECT_EQ(s.cpuset->mem_hardwall, 0u);
  EXPECT_EQ(s.cpuset->mem_exclusive, 0u);
  EXPECT_EQ(s.cpuset->memory_migrate, 0u);
  EXPECT_EQ(s.cpuset->memory_spread_page, 0u);
  EXPECT_EQ(s.cpuset->memory_spread_slab, 0u);
  EXPECT_EQ(s.cpuset->memory_pressure, 0u);
  EXPECT_EQ(s.cpuset->sched_load_balance, 1u);
  EXPECT_EQ(s.cpuset->sched_relax_domain_level, -1);

  ASSERT_TRUE(s.memory);
  const auto& m = *s.memory;
  EXPECT_FALSE(m.cache);  // 0 and omitempty
  ASSERT_TRUE(m.usage);
  EXPECT_EQ(m.usage->limit, v1_unlimited);
  EXPECT_EQ(m.usage->usage, 716800u);
  EXPECT_EQ(m.usage->max, 2506752u);
  EXPECT_EQ(m.usage->failcnt, 0u);
  ASSERT_TRUE(m.swap);
  EXPECT_EQ(m.swap->usage, 716800u);
  ASSERT_TRUE(m.kernel);
  EXPECT_EQ(m.kernel->usage, 253952u);
  EXPECT_EQ(m.kernel->max, 614400u);
  ASSERT_TRUE(m.kernel_tcp);
  EXPECT_EQ(m.kernel_tcp->limit, v1_unlimited);
  EXPECT_FALSE(m.kernel_tcp->usage);
  EXPECT_FALSE(m.kernel_tcp->max);
  EXPECT_EQ(m.kernel_tcp->failcnt, 0u);
  ASSERT_TRUE(m.raw);
  EXPECT_EQ(m.raw->size(), 42u);
  EXPECT_EQ(m.raw->at("pgfault"), 783u);
  EXPECT_EQ(m.raw->at("total_rss"), 53248u);
  EXPECT_EQ(m.raw->at("hierarchical_memory_limit"), v1_unlimited);
  EXPECT_FALSE(m.psi);
  EXPECT_FALSE(m.event_count);

  ASSERT_TRUE(s.pids);
  EXPECT_EQ(s.pids->current, 1u);
  EXPECT_FALSE(s.pids->limit);

  ASSERT_TRUE(s.blkio);  // "blkio":{} - no block I/O in the container
  EXPECT_FALSE(s.blkio->io_service_bytes_recursive);
  EXPECT_FALSE(s.blkio->io_queued_recursive);
  EXPECT_FALSE(s.blkio->sectors_recursive);
  EXPECT_FALSE(s.blkio->psi);

  ASSERT_TRUE(s.hugetlb);
  ASSERT_EQ(s.hugetlb->size(), 2u);
  EXPECT_EQ(s.hugetlb->at("1GB").failcnt, 0u);
  EXPECT_FALSE(s.hugetlb->at("1GB").usage);
  EXPECT_EQ(s.hugetlb->at("2MB").failcnt, 0u);

  ASSERT_TRUE(s.intel_rdt);  // "intel_rdt":{}
  EXPECT_FALSE(s.intel_rdt->l3_cache_info);
  EXPECT_FALSE(s.intel_rdt->schemata);
  EXPECT_FALSE(s.network_interfaces);  // "network_interfaces":null
}

TEST(parse_event_json, runc_1_1_5_events_interval_lines) {
  const auto lines = lines_of(fixture("runc-1.1.5/events-interval.ndjson"));
  ASSERT_EQ(lines.size(), 4u);  // --interval 200ms for 1 s
  for (const auto& line : lines) {
    auto e = runcpp::parse_event_json(line);
    ASSERT_TRUE(e) << e.error().message();
    EXPECT_EQ(e->kind(), event_type::stats);
    EXPECT_EQ(e->id, "evs1");
    ASSERT_TRUE(e->data && e->data->pids);
    EXPECT_EQ(e->data->pids->current, 1u);  // sleep 1000
  }
}

TEST(parse_event_json, runc_1_1_5_oom_event_has_no_data) {
  const auto lines = lines_of(fixture("runc-1.1.5/events-oom.ndjson"));
  ASSERT_EQ(lines.size(), 10u);
  auto oom = runcpp::parse_event_json(lines[0]);
  ASSERT_TRUE(oom) << oom.error().message();
  EXPECT_EQ(oom->type, "oom");
  EXPECT_EQ(oom->id, "evoom1");
  EXPECT_EQ(oom->kind(), event_type::oom);
  EXPECT_FALSE(oom->data);

  // The stats after the kill: the 16 MiB limit was hit 78 times.
  auto first = runcpp::parse_event_json(lines[1]);
  ASSERT_TRUE(first) << first.error().message();
  ASSERT_TRUE(first->data && first->data->memory && first->data->memory->usage);
  EXPECT_EQ(first->data->memory->usage->limit, 16u * 1024 * 1024);
  EXPECT_EQ(first->data->memory->usage->max, 16u * 1024 * 1024);
  EXPECT_EQ(first->data->memory->usage->failcnt, 78u);
  EXPECT_EQ(first->data->memory->raw->at("hierarchical_memory_limit"), 16u * 1024 * 1024);
  EXPECT_EQ(first->data->cpu->usage->user, 20000000u);
  EXPECT_EQ(first->data->pids->current, 1u);

  // Once the shell is gone runc keeps reporting the cgroup: "pids":{}.
  auto later = runcpp::parse_event_json(lines[2]);
  ASSERT_TRUE(later) << later.error().message();
  ASSERT_TRUE(later->data && later->data->pids);
  EXPECT_FALSE(later->data->pids->current);
  for (std::size_t i = 3; i < lines.size(); ++i) {
    auto e = runcpp::parse_event_json(lines[i]);
    ASSERT_TRUE(e) << "line " << i + 1 << ": " << e.error().message();
    EXPECT_EQ(e->kind(), event_type::stats);
  }
}

TEST(parse_stats_json, the_data_object_alone) {
  // What client::stats hands to parse_stats_json: the "data" member.
  const std::string line = fixture("runc-1.1.5/events-stats.json");
  const std::string key = "\"data\":";
  const auto at = line.find(key);
  ASSERT_NE(at, std::string::npos);
  const std::string data = line.substr(at + key.size(), line.rfind('}') - at - key.size());
  auto s = runcpp::parse_stats_json(data);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->cpu->usage->total, 9189604u);
  EXPECT_EQ(s->cpuset->sched_relax_domain_level, -1);
}

TEST(runc_events_errors, missing_container_is_classified) {
  // `runc events --stats <missing>`: nothing on stdout, exit 1, a text log line.
  const std::string err = fixture("runc-1.1.5/errors/events-missing-text.txt");
  EXPECT_EQ(runcpp::detail::runtime_message(err), "container does not exist");
  EXPECT_EQ(runcpp::detail::classify_message(runcpp::detail::runtime_message(err)), errc::not_found);
}

// ---------------------------------------------------------------------------
// Hand-written after types/events.go (cgroup v2, RDT, hugetlb, network)

TEST(parse_event_json, cgroup_v2_with_psi) {
  auto e = runcpp::parse_event_json(fixture("handmade/stats-v2-psi.json"));
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->id, "web-v2");
  ASSERT_TRUE(e->data);
  const stats& s = *e->data;

  ASSERT_TRUE(s.cpu && s.cpu->usage && s.cpu->throttling && s.cpu->psi);
  EXPECT_EQ(s.cpu->usage->total, 184553000u);
  EXPECT_FALSE(s.cpu->usage->percpu);  // v2 has no per-CPU accounting
  EXPECT_FALSE(s.cpu->usage->percpu_kernel);
  EXPECT_EQ(s.cpu->usage->kernel, 51240000u);
  EXPECT_EQ(s.cpu->usage->user, 133313000u);
  EXPECT_EQ(s.cpu->throttling->periods, 120u);
  EXPECT_EQ(s.cpu->throttling->throttled_periods, 7u);
  EXPECT_EQ(s.cpu->throttling->throttled_time, 35180000u);
  const auto& cpsi = *s.cpu->psi;
  ASSERT_TRUE(cpsi.some && cpsi.full);
  EXPECT_DOUBLE_EQ(*cpsi.some->avg10, 1.25);
  EXPECT_DOUBLE_EQ(*cpsi.some->avg60, 0.5);
  EXPECT_DOUBLE_EQ(*cpsi.some->avg300, 0.11);
  EXPECT_EQ(cpsi.some->total, 734512u);
  EXPECT_DOUBLE_EQ(*cpsi.full->avg10, 0.75);
  EXPECT_DOUBLE_EQ(*cpsi.full->avg300, 0.05);
  EXPECT_EQ(cpsi.full->total, 312004u);

  ASSERT_TRUE(s.cpuset);
  EXPECT_FALSE(s.cpuset->cpus);
  EXPECT_EQ(s.cpuset->sched_relax_domain_level, 0);

  ASSERT_TRUE(s.memory && s.memory->usage && s.memory->swap && s.memory->psi);
  EXPECT_EQ(s.memory->usage->limit, 268435456u);
  EXPECT_EQ(s.memory->usage->usage, 8531968u);
  EXPECT_EQ(s.memory->swap->limit, std::numeric_limits<std::uint64_t>::max());
  EXPECT_FALSE(s.memory->swap->usage);
  EXPECT_EQ(s.memory->raw->at("kernel_stack"), 65536u);
  ASSERT_TRUE(s.memory->psi->some && s.memory->psi->full);
  EXPECT_DOUBLE_EQ(*s.memory->psi->some->avg10, 0.0);
  EXPECT_EQ(s.memory->psi->some->total, 1520u);
  EXPECT_EQ(s.memory->psi->full->total, 1320u);

  ASSERT_TRUE(s.pids);
  EXPECT_EQ(s.pids->current, 3u);
  EXPECT_EQ(s.pids->limit, 512u);

  ASSERT_TRUE(s.blkio && s.blkio->io_service_bytes_recursive && s.blkio->io_serviced_recursive);
  const auto& bytes = *s.blkio->io_service_bytes_recursive;
  ASSERT_EQ(bytes.size(), 2u);
  EXPECT_EQ(bytes[0].major, 8u);
  EXPECT_EQ(bytes[0].minor, 0u);
  EXPECT_EQ(bytes[0].op, "Read");
  EXPECT_EQ(bytes[0].value, 1118208u);
  EXPECT_EQ(bytes[1].op, "Write");
  EXPECT_EQ(bytes[1].value, 40960u);
  EXPECT_EQ(s.blkio->io_serviced_recursive->at(0).value, 35u);
  EXPECT_FALSE(s.blkio->io_queued_recursive);
  EXPECT_FALSE(s.blkio->io_time_recursive);
  ASSERT_TRUE(s.blkio->psi && s.blkio->psi->full);
  EXPECT_DOUBLE_EQ(*s.blkio->psi->some->avg10, 0.02);
  EXPECT_EQ(s.blkio->psi->full->total, 88500u);

  EXPECT_EQ(s.hugetlb->size(), 2u);
  EXPECT_FALSE(s.network_interfaces);
}

TEST(parse_stats_json, intel_rdt) {
  auto s = runcpp::parse_stats_json(fixture("handmade/stats-rdt.json"));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_FALSE(s->cpu);  // absent blocks stay absent
  EXPECT_FALSE(s->memory);
  ASSERT_TRUE(s->intel_rdt);
  const auto& r = *s->intel_rdt;
  ASSERT_TRUE(r.l3_cache_info);
  EXPECT_EQ(r.l3_cache_info->cbm_mask, "fff");
  EXPECT_EQ(r.l3_cache_info->min_cbm_bits, 1u);
  EXPECT_EQ(r.l3_cache_info->num_closids, 16u);
  EXPECT_EQ(r.l3_cache_schema_root, "L3:0=fff;1=fff");
  EXPECT_EQ(r.l3_cache_schema, "L3:0=ff0;1=ff0");
  ASSERT_TRUE(r.mem_bw_info);
  EXPECT_EQ(r.mem_bw_info->bandwidth_gran, 10u);
  EXPECT_EQ(r.mem_bw_info->delay_linear, 1u);
  EXPECT_EQ(r.mem_bw_info->min_bandwidth, 10u);
  EXPECT_EQ(r.mem_bw_info->num_closids, 8u);
  EXPECT_EQ(r.mem_bw_schema_root, "MB:0=100;1=100");
  EXPECT_EQ(r.mem_bw_schema, "MB:0=50;1=50");
  ASSERT_TRUE(r.mbm_stats);
  ASSERT_EQ(r.mbm_stats->size(), 2u);
  EXPECT_EQ(r.mbm_stats->at(0).mbm_total_bytes, 8392704u);
  EXPECT_EQ(r.mbm_stats->at(0).mbm_local_bytes, 6291456u);
  EXPECT_EQ(r.mbm_stats->at(1).mbm_local_bytes, 0u);
  ASSERT_TRUE(r.cmt_stats);
  ASSERT_EQ(r.cmt_stats->size(), 2u);
  EXPECT_EQ(r.cmt_stats->at(0).llc_occupancy, 1966080u);
  EXPECT_EQ(r.schemata, (std::vector<std::string>{"L3:0=ff0;1=ff0", "MB:0=50;1=50"}));
}

TEST(parse_stats_json, hugetlb_with_two_page_sizes) {
  auto s = runcpp::parse_stats_json(fixture("handmade/stats-hugetlb.json"));
  ASSERT_TRUE(s) << s.error().message();
  ASSERT_TRUE(s->hugetlb);
  ASSERT_EQ(s->hugetlb->size(), 2u);
  const auto& gb = s->hugetlb->at("1GB");
  EXPECT_EQ(gb.usage, 1073741824u);
  EXPECT_EQ(gb.max, 1073741824u);
  EXPECT_EQ(gb.failcnt, 2u);
  const auto& mb = s->hugetlb->at("2MB");
  EXPECT_EQ(mb.usage, 4194304u);
  EXPECT_EQ(mb.max, 8388608u);
  EXPECT_EQ(mb.failcnt, 0u);
  EXPECT_EQ(s->pids->limit, 64u);
}

TEST(parse_stats_json, network_interfaces) {
  auto s = runcpp::parse_stats_json(fixture("handmade/stats-network.json"));
  ASSERT_TRUE(s) << s.error().message();
  ASSERT_TRUE(s->network_interfaces);
  ASSERT_EQ(s->network_interfaces->size(), 2u);
  const auto& eth0 = s->network_interfaces->at(0);
  EXPECT_EQ(eth0.name, "eth0");
  EXPECT_EQ(eth0.rx_bytes, 1395846u);
  EXPECT_EQ(eth0.rx_packets, 1021u);
  EXPECT_EQ(eth0.rx_errors, 0u);
  EXPECT_EQ(eth0.rx_dropped, 3u);
  EXPECT_EQ(eth0.tx_bytes, 87120u);
  EXPECT_EQ(eth0.tx_packets, 712u);
  EXPECT_EQ(eth0.tx_errors, 1u);
  EXPECT_EQ(eth0.tx_dropped, 0u);
  EXPECT_EQ(s->network_interfaces->at(1).name, "lo");
  EXPECT_EQ(s->network_interfaces->at(1).tx_bytes, 0u);
}

// ---------------------------------------------------------------------------
// Decoding rules

TEST(parse_stats_json, network_interface_keys_match_case_insensitively_like_go) {
  auto s = runcpp::parse_stats_json(
      R"({"network_interfaces":[{"name":"eth1","rxbytes":5,"TXBYTES":6,"txDropped":7},)"
      R"({"Name":"exact","NAME":"other"},null]})");
  ASSERT_TRUE(s) << s.error().message();
  ASSERT_EQ(s->network_interfaces->size(), 3u);
  const auto& a = s->network_interfaces->at(0);
  EXPECT_EQ(a.name, "eth1");
  EXPECT_EQ(a.rx_bytes, 5u);
  EXPECT_EQ(a.tx_bytes, 6u);
  EXPECT_EQ(a.tx_dropped, 7u);
  EXPECT_FALSE(a.rx_packets);
  EXPECT_EQ(s->network_interfaces->at(1).name, "exact");  // the exact spelling wins
  EXPECT_FALSE(s->network_interfaces->at(2).name);        // null element: Go's nil pointer

  auto bad = runcpp::parse_stats_json(R"({"network_interfaces":[{"rxBytes":"5"}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "stats JSON: key \"network_interfaces[0].RxBytes\" is not an unsigned integer");
}

TEST(parse_stats_json, unknown_keys_are_ignored) {
  auto s = runcpp::parse_stats_json(
      R"({"cpu":{"usage":{"total":5,"future":{"x":[1,{"y":null}]}},"burst":{"n":1}},)"
      R"("rdma":{"a":1},"misc":7,"memory":{"swap_only":{"usage":"x"}}})");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->cpu->usage->total, 5u);
  ASSERT_TRUE(s->memory);
  EXPECT_FALSE(s->memory->swap);
}

TEST(parse_stats_json, null_counts_as_absent) {
  auto s = runcpp::parse_stats_json(
      R"({"cpu":null,"memory":{"usage":null,"raw":{"a":null,"b":2}},"hugetlb":{"2MB":null},)"
      R"("cpuset":{"cpus":[1,null,3]}})");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_FALSE(s->cpu);
  ASSERT_TRUE(s->memory);
  EXPECT_FALSE(s->memory->usage);
  EXPECT_EQ(s->memory->raw->at("a"), 0u);  // Go leaves a zero value
  EXPECT_EQ(s->memory->raw->at("b"), 2u);
  EXPECT_FALSE(s->hugetlb->at("2MB").failcnt);
  EXPECT_EQ(s->cpuset->cpus, (std::vector<std::uint16_t>{1, 0, 3}));
}

TEST(parse_stats_json, integer_limits) {
  auto s = runcpp::parse_stats_json(
      R"({"memory":{"swap":{"limit":18446744073709551615}},)"
      R"("cpuset":{"cpus":[65535],"sched_relax_domain_level":-9223372036854775808}})");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->memory->swap->limit, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(s->cpuset->cpus, (std::vector<std::uint16_t>{65535}));
  EXPECT_EQ(s->cpuset->sched_relax_domain_level, std::numeric_limits<std::int64_t>::min());

  auto relax = runcpp::parse_stats_json(R"({"cpuset":{"sched_relax_domain_level":5}})");
  ASSERT_TRUE(relax);
  EXPECT_EQ(relax->cpuset->sched_relax_domain_level, 5);
}

TEST(parse_stats_json, psi_accepts_integers_and_fractions) {
  auto s = runcpp::parse_stats_json(R"({"blkio":{"psi":{"some":{"avg10":3,"avg60":2.5e-1}}}})");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_DOUBLE_EQ(*s->blkio->psi->some->avg10, 3.0);
  EXPECT_DOUBLE_EQ(*s->blkio->psi->some->avg60, 0.25);
  EXPECT_FALSE(s->blkio->psi->some->avg300);
  EXPECT_FALSE(s->blkio->psi->full);
}

TEST(parse_stats_json, memory_event_count_keeps_unsigned_counters) {
  auto s = runcpp::parse_stats_json(
      R"({"memory":{"event_count":{"oom":3,"oom_kill":1,"future":{"x":1},"neg":-1}}})");
  ASSERT_TRUE(s) << s.error().message();
  ASSERT_TRUE(s->memory->event_count);
  EXPECT_EQ(*s->memory->event_count, (std::map<std::string, std::uint64_t>{{"oom", 3}, {"oom_kill", 1}}));

  auto bad = runcpp::parse_stats_json(R"({"memory":{"event_count":[1]}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "stats JSON: key \"memory.event_count\" is not an object");
}

TEST(parse_stats_json, schemata_as_one_string_is_split_into_lines) {
  auto s = runcpp::parse_stats_json(R"({"intel_rdt":{"schemata":"L3:0=ff\nMB:0=50\n"}})");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->intel_rdt->schemata, (std::vector<std::string>{"L3:0=ff", "MB:0=50"}));
}

struct type_error_case {
  const char* json;
  const char* message;
};

void PrintTo(const type_error_case& c, std::ostream* os) { *os << c.json; }

class stats_type_errors : public testing::TestWithParam<type_error_case> {};

TEST_P(stats_type_errors, name_the_key) {
  auto s = runcpp::parse_stats_json(GetParam().json);
  ASSERT_FALSE(s) << GetParam().json;
  EXPECT_EQ(s.error().code(), errc::parse_error);
  EXPECT_EQ(s.error().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    all_blocks, stats_type_errors,
    testing::Values(
        type_error_case{R"({"cpu":5})", R"(stats JSON: key "cpu" is not an object)"},
        type_error_case{R"({"cpu":{"usage":{"total":"1"}}})",
                        R"(stats JSON: key "cpu.usage.total" is not an unsigned integer)"},
        type_error_case{R"({"cpu":{"usage":{"total":-1}}})",
                        R"(stats JSON: key "cpu.usage.total" is not an unsigned integer)"},
        type_error_case{R"({"cpu":{"usage":{"total":1.5}}})",
                        R"(stats JSON: key "cpu.usage.total" is not an unsigned integer)"},
        type_error_case{R"({"cpu":{"usage":{"total":18446744073709551616}}})",
                        R"(stats JSON: key "cpu.usage.total" is not an unsigned integer)"},
        type_error_case{R"({"cpu":{"usage":{"percpu":[1,"x"]}}})",
                        R"(stats JSON: key "cpu.usage.percpu[1]" is not an unsigned integer)"},
        type_error_case{R"({"cpu":{"usage":{"percpu_user":{}}}})",
                        R"(stats JSON: key "cpu.usage.percpu_user" is not an array)"},
        type_error_case{R"({"cpu":{"throttling":{"throttledTime":true}}})",
                        R"(stats JSON: key "cpu.throttling.throttledTime" is not an unsigned integer)"},
        type_error_case{R"({"cpu":{"psi":{"some":{"avg10":"0.5"}}}})",
                        R"(stats JSON: key "cpu.psi.some.avg10" is not a number)"},
        type_error_case{R"({"cpu":{"psi":{"full":[]}}})",
                        R"(stats JSON: key "cpu.psi.full" is not an object)"},
        type_error_case{R"({"cpuset":{"cpus":[70000]}})",
                        R"(stats JSON: key "cpuset.cpus[0]" is not an unsigned 16-bit integer)"},
        type_error_case{R"({"cpuset":{"mems":[0,-1]}})",
                        R"(stats JSON: key "cpuset.mems[1]" is not an unsigned 16-bit integer)"},
        type_error_case{R"({"cpuset":{"sched_relax_domain_level":"x"}})",
                        R"(stats JSON: key "cpuset.sched_relax_domain_level" is not an integer)"},
        type_error_case{
            R"({"cpuset":{"sched_relax_domain_level":9223372036854775808}})",
            R"(stats JSON: key "cpuset.sched_relax_domain_level" is not a 64-bit signed integer)"},
        type_error_case{R"({"memory":{"cache":"1"}})",
                        R"(stats JSON: key "memory.cache" is not an unsigned integer)"},
        type_error_case{R"({"memory":{"kernelTCP":[]}})",
                        R"(stats JSON: key "memory.kernelTCP" is not an object)"},
        type_error_case{R"({"memory":{"swap":{"failcnt":1e3}}})",
                        R"(stats JSON: key "memory.swap.failcnt" is not an unsigned integer)"},
        type_error_case{R"({"memory":{"raw":{"cache":true}}})",
                        R"(stats JSON: key "memory.raw.cache" is not an unsigned integer)"},
        type_error_case{R"({"memory":{"psi":{"some":{"total":0.5}}}})",
                        R"(stats JSON: key "memory.psi.some.total" is not an unsigned integer)"},
        type_error_case{R"({"pids":{"limit":"max"}})",
                        R"(stats JSON: key "pids.limit" is not an unsigned integer)"},
        type_error_case{R"({"blkio":{"ioServiceBytesRecursive":{}}})",
                        R"(stats JSON: key "blkio.ioServiceBytesRecursive" is not an array)"},
        type_error_case{R"({"blkio":{"ioQueueRecursive":[{"major":8},{"op":1}]}})",
                        R"(stats JSON: key "blkio.ioQueueRecursive[1].op" is not a string)"},
        type_error_case{R"({"blkio":{"sectorsRecursive":[7]}})",
                        R"(stats JSON: key "blkio.sectorsRecursive[0]" is not an object)"},
        type_error_case{R"({"hugetlb":[]})", R"(stats JSON: key "hugetlb" is not an object)"},
        type_error_case{R"({"hugetlb":{"2MB":{"usage":"big"}}})",
                        R"(stats JSON: key "hugetlb.2MB.usage" is not an unsigned integer)"},
        type_error_case{R"({"hugetlb":{"a\u0001b":{"max":-2}}})",
                        R"(stats JSON: key "hugetlb.a?b.max" is not an unsigned integer)"},
        type_error_case{R"({"intel_rdt":{"l3_cache_info":{"cbm_mask":15}}})",
                        R"(stats JSON: key "intel_rdt.l3_cache_info.cbm_mask" is not a string)"},
        type_error_case{R"({"intel_rdt":{"mem_bw_schema":[]}})",
                        R"(stats JSON: key "intel_rdt.mem_bw_schema" is not a string)"},
        type_error_case{
            R"({"intel_rdt":{"mbm_stats":[{"mbm_total_bytes":-5}]}})",
            R"(stats JSON: key "intel_rdt.mbm_stats[0].mbm_total_bytes" is not an unsigned integer)"},
        type_error_case{R"({"intel_rdt":{"cmt_stats":{"llc_occupancy":1}}})",
                        R"(stats JSON: key "intel_rdt.cmt_stats" is not an array)"},
        type_error_case{R"({"intel_rdt":{"schemata":[1]}})",
                        R"(stats JSON: key "intel_rdt.schemata[0]" is not a string)"},
        type_error_case{R"({"network_interfaces":{}})",
                        R"(stats JSON: key "network_interfaces" is not an array)"},
        type_error_case{R"({"network_interfaces":[{"Name":5}]})",
                        R"(stats JSON: key "network_interfaces[0].Name" is not a string)"}));

TEST(parse_stats_json, the_first_error_is_reported) {
  auto s = runcpp::parse_stats_json(R"({"cpu":{"usage":{"total":"a"}},"pids":{"current":"b"}})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), R"(stats JSON: key "cpu.usage.total" is not an unsigned integer)");
}

TEST(parse_stats_json, not_an_object) {
  for (const char* text : {"", "null", "[]", "5", "\"x\"", "{", "{}x", "{\"cpu\":{}} {}"}) {
    auto s = runcpp::parse_stats_json(text);
    ASSERT_FALSE(s) << text;
    EXPECT_EQ(s.error().code(), errc::parse_error);
  }
  EXPECT_EQ(runcpp::parse_stats_json("[]").error().message(), "stats JSON: not a JSON object");
  EXPECT_EQ(runcpp::parse_stats_json("{").error().message(), "stats JSON: not valid JSON");
  // A NUL byte would end nlohmann's input early; it is rejected instead.
  EXPECT_FALSE(runcpp::parse_stats_json(std::string("{}\0{", 4)));
  EXPECT_TRUE(runcpp::parse_stats_json("{}"));
  EXPECT_TRUE(runcpp::parse_stats_json(" {}\r\n"));
}

TEST(parse_stats_json, deep_nesting_is_a_parse_error_past_the_limit) {
  auto nested = [](std::size_t depth) {  // {"future": depth levels of arrays}
    std::string s = "{\"future\":";
    s.append(depth, '[');
    s.append(depth, ']');
    s += '}';
    return s;
  };
  auto s = runcpp::parse_stats_json(nested(127));  // unknown key: ignored
  EXPECT_TRUE(s) << s.error().message();
  for (const std::size_t depth : {std::size_t{128}, std::size_t{100000}}) {
    auto deep = runcpp::parse_stats_json(nested(depth));
    ASSERT_FALSE(deep) << depth;
    EXPECT_EQ(deep.error().message(), "stats JSON: not valid JSON (nested more than 128 levels deep)");
  }
  EXPECT_FALSE(runcpp::parse_stats_json(std::string(100000, '[')));
}

TEST(stats, designated_initializers) {
  const stats s{.pids = stats::pids_t{.current = 3, .limit = {}},
                .hugetlb =
                    std::map<std::string, stats::hugetlb_t>{{"2MB", {.usage = 1, .max = 2, .failcnt = 0}}}};
  EXPECT_EQ(s.pids->current, 3u);
  EXPECT_EQ(s.hugetlb->at("2MB").max, 2u);
  EXPECT_FALSE(s.cpu);
}

// ---------------------------------------------------------------------------
// Events

TEST(parse_event_json, kinds) {
  EXPECT_EQ(runcpp::parse_event_type("stats"), event_type::stats);
  EXPECT_EQ(runcpp::parse_event_type("oom"), event_type::oom);
  EXPECT_EQ(runcpp::parse_event_type("error"), event_type::other);
  EXPECT_EQ(runcpp::parse_event_type("Stats"), event_type::other);
  EXPECT_EQ(runcpp::parse_event_type(""), event_type::other);
}

TEST(parse_event_json, envelope_rules) {
  auto no_data = runcpp::parse_event_json(R"({"type":"stats","id":"a","data":null})");
  ASSERT_TRUE(no_data) << no_data.error().message();
  EXPECT_FALSE(no_data->data);

  // Other event types: data is not a stats object and is left alone.
  auto other = runcpp::parse_event_json(R"({"type":"intelrdt","id":"a","data":[1,2]})");
  ASSERT_TRUE(other) << other.error().message();
  EXPECT_EQ(other->kind(), event_type::other);
  EXPECT_EQ(other->type, "intelrdt");
  EXPECT_FALSE(other->data);

  auto no_id = runcpp::parse_event_json(R"({"type":"oom"})");
  ASSERT_TRUE(no_id) << no_id.error().message();
  EXPECT_EQ(no_id->id, "");

  auto unknown = runcpp::parse_event_json(R"({"time":"now","type":"oom","id":"b","extra":{"x":[]}})");
  ASSERT_TRUE(unknown) << unknown.error().message();
  EXPECT_EQ(unknown->id, "b");
}

TEST(parse_event_json, errors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "event JSON: not valid JSON"},
      {"{\"type\":\"oom\"", "event JSON: not valid JSON"},
      {"[]", "event JSON: not a JSON object"},
      {R"({"id":"x"})", R"(event JSON: key "type" is missing)"},
      {R"({"type":null,"id":"x"})", R"(event JSON: key "type" is missing)"},
      {R"({"type":5,"id":"x"})", R"(event JSON: key "type" is not a string)"},
      {R"({"type":"oom","id":7})", R"(event JSON: key "id" is not a string)"},
      {R"({"type":"stats","id":"x","data":[]})", R"(event JSON: key "data" is not an object)"},
      {R"({"type":"stats","id":"x","data":{"pids":{"current":"1"}}})",
       R"(event JSON: key "data.pids.current" is not an unsigned integer)"},
      {R"({"type":"stats","id":"x","data":{"blkio":{"ioTimeRecursive":[{"value":-1}]}}})",
       R"(event JSON: key "data.blkio.ioTimeRecursive[0].value" is not an unsigned integer)"},
  };
  for (const auto& [text, message] : cases) {
    auto e = runcpp::parse_event_json(text);
    ASSERT_FALSE(e) << text;
    EXPECT_EQ(e.error().code(), errc::parse_error);
    EXPECT_EQ(e.error().message(), message);
  }
}

// The decoder parses with RapidJSON; these pin what the earlier nlohmann-based
// decoder did with duplicate keys (the last one wins) and number edges.
TEST(parse_stats_json, duplicate_keys_keep_the_last_value) {
  auto s = runcpp::parse_stats_json(R"({"pids":{"current":1,"current":2},"pids":{"current":3}})");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->pids->current, 3u);
  EXPECT_FALSE(s->pids->limit);

  auto hidden =
      runcpp::parse_stats_json(R"({"hugetlb":{"2MB":{"usage":"bad"},"1GB":{"usage":1},"2MB":{"usage":4}}})");
  ASSERT_TRUE(hidden) << hidden.error().message();
  ASSERT_TRUE(hidden->hugetlb);
  EXPECT_EQ(hidden->hugetlb->size(), 2u);
  EXPECT_EQ(hidden->hugetlb->at("2MB").usage, 4u);

  auto counters =
      runcpp::parse_stats_json(R"({"memory":{"event_count":{"a":1,"a":"x","b":"y","b":2,"c":3,"c":4}}})");
  ASSERT_TRUE(counters) << counters.error().message();
  EXPECT_EQ(*counters->memory->event_count, (std::map<std::string, std::uint64_t>{{"b", 2}, {"c", 4}}));
}

TEST(parse_stats_json, map_errors_name_the_first_bad_key_in_key_order) {
  auto s =
      runcpp::parse_stats_json(R"({"hugetlb":{"zz":{"usage":"x"},"1GB":{"usage":1},"aa":{"usage":-1}}})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "stats JSON: key \"hugetlb.aa.usage\" is not an unsigned integer");
  auto raw = runcpp::parse_stats_json(R"({"memory":{"raw":{"b":"y","a":true}}})");
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().message(), "stats JSON: key \"memory.raw.a\" is not an unsigned integer");
}

TEST(parse_stats_json, case_insensitive_keys_prefer_exact_then_key_order) {
  auto s = runcpp::parse_stats_json(
      R"({"network_interfaces":[{"nAme":"m","NAME":"u","rxbytes":1,"RXBYTES":2},{"name":"l","Name":"exact"}]})");
  ASSERT_TRUE(s) << s.error().message();
  ASSERT_EQ(s->network_interfaces->size(), 2u);
  const auto& first = (*s->network_interfaces)[0];
  EXPECT_EQ(first.name, "u");     // key "NAME" < "nAme" in byte order
  EXPECT_EQ(first.rx_bytes, 2u);  // "RXBYTES" < "rxbytes"
  EXPECT_EQ((*s->network_interfaces)[1].name, "exact");
}

TEST(parse_stats_json, a_zero_with_a_large_exponent_is_zero) {
  // Found by fuzzing: RapidJSON 1.1.0 took __builtin_clzll(0) for "0e50".
  for (const char* zero :
       {"0e50", "-0e50", "0.000E+400", "-0.0e-99", "0e5", "0.00000000000000000000000000", "-0.0"}) {
    const std::string text = std::string(R"({"cpu":{"psi":{"some":{"avg10":)") + zero + R"(,"total":1}}}})";
    auto r = runcpp::parse_stats_json(text);
    ASSERT_TRUE(r) << zero << ": " << r.error().message();
    EXPECT_EQ(*r->cpu->psi->some->avg10, 0.0) << zero;
    EXPECT_EQ(r->cpu->psi->some->total, 1u) << zero;
  }
  // Only well-formed numbers are rewritten: these stay errors.
  // RapidJSON converted the number before finding what follows it: "0e50e5".
  for (const char* bad : {"0e", "0.e5", "00e5", "0e5.3", "-e5", "0e50e5", "0e250e1", "0e2e50", "0e0e66"}) {
    const std::string text = std::string(R"({"cpu":{"psi":{"some":{"avg10":)") + bad + "}}}}";
    EXPECT_FALSE(runcpp::parse_stats_json(text)) << bad;
  }
  // A string that looks like such a number is left alone.
  auto key = runcpp::parse_stats_json(R"({"memory":{"raw":{"0e50":7}}})");
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(key->memory->raw->at("0e50"), 7u);
}

TEST(parse_stats_json, numbers_at_the_edges) {
  auto big = runcpp::parse_stats_json(R"({"pids":{"current":18446744073709551616}})");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message(), "stats JSON: key \"pids.current\" is not an unsigned integer");
  auto huge = runcpp::parse_stats_json(R"({"pids":{"current":1e400}})");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().message(), "stats JSON: not valid JSON");
  // -0 reads as 0 (nlohmann read it as a signed 0, which unsigned fields refused).
  auto zero = runcpp::parse_stats_json(R"({"pids":{"current":-0}})");
  ASSERT_TRUE(zero) << zero.error().message();
  EXPECT_EQ(zero->pids->current, 0u);
  auto fraction =
      runcpp::parse_stats_json(R"({"cpu":{"psi":{"some":{"avg10":0.1000000000000000055511151231257827}}}})");
  ASSERT_TRUE(fraction) << fraction.error().message();
  EXPECT_EQ(fraction->cpu->psi->some->avg10, 0.1);  // full precision: the nearest double
}

TEST(parse_stats_json, long_significands_convert_to_the_nearest_double) {
  // Found by fuzzing: RapidJSON 1.1.0's own full-precision conversion took
  // __builtin_clzll(0) on this input (UBSan); numbers are now converted by
  // std::from_chars.
  const std::string crash =
      R"({"t":"stats","id":1.8446744073709551615,"fype":"stats","id":1.844674407370955161551615,"fype"a"")";
  EXPECT_FALSE(runcpp::parse_event_json(crash));
  EXPECT_FALSE(runcpp::parse_stats_json(crash));
  const std::pair<const char*, double> cases[] = {
      {"1.844674407370955161551615", 1.8446744073709551},
      {"1.8446744073709551615", 1.8446744073709551},
      {"18446744073709551616", 18446744073709551616.0},
      {"123456789012345678901234567890e-29", 1.2345678901234568},
      {"0.000000000000000000000000000001234567890123456789", 1.2345678901234568e-30},
      {"2.2250738585072011e-308", 2.2250738585072009e-308},
      {"4.9e-324", 4.9406564584124654e-324},
      {"1.7976931348623157e308", 1.7976931348623157e308},
      {"1e-400", 0.0},
      {"100000e-330", 0.0},
      {"-2e-324", -0.0},
      {"1000000000000000e-1000000000000000000000", 0.0},  // the exponent saturates
  };
  for (const auto& [text, expected] : cases) {
    auto r = runcpp::parse_stats_json(std::string(R"({"cpu":{"psi":{"some":{"avg10":)") + text + "}}}}");
    ASSERT_TRUE(r) << text << ": " << r.error().message();
    EXPECT_EQ(*r->cpu->psi->some->avg10, expected) << text;
    EXPECT_EQ(std::signbit(*r->cpu->psi->some->avg10), std::signbit(expected)) << text;
  }
  // Beyond the finite range: not valid JSON, whatever the exponent's sign.
  // The last: 1e9, but RapidJSON's grammar pass refuses an integer part this
  // long (a documented difference from nlohmann; runc never prints one).
  const std::vector<std::string> too_large = {"1.7976931348623159e308",
                                              "-1e309",
                                              "10e308",
                                              "0.0000001e316",
                                              std::string(400, '9'),
                                              "1" + std::string(400, '0') + "e-50",
                                              "1" + std::string(309, '0') + "e-300"};
  for (const auto& text : too_large) {
    auto r = runcpp::parse_stats_json(R"({"cpu":{"psi":{"some":{"avg10":)" + text + "}}}}");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().message(), "stats JSON: not valid JSON") << text;
  }
}

}  // namespace
