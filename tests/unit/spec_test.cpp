// spec::process and spec::linux_resources <-> JSON (runtime-spec 1.2): exact
// output for fully populated models (every key spelled as in specs-go), round
// trips, absent-stays-absent, unknown keys, type and range errors naming the
// key, and fixtures in tests/data/spec (containerd-style exec/update files and
// runc 1.1.5's own `runc spec`).

#include <runcpp/spec.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/json.hpp"

namespace {

using runcpp::errc;
using runcpp::spec::linux_resources;
using runcpp::spec::parse_linux_resources_json;
using runcpp::spec::parse_process_json;
using runcpp::spec::process;
using runcpp::spec::to_json;
using runcpp::testing::json_value;
using testing::HasSubstr;
using strings = std::vector<std::string>;

std::string fixture(const std::string& rel) {
  const std::string path = std::string(RUNCPP_TEST_DATA_DIR) + "/spec/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string without_trailing_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// Every field set, each to a value no other field has, so a key bound to the
// wrong member shows up in the exact-output test.
process full_process() {
  return process{
      .terminal = true,
      .console_size = {{.height = 40, .width = 120}},
      .user = {{.uid = 1000, .gid = 1001, .umask = 022, .additional_gids = {{10, 20}}, .username = "alice"}},
      .args = {{"sh", "-c", "echo \"hi\""}},
      .command_line = "cmd.exe /c dir",
      .env = {{"PATH=/bin", "TERM=xterm"}},
      .cwd = "/work",
      .capabilities = {{.bounding = {{"CAP_KILL"}},
                        .effective = {{"CAP_CHOWN"}},
                        .inheritable = {{"CAP_SETUID"}},
                        .permitted = {{"CAP_SETGID"}},
                        .ambient = {{"CAP_NET_RAW"}}}},
      .rlimits = {{{.type = "RLIMIT_NOFILE", .hard = 4096, .soft = 1024},
                   {.type = "RLIMIT_CORE", .hard = 0, .soft = 0}}},
      .no_new_privileges = true,
      .apparmor_profile = "runc-default",
      .oom_score_adj = -500,
      .scheduler = {{.policy = "SCHED_DEADLINE",
                     .nice = -5,
                     .priority = 3,
                     .flags = {{"SCHED_FLAG_RESET_ON_FORK"}},
                     .runtime = 10000000,
                     .deadline = 20000000,
                     .period = 30000000}},
      .selinux_label = "system_u:system_r:container_t:s0:c1,c2",
      .io_priority = {{.io_class = "IOPRIO_CLASS_BE", .priority = 4}},
      .exec_cpu_affinity = {{.initial = "0-3,7", .final = "4"}},
  };
}

constexpr std::string_view full_process_json =
    R"json({"terminal":true,"consoleSize":{"height":40,"width":120},)json"
    R"json("user":{"uid":1000,"gid":1001,"umask":18,"additionalGids":[10,20],"username":"alice"},)json"
    R"json("args":["sh","-c","echo \"hi\""],"commandLine":"cmd.exe /c dir",)json"
    R"json("env":["PATH=/bin","TERM=xterm"],"cwd":"/work",)json"
    R"json("capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_CHOWN"],)json"
    R"json("inheritable":["CAP_SETUID"],"permitted":["CAP_SETGID"],"ambient":["CAP_NET_RAW"]},)json"
    R"json("rlimits":[{"type":"RLIMIT_NOFILE","hard":4096,"soft":1024},)json"
    R"json({"type":"RLIMIT_CORE","hard":0,"soft":0}],)json"
    R"json("noNewPrivileges":true,"apparmorProfile":"runc-default","oomScoreAdj":-500,)json"
    R"json("scheduler":{"policy":"SCHED_DEADLINE","nice":-5,"priority":3,)json"
    R"json("flags":["SCHED_FLAG_RESET_ON_FORK"],"runtime":10000000,"deadline":20000000,"period":30000000},)json"
    R"json("selinuxLabel":"system_u:system_r:container_t:s0:c1,c2",)json"
    R"json("ioPriority":{"class":"IOPRIO_CLASS_BE","priority":4},)json"
    R"json("execCPUAffinity":{"initial":"0-3,7","final":"4"}})json";

