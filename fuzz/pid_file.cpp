// Fuzz target: runcpp::parse_pid (the parsing half of read_pid_file).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <runcpp/error.hpp>
#include <runcpp/pid_file.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto r = runcpp::parse_pid(in);
  if (!r) {
    if (r.error().code() != runcpp::errc::parse_error) std::abort();
    return 0;
  }
  if (*r < 1) std::abort();
  // The canonical spelling of the pid must parse back to the same pid.
  const auto again = runcpp::parse_pid(std::to_string(*r));
  if (!again || *again != *r) std::abort();
  return 0;
}
