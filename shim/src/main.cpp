// containerd-shim-runcpp-v1: the containerd shim v2 of runtime io.containerd.runcpp.v1.
#include <unistd.h>

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "file_io.hpp"
#include "flags.hpp"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto parsed = runcpp::shim::parse_flags(args);
  if (!parsed.error.empty()) {
    runcpp::shim::write_all(STDERR_FILENO, parsed.error + '\n');
    return 2;
  }
  const runcpp::shim::flags& f = parsed.value;
  try {
    if (f.version) {
      runcpp::shim::write_all(STDOUT_FILENO,
                              "containerd-shim-runcpp-v1 (runtime io.containerd.runcpp.v1, task API v2)\n");
      return 0;
    }
    if (f.action == "start") return runcpp::shim::run_start(f, STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO);
    if (f.action == "delete") return runcpp::shim::run_delete(f, STDOUT_FILENO, STDERR_FILENO);
    if (f.action.empty()) return runcpp::shim::run_daemon(f);
    runcpp::shim::write_all(STDERR_FILENO, "unknown action " + f.action + '\n');
    return 2;
  } catch (const std::exception& e) {
    runcpp::shim::write_all(STDERR_FILENO, std::string("containerd-shim-runcpp-v1: ") + e.what() + '\n');
    return 1;
  }
}
