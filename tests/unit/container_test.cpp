// parse_state_json / parse_list_json / parse_rfc3339 against output captured
// from runc 1.1.5 and crun 1.8.1 (tests/data), plus hand-written edge cases.

#include <runcpp/container.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using runcpp::container_status;
using runcpp::errc;

std::string fixture(const std::string& rel) {
  const std::string path = std::string(RUNCPP_TEST_DATA_DIR) + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

system_clock::time_point utc(year_month_day ymd, nanoseconds time_of_day) {
  return system_clock::time_point{
      duration_cast<system_clock::duration>(sys_days{ymd}.time_since_epoch() + time_of_day)};
}

// runc 1.1.5's timestamp for the containers in the fixtures.
const auto runc_created = utc(2026y / 11 / 28, 13h + 19min + 12s + 267424709ns);

TEST(container_status, parses_every_runc_status_and_round_trips) {
  for (auto s : {container_status::creating, container_status::created, container_status::running,
                 container_status::paused, container_status::stopped}) {
    EXPECT_EQ(runcpp::parse_container_status(runcpp::to_string(s)), s);
  }
  EXPECT_EQ(runcpp::parse_container_status("running"), container_status::running);
  EXPECT_EQ(runcpp::to_string(container_status::paused), "paused");
  EXPECT_EQ(runcpp::to_string(container_status::unknown), "unknown");
}

TEST(container_status, unrecognised_text_is_unknown) {
  EXPECT_EQ(runcpp::parse_container_status(""), container_status::unknown);
  EXPECT_EQ(runcpp::parse_container_status("Running"), container_status::unknown);
  EXPECT_EQ(runcpp::parse_container_status("running "), container_status::unknown);
  EXPECT_EQ(runcpp::parse_container_status("unknown"), container_status::unknown);
}

TEST(parse_state_json, runc_created) {
  auto c = runcpp::parse_state_json(fixture("runc-1.1.5/state-created.json"));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->id, "fxr1");
  EXPECT_EQ(c->pid, 3610);
  EXPECT_EQ(c->status, container_status::created);
  EXPECT_EQ(c->status_text, "created");
  EXPECT_EQ(c->bundle, "/tmp/fixcap/bundle");
  EXPECT_EQ(c->rootfs, "/tmp/fixcap/bundle/rootfs");
  EXPECT_EQ(c->created_text, "2026-11-28T13:19:12.267424709Z");
  EXPECT_EQ(c->created, runc_created);
  EXPECT_TRUE(c->annotations.empty());  // runc omits the key when empty
  EXPECT_EQ(c->oci_version, "1.0.2-dev");
  ASSERT_TRUE(c->owner.has_value());
  EXPECT_EQ(*c->owner, "");  // runc state prints "" for the owner
}

TEST(parse_state_json, runc_running_paused_stopped) {
  auto running = runcpp::parse_state_json(fixture("runc-1.1.5/state-running.json"));
  ASSERT_TRUE(running) << running.error().message();
  EXPECT_EQ(running->status, container_status::running);
  EXPECT_EQ(running->pid, 3610);
  EXPECT_EQ(running->created, runc_created);

  auto paused = runcpp::parse_state_json(fixture("runc-1.1.5/state-paused.json"));
  ASSERT_TRUE(paused) << paused.error().message();
  EXPECT_EQ(paused->status, container_status::paused);
  EXPECT_EQ(paused->pid, 3610);

  auto stopped = runcpp::parse_state_json(fixture("runc-1.1.5/state-stopped.json"));
  ASSERT_TRUE(stopped) << stopped.error().message();
  EXPECT_EQ(stopped->id, "fxr3");
  EXPECT_EQ(stopped->status, container_status::stopped);
  EXPECT_EQ(stopped->pid, 0);
  EXPECT_EQ(stopped->created, utc(2026y / 11 / 28, 13h + 19min + 31s + 325654759ns));
}

TEST(parse_state_json, runc_annotations_present) {
  auto c = runcpp::parse_state_json(fixture("runc-1.1.5/state-annotations.json"));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->id, "fxr2");
  EXPECT_EQ(c->bundle, "/tmp/fixcap/bundle-ann");
  const std::map<std::string, std::string> want{{"io.runcpp.test", "annotations present"},
                                                {"org.example.purpose", "fixture"}};
  EXPECT_EQ(c->annotations, want);
}

