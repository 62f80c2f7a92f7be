// JSON for spec::process and spec::linux_resources (runtime-spec 1.2), and
// raw_json, the kept form of members the models do not know. The key lists
// are in spec_keys.hpp, the generic reader and writer in spec_codec.hpp.

#include <runcpp/spec.hpp>

#include <string>
#include <string_view>
#include <utility>

#include "rapid.hpp"
#include "rapid_writer.hpp"
#include "spec_codec.hpp"

namespace runcpp::spec {

namespace detail {

raw_json to_raw(const rapid::value& v) {
  rapidjson::StringBuffer buffer;
  rapid::compact_writer w(buffer);
  rapid::put_value(w, v);
  // Valid JSON by construction; parse() keeps it as it is.
  auto raw = raw_json::parse(rapid::text_of(buffer));
  return raw ? std::move(*raw) : raw_json{};
}

}  // namespace detail

result<raw_json> raw_json::parse(std::string_view text) {
  detail::rapid::document doc;
  if (!doc.parse(text)) return error(errc::parse_error, "raw JSON: not valid JSON");
  rapidjson::StringBuffer buffer;
  detail::rapid::compact_writer w(buffer);
  detail::rapid::put_value(w, doc.root());
  return raw_json(detail::rapid::text_of(buffer));
}

std::string to_json(const process& p) { return detail::write_compact(p); }
std::string to_json(const linux_resources& r) { return detail::write_compact(r); }

result<process> parse_process_json(std::string_view text) {
  return detail::parse<process>(text, "process JSON");
}

result<linux_resources> parse_linux_resources_json(std::string_view text) {
  return detail::parse<linux_resources>(text, "linux resources JSON");
}

}  // namespace runcpp::spec
