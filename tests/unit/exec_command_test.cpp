#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

TEST(exec_args, minimal) {
  EXPECT_THAT(exec_args("id1", "/tmp/p.json", {}), ElementsAre("exec", "--process", "/tmp/p.json", "id1"));
}

// go-runc's probed order (process, console, pidfd, detach, pid-file, extra)
// plus the flags go-runc cannot send (preserve-fds, cgroup, ignore-paused);
// all before the id because runc exec stops parsing flags there.
TEST(exec_args, every_option) {
  exec_options o{.pid_file = "/p.pid",
                 .detach = true,
                 .extra_files = {7, 8},
                 .cgroup = "memory:/sub",
                 .ignore_paused = true,
                 .log_file = "/ignored-here.log",
                 .extra_args = {"--e"}};
  EXPECT_THAT(exec_args("id1", "/tmp/p.json", o),
              ElementsAre("exec", "--process", "/tmp/p.json", "--detach", "--pid-file", "/p.pid",
                          "--preserve-fds", "2", "--cgroup", "memory:/sub", "--ignore-paused", "--e", "id1"));
}

}  // namespace
}  // namespace runcpp::detail
