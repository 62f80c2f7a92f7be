/// @file
/// `runc ps` output: the pid list (--format json) and the ps(1) table (top).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <runcpp/result.hpp>

namespace runcpp {

/// A ps(1) table as `runc ps --format table` prints it (go-runc: TopResults).
struct top_results {
  std::vector<std::string> headers{};                 ///< e.g. {"PID", "COMMAND"}
  std::vector<std::vector<std::string>> processes{};  ///< each row has headers.size() columns
};

/// Parses a ps(1) table. The header row is split on ASCII blanks; data rows are
/// split the same way, and the last column keeps the rest of the line (the
/// command with its words, runs of blanks folded to one space). Rows whose PID
/// column is "-" are skipped; CRLF line ends are accepted.
/// Errors: errc::parse_error when the header has no PID column (and there are
/// rows) or a row has fewer columns than the header. Never crashes on any input.
result<top_results> parse_ps_output(std::string_view output);

/// Parses `runc ps --format json` output: a JSON array of pids, or null.
/// Errors: errc::parse_error for anything else, including an element that is
/// not an integer in 1..INT_MAX, and for JSON nested more than 128 levels deep.
result<std::vector<int>> parse_ps_json(std::string_view json);

}  // namespace runcpp
