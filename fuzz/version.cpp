// Fuzz target: runcpp::parse_version_output (`runc --version`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <runcpp/error.hpp>
#include <runcpp/version.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto r = runcpp::parse_version_output(in);
  if (!r) {
    if (r.error().code() != runcpp::errc::parse_error) std::abort();
    return 0;
  }
  if (r->runtime.empty() || r->version.empty()) std::abort();
  if (r->fields.size() + r->other_lines.size() > size) std::abort();
  for (const auto& [key, value] : r->fields) {
    if (key.empty() || key.find_first_of(" \t\n") != std::string_view::npos) std::abort();
    if (value.find('\n') != std::string_view::npos) std::abort();
  }
  return 0;
}
