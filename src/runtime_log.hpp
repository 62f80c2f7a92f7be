// Internal: reading runc's (and crun's) error messages and classifying them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <runcpp/error.hpp>

namespace runcpp::detail {

// The msg of the last error-level record (error, fatal, panic) in `text`, which
// may mix runc's text format (time="…" level=error msg="…", Go-quoted) and its
// JSON format ({"level":"error","msg":"…"}, also crun's). Trailing newlines are
// trimmed from the message. nullopt when there is no such record.
std::optional<std::string> last_error_record(std::string_view text);

// runc's own message from its stderr: the last error record, else the first
// non-blank line (runc prints the bare message when --log is a file; crun
// prints bare messages). Empty when stderr is blank.
std::string runtime_message(std::string_view stderr_text);

// Maps a runtime message (runc 1.1-1.5, crun 1.8 wording) to an errc, or
// errc::command_failed when nothing matches.
errc classify_message(std::string_view msg);

}  // namespace runcpp::detail
