// containerd.runc.v1.Options, the runtime options containerd 1.6 passes to a shim
// of a runtime named io.containerd.runc.* (client.CheckRuntime): in
// CreateTaskRequest.options and, serialized as an Any, on the `start` command's
// stdin. ctr sets them only with `--runtime io.containerd.runc.v2` (--runc-binary,
// --runc-root, --runc-systemd-cgroup, --no-pivot, --uidmap/--gidmap for io_uid/io_gid);
// CRI from its runtime's `options` table when runtime_type is io.containerd.runc.v2.
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proto.hpp"

namespace runcpp::shim {

/// What the shim does with each option, as containerd 1.6's Go runc shim does
/// (runtime/v2/runc/container.go NewContainer/newInit, pkg/process/init.go,
/// runtime/v2/runc/manager/manager_linux.go Start).
struct runtime_options {
  std::string binary = "runc";  ///< binary_name: the runtime executable ("runc" when unset)
  std::string root;  ///< root: base of the runtime's --root ("" = the shim's default), see runtime_root()
  bool systemd_cgroup = false;  ///< runtime --systemd-cgroup
  bool no_pivot_root = false;   ///< create --no-pivot
  bool no_new_keyring = false;  ///< create --no-new-keyring
  std::uint32_t io_uid = 0;     ///< owner of the stdio the shim hands to the container
  std::uint32_t io_gid = 0;
  std::string shim_cgroup;     ///< `start` moves the new daemon into this cgroup
  std::string criu_path;       ///< criu binary for checkpoint/restore ("" = criu on PATH)
  std::string criu_work_path;  ///< restore's criu work directory ("" = <bundle>/work)
};

/// The options, or `error` (one line) when they cannot be read.
struct parsed_runtime_options {
  runtime_options value;
  std::string error;
};

/// The runtime --root for namespace `ns`: Go's filepath.Join(root, ns), with the
/// shim's own /run/containerd/runcpp when `root` is empty (the Go shim's is
/// /run/containerd/runc: the two never share their containers' state).
std::string runtime_root(std::string_view root, std::string_view ns);

/// From CreateTaskRequest.options. An empty Any gives the defaults; an Any of
/// another type (runtimeoptions.v1.Options from `ctr --runtime-config-path`, ...) too:
/// those options are not the shim's. A containerd.runc.v1.Options that does not
/// decode is an error (the Go shim fails the Create too).
parsed_runtime_options parse_runtime_options(const google::protobuf::Any& options);

/// From the bytes containerd writes on `start`'s stdin: nothing, or a serialized Any
/// as above. Bytes that are not an Any are an error (the Go shim's start fails).
parsed_runtime_options parse_start_options(std::string_view stdin_bytes);

}  // namespace runcpp::shim
