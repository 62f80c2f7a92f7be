// runcpp_schema_write_configs OUT_DIR: writes, with bundle_builder, one bundle
// (OUT_DIR/<kind>/config.json, with an empty rootfs) for every kind of config
// the tests and examples make and for each builder convenience, so that
// check_configs.py can hold them all against the runtime-spec JSON schema.
// Exits 1 (with the builder's error) if any bundle cannot be written.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <runcpp/runcpp.hpp>

namespace {

namespace fs = std::filesystem;
using runcpp::bundle_builder;

runcpp::spec::linux_resources some_limits() {
  runcpp::spec::linux_resources r;
  r.memory.emplace().limit = 64 << 20;
  r.cpu.emplace().shares = 512;
  r.pids.emplace().limit = 64;
  return r;
}

// Each kind: a name and how to edit a builder that starts from runc's default.
const std::vector<std::pair<std::string, std::function<void(bundle_builder&)>>>& kinds() {
  static const std::vector<std::pair<std::string, std::function<void(bundle_builder&)>>> all{
      {"runc-default", [](bundle_builder&) {}},
      {"runc-default-rootless",
       [](bundle_builder& b) { b.config() = runcpp::spec::default_rootless_config(); }},
      // tests/support/bundle_lib.cpp and examples/busybox_bundle.hpp
      {"busybox",
       [](bundle_builder& b) {
         b.set_args({"sleep", "1000"}).set_terminal(false);
       }},
      // the edits tests/runc and tests/integration make
      {"test-edits",
       [](bundle_builder& b) {
         b.set_args({"sh", "-c", "echo hi"})
             .set_terminal(true)
             .set_env({"PATH=/bin", "A=b"})
             .add_env("C=d")
             .set_readonly_rootfs(false)
             .set_resources(some_limits());
       }},
      // examples/lifecycle.cpp
      {"demo",
       [](bundle_builder& b) { b.set_terminal(false).set_hostname("runcpp-demo").add_env("DEMO=1"); }},
      // every convenience of the builder
      {"builder-all",
       [](bundle_builder& b) {
         b.set_cwd("/tmp")
             .set_user(65534, 65534, {65534})
             .set_hostname("web")
             .add_bind_mount("/srv", "/data", {.readonly = true})
             .add_bind_mount("/etc/hosts", "/etc/hosts", {.recursive = false})
             .add_namespace("cgroup")
             .remove_namespace("network")
             .set_cgroups_path("/runcpp/schema")
             .set_resources(some_limits());
       }},
      {"builder-join-namespace", [](bundle_builder& b) { b.add_namespace("network", "/proc/1/ns/net"); }},
      {"builder-rootless", [](bundle_builder& b) { b.make_rootless(1000, 1000); }},
  };
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: runcpp_schema_write_configs OUT_DIR\n";
    return 2;
  }
  const fs::path out = argv[1];
  std::error_code ec;
  fs::remove_all(out, ec);
  for (const auto& [name, edit] : kinds()) {
    bundle_builder b;
    edit(b);
    fs::create_directories(out / name / "rootfs", ec);
    if (auto r = b.write(out / name); !r) {
      std::cerr << name << ": " << r.error() << '\n';
      return 1;
    }
  }
  std::cout << "wrote " << kinds().size() << " configs under " << out << '\n';
  return 0;
}
