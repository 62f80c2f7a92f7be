// What the shim reads from and writes to the bundle directory besides runc's own files.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace runcpp::shim {

/// config.json's annotations; empty when the file or the key is missing or unreadable.
std::map<std::string, std::string> read_annotations(const std::filesystem::path& bundle);

/// containerd's ShouldKillAllOnExit: true unless config.json gives the container
/// a private pid namespace (then the kernel kills the rest when init dies;
/// otherwise the shim must, with runc kill --all). Unreadable spec: true.
bool kill_all_on_exit(const std::filesystem::path& bundle);

/// The runtime binary and --root a container was created with, kept in the
/// bundle (file "runcpp-runtime") for the `delete` command, which runs in a new process.
struct runtime_choice {
  std::string command = "runc";
  std::string root;
};
/// Returns "" or the reason.
std::string write_runtime_choice(const std::filesystem::path& bundle, const runtime_choice& c);
/// What write_runtime_choice() wrote, else `fallback`.
runtime_choice read_runtime_choice(const std::filesystem::path& bundle, runtime_choice fallback);

}  // namespace runcpp::shim