TEST(parse_state_json, crun_state_with_microseconds_and_extra_keys) {
  // crun prints "systemd-scope" (ignored), a relative rootfs, and microseconds.
  auto c = runcpp::parse_state_json(fixture("crun-1.8.1/state-running.json"));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->id, "fxc1");
  EXPECT_EQ(c->pid, 4183);
  EXPECT_EQ(c->status, container_status::running);
  EXPECT_EQ(c->rootfs, "rootfs");
  EXPECT_EQ(c->created_text, "2026-11-28T13:19:40.697419Z");
  EXPECT_EQ(c->created, utc(2026y / 11 / 28, 13h + 19min + 40s + 697419us));
  EXPECT_EQ(c->oci_version, "1.0.0");
  EXPECT_EQ(c->owner, "root");

  auto ann = runcpp::parse_state_json(fixture("crun-1.8.1/state-annotations.json"));
  ASSERT_TRUE(ann) << ann.error().message();
  EXPECT_EQ(ann->annotations.size(), 2u);
  EXPECT_EQ(ann->annotations.at("org.example.purpose"), "fixture");

  for (const char* f :
       {"crun-1.8.1/state-created.json", "crun-1.8.1/state-paused.json", "crun-1.8.1/state-stopped.json"}) {
    auto s = runcpp::parse_state_json(fixture(f));
    ASSERT_TRUE(s) << f << ": " << s.error().message();
    EXPECT_EQ(s->status_text, std::string(runcpp::to_string(s->status))) << f;
  }
}

TEST(parse_list_json, runc_list) {
  auto l = runcpp::parse_list_json(fixture("runc-1.1.5/list.json"));
  ASSERT_TRUE(l) << l.error().message();
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].id, "fxr1");
  EXPECT_EQ((*l)[0].status, container_status::running);
  EXPECT_EQ((*l)[0].created, runc_created);
  EXPECT_TRUE((*l)[0].annotations.empty());
  EXPECT_EQ((*l)[0].owner, "root");  // list, unlike state, names the owner
  EXPECT_EQ((*l)[1].id, "fxr2");
  EXPECT_EQ((*l)[1].pid, 3715);
  EXPECT_EQ((*l)[1].status, container_status::created);
  EXPECT_EQ((*l)[1].annotations.at("io.runcpp.test"), "annotations present");
}

TEST(parse_list_json, crun_list_omits_rootfs_and_oci_version) {
  auto l = runcpp::parse_list_json(fixture("crun-1.8.1/list.json"));
  ASSERT_TRUE(l) << l.error().message();
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].id, "fxc1");
  EXPECT_EQ((*l)[0].rootfs, "");
  EXPECT_FALSE((*l)[0].oci_version.has_value());
  EXPECT_EQ((*l)[1].bundle, "/tmp/fixcap/bundle-ann");
  EXPECT_EQ((*l)[1].created, utc(2026y / 11 / 28, 13h + 19min + 43s + 605138us));
}

TEST(parse_list_json, empty_lists) {
  // runc prints `null`, crun an empty array spread over lines.
  auto runc = runcpp::parse_list_json(fixture("runc-1.1.5/list-empty.json"));
  ASSERT_TRUE(runc) << runc.error().message();
  EXPECT_TRUE(runc->empty());
  auto crun = runcpp::parse_list_json(fixture("crun-1.8.1/list-empty.json"));
  ASSERT_TRUE(crun) << crun.error().message();
  EXPECT_TRUE(crun->empty());
}

TEST(parse_list_json, errors_name_the_element) {
  auto l = runcpp::parse_list_json(R"([{"id":"a"},{"id":"b","pid":"7"}])");
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code(), errc::parse_error);
  EXPECT_NE(l.error().message().find("element 1"), std::string::npos) << l.error().message();
  EXPECT_NE(l.error().message().find("\"pid\""), std::string::npos) << l.error().message();

  for (const char* bad : {"", "{}", R"({"id":"a"})", "3", "[1]", "[null]", "[{}]", "nul", "[", "[]x"}) {
    auto r = runcpp::parse_list_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), errc::parse_error) << bad;
  }
}

TEST(parse_state_json, minimal_document_leaves_defaults) {
  auto c = runcpp::parse_state_json(R"({"id":"x"})");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->id, "x");
  EXPECT_EQ(c->pid, 0);
  EXPECT_EQ(c->status, container_status::unknown);
  EXPECT_EQ(c->created, system_clock::time_point{});
  EXPECT_EQ(c->created_text, "");
  EXPECT_FALSE(c->oci_version.has_value());
  EXPECT_FALSE(c->owner.has_value());
}

