// spec::config (runtime-spec 1.3.0, Linux): parsing every field, the lossless
// round trip (unknown members and key order kept; "load, change one field,
// save" changes exactly that field, checked as a JSON-level comparison) on
// every config the project has (runc and crun spec output, normal and
// rootless; the tests' bundle template; a hand-made config with every field),
// error paths, raw_json, atomic load/save, and runc's defaults built in C++.

#include <runcpp/spec_config.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <runcpp/fd.hpp>

#include "support/bundle.hpp"
#include "support/hygiene.hpp"

namespace runcpp::spec {
// gtest shows a config as its JSON.
void PrintTo(const config& c, std::ostream* os) { *os << serialize_config(c, json_layout::compact); }
}  // namespace runcpp::spec

namespace {

using runcpp::errc;
using runcpp::testing::read_file;
using runcpp::testing::temp_dir;
using runcpp::testing::test_data;
using testing::HasSubstr;
namespace spec = runcpp::spec;
using strings = std::vector<std::string>;

struct named_fixture {
  const char* file;
  bool go_layout;  // written by Go's json.MarshalIndent: the indented output is byte-identical
};

// Every config.json the project has: `runc spec` and `crun spec` output
// (tests/data/spec/README.md), and the hand-made one with every field.
const named_fixture fixtures[] = {
    {"spec/runc-1.1.5-spec-config.json", true},      {"spec/runc-1.1.5-spec-rootless-config.json", true},
    {"spec/crun-1.8.1-spec-config.json", false},     {"spec/crun-1.8.1-spec-rootless-config.json", false},
    {"spec/handmade-every-field-config.json", true},
};

// All the texts: the fixtures plus the template the real-runtime tests build
// their bundles from (tests/support/bundle.hpp).
std::vector<std::pair<std::string, std::string>> all_configs() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : fixtures) out.emplace_back(f.file, test_data(f.file));
  out.emplace_back("tests/support runc_spec_template", std::string(runcpp::testing::runc_spec_template));
  return out;
}

