#include "bundle.hpp"

#include <runcpp/spec_config.hpp>

#include "file_io.hpp"

namespace runcpp::shim {

// The bundle's config.json through the library's typed model (one JSON library
// for the whole project); an unreadable config reads as an empty one.
std::map<std::string, std::string> read_annotations(const std::filesystem::path& bundle) {
  auto cfg = spec::load_config(bundle / "config.json");
  if (!cfg || !cfg->annotations) return {};
  return *cfg->annotations;
}

bool kill_all_on_exit(const std::filesystem::path& bundle) {
  auto cfg = spec::load_config(bundle / "config.json");
  if (!cfg || !cfg->linux_config || !cfg->linux_config->namespaces) return true;
  for (const auto& n : *cfg->linux_config->namespaces) {
    if (n.type.value_or("") != "pid") continue;
    if (n.path.value_or("").empty()) return false;
  }
  return true;
}

std::string write_runtime_choice(const std::filesystem::path& bundle, const runtime_choice& c) {
  return write_file(bundle / "runcpp-runtime", c.command + '\n' + c.root + '\n')
             ? std::string{}
             : "cannot write " + (bundle / "runcpp-runtime").string();
}

runtime_choice read_runtime_choice(const std::filesystem::path& bundle, runtime_choice fallback) {
  const auto text = read_file(bundle / "runcpp-runtime");
  if (!text) return fallback;
  const std::string_view command = first_line(*text);
  if (command.empty() || command.size() == text->size()) return fallback;
  const std::string_view rest = std::string_view(*text).substr(command.size() + 1);
  if (rest.empty()) return fallback;  // no second line
  return {.command = std::string(command), .root = std::string(first_line(rest))};
}

}  // namespace runcpp::shim
