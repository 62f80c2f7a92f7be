#include "stdio.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string_view>

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

// A process whose stdout fifo a client opened; the process wrote `unread` bytes
// into it and exited, then when_drained() was asked.
struct exited_process {
  fifo_dir d;
  unique_fd reader{::open((d.dir / "out").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  std::unique_ptr<ttrpc::loop> l = ttrpc::loop::create();
  process_stdio io;
  bool drained = false;

  explicit exited_process(std::string_view unread) {
    EXPECT_EQ(io.open(d.paths()), "");
    EXPECT_EQ(::write(io.runc_io()->child_fds().out, unread.data(), unread.size()),
              static_cast<ssize_t>(unread.size()));
    EXPECT_EQ(io.started(*l), "");
    io.when_drained([this] { drained = true; });
  }
  // Runs the loop until drained or `limit` passed; returns how long it took.
  std::chrono::milliseconds run(std::chrono::milliseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    while (!drained && std::chrono::steady_clock::now() - start < limit)
      l->run_once(std::chrono::milliseconds(10));
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  }
};

// ctr 1.6 closes its fifos once it has the exit status: the exit waits for the
// client to read what the container wrote.
TEST(ShimStdio, DrainedOnlyOnceTheClientReadTheFifo) {
  exited_process p("tail");
  p.run(std::chrono::milliseconds(300));
  EXPECT_FALSE(p.drained) << "reported while 4 bytes wait in the fifo";
  char buf[8];
  ASSERT_EQ(::read(p.reader.get(), buf, sizeof buf), 4);
  EXPECT_LT(p.run(std::chrono::seconds(5)), std::chrono::milliseconds(500));
  EXPECT_TRUE(p.drained);
}

TEST(ShimStdio, DrainedAtOnceWhenNothingIsUnread) {
  exited_process p("");
  EXPECT_TRUE(p.drained);
}

// A client that went away never reads: the exit is reported anyway, 2 s later.
TEST(ShimStdio, DrainGivesUpWhenNothingMovesFor2s) {
  exited_process p("x");
  const auto took = p.run(std::chrono::seconds(5));
  EXPECT_TRUE(p.drained);
  EXPECT_GE(took, std::chrono::milliseconds(1900));
}

TEST(ShimStdio, UnsupportedUriIsAnError) {
  process_stdio io;
  EXPECT_EQ(io.open({.in = "", .out = "binary:///usr/bin/logger", .err = "", .terminal = false}),
            "unsupported stdio URI binary:///usr/bin/logger (only fifo paths)");
}

}  // namespace
}  // namespace runcpp::shim