rapidjson::Document json_of(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// JSON-level equality: same values, object members in any order.
testing::AssertionResult same_json(std::string_view a, std::string_view b) {
  if (json_of(a) == json_of(b)) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "JSON differs:\n" << a << "\n---\n" << b;
}

spec::config parsed(std::string_view text) {
  auto c = spec::parse_config(text);
  EXPECT_TRUE(c) << c.error().message();
  return c ? *c : spec::config{};
}

// ---- round trips on every config -------------------------------------------

TEST(spec_config_round_trip, every_config_parses_and_writes_back_the_same_json) {
  for (const auto& [name, text] : all_configs()) {
    auto cfg = spec::parse_config(text);
    ASSERT_TRUE(cfg) << name << ": " << cfg.error().message();
    EXPECT_TRUE(same_json(spec::serialize_config(*cfg), text)) << name;
    EXPECT_TRUE(same_json(spec::serialize_config(*cfg, spec::json_layout::compact), text)) << name;
    // parse -> serialize -> parse gives the same value
    auto again = spec::parse_config(spec::serialize_config(*cfg, spec::json_layout::compact));
    ASSERT_TRUE(again) << name << ": " << again.error().message();
    EXPECT_EQ(*again, *cfg) << name;
  }
}

TEST(spec_config_round_trip, go_written_configs_come_back_byte_for_byte) {
  for (const auto& f : fixtures) {
    if (!f.go_layout) continue;
    const std::string text = test_data(f.file);
    EXPECT_EQ(spec::serialize_config(parsed(text)), text) << f.file;
  }
}

// Each change applied to the model and, independently, to the JSON document
// with a JSON pointer; the saved file must equal the edited document.
struct one_change {
  const char* pointer;
  std::function<void(spec::config&)> on_model;
  std::function<void(rapidjson::Value&, rapidjson::Document::AllocatorType&)> on_json;
};

std::vector<one_change> one_field_changes() {
  return {
      {"/hostname", [](spec::config& c) { c.hostname = "changed"; },
       [](rapidjson::Value& v, auto&) { v.SetString("changed"); }},
      {"/process/cwd", [](spec::config& c) { c.process->cwd = "/tmp"; },
       [](rapidjson::Value& v, auto&) { v.SetString("/tmp"); }},
      {"/linux/resources/pids/limit",
       [](spec::config& c) {
         auto& resources = c.linux_config->resources;
         if (!resources) resources.emplace();
         if (!resources->pids) resources->pids.emplace();
         resources->pids->limit = 42;
       },
       [](rapidjson::Value& v, auto&) { v.SetInt64(42); }},
      {"/process/args",
       [](spec::config& c) {
         c.process->args = strings{"true", "x"};
       },
       [](rapidjson::Value& v, auto& a) {
         v.SetArray();
         v.PushBack("true", a).PushBack("x", a);
       }},
  };
}

TEST(spec_config_round_trip, load_change_one_field_save_changes_exactly_that_field) {
  temp_dir dir;
  for (const auto& [name, text] : all_configs()) {
    for (const one_change& change : one_field_changes()) {
      const auto path = dir / "config.json";
      std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
      auto cfg = spec::load_config(path);
      ASSERT_TRUE(cfg) << name << ": " << cfg.error().message();
      change.on_model(*cfg);
      ASSERT_TRUE(spec::save_config(path, *cfg)) << name;

      rapidjson::Document expected = json_of(text);
      rapidjson::Value& target = rapidjson::Pointer(change.pointer).Create(expected, expected.GetAllocator());
      change.on_json(target, expected.GetAllocator());
      EXPECT_TRUE(json_of(read_file(path)) == expected) << name << " " << change.pointer << ":\n"
                                                        << read_file(path);
    }
  }
}

TEST(spec_config_round_trip, runc_output_changed_in_one_field_differs_in_one_line) {
  const std::string text = test_data("spec/runc-1.1.5-spec-config.json");
  spec::config cfg = parsed(text);
  cfg.hostname = "web";
  std::string expected = text;
  expected.replace(expected.find("\"hostname\": \"runc\""), 18, "\"hostname\": \"web\"");
  EXPECT_EQ(spec::serialize_config(cfg), expected);
}

// ---- every field -----------------------------------------------------------

std::vector<std::string> unknown_keys(const spec::json_extras& x) {
  std::vector<std::string> keys;
  for (const auto& m : x.unknown) keys.push_back(m.key);
  return keys;
}

TEST(spec_config_parse, handmade_config_every_field) {
  const spec::config c = parsed(test_data("spec/handmade-every-field-config.json"));
  EXPECT_EQ(c.oci_version, "1.3.0");
  EXPECT_EQ(c.hostname, "every-field");
  EXPECT_EQ(c.domainname, "example.org");
  EXPECT_EQ(c.root, (spec::root{.path = "rootfs", .readonly = false, .extras = c.root->extras}));
  ASSERT_EQ(c.mounts->size(), 2u);
  const spec::mount& m = (*c.mounts)[1];
  EXPECT_EQ(m.options, (strings{"rbind", "idmap", "ro"}));
  EXPECT_EQ(m.uid_mappings,
            (std::vector<spec::id_mapping>{{.container_id = 0, .host_id = 100000, .size = 65536}}));
  EXPECT_EQ(m.gid_mappings->at(0).host_id, 200000u);

  // process (the existing type) and its runtime-spec 1.2 members
  EXPECT_EQ(c.process->rlimits->at(0).hard, UINT64_MAX);
  EXPECT_EQ(c.process->capabilities->inheritable, strings{});
  EXPECT_EQ(c.process->io_priority->io_class, "IOPRIO_CLASS_RT");
  EXPECT_EQ(c.process->exec_cpu_affinity->final, "4");

  // hooks: all six lists, with args, env and timeout
  const spec::hooks& h = *c.hooks;
  EXPECT_EQ(h.prestart->at(0).args, (strings{"prestart", "--x"}));
  EXPECT_EQ(h.prestart->at(0).env, (strings{"A=1"}));
  EXPECT_EQ(h.prestart->at(0).timeout, 5);
  EXPECT_EQ(h.create_runtime->at(0).path, "/usr/bin/create-runtime");
  EXPECT_EQ(h.create_container->at(0).timeout, INT64_MAX);
  EXPECT_EQ(h.start_container->at(0).args, strings{});
  EXPECT_EQ(h.poststart->at(0).env, strings{});
  EXPECT_EQ(h.poststop->at(0).timeout, 1);
  EXPECT_EQ(c.annotations->at("com.example.key"), "value");

  const spec::linux_config& lx = *c.linux_config;
  EXPECT_EQ(lx.uid_mappings->size(), 2u);
  EXPECT_EQ(lx.gid_mappings->at(0).host_id, 1000u);
  EXPECT_EQ(lx.time_offsets->at("boottime").secs, INT64_MIN);
  EXPECT_EQ(lx.time_offsets->at("boottime").nanosecs, UINT32_MAX);
  EXPECT_EQ(lx.time_offsets->at("monotonic").secs, 86400);
  EXPECT_EQ(lx.sysctl->at("kernel.shmmax"), "68719476736");
  EXPECT_EQ(lx.resources->unified->at("memory.high"), "1G");
  EXPECT_EQ(lx.resources->cpu->idle, 1);
  EXPECT_EQ(lx.cgroups_path, "/runcpp/every-field");
  EXPECT_EQ(lx.namespaces->size(), 8u);
  EXPECT_EQ(lx.namespaces->at(1).path, "/var/run/netns/x");
  EXPECT_EQ(lx.namespaces->at(7).type, "time");
  const spec::linux_device& d = lx.devices->at(0);
  EXPECT_EQ(d.path, "/dev/fuse");
  EXPECT_EQ(d.file_mode, 0666u);
  EXPECT_EQ(d.major, 10);
  EXPECT_EQ(d.minor, 229);
  EXPECT_EQ(d.uid, 0u);
  const spec::linux_seccomp& sc = *lx.seccomp;
  EXPECT_EQ(sc.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(sc.default_errno_ret, 1u);
  EXPECT_EQ(sc.architectures->size(), 3u);
  EXPECT_EQ(sc.flags, (strings{"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"}));
  EXPECT_EQ(sc.listener_path, "/run/seccomp-agent.sock");
  EXPECT_EQ(sc.listener_metadata, "agent-metadata");
  EXPECT_EQ(sc.syscalls->at(2).errno_ret, 38u);
  const spec::linux_seccomp_arg& arg = sc.syscalls->at(1).args->at(1);
  EXPECT_EQ(arg.index, 1u);
  EXPECT_EQ(arg.value, UINT64_MAX);
  EXPECT_EQ(arg.value_two, 3u);
  EXPECT_EQ(arg.op, "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(lx.rootfs_propagation, "slave");
  EXPECT_EQ(lx.masked_paths, strings{"/proc/kcore"});
  EXPECT_EQ(lx.readonly_paths, strings{"/proc/sys"});
  EXPECT_EQ(lx.mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
  const spec::linux_intel_rdt& rdt = *lx.intel_rdt;
  EXPECT_EQ(rdt.clos_id, "guaranteed_group");
  EXPECT_EQ(rdt.l3_cache_schema, "L3:0=7f0;1=1f");
  EXPECT_EQ(rdt.mem_bw_schema, "MB:0=20;1=70");
  EXPECT_EQ(rdt.schemata, (strings{"L3:0=7f0;1=1f", "MB:0=20;1=70"}));
  EXPECT_EQ(rdt.enable_monitoring, true);
  EXPECT_EQ(rdt.enable_cmt, false);
  EXPECT_EQ(rdt.enable_mbm, true);
  EXPECT_EQ(lx.personality->domain, "LINUX32");
  EXPECT_EQ(lx.personality->flags, strings{"ADDR_NO_RANDOMIZE"});
  EXPECT_EQ(lx.net_devices->at("eth1").name, "ctr1");
  EXPECT_FALSE(lx.net_devices->at("eth2").name);
  EXPECT_EQ(lx.memory_policy->mode, "MPOL_INTERLEAVE");
  EXPECT_EQ(lx.memory_policy->nodes, "0-3,7");
  EXPECT_EQ(lx.memory_policy->flags, strings{"MPOL_F_STATIC_NODES"});
}

// The hand-made config spells every runtime-spec key once and adds "x-..."
// vendor keys; only those (and the non-Linux platforms) may be unknown, so a
// key the model misspells or lacks shows up here.
TEST(spec_config_parse, only_vendor_keys_and_other_platforms_are_unknown) {
  const spec::config c = parsed(test_data("spec/handmade-every-field-config.json"));
  using v = std::vector<std::string>;
  EXPECT_EQ(unknown_keys(c.extras), (v{"windows", "vm", "x-future-top-level"}));
  EXPECT_EQ(unknown_keys(c.process->extras), v{"x-process-vendor"});
  EXPECT_EQ(unknown_keys(c.process->user->extras), v{"x-user-vendor"});
  EXPECT_EQ(unknown_keys(c.root->extras), v{"x-root"});
  EXPECT_EQ(unknown_keys(c.mounts->at(1).extras), v{"x-mount"});
  EXPECT_EQ(unknown_keys(c.hooks->extras), v{"x-hooks"});
  EXPECT_EQ(unknown_keys(c.hooks->prestart->at(0).extras), v{"x-hook"});
  const spec::linux_config& lx = *c.linux_config;
  EXPECT_EQ(unknown_keys(lx.extras), v{"x-linux-vendor"});
  EXPECT_EQ(unknown_keys(lx.resources->extras), v{"x-resources"});
  EXPECT_EQ(unknown_keys(lx.namespaces->at(7).extras), v{"x-ns"});
  EXPECT_EQ(unknown_keys(lx.devices->at(0).extras), v{"x-dev"});
  EXPECT_EQ(unknown_keys(lx.seccomp->extras), v{"x-seccomp"});
  EXPECT_EQ(unknown_keys(lx.seccomp->syscalls->at(1).args->at(1).extras), v{"x-arg"});
  EXPECT_EQ(unknown_keys(lx.seccomp->syscalls->at(2).extras), v{"x-syscall"});
  EXPECT_EQ(unknown_keys(lx.intel_rdt->extras), v{"x-rdt"});
  EXPECT_EQ(unknown_keys(lx.personality->extras), v{"x-pers"});
  EXPECT_EQ(unknown_keys(lx.net_devices->at("eth1").extras), v{"x-netdev"});
  EXPECT_EQ(unknown_keys(lx.memory_policy->extras), v{"x-mpol"});
  // Every other struct of the hand-made config has no unknown member.
  EXPECT_TRUE(c.mounts->at(0).extras.unknown.empty());
  EXPECT_TRUE(c.process->capabilities->extras.unknown.empty());
  EXPECT_TRUE(c.process->scheduler->extras.unknown.empty());
  EXPECT_TRUE(lx.uid_mappings->at(0).extras.unknown.empty());
  EXPECT_TRUE(lx.time_offsets->at("boottime").extras.unknown.empty());
  EXPECT_TRUE(lx.resources->block_io->extras.unknown.empty());
  EXPECT_TRUE(lx.seccomp->syscalls->at(0).extras.unknown.empty());
  EXPECT_EQ(c.extras.unknown.at(1).value.text(),
            R"({"hypervisor":{"path":"/usr/bin/qemu"},"kernel":{"path":"/boot/vmlinuz"}})");
  EXPECT_EQ(lx.seccomp->extras.unknown.at(0).value.text(), "null");
}

TEST(spec_config_parse, empty_object_and_absent_fields_stay_absent) {
  const spec::config c = parsed("{}");
  EXPECT_EQ(c, spec::config{});
  EXPECT_EQ(spec::serialize_config(c, spec::json_layout::compact), "{}");
  EXPECT_EQ(spec::serialize_config(c), "{}");
  // Set-but-empty values are written; unset ones are not invented.
  spec::config e{.hostname = "",
                 .linux_config = spec::linux_config{.sysctl = std::map<std::string, std::string>{}}};
  EXPECT_EQ(spec::serialize_config(e, spec::json_layout::compact),
            R"({"hostname":"","linux":{"sysctl":{}}})");
}

TEST(spec_config_parse, null_known_keys_read_as_absent) {
  const spec::config c = parsed(R"({"hostname":null,"linux":{"seccomp":null,"cgroupsPath":"/x"}})");
  EXPECT_FALSE(c.hostname);
  EXPECT_FALSE(c.linux_config->seccomp);
  EXPECT_EQ(spec::serialize_config(c, spec::json_layout::compact), R"({"linux":{"cgroupsPath":"/x"}})");
}

// ---- key order and unknown members -----------------------------------------

TEST(spec_config_order, input_key_order_is_kept_and_new_fields_follow) {
  spec::config c =
      parsed(R"({"linux":{"x-b":[1],"cgroupsPath":"/a"},"zz":{"k":true},"hostname":"h","ociVersion":"1"})");
  EXPECT_EQ(spec::serialize_config(c, spec::json_layout::compact),
            R"({"linux":{"x-b":[1],"cgroupsPath":"/a"},"zz":{"k":true},"hostname":"h","ociVersion":"1"})");
  c.domainname = "d";
  c.oci_version.reset();
  c.linux_config->mount_label = "label";
  EXPECT_EQ(
      spec::serialize_config(c, spec::json_layout::compact),
      R"({"linux":{"x-b":[1],"cgroupsPath":"/a","mountLabel":"label"},"zz":{"k":true},"hostname":"h","domainname":"d"})");
}

TEST(spec_config_order, duplicate_keys_the_last_wins_in_the_first_place) {
  const spec::config c = parsed(R"({"hostname":"a","x":1,"hostname":"b","x":2})");
  EXPECT_EQ(c.hostname, "b");
  EXPECT_EQ(spec::serialize_config(c, spec::json_layout::compact), R"({"hostname":"b","x":2})");
}

TEST(spec_config_order, a_set_field_wins_over_an_unknown_member_of_its_name) {
  spec::config c;
  c.extras.unknown.push_back({"hostname", *spec::raw_json::parse("\"old\"")});
  c.extras.unknown.push_back({"vendor", *spec::raw_json::parse(" { \"a\" : [ 1 , 2 ] } ")});
  EXPECT_EQ(spec::serialize_config(c, spec::json_layout::compact),
            R"({"hostname":"old","vendor":{"a":[1,2]}})");
  c.hostname = "new";
  EXPECT_EQ(spec::serialize_config(c, spec::json_layout::compact),
            R"({"hostname":"new","vendor":{"a":[1,2]}})");
  EXPECT_EQ(spec::serialize_config(c),
            "{\n\t\"hostname\": \"new\",\n\t\"vendor\": {\n\t\t\"a\": [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\t}\n}");
}

TEST(spec_config_order, unknown_numbers_keep_full_precision) {
  const std::string text =
      R"({"x":[18446744073709551615,-9223372036854775808,0.1,1e300,-0,1.5e-7],"linux":{"y":{"z":9007199254740993}}})";
  const spec::config c = parsed(text);
  EXPECT_EQ(c.extras.unknown.at(0).value.text(),
            "[18446744073709551615,-9223372036854775808,0.1,1e300,0,1.5e-7]");
  EXPECT_EQ(c.linux_config->extras.unknown.at(0).value.text(), R"({"z":9007199254740993})");
  EXPECT_TRUE(same_json(spec::serialize_config(c), text));
}

TEST(spec_raw_json, parse_checks_and_compacts) {
  EXPECT_EQ(spec::raw_json{}.text(), "null");
  auto r = spec::raw_json::parse(" [ 1 , {\"a\" : \"\\u00e9\"} ] ");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text(), "[1,{\"a\":\"\xc3\xa9\"}]");
  for (std::string_view bad : {"", "{", "[1,]", "1 2", "\"\xff\"", "nul"}) {
    auto b = spec::raw_json::parse(bad);
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().code(), errc::parse_error);
  }
}

// ---- errors ----------------------------------------------------------------

TEST(spec_config_parse, errors_name_the_json_path) {
  struct bad_case {
    const char* json;
    const char* path;
  };
  const bad_case cases[] = {
      {R"({"ociVersion":1})", "ociVersion"},
      {R"({"root":{"readonly":"yes"}})", "root.readonly"},
      {R"({"mounts":{}})", "mounts"},
      {R"({"mounts":[{"destination":"/a"},{"options":"ro"}]})", "mounts[1].options"},
      {R"({"mounts":[{"uidMappings":[{"size":-1}]}]})", "mounts[0].uidMappings[0].size"},
      {R"({"process":{"user":{"uid":-1}}})", "process.user.uid"},
      {R"({"hooks":{"poststop":[{"path":"/x","timeout":"5"}]}})", "hooks.poststop[0].timeout"},
      {R"({"hooks":{"createRuntime":[{"env":[1]}]}})", "hooks.createRuntime[0].env[0]"},
      {R"({"annotations":{"a":1}})", "annotations[a]"},
      {R"({"linux":[]})", "linux"},
      {R"({"linux":{"namespaces":[{"type":7}]}})", "linux.namespaces[0].type"},
      {R"({"linux":{"gidMappings":[{"hostID":4294967296}]}})", "linux.gidMappings[0].hostID"},
      {R"({"linux":{"timeOffsets":{"boottime":{"secs":"1"}}}})", "linux.timeOffsets[boottime].secs"},
      {R"({"linux":{"devices":[{"fileMode":-1}]}})", "linux.devices[0].fileMode"},
      {R"({"linux":{"resources":{"memory":{"limit":"1G"}}}})", "linux.resources.memory.limit"},
      {R"({"linux":{"seccomp":{"defaultErrnoRet":-1}}})", "linux.seccomp.defaultErrnoRet"},
      {R"({"linux":{"seccomp":{"syscalls":[{"names":["a"]},{"args":[{"index":1.5}]}]}}})",
       "linux.seccomp.syscalls[1].args[0].index"},
      {R"({"linux":{"sysctl":{"net.ipv4.ip_forward":1}}})", "linux.sysctl[net.ipv4.ip_forward]"},
      {R"({"linux":{"intelRdt":{"schemata":"L3:0=f"}}})", "linux.intelRdt.schemata"},
      {R"({"linux":{"intelRdt":{"enableMonitoring":1}}})", "linux.intelRdt.enableMonitoring"},
      {R"({"linux":{"personality":{"flags":[true]}}})", "linux.personality.flags[0]"},
      {R"({"linux":{"netDevices":{"eth0":"ctr0"}}})", "linux.netDevices[eth0]"},
      {R"({"linux":{"memoryPolicy":{"nodes":0}}})", "linux.memoryPolicy.nodes"},
  };
  for (const auto& c : cases) {
    auto r = spec::parse_config(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code(), errc::parse_error) << c.json;
    EXPECT_THAT(r.error().message(), HasSubstr("config JSON: key \"" + std::string(c.path) + "\" is not "))
        << c.json;
  }
  for (std::string_view text : {"", "[]", "null", "{", "{} x"}) {
    auto r = spec::parse_config(text);
    ASSERT_FALSE(r) << text;
    EXPECT_THAT(r.error().message(), HasSubstr("config JSON: not ")) << text;
  }
}

// ---- load and save ---------------------------------------------------------

class spec_config_file : public runcpp::testing::hygiene_test {};

TEST_F(spec_config_file, save_then_load_gives_the_same_config_and_leaves_no_temporary_file) {
  temp_dir dir;
  const spec::config cfg = parsed(test_data("spec/handmade-every-field-config.json"));
  ASSERT_TRUE(spec::save_config(dir / "config.json", cfg));
  EXPECT_EQ(read_file(dir / "config.json"), spec::serialize_config(cfg));
  auto back = spec::load_config(dir / "config.json");
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, cfg);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"config.json"});
}

