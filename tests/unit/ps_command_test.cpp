#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

TEST(ps_args, json_format) { EXPECT_THAT(ps_args("id1"), ElementsAre("ps", "--format", "json", "id1")); }

TEST(top_args, no_ps_options_means_no_empty_argument) {
  // go-runc always appends one element, even "" (ps then fails: garbage option).
  EXPECT_THAT(top_args("id1", {}), ElementsAre("ps", "--format", "table", "id1"));
}

TEST(top_args, each_ps_option_is_its_own_element) {
  std::vector<std::string> opts{"-o", "pid,comm"};
  EXPECT_THAT(top_args("id1", opts), ElementsAre("ps", "--format", "table", "id1", "-o", "pid,comm"));
}

}  // namespace
}  // namespace runcpp::detail
