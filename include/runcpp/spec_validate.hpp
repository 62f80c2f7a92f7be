/// @file
/// Checks a spec::config before runc sees it: validate() lists every problem
/// that runc (1.1–1.4) or crun would reject when creating the container, each
/// with a JSON pointer (RFC 6901) to the offending field of config.json and a
/// plain message.
///
/// @code
///   auto cfg = runcpp::spec::default_config();
///   cfg.process->args = std::vector<std::string>{};
///   for (const auto& p : runcpp::spec::validate(cfg))
///     std::cerr << runcpp::spec::to_string(p) << '\n';
///   // /process/args: process.args is empty: it must name the program to run
/// @endcode
///
/// What is checked (the pointer names the field; an absent field is named by
/// where it would be):
///   - required fields: ociVersion, root.path, process (runc create and run
///     need one), process.args (non-empty), process.cwd (absolute);
///   - process: env entries of the form KEY=value, rlimit types known and
///     unique with soft <= hard, oomScoreAdj in -1000..1000, the scheduler and
///     ioPriority rules of runc, uid/gid/additionalGids mapped when the
///     container has a user namespace with mappings;
///   - mounts: absolute destinations, a source for bind mounts, idmapped
///     mounts (bind only, the same mappings as the user namespace);
///   - namespaces: known types, no duplicates, a new user namespace has uid
///     and gid mappings, mappings only with a user namespace, timeOffsets only
///     with a time namespace, hostname/domainname only with a uts namespace,
///     maskedPaths/readonlyPaths only with a mount namespace;
///   - linux: sysctls allowed by the namespaces (runc's rules), id mappings
///     with a non-zero size, devices (absolute path, type c/b/u/p, numbers),
///     rootfsPropagation, seccomp actions, intelRdt closID, personality
///     domain, memory.swap >= memory.limit;
///   - hooks: absolute paths, positive timeouts;
///   - rootless (validate_options::rootless): a user namespace with mappings,
///     uid=/gid= mount options that are mapped, no idmapped mounts.
///
/// validate() is pure: it reads no file and asks the kernel nothing (whether
/// the rootfs exists, whether SELinux or Intel RDT are enabled is runc's to
/// find out). Thread-safety: reentrant, no shared state.
#pragma once

#include <string>
#include <vector>

#include <runcpp/spec_config.hpp>

namespace runcpp::spec {

/// One problem of a config.
struct problem {
  std::string pointer;  ///< JSON pointer to the field in config.json, e.g. "/mounts/2/destination"
  std::string message;  ///< what is wrong, in plain words
  friend bool operator==(const problem&, const problem&) = default;  ///< memberwise
};

/// How validate() judges a config.
struct validate_options {
  /// The container will be created by a runtime running without root (runc's
  /// "rootless" mode, euid != 0): also check what rootless cannot do.
  bool rootless = false;
};

/// Every problem of `cfg` that runc would reject, in config.json order
/// (ociVersion, root, process, mounts, hostname, hooks, linux); empty when
/// there is none. Never fails; never throws (except std::bad_alloc); never blocks.
std::vector<problem> validate(const config& cfg, const validate_options& options = {});

/// "<pointer>: <message>", e.g. "/process/cwd: process.cwd must be an absolute path".
std::string to_string(const problem& p);

/// Escapes one reference token of a JSON pointer (RFC 6901): "~" -> "~0",
/// "/" -> "~1". For map keys such as sysctl names and annotations.
std::string json_pointer_token(std::string_view key);

}  // namespace runcpp::spec
