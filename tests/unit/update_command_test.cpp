#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

// --resources=- as one token (go-runc PR #71).
TEST(update_args, resources_from_stdin) {
  EXPECT_THAT(update_args("id1", {}), ElementsAre("update", "--resources=-", "id1"));
}

TEST(update_args, rdt_schemas_and_extra) {
  update_options o{.l3_cache_schema = "L3:0=ff", .mem_bw_schema = "MB:0=70", .extra_args = {"--x"}};
  EXPECT_THAT(update_args("id1", o), ElementsAre("update", "--resources=-", "--l3-cache-schema", "L3:0=ff",
                                                 "--mem-bw-schema", "MB:0=70", "--x", "id1"));
}

}  // namespace
}  // namespace runcpp::detail
