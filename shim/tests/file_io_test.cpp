#include "file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <string>

#include "bundle.hpp"

namespace runcpp::shim {
namespace {

class ShimFileIo : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "runcpp-shim-file-io.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fds_ = open_fd_count();
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    EXPECT_EQ(open_fd_count(), fds_) << "an fd was left open";
  }
  static long open_fd_count() {
    const std::filesystem::directory_iterator it("/proc/self/fd");
    return std::distance(std::filesystem::begin(it), std::filesystem::end(it));
  }
  std::filesystem::path dir_;
  long fds_ = 0;
};

TEST_F(ShimFileIo, WriteFileTruncatesAndReadFileReadsItBack) {
  ASSERT_TRUE(write_file(dir_ / "f", "a longer first text\n"));
  ASSERT_TRUE(write_file(dir_ / "f", "second"));
  EXPECT_EQ(read_file(dir_ / "f"), "second");
  // 0644 less the umask: the owner can always read and write it.
  const auto perms = std::filesystem::status(dir_ / "f").permissions();
  EXPECT_NE(perms & std::filesystem::perms::owner_write, std::filesystem::perms::none);
  EXPECT_EQ(perms & std::filesystem::perms::owner_exec, std::filesystem::perms::none);
}

TEST_F(ShimFileIo, ReadFileStopsAtTheLimitAndFailsOnAMissingFile) {
  ASSERT_TRUE(write_file(dir_ / "big", std::string(10000, 'x')));
  EXPECT_EQ(read_file(dir_ / "big", 5000), std::string(5000, 'x'));
  EXPECT_EQ(read_file(dir_ / "big")->size(), 10000u);  // more than one read
  EXPECT_EQ(read_file(dir_ / "missing"), std::nullopt);
  EXPECT_FALSE(write_file(dir_ / "no-such-dir" / "f", "x"));
}

TEST_F(ShimFileIo, WriteAllWritesEverythingThroughAPipe) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  EXPECT_TRUE(write_all(p[1], "hello, pipe"));
  ::close(p[1]);
  char buf[64];
  const ssize_t n = ::read(p[0], buf, sizeof buf);
  ::close(p[0]);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "hello, pipe");
  EXPECT_FALSE(write_all(-1, "x"));
}

TEST_F(ShimFileIo, FirstLine) {
  EXPECT_EQ(first_line("a\nb\n"), "a");
  EXPECT_EQ(first_line("no newline"), "no newline");
  EXPECT_EQ(first_line(""), "");
}

TEST_F(ShimFileIo, RuntimeChoiceRoundTripsAndFallsBack) {
  const runtime_choice fallback{.command = "runc", .root = "/run/fallback"};
  EXPECT_EQ(read_runtime_choice(dir_, fallback).root, "/run/fallback");  // no file
  ASSERT_EQ(write_runtime_choice(dir_, {.command = "/usr/bin/crun", .root = "/run/x/ns"}), "");
  const runtime_choice c = read_runtime_choice(dir_, fallback);
  EXPECT_EQ(c.command, "/usr/bin/crun");
  EXPECT_EQ(c.root, "/run/x/ns");
  // An empty root is kept (a line of its own); a file of one line or an empty command is not valid.
  ASSERT_EQ(write_runtime_choice(dir_, {.command = "runc", .root = ""}), "");
  EXPECT_EQ(read_runtime_choice(dir_, fallback).root, "");
  ASSERT_TRUE(write_file(dir_ / "runcpp-runtime", "runc\n"));
  EXPECT_EQ(read_runtime_choice(dir_, fallback).root, "/run/fallback");
  ASSERT_TRUE(write_file(dir_ / "runcpp-runtime", "\n/root\n"));
  EXPECT_EQ(read_runtime_choice(dir_, fallback).command, "runc");
  EXPECT_EQ(read_runtime_choice(dir_, fallback).root, "/run/fallback");
  EXPECT_NE(write_runtime_choice(dir_ / "missing", {.command = "runc", .root = "/r"}), "");
}

}  // namespace
}  // namespace runcpp::shim
