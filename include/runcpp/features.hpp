// File: runcpp/features.hpp
// `runc features` (runtime-spec features.md, up to runtime-spec 1.2). Every
// field is optional: absent means "the runtime did not say".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/result.hpp>

namespace runcpp {

struct features {
  struct cgroup_t {
    std::optional<bool> v1{}, v2{}, systemd{}, systemd_user{}, rdma{};
  };
  struct seccomp_t {
    std::optional<bool> enabled{};
    std::optional<std::vector<std::string>> actions{}, operators{}, archs{}, known_flags{}, supported_flags{};
  };
  struct enabled_t {
    std::optional<bool> enabled{};
  };
  struct intel_rdt_t {
    std::optional<bool> enabled{}, schemata{}, monitoring{};
  };
  struct memory_policy_t {
    std::optional<std::vector<std::string>> modes{}, flags{};
  };
  struct mount_extensions_t {
    std::optional<enabled_t> idmap{};
  };
  struct linux_t {
    std::optional<std::vector<std::string>> namespaces{}, capabilities{};
    std::optional<cgroup_t> cgroup{};
    std::optional<seccomp_t> seccomp{};
    std::optional<enabled_t> apparmor{}, selinux{};
    std::optional<intel_rdt_t> intel_rdt{};
    std::optional<memory_policy_t> memory_policy{};
    std::optional<mount_extensions_t> mount_extensions{};
    std::optional<enabled_t> net_devices{};
  };

  std::optional<std::string> oci_version_min{}, oci_version_max{};
  std::optional<std::vector<std::string>> hooks{}, mount_options{};
  std::optional<linux_t> linux_{};  // "linux" (trailing _ because `linux` is a predefined macro)
  std::optional<std::map<std::string, std::string>> annotations{};
  std::optional<std::vector<std::string>> potentially_unsafe_config_annotations{};
};

// Unknown keys are ignored; a key of the wrong JSON type is errc::parse_error.
result<features> parse_features_json(std::string_view json);

}  // namespace runcpp
