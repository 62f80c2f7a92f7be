// Fuzz target: detail::runtime_message, last_error_record and classify_message
// (reading runc's and crun's stderr / log output).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace d = runcpp::detail;

  const auto record = d::last_error_record(in);
  const std::string message = d::runtime_message(in);
  // runtime_message is the last error record when there is one.
  if (record && message != *record) std::abort();
  // Blank stderr gives an empty message.
  if (in.find_first_not_of(" \t\r\n") == std::string_view::npos && !message.empty()) std::abort();

  const auto c1 = d::classify_message(in);
  const auto c2 = d::classify_message(in);
  if (c1 != c2) std::abort();
  (void)d::classify_message(message);
  if (record) (void)d::classify_message(*record);
  return 0;
}
