// explain_unsupported(): a create/run/exec with --pidfd-socket that the runtime
// does not know becomes errc::unsupported. runc 1.1 says "flag provided but not
// defined" in its log; crun 1.8.1 prints "unrecognized option '--pidfd-socket'"
// on stderr only (tests/data/crun-1.8.1/errors/pidfd-socket-unsupported-*.txt)
// and exits 64, so with io calls the library sees just the exit status.
#include <gtest/gtest.h>

#include <runcpp/error.hpp>
#include <runcpp/exit_status.hpp>

#include "command.hpp"

namespace runcpp::detail {
namespace {

error failed(errc code, int status, std::string runtime_message = {}) {
  return error(code, "the runtime said no")
      .with_argv({"/usr/bin/crun", "create", "--pidfd-socket", "/tmp/p.sock", "id"})
      .with_exit(exit_status::exited(status))
      .with_runtime_message(std::move(runtime_message));
}

TEST(explain_unsupported, crun_usage_exit_without_a_message_is_unsupported_with_pidfd_socket) {
  auto e = explain_unsupported(failed(errc::command_failed, 64), true);
  EXPECT_EQ(e.code(), errc::unsupported);
  EXPECT_NE(e.message().find("does not support --pidfd-socket"), std::string::npos) << e.message();
  EXPECT_EQ(e.exit(), exit_status::exited(64));
}

TEST(explain_unsupported, usage_exit_stays_command_failed_without_pidfd_socket) {
  EXPECT_EQ(explain_unsupported(failed(errc::command_failed, 64), false).code(), errc::command_failed);
}

TEST(explain_unsupported, other_exits_or_a_runtime_message_stay_as_they_are) {
  EXPECT_EQ(explain_unsupported(failed(errc::command_failed, 1), true).code(), errc::command_failed);
  EXPECT_EQ(explain_unsupported(failed(errc::command_failed, 64, "chdir failed"), true).code(),
            errc::command_failed);
  EXPECT_EQ(explain_unsupported(failed(errc::not_found, 64), true).code(), errc::not_found);
}

TEST(explain_unsupported, runcs_unsupported_flag_is_explained) {
  auto e =
      explain_unsupported(failed(errc::unsupported, 1, "flag provided but not defined: -pidfd-socket"), true);
  EXPECT_EQ(e.code(), errc::unsupported);
  EXPECT_NE(e.message().find("does not support --pidfd-socket"), std::string::npos) << e.message();
}

}  // namespace
}  // namespace runcpp::detail
