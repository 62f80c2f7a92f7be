// The real runc 1.1.5 and crun 1.8.1 with a busybox bundle: what the
// container's stdio, extra fds and terminals look like through runcpp (pid
// files, pipe_io, exec with pipes and with a console socket, --preserve-fds,
// update, checkpoint/restore). Needs root; skips with a printed reason when the
// runtime or busybox-static is missing, and checkpoint/restore skips when
// `criu check` fails on this kernel.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <runcpp/runcpp.hpp>
#include <runcpp/socket.hpp>
#include <runcpp/spec.hpp>

#include "runc/runc_fixture.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using testing::has_line;
using ::testing::HasSubstr;
using testing::read_until;
using testing::write_all;

class runc_io : public testing::runc_fixture {};

constexpr std::int64_t mib = 1024 * 1024;

// A pipe whose two ends close themselves.
struct test_pipe {
  unique_fd read, write;
  static test_pipe make() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return {};
    return {unique_fd(fds[0]), unique_fd(fds[1])};
  }
};

TEST_P(runc_io, detached_run_writes_the_pid_file_that_state_agrees_with) {
  auto id = new_id();
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  testing::temp_dir dir;
  const auto pid_file = dir / "init.pid";

  auto r = client_->run(id, bundle_->path(), {.pid_file = pid_file, .detach = true});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, exit_status::exited(0));

  auto pid = read_pid_file(pid_file);
  ASSERT_TRUE(pid) << pid.error();
  EXPECT_GT(*pid, 0);
  auto st = client_->state(id);
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(st->status, container_status::running);
  EXPECT_EQ(st->pid, *pid);
}

TEST_P(runc_io, create_with_pipes_then_start_talks_to_the_container) {
  auto id = new_id();
  bundle_->set_args({"sh", "-c", "echo hello; cat"});
  bundle_->write();
  auto io = pipe_io::create();
  ASSERT_TRUE(io) << io.error();

  auto created = client_->create(id, bundle_->path(), {.io = *io});
  ASSERT_TRUE(created) << created.error();
  ASSERT_TRUE(client_->start(id));

  // "hello" first; the container (cat) still holds stdout, so no EOF yet.
  auto hello = read_until((*io)->stdout_fd(), 10s, has_line("hello"));
  ASSERT_FALSE(hello.timed_out) << "no \"hello\" from the container within 10 s; got: " << hello.text;
  ASSERT_FALSE(hello.eof) << "EOF before the container exited; got: " << hello.text;
  EXPECT_EQ(hello.text, "hello\n");
  auto quiet = read_until((*io)->stdout_fd(), 200ms, [](const std::string& t) { return !t.empty(); });
  EXPECT_TRUE(quiet.timed_out) << "stdout ended or spoke while cat waits for input: eof=" << quiet.eof
                               << " text=" << quiet.text;

  ASSERT_TRUE(write_all((*io)->stdin_fd(), "ping\n"));
  (*io)->close_stdin();
  EXPECT_EQ((*io)->stdin_fd(), -1);

  auto rest = read_until((*io)->stdout_fd(), 10s);
  ASSERT_FALSE(rest.timed_out) << "no EOF on stdout within 10 s after closing stdin; got: " << rest.text;
  EXPECT_TRUE(rest.eof);
  EXPECT_EQ(hello.text + quiet.text + rest.text, "hello\nping\n");
  // EOF came because the container exited (nobody else held the write end).
  EXPECT_EQ(wait_for(id, container_status::stopped), container_status::stopped);
}

TEST_P(runc_io, create_without_io_returns_promptly_while_the_container_runs) {
  auto id = new_id();
  bundle_->set_args({"sleep", "1000"});
  bundle_->write();
  const auto start = std::chrono::steady_clock::now();
  auto created = client_->create(id, bundle_->path());
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(created) << created.error();
  EXPECT_LT(took, 2s) << "create took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms";
  EXPECT_EQ(client_->state(id)->status, container_status::created);
  ASSERT_TRUE(client_->start(id));
  EXPECT_EQ(client_->state(id)->status, container_status::running);
}

