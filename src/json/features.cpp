// Decoding of `runc features` (runtime-spec features.md). Every field is
// optional; a known key holding the wrong JSON type is a parse_error naming
// the key by its dotted path. Parsed with RapidJSON (rapid.hpp), which never
// throws; every Get* is preceded by a type test.

#include <runcpp/features.hpp>

#include <string>
#include <utility>

#include "rapid.hpp"

namespace runcpp {

namespace {

using json = detail::rapid::value;
using detail::rapid::view;

// Walks the document, remembering the first type error. Paths are built only
// when something is wrong, so the happy path does not concatenate strings.
class decoder {
 public:
  bool failed() const noexcept { return failure_.has_value(); }
  runcpp::error take_error() && { return std::move(*failure_); }

  // The member as a JSON object, or nullptr when absent/null (or on error).
  const json* object(const json& obj, std::string_view parent, const char* key) {
    const json* v = member(obj, key);
    if (v == nullptr) return nullptr;
    if (!v->IsObject()) {
      fail(parent, key, "an object");
      return nullptr;
    }
    return v;
  }

  void boolean(const json& obj, std::string_view parent, const char* key, std::optional<bool>& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->IsBool()) return fail(parent, key, "a boolean");
    out = v->GetBool();
  }

  void string(const json& obj, std::string_view parent, const char* key, std::optional<std::string>& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->IsString()) return fail(parent, key, "a string");
    out = std::string(view(*v));
  }

  void strings(const json& obj, std::string_view parent, const char* key,
               std::optional<std::vector<std::string>>& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->IsArray()) return fail(parent, key, "an array of strings");
    std::vector<std::string> items;
    items.reserve(v->Size());
    for (const auto& e : v->GetArray()) {
      if (!e.IsString()) return fail(parent, key, "an array of strings");
      items.emplace_back(view(e));
    }
    out = std::move(items);
  }

  void string_map(const json& obj, std::string_view parent, const char* key,
                  std::optional<std::map<std::string, std::string>>& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->IsObject()) return fail(parent, key, "an object of strings");
    // Of duplicate keys the last counts, and only its type is checked.
    std::map<std::string, std::string> items;
    for (const auto* m : detail::rapid::sorted_last_members(*v)) {
      if (!m->value.IsString()) return fail(parent, key, "an object of strings");
      items.emplace_hint(items.end(), view(m->name), view(m->value));
    }
    out = std::move(items);
  }

  // {"enabled": bool}, used by apparmor, selinux, netDevices and idmap.
  void enabled(const json& obj, std::string_view parent, const char* key,
               std::optional<features::enabled_t>& out) {
    const json* o = object(obj, parent, key);
    if (o == nullptr) return;
    features::enabled_t e;
    boolean(*o, join(parent, key), "enabled", e.enabled);
    out = e;
  }

 private:
  // Absent and null are the same: "the runtime did not say" (Go decodes null
  // into a nil pointer without complaint). Of duplicate keys the last counts.
  static const json* member(const json& obj, const char* key) {
    const json* v = detail::rapid::find_last(obj, key);
    return v == nullptr || v->IsNull() ? nullptr : v;
  }

  static std::string join(std::string_view parent, std::string_view key) {
    std::string path(parent);
    if (!path.empty()) path += '.';
    path += key;
    return path;
  }

  void fail(std::string_view parent, std::string_view key, std::string_view expected) {
    if (failure_) return;
    std::string msg = "features JSON: key \"";
    msg += join(parent, key);
    msg += "\" is not ";
    msg += expected;
    failure_.emplace(errc::parse_error, std::move(msg));
  }

  std::optional<runcpp::error> failure_;
};

}  // namespace

result<features> parse_features_json(std::string_view text) {
  detail::rapid::document doc;
  if (!doc.parse(text)) return error(errc::parse_error, "features JSON: " + std::string(doc.failure()));
  const json& j = doc.root();
  if (!j.IsObject()) return error(errc::parse_error, "features JSON: not a JSON object");

  features f;
  decoder d;
  d.string(j, "", "ociVersionMin", f.oci_version_min);
  d.string(j, "", "ociVersionMax", f.oci_version_max);
  d.strings(j, "", "hooks", f.hooks);
  d.strings(j, "", "mountOptions", f.mount_options);
  d.string_map(j, "", "annotations", f.annotations);
  d.strings(j, "", "potentiallyUnsafeConfigAnnotations", f.potentially_unsafe_config_annotations);

  if (const json* lx = d.object(j, "", "linux")) {
    features::linux_t l;
    d.strings(*lx, "linux", "namespaces", l.namespaces);
    d.strings(*lx, "linux", "capabilities", l.capabilities);
    if (const json* cg = d.object(*lx, "linux", "cgroup")) {
      features::cgroup_t c;
      d.boolean(*cg, "linux.cgroup", "v1", c.v1);
      d.boolean(*cg, "linux.cgroup", "v2", c.v2);
      d.boolean(*cg, "linux.cgroup", "systemd", c.systemd);
      d.boolean(*cg, "linux.cgroup", "systemdUser", c.systemd_user);
      d.boolean(*cg, "linux.cgroup", "rdma", c.rdma);
      l.cgroup = c;
    }
    if (const json* sc = d.object(*lx, "linux", "seccomp")) {
      features::seccomp_t s;
      d.boolean(*sc, "linux.seccomp", "enabled", s.enabled);
      d.strings(*sc, "linux.seccomp", "actions", s.actions);
      d.strings(*sc, "linux.seccomp", "operators", s.operators);
      d.strings(*sc, "linux.seccomp", "archs", s.archs);
      d.strings(*sc, "linux.seccomp", "knownFlags", s.known_flags);
      d.strings(*sc, "linux.seccomp", "supportedFlags", s.supported_flags);
      l.seccomp = std::move(s);
    }
    d.enabled(*lx, "linux", "apparmor", l.apparmor);
    d.enabled(*lx, "linux", "selinux", l.selinux);
    if (const json* rdt = d.object(*lx, "linux", "intelRdt")) {
      features::intel_rdt_t r;
      d.boolean(*rdt, "linux.intelRdt", "enabled", r.enabled);
      d.boolean(*rdt, "linux.intelRdt", "schemata", r.schemata);
      d.boolean(*rdt, "linux.intelRdt", "monitoring", r.monitoring);
      l.intel_rdt = r;
    }
    if (const json* mp = d.object(*lx, "linux", "memoryPolicy")) {
      features::memory_policy_t m;
      d.strings(*mp, "linux.memoryPolicy", "modes", m.modes);
      d.strings(*mp, "linux.memoryPolicy", "flags", m.flags);
      l.memory_policy = std::move(m);
    }
    if (const json* me = d.object(*lx, "linux", "mountExtensions")) {
      features::mount_extensions_t m;
      d.enabled(*me, "linux.mountExtensions", "idmap", m.idmap);
      l.mount_extensions = m;
    }
    d.enabled(*lx, "linux", "netDevices", l.net_devices);
    f.linux_ = std::move(l);
  }

  if (d.failed()) return std::move(d).take_error();
  return f;
}

}  // namespace runcpp
