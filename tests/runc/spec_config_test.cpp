// spec::config against the live runtimes: what `runc spec` / `crun spec`
// (and --rootless) write right now round-trips losslessly (byte for byte for
// runc, which writes Go's layout; as JSON for crun), "load, change one field,
// save" changes exactly that field, default_config() and
// default_rootless_config() equal runc's output field by field, and a config
// written by save_config runs.

#include <runcpp/spec_config.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include "runc_fixture.hpp"

namespace runcpp {
namespace {

using testing::read_file;
using testing::temp_dir;

rapidjson::Document json_of(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

class runtime_spec_config : public testing::runc_fixture {
 protected:
  // The runtime's own config.json, from `<runtime> spec [--rootless]`.
  std::string runtime_spec(const temp_dir& dir, bool rootless) {
    auto r = client_->spec(dir.path(), {.rootless = rootless});
    EXPECT_TRUE(r) << r.error();
    return read_file(dir / "config.json");
  }
  bool runc_1_1() {
    auto v = client_->version();
    return v && v->version.starts_with("1.1.");
  }
};

TEST_P(runtime_spec_config, spec_output_round_trips_and_one_change_changes_one_field) {
  for (const bool rootless : {false, true}) {
    temp_dir dir;
    const std::string text = runtime_spec(dir, rootless);
    auto cfg = spec::load_config(dir / "config.json");
    ASSERT_TRUE(cfg) << cfg.error();
    EXPECT_TRUE(json_of(spec::serialize_config(*cfg)) == json_of(text))
        << runtime() << " rootless=" << rootless;
    if (!is_crun()) {
      EXPECT_EQ(spec::serialize_config(*cfg), text) << "rootless=" << rootless;
    }

    cfg->process->args = std::vector<std::string>{"echo", "changed"};
    ASSERT_TRUE(spec::save_config(dir / "config.json", *cfg));
    rapidjson::Document expected = json_of(text);
    rapidjson::Value args(rapidjson::kArrayType);
    args.PushBack("echo", expected.GetAllocator()).PushBack("changed", expected.GetAllocator());
    rapidjson::Pointer("/process/args").Set(expected, args);
    EXPECT_TRUE(json_of(read_file(dir / "config.json")) == expected)
        << runtime() << " rootless=" << rootless << ":\n"
        << read_file(dir / "config.json");
  }
}

TEST_P(runtime_spec_config, defaults_equal_the_runtime_output_field_by_field) {
  if (!is_crun() && !runc_1_1())
    GTEST_SKIP() << "default_config() is runc 1.1's spec; this runc is another version";
  temp_dir plain_dir, rootless_dir;
  auto plain = spec::parse_config(runtime_spec(plain_dir, false));
  ASSERT_TRUE(plain) << plain.error();
  spec::config expected = spec::default_config();
  if (is_crun()) {
    // crun 1.8's own choices (docs/runtimes.md): an older ociVersion, its own
    // hostname and an empty inheritable capability set.
    expected.oci_version = "1.0.0";
    expected.hostname = "crun";
    expected.process->capabilities->inheritable = std::vector<std::string>{};
  }
  EXPECT_EQ(plain->oci_version, expected.oci_version);
  EXPECT_EQ(plain->root, expected.root);
  EXPECT_EQ(plain->mounts, expected.mounts);
  EXPECT_EQ(plain->process, expected.process);
  EXPECT_EQ(plain->hostname, expected.hostname);
  EXPECT_EQ(plain->linux_config, expected.linux_config);
  EXPECT_TRUE(*plain == expected);
  if (is_crun()) return;  // crun's --rootless is its own (no mappings when run as root)

  auto rootless = spec::parse_config(runtime_spec(rootless_dir, true));
  ASSERT_TRUE(rootless) << rootless.error();
  const spec::config rootless_expected = spec::default_rootless_config();
  EXPECT_EQ(rootless->mounts, rootless_expected.mounts);
  EXPECT_EQ(rootless->linux_config->namespaces, rootless_expected.linux_config->namespaces);
  EXPECT_EQ(rootless->linux_config->uid_mappings, rootless_expected.linux_config->uid_mappings);
  EXPECT_EQ(rootless->linux_config->gid_mappings, rootless_expected.linux_config->gid_mappings);
  EXPECT_TRUE(*rootless == rootless_expected);
  EXPECT_EQ(spec::serialize_config(rootless_expected), read_file(rootless_dir / "config.json"));
  EXPECT_EQ(spec::serialize_config(spec::default_config()), read_file(plain_dir / "config.json"));
}

TEST_P(runtime_spec_config, a_saved_config_runs) {
  auto cfg = spec::load_config(bundle_->config_path());
  ASSERT_TRUE(cfg) << cfg.error();
  cfg->process->args =
      std::vector<std::string>{"sh", "-c", "test \"$(hostname)\" = saved-by-runcpp && exit 7"};
  cfg->hostname = "saved-by-runcpp";
  ASSERT_TRUE(spec::save_config(bundle_->config_path(), *cfg));
  auto r = client_->run(new_id("spec"), bundle_->path());
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, exit_status::exited(7));
}

RUNCPP_ALL_RUNTIMES(spec_config, runtime_spec_config);

}  // namespace
}  // namespace runcpp
