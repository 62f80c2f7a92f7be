// parse_pid / read_pid_file. runc writes the pid with no newline; go-runc's
// ReadPidFile rejects "123\n", runcpp accepts one trailing LF or CRLF.

#include <runcpp/pid_file.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

#include <gtest/gtest.h>

namespace {

using runcpp::errc;
namespace fs = std::filesystem;

TEST(parse_pid, accepts_decimal_with_at_most_one_line_end) {
  struct ok_case {
    const char* text;
    int pid;
  };
  const ok_case cases[] = {
      {"123", 123}, {"123\n", 123},   {"123\r\n", 123}, {"1", 1}, {"2147483647", 2147483647},
      {"007", 7},   {"14621", 14621},
  };
  for (const auto& c : cases) {
    auto r = runcpp::parse_pid(c.text);
    ASSERT_TRUE(r) << c.text << ": " << r.error().message();
    EXPECT_EQ(*r, c.pid) << c.text;
  }
}

TEST(parse_pid, rejects_everything_else) {
  for (const char* bad :
       {"",     "\n",          "\r\n",       "abc",  "-5",  "+5",      "0",    "00",
        "0\n",  "99999999999", "2147483648", " 12",  "12 ", "12\n\n",  "12\r", "12\n\r",
        "\r12", "1 2",         "12abc",      "0x10", "1e3", "\xd9\xa1" /* Arabic-Indic digit one */}) {
    auto r = runcpp::parse_pid(bad);
    ASSERT_FALSE(r) << "accepted: " << bad;
    EXPECT_EQ(r.error().code(), errc::parse_error) << bad;
  }
}

TEST(parse_pid, embedded_nul_is_rejected) {
  using namespace std::string_view_literals;
  EXPECT_FALSE(runcpp::parse_pid("12\0"sv));
  EXPECT_FALSE(runcpp::parse_pid("1\0002"sv));
}

class read_pid_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("runcpp-pid-file-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& name, const std::string& content) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  fs::path dir_;
};

TEST_F(read_pid_file_test, reads_runc_style_and_newline_terminated_files) {
  auto plain = runcpp::read_pid_file(write("plain", "14621"));  // what runc writes
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(*plain, 14621);
  auto lf = runcpp::read_pid_file(write("lf", "123\n"));
  ASSERT_TRUE(lf) << lf.error().message();
  EXPECT_EQ(*lf, 123);
  auto crlf = runcpp::read_pid_file(write("crlf", "123\r\n"));
  ASSERT_TRUE(crlf) << crlf.error().message();
  EXPECT_EQ(*crlf, 123);
}

TEST_F(read_pid_file_test, bad_content_is_a_parse_error_naming_the_file) {
  for (const char* content : {"", "abc", "-5", "0", "99999999999", " 12"}) {
    const auto p = write("bad", content);
    auto r = runcpp::read_pid_file(p);
    ASSERT_FALSE(r) << "accepted: " << content;
    EXPECT_EQ(r.error().code(), errc::parse_error) << content;
    EXPECT_NE(r.error().message().find(p.string()), std::string::npos) << r.error().message();
  }
}

TEST_F(read_pid_file_test, oversized_file_is_a_parse_error) {
  auto r = runcpp::read_pid_file(write("big", std::string(1 << 20, '1')));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::parse_error);
  // Exactly at the cap still reads (and then fails as a number, not as a size).
  auto at_cap = runcpp::read_pid_file(write("cap", "1" + std::string(62, ' ') + "\n"));
  ASSERT_FALSE(at_cap);
  EXPECT_EQ(at_cap.error().message().find("longer"), std::string::npos) << at_cap.error().message();
}

TEST_F(read_pid_file_test, missing_file_is_an_io_error_with_errno) {
  const auto p = dir_ / "does-not-exist";
  auto r = runcpp::read_pid_file(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::io_error);
  EXPECT_EQ(r.error().cause(), std::error_code(ENOENT, std::generic_category()));
  EXPECT_TRUE(r.error().cause() == std::errc::no_such_file_or_directory);
  EXPECT_NE(r.error().message().find(p.string()), std::string::npos) << r.error().message();
}

TEST_F(read_pid_file_test, directory_is_an_io_error) {
  auto r = runcpp::read_pid_file(dir_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::io_error);
  EXPECT_EQ(r.error().cause(), std::error_code(EISDIR, std::generic_category()));
}

TEST_F(read_pid_file_test, unreadable_path_component_is_an_io_error) {
  const auto file = write("plain", "1");
  auto r = runcpp::read_pid_file(file / "child");  // a file used as a directory
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::io_error);
  EXPECT_EQ(r.error().cause(), std::error_code(ENOTDIR, std::generic_category()));
}

}  // namespace
