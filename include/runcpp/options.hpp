// File: runcpp/options.hpp
// One options aggregate per runc subcommand (go-runc: *Opts). Every field maps
// to one runc flag; extra_args are appended after the generated flags, before
// the positional arguments. Use designated initializers in declaration order:
//   client.create("web", bundle, {.pid_file = "/run/web.pid", .no_pivot = true});
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <runcpp/io.hpp>

namespace runcpp {

// runc create <id>: --bundle, --console-socket, --pidfd-socket, --pid-file,
// --no-pivot, --no-new-keyring, --preserve-fds. runc's create has no --detach.
struct create_options {
  std::shared_ptr<runcpp::io> io{};      // null = null_io()
  std::filesystem::path pid_file{};      // --pid-file (made absolute)
  bool no_pivot = false;               // --no-pivot
  bool no_new_keyring = false;         // --no-new-keyring
  std::vector<std::string> extra_args{};
};

// runc run <id>: create's flags plus --detach, --keep, --no-subreaper.
struct run_options {
  std::shared_ptr<runcpp::io> io{};      // null = null_io()
  std::filesystem::path pid_file{};      // --pid-file (made absolute)
  bool no_pivot = false;               // --no-pivot
  bool no_new_keyring = false;         // --no-new-keyring
  bool detach = false;                 // --detach
  bool keep = false;                   // --keep (do not delete the container after it exits)
  bool no_subreaper = false;           // --no-subreaper
  std::vector<std::string> extra_args{};
};

// runc delete [--force] <id>
struct delete_options {
  bool force = false;
  std::vector<std::string> extra_args{};
};

// runc kill [--all] <id> <signal>. --all is obsolete since runc 1.2 but accepted.
struct kill_options {
  bool all = false;
  std::vector<std::string> extra_args{};
};

// runc spec --bundle <dir> [--rootless]
struct spec_options {
  bool rootless = false;
  std::vector<std::string> extra_args{};
};

}  // namespace runcpp