linux_resources full_resources() {
  return linux_resources{
      .devices = {{{.allow = true, .type = "c", .major = 1, .minor = 3, .access = "rwm"},
                   {.allow = false, .access = "rwm"}}},
      .memory = {{.limit = 536870912,
                  .reservation = 268435456,
                  .swap = 1073741824,
                  .kernel = -1,
                  .kernel_tcp = 1048576,
                  .swappiness = 60,
                  .disable_oom_killer = false,
                  .use_hierarchy = true,
                  .check_before_update = true}},
      .cpu = {{.shares = 1024,
               .quota = 50000,
               .burst = 10000,
               .period = 100000,
               .realtime_runtime = 950000,
               .realtime_period = 1000000,
               .cpus = "0-3",
               .mems = "0",
               .idle = 1}},
      .pids = {{.limit = 4096}},
      .block_io = {{.weight = 500,
                    .leaf_weight = 300,
                    .weight_device = {{{.major = 8, .minor = 0, .weight = 600, .leaf_weight = 200}}},
                    .throttle_read_bps_device = {{{.major = 8, .minor = 0, .rate = 104857600}}},
                    .throttle_write_bps_device = {{{.major = 8, .minor = 16, .rate = 52428800}}},
                    .throttle_read_iops_device = {{{.major = 8, .minor = 0, .rate = 1000}}},
                    .throttle_write_iops_device = {{{.major = 8, .minor = 16, .rate = 500}}}}},
      .hugepage_limits = {{{.page_size = "2MB", .limit = 209715200}}},
      .network = {{.class_id = 1048577, .priorities = {{{.name = "eth0", .priority = 5}}}}},
      .rdma = {{{"mlx5_1", {.hca_handles = 3, .hca_objects = 10000}}}},
      .unified = {{{"io.max", "8:0 rbps=1048576"}, {"memory.high", "402653184"}}},
  };
}

constexpr std::string_view full_resources_json =
    R"json({"devices":[{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},)json"
    R"json({"allow":false,"access":"rwm"}],)json"
    R"json("memory":{"limit":536870912,"reservation":268435456,"swap":1073741824,"kernel":-1,)json"
    R"json("kernelTCP":1048576,"swappiness":60,"disableOOMKiller":false,"useHierarchy":true,)json"
    R"json("checkBeforeUpdate":true},)json"
    R"json("cpu":{"shares":1024,"quota":50000,"burst":10000,"period":100000,)json"
    R"json("realtimeRuntime":950000,"realtimePeriod":1000000,"cpus":"0-3","mems":"0","idle":1},)json"
    R"json("pids":{"limit":4096},)json"
    R"json("blockIO":{"weight":500,"leafWeight":300,)json"
    R"json("weightDevice":[{"major":8,"minor":0,"weight":600,"leafWeight":200}],)json"
    R"json("throttleReadBpsDevice":[{"major":8,"minor":0,"rate":104857600}],)json"
    R"json("throttleWriteBpsDevice":[{"major":8,"minor":16,"rate":52428800}],)json"
    R"json("throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":1000}],)json"
    R"json("throttleWriteIOPSDevice":[{"major":8,"minor":16,"rate":500}]},)json"
    R"json("hugepageLimits":[{"pageSize":"2MB","limit":209715200}],)json"
    R"json("network":{"classID":1048577,"priorities":[{"name":"eth0","priority":5}]},)json"
    R"json("rdma":{"mlx5_1":{"hcaHandles":3,"hcaObjects":10000}},)json"
    R"json("unified":{"io.max":"8:0 rbps=1048576","memory.high":"402653184"}})json";

// ---- writing ---------------------------------------------------------------

TEST(spec_to_json, full_process_exact_output) { EXPECT_EQ(to_json(full_process()), full_process_json); }

TEST(spec_to_json, full_resources_exact_output) { EXPECT_EQ(to_json(full_resources()), full_resources_json); }

TEST(spec_to_json, key_spellings_verbatim) {
  const std::string p = to_json(full_process());
  for (const char* key : {R"("consoleSize":{)", R"("ioPriority":{"class":")", R"("execCPUAffinity":{)",
                          R"("additionalGids":[)", R"("noNewPrivileges":)", R"("oomScoreAdj":)",
                          R"("commandLine":)", R"("apparmorProfile":)", R"("selinuxLabel":)"}) {
    EXPECT_THAT(p, HasSubstr(key));
  }
  EXPECT_THAT(p, testing::Not(HasSubstr("io_class")));
  const std::string r = to_json(full_resources());
  for (const char* key :
       {R"("kernelTCP":)", R"("classID":)", R"("hcaHandles":)", R"("hcaObjects":)", R"("blockIO":{)",
        R"("hugepageLimits":[)", R"("pageSize":)", R"("disableOOMKiller":)", R"("throttleReadIOPSDevice":)",
        R"("throttleWriteIOPSDevice":)", R"("leafWeight":)", R"("realtimeRuntime":)"}) {
    EXPECT_THAT(r, HasSubstr(key));
  }
}

