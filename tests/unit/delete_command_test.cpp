#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

TEST(delete_args, plain) { EXPECT_THAT(delete_args("id1", {}), ElementsAre("delete", "id1")); }
TEST(delete_args, force_and_extra_before_id) {
  EXPECT_THAT(delete_args("id1", {.force = true, .extra_args = {"--x"}}),
              ElementsAre("delete", "--force", "--x", "id1"));
}

}  // namespace
}  // namespace runcpp::detail
