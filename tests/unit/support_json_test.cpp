// The tests' JSON reader (tests/support/json.hpp): the comparisons the record
// and config assertions rely on, and that a wrong value fails loudly.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/json.hpp"

namespace {

using runcpp::testing::json_value;
using strings = std::vector<std::string>;
using ::testing::HasSubstr;

// The message of the std::runtime_error that `f` throws ("" if none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(support_json, reads_values_as_the_asked_types) {
  const auto rec =
      json_value::parse(R"({"argv":["runc","state","x"],"fds":[0,1,2],"pid":42,"big":18446744073709551615,)"
                        R"("ok":true,"data":"a\u0000b","none":null,"empty":[],"obj":{}})");
  EXPECT_EQ(rec["argv"].get<strings>(), (strings{"runc", "state", "x"}));
  EXPECT_EQ(rec["fds"].get<std::vector<int>>(), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(rec["pid"].get<int>(), 42);
  EXPECT_EQ(rec["big"].get<std::uint64_t>(), UINT64_MAX);
  EXPECT_TRUE(rec["ok"].get<bool>());
  EXPECT_EQ(rec["data"].get<std::string>(), std::string("a\0b", 3));
  EXPECT_TRUE(rec["none"].is_null());
  EXPECT_TRUE(rec["empty"].empty());
  EXPECT_TRUE(rec["obj"].empty());
  EXPECT_FALSE(rec["argv"].empty());
  EXPECT_TRUE(rec.is_object());
  EXPECT_TRUE(rec.contains("pid"));
  EXPECT_FALSE(rec.contains("ppid"));
  EXPECT_FALSE(rec["pid"].contains("pid"));
  EXPECT_EQ(rec.at("argv").dump(), R"(["runc","state","x"])");
}

TEST(support_json, a_value_keeps_its_document_alive) {
  const auto argv = json_value::parse(R"({"argv":["a","b"]})")["argv"];
  EXPECT_EQ(argv.get<strings>(), (strings{"a", "b"}));
}

TEST(support_json, the_last_of_duplicate_keys_counts) {
  const auto rec = json_value::parse(R"({"pid":1,"pid":2})");
  EXPECT_EQ(rec["pid"], 2);
  EXPECT_EQ(rec, json_value::parse(R"({"pid":2})"));
}

TEST(support_json, a_wrong_or_missing_value_throws_with_its_path) {
  const auto rec = json_value::parse(R"({"process":{"args":["sh",7]},"pid":2147483648,"neg":-1})");
  EXPECT_THAT(error_of([&] { rec["process"]["args"].get<strings>(); }),
              HasSubstr("/process/args/1 is not a string: 7"));
  EXPECT_THAT(error_of([&] { rec["process"]["env"]; }), HasSubstr("/process has no member \"env\""));
  EXPECT_THAT(error_of([&] { rec["pid"].get<int>(); }), HasSubstr("/pid is not an integer in range"));
  EXPECT_THAT(error_of([&] { rec["neg"].get<unsigned>(); }), HasSubstr("/neg is not an integer in range"));
  EXPECT_THAT(error_of([&] { rec["process"].get<bool>(); }), HasSubstr("/process is not a boolean"));
  EXPECT_THAT(error_of([&] { rec["pid"]["x"]; }), HasSubstr("/pid is not an object"));
  EXPECT_THAT(error_of([&] { rec["pid"].empty(); }), HasSubstr("/pid is not an array or object"));
  EXPECT_THAT(error_of([&] { rec.get<strings>(); }), HasSubstr("JSON / is not an array"));
  EXPECT_THAT(error_of([] { json_value::parse(R"({"argv": [)"); }), HasSubstr("not valid JSON"));
}

TEST(support_json, documents_compare_as_json) {
  const auto a = json_value::parse(R"({"a":1,"b":[true,null,"x"],"c":{"d":2.5}})");
  EXPECT_EQ(a, json_value::parse(R"( {"c":{"d":2.5},"b":[true,null,"x"],"a":1} )"));
  EXPECT_NE(a, json_value::parse(R"({"a":1,"b":[null,true,"x"],"c":{"d":2.5}})"));  // array order counts
  EXPECT_NE(a, json_value::parse(R"({"a":1,"b":[true,null,"x"]})"));
  EXPECT_NE(a, json_value::parse(R"({"a":1,"b":[true,null,"x"],"c":{"d":2.5},"e":0})"));
  EXPECT_NE(a, json_value::parse(R"({"a":"1","b":[true,null,"x"],"c":{"d":2.5}})"));
  EXPECT_EQ(json_value::parse("1"), json_value::parse("1.0"));
  EXPECT_EQ(json_value::parse("5"), json_value::parse("5"));
  EXPECT_NE(json_value::parse("-1"), json_value::parse("18446744073709551615"));
  EXPECT_NE(json_value::parse("1"), json_value::parse("2"));
  EXPECT_NE(json_value::parse("true"), json_value::parse("false"));
  EXPECT_NE(json_value::parse("null"), json_value::parse("0"));
}

TEST(support_json, compares_with_plain_values_of_its_own_type_only) {
  const auto rec =
      json_value::parse(R"({"cwd":"/tmp","ok":true,"pid":42,"neg":-1,"big":18446744073709551615})");
  EXPECT_EQ(rec["cwd"], std::string("/tmp"));
  EXPECT_EQ(rec["cwd"], "/tmp");
  EXPECT_NE(rec["cwd"], "/");
  EXPECT_NE(rec["cwd"], true);  // a non-empty string is no boolean
  EXPECT_EQ(rec["ok"], true);
  EXPECT_NE(rec["ok"], false);
  EXPECT_NE(rec["ok"], 1);
  EXPECT_EQ(rec["pid"], 42);
  EXPECT_EQ(rec["pid"], 42u);
  EXPECT_NE(rec["pid"], "42");
  EXPECT_NE(rec["pid"], true);
  EXPECT_EQ(rec["neg"], -1);
  EXPECT_NE(rec["neg"], UINT64_MAX);
  EXPECT_EQ(rec["big"], UINT64_MAX);
  EXPECT_NE(rec["big"], -1);
}

}  // namespace
