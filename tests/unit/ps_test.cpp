// parse_ps_output (the ps(1) table of `runc ps <id> [ps args]`) and
// parse_ps_json (`runc ps --format json <id>`), on output captured from runc
// 1.1.5 and crun 1.8.1 (tests/data) and on go-runc's known crash cases.

#include <runcpp/ps.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace {

using runcpp::errc;
using row = std::vector<std::string>;

std::string fixture(const std::string& rel) {
  const std::string path = std::string(RUNCPP_TEST_DATA_DIR) + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(parse_ps_output, runc_default_ef_table) {
  auto t = runcpp::parse_ps_output(fixture("runc-1.1.5/ps-table.txt"));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->headers, (row{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}));
  ASSERT_EQ(t->processes.size(), 2u);
  EXPECT_EQ(t->processes[0], (row{"root", "3610", "1", "0", "13:19", "?", "00:00:00", "sleep 1000"}));
  EXPECT_EQ(t->processes[1], (row{"root", "3761", "1", "0", "13:19", "?", "00:00:00", "sleep 2000"}));
}

TEST(parse_ps_output, runc_o_pid_comm) {
  auto t = runcpp::parse_ps_output(fixture("runc-1.1.5/ps-table-o-pid-comm.txt"));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->headers, (row{"PID", "COMMAND"}));
  EXPECT_EQ(t->processes, (std::vector<row>{{"3610", "sleep"}, {"3761", "sleep"}}));
}

TEST(parse_ps_output, runc_o_pid_args_keeps_the_command_words) {
  auto t = runcpp::parse_ps_output(fixture("runc-1.1.5/ps-table-o-pid-args.txt"));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->headers, (row{"PID", "COMMAND"}));
  EXPECT_EQ(t->processes, (std::vector<row>{{"3610", "sleep 1000"}, {"3761", "sleep 2000"}}));
}

TEST(parse_ps_output, runc_threads_table) {
  // `runc ps <id> -L` on a container still in runc init: one row per thread.
  auto t = runcpp::parse_ps_output(fixture("runc-1.1.5/ps-table-threads.txt"));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->headers, (row{"PID", "LWP", "TTY", "TIME", "CMD"}));
  ASSERT_EQ(t->processes.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(t->processes[i][0], "3715");
    EXPECT_EQ(t->processes[i][1], std::to_string(3715 + i));
    EXPECT_EQ(t->processes[i][4], "runc:[2:INIT]");
  }
}

TEST(parse_ps_output, crun_table_has_only_pids) {
  auto t = runcpp::parse_ps_output(fixture("crun-1.8.1/ps-table.txt"));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->headers, row{"PID"});
  EXPECT_EQ(t->processes, (std::vector<row>{{"4183"}, {"4269"}}));
}

TEST(parse_ps_output, go_runc_example_last_column_keeps_words) {
  auto t = runcpp::parse_ps_output(
      "UID PID PPID C STIME TTY TIME CMD\nroot 1234 1000 0 10:00 ? 00:00:00 sleep 100 --flag\n");
  ASSERT_TRUE(t) << t.error().message();
  ASSERT_EQ(t->processes.size(), 1u);
  EXPECT_EQ(t->processes[0].back(), "sleep 100 --flag");
  EXPECT_EQ(t->processes[0].size(), 8u);
}

TEST(parse_ps_output, runs_of_blanks_in_the_last_column_fold_to_one_space) {
  auto t = runcpp::parse_ps_output("PID CMD\n 7   sh  -c\t\t'echo  hi'   \n");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->processes, (std::vector<row>{{"7", "sh -c 'echo hi'"}}));
}

TEST(parse_ps_output, placeholder_rows_with_a_dash_pid_are_skipped) {
  // ps -m prints thread rows under each process with "-" as their PID.
  auto t = runcpp::parse_ps_output(
      "  PID   TID COMMAND\n 3715     - runc:[2:INIT]\n    -  3715 -\n    -  3716 -\n 3800     - sh\n");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->processes, (std::vector<row>{{"3715", "-", "runc:[2:INIT]"}, {"3800", "-", "sh"}}));
}

TEST(parse_ps_output, dash_rows_are_skipped_even_when_short) {
  auto t = runcpp::parse_ps_output("UID PID CMD\nroot -\n");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_TRUE(t->processes.empty());
}

TEST(parse_ps_output, crlf_line_ends) {
  auto t = runcpp::parse_ps_output("  PID COMMAND\r\n 3610 sleep\r\n 3761 sleep 2\r\n");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->headers, (row{"PID", "COMMAND"}));
  EXPECT_EQ(t->processes, (std::vector<row>{{"3610", "sleep"}, {"3761", "sleep 2"}}));
}

TEST(parse_ps_output, empty_input) {
  auto t = runcpp::parse_ps_output("");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_TRUE(t->headers.empty());
  EXPECT_TRUE(t->processes.empty());
}

TEST(parse_ps_output, blank_lines_are_ignored) {
  auto t = runcpp::parse_ps_output("PID CMD\n\n \t\n\r\n1 init\n\n");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->processes, (std::vector<row>{{"1", "init"}}));
}

TEST(parse_ps_output, header_without_rows_needs_no_pid_column) {
  auto t = runcpp::parse_ps_output("USER COMMAND\n");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->headers, (row{"USER", "COMMAND"}));
  EXPECT_TRUE(t->processes.empty());
}

TEST(parse_ps_output, no_trailing_newline) {
  auto t = runcpp::parse_ps_output("PID CMD\n42 top");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->processes, (std::vector<row>{{"42", "top"}}));
}