TEST(spec_to_json, empty_models_are_empty_objects) {
  EXPECT_EQ(to_json(process{}), "{}");
  EXPECT_EQ(to_json(linux_resources{}), "{}");
  // An engaged but empty sub-object is written as such.
  EXPECT_EQ(to_json(process{.user = process::user_t{}}), R"({"user":{}})");
  EXPECT_EQ(to_json(linux_resources{.memory = linux_resources::memory_t{},
                                    .unified = std::map<std::string, std::string>{}}),
            R"({"memory":{},"unified":{}})");
}

TEST(spec_to_json, absent_stays_absent) {
  EXPECT_EQ(to_json(process{.args = {{"sh", "-c", "true"}}}), R"({"args":["sh","-c","true"]})");
  EXPECT_EQ(to_json(linux_resources{.pids = {{.limit = 100}}}), R"({"pids":{"limit":100}})");
  EXPECT_EQ(to_json(linux_resources{.memory = {{.swap = -1}}}), R"({"memory":{"swap":-1}})");
}

TEST(spec_to_json, present_zero_false_and_empty_values_are_written) {
  // Unlike Go's omitempty: a set field is always written.
  EXPECT_EQ(to_json(process{.terminal = false, .args = strings{}, .cwd = "", .oom_score_adj = 0}),
            R"({"terminal":false,"args":[],"cwd":"","oomScoreAdj":0})");
  EXPECT_EQ(to_json(linux_resources{.cpu = {{.quota = 0, .cpus = ""}}}), R"({"cpu":{"quota":0,"cpus":""}})");
}

TEST(spec_to_json, device_allow_is_always_written) {
  EXPECT_EQ(to_json(linux_resources{.devices = {{linux_resources::device_t{}}}}),
            R"({"devices":[{"allow":false}]})");
}

TEST(spec_to_json, integer_extremes) {
  const process p{.user = {{.uid = 4294967295u, .gid = 0}}, .oom_score_adj = -2147483647 - 1};
  EXPECT_EQ(to_json(p), R"({"user":{"uid":4294967295,"gid":0},"oomScoreAdj":-2147483648})");
  const linux_resources r{.memory = {{.limit = INT64_MIN, .swappiness = UINT64_MAX}},
                          .block_io = {{.weight = 65535}}};
  EXPECT_EQ(to_json(r), R"({"memory":{"limit":-9223372036854775808,"swappiness":18446744073709551615},)"
                        R"("blockIO":{"weight":65535}})");
  auto back = parse_linux_resources_json(to_json(r));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, r);
}

TEST(spec_to_json, strings_are_escaped_and_bad_utf8_is_replaced) {
  const process p{.env = {{"A=tab\there \"q\" \\ \x01", "B=caf\xc3\xa9"}}};
  EXPECT_EQ(to_json(p), R"({"env":["A=tab\there \"q\" \\ \u0001","B=café"]})");
  auto back = parse_process_json(to_json(p));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, p);

  const process bad{.args = {{std::string("x\xff"
                                          "y")}}};
  std::string out;
  EXPECT_NO_THROW(out = to_json(bad));
  EXPECT_EQ(out, "{\"args\":[\"x\xef\xbf\xbdy\"]}");  // U+FFFD, as Go writes it
}

// ---- round trips -----------------------------------------------------------

TEST(spec_round_trip, full_process) {
  const process p = full_process();
  auto back = parse_process_json(to_json(p));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, p);
  EXPECT_EQ(to_json(*back), full_process_json);
}

TEST(spec_round_trip, full_resources) {
  const linux_resources r = full_resources();
  auto back = parse_linux_resources_json(to_json(r));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, r);
  EXPECT_EQ(to_json(*back), full_resources_json);
}

TEST(spec_round_trip, every_single_field_alone) {
  // Each top-level field on its own survives a round trip and nothing else appears.
  const process full = full_process();
  const process each[] = {
      {.terminal = full.terminal},
      {.console_size = full.console_size},
      {.user = full.user},
      {.args = full.args},
      {.command_line = full.command_line},
      {.env = full.env},
      {.cwd = full.cwd},
      {.capabilities = full.capabilities},
      {.rlimits = full.rlimits},
      {.no_new_privileges = full.no_new_privileges},
      {.apparmor_profile = full.apparmor_profile},
      {.oom_score_adj = full.oom_score_adj},
      {.scheduler = full.scheduler},
      {.selinux_label = full.selinux_label},
      {.io_priority = full.io_priority},
      {.exec_cpu_affinity = full.exec_cpu_affinity},
  };
  for (const process& p : each) {
    auto back = parse_process_json(to_json(p));
    ASSERT_TRUE(back) << to_json(p) << ": " << back.error().message();
    EXPECT_EQ(*back, p) << to_json(p);
  }
  const linux_resources fr = full_resources();
  const linux_resources each_r[] = {
      {.devices = fr.devices}, {.memory = fr.memory},     {.cpu = fr.cpu},
      {.pids = fr.pids},       {.block_io = fr.block_io}, {.hugepage_limits = fr.hugepage_limits},
      {.network = fr.network}, {.rdma = fr.rdma},         {.unified = fr.unified},
  };
  for (const linux_resources& r : each_r) {
    auto back = parse_linux_resources_json(to_json(r));
    ASSERT_TRUE(back) << to_json(r) << ": " << back.error().message();
    EXPECT_EQ(*back, r) << to_json(r);
  }
}

