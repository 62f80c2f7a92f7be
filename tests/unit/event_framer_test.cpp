// detail::event_framer: newline-delimited JSON framing of `runc events`,
// driven with real runc 1.1.5 output (tests/data/runc-1.1.5) split at every
// byte, and with the failure modes go-runc handles badly: a malformed line
// (go-runc: an endless stream of identical errors), an endless line (memory),
// CRLF, blank lines and an unterminated last line.

#include "event_framer.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using runcpp::errc;
using runcpp::event;
using runcpp::event_type;
using runcpp::result;
using runcpp::detail::event_framer;

std::string fixture(const std::string& rel) {
  const std::string path = std::string(RUNCPP_TEST_DATA_DIR) + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Pulls every item next() has ready.
void drain(event_framer& f, std::vector<result<event>>& out) {
  while (auto item = f.next()) out.push_back(std::move(*item));
}

// Feeds `text` in pieces of the given sizes (cycled), draining after each one,
// then finishes the stream.
std::vector<result<event>> frame(const std::string& text, const std::vector<std::size_t>& sizes,
                                 std::size_t max_line = std::size_t{1} << 20) {
  event_framer f(max_line);
  std::vector<result<event>> out;
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < text.size(); ++i) {
    const std::size_t n = std::min(sizes[i % sizes.size()], text.size() - pos);
    f.feed(std::string_view(text).substr(pos, n));
    pos += n;
    drain(f, out);
  }
  while (auto item = f.finish()) out.push_back(std::move(*item));
  EXPECT_FALSE(f.has_partial());
  EXPECT_EQ(f.buffered_bytes(), 0u);
  return out;
}

std::vector<result<event>> frame_whole(const std::string& text) { return frame(text, {text.size() + 1}); }

// "oom:a", "stats:b", "error: <message>" - a compact summary for comparisons.
std::vector<std::string> summary(const std::vector<result<event>>& items) {
  std::vector<std::string> out;
  for (const auto& r : items) {
    if (r) {
      out.push_back(r->type + ":" + r->id);
    } else {
      EXPECT_EQ(r.error().code(), errc::parse_error);
      out.push_back("error: " + r.error().message());
    }
  }
  return out;
}

const std::string oom_a = R"({"type":"oom","id":"a"})";
const std::string oom_b = R"({"type":"oom","id":"b"})";

TEST(event_framer, runc_1_1_5_interval_stream) {
  const std::string text = fixture("runc-1.1.5/events-interval.ndjson");
  const auto items = frame_whole(text);
  ASSERT_EQ(items.size(), 4u);
  for (const auto& r : items) {
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->kind(), event_type::stats);
    EXPECT_EQ(r->id, "evs1");
    ASSERT_TRUE(r->data && r->data->cpu && r->data->cpu->usage);
    EXPECT_EQ(r->data->cpu->usage->total, 9189604u);
  }
}

TEST(event_framer, runc_1_1_5_oom_stream_fed_one_byte_at_a_time) {
  const std::string text = fixture("runc-1.1.5/events-oom.ndjson");
  const auto items = frame(text, {1});
  ASSERT_EQ(items.size(), 10u);
  ASSERT_TRUE(items[0]) << items[0].error().message();
  EXPECT_EQ(items[0]->kind(), event_type::oom);
  EXPECT_EQ(items[0]->id, "evoom1");
  EXPECT_FALSE(items[0]->data);  // oom events carry no data
  for (std::size_t i = 1; i < items.size(); ++i) {
    ASSERT_TRUE(items[i]) << items[i].error().message();
    EXPECT_EQ(items[i]->kind(), event_type::stats);
    EXPECT_EQ(items[i]->data->memory->usage->failcnt, 78u);
  }
  EXPECT_EQ(summary(items), summary(frame_whole(text)));
}

TEST(event_framer, every_split_point_gives_the_same_items) {
  const std::string text = oom_a + "\r\n\n" + R"({"type":"stats","id":"s","data":{"pids":{"current":2}}})" +
                           "\nnot json\r\n" + oom_b;
  const auto expected = summary(frame_whole(text));
  ASSERT_EQ(expected.size(), 4u);
  for (std::size_t k = 0; k <= text.size(); ++k) {
    event_framer f;
    std::vector<result<event>> out;
    f.feed(std::string_view(text).substr(0, k));
    drain(f, out);
    f.feed(std::string_view(text).substr(k));
    drain(f, out);
    while (auto item = f.finish()) out.push_back(std::move(*item));
    EXPECT_EQ(summary(out), expected) << "split at " << k;
  }
}

