// SHA-256 (FIPS 180-4), only for the shim's socket name; no library needed for 60 lines.
#pragma once

#include <string>
#include <string_view>

namespace runcpp::shim {

/// Lower-case hex SHA-256 of `data`. Pure.
std::string sha256_hex(std::string_view data);

}  // namespace runcpp::shim
