// Shared by the examples: a busybox OCI bundle made with runcpp's own `spec`.
#pragma once

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include <runcpp/runcpp.hpp>

namespace examples {

inline std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + '"';
}

// <bundle>/rootfs from the static /bin/busybox with `applets` linked to it,
// <bundle>/config.json from `runc spec`, edited to run `args` without a terminal.
inline runcpp::result<void> make_busybox_bundle(const runcpp::client& runc,
                                                const std::filesystem::path& bundle,
                                                const std::vector<std::string>& args,
                                                std::initializer_list<const char*> applets) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(bundle / "rootfs/bin", ec);
  for (const char* d : {"proc", "dev", "sys", "tmp"}) fs::create_directories(bundle / "rootfs" / d, ec);
  fs::copy_file("/bin/busybox", bundle / "rootfs/bin/busybox", ec);
  if (ec) return runcpp::error(runcpp::errc::io_error, "cannot copy /bin/busybox: " + ec.message());
  for (const char* app : applets) fs::create_symlink("busybox", bundle / "rootfs/bin" / app, ec);
  if (auto r = runc.spec(bundle); !r) return r;
  std::stringstream text;
  text << std::ifstream(bundle / "config.json").rdbuf();
  std::string json = text.str();
  auto open = json.find("\"args\": [");
  auto close = open == std::string::npos ? open : json.find(']', open);
  if (json.find("\"terminal\": true") == std::string::npos || close == std::string::npos)
    return runcpp::error(runcpp::errc::parse_error, "unexpected config.json from runc spec");
  std::string list;
  for (const auto& a : args) list += (list.empty() ? "" : ", ") + json_quote(a);
  json.replace(open, close + 1 - open, "\"args\": [" + list + "]");
  json.replace(json.find("\"terminal\": true"), 16, "\"terminal\": false");
  std::ofstream(bundle / "config.json") << json;
  return {};
}

}  // namespace examples