TEST(parse_state_json, null_values_count_as_absent_and_unknown_keys_are_ignored) {
  auto c = runcpp::parse_state_json(
      R"({"id":"x","pid":null,"annotations":null,"owner":null,"created":null,
          "future":{"nested":[1,2,3]},"status":"creating"})");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->pid, 0);
  EXPECT_TRUE(c->annotations.empty());
  EXPECT_FALSE(c->owner.has_value());
  EXPECT_EQ(c->status, container_status::creating);
}

TEST(parse_state_json, unknown_status_text_is_kept_verbatim) {
  auto c = runcpp::parse_state_json(R"({"id":"x","status":"frozen"})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, container_status::unknown);
  EXPECT_EQ(c->status_text, "frozen");
}

TEST(parse_state_json, pid_limits) {
  auto max = runcpp::parse_state_json(R"({"id":"x","pid":2147483647})");
  ASSERT_TRUE(max);
  EXPECT_EQ(max->pid, 2147483647);
}

struct bad_state {
  const char* json;
  const char* key;  // must appear in the message
};

TEST(parse_state_json, wrong_types_are_parse_errors_naming_the_key) {
  const bad_state cases[] = {
      {R"({"id":7})", "\"id\""},
      {R"({"pid":1})", "\"id\""},  // missing id
      {R"({"id":"x","pid":"12"})", "\"pid\""},
      {R"({"id":"x","pid":1.5})", "\"pid\""},
      {R"({"id":"x","pid":-1})", "\"pid\""},
      {R"({"id":"x","pid":2147483648})", "\"pid\""},
      {R"({"id":"x","pid":18446744073709551615})", "\"pid\""},
      {R"({"id":"x","pid":true})", "\"pid\""},
      {R"({"id":"x","status":1})", "\"status\""},
      {R"({"id":"x","bundle":[]})", "\"bundle\""},
      {R"({"id":"x","rootfs":{}})", "\"rootfs\""},
      {R"({"id":"x","created":12345})", "\"created\""},
      {R"({"id":"x","created":"yesterday"})", "\"created\""},
      {R"({"id":"x","created":"2026-11-28T13:19:12"})", "\"created\""},
      {R"({"id":"x","annotations":["a"]})", "\"annotations\""},
      {R"({"id":"x","annotations":{"k":1}})", "\"annotations.k\""},
      {R"({"id":"x","ociVersion":1})", "\"ociVersion\""},
      {R"({"id":"x","owner":0})", "\"owner\""},
  };
  for (const auto& c : cases) {
    auto r = runcpp::parse_state_json(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code(), errc::parse_error) << c.json;
    EXPECT_NE(r.error().message().find(c.key), std::string::npos) << c.json << " -> " << r.error().message();
    EXPECT_EQ(r.error().message().find('\n'), std::string::npos);
  }
}

TEST(parse_state_json, not_json_or_not_an_object) {
  for (const char* bad : {"", " ", "null", "[]", "\"id\"", "{", "{\"id\":\"x\"} trailing",
                          "{\"id\":\"\xff\"}" /* invalid UTF-8 */}) {
    auto r = runcpp::parse_state_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), errc::parse_error);
  }
}

TEST(parse_state_json, embedded_nul_is_an_error) {
  using namespace std::string_view_literals;
  auto r = runcpp::parse_state_json("{\"id\":\"x\"}\0"sv);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::parse_error);
  auto in_string = runcpp::parse_state_json("{\"id\":\"a\0b\"}"sv);  // raw control character
  EXPECT_FALSE(in_string);
}

TEST(parse_state_json, every_truncation_of_a_real_state_is_an_error) {
  const std::string full = fixture("runc-1.1.5/state-annotations.json");
  ASSERT_TRUE(runcpp::parse_state_json(full));
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto r = runcpp::parse_state_json(std::string_view(full).substr(0, n));
    ASSERT_FALSE(r) << "prefix of length " << n << " parsed";
    EXPECT_EQ(r.error().code(), errc::parse_error);
  }
}

