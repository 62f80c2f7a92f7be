#include "address.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <vector>

#include "sha256.hpp"

namespace runcpp::shim {

std::string join_clean(std::string_view a, std::string_view b, std::string_view c) {
  std::string joined;
  for (std::string_view part : {a, b, c}) {
    if (part.empty()) continue;
    if (!joined.empty()) joined += '/';
    joined += part;
  }
  if (joined.empty()) return {};
  const bool rooted = joined.front() == '/';
  std::vector<std::string_view> out;
  std::string_view rest = joined;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view elem = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (elem.empty() || elem == ".") continue;
    if (elem == "..") {
      if (!out.empty() && out.back() != "..") {
        out.pop_back();
      } else if (!rooted) {
        out.push_back(elem);
      }
      continue;
    }
    out.push_back(elem);
  }
  std::string clean = rooted ? "/" : "";
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i) clean += '/';
    clean += out[i];
  }
  return clean.empty() ? "." : clean;
}

std::string socket_address(std::string_view containerd_address, std::string_view ns, std::string_view group) {
  return "unix://" + std::string(socket_dir) + "/" + sha256_hex(join_clean(containerd_address, ns, group));
}

std::string_view socket_path(std::string_view address) {
  constexpr std::string_view scheme = "unix://";
  if (address.starts_with(scheme)) address.remove_prefix(scheme.size());
  return address;
}

bool fill_sockaddr(sockaddr_un& sa, const std::string& path) {
  sa = {};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof(sa.sun_path)) return false;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  return true;
}

bool live_socket(const std::string& path) {
  sockaddr_un sa;
  if (!fill_sockaddr(sa, path)) return false;
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return false;
  const bool live = ::connect(s, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
  ::close(s);
  return live;
}

void remove_dead_socket(const std::string& path) {
  if (!path.empty() && !live_socket(path)) ::unlink(path.c_str());
}

std::string grouping_id(const std::map<std::string, std::string>& annotations, std::string_view id) {
  for (const char* label : {"io.containerd.runc.v2.group", "io.kubernetes.cri.sandbox-id"}) {
    if (auto it = annotations.find(label); it != annotations.end() && !it->second.empty()) return it->second;
  }
  return std::string(id);
}

}  // namespace runcpp::shim
