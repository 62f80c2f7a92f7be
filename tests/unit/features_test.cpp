// parse_features_json against runc 1.1.5's real `runc features` output
// (tests/data; crun 1.8.1 has no `features` command), a runtime-spec 1.2
// document with every key, and type errors for each known key.

#include <runcpp/features.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include <gtest/gtest.h>

namespace {

using runcpp::errc;
using strings = std::vector<std::string>;

std::string fixture(const std::string& rel) {
  const std::string path = std::string(RUNCPP_TEST_DATA_DIR) + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::optional<strings>& list, const std::string& item) {
  return list && std::find(list->begin(), list->end(), item) != list->end();
}

TEST(parse_features_json, runc_1_1_5) {
  auto f = runcpp::parse_features_json(fixture("runc-1.1.5/features.json"));
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f->oci_version_min, "1.0.0");
  EXPECT_EQ(f->oci_version_max, "1.0.2-dev");
  EXPECT_EQ(f->hooks, (strings{"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                               "poststop"}));
  ASSERT_TRUE(f->mount_options);
  EXPECT_EQ(f->mount_options->size(), 62u);
  EXPECT_EQ(f->mount_options->front(), "acl");
  EXPECT_EQ(f->mount_options->back(), "unbindable");
  EXPECT_TRUE(contains(f->mount_options, "rro"));  // go-runc's TestRuncFeatures

  ASSERT_TRUE(f->linux_);
  const auto& l = *f->linux_;
  EXPECT_EQ(l.namespaces, (strings{"cgroup", "ipc", "mount", "network", "pid", "user", "uts"}));
  ASSERT_TRUE(l.capabilities);
  EXPECT_EQ(l.capabilities->size(), 41u);
  EXPECT_EQ(l.capabilities->front(), "CAP_CHOWN");
  EXPECT_EQ(l.capabilities->back(), "CAP_CHECKPOINT_RESTORE");

  ASSERT_TRUE(l.cgroup);
  EXPECT_EQ(l.cgroup->v1, true);
  EXPECT_EQ(l.cgroup->v2, true);
  EXPECT_EQ(l.cgroup->systemd, true);
  EXPECT_EQ(l.cgroup->systemd_user, true);
  EXPECT_FALSE(l.cgroup->rdma.has_value());  // runc 1.1 does not say

  ASSERT_TRUE(l.seccomp);
  EXPECT_EQ(l.seccomp->enabled, true);
  ASSERT_TRUE(l.seccomp->actions);
  EXPECT_EQ(l.seccomp->actions->size(), 9u);
  EXPECT_TRUE(contains(l.seccomp->actions, "SCMP_ACT_NOTIFY"));
  ASSERT_TRUE(l.seccomp->operators);
  EXPECT_EQ(l.seccomp->operators->size(), 7u);
  ASSERT_TRUE(l.seccomp->archs);
  EXPECT_EQ(l.seccomp->archs->size(), 16u);
  EXPECT_TRUE(contains(l.seccomp->archs, "SCMP_ARCH_X86_64"));
  EXPECT_FALSE(l.seccomp->known_flags.has_value());
  EXPECT_FALSE(l.seccomp->supported_flags.has_value());

  ASSERT_TRUE(l.apparmor);
  EXPECT_EQ(l.apparmor->enabled, true);
  ASSERT_TRUE(l.selinux);
  EXPECT_EQ(l.selinux->enabled, true);
  EXPECT_FALSE(l.intel_rdt.has_value());
  EXPECT_FALSE(l.memory_policy.has_value());
  EXPECT_FALSE(l.mount_extensions.has_value());
  EXPECT_FALSE(l.net_devices.has_value());

  ASSERT_TRUE(f->annotations);
  EXPECT_EQ(*f->annotations,
            (std::map<std::string, std::string>{{"io.github.seccomp.libseccomp.version", "2.5.4"},
                                                {"org.opencontainers.runc.checkpoint.enabled", "true"},
                                                {"org.opencontainers.runc.commit", "1.1.5+ds1-1+deb12u1"},
                                                {"org.opencontainers.runc.version", "1.1.5+ds1"}}));
  EXPECT_FALSE(f->potentially_unsafe_config_annotations.has_value());
}

// Shaped like runc 1.5's output (runtime-spec 1.2 features.md), every key set.
constexpr const char* full_document = R"({
  "ociVersionMin": "1.0.0",
  "ociVersionMax": "1.2.1",
  "hooks": ["prestart"],
  "mountOptions": ["rro", "ro"],
  "linux": {
    "namespaces": ["pid"],
    "capabilities": ["CAP_KILL"],
    "cgroup": {"v1": false, "v2": true, "systemd": true, "systemdUser": false, "rdma": true},
    "seccomp": {"enabled": true, "actions": ["SCMP_ACT_ALLOW"], "operators": ["SCMP_CMP_EQ"],
                "archs": ["SCMP_ARCH_X86_64"], "knownFlags": ["SECCOMP_FILTER_FLAG_LOG"],
                "supportedFlags": []},
    "apparmor": {"enabled": false},
    "selinux": {"enabled": true},
    "intelRdt": {"enabled": true, "schemata": false, "monitoring": true},
    "memoryPolicy": {"modes": ["MPOL_DEFAULT", "MPOL_BIND"], "flags": ["MPOL_F_STATIC_NODES"]},
    "mountExtensions": {"idmap": {"enabled": true}},
    "netDevices": {"enabled": false},
    "futureThing": {"enabled": true}
  },
  "annotations": {"org.opencontainers.runc.version": "1.5.0"},
  "potentiallyUnsafeConfigAnnotations": ["bundle", "org.systemd.property."],
  "someFutureKey": [1, 2, 3]
})";

TEST(parse_features_json, every_runtime_spec_1_2_key) {
  auto f = runcpp::parse_features_json(full_document);
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f->oci_version_max, "1.2.1");
  EXPECT_EQ(f->hooks, strings{"prestart"});
  EXPECT_EQ(f->mount_options, (strings{"rro", "ro"}));
  ASSERT_TRUE(f->linux_);
  const auto& l = *f->linux_;
  EXPECT_EQ(l.namespaces, strings{"pid"});
  EXPECT_EQ(l.capabilities, strings{"CAP_KILL"});
  ASSERT_TRUE(l.cgroup);
  EXPECT_EQ(l.cgroup->v1, false);
  EXPECT_EQ(l.cgroup->v2, true);
  EXPECT_EQ(l.cgroup->systemd_user, false);
  EXPECT_EQ(l.cgroup->rdma, true);
  ASSERT_TRUE(l.seccomp);
  EXPECT_EQ(l.seccomp->known_flags, strings{"SECCOMP_FILTER_FLAG_LOG"});
  ASSERT_TRUE(l.seccomp->supported_flags);  // present but empty is not absent
  EXPECT_TRUE(l.seccomp->supported_flags->empty());
  ASSERT_TRUE(l.apparmor);
  EXPECT_EQ(l.apparmor->enabled, false);
  ASSERT_TRUE(l.intel_rdt);
  EXPECT_EQ(l.intel_rdt->enabled, true);
  EXPECT_EQ(l.intel_rdt->schemata, false);
  EXPECT_EQ(l.intel_rdt->monitoring, true);
  ASSERT_TRUE(l.memory_policy);
  EXPECT_EQ(l.memory_policy->modes, (strings{"MPOL_DEFAULT", "MPOL_BIND"}));
  EXPECT_EQ(l.memory_policy->flags, strings{"MPOL_F_STATIC_NODES"});
  ASSERT_TRUE(l.mount_extensions);
  ASSERT_TRUE(l.mount_extensions->idmap);
  EXPECT_EQ(l.mount_extensions->idmap->enabled, true);
  ASSERT_TRUE(l.net_devices);
  EXPECT_EQ(l.net_devices->enabled, false);
  ASSERT_TRUE(f->annotations);
  EXPECT_EQ(f->annotations->at("org.opencontainers.runc.version"), "1.5.0");
  EXPECT_EQ(f->potentially_unsafe_config_annotations, (strings{"bundle", "org.systemd.property."}));
}