// ---- reading ---------------------------------------------------------------

TEST(spec_parse, only_present_keys_are_set) {
  auto p = parse_process_json(R"({"args":["sh"]})");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(*p, (process{.args = {{"sh"}}}));
  EXPECT_FALSE(p->terminal.has_value());
  EXPECT_FALSE(p->user.has_value());
  EXPECT_FALSE(p->cwd.has_value());

  auto r = parse_linux_resources_json(R"({"memory":{"limit":1048576}})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, (linux_resources{.memory = {{.limit = 1048576}}}));
  EXPECT_FALSE(r->memory->swap.has_value());

  auto e = parse_process_json("{}");
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, process{});
}

TEST(spec_parse, null_is_the_same_as_absent) {
  auto p = parse_process_json(
      R"({"terminal":null,"user":{"uid":null,"gid":7},"args":null,"scheduler":null,"execCPUAffinity":{"final":null}})");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(*p, (process{.user = {{.gid = 7}}, .exec_cpu_affinity = process::cpu_affinity_t{}}));
  EXPECT_EQ(to_json(*p), R"({"user":{"gid":7},"execCPUAffinity":{}})");
}

// Unknown keys do not disturb the known fields, and they are kept (in
// extras, with the input key order) and written back where they were.
TEST(spec_parse, unknown_keys_are_kept_and_written_back) {
  const std::string_view process_text =
      R"({"args":["top"],"futureKey":{"deep":[1,2,{"x":null}]},"user":{"uid":5,"sid":"S-1-5"},)"
      R"("capabilities":{"bounding":["CAP_KILL"],"extra":42},"Args":"wrong case is another key"})";
  auto p = parse_process_json(process_text);
  ASSERT_TRUE(p) << p.error().message();
  process known = *p;
  known.extras = {};
  known.user->extras = {};
  known.capabilities->extras = {};
  EXPECT_EQ(known, (process{.user = {{.uid = 5}},
                            .args = {{"top"}},
                            .capabilities = {{.bounding = {{"CAP_KILL"}}}}}));
  ASSERT_EQ(p->extras.unknown.size(), 2u);
  EXPECT_EQ(p->extras.unknown[0].key, "futureKey");
  EXPECT_EQ(p->extras.unknown[0].value.text(), R"({"deep":[1,2,{"x":null}]})");
  EXPECT_EQ(p->extras.unknown[1].key, "Args");
  EXPECT_EQ(p->user->extras.unknown.at(0).key, "sid");
  EXPECT_EQ(p->capabilities->extras.unknown.at(0).value.text(), "42");
  EXPECT_EQ(to_json(*p), process_text);

  const std::string_view resources_text =
      R"({"intelRdt":{"closID":"x"},"memory":{"limit":1,"swapFoo":"bar"},"devices":[{"allow":true,"path":"/dev/null"}]})";
  auto r = parse_linux_resources_json(resources_text);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->memory->limit, 1);
  EXPECT_EQ(r->devices->at(0).allow, true);
  EXPECT_EQ(r->extras.unknown.at(0).key, "intelRdt");
  EXPECT_EQ(to_json(*r), resources_text);
}

TEST(spec_parse, device_without_allow_is_a_deny_rule) {
  auto r = parse_linux_resources_json(R"({"devices":[{"access":"rwm"},{"allow":null,"type":"b"}]})");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(r->devices);
  ASSERT_EQ(r->devices->size(), 2u);
  EXPECT_FALSE((*r->devices)[0].allow);
  EXPECT_EQ((*r->devices)[0].access, "rwm");
  EXPECT_FALSE((*r->devices)[1].allow);
  EXPECT_EQ(to_json(*r), R"({"devices":[{"allow":false,"access":"rwm"},{"allow":false,"type":"b"}]})");
}

