// The shim's command line, as containerd passes it (Go `flag` syntax: one or two
// dashes, `-name value` or `-name=value`, bool flags bare or `=true|false`):
//   <shim> -namespace NS -address A -publish-binary B -id ID [-debug] [-bundle DIR] start|delete
// No action means "run as the daemon" (how `start` re-executes the shim).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace runcpp::shim {

struct flags {
  std::string ns;              ///< -namespace
  std::string address;         ///< -address: containerd's grpc socket
  std::string publish_binary;  ///< -publish-binary: the containerd executable
  std::string id;              ///< -id: the container (task) id
  std::string bundle;          ///< -bundle (delete); else the working directory
  std::string socket;          ///< -socket: the daemon's socket address (informational)
  bool debug = false;          ///< -debug
  bool version = false;        ///< -v
  std::string action;          ///< "start", "delete" or "" (the daemon)
};

/// The parsed flags, or `error` set to a one-line reason (unknown flag, missing value, extra argument).
struct parsed_flags {
  flags value;
  std::string error;
};

/// Parses argv without argv[0]. Pure.
parsed_flags parse_flags(std::span<const std::string_view> args);

}  // namespace runcpp::shim
