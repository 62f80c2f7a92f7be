#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

TEST(run_args, minimal) {
  EXPECT_THAT(run_args("id1", "/b", {}), ElementsAre("run", "--bundle", "/b", "id1"));
}

TEST(run_args, every_option) {
  run_options o{.pid_file = "/p.pid",
                .no_pivot = true,
                .no_new_keyring = true,
                .detach = true,
                .keep = true,
                .no_subreaper = true,
                .extra_args = {"--e"}};
  // --no-subreaper with two dashes (go-runc's restore uses one).
  EXPECT_THAT(run_args("id1", "/b", o),
              ElementsAre("run", "--bundle", "/b", "--pid-file", "/p.pid", "--no-pivot", "--no-new-keyring",
                          "--detach", "--keep", "--no-subreaper", "--e", "id1"));
}

}  // namespace
}  // namespace runcpp::detail
