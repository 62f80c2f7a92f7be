// checkpoint and restore argv (criu flags shared, restore limited to its own).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

TEST(checkpoint_args, minimal) { EXPECT_THAT(checkpoint_args("id1", {}), ElementsAre("checkpoint", "id1")); }

// go-runc's probed full example, plus the flags go-runc lacks.
TEST(checkpoint_args, every_option_in_go_runc_order) {
  checkpoint_options o{.image_path = "/img",
                       .work_path = "/wp",
                       .parent_path = "../parent",
                       .leave_running = true,
                       .tcp_established = true,
                       .tcp_skip_in_flight = true,
                       .link_remap = true,
                       .ext_unix_sk = true,
                       .shell_job = true,
                       .lazy_pages = true,
                       .status_fd = 9,
                       .page_server = "1.2.3.4:27",
                       .file_locks = true,
                       .pre_dump = true,
                       .manage_cgroups_mode = cgroups_mode::soft,
                       .empty_ns = {"network", "ipc"},
                       .auto_dedup = true,
                       .extra_args = {"--e"}};
  EXPECT_THAT(checkpoint_args("id1", o),
              ElementsAre("checkpoint", "--image-path", "/img", "--work-path", "/wp", "--parent-path",
                          "../parent", "--tcp-established", "--ext-unix-sk", "--shell-job", "--page-server",
                          "1.2.3.4:27", "--file-locks", "--manage-cgroups-mode", "soft", "--empty-ns",
                          "network", "--empty-ns", "ipc", "--lazy-pages", "--tcp-skip-in-flight",
                          "--link-remap", "--auto-dedup", "--e", "--status-fd", "3", "--leave-running",
                          "--pre-dump", "id1"));
}

TEST(checkpoint_args, every_cgroups_mode) {
  for (auto [mode, name] : {std::pair{cgroups_mode::full, "full"}, std::pair{cgroups_mode::strict, "strict"},
                            std::pair{cgroups_mode::ignore, "ignore"}})
    EXPECT_THAT(checkpoint_args("c", {.manage_cgroups_mode = mode}),
                ElementsAre("checkpoint", "--manage-cgroups-mode", name, "c"));
}

TEST(restore_args, minimal_is_bundle_then_id) {
  EXPECT_THAT(restore_args("id1", "/b", {}), ElementsAre("restore", "--bundle", "/b", "id1"));
}

TEST(restore_args, every_option) {
  restore_options o{.image_path = "/img",
                    .work_path = "/wp",
                    .tcp_established = true,
                    .ext_unix_sk = true,
                    .shell_job = true,
                    .file_locks = true,
                    .manage_cgroups_mode = cgroups_mode::strict,
                    .empty_ns = {"network"},
                    .auto_dedup = true,
                    .lazy_pages = true,
                    .detach = true,
                    .pid_file = "/r.pid",
                    .no_pivot = true,
                    .no_subreaper = true,
                    .lsm_profile = "apparmor:p",
                    .lsm_mount_context = "ctx",
                    .extra_args = {"--e"}};
  auto a = restore_args("id1", "/b", o);
  EXPECT_THAT(a, ElementsAre("restore", "--image-path", "/img", "--work-path", "/wp", "--tcp-established",
                             "--ext-unix-sk", "--shell-job", "--file-locks", "--manage-cgroups-mode",
                             "strict", "--empty-ns", "network", "--lazy-pages", "--auto-dedup", "--detach",
                             "--pid-file", "/r.pid", "--no-pivot", "--no-subreaper", "--lsm-profile",
                             "apparmor:p", "--lsm-mount-context", "ctx", "--e", "--bundle", "/b", "id1"));
  // runc 1.1.5's restore rejects these; restore_options cannot express them.
  for (const char* checkpoint_only :
       {"--parent-path", "--page-server", "--status-fd", "--leave-running", "--pre-dump", "-no-subreaper"})
    EXPECT_THAT(a, Not(Contains(checkpoint_only)));
}

}  // namespace
}  // namespace runcpp::detail
