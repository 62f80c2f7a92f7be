// Fuzz target: runcpp::parse_ps_json (`runc ps --format json`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <runcpp/error.hpp>
#include <runcpp/ps.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto r = runcpp::parse_ps_json(in);
  if (!r) {
    if (r.error().code() != runcpp::errc::parse_error) std::abort();
    return 0;
  }
  for (const int pid : *r) {
    if (pid < 1) std::abort();
  }
  return 0;
}
