// Real-runtime test support: a busybox OCI bundle, unique container ids, a private
// runtime --root that deletes its containers when the test ends, PATH lookup.
//
// Typical use in tests/runc:
//
//   auto runtime = runcpp::testing::find_runtime("runc");
//   if (!runtime) GTEST_SKIP() << "runc is not installed";
//   std::string why;
//   auto bundle = runcpp::testing::busybox_bundle::make(&why);
//   if (!bundle) GTEST_SKIP() << why;
//   bundle->set_args({"sh", "-c", "echo hi"});
//   bundle->write();
//   runcpp::testing::runtime_root root(*runtime);   // declared after the bundle,
//   auto id = root.track(runcpp::testing::unique_id("run"));  // so it is destroyed first
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/bundle.hpp>

#include "support/hygiene.hpp"

namespace runcpp::testing {

// The config.json every busybox_bundle starts from, as written: runc spec's
// config (spec::default_config()) with "terminal": false.
extern const std::string_view runc_spec_template;

// The applets tests/support links to busybox in every bundle.
extern const std::vector<std::string_view> busybox_applets;

// A bundle in a fresh temporary directory, made with runcpp::bundle_builder:
//   rootfs/bin/busybox (a copy of the static /bin/busybox) and applet symlinks
//   (busybox_applets), rootfs/{proc,dev,sys,tmp,etc}, rootfs/etc/{passwd,group}
//   (examples::add_busybox_rootfs), and config.json from
//   spec::default_config() (runc spec) with args ["sh"] and no terminal.
// The directory is removed by the destructor. Movable, not copyable.
// When $RUNCPP_CONFIG_COLLECT_DIR is set, write() also copies each config.json
// it writes there (one file per distinct content), for the schema check
// (tests/schema).
class busybox_bundle {
 public:
  // nullopt, with the reason in *why_not (if given), when this process is not root,
  // /bin/busybox is missing, or it is not statically linked (busybox-static).
  static std::optional<busybox_bundle> make(std::string* why_not);

  const std::filesystem::path& path() const noexcept { return dir_.path(); }
  std::filesystem::path rootfs() const { return dir_.path() / "rootfs"; }
  std::filesystem::path config_path() const { return dir_.path() / "config.json"; }

  // The builder (and through it the typed config); edits take effect on write().
  runcpp::bundle_builder& builder() noexcept { return builder_; }
  const runcpp::bundle_builder& builder() const noexcept { return builder_; }
  runcpp::spec::config& config() noexcept { return builder_.config(); }
  const runcpp::spec::config& config() const noexcept { return builder_.config(); }

  busybox_bundle& set_args(std::vector<std::string> args);  // process.args
  busybox_bundle& set_terminal(bool terminal);              // process.terminal
  busybox_bundle& set_env(std::vector<std::string> env);    // process.env (replaced)
  busybox_bundle& add_env(std::string key_value);           // process.env: KEY replaced or appended
  busybox_bundle& set_cwd(std::string cwd);                 // process.cwd
  busybox_bundle& set_memory_limit(std::int64_t bytes);     // linux.resources.memory.limit
  busybox_bundle& set_readonly_rootfs(bool readonly);       // root.readonly

  // (Re)writes the bundle with bundle_builder::write() (validated, atomic);
  // throws std::runtime_error with the builder's error on failure.
  void write() const;

 private:
  explicit busybox_bundle(temp_dir dir);
  temp_dir dir_;
  runcpp::bundle_builder builder_;
};

// prefix + "-" + pid + "-" + counter + "-" + 8 random hex digits, using only the
// characters runc accepts in ids ([A-Za-z0-9_+.-]); other characters of the prefix
// become '_', and an id never starts with '-' or '.'.
std::string unique_id(std::string_view prefix);

// Full path of an executable: `name` itself if it contains '/', else the first match
// in $PATH, then in /usr/local/sbin, /usr/sbin and /sbin (which a non-login PATH
// may lack, while runc lives in /usr/sbin on Debian).
std::optional<std::string> find_runtime(std::string_view name);

// Why the runtime at `runtime` (a path or name; only crun is checked) cannot create
// containers on this machine's cgroup layout, or nullopt. crun 1.8 refuses a hybrid
// layout (cgroup2 at /sys/fs/cgroup/unified) while any controller is listed in
// /sys/fs/cgroup/unified/cgroup.controllers; scripts/lib/cgroup.sh fixes that.
std::optional<std::string> cgroup_layout_refuses(std::string_view runtime);

// A private --root directory for a runtime (runc, crun, ...). Its destructor runs
// `<runtime> --root <dir> delete --force <id>` for every tracked id (stdio to
// /dev/null, waiting for that pid only, killing it after 60 s), then removes the
// directory. Not copyable or movable.
class runtime_root {
 public:
  explicit runtime_root(std::string runtime);
  ~runtime_root();
  runtime_root(const runtime_root&) = delete;
  runtime_root& operator=(const runtime_root&) = delete;

  const std::filesystem::path& path() const noexcept { return dir_.path(); }
  const std::string& runtime() const noexcept { return runtime_; }

  // Registers a container id for removal; returns it.
  std::string track(std::string id);

  // Runs `<runtime> --root <dir> delete --force <id>` now; returns its wait status
  // (or -1 if it could not be spawned).
  int force_delete(const std::string& id) const;

 private:
  std::string runtime_;
  temp_dir dir_;
  std::vector<std::string> ids_;
};

}  // namespace runcpp::testing