TEST_P(runc_io, exec_with_pipes_returns_the_exit_code_and_the_output) {
  auto id = run_detached({"sleep", "1000"});
  auto io = pipe_io::create();
  ASSERT_TRUE(io) << io.error();

  spec::process p{.args = {{"sh", "-c", "echo out; exit 7"}}, .env = {{"PATH=/bin"}}, .cwd = "/"};
  auto r = client_->exec(id, p, {.io = *io});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, exit_status::exited(7));

  auto out = read_until((*io)->stdout_fd(), 10s);
  EXPECT_TRUE(out.eof) << "stdout of a finished exec did not reach EOF: the library kept a write end";
  EXPECT_EQ(out.text, "out\n");
  auto err = read_until((*io)->stderr_fd(), 10s);
  EXPECT_TRUE(err.eof);
  EXPECT_EQ(err.text, "");
}

// More than a pipe holds on both streams at once, and a deadline: the old way
// (exec with pipe_io, read after it returns) blocks the process on a full pipe
// until the deadline kills it; exec_capture reads while it runs.
TEST_P(runc_io, exec_capture_of_more_than_a_mib_on_both_streams) {
  auto id = run_detached({"sleep", "1000"});
  spec::process p{.args = {{"sh", "-c",
                            "yes 0123456789abcde | head -c 1500000; yes e | head -c 1200000 >&2; exit 5"}},
                  .env = {{"PATH=/bin"}},
                  .cwd = "/"};
  auto r = client_->exec_capture(id, p, {}, {}, {.deadline = std::chrono::steady_clock::now() + 20s});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->status, exit_status::exited(5));
  ASSERT_EQ(r->out.size(), 1500000u);
  EXPECT_EQ(r->out.substr(0, 32), "0123456789abcde\n0123456789abcde\n");
  EXPECT_EQ(r->err.size(), 1200000u);
  EXPECT_FALSE(r->out_truncated || r->err_truncated);

  auto limited = client_->exec_capture(id, p, {}, {.max_stdout = 100, .max_stderr = 10},
                                       {.deadline = std::chrono::steady_clock::now() + 20s});
  ASSERT_TRUE(limited) << limited.error();
  EXPECT_EQ(limited->status, exit_status::exited(5));
  EXPECT_EQ(limited->out, r->out.substr(0, 100));
  EXPECT_EQ(limited->err, "e\ne\ne\ne\ne\n");
  EXPECT_TRUE(limited->out_truncated && limited->err_truncated);

  auto echoed =
      client_->exec_capture(id, spec::process{.args = {{"cat"}}, .env = {{"PATH=/bin"}}, .cwd = "/"}, {},
                            {.input = std::string(300000, 'i')});
  ASSERT_TRUE(echoed) << echoed.error();
  EXPECT_EQ(echoed->out, std::string(300000, 'i'));
}

TEST_P(runc_io, run_capture_of_more_than_a_mib) {
  bundle_->set_args({"sh", "-c", "yes 0123456789abcde | head -c 2000000; echo done >&2; exit 2"});
  bundle_->write();
  auto r = client_->run_capture(new_id(), bundle_->path(), {}, {},
                                {.deadline = std::chrono::steady_clock::now() + 20s});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->status, exit_status::exited(2));
  EXPECT_EQ(r->out.size(), 2000000u);
  EXPECT_EQ(r->err, "done\n");
}

TEST_P(runc_io, exec_of_a_missing_binary_is_the_runtimes_error_with_exit_255) {
  auto id = run_detached({"sleep", "1000"});
  auto r = client_->exec(id, spec::process{.args = {{"/nonexistent"}}, .cwd = "/"});
  ASSERT_FALSE(r) << "exec of /nonexistent returned " << r->to_string();
  EXPECT_THAT(r.error().message(),
              HasSubstr(is_crun() ? "executable file `/nonexistent` not found in $PATH: No such "
                                    "file or directory"
                                  : "no such file or directory"))
      << r.error();
  EXPECT_EQ(r.error().exit(), exit_status::exited(255)) << r.error();
  EXPECT_NE(r.error().code(), errc::spawn_failed) << r.error();
}