TEST(spec_parse, containerd_style_exec_process_with_terminal_false) {
  auto p = parse_process_json(R"({
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": ["/bin/sh", "-c", "ls /"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=ctr1"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_AUDIT_WRITE"],
      "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_AUDIT_WRITE"],
      "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_AUDIT_WRITE"]
    },
    "noNewPrivileges": true
  })");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->terminal, false);
  ASSERT_TRUE(p->user);
  EXPECT_EQ(p->user->uid, 0u);
  EXPECT_EQ(p->user->gid, 0u);
  EXPECT_FALSE(p->user->additional_gids.has_value());
  EXPECT_EQ(p->args, (strings{"/bin/sh", "-c", "ls /"}));
  ASSERT_TRUE(p->env);
  EXPECT_EQ(p->env->size(), 2u);
  EXPECT_EQ(p->cwd, "/");
  ASSERT_TRUE(p->capabilities);
  EXPECT_EQ(p->capabilities->bounding, (strings{"CAP_CHOWN", "CAP_KILL", "CAP_AUDIT_WRITE"}));
  EXPECT_FALSE(p->capabilities->inheritable.has_value());
  EXPECT_FALSE(p->capabilities->ambient.has_value());
  EXPECT_EQ(p->no_new_privileges, true);
  EXPECT_TRUE(to_json(*p).starts_with(R"({"terminal":false,"user":{"uid":0,"gid":0},"args":)"));
}

// A known key with the wrong JSON type: parse_error whose message names the
// key by its path.
struct bad_case {
  const char* json;
  const char* path;
};

TEST(spec_parse, wrong_types_name_the_key) {
  const bad_case process_cases[] = {
      {R"({"terminal":"yes"})", "terminal"},
      {R"({"terminal":1})", "terminal"},
      {R"({"consoleSize":[24,80]})", "consoleSize"},
      {R"({"consoleSize":{"height":true}})", "consoleSize.height"},
      {R"({"user":[]})", "user"},
      {R"({"user":{"uid":"0"}})", "user.uid"},
      {R"({"user":{"additionalGids":[1,"2"]}})", "user.additionalGids[1]"},
      {R"({"user":{"username":0}})", "user.username"},
      {R"({"args":"sh -c true"})", "args"},
      {R"({"args":["sh",1]})", "args[1]"},
      {R"({"args":["sh",null]})", "args[1]"},
      {R"({"commandLine":["x"]})", "commandLine"},
      {R"({"env":{"A":"1"}})", "env"},
      {R"({"cwd":false})", "cwd"},
      {R"({"capabilities":["CAP_KILL"]})", "capabilities"},
      {R"({"capabilities":{"ambient":[null]}})", "capabilities.ambient[0]"},
      {R"({"rlimits":{"type":"RLIMIT_NOFILE"}})", "rlimits"},
      {R"({"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":1},{"type":"RLIMIT_CORE","soft":"x"}]})",
       "rlimits[1].soft"},
      {R"({"rlimits":[1]})", "rlimits[0]"},
      {R"({"noNewPrivileges":"true"})", "noNewPrivileges"},
      {R"({"apparmorProfile":1})", "apparmorProfile"},
      {R"({"oomScoreAdj":"-1000"})", "oomScoreAdj"},
      {R"({"scheduler":{"policy":1}})", "scheduler.policy"},
      {R"({"scheduler":{"flags":"SCHED_FLAG_RECLAIM"}})", "scheduler.flags"},
      {R"({"selinuxLabel":{}})", "selinuxLabel"},
      {R"({"ioPriority":{"class":7}})", "ioPriority.class"},
      {R"({"ioPriority":{"priority":"4"}})", "ioPriority.priority"},
      {R"({"execCPUAffinity":"0-3"})", "execCPUAffinity"},
      {R"({"execCPUAffinity":{"final":0}})", "execCPUAffinity.final"},
  };
  for (const auto& c : process_cases) {
    auto r = parse_process_json(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code(), errc::parse_error) << c.json;
    EXPECT_THAT(r.error().message(), HasSubstr("key \"" + std::string(c.path) + "\"")) << c.json;
    EXPECT_THAT(r.error().message(), HasSubstr("process JSON")) << c.json;
  }

  const bad_case resources_cases[] = {
      {R"({"devices":{"allow":true}})", "devices"},
      {R"({"devices":[{"allow":"true"}]})", "devices[0].allow"},
      {R"({"devices":[{"allow":true},{"allow":true,"major":"8"}]})", "devices[1].major"},
      {R"({"devices":[{"allow":true,"access":7}]})", "devices[0].access"},
      {R"({"memory":5})", "memory"},
      {R"({"memory":{"kernelTCP":"1"}})", "memory.kernelTCP"},
      {R"({"memory":{"disableOOMKiller":0}})", "memory.disableOOMKiller"},
      {R"({"memory":{"checkBeforeUpdate":"yes"}})", "memory.checkBeforeUpdate"},
      {R"({"cpu":{"cpus":[0,1]}})", "cpu.cpus"},
      {R"({"cpu":{"realtimePeriod":"1"}})", "cpu.realtimePeriod"},
      {R"({"pids":{"limit":"max"}})", "pids.limit"},
      {R"({"blockIO":[]})", "blockIO"},
      {R"({"blockIO":{"weightDevice":[{"major":8,"minor":0,"leafWeight":"1"}]}})",
       "blockIO.weightDevice[0].leafWeight"},
      {R"({"blockIO":{"throttleWriteBpsDevice":[{"major":8,"minor":"0","rate":1}]}})",
       "blockIO.throttleWriteBpsDevice[0].minor"},
      {R"({"hugepageLimits":{}})", "hugepageLimits"},
      {R"({"hugepageLimits":[{"pageSize":2,"limit":1}]})", "hugepageLimits[0].pageSize"},
      {R"({"network":{"classID":"0x100001"}})", "network.classID"},
      {R"({"network":{"priorities":[{"name":"eth0","priority":"1"}]}})", "network.priorities[0].priority"},
      {R"({"rdma":[]})", "rdma"},
      {R"({"rdma":{"mlx5_1":{"hcaHandles":"x"}}})", "rdma[mlx5_1].hcaHandles"},
      {R"({"rdma":{"mlx5_1":3}})", "rdma[mlx5_1]"},
      {R"({"unified":{"memory.max":5}})", "unified[memory.max]"},
      {R"({"unified":["memory.max"]})", "unified"},
  };
  for (const auto& c : resources_cases) {
    auto r = parse_linux_resources_json(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code(), errc::parse_error) << c.json;
    EXPECT_THAT(r.error().message(), HasSubstr("key \"" + std::string(c.path) + "\"")) << c.json;
    EXPECT_THAT(r.error().message(), HasSubstr("linux resources JSON")) << c.json;
  }
}

