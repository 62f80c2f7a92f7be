#include "stdio.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

namespace runcpp::shim {
namespace {

// A client's fifo set, as ctr creates it, in a private directory.
struct fifo_dir {
  std::filesystem::path dir;
  fifo_dir() {
    char t[] = "/tmp/runcpp-shim-fifo-XXXXXX";
    dir = ::mkdtemp(t);
    for (const char* n : {"in", "out", "err"}) ::mkfifo((dir / n).c_str(), 0600);
  }
  ~fifo_dir() { std::filesystem::remove_all(dir); }
  stdio_paths paths() const {
    return {(dir / "in").string(), (dir / "out").string(), (dir / "err").string(), false};
  }
};

TEST(ShimStdio, ContainerWritesStraightIntoTheFifo) {
  fifo_dir d;
  unique_fd reader(::open((d.dir / "out").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  process_stdio io;
  ASSERT_EQ(io.open(d.paths()), "");
  stdio_fds fds = io.runc_io()->child_fds();
  ASSERT_GE(fds.out, 0);
  ASSERT_EQ(::write(fds.out, "x", 1), 1);
  char c = 0;
  EXPECT_EQ(::read(reader.get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');
  // The container's end is blocking: a container does not expect EAGAIN on stdout.
  EXPECT_EQ(::fcntl(fds.out, F_GETFL) & O_NONBLOCK, 0);
}

TEST(ShimStdio, CloseAfterAFailedStartGivesTheClientEof) {
  fifo_dir d;
  unique_fd reader(::open((d.dir / "out").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  process_stdio io;
  ASSERT_EQ(io.open(d.paths()), "");
  char c = 0;
  EXPECT_EQ(::read(reader.get(), &c, 1), -1);  // a writer is open: no EOF yet
  EXPECT_EQ(errno, EAGAIN);
  io.close();  // runc exec failed: ctr must not wait for output forever
  EXPECT_EQ(::read(reader.get(), &c, 1), 0);
}

unsigned owner_uid(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_uid : ~0U;
}
unsigned owner_gid(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_gid : ~0U;
}

// Options.io_uid/io_gid: the container may reopen its stdio as that user.
TEST(ShimStdio, IoOwnerOwnsWhatTheContainerGets) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  fifo_dir d;
  unique_fd reader(::open((d.dir / "out").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  process_stdio io;
  ASSERT_EQ(io.open(d.paths(), {.uid = 4321, .gid = 8765}), "");
  const stdio_fds fds = io.runc_io()->child_fds();
  for (int fd : {fds.in, fds.out, fds.err}) {
    EXPECT_EQ(owner_uid(fd), 4321U) << "fd " << fd;
    EXPECT_EQ(owner_gid(fd), 8765U) << "fd " << fd;
  }
}

TEST(ShimStdio, WithoutIoOwnerTheClientsFifosKeepTheirOwner) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  fifo_dir d;
  ASSERT_EQ(::chown((d.dir / "out").c_str(), 1111, 2222), 0);
  unique_fd reader(::open((d.dir / "out").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  process_stdio io;
  ASSERT_EQ(io.open(d.paths()), "");
  const stdio_fds fds = io.runc_io()->child_fds();
  EXPECT_EQ(owner_uid(fds.out), 1111U);
  EXPECT_EQ(owner_uid(fds.in), 0U);  // the shim's own pipe: root's, as Go's
}

TEST(ShimStdio, UnsupportedUriIsAnError) {
  process_stdio io;
  EXPECT_EQ(io.open({.in = "", .out = "binary:///usr/bin/logger", .err = "", .terminal = false}),
            "unsupported stdio URI binary:///usr/bin/logger (only fifo paths)");
}

}  // namespace
}  // namespace runcpp::shim
