// bundle_builder: a spec::config plus a rootfs, written as an OCI bundle.
#include <runcpp/bundle.hpp>

#include <unistd.h>

#include <algorithm>
#include <system_error>
#include <utility>

#include "rootfs_populate.hpp"

namespace runcpp {
namespace {

namespace fs = std::filesystem;

// "KEY" of "KEY=value" (the whole entry when it has no '=').
std::string_view env_key(std::string_view entry) { return entry.substr(0, entry.find('=')); }

bool is_sys_mount(const spec::mount& m) {
  return m.destination && fs::path(*m.destination).lexically_normal() == "/sys";
}

// runc spec --rootless: /sys cannot be mounted fresh without owning a network
// namespace, so it is bind-mounted from the host.
spec::mount host_sys_mount() {
  return {.destination = "/sys",
          .type = "none",
          .source = "/sys",
          .options = std::vector<std::string>{"rbind", "nosuid", "noexec", "nodev", "ro"}};
}

// uid= and gid= mount options name ids a single-id mapping may not have.
void drop_id_options(spec::mount& m) {
  if (!m.options) return;
  std::erase_if(*m.options,
                [](const std::string& o) { return o.starts_with("uid=") || o.starts_with("gid="); });
}

}  // namespace

bundle_builder::bundle_builder(spec::config base) : config_(std::move(base)) {}

spec::process& bundle_builder::process() {
  if (!config_.process) config_.process.emplace();
  return *config_.process;
}

spec::linux_config& bundle_builder::linux_section() {
  if (!config_.linux_config) config_.linux_config.emplace();
  return *config_.linux_config;
}

bundle_builder& bundle_builder::use_rootfs(std::string path) {
  if (!config_.root) config_.root.emplace();
  config_.root->path = std::move(path);
  return *this;
}

bundle_builder& bundle_builder::set_readonly_rootfs(bool readonly) {
  if (!config_.root) config_.root.emplace();
  config_.root->readonly = readonly;
  return *this;
}

bundle_builder& bundle_builder::rootfs_directory(std::string path, fs::perms mode) {
  entries_.push_back({.what = rootfs_entry::kind::directory, .path = std::move(path), .mode = mode});
  return *this;
}

bundle_builder& bundle_builder::rootfs_copy(const fs::path& host_file, std::string path) {
  entries_.push_back(
      {.what = rootfs_entry::kind::copy, .path = std::move(path), .source = host_file.string()});
  return *this;
}

bundle_builder& bundle_builder::rootfs_symlink(std::string target, std::string path) {
  entries_.push_back(
      {.what = rootfs_entry::kind::symlink, .path = std::move(path), .source = std::move(target)});
  return *this;
}

bundle_builder& bundle_builder::rootfs_file(std::string path, std::string content, fs::perms mode) {
  entries_.push_back({.what = rootfs_entry::kind::file,
                      .path = std::move(path),
                      .source = std::move(content),
                      .mode = mode});
  return *this;
}

bundle_builder& bundle_builder::set_args(std::vector<std::string> args) {
  process().args = std::move(args);
  return *this;
}

bundle_builder& bundle_builder::set_env(std::vector<std::string> env) {
  process().env = std::move(env);
  return *this;
}

bundle_builder& bundle_builder::add_env(std::string key_value) {
  auto& env = process().env;
  if (!env) env.emplace();
  const auto key = env_key(key_value);
  auto same =
      std::find_if(env->begin(), env->end(), [key](const std::string& e) { return env_key(e) == key; });
  if (same != env->end()) {
    *same = std::move(key_value);
  } else {
    env->push_back(std::move(key_value));
  }
  return *this;
}

bundle_builder& bundle_builder::set_cwd(std::string cwd) {
  process().cwd = std::move(cwd);
  return *this;
}

bundle_builder& bundle_builder::set_terminal(bool terminal) {
  process().terminal = terminal;
  return *this;
}

bundle_builder& bundle_builder::set_user(std::uint32_t uid, std::uint32_t gid,
                                         std::vector<std::uint32_t> additional_gids) {
  auto& user = process().user;
  // Assigned, not emplace()d: clang 14 deems the nested user_t not default
  // constructible inside optional (its member initializers, CWG 1397).
  if (!user) user = spec::process::user_t{};
  user->uid = uid;
  user->gid = gid;
  if (additional_gids.empty()) {
    user->additional_gids.reset();
  } else {
    user->additional_gids = std::move(additional_gids);
  }
  return *this;
}

bundle_builder& bundle_builder::set_hostname(std::string hostname) {
  config_.hostname = std::move(hostname);
  return *this;
}

bundle_builder& bundle_builder::add_bind_mount(std::string source, std::string destination,
                                               bind_mount_options options) {
  auto& mounts = config_.mounts;
  if (!mounts) mounts.emplace();
  std::erase_if(*mounts, [&](const spec::mount& m) { return m.destination == destination; });
  std::vector<std::string> opts{options.recursive ? "rbind" : "bind"};
  if (options.readonly) opts.emplace_back("ro");
  mounts->push_back({.destination = std::move(destination),
                     .type = "bind",
                     .source = std::move(source),
                     .options = std::move(opts)});
  return *this;
}

bundle_builder& bundle_builder::add_namespace(std::string type, std::string path) {
  auto& list = linux_section().namespaces;
  if (!list) list.emplace();
  spec::linux_namespace ns{.type = std::move(type)};
  if (!path.empty()) ns.path = std::move(path);
  auto same = std::find_if(list->begin(), list->end(),
                           [&](const spec::linux_namespace& n) { return n.type == ns.type; });
  if (same != list->end()) {
    *same = std::move(ns);
  } else {
    list->push_back(std::move(ns));
  }
  return *this;
}

bundle_builder& bundle_builder::remove_namespace(std::string_view type) {
  auto& list = linux_section().namespaces;
  if (list) std::erase_if(*list, [type](const spec::linux_namespace& n) { return n.type == type; });
  return *this;
}

bundle_builder& bundle_builder::set_cgroups_path(std::string path) {
  linux_section().cgroups_path = std::move(path);
  return *this;
}

bundle_builder& bundle_builder::set_resources(spec::linux_resources resources) {
  linux_section().resources = std::move(resources);
  return *this;
}

bundle_builder& bundle_builder::make_rootless(std::uint32_t host_uid, std::uint32_t host_gid) {
  remove_namespace("network");
  remove_namespace("user");
  add_namespace("user");
  auto& l = linux_section();
  l.uid_mappings = std::vector<spec::id_mapping>{{.container_id = 0, .host_id = host_uid, .size = 1}};
  l.gid_mappings = std::vector<spec::id_mapping>{{.container_id = 0, .host_id = host_gid, .size = 1}};
  l.resources.reset();
  if (config_.mounts) {
    for (auto& m : *config_.mounts) {
      if (is_sys_mount(m)) {
        m = host_sys_mount();
      } else {
        drop_id_options(m);
      }
    }
  }
  rootless_ = true;
  return *this;
}

bundle_builder& bundle_builder::make_rootless() { return make_rootless(::getuid(), ::getgid()); }

bool bundle_builder::rootless() const noexcept { return rootless_ || ::geteuid() != 0; }

std::vector<spec::problem> bundle_builder::problems() const {
  return spec::validate(config_, {.rootless = rootless()});
}

fs::path bundle_builder::rootfs_path(const fs::path& bundle_dir) const {
  const fs::path root = config_.root && config_.root->path ? fs::path(*config_.root->path) : fs::path();
  return root.is_absolute() ? root : bundle_dir / root;
}

result<void> bundle_builder::write(const fs::path& bundle_dir) const {
  if (auto found = problems(); !found.empty()) {
    std::string text = "the bundle's config has " + std::to_string(found.size()) + " problem(s):";
    for (const auto& p : found) text.append(" ").append(spec::to_string(p)).append(";");
    text.pop_back();
    return error(errc::invalid_argument, std::move(text));
  }
  std::error_code ec;
  fs::create_directories(bundle_dir, ec);
  if (ec) return error(errc::io_error, "create " + bundle_dir.string() + ": " + ec.message()).with_cause(ec);
  const auto rootfs = rootfs_path(bundle_dir);
  if (!entries_.empty()) {
    if (auto r = detail::populate_rootfs(rootfs, entries_); !r) return r;
  } else if (!fs::is_directory(rootfs, ec)) {
    return error(errc::not_found, "the rootfs " + rootfs.string() + " is not a directory");
  }
  return spec::save_config(bundle_dir / "config.json", config_);
}

}  // namespace runcpp
