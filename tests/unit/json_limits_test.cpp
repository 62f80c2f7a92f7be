// The nesting limit of the one JSON parse path (src/json/rapid.hpp) as every
// decoder sees it, and what hostile output costs in memory: a parse of
// max_stdout bytes of "[[[[..." must stay within a small multiple of its size
// (25x to 75x before the limit).

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include <runcpp/config.hpp>
#include <runcpp/container.hpp>
#include <runcpp/features.hpp>
#include <runcpp/ps.hpp>
#include <runcpp/stats.hpp>

#include "json/rapid.hpp"
#include "runtime_log.hpp"
#include "support/peak_memory.hpp"

namespace runcpp {
namespace {

using detail::rapid::max_depth;

constexpr std::string_view too_deep = "nested more than 128 levels deep";

std::string arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string objects(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += R"({"a":)";
  s += "0";
  s += std::string(depth, '}');
  return s;
}

// Every public decoder, by name; each returns the error message or "" on success.
struct decoder {
  const char* name;
  std::string (*decode)(std::string_view);
};

template <class R>
std::string message_of(const R& r) {
  return r ? std::string() : r.error().message();
}

std::vector<decoder> decoders() {
  return {
      {"state", [](std::string_view t) { return message_of(parse_state_json(t)); }},
      {"list", [](std::string_view t) { return message_of(parse_list_json(t)); }},
      {"stats", [](std::string_view t) { return message_of(parse_stats_json(t)); }},
      {"event", [](std::string_view t) { return message_of(parse_event_json(t)); }},
      {"ps", [](std::string_view t) { return message_of(parse_ps_json(t)); }},
      {"features", [](std::string_view t) { return message_of(parse_features_json(t)); }},
  };
}

TEST(json_nesting_limit, document_takes_the_limit_and_refuses_one_more) {
  for (const auto& make : {arrays, objects}) {
    detail::rapid::document at_limit;
    EXPECT_TRUE(at_limit.parse(make(max_depth)));
    detail::rapid::document over;
    EXPECT_FALSE(over.parse(make(max_depth + 1)));
    EXPECT_NE(over.failure().find(too_deep), std::string_view::npos) << over.failure();
  }
}

TEST(json_nesting_limit, depth_is_counted_per_path_not_per_document) {
  // Many siblings each at the limit: the depth falls back after each one.
  std::string text = "[";
  for (int i = 0; i < 50; ++i) {
    if (i != 0) text += ',';
    text += arrays(max_depth - 1);
  }
  text += "]";
  detail::rapid::document doc;
  EXPECT_TRUE(doc.parse(text)) << doc.failure();
}

TEST(json_nesting_limit, other_failures_do_not_claim_the_limit) {
  detail::rapid::document doc;
  EXPECT_FALSE(doc.parse("[1,]"));
  EXPECT_EQ(doc.failure(), "not valid JSON");
  EXPECT_TRUE(doc.parse("[1]"));  // a document can be reused
}

TEST(json_nesting_limit, every_decoder_reports_it_as_a_parse_error) {
  for (const auto& d : decoders()) {
    for (const auto& make : {arrays, objects}) {
      const std::string over = d.decode(make(max_depth + 1));
      EXPECT_NE(over.find(too_deep), std::string::npos) << d.name << ": " << over;
      // At the limit the text parses; whatever the decoder then says, it is not the limit.
      const std::string at = d.decode(make(max_depth));
      EXPECT_EQ(at.find(too_deep), std::string::npos) << d.name << ": " << at;
    }
  }
}

TEST(json_nesting_limit, a_runtime_log_record_nested_too_deep_is_not_a_record) {
  const std::string record = R"({"level":"error","msg":"boom","x":)" + arrays(max_depth) + "}";
  EXPECT_EQ(detail::runtime_message(record), record);  // shown as a plain line
  EXPECT_EQ(detail::runtime_message(R"({"level":"error","msg":"boom","x":[]})"), "boom");
}

// max_stdout bytes of "[[[[..." or "{"a":{"a":...": every decoder refuses it
// at level 129 and its peak memory stays within 3x the input (the parser's
// private copy of the text is 1x). Without the limit: 25x to 75x.
TEST(json_nesting_limit, deep_output_costs_a_small_multiple_of_its_size) {
  if (testing::instrumented_allocator) GTEST_SKIP() << "AddressSanitizer's allocator changes memory costs";
  const std::size_t cap = config{}.max_stdout;
  for (const std::string_view open : {"[", R"({"a":)"}) {
    std::string text;
    text.reserve(cap);
    while (text.size() + open.size() <= cap) text += open;
    for (const auto& d : decoders()) {
      std::string msg;
      const auto grew = testing::peak_rss_growth([&] { msg = d.decode(text); });
      if (!grew) GTEST_SKIP() << "cannot reset the peak RSS (/proc/self/clear_refs)";
      EXPECT_FALSE(msg.empty()) << d.name;
      EXPECT_LT(*grew, 3 * cap) << d.name << " on " << cap << " x '" << open << "' peaked " << *grew
                                << " bytes above its start";
    }
  }
}

// The widest valid output of max_stdout bytes: every value a DOM node of 16
// bytes for 2 bytes of text, plus RapidJSON's parse stack. Measured at 17x
// (docs/performance.md); the bound keeps it from growing unnoticed.
TEST(json_nesting_limit, wide_output_costs_at_most_20x_its_size) {
  if (testing::instrumented_allocator) GTEST_SKIP() << "AddressSanitizer's allocator changes memory costs";
  const std::size_t cap = config{}.max_stdout;
  std::string pids = "[1";
  while (pids.size() + 3 <= cap) pids += ",1";
  pids += "]";
  std::size_t decoded = 0;
  const auto grew = testing::peak_rss_growth([&] { decoded = parse_ps_json(pids).value().size(); });
  if (!grew) GTEST_SKIP() << "cannot reset the peak RSS (/proc/self/clear_refs)";
  EXPECT_EQ(decoded, pids.size() / 2);
  EXPECT_LT(*grew, 20 * cap) << "ps of " << cap << " bytes of pids peaked " << *grew
                             << " bytes above its start";
}

}  // namespace
}  // namespace runcpp
