// Scenarios that must run in a forked child process, because they change
// process-wide, sticky state (PR_SET_CHILD_SUBREAPER). gtest macros in the
// child never reach this process's results, so a scenario reports each failed
// check on stderr through a checker and returns the number of failures.
//
//   int rc = runcpp::testing::run_in_child([&] {
//     runcpp::testing::checker check;
//     check(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "become a subreaper");
//     return check.failures;
//   });
//   EXPECT_EQ(rc, 0) << "see the forked scenario's stderr above";
#pragma once

#include <functional>
#include <string>

namespace runcpp::testing {

// Runs `scenario` in a forked child and waits for it (waitpid on that pid
// only). Returns the scenario's result (capped at 125; 125 if it threw),
// 128+signal if the child was killed, or -1 if fork or waitpid failed.
int run_in_child(const std::function<int()>& scenario);

// Counts failed checks and prints each one on stderr.
struct checker {
  int failures = 0;
  // Returns `ok`; counts and prints `what` when it is false.
  bool operator()(bool ok, const std::string& what);
};

}  // namespace runcpp::testing
