// A config built, run, edited and run again, without writing JSON by hand:
//
//   bundle_edit [--runtime runc|crun|/path]
//
// 1. bundle_builder: runc's default config + a busybox rootfs, with the
//    process, environment and hostname set; write() validates, then writes.
// 2. client::run in the foreground, the container's output on our stdout.
// 3. load_config -> edit -> validate -> save_config, and run it again: the
//    exit status shows the edit took.
// Everything lives in a temporary directory, removed at the end. Needs root.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include <runcpp/runcpp.hpp>

#include "busybox_bundle.hpp"
#include "scoped.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string runtime = "runc";
  if (argc == 3 && std::string(argv[1]) == "--runtime") runtime = argv[2];
  char tmpl[] = "/tmp/runcpp-bundle-edit-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return std::perror("mkdtemp"), 1;
  examples::temp_directory dir{tmpl};
  const fs::path bundle = dir.path / "bundle";
  const runcpp::client runc({.command = runtime, .root = dir.path / "state"});
  const std::string id = "runcpp-bundle-edit-" + std::to_string(::getpid());
  examples::container_guard own{runc, id};

  // 1. Build: the config starts as `runc spec` writes it.
  runcpp::bundle_builder builder;
  examples::add_busybox_rootfs(builder, {"sh", "echo", "hostname"});
  builder.set_args({"sh", "-c", "echo \"$GREETING from $(hostname)\""})
      .set_terminal(false)
      .add_env("GREETING=hello")
      .set_hostname("built-by-runcpp");
  if (auto r = builder.write(bundle); !r) return std::cerr << "write: " << r.error() << '\n', 1;

  // 2. Run it; the container writes to our stdout. A foreground run without
  //    `keep` deletes the container when it exits, so the id can be reused.
  auto first = runc.run(id, bundle, {.io = runcpp::inherit_io()});
  if (!first) return std::cerr << "run: " << first.error() << '\n', 1;
  std::cout << "first run exited with " << first->go_status() << std::endl;

  // 3. Edit the file: load, change, check, save (atomically).
  auto cfg = runcpp::spec::load_config(bundle / "config.json");
  if (!cfg) return std::cerr << "load: " << cfg.error() << '\n', 1;
  cfg->process->args = std::vector<std::string>{"sh", "-c", "echo edited; exit 3"};
  for (const auto& problem : runcpp::spec::validate(*cfg))
    std::cerr << runcpp::spec::to_string(problem) << '\n';
  if (auto r = runcpp::spec::save_config(bundle / "config.json", *cfg); !r)
    return std::cerr << "save: " << r.error() << '\n', 1;

  auto second = runc.run(id, bundle, {.io = runcpp::inherit_io()});
  if (!second) return std::cerr << "run: " << second.error() << '\n', 1;
  std::cout << "second run exited with " << second->go_status() << std::endl;
  return *second == runcpp::exit_status::exited(3) ? 0 : 1;
}