TEST(spec_parse, map_keys_in_messages_stay_on_one_line) {
  auto r = parse_linux_resources_json(R"({"unified":{"a\nb\"c":1}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), R"(linux resources JSON: key "unified[a\nb\"c]" is not a string)");
  EXPECT_EQ(r.error().message().find('\n'), std::string::npos);
}

TEST(spec_parse, out_of_range_integers_name_the_key_and_range) {
  const bad_case process_cases[] = {
      {R"({"user":{"uid":-1}})", "user.uid"},
      {R"({"user":{"uid":4294967296}})", "user.uid"},
      {R"({"user":{"gid":-2147483648}})", "user.gid"},
      {R"({"user":{"umask":-1}})", "user.umask"},
      {R"({"user":{"additionalGids":[0,4294967296]}})", "user.additionalGids[1]"},
      {R"({"consoleSize":{"width":-80}})", "consoleSize.width"},
      {R"({"rlimits":[{"type":"RLIMIT_NOFILE","hard":-1,"soft":1}]})", "rlimits[0].hard"},
      {R"({"rlimits":[{"soft":18446744073709551616}]})", "rlimits[0].soft"},  // 2^64: read as a double
      {R"({"oomScoreAdj":2147483648})", "oomScoreAdj"},
      {R"({"oomScoreAdj":-2147483649})", "oomScoreAdj"},
      {R"({"oomScoreAdj":1.5})", "oomScoreAdj"},
      {R"({"oomScoreAdj":100.0})", "oomScoreAdj"},
      {R"({"oomScoreAdj":1e2})", "oomScoreAdj"},
      {R"({"scheduler":{"nice":-2147483649}})", "scheduler.nice"},
      {R"({"scheduler":{"runtime":-1}})", "scheduler.runtime"},
      {R"({"ioPriority":{"priority":9223372036854775808}})", "ioPriority.priority"},
  };
  for (const auto& c : process_cases) {
    auto r = parse_process_json(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code(), errc::parse_error) << c.json;
    EXPECT_THAT(r.error().message(), HasSubstr("key \"" + std::string(c.path) + "\" is not an integer in ["))
        << c.json;
  }
  auto uid = parse_process_json(R"({"user":{"uid":-1}})");
  ASSERT_FALSE(uid);
  EXPECT_EQ(uid.error().message(), R"(process JSON: key "user.uid" is not an integer in [0, 4294967295])");

  const bad_case resources_cases[] = {
      {R"({"devices":[{"allow":true,"major":9223372036854775808}]})", "devices[0].major"},
      {R"({"memory":{"limit":9223372036854775808}})", "memory.limit"},
      {R"({"memory":{"swappiness":-1}})", "memory.swappiness"},
      {R"({"memory":{"limit":1073741824.5}})", "memory.limit"},
      {R"({"cpu":{"shares":-1}})", "cpu.shares"},
      {R"({"cpu":{"burst":-1}})", "cpu.burst"},
      {R"({"cpu":{"quota":1e5}})", "cpu.quota"},
      {R"({"blockIO":{"weight":65536}})", "blockIO.weight"},
      {R"({"blockIO":{"leafWeight":-1}})", "blockIO.leafWeight"},
      {R"({"blockIO":{"weightDevice":[{"major":8,"minor":0,"weight":70000}]}})",
       "blockIO.weightDevice[0].weight"},
      {R"({"blockIO":{"throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":-1}]}})",
       "blockIO.throttleReadIOPSDevice[0].rate"},
      {R"({"hugepageLimits":[{"pageSize":"2MB","limit":-1}]})", "hugepageLimits[0].limit"},
      {R"({"network":{"classID":-1}})", "network.classID"},
      {R"({"network":{"classID":4294967296}})", "network.classID"},
      {R"({"rdma":{"mlx5_1":{"hcaObjects":4294967296}}})", "rdma[mlx5_1].hcaObjects"},
  };
  for (const auto& c : resources_cases) {
    auto r = parse_linux_resources_json(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code(), errc::parse_error) << c.json;
    EXPECT_THAT(r.error().message(), HasSubstr("key \"" + std::string(c.path) + "\" is not an integer in ["))
        << c.json;
  }
}

