#include "flags.hpp"

#include <optional>

namespace runcpp::shim {
namespace {

std::string* string_flag(flags& f, std::string_view name) {
  if (name == "namespace") return &f.ns;
  if (name == "address") return &f.address;
  if (name == "publish-binary") return &f.publish_binary;
  if (name == "id") return &f.id;
  if (name == "bundle") return &f.bundle;
  if (name == "socket") return &f.socket;
  return nullptr;
}

bool* bool_flag(flags& f, std::string_view name) {
  if (name == "debug") return &f.debug;
  if (name == "v") return &f.version;
  return nullptr;
}

std::optional<bool> parse_bool(std::string_view v) {
  if (v == "true" || v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "True") return true;
  if (v == "false" || v == "0" || v == "f" || v == "F" || v == "FALSE" || v == "False") return false;
  return std::nullopt;
}

}  // namespace

parsed_flags parse_flags(std::span<const std::string_view> args) {
  parsed_flags out;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") {  // Go: terminates the flags
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;  // the first non-flag ends the flags
    a.remove_prefix(a[1] == '-' ? 2 : 1);
    std::optional<std::string_view> value;
    if (auto eq = a.find('='); eq != std::string_view::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    if (bool* b = bool_flag(out.value, a)) {
      auto v = value ? parse_bool(*value) : std::optional<bool>(true);
      if (!v) {
        out.error = "invalid boolean value for -" + std::string(a);
        return out;
      }
      *b = *v;
    } else if (std::string* s = string_flag(out.value, a)) {
      if (!value) {
        if (i + 1 >= args.size()) {
          out.error = "flag needs an argument: -" + std::string(a);
          return out;
        }
        value = args[++i];
      }
      *s = std::string(*value);
    } else {
      out.error = "flag provided but not defined: -" + std::string(a);
      return out;
    }
  }
  if (i < args.size()) out.value.action = std::string(args[i++]);
  if (i < args.size()) out.error = "unexpected argument: " + std::string(args[i]);
  return out;
}

}  // namespace runcpp::shim