// Nesting up to the limit (128 levels, the object itself included) is fine in an
// unknown key; deeper is a parse error, not a crash or a 75x memory bill.
TEST(parse_state_json, deeply_nested_unknown_value_is_ignored_up_to_the_limit) {
  auto nested = [](std::size_t depth) {
    std::string s = R"({"id":"x","junk":)";
    s.append(depth, '[');
    s.append(depth, ']');
    s += '}';
    return s;
  };
  auto r = runcpp::parse_state_json(nested(127));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->id, "x");
  for (const std::size_t depth : {std::size_t{128}, std::size_t{100000}}) {
    auto deep = runcpp::parse_state_json(nested(depth));
    ASSERT_FALSE(deep) << depth;
    EXPECT_EQ(deep.error().code(), errc::parse_error);
    EXPECT_EQ(deep.error().message(), "state JSON: not valid JSON (nested more than 128 levels deep)");
  }
}

TEST(parse_rfc3339, utc_with_nanoseconds) {
  auto t = runcpp::parse_rfc3339("2026-11-28T13:19:12.267424709Z");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(*t, runc_created);
  EXPECT_EQ(t->time_since_epoch().count() % 1000000000, 267424709);
}

TEST(parse_rfc3339, epoch_and_short_fractions) {
  auto epoch = runcpp::parse_rfc3339("1970-01-01T00:00:00Z");
  ASSERT_TRUE(epoch);
  EXPECT_EQ(*epoch, system_clock::time_point{});

  auto rfc_example = runcpp::parse_rfc3339("1985-04-12T23:20:50.52Z");  // RFC 3339 §5.8
  ASSERT_TRUE(rfc_example);
  EXPECT_EQ(*rfc_example, utc(1985y / 4 / 12, 23h + 20min + 50s + 520ms));

  auto one_digit = runcpp::parse_rfc3339("2000-01-01T00:00:00.5Z");
  ASSERT_TRUE(one_digit);
  EXPECT_EQ(*one_digit, utc(2000y / 1 / 1, 500ms));

  auto before_epoch = runcpp::parse_rfc3339("1969-12-31T23:59:59.5Z");
  ASSERT_TRUE(before_epoch);
  EXPECT_EQ(*before_epoch, system_clock::time_point{} - 500ms);
}

TEST(parse_rfc3339, offsets_are_subtracted) {
  auto west = runcpp::parse_rfc3339("1996-12-19T16:39:57-08:00");  // RFC 3339 §5.8
  ASSERT_TRUE(west) << west.error().message();
  EXPECT_EQ(*west, utc(1996y / 12 / 20, 0h + 39min + 57s));

  auto east = runcpp::parse_rfc3339("2026-11-28T15:19:12.267424709+02:00");
  ASSERT_TRUE(east) << east.error().message();
  EXPECT_EQ(*east, runc_created);

  auto half_hour = runcpp::parse_rfc3339("2026-11-28T18:49:12.267424709+05:30");
  ASSERT_TRUE(half_hour);
  EXPECT_EQ(*half_hour, runc_created);

  auto negative_zero = runcpp::parse_rfc3339("2026-11-28T13:19:12.267424709-00:00");
  ASSERT_TRUE(negative_zero);
  EXPECT_EQ(*negative_zero, runc_created);

  // The offset can move the instant across a day and a year boundary.
  auto new_year = runcpp::parse_rfc3339("2025-12-31T23:30:00-01:00");
  ASSERT_TRUE(new_year);
  EXPECT_EQ(*new_year, utc(2026y / 1 / 1, 30min));
}

TEST(parse_rfc3339, lower_case_t_and_z_are_allowed) {
  auto t = runcpp::parse_rfc3339("2026-11-28t13:19:12.267424709z");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, runc_created);
}

