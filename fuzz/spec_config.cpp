// Fuzz target: spec::parse_config (a whole config.json). Only parse_error may
// come back; whatever parses must survive serialize_config in both layouts
// and parse back equal (unknown members included), and serializing the
// re-parsed model must give the same text again (the key order is kept).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <runcpp/error.hpp>
#include <runcpp/spec_config.hpp>

namespace {

void check_round_trip(const runcpp::spec::config& first, runcpp::spec::json_layout layout) {
  const std::string json = runcpp::spec::serialize_config(first, layout);
  const auto second = runcpp::spec::parse_config(json);
  if (!second) {
    std::fprintf(stderr, "serialize_config output does not parse: %s\n  json: %s\n",
                 second.error().message().c_str(), json.c_str());
    std::abort();
  }
  if (!(*second == first)) {
    std::fprintf(stderr, "round trip changed the model\n  json: %s\n", json.c_str());
    std::abort();
  }
  if (runcpp::spec::serialize_config(*second, layout) != json) {
    std::fprintf(stderr, "second serialization differs\n  json: %s\n", json.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto cfg = runcpp::spec::parse_config(in);
  if (!cfg) {
    if (cfg.error().code() != runcpp::errc::parse_error) std::abort();
    return 0;
  }
  check_round_trip(*cfg, runcpp::spec::json_layout::compact);
  check_round_trip(*cfg, runcpp::spec::json_layout::indented);
  return 0;
}
