#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

TEST(create_args, minimal_is_bundle_then_id) {
  EXPECT_THAT(create_args("id1", "/bundle", {}), ElementsAre("create", "--bundle", "/bundle", "id1"));
}

// go-runc's probed order, minus the flags of the IO issue (console/pidfd
// socket, preserve-fds) and minus --detach, which runc's create rejects.
TEST(create_args, every_option_in_go_runc_order) {
  create_options o{.pid_file = "/abs/rel.pid",
                   .no_pivot = true,
                   .no_new_keyring = true,
                   .extra_args = {"--e"}};
  EXPECT_THAT(create_args("id1", "/bundle", o),
              ElementsAre("create", "--bundle", "/bundle", "--pid-file", "/abs/rel.pid", "--no-pivot",
                          "--no-new-keyring", "--e", "id1"));
}

TEST(create_args, pid_file_is_made_absolute_bundle_is_not) {
  auto a = create_args("id1", "rel-bundle", {.pid_file = "rel.pid"});
  EXPECT_THAT(a, ElementsAre("create", "--bundle", "rel-bundle", "--pid-file",
                             (std::filesystem::current_path() / "rel.pid").string(), "id1"));
}

TEST(create_args, preserve_fds_counts_extra_files) {
  EXPECT_THAT(create_args("c", "/b", {.extra_files = {5, 6, 9}}),
              ElementsAre("create", "--bundle", "/b", "--preserve-fds", "3", "c"));
}

TEST(create_args, extra_args_only) {
  EXPECT_THAT(create_args("c", "/b", {.extra_args = {"--other"}}),
              ElementsAre("create", "--bundle", "/b", "--other", "c"));
}

}  // namespace
}  // namespace runcpp::detail
