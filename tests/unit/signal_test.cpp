// parse_signal / signal_name: names with and without SIG, any case, decimal
// numbers, real-time offsets, and agreement with the C library's own table.

#include <runcpp/signal.hpp>

#include <csignal>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace {

using runcpp::errc;

struct named {
  const char* text;
  int number;
};

TEST(parse_signal, names_in_any_case_with_or_without_sig) {
  const named cases[] = {
      {"SIGKILL", 9},
      {"KILL", 9},
      {"kill", 9},
      {"sigkill", 9},
      {"SigKill", 9},
      {"SIGTERM", 15},
      {"term", 15},
      {"SIGHUP", 1},
      {"INT", 2},
      {"SIGQUIT", 3},
      {"SIGUSR1", 10},
      {"usr2", 12},
      {"SIGSEGV", 11},
      {"SIGPIPE", 13},
      {"SIGALRM", 14},
      {"SIGCHLD", 17},
      {"SIGCONT", 18},
      {"SIGSTOP", 19},
      {"SIGTSTP", 20},
      {"SIGWINCH", 28},
      {"SIGSYS", 31},
      {"SIGSTKFLT", 16},
      {"SIGPWR", 30},
      {"SIGURG", 23},
      {"SIGVTALRM", 26},
      // Aliases.
      {"SIGIOT", 6},
      {"SIGABRT", 6},
      {"SIGCLD", 17},
      {"SIGPOLL", 29},
      {"SIGIO", 29},
  };
  for (const auto& c : cases) {
    auto r = runcpp::parse_signal(c.text);
    ASSERT_TRUE(r) << c.text << ": " << r.error().message();
    EXPECT_EQ(*r, c.number) << c.text;
  }
}

TEST(parse_signal, decimal_numbers_1_to_64) {
  for (int n = 1; n <= 64; ++n) {
    auto r = runcpp::parse_signal(std::to_string(n));
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(*r, n);
  }
  auto padded = runcpp::parse_signal("09");
  ASSERT_TRUE(padded);
  EXPECT_EQ(*padded, 9);
}

TEST(parse_signal, real_time_signals_use_the_userspace_numbering) {
  const named cases[] = {
      {"SIGRTMIN", 34},   {"RTMIN", 34},    {"sigrtmin", 34},    {"SIGRTMIN+0", 34}, {"SIGRTMIN+1", 35},
      {"RTMIN+3", 37},    {"rtmin+15", 49}, {"SIGRTMIN+30", 64}, {"SIGRTMAX", 64},   {"RTMAX", 64},
      {"SIGRTMAX-1", 63}, {"rtmax-14", 50}, {"SIGRTMAX-30", 34}, {"SIGRTMAX-0", 64},
  };
  for (const auto& c : cases) {
    auto r = runcpp::parse_signal(c.text);
    ASSERT_TRUE(r) << c.text << ": " << r.error().message();
    EXPECT_EQ(*r, c.number) << c.text;
  }
}

TEST(parse_signal, invalid_names_and_numbers) {
  for (const char* bad : {"",           "0",          "65",        "100",         "-9",
                          "+9",         " 9",         "9 ",        "9x",          "99999999999999999999",
                          "SIG",        "S",          "SIGFOO",    "KILLX",       "SIGSIGKILL",
                          "SIG KILL",   "SIG_KILL",   "SIGKILL\n", "SIGRTMIN+31", "SIGRTMAX-31",
                          "SIGRTMIN-1", "SIGRTMAX+1", "RTMIN+",    "RTMAX-",      "RTMIN+-1",
                          "RTMIN++1",   "RTMIN+ 1",   "RTMIN+1x",  "RTMIN+00001", "RTMINUS",
                          "SIGRT",      "SIGUNUSED",  "\xff\xfe"}) {
    auto r = runcpp::parse_signal(bad);
    ASSERT_FALSE(r) << "accepted: " << bad;
    EXPECT_EQ(r.error().code(), errc::invalid_argument) << bad;
    EXPECT_EQ(r.error().message().find('\n'), std::string::npos) << r.error().message();
  }
}

TEST(parse_signal, error_quotes_the_input) {
  auto r = runcpp::parse_signal("SIGFOO");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("\"SIGFOO\""), std::string::npos) << r.error().message();
}

TEST(signal_name, canonical_names) {
  EXPECT_EQ(runcpp::signal_name(9), "SIGKILL");
  EXPECT_EQ(runcpp::signal_name(15), "SIGTERM");
  EXPECT_EQ(runcpp::signal_name(6), "SIGABRT");   // not SIGIOT
  EXPECT_EQ(runcpp::signal_name(17), "SIGCHLD");  // not SIGCLD
  EXPECT_EQ(runcpp::signal_name(29), "SIGIO");    // not SIGPOLL
  EXPECT_EQ(runcpp::signal_name(34), "SIGRTMIN");
  EXPECT_EQ(runcpp::signal_name(35), "SIGRTMIN+1");
  EXPECT_EQ(runcpp::signal_name(49), "SIGRTMIN+15");
  EXPECT_EQ(runcpp::signal_name(50), "SIGRTMAX-14");
  EXPECT_EQ(runcpp::signal_name(63), "SIGRTMAX-1");
  EXPECT_EQ(runcpp::signal_name(64), "SIGRTMAX");
}

TEST(signal_name, unknown_numbers_give_an_empty_name) {
  for (int n : {0, -1, 32, 33, 65, 1000, -2147483647 - 1, 2147483647})
    EXPECT_EQ(runcpp::signal_name(n), "") << n;
}

TEST(signal_name, every_name_parses_back_to_its_number) {
  int named_count = 0;
  for (int n = 1; n <= 64; ++n) {
    const auto name = runcpp::signal_name(n);
    if (name.empty()) continue;
    ++named_count;
    auto r = runcpp::parse_signal(name);
    ASSERT_TRUE(r) << name;
    EXPECT_EQ(*r, n) << name;
  }
  EXPECT_EQ(named_count, 31 + 31);  // 1..31 and 34..64
}

TEST(signal_name, agrees_with_the_c_library) {
  // The macros are the C library's numbers for this architecture.
  EXPECT_EQ(runcpp::signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(runcpp::signal_name(SIGUSR1), "SIGUSR1");
  EXPECT_EQ(runcpp::signal_name(SIGCHLD), "SIGCHLD");
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
  // glibc's own abbreviations (sigabbrev_np, glibc 2.32+) for every classic signal.
  for (int n = 1; n < 32; ++n) {
    const char* abbrev = ::sigabbrev_np(n);
    ASSERT_NE(abbrev, nullptr) << n;
    const std::string glibc_name = "SIG" + std::string(abbrev);
    auto parsed = runcpp::parse_signal(glibc_name);
    ASSERT_TRUE(parsed) << glibc_name;
    EXPECT_EQ(*parsed, n) << glibc_name;
    // glibc calls 29 SIGPOLL; runc (Go's x/sys/unix table) and kill(1) say SIGIO.
    if (n == SIGIO)
      EXPECT_EQ(runcpp::signal_name(n), "SIGIO");
    else
      EXPECT_EQ(runcpp::signal_name(n), glibc_name) << n;
  }
#endif
  // The documented real-time range is what the C library reports at run time.
  EXPECT_EQ(SIGRTMIN, 34);
  EXPECT_EQ(SIGRTMAX, 64);
}

}  // namespace
