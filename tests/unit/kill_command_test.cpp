#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

TEST(kill_args, id_then_decimal_signal) {
  EXPECT_THAT(kill_args("id1", 9, {}), ElementsAre("kill", "id1", "9"));
}
TEST(kill_args, flags_before_positionals) {
  // runc kill stops parsing flags at the first positional argument.
  EXPECT_THAT(kill_args("id1", 15, {.all = true, .extra_args = {"--x"}}),
              ElementsAre("kill", "--all", "--x", "id1", "15"));
}

}  // namespace
}  // namespace runcpp::detail
