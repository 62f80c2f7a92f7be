#include <runcpp/client.hpp>

#include <string>

namespace runcpp {
namespace {

// A refused id as it may appear in a one-line message: printable ASCII as is,
// any other byte (NUL, newline, escape sequences, UTF-8) as \xNN, and at
// most 64 bytes of it, so a hostile id cannot forge or flood a log line.
std::string printable_id(std::string_view id) {
  constexpr std::size_t shown = 64;
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (char ch : id.substr(0, shown)) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out += ch;
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  if (id.size() > shown) out += "...";
  return out;
}

}  // namespace

result<void> validate_container_id(std::string_view id) {
  auto bad = [&](const char* why) {
    return error(errc::invalid_argument, "invalid container id \"" + printable_id(id) + "\": " + why);
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
