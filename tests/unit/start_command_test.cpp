#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

TEST(start_args, is_start_id) { EXPECT_THAT(start_args("id1"), ElementsAre("start", "id1")); }
TEST(state_args, is_state_id) { EXPECT_THAT(state_args("id1"), ElementsAre("state", "id1")); }
TEST(list_args, json_format_is_one_token) { EXPECT_THAT(list_args(), ElementsAre("list", "--format=json")); }
TEST(pause_args, is_pause_id) { EXPECT_THAT(pause_args("id1"), ElementsAre("pause", "id1")); }
TEST(resume_args, is_resume_id) { EXPECT_THAT(resume_args("id1"), ElementsAre("resume", "id1")); }
TEST(version_args, is_dash_dash_version) { EXPECT_THAT(version_args(), ElementsAre("--version")); }
TEST(features_args, is_features) { EXPECT_THAT(features_args(), ElementsAre("features")); }

}  // namespace
}  // namespace runcpp::detail
