// Fuzz target: runcpp::parse_features_json (`runc features`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <runcpp/error.hpp>
#include <runcpp/features.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto r = runcpp::parse_features_json(in);
  if (!r && r.error().code() != runcpp::errc::parse_error) std::abort();
  return 0;
}