TEST_F(spec_config_file, save_replaces_the_file_by_rename_never_in_place) {
  temp_dir dir;
  const auto path = dir / "config.json";
  const std::string old_text = test_data("spec/runc-1.1.5-spec-config.json");
  std::ofstream(path) << old_text;
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  // A reader that opened the old file keeps reading all of the old contents.
  runcpp::unique_fd reader(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(reader);
  spec::config cfg = parsed(old_text);
  cfg.hostname = std::string(100000, 'h');  // far more than the old file holds
  ASSERT_TRUE(spec::save_config(path, cfg));
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  std::string seen(old_text.size() + 1, '\0');
  const ssize_t n = ::pread(reader.get(), seen.data(), seen.size(), 0);
  ASSERT_GE(n, 0);
  seen.resize(static_cast<std::size_t>(n));
  EXPECT_EQ(seen, old_text);
  EXPECT_EQ(spec::load_config(path)->hostname, cfg.hostname);
}

TEST_F(spec_config_file, save_uses_0666_minus_the_umask_like_runc) {
  temp_dir dir;
  const mode_t mask = ::umask(027);
  const auto saved = spec::save_config(dir / "config.json", spec::default_config());
  ::umask(mask);
  ASSERT_TRUE(saved);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "config.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_F(spec_config_file, a_failed_save_leaves_the_old_file_and_no_temporary) {
  temp_dir dir;
  // The target is a directory: rename(2) of a file over it fails (EISDIR),
  // after the temporary file was written.
  std::filesystem::create_directory(dir / "config.json");
  auto r = spec::save_config(dir / "config.json", spec::default_config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::io_error);
  EXPECT_THAT(r.error().message(), HasSubstr("cannot rename"));
  EXPECT_EQ(r.error().cause(), std::error_code(EISDIR, std::generic_category()));
  EXPECT_TRUE(std::filesystem::is_directory(dir / "config.json"));
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"config.json"});

  auto missing = spec::save_config(dir / "no" / "such" / "config.json", spec::default_config());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), errc::io_error);
  EXPECT_THAT(missing.error().message(), HasSubstr((dir / "no" / "such").string()));
}

