// The rootfs mounts of CreateTaskRequest (containerd's mount.Mount) into the
// bundle's rootfs directory, and their removal (containerd: mount/mount_linux.go).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace runcpp::shim {

/// fstab-style options split into mount(2) flags, propagation flags and the data string.
struct mount_plan {
  unsigned long flags = 0;        ///< MS_* for the mount itself
  unsigned long propagation = 0;  ///< MS_SHARED/MS_PRIVATE/MS_SLAVE/MS_UNBINDABLE (| MS_REC), applied after
  std::string data;               ///< the options mount(2) does not know, joined with ','
};

/// containerd's parseMountOptions: "ro", "nosuid", "rbind", ... become flags
/// ("rw", "dev", ... clear them), the rest is data in its order. Pure.
mount_plan plan_mount(const std::vector<std::string>& options);

/// One mount: its type ("bind" counts as a bind mount), source and options.
struct mount_spec {
  std::string type, source;
  std::vector<std::string> options;
};

/// Mounts each spec on `target`, in order (mount, then a read-only remount of a
/// read-only bind, then propagation). On failure unmounts what it mounted and
/// returns the one-line reason; empty string on success.
std::string mount_all(const std::vector<mount_spec>& mounts, const std::filesystem::path& target);

/// Unmounts everything stacked on `target` (MNT_DETACH, until EINVAL: not a
/// mount point). A missing target is fine. Returns the reason of a failure, or "".
std::string unmount_all(const std::filesystem::path& target);

}  // namespace runcpp::shim