TEST(spec_parse, integer_bounds_are_accepted) {
  auto p = parse_process_json(
      R"({"user":{"uid":4294967295,"gid":0,"umask":0},"oomScoreAdj":-2147483648,)"
      R"("scheduler":{"nice":2147483647,"runtime":18446744073709551615},"consoleSize":{"height":0,"width":18446744073709551615}})");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->user->uid, UINT32_MAX);
  EXPECT_EQ(p->oom_score_adj, INT32_MIN);
  EXPECT_EQ(p->scheduler->nice, INT32_MAX);
  EXPECT_EQ(p->scheduler->runtime, UINT64_MAX);
  EXPECT_EQ(p->console_size->width, UINT64_MAX);

  auto r = parse_linux_resources_json(
      R"({"memory":{"limit":-9223372036854775808,"swap":9223372036854775807},"blockIO":{"weight":65535,"leafWeight":0},)"
      R"("cpu":{"quota":-1},"network":{"classID":4294967295},"pids":{"limit":-1}})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->memory->limit, INT64_MIN);
  EXPECT_EQ(r->memory->swap, INT64_MAX);
  EXPECT_EQ(r->block_io->weight, 65535);
  EXPECT_EQ(r->cpu->quota, -1);
  EXPECT_EQ(r->network->class_id, UINT32_MAX);
  EXPECT_EQ(r->pids->limit, -1);
  // -0 is an integer zero to the JSON lexer.
  auto z = parse_process_json(R"({"user":{"uid":-0}})");
  ASSERT_TRUE(z) << z.error().message();
  EXPECT_EQ(z->user->uid, 0u);
}

TEST(spec_parse, not_an_object_or_not_json) {
  for (const std::string_view text :
       {std::string_view(""), std::string_view("   "), std::string_view("null"), std::string_view("[]"),
        std::string_view("\"args\""), std::string_view("42"), std::string_view("{"),
        std::string_view(R"({"args":["sh"]} trailing)"), std::string_view(R"({"args":["sh"],})"),
        std::string_view("{\"args\":[\"sh\"]}\0garbage", 23)}) {
    auto p = parse_process_json(text);
    ASSERT_FALSE(p) << text;
    EXPECT_EQ(p.error().code(), errc::parse_error) << text;
    EXPECT_THAT(p.error().message(), HasSubstr("process JSON: not ")) << text;
    auto r = parse_linux_resources_json(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code(), errc::parse_error) << text;
    EXPECT_THAT(r.error().message(), HasSubstr("linux resources JSON: not ")) << text;
  }
}

TEST(spec_parse, truncated_input_never_crashes) {
  const std::string text = fixture("process-exec.json") + fixture("resources-update.json");
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const std::string_view prefix(text.data(), n);
    auto p = parse_process_json(prefix);
    auto r = parse_linux_resources_json(prefix);
    if (!p) {
      EXPECT_EQ(p.error().code(), errc::parse_error);
    }
    if (!r) {
      EXPECT_EQ(r.error().code(), errc::parse_error);
    }
  }
}

// ---- fixtures ----------------------------------------------------------------

