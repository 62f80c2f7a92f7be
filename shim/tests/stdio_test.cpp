#include "stdio.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>

#include <runcpp/process_monitor.hpp>

#include "support/hygiene.hpp"

namespace runcpp::shim {
namespace {

const logger_identity who{"ctr-1", "ns-1"};

std::string open_stdio(process_stdio& io, const stdio_paths& paths, stdio_owner owner = {}) {
  return io.open(paths, *runcpp::make_pidfd_monitor(), who, owner);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `l` until `done` or 10 s.
void run_until(ttrpc::loop& l, const bool& done) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done && std::chrono::steady_clock::now() < limit) l.run_once(std::chrono::milliseconds(50));
}

struct temp_dir {
  std::filesystem::path dir;
  temp_dir() {
    char t[] = "/tmp/runcpp-shim-log-XXXXXX";
    dir = ::mkdtemp(t);
  }
  ~temp_dir() { std::filesystem::remove_all(dir); }
};

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
  ASSERT_EQ(open_stdio(io, d.paths()), "");
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
  ASSERT_EQ(open_stdio(io, d.paths()), "");
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
    EXPECT_EQ(open_stdio(io, d.paths()), "");
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
  ASSERT_EQ(open_stdio(io, d.paths(), {.uid = 4321, .gid = 8765}), "");
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
  ASSERT_EQ(open_stdio(io, d.paths()), "");
  const stdio_fds fds = io.runc_io()->child_fds();
  EXPECT_EQ(owner_uid(fds.out), 1111U);
  EXPECT_EQ(owner_uid(fds.in), 0U);  // the shim's own pipe: root's, as Go's
}

TEST(ShimStdio, UnknownSchemeAndTerminalWithUriAreErrors) {
  process_stdio io;
  EXPECT_EQ(open_stdio(io, {.in = "", .out = "syslog:///x", .err = "", .terminal = false}),
            "unknown STDIO scheme syslog");
  EXPECT_EQ(open_stdio(io, {.in = "", .out = "file:///tmp/x", .err = "", .terminal = true}),
            "a terminal with the stdio URI file:///tmp/x is not supported");
}

class ShimLogUriStdio : public runcpp::testing::hygiene_test {};

// file://: the directory and the file are created, stdout and stderr appended,
// and the output end is reported once both copies drained.
TEST_F(ShimLogUriStdio, FileGetsStdoutAndStderrAppended) {
  temp_dir t;
  const auto file = t.dir / "sub" / "dir" / "c.log";
  {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "before\n";
  }
  std::filesystem::remove_all(t.dir / "sub");  // created again by open()
  const std::string uri = "file://" + file.string();
  auto l = ttrpc::loop::create();
  process_stdio io;
  ASSERT_EQ(open_stdio(io, {.in = "", .out = uri, .err = uri, .terminal = false}), "");
  EXPECT_TRUE(io.waits_for_output());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);
  ASSERT_EQ(::stat(file.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755 & ~mask);
  stdio_fds fds = io.runc_io()->child_fds();
  EXPECT_LT(fds.in, 0);
  ASSERT_EQ(::write(fds.out, "out\n", 4), 4);
  // The container's copies: runc and the container hold them until they exit.
  unique_fd container_err(::fcntl(fds.err, F_DUPFD_CLOEXEC, 3));
  bool ended = false;
  ASSERT_EQ(io.started(*l), "");
  io.when_drained([&] { ended = true; });
  ASSERT_EQ(::write(container_err.get(), "err\n", 4), 4);
  l->run_once(std::chrono::milliseconds(100));
  EXPECT_FALSE(ended);  // stderr is still open
  container_err.reset();
  run_until(*l, ended);
  EXPECT_TRUE(ended);
  EXPECT_EQ(slurp(file), "out\nerr\n");
  bool released = false;
  io.release(*l, [&] { released = true; });
  EXPECT_TRUE(released);
}

