// Global flags: go-runc's exact order (go-runc-api.md §2.2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command.hpp"
#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(global_args, default_config_adds_nothing) { EXPECT_THAT(global_args(config{}), IsEmpty()); }

TEST(global_args, every_flag_in_go_runc_order) {
  config c{.command = "runc",
           .root = "/run/r",
           .log = "/l.json",
           .log_format = log_format::json,
           .debug = true,
           .systemd_cgroup = true,
           .rootless = rootless_mode::enabled,
           .extra_args = {"--x-global"}};
  EXPECT_THAT(global_args(c), ElementsAre("--root", "/run/r", "--debug", "--log", "/l.json", "--log-format",
                                          "json", "--systemd-cgroup", "--rootless=true", "--x-global"));
}

TEST(global_args, rootless_is_tri_state) {
  EXPECT_THAT(global_args(config{.rootless = rootless_mode::disabled}), ElementsAre("--rootless=false"));
  EXPECT_THAT(global_args(config{.rootless = rootless_mode::automatic}), IsEmpty());
}

TEST(global_args, log_format_without_log_is_still_emitted) {
  EXPECT_THAT(global_args(config{.log_format = log_format::text}), ElementsAre("--log-format", "text"));
}

TEST(global_args, per_call_log_replaces_config_log_never_two) {
  config c{.log = "/tmp/runc.log"};
  EXPECT_THAT(global_args(c, "/tmp/exec.log"), ElementsAre("--log", "/tmp/exec.log"));
  EXPECT_THAT(global_args(c), ElementsAre("--log", "/tmp/runc.log"));
  EXPECT_THAT(global_args(config{}, "/tmp/exec.log", log_format::json),
              ElementsAre("--log", "/tmp/exec.log", "--log-format", "json"));
}

TEST(argv_builder, skips_empty_values_and_joins) {
  auto a = std::move(argv_builder("x")
                         .option("--a", "")
                         .option("--b", "1")
                         .joined("--c=", "")
                         .joined("--d=", "2")
                         .flag("--e", false)
                         .flag("--f", true))
               .take();
  EXPECT_THAT(a, ElementsAre("x", "--b", "1", "--d=2", "--f"));
}

TEST(argv_builder, absolute_resolves_relative_to_cwd) {
  auto a = std::move(argv_builder().absolute("--pid-file", "rel.pid")).take();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1], (std::filesystem::current_path() / "rel.pid").string());
}

}  // namespace
}  // namespace runcpp::detail
