#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "env.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

using strings = std::vector<std::string>;

TEST(build_environment, strips_notify_socket) {
  strings base{"A=1", "NOTIFY_SOCKET=/run/systemd/notify", "B=2"};
  EXPECT_THAT(build_environment(base, {}, {}), ElementsAre("A=1", "B=2"));
}

TEST(build_environment, extras_appended_config_then_call) {
  strings base{"A=1"}, cfg{"B=2"}, call{"C=3"};
  EXPECT_THAT(build_environment(base, cfg, call), ElementsAre("A=1", "B=2", "C=3"));
}

TEST(build_environment, last_value_wins_at_its_position) {
  // go-runc's TestCommandExtraEnv: the injected value is the last entry.
  strings base{"GO_RUNC_TEST=inherited", "PATH=/bin"}, call{"GO_RUNC_TEST=injected"};
  EXPECT_THAT(build_environment(base, {}, call), ElementsAre("PATH=/bin", "GO_RUNC_TEST=injected"));
  strings cfg{"K=cfg"}, call2{"K=call"};
  EXPECT_THAT(build_environment(strings{"K=base"}, cfg, call2), ElementsAre("K=call"));
}

TEST(build_environment, notify_socket_can_be_set_explicitly) {
  strings call{"NOTIFY_SOCKET=/mine"};
  EXPECT_THAT(build_environment(strings{"NOTIFY_SOCKET=/inherited"}, {}, call),
              ElementsAre("NOTIFY_SOCKET=/mine"));
}

TEST(build_environment, drops_entries_without_equals_and_keeps_empty_values) {
  strings base{"JUNK", "E=", "=weird"};
  EXPECT_THAT(build_environment(base, {}, {}), ElementsAre("E=", "=weird"));
}

TEST(find_executable, path_search_uses_the_given_environment) {
  strings env{"PATH=/nonexistent:/bin"};
  auto r = find_executable("sh", env);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, "/bin/sh");
}

TEST(find_executable, missing_is_spawn_failed_with_enoent) {
  strings env{"PATH=/nonexistent"};
  auto r = find_executable("definitely-not-a-runtime", env);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::spawn_failed);
  EXPECT_EQ(r.error().cause(), std::errc::no_such_file_or_directory);
  EXPECT_THAT(r.error().message(), ::testing::HasSubstr("definitely-not-a-runtime"));
}

TEST(find_executable, slash_path_is_checked_not_searched) {
  auto r = find_executable("/nonexistent/runc", strings{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::spawn_failed);
  EXPECT_THAT(r.error().message(), ::testing::HasSubstr("/nonexistent/runc"));
}

}  // namespace
}  // namespace runcpp::detail
