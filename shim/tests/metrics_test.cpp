#include "metrics.hpp"

#include <gtest/gtest.h>

#include "proto.hpp"

namespace runcpp::shim {
namespace {

TEST(ShimMetrics, CopiesWhatRuncReported) {
  // A cgroup v1 sample as `runc events --stats` prints it (trimmed).
  auto s = runcpp::parse_stats_json(R"({
    "cpu":{"usage":{"total":900,"percpu":[400,500],"kernel":300,"user":600},
           "throttling":{"periods":7,"throttledPeriods":2,"throttledTime":55}},
    "memory":{"cache":4096,"usage":{"limit":16777216,"usage":1048576,"max":2097152,"failcnt":3},
              "swap":{"limit":33554432,"usage":1048577},"kernel":{"usage":8192},
              "raw":{"rss":12288,"pgfault":99,"total_rss":12289,"hierarchical_memsw_limit":5,"unknown":1}},
    "pids":{"current":2,"limit":64},
    "blkio":{"ioServiceBytesRecursive":[{"major":8,"minor":0,"op":"Read","value":512}]},
    "hugetlb":{"2MB":{"usage":0,"max":4194304,"failcnt":1}}})");
  ASSERT_TRUE(s) << s.error().message();
  const auto m = to_metrics(*s);
  EXPECT_EQ(m.cpu().usage().total(), 900u);
  ASSERT_EQ(m.cpu().usage().per_cpu_size(), 2);
  EXPECT_EQ(m.cpu().usage().per_cpu(1), 500u);
  EXPECT_EQ(m.cpu().usage().kernel(), 300u);
  EXPECT_EQ(m.cpu().usage().user(), 600u);
  EXPECT_EQ(m.cpu().throttling().throttled_periods(), 2u);
  EXPECT_EQ(m.cpu().throttling().throttled_time(), 55u);
  EXPECT_EQ(m.memory().cache(), 4096u);
  EXPECT_EQ(m.memory().usage().limit(), 16777216u);
  EXPECT_EQ(m.memory().usage().usage(), 1048576u);
  EXPECT_EQ(m.memory().usage().max(), 2097152u);
  EXPECT_EQ(m.memory().usage().failcnt(), 3u);
  EXPECT_EQ(m.memory().swap().usage(), 1048577u);
  EXPECT_EQ(m.memory().kernel().usage(), 8192u);
  EXPECT_FALSE(m.memory().has_kernel_tcp());
  EXPECT_EQ(m.memory().rss(), 12288u);
  EXPECT_EQ(m.memory().pg_fault(), 99u);
  EXPECT_EQ(m.memory().total_rss(), 12289u);
  EXPECT_EQ(m.memory().hierarchical_swap_limit(), 5u);
  EXPECT_EQ(m.pids().current(), 2u);
  EXPECT_EQ(m.pids().limit(), 64u);
  ASSERT_EQ(m.blkio().io_service_bytes_recursive_size(), 1);
  const auto& b = m.blkio().io_service_bytes_recursive(0);
  EXPECT_EQ(b.op(), "Read");
  EXPECT_EQ(b.major(), 8u);
  EXPECT_EQ(b.value(), 512u);
  ASSERT_EQ(m.hugetlb_size(), 1);
  EXPECT_EQ(m.hugetlb(0).pagesize(), "2MB");
  EXPECT_EQ(m.hugetlb(0).max(), 4194304u);
  EXPECT_EQ(m.hugetlb(0).failcnt(), 1u);
}

TEST(ShimMetrics, WhatIsNotReportedStaysUnset) {
  auto s = runcpp::parse_stats_json(R"({"pids":{"current":1}})");
  ASSERT_TRUE(s);
  const auto m = to_metrics(*s);
  EXPECT_FALSE(m.has_cpu());
  EXPECT_FALSE(m.has_memory());
  EXPECT_FALSE(m.has_blkio());
  EXPECT_EQ(m.hugetlb_size(), 0);
  EXPECT_EQ(m.pids().current(), 1u);
  EXPECT_EQ(m.pids().limit(), 0u);
}

TEST(ShimMetrics, PackedUnderContainerdsTypeUrl) {
  EXPECT_EQ(pack(to_metrics({})).type_url(), "io.containerd.cgroups.v1.Metrics");
}

}  // namespace
}  // namespace runcpp::shim
