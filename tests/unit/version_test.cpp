// parse_version_output: go-runc's TestParseVersion cases, then the real
// `--version` output of runc 1.1.5 and crun 1.8.1 (tests/data).

#include <runcpp/version.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace {

using runcpp::errc;
using field_list = std::vector<std::pair<std::string, std::string>>;

std::string fixture(const std::string& rel) {
  const std::string path = std::string(RUNCPP_TEST_DATA_DIR) + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// go-runc TestParseVersion/Full
TEST(parse_version_output, go_runc_full) {
  auto v = runcpp::parse_version_output(
      "runc version 1.0.0-rc3\ncommit: 17f3e2a07439a024e54566774d597df9177ee216\nspec: 1.0.0-rc5-dev\n");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->runtime, "runc");
  EXPECT_EQ(v->version, "1.0.0-rc3");
  EXPECT_EQ(v->commit, "17f3e2a07439a024e54566774d597df9177ee216");
  EXPECT_EQ(v->spec, "1.0.0-rc5-dev");
  EXPECT_EQ(v->go, "");
}

// go-runc TestParseVersion/WithoutCommit
TEST(parse_version_output, go_runc_without_commit) {
  auto v = runcpp::parse_version_output("runc version 1.0.0-rc9\nspec: 1.0.1-dev\n");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->version, "1.0.0-rc9");
  EXPECT_EQ(v->commit, "");
  EXPECT_EQ(v->spec, "1.0.1-dev");
  EXPECT_EQ(v->fields, (field_list{{"spec", "1.0.1-dev"}}));
}

// go-runc TestParseVersion/Oneline
TEST(parse_version_output, go_runc_oneline) {
  auto v = runcpp::parse_version_output("runc version 1.0.0-rc8+dev\n");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->runtime, "runc");
  EXPECT_EQ(v->version, "1.0.0-rc8+dev");
  EXPECT_EQ(v->commit, "");
  EXPECT_EQ(v->spec, "");
  EXPECT_TRUE(v->fields.empty());
  EXPECT_TRUE(v->other_lines.empty());
}

// go-runc TestParseVersion/Garbage gives a zero Version; here it is an error.
TEST(parse_version_output, go_runc_garbage_is_an_error) {
  auto v = runcpp::parse_version_output("Garbage\nspec: nope\n");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), errc::parse_error);
}

TEST(parse_version_output, runc_1_1_5) {
  auto v = runcpp::parse_version_output(fixture("runc-1.1.5/version.txt"));
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->runtime, "runc");
  EXPECT_EQ(v->version, "1.1.5+ds1");
  EXPECT_EQ(v->commit, "1.1.5+ds1-1+deb12u1");
  EXPECT_EQ(v->spec, "1.0.2-dev");
  EXPECT_EQ(v->go, "go1.19.8");
  EXPECT_EQ(v->libseccomp, "2.5.4");
  EXPECT_EQ(v->fields, (field_list{{"commit", "1.1.5+ds1-1+deb12u1"},
                                   {"spec", "1.0.2-dev"},
                                   {"go", "go1.19.8"},
                                   {"libseccomp", "2.5.4"}}));
  EXPECT_TRUE(v->other_lines.empty());
}

TEST(parse_version_output, crun_1_8_1) {
  auto v = runcpp::parse_version_output(fixture("crun-1.8.1/version.txt"));
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->runtime, "crun");
  EXPECT_EQ(v->version, "1.8.1");
  EXPECT_EQ(v->commit, "f8a096be060b22ccd3d5f3ebe44108517fbf6c30");
  EXPECT_EQ(v->spec, "1.0.0");
  EXPECT_EQ(v->go, "");
  EXPECT_EQ(v->libseccomp, "");
  EXPECT_EQ(v->fields, (field_list{{"commit", "f8a096be060b22ccd3d5f3ebe44108517fbf6c30"},
                                   {"rundir", "/run/crun"},
                                   {"spec", "1.0.0"}}));
  EXPECT_EQ(v->other_lines,
            (std::vector<std::string>{"+SYSTEMD +SELINUX +APPARMOR +CAP +SECCOMP +EBPF +YAJL"}));
}

TEST(parse_version_output, crlf_and_surrounding_blank_lines) {
  auto v = runcpp::parse_version_output(
      "\r\n\n  runc version 1.2.0\r\ncommit: v1.2.0-0-g1234\r\n\r\nspec: 1.2.0\r\n\r\n");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->version, "1.2.0");
  EXPECT_EQ(v->commit, "v1.2.0-0-g1234");
  EXPECT_EQ(v->spec, "1.2.0");
  EXPECT_EQ(v->fields.size(), 2u);
  EXPECT_TRUE(v->other_lines.empty());
}

TEST(parse_version_output, runc_1_5_style_extra_fields_are_kept_in_order) {
  auto v = runcpp::parse_version_output(
      "runc version 1.5.0\ncommit: v1.5.0-0-gabc\nspec: 1.3.0\ngo: go1.24.1\nlibseccomp: 2.6.0\n"
      "libpathrs: 0.2.1\n");
  ASSERT_TRUE(v) << v.error().message();
  ASSERT_EQ(v->fields.size(), 5u);
  EXPECT_EQ(v->fields[4], (std::pair<std::string, std::string>{"libpathrs", "0.2.1"}));
  EXPECT_EQ(v->libseccomp, "2.6.0");
}

TEST(parse_version_output, later_duplicates_overwrite_but_all_are_listed) {
  auto v = runcpp::parse_version_output("runc version 1\ncommit: a\ncommit: b\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->commit, "b");
  EXPECT_EQ(v->fields, (field_list{{"commit", "a"}, {"commit", "b"}}));
}

TEST(parse_version_output, what_counts_as_a_field) {
  auto v = runcpp::parse_version_output(
      "youki version 0.3.0\n"
      "commit:\n"                    // empty value: still a field
      "spec:   1.0.2  \t\n"          // value trimmed
      "see https://example.org/x\n"  // prose with a colon inside: not a field
      "https://example.org\n"        // no blank after the colon: not a field
      "two words: value\n"           // key with a blank: not a field
      ": value\n");                  // no key: not a field
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->runtime, "youki");
  EXPECT_EQ(v->version, "0.3.0");
  EXPECT_EQ(v->fields, (field_list{{"commit", ""}, {"spec", "1.0.2"}}));
  EXPECT_EQ(v->other_lines, (std::vector<std::string>{"see https://example.org/x", "https://example.org",
                                                      "two words: value", ": value"}));
}

TEST(parse_version_output, version_keeps_the_rest_of_the_first_line) {
  auto v = runcpp::parse_version_output("runc  version\t1.0.0 (dirty)\n");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->runtime, "runc");
  EXPECT_EQ(v->version, "1.0.0 (dirty)");
}

TEST(parse_version_output, bad_first_lines) {
  for (const char* bad : {"", "   \n\n", "runc", "runc version", "runc version   \n", "runc versions 1.0",
                          "runc 1.1.5", "version 1.0", "runc: version 1.0", "commit: abc\nrunc version 1"}) {
    auto v = runcpp::parse_version_output(bad);
    ASSERT_FALSE(v) << "accepted: " << bad;
    EXPECT_EQ(v.error().code(), errc::parse_error) << bad;
  }
}

}  // namespace
