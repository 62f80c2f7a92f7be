// Fuzz target: runcpp::parse_state_json, parse_list_json and parse_rfc3339,
// all three on the same input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <runcpp/container.hpp>
#include <runcpp/error.hpp>

namespace {

void check_container(const runcpp::container& c) {
  if (c.pid < 0) std::abort();
  if (c.status != runcpp::parse_container_status(c.status_text)) std::abort();
  if (runcpp::parse_container_status(runcpp::to_string(c.status)) != c.status &&
      c.status != runcpp::container_status::unknown) {
    std::abort();
  }
  if (!c.created_text.empty()) {
    const auto t = runcpp::parse_rfc3339(c.created_text);
    if (!t || *t != c.created) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (const auto s = runcpp::parse_state_json(in)) {
    check_container(*s);
  } else if (s.error().code() != runcpp::errc::parse_error) {
    std::abort();
  }

  if (const auto l = runcpp::parse_list_json(in)) {
    for (const auto& c : *l) check_container(c);
  } else if (l.error().code() != runcpp::errc::parse_error) {
    std::abort();
  }

  const auto t1 = runcpp::parse_rfc3339(in);
  const auto t2 = runcpp::parse_rfc3339(in);
  if (t1.has_value() != t2.has_value()) std::abort();
  if (t1) {
    if (*t1 != *t2) std::abort();
  } else if (t1.error().code() != runcpp::errc::parse_error) {
    std::abort();
  }
  return 0;
}