TEST_P(runc_io, exec_with_a_terminal_gives_a_working_resizable_console) {
  auto id = run_detached({"sleep", "1000"});
  auto sock = console_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();

  spec::process p{.terminal = true, .args = {{"sh"}}, .env = {{"PATH=/bin", "TERM=xterm"}}, .cwd = "/"};
  auto r = client_->exec(id, p, {.console_socket = sock->get(), .detach = true});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, exit_status::exited(0));

  auto tty = (*sock)->receive({.deadline = std::chrono::steady_clock::now() + 10s});
  ASSERT_TRUE(tty) << tty.error();
  ASSERT_GE(tty->fd(), 0);

  ASSERT_TRUE(write_all(tty->fd(), "echo hi\n"));
  auto hi = read_until(tty->fd(), 10s, has_line("hi"));
  ASSERT_FALSE(hi.timed_out) << "no \"hi\" line from the shell within 10 s; got: " << hi.text;
  ASSERT_FALSE(hi.eof) << "the console closed early; got: " << hi.text;

  auto resized = tty->resize(40, 100);
  ASSERT_TRUE(resized) << resized.error();
  auto size = tty->size();
  ASSERT_TRUE(size) << size.error();
  EXPECT_EQ(size->rows, 40);
  EXPECT_EQ(size->cols, 100);

  ASSERT_TRUE(write_all(tty->fd(), "stty size\n"));
  auto stty = read_until(tty->fd(), 10s, has_line("40 100"));
  ASSERT_FALSE(stty.timed_out) << "no \"40 100\" from stty within 10 s; got: " << stty.text;

  ASSERT_TRUE(write_all(tty->fd(), "exit\n"));
  auto end = read_until(tty->fd(), 10s);
  EXPECT_TRUE(end.eof) << "the console did not close after exit; got: " << end.text;
}

TEST_P(runc_io, create_with_a_terminal_hands_the_init_console_over) {
  auto id = new_id();
  bundle_->set_args({"sh"});
  bundle_->set_terminal(true);
  bundle_->write();
  auto sock = console_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();

  auto created = client_->create(id, bundle_->path(), {.console_socket = sock->get()});
  ASSERT_TRUE(created) << created.error();
  auto tty = (*sock)->receive({.deadline = std::chrono::steady_clock::now() + 10s});
  ASSERT_TRUE(tty) << tty.error();
  ASSERT_TRUE(client_->start(id));

  ASSERT_TRUE(write_all(tty->fd(), "echo in-$(hostname)\n"));
  auto hi = read_until(tty->fd(), 10s, has_line("in-runc"));  // the bundle's hostname
  ASSERT_FALSE(hi.timed_out) << "no \"in-runc\" line from the container's shell within 10 s; got: "
                             << hi.text;
  ASSERT_TRUE(write_all(tty->fd(), "exit\n"));
  EXPECT_EQ(wait_for(id, container_status::stopped), container_status::stopped);
}

TEST_P(runc_io, extra_files_become_fd_3_in_the_container) {
  auto id = new_id();
  bundle_->set_args({"sh", "-c", "echo via-fd3 >&3"});
  bundle_->write();
  auto p = test_pipe::make();
  ASSERT_TRUE(p.read && p.write);

  auto created = client_->create(id, bundle_->path(), {.extra_files = {p.write.get()}});
  ASSERT_TRUE(created) << created.error();
  p.write.reset();  // the container holds the only write end now
  ASSERT_TRUE(client_->start(id));

  auto out = read_until(p.read.get(), 10s);
  ASSERT_FALSE(out.timed_out) << "no EOF on fd 3's pipe within 10 s; got: " << out.text;
  EXPECT_TRUE(out.eof);
  EXPECT_EQ(out.text, "via-fd3\n");
}

