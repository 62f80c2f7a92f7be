// The stdout of a Create or Exec request read as containerd's Go shim reads it
// (pkg/process/io.go createIO: url.Parse, then the scheme):
//  - no scheme (a plain path) or `fifo`: a fifo the client created, used as is;
//  - `binary:///path?k=v`: a logging program the shim starts (binary_logger.hpp);
//  - `file:///path`: stdout and stderr appended to that file.
// Pure: no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace runcpp::shim {

enum class stdio_scheme { fifo, binary, file };

struct stdio_uri {
  stdio_scheme scheme = stdio_scheme::fifo;
  /// fifo: the text as given; binary, file: the URI's path, percent-decoded.
  std::string path;
  /// binary: the program's arguments, from the query: each key followed by its
  /// first value (also when empty), keys in their order of first appearance (Go
  /// uses its map order, which is random). Pairs Go's url.ParseQuery drops (a
  /// `;`, a bad escape, an empty pair) are dropped; an empty key is kept.
  std::vector<std::string> args;
};

/// Parses `text` (a request's stdout) into `out`. Returns "" or the one-line
/// reason it is not usable: a malformed URI, an unknown scheme, no absolute path.
std::string parse_stdio_uri(std::string_view text, stdio_uri& out);

}  // namespace runcpp::shim