TEST(parse_rfc3339, leap_days) {
  auto leap = runcpp::parse_rfc3339("2024-02-29T12:00:00Z");
  ASSERT_TRUE(leap);
  EXPECT_EQ(*leap, utc(2024y / 2 / 29, 12h));
  EXPECT_TRUE(runcpp::parse_rfc3339("2000-02-29T00:00:00Z"));
  EXPECT_FALSE(runcpp::parse_rfc3339("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(runcpp::parse_rfc3339("1900-02-29T00:00:00Z"));
}

TEST(parse_rfc3339, range_of_system_clock) {
  // libstdc++'s system_clock counts int64 nanoseconds: about 1677..2262.
  auto last = runcpp::parse_rfc3339("2262-04-11T23:47:15.999999999Z");
  ASSERT_TRUE(last) << last.error().message();
  EXPECT_EQ(*last, utc(2262y / 4 / 11, 23h + 47min + 15s + 999999999ns));
  auto first = runcpp::parse_rfc3339("1677-09-21T00:12:45Z");
  ASSERT_TRUE(first) << first.error().message();
  for (const char* out :
       {"2262-04-11T23:47:16Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "1677-09-21T00:12:44Z"}) {
    auto r = runcpp::parse_rfc3339(out);
    ASSERT_FALSE(r) << out;
    EXPECT_EQ(r.error().code(), errc::parse_error);
  }
}

TEST(parse_rfc3339, invalid_timestamps) {
  for (const char* bad : {
           "",
           "2026-11-28",
           "2026-11-28T13:19:12",              // no offset
           "2026-11-28 13:19:12Z",             // space instead of T
           "2026-11-28T13:19Z",                // no seconds
           "2026-1-28T13:19:12Z",              // one-digit month
           "26-11-28T13:19:12Z",               // two-digit year
           "2026-00-28T13:19:12Z",             // month 0
           "2026-13-28T13:19:12Z",             // month 13
           "2026-11-00T13:19:12Z",             // day 0
           "2026-11-31T13:19:12Z",             // 31 November
           "2026-11-28T24:00:00Z",             // hour 24
           "2026-11-28T13:60:00Z",             // minute 60
           "2026-11-28T13:19:60Z",             // leap second
           "2026-11-28T13:19:12.Z",            // empty fraction
           "2026-11-28T13:19:12.1234567890Z",  // 10 fraction digits
           "2026-11-28T13:19:12,5Z",           // comma fraction
           "2026-11-28T13:19:12+0200",         // offset without colon
           "2026-11-28T13:19:12+2:00",         // one-digit offset hour
           "2026-11-28T13:19:12+24:00",        // offset hour 24
           "2026-11-28T13:19:12+02:60",        // offset minute 60
           "2026-11-28T13:19:12+02",           // offset without minutes
           "2026-11-28T13:19:12ZZ",            // trailing text
           "2026-11-28T13:19:12Z ",            // trailing blank
           " 2026-11-28T13:19:12Z",            // leading blank
           "2026-11-28T13:19:12UTC",
           "+2026-11-28T13:19:12Z",
           "2026-11-28T1a:19:12Z",
           "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96-11-28T13:19:12Z",  // full-width digits
       }) {
    auto r = runcpp::parse_rfc3339(bad);
    ASSERT_FALSE(r) << "accepted: " << bad;
    EXPECT_EQ(r.error().code(), errc::parse_error) << bad;
    EXPECT_EQ(r.error().message().find('\n'), std::string::npos);
  }
}

TEST(parse_rfc3339, every_truncation_is_an_error) {
  const std::string_view full = "2026-11-28T13:19:12.267424709+02:00";
  ASSERT_TRUE(runcpp::parse_rfc3339(full));
  for (std::size_t n = 0; n < full.size(); ++n) {
    // Cutting inside the fraction leaves no offset; cutting inside the offset
    // leaves an incomplete one. Either way it is an error.
    EXPECT_FALSE(runcpp::parse_rfc3339(full.substr(0, n))) << full.substr(0, n);
  }
}

// The decoder parses with RapidJSON; these pin what the earlier nlohmann-based
// decoder did with inputs where the two libraries differ by default.
TEST(parse_state_json, duplicate_keys_keep_the_last_value) {
  auto r = runcpp::parse_state_json(R"({"id":"a","pid":1,"id":"b","pid":2})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->id, "b");
  EXPECT_EQ(r->pid, 2);
  auto null_last = runcpp::parse_state_json(R"({"id":"a","pid":5,"pid":null})");
  ASSERT_TRUE(null_last) << null_last.error().message();
  EXPECT_EQ(null_last->pid, 0);
  auto ann = runcpp::parse_state_json(R"({"id":"a","annotations":{"k":"1","j":"x","k":"2"}})");
  ASSERT_TRUE(ann) << ann.error().message();
  EXPECT_EQ(ann->annotations, (std::map<std::string, std::string>{{"j", "x"}, {"k", "2"}}));
}

TEST(parse_state_json, annotation_errors_follow_key_order_and_duplicates) {
  // A bad value replaced by a later duplicate is no error.
  auto hidden = runcpp::parse_state_json(R"({"id":"a","annotations":{"k":1,"k":"ok"}})");
  ASSERT_TRUE(hidden) << hidden.error().message();
  EXPECT_EQ(hidden->annotations.at("k"), "ok");
  // Of several bad values, the first key in key order is named.
  auto r = runcpp::parse_state_json(R"({"id":"a","annotations":{"z":1,"b":"x","m":2}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "state JSON: key \"annotations.m\" is not a string");
}

TEST(parse_state_json, string_escapes_and_encoding) {
  auto pair = runcpp::parse_state_json(R"({"id":"\ud800\udc00\u00e9"})");
  ASSERT_TRUE(pair) << pair.error().message();
  EXPECT_EQ(pair->id, "\xF0\x90\x80\x80\xC3\xA9");
  auto nul = runcpp::parse_state_json(R"({"id":"a\u0000b"})");
  ASSERT_TRUE(nul) << nul.error().message();
  EXPECT_EQ(nul->id, std::string("a\0b", 3));
  auto escaped_backslash = runcpp::parse_state_json(R"({"id":"\\udc00"})");
  ASSERT_TRUE(escaped_backslash) << escaped_backslash.error().message();
  EXPECT_EQ(escaped_backslash->id, "\\udc00");
  // Unpaired surrogates are not UTF-8: rejected, in values and in keys.
  for (const char* bad : {R"({"id":"\udc00"})", R"({"id":"x\uDFFF"})", R"({"id":"\ud800"})",
                          R"({"id":"x","annotations":{"\udc00":"v"}})", "{\"id\":\"\xED\xB0\x80\"}"}) {
    auto r = runcpp::parse_state_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), "state JSON: not valid JSON") << bad;
  }
  auto bom = runcpp::parse_state_json("\xEF\xBB\xBF{\"id\":\"x\"}");  // a UTF-8 byte order mark is skipped
  ASSERT_TRUE(bom) << bom.error().message();
  EXPECT_EQ(bom->id, "x");
}

TEST(parse_state_json, a_truncated_utf8_sequence_at_the_end_is_refused) {
  // Found by fuzzing: RapidJSON took a lead byte's continuation bytes past the
  // end of the text (ASan: read past the buffer) before checking them.
  for (std::string bad :
       {"\"a\xED", "\"a\xF0", "\"a\xF0\x90", "\"a\xF0\x90\x80", "{\"id\":\"\xE2", "\"a $$$$$ $$$$$\xED"}) {
    auto r = runcpp::parse_state_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), "state JSON: not valid JSON") << bad;
    auto l = runcpp::parse_list_json(bad);
    ASSERT_FALSE(l) << bad;
  }
}