TEST_F(spec_config_file, load_errors_name_the_file) {
  temp_dir dir;
  auto missing = spec::load_config(dir / "config.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), errc::io_error);
  EXPECT_EQ(missing.error().cause(), std::error_code(ENOENT, std::generic_category()));
  EXPECT_THAT(missing.error().message(), HasSubstr((dir / "config.json").string()));

  std::ofstream(dir / "config.json") << R"({"process":{"args":"sh"}})";
  auto bad = spec::load_config(dir / "config.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), errc::parse_error);
  EXPECT_EQ(bad.error().message(),
            (dir / "config.json").string() + R"(: config JSON: key "process.args" is not an array)");
}

// ---- runc's defaults -------------------------------------------------------

// Compares each top-level member on its own, so a failure names the field.
void expect_same_config(const spec::config& actual, const spec::config& expected) {
  EXPECT_EQ(actual.oci_version, expected.oci_version);
  EXPECT_EQ(actual.root, expected.root);
  ASSERT_TRUE(actual.mounts && expected.mounts);
  ASSERT_EQ(actual.mounts->size(), expected.mounts->size());
  for (std::size_t i = 0; i < actual.mounts->size(); ++i)
    EXPECT_EQ((*actual.mounts)[i], (*expected.mounts)[i]) << "mounts[" << i << "]";
  EXPECT_EQ(actual.process, expected.process);
  EXPECT_EQ(actual.hostname, expected.hostname);
  EXPECT_EQ(actual.domainname, expected.domainname);
  EXPECT_EQ(actual.hooks, expected.hooks);
  EXPECT_EQ(actual.annotations, expected.annotations);
  ASSERT_TRUE(actual.linux_config && expected.linux_config);
  const auto& a = *actual.linux_config;
  const auto& e = *expected.linux_config;
  EXPECT_EQ(a.namespaces, e.namespaces);
  EXPECT_EQ(a.uid_mappings, e.uid_mappings);
  EXPECT_EQ(a.gid_mappings, e.gid_mappings);
  EXPECT_EQ(a.resources, e.resources);
  EXPECT_EQ(a.masked_paths, e.masked_paths);
  EXPECT_EQ(a.readonly_paths, e.readonly_paths);
  EXPECT_EQ(actual, expected);
}

TEST(spec_defaults, default_config_is_runc_spec) {
  const std::string text = test_data("spec/runc-1.1.5-spec-config.json");
  expect_same_config(spec::default_config(), parsed(text));
  EXPECT_EQ(spec::serialize_config(spec::default_config()), text);
}

// The fixture was captured as root; runc maps root to the caller's euid/egid.
TEST(spec_defaults, default_rootless_config_is_runc_spec_rootless) {
  std::string text = test_data("spec/runc-1.1.5-spec-rootless-config.json");
  spec::config expected = parsed(text);
  expected.linux_config->uid_mappings->at(0).host_id = ::geteuid();
  expected.linux_config->gid_mappings->at(0).host_id = ::getegid();
  expect_same_config(spec::default_rootless_config(), expected);
  if (::geteuid() == 0 && ::getegid() == 0) {
    EXPECT_EQ(spec::serialize_config(spec::default_rootless_config()), text);
  }
}

}  // namespace
