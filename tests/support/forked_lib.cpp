#include "support/forked.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace runcpp::testing {

int run_in_child(const std::function<int()>& scenario) {
  std::fflush(nullptr);  // or the child flushes the parent's buffered output again
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int rc = scenario();
    std::fflush(nullptr);
    ::_exit(rc > 125 ? 125 : rc);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
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
