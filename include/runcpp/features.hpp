/// @file
/// `runc features` (runtime-spec features.md, up to runtime-spec 1.2). Every
/// field is optional: absent means "the runtime did not say".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/result.hpp>

namespace runcpp {

/// What `runc features` reports the runtime supports (runtime-spec features.md).
struct features {
  /// Supported cgroup setups.
  struct cgroup_t {
    /// @{
    /// cgroup v1, cgroup v2, the systemd driver, the systemd user driver, the rdma controller.
    std::optional<bool> v1{}, v2{}, systemd{}, systemd_user{}, rdma{};
    /// @}
  };
  /// Seccomp support.
  struct seccomp_t {
    std::optional<bool> enabled{};  ///< built with seccomp
    /// @{
    /// Supported actions ("SCMP_ACT_ALLOW", ...), operators, architectures, and the flags
    /// the runtime knows / can apply.
    std::optional<std::vector<std::string>> actions{}, operators{}, archs{}, known_flags{}, supported_flags{};
    /// @}
  };
  /// A feature that is only on or off.
  struct enabled_t {
    std::optional<bool> enabled{};  ///< supported
  };
  /// Intel RDT support.
  struct intel_rdt_t {
    /// @{
    /// RDT at all, the linux.intelRdt.schemata field, and monitoring.
    std::optional<bool> enabled{}, schemata{}, monitoring{};
    /// @}
  };
  /// NUMA memory policy support (set_mempolicy).
  struct memory_policy_t {
    /// @{
    /// Supported modes ("MPOL_BIND", ...) and flags.
    std::optional<std::vector<std::string>> modes{}, flags{};
    /// @}
  };
  /// Mount extensions.
  struct mount_extensions_t {
    std::optional<enabled_t> idmap{};  ///< id-mapped mounts
  };
  /// The "linux" block.
  struct linux_t {
    /// @{
    /// Known namespaces ("pid", "net", ...) and capabilities ("CAP_CHOWN", ...).
    std::optional<std::vector<std::string>> namespaces{}, capabilities{};
    /// @}
    std::optional<cgroup_t> cgroup{};    ///< cgroup drivers and versions
    std::optional<seccomp_t> seccomp{};  ///< seccomp
    /// @{
    /// AppArmor and SELinux support.
    std::optional<enabled_t> apparmor{}, selinux{};
    /// @}
    std::optional<intel_rdt_t> intel_rdt{};                ///< Intel RDT
    std::optional<memory_policy_t> memory_policy{};        ///< NUMA memory policy
    std::optional<mount_extensions_t> mount_extensions{};  ///< mount extensions
    std::optional<enabled_t> net_devices{};                ///< moving network devices into the container
  };

  /// @{
  /// The oldest and newest runtime-spec versions supported ("ociVersionMin", "ociVersionMax").
  std::optional<std::string> oci_version_min{}, oci_version_max{};
  /// @}
  /// @{
  /// Known hook names ("prestart", ...) and mount options ("ro", "bind", ...).
  std::optional<std::vector<std::string>> hooks{}, mount_options{};
  /// @}
  std::optional<linux_t> linux_{};  ///< "linux" (trailing _ because `linux` is a predefined macro)
  std::optional<std::map<std::string, std::string>>
      annotations{};  ///< runtime-specific information, e.g. "org.opencontainers.runc.version"
  std::optional<std::vector<std::string>>
      potentially_unsafe_config_annotations{};  ///< annotations (or prefixes ending in ".") that may change
                                                ///< behaviour unsafely
};

/// Unknown keys are ignored; a key of the wrong JSON type is errc::parse_error,
/// and so is JSON nested more than 128 levels deep. Of duplicate keys the last
/// counts.
result<features> parse_features_json(std::string_view json);

}  // namespace runcpp
