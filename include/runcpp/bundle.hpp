/// @file
/// bundle_builder: makes an OCI bundle directory (config.json and a root
/// filesystem) from a spec::config, with the edits every program that drives
/// runc otherwise writes by hand.
///
/// @code
///   runcpp::bundle_builder b;                          // starts from spec::default_config()
///   b.use_rootfs("/srv/images/busybox")                // a rootfs used as is...
///    .set_args({"sh", "-c", "echo hello from $HOSTNAME"})
///    .set_terminal(false)
///    .add_env("GREETING=hi")
///    .set_hostname("web")
///    .add_bind_mount("/srv/data", "/data", {.readonly = true})
///    .remove_namespace("network");
///   if (auto r = b.write("/run/bundles/web"); !r) return r.error();   // validated, then written
///   auto status = client.run("web", "/run/bundles/web");
/// @endcode
///
/// The root filesystem is root.path, resolved against the bundle directory
/// when relative ("rootfs" in default_config()). Used as is unless entries
/// were added with rootfs_directory(), rootfs_copy(), rootfs_symlink() or
/// rootfs_file(): then write() creates the directory and populates it.
///
/// Thread-safety: a bundle_builder is a plain value; use one object from one
/// thread at a time (const members may be called concurrently).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/result.hpp>
#include <runcpp/spec.hpp>
#include <runcpp/spec_config.hpp>
#include <runcpp/spec_validate.hpp>

namespace runcpp {

/// Options of bundle_builder::add_bind_mount().
struct bind_mount_options {
  bool readonly = false;  ///< add "ro"
  bool recursive = true;  ///< "rbind" (submounts too) rather than "bind"
};

/// Builds an OCI bundle; see the file comment.
class bundle_builder {
 public:
  /// Starts from `base` (runc's default config unless given).
  explicit bundle_builder(spec::config base = spec::default_config());

  /// The config as edited so far; edit any field directly.
  /// @{
  spec::config& config() noexcept { return config_; }
  const spec::config& config() const noexcept { return config_; }
  /// @}

  // --- root filesystem ---------------------------------------------------------

  /// root.path = `path`: an absolute path, or one relative to the bundle.
  bundle_builder& use_rootfs(std::string path);
  /// root.readonly.
  bundle_builder& set_readonly_rootfs(bool readonly);
  /// write() creates the directory `path` (a path inside the rootfs, e.g.
  /// "/tmp") with `mode`, and its parents with 0755.
  bundle_builder& rootfs_directory(std::string path,
                                   std::filesystem::perms mode = static_cast<std::filesystem::perms>(0755));
  /// write() copies the host file `host_file` to `path` inside the rootfs
  /// (mode kept; an existing copy is replaced only if `host_file` is newer).
  bundle_builder& rootfs_copy(const std::filesystem::path& host_file, std::string path);
  /// write() creates the symbolic link `path` -> `target` inside the rootfs
  /// (replacing what is there).
  bundle_builder& rootfs_symlink(std::string target, std::string path);
  /// write() writes `content` to `path` inside the rootfs with `mode`.
  bundle_builder& rootfs_file(std::string path, std::string content,
                              std::filesystem::perms mode = static_cast<std::filesystem::perms>(0644));

  // --- process -----------------------------------------------------------------

  /// process.args: the program and its arguments.
  bundle_builder& set_args(std::vector<std::string> args);
  /// process.env, replaced.
  bundle_builder& set_env(std::vector<std::string> env);
  /// Sets one "KEY=value" in process.env: replaces the entry with the same
  /// KEY, or appends.
  bundle_builder& add_env(std::string key_value);
  /// process.cwd (absolute).
  bundle_builder& set_cwd(std::string cwd);
  /// process.terminal: true needs a console socket at create/run time.
  bundle_builder& set_terminal(bool terminal);
  /// process.user: uid, gid and the supplementary groups (replaced).
  bundle_builder& set_user(std::uint32_t uid, std::uint32_t gid,
                           std::vector<std::uint32_t> additional_gids = {});

