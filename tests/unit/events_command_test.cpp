#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <runcpp/events.hpp>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

TEST(events_args, sub_second_interval_is_not_truncated) {
  // go-runc sends --interval=0s for 250ms (its issue #53).
  EXPECT_THAT(events_args("id1", 250ms), ElementsAre("events", "--interval=250ms", "id1"));
  EXPECT_THAT(events_args("id1", 5s), ElementsAre("events", "--interval=5s", "id1"));
}

TEST(stats_args, is_events_stats) { EXPECT_THAT(stats_args("id1"), ElementsAre("events", "--stats", "id1")); }

TEST(format_go_duration, seconds_or_milliseconds) {
  EXPECT_EQ(format_go_duration(1s), "1s");
  EXPECT_EQ(format_go_duration(90s), "90s");
  EXPECT_EQ(format_go_duration(1500ms), "1500ms");
  EXPECT_EQ(format_go_duration(1ms), "1ms");
}

}  // namespace
}  // namespace runcpp::detail
