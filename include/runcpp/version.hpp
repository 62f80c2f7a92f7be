/// @file
/// The output of `runc --version` (and crun's `crun version ...`), parsed.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <runcpp/result.hpp>

namespace runcpp {

/// What `runc --version` printed, line by line (go-runc: Version).
struct version {
  std::string runtime{};     ///< "runc", "crun", ... (first word of the first line)
  std::string version{};     ///< "1.1.5+ds1" (go-runc: Runc)
  std::string commit{};      ///< "commit: ..." (may be empty)
  std::string spec{};        ///< "spec: ..."
  std::string go{};          ///< "go: ..." (runc)
  std::string libseccomp{};  ///< "libseccomp: ..." (runc)
  /// Every "key: value" line after the first, in order (rundir, libpathrs, ...).
  std::vector<std::pair<std::string, std::string>> fields{};
  /// Lines without "key: value" form, e.g. crun's "+SYSTEMD +SELINUX ...".
  std::vector<std::string> other_lines{};
};

/// Parses `<runtime> version X` followed by "key: value" lines. A field's key
/// is one word followed by ':' and a blank (or the end of the line); blank
/// lines are skipped and CRLF is accepted. Later duplicates of commit/spec/go/
/// libseccomp overwrite earlier ones (as in go-runc); `fields` keeps them all.
/// Errors: errc::parse_error when the first line is not "`<word>` version `<X>`"
/// (go-runc silently returns an empty Version instead).
result<runcpp::version> parse_version_output(std::string_view text);

}  // namespace runcpp
