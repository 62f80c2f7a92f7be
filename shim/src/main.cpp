// containerd-shim-runcpp-v1: the containerd shim v2 of runtime io.containerd.runcpp.v1.
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "flags.hpp"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto parsed = runcpp::shim::parse_flags(args);
  if (!parsed.error.empty()) {
    std::cerr << parsed.error << '\n';
    return 2;
  }
  const runcpp::shim::flags& f = parsed.value;
  try {
    if (f.version) {
      std::cout << "containerd-shim-runcpp-v1 (runtime io.containerd.runcpp.v1, task API v2)\n";
      return 0;
    }
    if (f.action == "start") return runcpp::shim::run_start(f, std::cin, std::cout, std::cerr);
    if (f.action == "delete") return runcpp::shim::run_delete(f, std::cout, std::cerr);
    if (f.action.empty()) return runcpp::shim::run_daemon(f);
    std::cerr << "unknown action " << f.action << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "containerd-shim-runcpp-v1: " << e.what() << '\n';
    return 1;
  }
}