TEST(event_framer, random_chunking_of_real_output) {
  const std::string text =
      fixture("runc-1.1.5/events-oom.ndjson") + fixture("runc-1.1.5/events-interval.ndjson");
  const auto expected = summary(frame_whole(text));
  ASSERT_EQ(expected.size(), 14u);
  std::mt19937 rng(20261128);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::size_t> sizes;
    for (int i = 0; i < 64; ++i) sizes.push_back(std::uniform_int_distribution<std::size_t>(1, 4096)(rng));
    EXPECT_EQ(summary(frame(text, sizes)), expected) << "round " << round;
  }
}

TEST(event_framer, a_malformed_line_is_one_error_and_framing_resumes) {
  const std::string text = "not json\n" + oom_a + "\n{\"type\":\"stats\",\n" + oom_b + "\n";
  const auto items = frame_whole(text);
  EXPECT_EQ(summary(items), (std::vector<std::string>{
                                "error: runc events line 1: event JSON: not valid JSON",
                                "oom:a",
                                "error: runc events line 3: event JSON: not valid JSON",
                                "oom:b",
                            }));
}

TEST(event_framer, no_error_storm_while_nothing_new_arrives) {
  event_framer f;
  f.feed("garbage\n");
  auto first = f.next();
  ASSERT_TRUE(first);
  EXPECT_FALSE(*first);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(f.next().has_value());
  EXPECT_FALSE(f.finish().has_value());
}

TEST(event_framer, wrong_types_name_the_key_and_the_line) {
  const std::string text = oom_a + "\n" +
                           R"({"type":"stats","id":"x","data":{"memory":{"usage":{"limit":"x"}}}})" + "\n" +
                           oom_b + "\n";
  EXPECT_EQ(summary(frame_whole(text)),
            (std::vector<std::string>{
                "oom:a",
                "error: runc events line 2: event JSON: key \"data.memory.usage.limit\" is not an "
                "unsigned integer",
                "oom:b",
            }));
}

TEST(event_framer, unknown_keys_are_ignored) {
  const auto items =
      frame_whole(R"({"type":"stats","id":"u","ts":12,"data":{"pids":{"current":1,"max":"x"},"rdma":{}}})"
                  "\n");
  ASSERT_EQ(items.size(), 1u);
  ASSERT_TRUE(items[0]) << items[0].error().message();
  EXPECT_EQ(items[0]->data->pids->current, 1u);
}

TEST(event_framer, a_nul_byte_spoils_only_its_line) {
  const std::string text = std::string("{\"type\":\"oom\",\0\"id\":\"z\"}\n", 25) + oom_b + "\n";
  EXPECT_EQ(summary(frame_whole(text)),
            (std::vector<std::string>{"error: runc events line 1: event JSON: not valid JSON", "oom:b"}));
}

TEST(event_framer, crlf_line_ends) {
  const std::string text = oom_a + "\r\n" + oom_b + "\r\n";
  EXPECT_EQ(summary(frame_whole(text)), (std::vector<std::string>{"oom:a", "oom:b"}));
  // Split between '\r' and '\n'.
  event_framer f;
  std::vector<result<event>> out;
  f.feed(oom_a + "\r");
  drain(f, out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(f.has_partial());
  f.feed("\n");
  drain(f, out);
  EXPECT_EQ(summary(out), (std::vector<std::string>{"oom:a"}));
  EXPECT_FALSE(f.has_partial());
}

TEST(event_framer, blank_lines_are_skipped_but_counted) {
  const std::string text = "\n\n   \n\t\r\n\r\n" + oom_a + "\n\nbad\n";
  EXPECT_EQ(summary(frame_whole(text)),
            (std::vector<std::string>{"oom:a", "error: runc events line 8: event JSON: not valid JSON"}));
  EXPECT_TRUE(frame_whole("\n \n\r\n").empty());
  EXPECT_TRUE(frame_whole("").empty());
}

// has_line() is what event_stream reads by: no read while a line waits.
TEST(event_framer, has_line_while_a_complete_line_or_report_waits) {
  event_framer f(64);
  EXPECT_FALSE(f.has_line());
  f.feed(oom_a);
  EXPECT_FALSE(f.has_line());  // unterminated
  f.feed("\n\n");
  EXPECT_TRUE(f.has_line());
  ASSERT_TRUE(f.next());
  EXPECT_FALSE(f.has_line());  // the blank line is no item
  f.feed(std::string(100, 'x'));
  EXPECT_TRUE(f.has_line());  // an overlong line's report waits
  ASSERT_TRUE(f.next());
  EXPECT_FALSE(f.has_line());
}

TEST(event_framer, finish_frames_an_unterminated_last_line) {
  event_framer f;
  f.feed(oom_a + "\n" + oom_b);
  auto a = f.next();
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->id, "a");
  EXPECT_FALSE(f.next());  // "b" has no newline yet
  EXPECT_TRUE(f.has_partial());
  EXPECT_EQ(f.buffered_bytes(), oom_b.size());
  auto b = f.finish();
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->id, "b");
  EXPECT_FALSE(f.has_partial());
  EXPECT_FALSE(f.finish());
  EXPECT_FALSE(f.next());
}

