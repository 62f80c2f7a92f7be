// A program that uses runcpp as a packaged dependency: it must compile with
// only the installed headers and link with only the installed library.
#include <runcpp/runcpp.hpp>

#include <iostream>

int main() {
  const runcpp::client runc({.command = "/nonexistent/runc"});
  auto v = runc.version();
  // Expected: spawn_failed, proving the library ran and reported it.
  if (v || v.error().code() != runcpp::errc::spawn_failed) {
    std::cerr << "unexpected result\n";
    return 1;
  }
  auto pid = runcpp::parse_pid("42\n");
  std::cout << "runcpp consumer ok: " << runcpp::to_string(v.error().code()) << ", pid " << *pid << '\n';
  return *pid == 42 ? 0 : 1;
}