  // --- container ---------------------------------------------------------------

  /// hostname (needs a uts namespace, which default_config() has).
  bundle_builder& set_hostname(std::string hostname);
  /// Appends a bind mount of the host path `source` at `destination` (an
  /// absolute path in the container), replacing a mount already at
  /// `destination`: type "bind", options "rbind" or "bind", plus "ro".
  bundle_builder& add_bind_mount(std::string source, std::string destination,
                                 bind_mount_options options = {});
  /// Adds the namespace `type` ("pid", "network", "mount", "ipc", "uts",
  /// "user", "cgroup", "time"), new or joined at `path`, replacing an entry of
  /// the same type.
  bundle_builder& add_namespace(std::string type, std::string path = {});
  /// Removes the namespace `type`: the container shares the caller's.
  bundle_builder& remove_namespace(std::string_view type);
  /// linux.cgroupsPath, e.g. "/runcpp/web" (or "slice:prefix:name" with
  /// config::systemd_cgroup).
  bundle_builder& set_cgroups_path(std::string path);
  /// linux.resources, replaced.
  bundle_builder& set_resources(spec::linux_resources resources);

  /// What `runc spec --rootless` does to the config, for the host ids
  /// `host_uid` and `host_gid` (mapped to 0 in the container, size 1): a user
  /// namespace instead of the network and any other user namespace, /sys
  /// bind-mounted from the host, no uid=/gid= mount options, no
  /// linux.resources. From then on write() validates with
  /// validate_options::rootless.
  bundle_builder& make_rootless(std::uint32_t host_uid, std::uint32_t host_gid);
  /// make_rootless() with this process's real uid and gid.
  bundle_builder& make_rootless();
  /// Whether write() validates for runc's rootless mode: make_rootless() was
  /// called, or this process's euid is not 0.
  bool rootless() const noexcept;

  // --- output ------------------------------------------------------------------

  /// spec::validate() of the config, rootless as rootless() says.
  std::vector<spec::problem> problems() const;

  /// Makes the bundle at `bundle_dir`: validates the config (nothing is
  /// written if it has problems), creates `bundle_dir` (and parents),
  /// populates the rootfs with the entries added above (or checks that the
  /// rootfs directory exists when there are none), then writes
  /// `bundle_dir`/config.json with spec::save_config() (atomic). May be called
  /// again after more edits: existing entries are updated in place.
  /// Errors: errc::invalid_argument when the config has problems (the
  /// message lists each as "<pointer>: <message>") or a rootfs entry's path
  /// leaves the rootfs (".."); errc::not_found when there are no rootfs
  /// entries and the rootfs directory does not exist; errc::io_error when a
  /// directory, copy, link or file cannot be made (the message names the
  /// path; error::system_error() holds the errno) or save_config() fails.
  /// Blocks on the file system; never throws (except std::bad_alloc).
  result<void> write(const std::filesystem::path& bundle_dir) const;

  /// The rootfs directory of a bundle at `bundle_dir`: root.path, resolved
  /// against `bundle_dir` when relative.
  std::filesystem::path rootfs_path(const std::filesystem::path& bundle_dir) const;

  /// One entry of the rootfs to populate (see rootfs_directory() and co.).
  struct rootfs_entry {
    /// What write() makes.
    enum class kind { directory, copy, symlink, file };
    kind what{};                    ///< what to make
    std::string path{};             ///< inside the rootfs
    std::string source{};           ///< host file (copy), link target (symlink) or content (file)
    std::filesystem::perms mode{};  ///< directory and file mode
    friend bool operator==(const rootfs_entry&, const rootfs_entry&) = default;  ///< memberwise
  };
  /// The entries added so far, in order.
  const std::vector<rootfs_entry>& rootfs_entries() const noexcept { return entries_; }

 private:
  spec::process& process();
  spec::linux_config& linux_section();

  spec::config config_;
  std::vector<rootfs_entry> entries_;
  bool rootless_ = false;
};

}  // namespace runcpp