TEST(spec_fixtures, containerd_exec_process) {
  const std::string text = fixture("process-exec.json");
  auto p = parse_process_json(text);
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_FALSE(p->terminal.has_value());  // Go's omitempty drops "terminal": false
  ASSERT_TRUE(p->user);
  EXPECT_EQ(*p->user, (process::user_t{.uid = 0, .gid = 0}));
  EXPECT_EQ(p->args, (strings{"sh", "-c", "echo hello from exec"}));
  EXPECT_EQ(p->env, (strings{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}));
  EXPECT_EQ(p->cwd, "/");
  ASSERT_TRUE(p->capabilities);
  ASSERT_TRUE(p->capabilities->bounding);
  EXPECT_EQ(p->capabilities->bounding->size(), 14u);
  EXPECT_EQ(p->capabilities->bounding->front(), "CAP_CHOWN");
  EXPECT_EQ(p->capabilities->bounding->back(), "CAP_AUDIT_WRITE");
  EXPECT_EQ(p->capabilities->effective, p->capabilities->bounding);
  EXPECT_EQ(p->capabilities->permitted, p->capabilities->bounding);
  EXPECT_FALSE(p->capabilities->inheritable.has_value());
  EXPECT_FALSE(p->capabilities->ambient.has_value());
  ASSERT_TRUE(p->rlimits);
  ASSERT_EQ(p->rlimits->size(), 1u);
  EXPECT_EQ(p->rlimits->front(), (process::rlimit_t{.type = "RLIMIT_NOFILE", .hard = 1024, .soft = 1024}));
  EXPECT_EQ(p->no_new_privileges, true);
  EXPECT_FALSE(p->oom_score_adj.has_value());
  // Same key order as Go's encoder: byte-identical when written back.
  EXPECT_EQ(to_json(*p), without_trailing_newline(text));
}

TEST(spec_fixtures, containerd_update_resources) {
  const std::string text = fixture("resources-update.json");
  auto r = parse_linux_resources_json(text);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(r->devices.has_value());
  ASSERT_TRUE(r->memory);
  EXPECT_EQ(*r->memory, (linux_resources::memory_t{.limit = 268435456, .swap = 536870912}));
  ASSERT_TRUE(r->cpu);
  EXPECT_EQ(*r->cpu, (linux_resources::cpu_t{
                         .shares = 512, .quota = 50000, .period = 100000, .cpus = "0-1", .mems = "0"}));
  ASSERT_TRUE(r->pids);
  EXPECT_EQ(r->pids->limit, 1024);
  EXPECT_FALSE(r->block_io.has_value());
  ASSERT_TRUE(r->hugepage_limits);
  ASSERT_EQ(r->hugepage_limits->size(), 2u);
  EXPECT_EQ((*r->hugepage_limits)[0], (linux_resources::hugepage_limit_t{.page_size = "2MB", .limit = 0}));
  EXPECT_EQ((*r->hugepage_limits)[1].page_size, "1GB");
  EXPECT_FALSE(r->network.has_value());
  EXPECT_FALSE(r->rdma.has_value());
  EXPECT_FALSE(r->unified.has_value());
  EXPECT_EQ(to_json(*r), without_trailing_newline(text));
}

TEST(spec_fixtures, runc_1_1_5_spec_config) {
  // The process and linux.resources objects of runc's own default config.json.
  const auto config = json_value::parse(fixture("runc-1.1.5-spec-config.json"));
  ASSERT_TRUE(config.is_object());
  ASSERT_TRUE(config.contains("process"));
  auto p = parse_process_json(config["process"].dump());
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->terminal, true);
  EXPECT_EQ(p->user, (process::user_t{.uid = 0, .gid = 0}));
  EXPECT_EQ(p->args, strings{"sh"});
  EXPECT_EQ(p->env,
            (strings{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}));
  EXPECT_EQ(p->cwd, "/");
  const strings caps{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  EXPECT_EQ(p->capabilities, (process::capabilities_t{
                                 .bounding = caps, .effective = caps, .permitted = caps, .ambient = caps}));
  EXPECT_EQ(p->rlimits,
            (std::vector<process::rlimit_t>{{.type = "RLIMIT_NOFILE", .hard = 1024, .soft = 1024}}));
  EXPECT_EQ(p->no_new_privileges, true);
  // Nothing else, and our output says the same as runc's, key for key.
  EXPECT_EQ(json_value::parse(to_json(*p)), config["process"]);

  ASSERT_TRUE(config.contains("linux"));
  auto r = parse_linux_resources_json(config["linux"]["resources"].dump());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, (linux_resources{.devices = {{{.allow = false, .access = "rwm"}}}}));
  // dump() keeps runc's key order, and so does the output.
  EXPECT_EQ(to_json(*r), R"({"devices":[{"allow":false,"access":"rwm"}]})");
  EXPECT_EQ(json_value::parse(to_json(*r)), config["linux"]["resources"]);
  // Sorted keys (as another encoder may write them) stay in that input order,
  // not specs-go's ("allow" before "access").
  const std::string_view sorted = R"({"devices":[{"access":"rwm","allow":false}]})";
  auto s = parse_linux_resources_json(sorted);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(to_json(*s), sorted);
}

}  // namespace
