// Shared by the examples (and the tests, tests/support/bundle_lib.cpp): a
// busybox OCI bundle made with runcpp::bundle_builder.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/runcpp.hpp>

namespace examples {

// The static busybox that busybox-static installs: one file, every applet.
inline constexpr const char* busybox_binary = "/bin/busybox";

// Adds to the builder's rootfs: /bin/busybox (a copy of the static
// /bin/busybox) with `applets` linked to it, /proc /dev /sys /etc, a sticky
// world-writable /tmp, and /etc/passwd and /etc/group with root and nobody.
inline runcpp::bundle_builder& add_busybox_rootfs(runcpp::bundle_builder& b,
                                                  const std::vector<std::string_view>& applets) {
  namespace fs = std::filesystem;
  for (const char* dir : {"/bin", "/proc", "/dev", "/sys", "/etc"}) b.rootfs_directory(dir);
  b.rootfs_directory("/tmp", fs::perms::all | fs::perms::sticky_bit);
  b.rootfs_copy(busybox_binary, "/bin/busybox");
  for (auto applet : applets) b.rootfs_symlink("busybox", "/bin/" + std::string(applet));
  b.rootfs_file("/etc/passwd",
                "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
  b.rootfs_file("/etc/group", "root:x:0:\nnogroup:x:65534:\n");
  return b;
}

// runc's default config (spec::default_config()) running `args` without a
// terminal, on a busybox rootfs in <bundle>/rootfs.
inline runcpp::bundle_builder busybox_builder(std::vector<std::string> args,
                                              const std::vector<std::string_view>& applets) {
  runcpp::bundle_builder b;
  b.set_args(std::move(args)).set_terminal(false);
  add_busybox_rootfs(b, applets);
  return b;
}

// Writes that bundle to `bundle`.
inline runcpp::result<void> make_busybox_bundle(const std::filesystem::path& bundle,
                                                std::vector<std::string> args,
                                                std::initializer_list<std::string_view> applets) {
  return busybox_builder(std::move(args), applets).write(bundle);
}

}  // namespace examples
