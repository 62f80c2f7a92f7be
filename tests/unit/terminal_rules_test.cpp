// runc's terminal rules, checked before spawning (peers.md §6.8).
#include <gtest/gtest.h>

#include <fstream>

#include "command.hpp"
#include "support/hygiene.hpp"

namespace runcpp::detail {
namespace {

TEST(check_terminal, runc_rules) {
  // terminal, detached, console socket -> allowed?
  EXPECT_TRUE(check_terminal(false, false, false));
  EXPECT_TRUE(check_terminal(false, true, false));
  EXPECT_TRUE(check_terminal(true, true, true));
  EXPECT_TRUE(check_terminal(true, false, false));  // foreground: runc makes its own pty
  for (auto [t, d, s] : {std::tuple{true, true, false}, std::tuple{false, true, true},
                         std::tuple{false, false, true}, std::tuple{true, false, true}}) {
    auto r = check_terminal(t, d, s);
    ASSERT_FALSE(r) << t << d << s;
    EXPECT_EQ(r.error().code(), errc::invalid_argument);
  }
}

TEST(bundle_terminal, reads_process_terminal) {
  testing::temp_dir dir;
  auto write = [&](const char* json) { std::ofstream(dir.path() / "config.json") << json; };
  write(R"({"process":{"terminal":true,"args":["sh"]}})");
  EXPECT_EQ(bundle_terminal(dir.path(), {}), true);
  write(R"({"process":{"args":["sh"]}})");
  EXPECT_EQ(bundle_terminal(dir.path(), {}), false);
  write(R"({"process":{"terminal":"yes"}})");
  EXPECT_EQ(bundle_terminal(dir.path(), {}), std::nullopt);
  write("not json");
  EXPECT_EQ(bundle_terminal(dir.path(), {}), std::nullopt);
  EXPECT_EQ(bundle_terminal(dir.path() / "missing", {}), std::nullopt);
  write(R"({"process":{"terminal":true}})");
  EXPECT_EQ(bundle_terminal(dir.path().filename(), dir.path().parent_path()), true);  // relative to work_dir
}

}  // namespace
}  // namespace runcpp::detail
