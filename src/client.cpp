#include <runcpp/client.hpp>

namespace runcpp {

result<void> validate_container_id(std::string_view id) {
  auto bad = [&](const char* why) {
    return error(errc::invalid_argument, "invalid container id \"" + std::string(id) + "\": " + why);
  };
  if (id.empty()) return bad("empty");
  if (id == "." || id == "..") return bad("not a path component");
  if (id.front() == '-') return bad("starts with '-' (would be read as a flag)");
  if (id.size() > 1024) return bad("longer than 1024 bytes");
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '+' || c == '-' || c == '.';
    if (!ok) return bad("only [A-Za-z0-9_+.-] are allowed");
  }
  return {};
}

client::client(runcpp::config cfg) : config_(std::move(cfg)) {
  if (!config_.monitor) config_.monitor = make_pidfd_monitor();
}

}  // namespace runcpp
