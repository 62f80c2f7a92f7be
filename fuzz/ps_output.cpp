// Fuzz target: runcpp::parse_ps_output (the ps(1) table of `runc ps`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <runcpp/error.hpp>
#include <runcpp/ps.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto r = runcpp::parse_ps_output(in);
  if (!r) {
    if (r.error().code() != runcpp::errc::parse_error) std::abort();
    return 0;
  }
  if (!r->processes.empty() && r->headers.empty()) std::abort();
  for (const auto& h : r->headers) {
    if (h.empty() || h.find_first_of(" \t\r\n") != std::string_view::npos) std::abort();
  }
  for (const auto& row : r->processes) {
    if (row.size() != r->headers.size()) std::abort();
    for (const auto& cell : row) {
      if (cell.find('\n') != std::string_view::npos) std::abort();
    }
  }
  return 0;
}
