#include "bundle.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace runcpp::shim {
namespace {

nlohmann::json read_spec(const std::filesystem::path& bundle) {
  std::ifstream in(bundle / "config.json");
  if (!in) return {};
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

std::map<std::string, std::string> read_annotations(const std::filesystem::path& bundle) {
  std::map<std::string, std::string> out;
  nlohmann::json spec = read_spec(bundle);
  if (!spec.is_object()) return out;
  auto it = spec.find("annotations");
  if (it == spec.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

bool kill_all_on_exit(const std::filesystem::path& bundle) {
  nlohmann::json spec = read_spec(bundle);
  if (!spec.is_object()) return true;
  const nlohmann::json* ns = nullptr;
  if (auto l = spec.find("linux"); l != spec.end() && l->is_object()) {
    if (auto n = l->find("namespaces"); n != l->end() && n->is_array()) ns = &*n;
  }
  if (!ns) return true;
  for (const auto& n : *ns) {
    if (!n.is_object() || n.value("type", "") != "pid") continue;
    if (n.value("path", "").empty()) return false;
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

std::string default_runc_root(const std::string& ns) { return "/run/containerd/runcpp/" + ns; }

}  // namespace runcpp::shim