TEST(parse_state_json, numbers_at_the_edges) {
  // -0 is read as 0 (nlohmann read it as a signed 0, which a pid also accepted).
  auto zero = runcpp::parse_state_json(R"({"id":"a","pid":-0})");
  ASSERT_TRUE(zero) << zero.error().message();
  EXPECT_EQ(zero->pid, 0);
  for (const char* bad : {R"({"id":"a","pid":1e400})", R"({"id":"a","pid":-1e400})"}) {
    auto r = runcpp::parse_state_json(bad);  // beyond double: not valid JSON, as before
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), "state JSON: not valid JSON");
  }
  for (const char* bad :
       {R"({"id":"a","pid":18446744073709551616})", R"({"id":"a","pid":1.0})", R"({"id":"a","pid":1e2})"}) {
    auto r = runcpp::parse_state_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), "state JSON: key \"pid\" is not an integer") << bad;
  }
}

TEST(parse_list_json, large_list_with_a_bad_element_names_its_index) {
  std::string good = "[";
  for (int i = 0; i < 1000; ++i)
    good += R"({"id":"c)" + std::to_string(i) + R"(","pid":)" + std::to_string(i + 1) + "},";
  auto r = runcpp::parse_list_json(good + R"({"id":"bad","status":7}])");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "list JSON element 1000: key \"status\" is not a string");
  good.back() = ']';
  auto ok = runcpp::parse_list_json(good);
  ASSERT_TRUE(ok) << ok.error().message();
  ASSERT_EQ(ok->size(), 1000u);
  EXPECT_EQ(ok->back().id, "c999");
  EXPECT_EQ(ok->back().pid, 1000);
}

}  // namespace