TEST(event_framer, finish_reports_a_truncated_last_line) {
  event_framer f;
  f.feed(R"({"type":"stats","id":"t","data":{"cpu":)");
  EXPECT_FALSE(f.next());
  auto item = f.finish();
  ASSERT_TRUE(item);
  ASSERT_FALSE(*item);
  EXPECT_EQ(item->error().message(), "runc events line 1: event JSON: not valid JSON");
  EXPECT_FALSE(f.finish());
}

TEST(event_framer, finish_also_returns_lines_not_yet_pulled) {
  event_framer f;
  f.feed(oom_a + "\n" + oom_b + "\n" + oom_a);
  std::vector<result<event>> out;
  while (auto item = f.finish()) out.push_back(std::move(*item));
  EXPECT_EQ(summary(out), (std::vector<std::string>{"oom:a", "oom:b", "oom:a"}));
}

TEST(event_framer, an_endless_line_is_one_error_and_memory_stays_bounded) {
  constexpr std::size_t max_line = 4096;
  event_framer f(max_line);
  EXPECT_EQ(f.max_line(), max_line);
  std::vector<result<event>> out;
  const std::string chunk(65536, 'x');
  std::size_t peak = 0;
  for (int i = 0; i < 256; ++i) {  // 16 MiB without a newline
    f.feed(chunk);
    peak = std::max(peak, f.buffered_bytes());
    drain(f, out);
    EXPECT_TRUE(f.has_partial());
  }
  EXPECT_EQ(peak, 0u);  // nothing of the overlong line is kept
  ASSERT_EQ(out.size(), 1u);
  ASSERT_FALSE(out[0]);
  EXPECT_EQ(out[0].error().code(), errc::parse_error);
  EXPECT_EQ(out[0].error().message(), "runc events line 1 is longer than 4096 bytes; skipped it");

  // The rest of the long line (up to its newline) is dropped; the next line parses.
  f.feed("still the long line" + std::string("\n") + oom_a + "\n");
  drain(f, out);
  ASSERT_EQ(out.size(), 2u);
  ASSERT_TRUE(out[1]) << out[1].error().message();
  EXPECT_EQ(out[1]->id, "a");
  EXPECT_FALSE(f.finish());
}

TEST(event_framer, buffering_grows_to_max_line_only) {
  constexpr std::size_t max_line = 1000;
  event_framer f(max_line);
  std::vector<result<event>> out;
  for (int i = 0; i < 3000; ++i) {  // one byte at a time: the limit is hit exactly once
    f.feed("y");
    EXPECT_LE(f.buffered_bytes(), max_line + 1);
    drain(f, out);
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0]);
  EXPECT_FALSE(f.finish());  // already reported: nothing more at EOF
  EXPECT_FALSE(f.has_partial());
}

TEST(event_framer, overlong_lines_keep_their_place_in_the_stream) {
  // Nothing pulled between feeds: items still come out in stream order.
  event_framer f(64);
  f.feed(oom_a + "\n" + std::string(100, 'x') + "\n" + oom_b + "\n" + std::string(70, 'z'));
  f.feed(std::string(10, 'z') + "\n" + oom_a + "\n");
  std::vector<result<event>> out;
  drain(f, out);
  EXPECT_EQ(summary(out), (std::vector<std::string>{
                              "oom:a",
                              "error: runc events line 2 is longer than 64 bytes; skipped it",
                              "oom:b",
                              "error: runc events line 4 is longer than 64 bytes; skipped it",
                              "oom:a",
                          }));
}

TEST(event_framer, the_limit_is_exact_and_excludes_the_line_end) {
  // A valid event padded with blanks to exactly max_line bytes.
  constexpr std::size_t max_line = 64;
  const std::string exact = oom_a + std::string(max_line - oom_a.size(), ' ');
  ASSERT_EQ(exact.size(), max_line);
  for (const std::string end : {"\n", "\r\n"}) {
    auto items = frame(exact + end + exact + " " + end, {7}, max_line);
    EXPECT_EQ(summary(items),
              (std::vector<std::string>{"oom:a",
                                        "error: runc events line 2 is longer than 64 bytes; skipped it"}))
        << "line end " << (end.size() == 2 ? "CRLF" : "LF");
  }
  // The same at end of stream, without a line end.
  EXPECT_EQ(summary(frame(exact, {1}, max_line)), (std::vector<std::string>{"oom:a"}));
  EXPECT_EQ(summary(frame(exact + "\r", {1}, max_line)), (std::vector<std::string>{"oom:a"}));
  EXPECT_EQ(summary(frame(exact + " ", {1}, max_line)),
            (std::vector<std::string>{"error: runc events line 1 is longer than 64 bytes; skipped it"}));
}

