#include "env.hpp"

#include <unistd.h>

#include <cerrno>
#include <unordered_map>

#include "fd.hpp"

extern char** environ;  // NOLINT: POSIX

namespace runcpp::detail {
namespace {

std::string_view key_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

}  // namespace

std::vector<std::string> build_environment(std::span<const std::string> base,
                                           std::span<const std::string> extra_a,
                                           std::span<const std::string> extra_b) {
  std::vector<std::string_view> all;
  all.reserve(base.size() + extra_a.size() + extra_b.size());
  for (const auto& e : base)
    if (key_of(e) != "NOTIFY_SOCKET") all.emplace_back(e);
  for (const auto& e : extra_a) all.emplace_back(e);
  for (const auto& e : extra_b) all.emplace_back(e);

  std::unordered_map<std::string_view, std::size_t> last;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].find('=') == std::string_view::npos) continue;
    last[key_of(all[i])] = i;
  }
  std::vector<std::string> out;
  out.reserve(last.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].find('=') == std::string_view::npos) continue;
    if (last[key_of(all[i])] == i) out.emplace_back(all[i]);
  }
  return out;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

result<std::string> find_executable(const std::string& command, std::span<const std::string> env) {
  if (command.empty()) return error(errc::invalid_argument, "config.command is empty");
  if (command.find('/') != std::string::npos) {
    if (::access(command.c_str(), X_OK) != 0)
      return sys_error(errc::spawn_failed, "cannot execute " + command);
    return command;
  }
  std::string_view path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& e : env)
    if (e.starts_with("PATH=")) path = std::string_view(e).substr(5);
  int first_error = ENOENT;
  while (true) {
    auto colon = path.find(':');
    std::string_view dir = path.substr(0, colon);
    std::string candidate = dir.empty() ? command : std::string(dir) + "/" + command;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (errno == EACCES) first_error = EACCES;
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return sys_error(errc::spawn_failed, "cannot find " + command + " in PATH", first_error);
}

}  // namespace runcpp::detail
