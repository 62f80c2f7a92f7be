// JSON for spec::config (runtime-spec 1.3.0, Linux): the same reader and
// writer as spec::process (spec_codec.hpp), over the key lists in spec_keys.hpp.

#include <runcpp/spec_config.hpp>

#include <string>
#include <string_view>

#include "spec_codec.hpp"

namespace runcpp::spec {

result<config> parse_config(std::string_view json) { return detail::parse<config>(json, "config JSON"); }

std::string serialize_config(const config& cfg, json_layout layout) {
  return layout == json_layout::compact ? detail::write_compact(cfg) : detail::write_indented(cfg);
}

}  // namespace runcpp::spec
