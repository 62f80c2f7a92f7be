#include "bundle.hpp"

#include <fstream>
#include <sstream>

#include <runcpp/spec_config.hpp>

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
  std::ofstream out(bundle / "runcpp-runtime", std::ios::trunc);
  out << c.command << '\n' << c.root << '\n';
  out.close();
  return out ? std::string{} : "cannot write " + (bundle / "runcpp-runtime").string();
}

runtime_choice read_runtime_choice(const std::filesystem::path& bundle, runtime_choice fallback) {
  std::ifstream in(bundle / "runcpp-runtime");
  runtime_choice c;
  if (in && std::getline(in, c.command) && std::getline(in, c.root) && !c.command.empty()) return c;
  return fallback;
}

}  // namespace runcpp::shim
