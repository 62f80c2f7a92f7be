#include "exits.hpp"

#include <gtest/gtest.h>

namespace runcpp::shim {
namespace {

using namespace std::chrono_literals;
const auto t0 = std::chrono::system_clock::time_point(1000s);
const process_key init{"c1", ""};
const process_key exec1{"c1", "e1"};

std::vector<process_key> keys(const std::vector<reported_exit>& v) {
  std::vector<process_key> out;
  for (const auto& e : v) out.push_back(e.key);
  return out;
}

TEST(ShimExits, ExitBeforePidKnownIsKept) {
  exit_ledger l;
  l.exited(42, 3, t0);  // the process ran and ended before runc exec returned
  EXPECT_TRUE(l.take_reportable().empty());
  l.track(exec1, 42, false);
  auto r = l.take_reportable();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].key, exec1);
  EXPECT_EQ(r[0].exit, (exit_info{42, 3, t0}));
}

TEST(ShimExits, ExecExitReportedBeforeInitExit) {
  exit_ledger l;
  l.track(init, 10, false);
  l.track(exec1, 20, false);
  l.exited(10, 137, t0);  // the reaper saw the init first
  EXPECT_TRUE(l.take_reportable().empty());
  EXPECT_TRUE(l.init_exited("c1"));
  l.exited(20, 137, t0 + 1s);
  EXPECT_EQ(keys(l.take_reportable()), (std::vector<process_key>{exec1, init}));
}

TEST(ShimExits, ExecsOfOtherContainersDoNotHoldTheInit) {
  exit_ledger l;
  l.track(init, 10, false);
  l.track({"c2", "e"}, 30, false);
  l.exited(10, 0, t0);
  EXPECT_EQ(keys(l.take_reportable()), (std::vector<process_key>{init}));
}

TEST(ShimExits, OutputDrainedBeforeTheExitIsReported) {
  exit_ledger l;
  l.track(init, 10, true);
  l.exited(10, 0, t0);
  EXPECT_TRUE(l.take_reportable().empty());
  EXPECT_EQ(l.awaiting_io(), (std::vector<process_key>{init}));
  l.io_drained(init);
  EXPECT_EQ(keys(l.take_reportable()), (std::vector<process_key>{init}));
  EXPECT_TRUE(l.awaiting_io().empty());
}

TEST(ShimExits, EachExitReportedOnceAndQueryableAfter) {
  exit_ledger l;
  l.track(init, 10, false);
  EXPECT_TRUE(l.running(init));
  EXPECT_FALSE(l.reported(init));
  l.exited(10, 130, t0);
  EXPECT_FALSE(l.running(init));
  EXPECT_EQ(l.take_reportable().size(), 1u);
  EXPECT_TRUE(l.take_reportable().empty());
  ASSERT_TRUE(l.reported(init));
  EXPECT_EQ(l.reported(init)->status, 130u);
  EXPECT_EQ(l.pid(init), 10);
  l.forget(init);
  EXPECT_FALSE(l.reported(init));
  EXPECT_EQ(l.pid(init), 0);
}

TEST(ShimExits, UnknownExitsAreBounded) {
  exit_ledger l(2);
  l.exited(1, 1, t0);
  l.exited(2, 2, t0);
  l.exited(3, 3, t0);  // drops pid 1
  l.track({"a", ""}, 1, false);
  l.track({"b", ""}, 3, false);
  EXPECT_EQ(keys(l.take_reportable()), (std::vector<process_key>{{"b", ""}}));
}

TEST(ShimExits, SecondExitOfARecycledPidGoesToTheNewProcess) {
  exit_ledger l;
  l.track(init, 10, false);
  l.exited(10, 0, t0);
  l.track(exec1, 10, false);  // pid reused by a later exec
  l.exited(10, 5, t0 + 1s);
  auto r = l.take_reportable();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].key, exec1);
  EXPECT_EQ(r[0].exit.status, 5u);
  EXPECT_EQ(r[1].exit.status, 0u);
}

}  // namespace
}  // namespace runcpp::shim
