#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>
#include <system_error>

#include <runcpp/client.hpp>
#include <runcpp/error.hpp>
#include <runcpp/result.hpp>

namespace runcpp {
namespace {

using ::testing::HasSubstr;

TEST(exit_status, exited_and_signaled_are_never_conflated) {
  auto e = exit_status::exited(137);
  auto s = exit_status::signaled(SIGKILL);
  EXPECT_TRUE(e.is_exited());
  EXPECT_FALSE(e.is_signaled());
  EXPECT_TRUE(s.is_signaled());
  EXPECT_NE(e, s);
  EXPECT_EQ(e.go_status(), 137);
  EXPECT_EQ(s.go_status(), 137);
  EXPECT_EQ(s.signal(), SIGKILL);
  EXPECT_EQ(s.code(), 0);
  EXPECT_EQ(e.to_string(), "exit status 137");
  EXPECT_EQ(s.to_string(), "killed by signal 9 (SIGKILL)");
}

TEST(exit_status, from_wait_status) {
  EXPECT_EQ(exit_status::from_wait_status(3 << 8), exit_status::exited(3));
  EXPECT_EQ(exit_status::from_wait_status(SIGTERM), exit_status::signaled(SIGTERM));
  EXPECT_TRUE(exit_status::from_wait_status(SIGSEGV | 0x80).core_dumped());
}

TEST(error, code_is_a_std_error_code) {
  error e(errc::not_found, "container does not exist");
  std::error_code ec = e.code();
  EXPECT_EQ(ec.category().name(), std::string("runcpp"));
  EXPECT_EQ(ec.message(), "not_found");
  EXPECT_TRUE(ec == errc::not_found);
}

TEST(error, message_is_one_line) {
  error e(errc::command_failed, "first\nsecond\n");
  EXPECT_EQ(e.message(), "first second");
}

TEST(error, to_string_names_the_subcommand_status_and_code) {
  auto e = error(errc::not_found, "container does not exist")
               .with_argv({"runc", "--root", "/r", "--log", "/l", "state", "x"})
               .with_exit(exit_status::exited(1));
  EXPECT_EQ(e.to_string(), "runc state: container does not exist [not_found, exit status 1]");
  std::ostringstream os;
  os << e;
  EXPECT_EQ(os.str(), e.to_string());
}

TEST(result, value_and_error_sides) {
  result<int> ok = 5;
  result<int> bad = error(errc::timeout, "slow");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 5);
  EXPECT_EQ(ok.value_or(7), 5);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.value_or(7), 7);
  EXPECT_EQ(bad.error().code(), errc::timeout);
  EXPECT_THROW((void)bad.value(), bad_result_access);
  try {
    (void)bad.value();
  } catch (const bad_result_access& ex) {
    EXPECT_EQ(ex.error().code(), errc::timeout);
    EXPECT_THAT(ex.what(), HasSubstr("slow"));
  }
}

TEST(result, monadic_operations) {
  result<int> ok = 2;
  auto doubled = ok.transform([](int v) { return v * 2; });
  ASSERT_TRUE(doubled);
  EXPECT_EQ(*doubled, 4);
  auto chained = ok.and_then([](int v) -> result<std::string> { return std::to_string(v); });
  EXPECT_EQ(*chained, "2");
  result<int> bad = error(errc::io_error, "x");
  EXPECT_EQ(bad.and_then([](int) -> result<int> { return 1; }).error().code(), errc::io_error);
  EXPECT_EQ(*bad.or_else([](const error&) -> result<int> { return 9; }), 9);
  auto mapped = bad.transform_error([](const error& e) { return error(errc::cancelled, e.message()); });
  EXPECT_EQ(mapped.error().code(), errc::cancelled);
}

TEST(result, void_specialisation) {
  result<void> ok;
  result<void> bad = error(errc::paused, "p");
  EXPECT_TRUE(ok);
  EXPECT_NO_THROW(ok.value());
  EXPECT_FALSE(bad);
  EXPECT_THROW(bad.value(), bad_result_access);
  int calls = 0;
  auto r = ok.and_then([&]() -> result<int> {
    ++calls;
    return 1;
  });
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(calls, 1);
}

TEST(validate_container_id, runc_rules) {
  for (const char* good : {"a", "web-1", "A_b.c+d", "0", "x..y"})
    EXPECT_TRUE(validate_container_id(good)) << good;
  for (const char* bad : {"", ".", "..", "-rm", "--force", "a/b", "a b", "a\nb", "ä", "a:b"}) {
    auto r = validate_container_id(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), errc::invalid_argument);
  }
}

TEST(validate_container_id, the_message_shows_a_refused_id_escaped_and_short) {
  auto nul = validate_container_id(std::string_view("a\0b\n\x1b[2J\"\\", 10));
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().message(),
            "invalid container id \"a\\x00b\\x0a\\x1b[2J\\x22\\x5c\": only [A-Za-z0-9_+.-] are allowed");
  auto long_id = validate_container_id(std::string(2000, 'a'));
  ASSERT_FALSE(long_id);
  EXPECT_EQ(long_id.error().message(),
            "invalid container id \"" + std::string(64, 'a') + "...\": longer than 1024 bytes");
}

}  // namespace
}  // namespace runcpp
