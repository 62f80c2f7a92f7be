// Where per-call files go: $XDG_RUNTIME_DIR, $TMPDIR, /tmp, skipping a variable
// that names no directory (a logged-out session's XDG_RUNTIME_DIR).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/env_override.hpp"
#include "support/hygiene.hpp"
#include "temp_file.hpp"

namespace runcpp::detail {
namespace {

using testing::env_override;

TEST(runtime_dir, prefers_xdg_runtime_dir_then_tmpdir) {
  testing::temp_dir xdg, tmp;
  env_override x("XDG_RUNTIME_DIR", xdg.path().string());
  env_override t("TMPDIR", tmp.path().string());
  EXPECT_EQ(runtime_dir(), xdg.path().string());
}

TEST(runtime_dir, a_missing_xdg_runtime_dir_falls_back_to_tmpdir_then_tmp) {
  testing::temp_dir tmp;
  env_override x("XDG_RUNTIME_DIR", (tmp.path() / "gone").string());
  {
    env_override t("TMPDIR", tmp.path().string());
    EXPECT_EQ(runtime_dir(), tmp.path().string());
    auto file = temp_file::create("runcpp-test-", "x");
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ(std::filesystem::path(file->path()).parent_path(), tmp.path());
  }
  env_override t("TMPDIR", (tmp.path() / "also-gone").string());
  EXPECT_EQ(runtime_dir(), "/tmp");
}

}  // namespace
}  // namespace runcpp::detail
