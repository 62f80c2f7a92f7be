// Where the shim daemon listens: containerd's runc shim convention, so that
// containers of one group (a pod) share one daemon.
#pragma once

#include <sys/un.h>

#include <map>
#include <string>
#include <string_view>

namespace runcpp::shim {

/// The directory of the shim sockets (containerd's compile-time state dir, as the Go shim).
inline constexpr std::string_view socket_dir = "/run/containerd/s";

/// Go's filepath.Join(a, b, c): joined with '/', empty elements skipped, cleaned
/// ("//" and "." removed, ".." resolved lexically, no trailing '/'). Pure.
std::string join_clean(std::string_view a, std::string_view b, std::string_view c);

/// "unix:///run/containerd/s/" + hex(sha256(join_clean(containerd_address, ns, group))). Pure.
std::string socket_address(std::string_view containerd_address, std::string_view ns, std::string_view group);

/// The filesystem path of a "unix://PATH" address; other addresses are returned unchanged. Pure.
std::string_view socket_path(std::string_view address);

/// Fills a sockaddr_un for `path`; false when the path does not fit.
bool fill_sockaddr(sockaddr_un& sa, const std::string& path);

/// Whether something accepts connections on the unix socket `path` (a live shim daemon).
bool live_socket(const std::string& path);

/// Removes the socket file at `path` unless a live daemon serves it (another
/// container of its group may still use it). For `delete` after a killed daemon.
void remove_dead_socket(const std::string& path);

/// The grouping id: the annotation io.containerd.runc.v2.group, else
/// io.kubernetes.cri.sandbox-id, else the container id. Pure.
std::string grouping_id(const std::map<std::string, std::string>& annotations, std::string_view id);

}  // namespace runcpp::shim