TEST(parse_features_json, empty_object_leaves_everything_absent) {
  auto f = runcpp::parse_features_json("{}");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_FALSE(f->oci_version_min || f->oci_version_max || f->hooks || f->mount_options || f->linux_ ||
               f->annotations || f->potentially_unsafe_config_annotations);
}

TEST(parse_features_json, null_counts_as_absent) {
  auto f = runcpp::parse_features_json(
      R"({"ociVersionMin":null,"linux":{"cgroup":null,"seccomp":{"enabled":null},"apparmor":{}},"annotations":null})");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_FALSE(f->oci_version_min.has_value());
  EXPECT_FALSE(f->annotations.has_value());
  ASSERT_TRUE(f->linux_);
  EXPECT_FALSE(f->linux_->cgroup.has_value());
  ASSERT_TRUE(f->linux_->seccomp);
  EXPECT_FALSE(f->linux_->seccomp->enabled.has_value());
  ASSERT_TRUE(f->linux_->apparmor);  // present, but it does not say
  EXPECT_FALSE(f->linux_->apparmor->enabled.has_value());
}

struct bad_features {
  const char* json;
  const char* path;
};

TEST(parse_features_json, wrong_types_are_parse_errors_naming_the_key) {
  const bad_features cases[] = {
      {R"({"ociVersionMin":1})", "\"ociVersionMin\""},
      {R"({"ociVersionMax":true})", "\"ociVersionMax\""},
      {R"({"hooks":"prestart"})", "\"hooks\""},
      {R"({"hooks":["prestart",1]})", "\"hooks\""},
      {R"({"mountOptions":{}})", "\"mountOptions\""},
      {R"({"annotations":[]})", "\"annotations\""},
      {R"({"annotations":{"a":1}})", "\"annotations\""},
      {R"({"potentiallyUnsafeConfigAnnotations":[null]})", "\"potentiallyUnsafeConfigAnnotations\""},
      {R"({"linux":[]})", "\"linux\""},
      {R"({"linux":{"namespaces":"pid"}})", "\"linux.namespaces\""},
      {R"({"linux":{"capabilities":[[]]}})", "\"linux.capabilities\""},
      {R"({"linux":{"cgroup":true}})", "\"linux.cgroup\""},
      {R"({"linux":{"cgroup":{"v1":"true"}}})", "\"linux.cgroup.v1\""},
      {R"({"linux":{"cgroup":{"v2":1}}})", "\"linux.cgroup.v2\""},
      {R"({"linux":{"cgroup":{"systemd":0}}})", "\"linux.cgroup.systemd\""},
      {R"({"linux":{"cgroup":{"systemdUser":[]}}})", "\"linux.cgroup.systemdUser\""},
      {R"({"linux":{"cgroup":{"rdma":{}}}})", "\"linux.cgroup.rdma\""},
      {R"({"linux":{"seccomp":[]}})", "\"linux.seccomp\""},
      {R"({"linux":{"seccomp":{"enabled":"yes"}}})", "\"linux.seccomp.enabled\""},
      {R"({"linux":{"seccomp":{"actions":[1]}}})", "\"linux.seccomp.actions\""},
      {R"({"linux":{"seccomp":{"operators":1}}})", "\"linux.seccomp.operators\""},
      {R"({"linux":{"seccomp":{"archs":"x86"}}})", "\"linux.seccomp.archs\""},
      {R"({"linux":{"seccomp":{"knownFlags":{}}}})", "\"linux.seccomp.knownFlags\""},
      {R"({"linux":{"seccomp":{"supportedFlags":[false]}}})", "\"linux.seccomp.supportedFlags\""},
      {R"({"linux":{"apparmor":true}})", "\"linux.apparmor\""},
      {R"({"linux":{"apparmor":{"enabled":1}}})", "\"linux.apparmor.enabled\""},
      {R"({"linux":{"selinux":{"enabled":"no"}}})", "\"linux.selinux.enabled\""},
      {R"({"linux":{"intelRdt":{"enabled":[]}}})", "\"linux.intelRdt.enabled\""},
      {R"({"linux":{"intelRdt":{"schemata":"x"}}})", "\"linux.intelRdt.schemata\""},
      {R"({"linux":{"intelRdt":{"monitoring":2}}})", "\"linux.intelRdt.monitoring\""},
      {R"({"linux":{"memoryPolicy":{"modes":"MPOL_BIND"}}})", "\"linux.memoryPolicy.modes\""},
      {R"({"linux":{"memoryPolicy":{"flags":[1]}}})", "\"linux.memoryPolicy.flags\""},
      {R"({"linux":{"mountExtensions":[]}})", "\"linux.mountExtensions\""},
      {R"({"linux":{"mountExtensions":{"idmap":true}}})", "\"linux.mountExtensions.idmap\""},
      {R"({"linux":{"mountExtensions":{"idmap":{"enabled":"y"}}}})",
       "\"linux.mountExtensions.idmap.enabled\""},
      {R"({"linux":{"netDevices":{"enabled":0}}})", "\"linux.netDevices.enabled\""},
  };
  for (const auto& c : cases) {
    auto r = runcpp::parse_features_json(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code(), errc::parse_error) << c.json;
    EXPECT_NE(r.error().message().find(c.path), std::string::npos) << c.json << " -> " << r.error().message();
  }
}