TEST(event_framer, stats_events_carry_data_and_oom_events_do_not) {
  const std::string text =
      std::string(R"({"type":"stats","id":"w","data":{"memory":{"usage":{"failcnt":9}}}})") + "\n" + oom_a +
      "\n";
  const auto items = frame(text, {3});
  ASSERT_EQ(items.size(), 2u);
  ASSERT_TRUE(items[0] && items[1]);
  ASSERT_TRUE(items[0]->data);
  EXPECT_EQ(items[0]->data->memory->usage->failcnt, 9u);
  EXPECT_EQ(items[1]->kind(), event_type::oom);
  EXPECT_FALSE(items[1]->data);
}

// Framing without parsing: next_line() hands out the raw lines that next()
// would parse, with the same numbering, CR stripping and overlong handling.
TEST(event_framer, next_line_gives_the_raw_lines) {
  event_framer f(16);
  f.feed("not json\r\n\n  \n" + std::string(20, 'x') + "\n{\"type\":\"oom\"}\ntail\r");
  std::vector<event_framer::line> out;
  while (auto l = f.next_line()) out.push_back(std::move(*l));
  EXPECT_TRUE(f.has_partial());
  while (auto l = f.finish_line()) out.push_back(std::move(*l));
  EXPECT_EQ(out, (std::vector<event_framer::line>{
                     {"not json", 1, false},
                     {"", 4, true},
                     {"{\"type\":\"oom\"}", 5, false},
                     {"tail", 6, false},
                 }));
  EXPECT_FALSE(f.has_partial());
  EXPECT_EQ(f.buffered_bytes(), 0u);
}

TEST(event_framer, next_is_to_event_of_next_line_and_the_two_mix_in_order) {
  const std::string text = oom_a + "\nbad\n" + std::string(80, 'q') + "\n" + oom_b + "\n" + oom_a;
  event_framer parsed(64), raw(64);
  parsed.feed(text);
  raw.feed(text);
  std::vector<result<event>> via_next, via_lines;
  for (int i = 0; i < 5; ++i) {
    // Alternate next() and next_line() on one framer: nothing is skipped.
    auto l = raw.next_line();
    if (!l) l = raw.finish_line();
    ASSERT_TRUE(l) << "line " << i;
    via_lines.push_back(raw.to_event(*l));
    if (i % 2 == 0) {
      auto item = parsed.next();
      if (!item) item = parsed.finish();
      ASSERT_TRUE(item);
      via_next.push_back(std::move(*item));
    } else {
      auto other = parsed.next_line();
      ASSERT_TRUE(other);
      EXPECT_EQ(*other, *l);
      via_next.push_back(parsed.to_event(*other));
    }
  }
  EXPECT_FALSE(raw.finish_line());
  EXPECT_FALSE(parsed.finish());
  EXPECT_EQ(summary(via_next), summary(via_lines));
  EXPECT_EQ(summary(via_next), (std::vector<std::string>{
                                   "oom:a",
                                   "error: runc events line 2: event JSON: not valid JSON",
                                   "error: runc events line 3 is longer than 64 bytes; skipped it",
                                   "oom:b",
                                   "oom:a",
                               }));
}

// The shape fuzzers like: thousands of short lines, garbage among them, fed a
// byte at a time. Framing must match a whole feed line for line.
TEST(event_framer, many_short_lines_fed_a_byte_at_a_time) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += (i % 3 == 0) ? "x\n" : (i % 3 == 1) ? " \r\n" : oom_a + "\n";
  auto lines_of = [&](std::size_t piece) {
    event_framer f(32);
    std::vector<event_framer::line> out;
    for (std::size_t pos = 0; pos < text.size(); pos += piece) {
      f.feed(std::string_view(text).substr(pos, piece));
      while (auto l = f.next_line()) out.push_back(std::move(*l));
      EXPECT_LE(f.buffered_bytes(), f.max_line() + 1);
    }
    while (auto l = f.finish_line()) out.push_back(std::move(*l));
    return out;
  };
  const auto whole = lines_of(text.size());
  ASSERT_EQ(whole.size(), 2000u);  // blank lines skipped, but counted
  EXPECT_EQ(whole.back().number, 3000u);
  EXPECT_EQ(whole.back().text, oom_a);
  EXPECT_EQ(lines_of(1), whole);
}

}  // namespace