// /sys/fs/cgroup/memory/<path>/memory.limit_in_bytes of a process, from the
// "N:memory:<path>" line of /proc/<pid>/cgroup (cgroup v1).
std::optional<std::filesystem::path> memory_limit_file(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  for (std::string line; std::getline(in, line);) {
    auto first = line.find(':');
    auto second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos || line.substr(first + 1, second - first - 1) != "memory") continue;
    std::filesystem::path file = "/sys/fs/cgroup/memory" + line.substr(second + 1) + "/memory.limit_in_bytes";
    if (std::filesystem::exists(file)) return file;
  }
  return std::nullopt;
}

TEST_P(runc_io, update_sets_the_memory_limit) {
  auto id = run_detached({"sleep", "1000"});
  auto st = client_->state(id);
  ASSERT_TRUE(st) << st.error();
  auto file = memory_limit_file(st->pid);

  for (std::int64_t limit : {64 * mib, 32 * mib}) {  // twice: the call really changes it
    auto u = client_->update(id, {.memory = {{.limit = limit}}});
    ASSERT_TRUE(u) << u.error();
    if (is_crun()) {  // crun has no `events --stats`: stats() is unsupported
      auto s = client_->stats(id);
      ASSERT_FALSE(s);
      EXPECT_EQ(s.error().code(), errc::unsupported) << s.error();
    } else {
      auto s = client_->stats(id);
      ASSERT_TRUE(s) << s.error();
      ASSERT_TRUE(s->memory && s->memory->usage && s->memory->usage->limit)
          << "runc events --stats printed no memory.usage.limit";
      EXPECT_EQ(*s->memory->usage->limit, static_cast<std::uint64_t>(limit));
    }
    // Cross-check with the kernel (cgroup v1 here), independently of the stats parser.
    if (file) {
      EXPECT_EQ(testing::read_file(*file), std::to_string(limit) + "\n") << *file;
    } else if (is_crun()) {
      FAIL() << "no cgroup v1 memory controller for pid " << st->pid << ": nothing shows crun's update";
    } else {
      std::cout << "[ note     ] no cgroup v1 memory controller for pid " << st->pid
                << ": checked stats only\n";
    }
  }
}

TEST_P(runc_io, update_of_a_missing_container_is_not_found) {
  auto u = client_->update("does-not-exist", {.memory = {{.limit = 64 * mib}}});
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code(), errc::not_found) << u.error();
}

// `criu check`: nullopt when it passes, else the reason to skip.
std::optional<std::string> criu_refuses() {
  auto criu = testing::find_runtime("criu");
  if (!criu) return std::string("criu is not installed");
  std::string cmd = *criu + " check 2>&1";
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return std::string("cannot run criu check");
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f) != nullptr) text += buf;
  int status = ::pclose(f);
  if (status == 0) return std::nullopt;
  std::string first = text.substr(0, text.find('\n'));
  if (first.empty()) first = "exit status " + std::to_string(status);
  return "criu check fails on this kernel: " + first;
}

TEST_P(runc_io, checkpoint_and_restore) {
  if (auto why = criu_refuses()) GTEST_SKIP() << *why;
  auto id = run_detached({"sleep", "1000"});
  testing::temp_dir images;
  auto cp = client_->checkpoint(id, {.image_path = images.path()});
  ASSERT_TRUE(cp) << cp.error();
  EXPECT_TRUE(std::filesystem::exists(images / "inventory.img"));
  auto gone = client_->state(id);  // checkpoint without leave_running stops and deletes it
  EXPECT_TRUE(!gone || gone->status == container_status::stopped);
  if (gone) {
    ASSERT_TRUE(client_->remove(id, {.force = true}));
  }

  auto r = client_->restore(id, bundle_->path(), {.image_path = images.path(), .detach = true});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, exit_status::exited(0));
  EXPECT_EQ(wait_for(id, container_status::running), container_status::running);
}

RUNCPP_ALL_RUNTIMES(io, runc_io);

}  // namespace
}  // namespace runcpp