TEST(parse_features_json, first_error_wins) {
  auto r = runcpp::parse_features_json(R"({"hooks":1,"linux":{"cgroup":{"v1":2}}})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("\"hooks\""), std::string::npos) << r.error().message();
  EXPECT_EQ(r.error().message().find("cgroup"), std::string::npos) << r.error().message();
}

TEST(parse_features_json, not_json_or_not_an_object) {
  for (const char* bad : {"", "null", "[]", "\"features\"", "{", "{} {}", "unknown command features\n"}) {
    auto r = runcpp::parse_features_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), errc::parse_error) << bad;
  }
}

// The rules the decoder kept when it moved from nlohmann to RapidJSON.
TEST(parse_features_json, the_last_of_duplicate_keys_counts) {
  auto r = runcpp::parse_features_json(
      R"({"ociVersionMin":1,"ociVersionMin":"1.0.0","annotations":{"a":1,"b":"x","a":"y","b":"z"}})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->oci_version_min, "1.0.0");
  ASSERT_TRUE(r->annotations);
  EXPECT_EQ(*r->annotations, (std::map<std::string, std::string>{{"a", "y"}, {"b", "z"}}));
  auto bad = runcpp::parse_features_json(R"({"hooks":["x"],"hooks":"x"})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("\"hooks\" is not an array"), std::string::npos)
      << bad.error().message();
}

TEST(parse_features_json, a_nul_byte_or_bad_utf8_is_not_json) {
  for (const std::string_view bad : {std::string_view("{}\0", 3), std::string_view(R"({"hooks":["\xff"]})"),
                                     std::string_view(R"({"hooks":["\udc00"]})")}) {
    auto r = runcpp::parse_features_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), "features JSON: not valid JSON") << bad;
  }
}

TEST(parse_features_json, every_truncation_of_the_real_output_is_an_error) {
  const std::string full = fixture("runc-1.1.5/features.json");
  ASSERT_TRUE(runcpp::parse_features_json(full));
  // Every prefix that stops before the closing brace (output ends in "}\n").
  const std::size_t closing = full.rfind('}');
  ASSERT_NE(closing, std::string::npos);
  for (std::size_t n = 0; n <= closing; n += 3) {
    auto r = runcpp::parse_features_json(std::string_view(full).substr(0, n));
    ASSERT_FALSE(r) << "prefix of length " << n << " parsed";
    EXPECT_EQ(r.error().code(), errc::parse_error);
  }
}

}  // namespace
