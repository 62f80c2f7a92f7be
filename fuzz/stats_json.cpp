// Fuzz target: runcpp::parse_stats_json and parse_event_json (`runc events`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <runcpp/error.hpp>
#include <runcpp/stats.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  const auto s = runcpp::parse_stats_json(in);
  if (!s && s.error().code() != runcpp::errc::parse_error) std::abort();
  if (s && s->intel_rdt && s->intel_rdt->schemata) {
    for (const auto& line : *s->intel_rdt->schemata) {
      if (line.find('\n') != std::string_view::npos) std::abort();
    }
  }

  const auto e = runcpp::parse_event_json(in);
  if (!e) {
    if (e.error().code() != runcpp::errc::parse_error) std::abort();
    return 0;
  }
  if (e->kind() != runcpp::parse_event_type(e->type)) std::abort();
  if (e->kind() != runcpp::event_type::stats && e->data) std::abort();
  return 0;
}
