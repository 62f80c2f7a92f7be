#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <runcpp/client.hpp>
#include <runcpp/pid_file.hpp>

#include "address.hpp"
#include "bundle.hpp"
#include "commands.hpp"
#include "file_io.hpp"
#include "mounts.hpp"
#include "proto.hpp"
#include "runtime_options.hpp"

namespace runcpp::shim {

int run_delete(const flags& f, int out, int err) {
  const std::filesystem::path bundle =
      f.bundle.empty() ? std::filesystem::current_path() : std::filesystem::path(f.bundle);
  const runtime_choice rt = read_runtime_choice(bundle, {.command = "runc", .root = runtime_root({}, f.ns)});
  const runcpp::client runc({.command = rt.command, .root = rt.root});
  if (auto d = runc.remove(f.id, {.force = true}); !d && d.error().code() != runcpp::errc::not_found) {
    write_all(err, "runc delete " + f.id + ": " + d.error().message() + '\n');
  }
  if (auto e = unmount_all(bundle / "rootfs"); !e.empty()) write_all(err, e + '\n');
  // A daemon killed with SIGKILL left its socket behind.
  if (auto address = read_file(bundle / "address"); address && !address->empty()) {
    remove_dead_socket(std::string(socket_path(first_line(*address))));
  }
  const int pid = runcpp::read_pid_file(bundle / "init.pid").value_or(0);
  write_all(out, encode_delete_response(pid, 128 + 9, std::chrono::system_clock::now()));
  return 0;
}

}  // namespace runcpp::shim