TEST_F(ShimLogUriStdio, FileWithoutStderrCopiesStdoutOnly) {
  temp_dir t;
  const std::string uri = "file://" + (t.dir / "c.log").string();
  auto l = ttrpc::loop::create();
  process_stdio io;
  ASSERT_EQ(open_stdio(io, {.in = "", .out = uri, .err = "", .terminal = false}), "");
  stdio_fds fds = io.runc_io()->child_fds();
  EXPECT_LT(fds.err, 0);
  ASSERT_EQ(::write(fds.out, "only\n", 5), 5);
  bool ended = false;
  ASSERT_EQ(io.started(*l), "");
  io.when_drained([&] { ended = true; });
  run_until(*l, ended);
  EXPECT_EQ(slurp(t.dir / "c.log"), "only\n");
}

// binary://: a logging program with fds 3, 4, 5, CONTAINER_ID/NAMESPACE and the
// query as arguments; Delete (release) waits until it exited.
TEST_F(ShimLogUriStdio, BinaryLoggerGetsOutputEnvAndArgs) {
  temp_dir t;
  const auto script = t.dir / "logger.sh";
  std::ofstream(script) << "#!/bin/sh\n"
                           "trap '' TERM\n"
                           "d=$(dirname \"$0\")\n"
                           "echo \"$CONTAINER_ID $CONTAINER_NAMESPACE $# $*\" > \"$d/env\"\n"
                           "env | grep -vx 'PWD=.*' | sort > \"$d/envlist\"\n"
                           "exec 5>&-\n"
                           "cat <&3 > \"$d/out\" &\n"
                           "cat <&4 > \"$d/err\" &\n"
                           "exec 3<&- 4<&-\n"
                           "wait\n"
                           "echo done > \"$d/done\"\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  auto l = ttrpc::loop::create();
  process_stdio io;
  ASSERT_EQ(open_stdio(io, {.in = "",
                            .out = "binary://" + script.string() + "?mode=x&level=2",
                            .err = "",
                            .terminal = false}),
            "");
  stdio_fds fds = io.runc_io()->child_fds();
  EXPECT_LT(fds.in, 0);
  ASSERT_EQ(::write(fds.out, "to-out\n", 7), 7);
  ASSERT_EQ(::write(fds.err, "to-err\n", 7), 7);
  ASSERT_EQ(io.started(*l), "");
  // The program reads the pipes itself: the exit waits for no copy of the shim's.
  bool drained = false;
  io.when_drained([&] { drained = true; });
  EXPECT_TRUE(drained);
  bool released = false;
  io.release(*l, [&] { released = true; });
  EXPECT_FALSE(released);  // the logger still runs (it ignores SIGTERM until its copies end)
  run_until(*l, released);
  ASSERT_TRUE(released);
  EXPECT_EQ(slurp(t.dir / "done"), "done\n");
  EXPECT_EQ(slurp(t.dir / "env"), "ctr-1 ns-1 4 mode x level 2\n");
  EXPECT_EQ(slurp(t.dir / "envlist"), "CONTAINER_ID=ctr-1\nCONTAINER_NAMESPACE=ns-1\n");
  EXPECT_EQ(slurp(t.dir / "out"), "to-out\n");
  EXPECT_EQ(slurp(t.dir / "err"), "to-err\n");
  EXPECT_EQ(l->fd_count(), 0u);
  EXPECT_EQ(l->timer_count(), 0u);
}

TEST_F(ShimLogUriStdio, BinaryThatCannotStartFailsAndOneThatExitsCountsAsReady) {
  process_stdio missing;
  EXPECT_TRUE(
      open_stdio(missing, {.in = "", .out = "binary:///nonexistent/logger", .err = "", .terminal = false})
          .starts_with("failed to start binary process: "));
  process_stdio quitter;  // as the Go shim: EOF on the readiness pipe means ready
  EXPECT_EQ(open_stdio(quitter, {.in = "", .out = "binary:///bin/false", .err = "", .terminal = false}), "");
  auto l = ttrpc::loop::create();
  bool released = false;
  quitter.release(*l, [&] { released = true; });
  run_until(*l, released);
  EXPECT_TRUE(released);
}

}  // namespace
}  // namespace runcpp::shim
