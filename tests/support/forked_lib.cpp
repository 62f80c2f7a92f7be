#include "support/forked.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>

namespace runcpp::testing {

int run_in_child(const std::function<int()>& scenario) {
  std::fflush(nullptr);  // or the child flushes the parent's buffered output again
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int rc = 125;  // an exception must not unwind into the parent's copy of gtest
    try {
      rc = std::min(scenario(), 125);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "check failed: the scenario threw: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "check failed: the scenario threw\n");
    }
    std::fflush(nullptr);
    ::_exit(rc);
  }
  int status = 0;
  int rc;
  while ((rc = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  if (rc < 0) return -1;  // the scenario's result is unknown: never a pass
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool checker::operator()(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "check failed: %s\n", what.c_str());
  }
  return ok;
}

}  // namespace runcpp::testing
