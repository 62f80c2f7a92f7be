// Fuzz target: spec::parse_process_json and spec::parse_linux_resources_json;
// whatever parses must survive to_json and parse back equal.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <runcpp/error.hpp>
#include <runcpp/spec.hpp>

namespace {

template <class Parse>
void round_trip(std::string_view in, Parse parse) {
  const auto first = parse(in);
  if (!first) {
    if (first.error().code() != runcpp::errc::parse_error) std::abort();
    return;
  }
  const std::string json = runcpp::spec::to_json(*first);
  const auto second = parse(json);
  if (!second) {
    std::fprintf(stderr, "to_json output does not parse: %s\n  json: %s\n", second.error().message().c_str(),
                 json.c_str());
    std::abort();
  }
  if (!(*second == *first)) {
    std::fprintf(stderr, "round trip changed the model\n  json: %s\n", json.c_str());
    std::abort();
  }
  if (runcpp::spec::to_json(*second) != json) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  round_trip(in, [](std::string_view j) { return runcpp::spec::parse_process_json(j); });
  round_trip(in, [](std::string_view j) { return runcpp::spec::parse_linux_resources_json(j); });
  return 0;
}
