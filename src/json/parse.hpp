// Internal: the one way src/ turns text into nlohmann::json. The hot decoders
// (state/list, stats/events) use RapidJSON instead, through rapid.hpp.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace runcpp::detail {

// Never throws: malformed text gives a discarded value (check is_discarded()).
// nlohmann's lexer takes a NUL byte for the end of input and would ignore
// whatever follows it; a raw NUL is never valid JSON, so it is rejected too.
inline nlohmann::json parse_json(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace runcpp::detail