TEST(parse_ps_output, the_last_pid_header_is_the_pid_column) {
  // "-" in the second PID column skips the row; in the first it does not.
  auto t = runcpp::parse_ps_output("PID X PID CMD\n- a 5 x\n1 b - y\n");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->processes, (std::vector<row>{{"-", "a", "5", "x"}}));
}

TEST(parse_ps_output, rows_without_a_pid_column_are_an_error) {
  // go-runc panics here (index -1).
  auto t = runcpp::parse_ps_output("USER COMMAND\nroot sleep 1\n");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), errc::parse_error);
  EXPECT_NE(t.error().message().find("PID"), std::string::npos) << t.error().message();

  auto lowercase = runcpp::parse_ps_output("pid cmd\n1 init\n");
  ASSERT_FALSE(lowercase);
  EXPECT_EQ(lowercase.error().code(), errc::parse_error);
}

TEST(parse_ps_output, short_rows_are_an_error) {
  // go-runc panics on a row shorter than headers-1 (slice bounds).
  auto t = runcpp::parse_ps_output("UID PID PPID C STIME TTY TIME CMD\nroot 1234 1000\n");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), errc::parse_error);
  EXPECT_NE(t.error().message().find("line 2"), std::string::npos) << t.error().message();

  // One column short: the command column would be empty.
  auto one_short = runcpp::parse_ps_output("PID TTY CMD\n1 ?\n");
  ASSERT_FALSE(one_short);
  EXPECT_EQ(one_short.error().code(), errc::parse_error);

  // The PID column itself missing from the row.
  auto no_pid = runcpp::parse_ps_output("UID PID CMD\nroot\n");
  ASSERT_FALSE(no_pid);
  EXPECT_EQ(no_pid.error().code(), errc::parse_error);

  // A short row after good ones still fails the whole parse.
  auto later = runcpp::parse_ps_output("PID CMD\n1 init\n2 sh\n3\n");
  ASSERT_FALSE(later);
  EXPECT_NE(later.error().message().find("line 4"), std::string::npos) << later.error().message();
}

TEST(parse_ps_output, every_ascii_blank_separates_fields) {
  auto t = runcpp::parse_ps_output("PID\tTTY\vCMD\f\n1\t?\vsh\f-c\n");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->headers, (row{"PID", "TTY", "CMD"}));
  EXPECT_EQ(t->processes, (std::vector<row>{{"1", "?", "sh -c"}}));
}

// A cheap stand-in for the fuzzer: every input either parses into rectangular
// rows or is a parse_error; nothing crashes.
TEST(parse_ps_output, random_inputs_give_rectangular_rows_or_errors) {
  std::uint32_t state = 12345;
  auto next = [&state]() {
    state = state * 1664525u + 1013904223u;
    return state >> 24;
  };
  const char alphabet[] = {'P', 'I', 'D', ' ', '\n', '\r', '-', '1', 'x', '\t', '\0'};
  for (int i = 0; i < 3000; ++i) {
    std::string in;
    const auto len = next() % 64;
    for (std::uint32_t k = 0; k < len; ++k) in += alphabet[next() % sizeof alphabet];
    if (i % 3 == 0) in.insert(0, "PID CMD\n");
    auto t = runcpp::parse_ps_output(in);
    if (!t) {
      EXPECT_EQ(t.error().code(), errc::parse_error);
      continue;
    }
    for (const auto& r : t->processes) EXPECT_EQ(r.size(), t->headers.size()) << in;
  }
}

TEST(parse_ps_json, real_output) {
  auto runc = runcpp::parse_ps_json(fixture("runc-1.1.5/ps.json"));
  ASSERT_TRUE(runc) << runc.error().message();
  EXPECT_EQ(*runc, (std::vector<int>{3610, 3761}));
  auto crun = runcpp::parse_ps_json(fixture("crun-1.8.1/ps.json"));  // indented, one pid a line
  ASSERT_TRUE(crun) << crun.error().message();
  EXPECT_EQ(*crun, (std::vector<int>{4183, 4269}));
}

TEST(parse_ps_json, null_and_empty) {
  auto n = runcpp::parse_ps_json("null\n");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_TRUE(n->empty());
  auto e = runcpp::parse_ps_json("[]");
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_TRUE(e->empty());
}

TEST(parse_ps_json, int_limits) {
  auto max = runcpp::parse_ps_json("[1,2147483647]");
  ASSERT_TRUE(max) << max.error().message();
  EXPECT_EQ(*max, (std::vector<int>{1, 2147483647}));
}

TEST(parse_ps_json, non_pids_are_parse_errors) {
  for (const char* bad : {"", "[", "[1,", "{\"pids\":[1]}", "1", "\"1\"", "[1.5]", "[1e3]", "[\"1\"]",
                          "[null]", "[true]", "[[1]]", "[0]", "[-1]", "[2147483648]",
                          "[18446744073709551616]", "[-9223372036854775809]", "[1] [2]"}) {
    auto r = runcpp::parse_ps_json(bad);
    ASSERT_FALSE(r) << "accepted: " << bad;
    EXPECT_EQ(r.error().code(), errc::parse_error) << bad;
  }
}

TEST(parse_ps_json, a_nul_byte_or_a_minus_zero_is_refused) {
  for (const std::string_view bad : {std::string_view("[1]\0", 4), std::string_view("[1,\0 2]", 7),
                                     std::string_view("[-0]"), std::string_view("[1.0]")}) {
    auto r = runcpp::parse_ps_json(bad);
    ASSERT_FALSE(r) << "accepted: " << bad;
    EXPECT_EQ(r.error().code(), errc::parse_error) << bad;
  }
}

TEST(parse_ps_json, error_names_the_element) {
  auto r = runcpp::parse_ps_json("[10,20,\"x\"]");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("element 2"), std::string::npos) << r.error().message();
}

}  // namespace
