// exec/update/IO/sockets/events through the client against fake_runc.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <runcpp/runcpp.hpp>
#include <runcpp/socket.hpp>

#include "support/hygiene.hpp"
#include "support/json.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using clock_type = std::chrono::steady_clock;

class client_io : public testing::hygiene_test {
 protected:
  client make(config c = {}) {
    c.command = testing::fake_runc_path();
    return client(std::move(c));
  }
  std::string rec() const { return (dir_.path() / "record.json").string(); }
  std::string rec_env() const { return "FAKE_RUNC_RECORD=" + rec(); }
  testing::json_value record() const { return testing::read_record(rec()); }
  std::vector<std::string> argv() const { return record()["argv"].get<std::vector<std::string>>(); }

  testing::temp_dir dir_;
};

TEST_F(client_io, exec_writes_the_process_json_and_removes_it) {
  auto c = make();
  auto copy = dir_.path() / "process.json";
  spec::process p{.args = std::vector<std::string>{"sh", "-c", "exit 7"}, .cwd = "/"};
  auto r = c.exec("web", p, {}, {.extra_env = {rec_env(), "FAKE_RUNC_COPY_PROCESS=" + copy.string()}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, exit_status::exited(0));
  auto a = argv();
  // [fake, --log, <per-call log>, --log-format, json, exec, --process, <file>, web]
  ASSERT_EQ(a.size(), 9u);
  EXPECT_EQ(a[5], "exec");
  EXPECT_EQ(a[6], "--process");
  EXPECT_EQ(a[8], "web");
  EXPECT_FALSE(std::filesystem::exists(a[7])) << "process file not removed";
  auto parsed = spec::parse_process_json(testing::read_file(copy));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(*parsed, p);
}

TEST_F(client_io, exec_status_is_a_value_and_runc_failure_an_error) {
  auto c = make();
  spec::process p{.args = std::vector<std::string>{"true"}, .cwd = "/"};
  auto seven = c.exec("web", p, {}, {.extra_env = {"FAKE_RUNC_EXIT=7"}});
  ASSERT_TRUE(seven) << seven.error();
  EXPECT_EQ(*seven, exit_status::exited(7));
  auto failed =
      c.exec("web", p, {},
             {.extra_env = {"FAKE_RUNC_EXIT=255",
                            "FAKE_RUNC_LOG_ERROR=exec failed: unable to start container process: exec: "
                            "\"/nonexistent\": stat /nonexistent: no such file or directory"}});
  ASSERT_FALSE(failed);
  EXPECT_THAT(failed.error().message(), HasSubstr("no such file or directory"));
  EXPECT_EQ(failed.error().exit(), exit_status::exited(255));
}

TEST_F(client_io, exec_log_file_replaces_the_config_log) {
  auto log = dir_.path() / "exec.log";
  auto c = make(config{.log = dir_.path() / "runc.log", .log_format = log_format::json});
  spec::process p{.args = std::vector<std::string>{"true"}, .cwd = "/"};
  auto r = c.exec("web", p, {.log_file = log},
                  {.extra_env = {rec_env(), "FAKE_RUNC_EXIT=1", "FAKE_RUNC_LOG_ERROR=boom"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "boom");
  auto a = argv();
  EXPECT_EQ(a[1], "--log");
  EXPECT_EQ(a[2], log.string());
  EXPECT_EQ(std::count(a.begin(), a.end(), "--log"), 1);
}

TEST_F(client_io, update_writes_resources_json_to_stdin) {
  auto c = make();
  spec::linux_resources r;
  r.memory = spec::linux_resources::memory_t{.limit = 64 << 20};
  r.pids = spec::linux_resources::pids_t{.limit = 100};
  auto ok = c.update("web", r, {}, {.extra_env = {rec_env(), "FAKE_RUNC_READ_STDIN=1"}});
  ASSERT_TRUE(ok) << ok.error();
  auto rc = record();
  EXPECT_EQ(rc["stdin_data"].get<std::string>(), spec::to_json(r) + "\n");
  auto a = rc["argv"].get<std::vector<std::string>>();
  EXPECT_THAT(std::vector(a.begin() + 1, a.end()), ElementsAre("update", "--resources=-", "web"));
}

TEST_F(client_io, pipe_io_connects_the_caller_and_closes_child_ends) {
  auto io = pipe_io::create();
  ASSERT_TRUE(io) << io.error();
  auto c = make();
  std::string in = "hello through stdin\n";
  ASSERT_EQ(::write((*io)->stdin_fd(), in.data(), in.size()), static_cast<ssize_t>(in.size()));
  (*io)->close_stdin();
  auto r = c.create("web", "/b", {.io = *io},
                    {.extra_env = {"FAKE_RUNC_READ_STDIN=1", "FAKE_RUNC_ECHO_STDIN=1",
                                   "FAKE_RUNC_STDERR=err text"}});
  ASSERT_TRUE(r) << r.error();
  // The library closed its copies of the child ends: EOF arrives.
  EXPECT_EQ(testing::read_to_eof((*io)->stdout_fd()), in);
  EXPECT_EQ(testing::read_to_eof((*io)->stderr_fd()), "err text");
}

TEST_F(client_io, pipe_io_child_ends_close_when_the_call_ends_before_runc_starts) {
  // A stop or deadline that came first, or a runtime that is not there: a
  // reader of the io's pipes must still see EOF instead of waiting forever.
  std::stop_source stop;
  stop.request_stop();
  const std::vector<std::pair<std::string, call_context>> cases = {
      {"stop requested", call_context{.stop = stop.get_token()}},
      {"deadline passed", call_context{.deadline = clock_type::now() - 1s}},
  };
  auto c = make();
  for (const auto& [what, ctx] : cases) {
    auto io = pipe_io::create(-1, -1, {.open_stdin = false});
    ASSERT_TRUE(io) << io.error();
    auto r = c.exec("web", spec::process{.args = std::vector<std::string>{"true"}}, {.io = *io}, ctx);
    ASSERT_FALSE(r) << what;
    for (int fd : {(*io)->stdout_fd(), (*io)->stderr_fd()}) {
      pollfd p{fd, POLLIN, 0};
      ASSERT_EQ(::poll(&p, 1, 2000), 1) << what << ": no EOF on fd " << fd;
      char byte;
      EXPECT_EQ(::read(fd, &byte, 1), 0) << what;
    }
  }
  auto io = pipe_io::create(-1, -1, {.open_stdin = false});
  ASSERT_TRUE(io) << io.error();
  client missing(config{.command = "/nonexistent/runc"});
  ASSERT_FALSE(missing.exec("web", spec::process{.args = std::vector<std::string>{"true"}}, {.io = *io}));
  pollfd p{(*io)->stdout_fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 2000), 1) << "runtime not found: no EOF";
}

TEST_F(client_io, pipe_io_chowns_the_child_ends) {
  auto io = pipe_io::create(1234, 5678, {.open_stdin = false});
  ASSERT_TRUE(io) << io.error();
  EXPECT_EQ((*io)->stdin_fd(), -1);
  struct stat st {};
  ASSERT_EQ(::fstat((*io)->child_fds().out, &st), 0);
  EXPECT_EQ(st.st_uid, 1234u);
  EXPECT_EQ(st.st_gid, 5678u);
}

TEST_F(client_io, extra_files_become_fds_3_and_up_with_preserve_fds) {
  int a = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int b = ::open("/dev/zero", O_RDONLY | O_CLOEXEC);
  auto c = make();
  auto r = c.create("web", "/b", {.extra_files = {a, b}}, {.extra_env = {rec_env()}});
  ::close(a);
  ::close(b);
  ASSERT_TRUE(r) << r.error();
  auto rc = record();
  EXPECT_THAT(rc["fds"].get<std::vector<int>>(), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(rc["fd_targets"]["4"].get<std::string>(), "/dev/zero");
  auto args = rc["argv"].get<std::vector<std::string>>();
  EXPECT_THAT(std::vector(args.end() - 3, args.end()), ElementsAre("--preserve-fds", "2", "web"));
}

void write_config(const std::filesystem::path& bundle, bool terminal) {
  std::ofstream(bundle / "config.json")
      << R"({"process":{"terminal":)" << (terminal ? "true" : "false") << "}}";
}

TEST_F(client_io, console_socket_receives_the_pty_master_from_create) {
  write_config(dir_.path(), true);
  auto sock = console_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();
  auto c = make();
  auto r =
      c.create("web", dir_.path(), {.console_socket = sock->get()}, {.extra_env = {"FAKE_RUNC_CONSOLE=pty"}});
  ASSERT_TRUE(r) << r.error();
  auto tty = (*sock)->receive({.deadline = clock_type::now() + 5s});
  ASSERT_TRUE(tty) << tty.error();
  EXPECT_TRUE(::isatty(tty->fd()));
  ASSERT_TRUE(tty->resize(40, 100));
  auto size = tty->size();
  ASSERT_TRUE(size);
  EXPECT_EQ(size->rows, 40);
  EXPECT_EQ(size->cols, 100);
}

TEST_F(client_io, console_receive_returns_promptly_when_runc_never_connects) {
  write_config(dir_.path(), true);
  auto sock = console_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();
  auto c = make();
  auto r = c.create("web", dir_.path(), {.console_socket = sock->get()}, {.extra_env = {"FAKE_RUNC_EXIT=1"}});
  EXPECT_FALSE(r);
  auto start = clock_type::now();
  auto tty = (*sock)->receive();  // no deadline: must not hang
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::command_failed);
  EXPECT_LT(clock_type::now() - start, 1s);
}

TEST_F(client_io, console_socket_with_two_fds_is_a_protocol_error) {
  write_config(dir_.path(), true);
  auto sock = console_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();
  auto c = make();
  ASSERT_TRUE(c.create("web", dir_.path(), {.console_socket = sock->get()},
                       {.extra_env = {"FAKE_RUNC_CONSOLE=two"}}));
  auto tty = (*sock)->receive({.deadline = clock_type::now() + 5s});
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::protocol_error);
}

TEST_F(client_io, pidfd_socket_receives_a_real_pidfd) {
  auto sock = pidfd_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();
  auto c = make();
  std::atomic<int> runc_pid{0};
  // runc sends the pidfd before create returns; receive it while runc lives.
  std::jthread creator([&] {
    auto r = c.create("web", "/b", {.pidfd_socket = sock->get()},
                      {.extra_env = {"FAKE_RUNC_PIDFD=1", "FAKE_RUNC_SLEEP_MS=1000"},
                       .on_started = [&](int pid) { runc_pid = pid; }});
    EXPECT_TRUE(r) << r.error();
  });
  auto fd = (*sock)->receive({.deadline = clock_type::now() + 5s});
  ASSERT_TRUE(fd) << fd.error();
  std::string info = testing::read_file("/proc/self/fdinfo/" + std::to_string(fd->get()));
  creator.join();  // on_started has run by now
  EXPECT_THAT(info, HasSubstr("Pid:\t" + std::to_string(runc_pid.load()) + "\n"));
}

TEST_F(client_io, terminal_rules_are_checked_before_spawning) {
  write_config(dir_.path(), true);
  auto c = make();
  auto r = c.create("web", dir_.path(), {}, {.extra_env = {rec_env()}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(rec()));
  auto sock = console_socket::temporary();
  ASSERT_TRUE(sock);
  spec::process p{.terminal = false, .args = std::vector<std::string>{"sh"}, .cwd = "/"};
  auto e = c.exec("web", p, {.console_socket = sock->get(), .detach = true}, {.extra_env = {rec_env()}});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), errc::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(rec()));
}

TEST_F(client_io, run_with_a_console_socket_but_no_detach_names_the_missing_detach) {
  write_config(dir_.path(), true);  // process.terminal is true: that is not the problem
  auto sock = console_socket::temporary();
  ASSERT_TRUE(sock);
  auto c = make();
  auto r = c.run("web", dir_.path(), {.console_socket = sock->get()}, {.extra_env = {rec_env()}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  EXPECT_THAT(r.error().message(), HasSubstr("needs a detached call"));
  EXPECT_THAT(r.error().message(), ::testing::Not(HasSubstr("terminal is false")));
  EXPECT_FALSE(std::filesystem::exists(rec()));
}

// exec_capture reads both pipes while runc runs: 3 MiB on each at once (more
// than a pipe holds) would block a reader that waits for the exit first.
TEST_F(client_io, exec_capture_reads_both_streams_while_the_process_runs) {
  auto c = make();
  spec::process p{.args = std::vector<std::string>{"sh"}, .cwd = "/"};
  constexpr std::size_t size = std::size_t{3} << 20;
  auto r = c.exec_capture("web", p, {}, {},
                          {.deadline = clock_type::now() + 10s,
                           .extra_env = {rec_env(), "FAKE_RUNC_FLOOD=" + std::to_string(size),
                                         "FAKE_RUNC_EXIT=3"}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->status, exit_status::exited(3));
  EXPECT_EQ(r->out.size(), size);
  EXPECT_EQ(r->err.size(), size);
  EXPECT_EQ(r->out.substr(0, 64), std::string(63, 'o') + "\n");
  EXPECT_EQ(r->err.substr(0, 64), std::string(63, 'e') + "\n");
  EXPECT_FALSE(r->out_truncated);
  EXPECT_FALSE(r->err_truncated);
  auto rec = record();
  EXPECT_TRUE(rec["stdin_is_devnull"].get<bool>());
  EXPECT_THAT(rec["fds"].get<std::vector<int>>(), ElementsAre(0, 1, 2));
}

TEST_F(client_io, exec_capture_keeps_each_stream_up_to_its_limit) {
  auto c = make();
  spec::process p{.args = std::vector<std::string>{"sh"}, .cwd = "/"};
  auto r = c.exec_capture("web", p, {}, {.max_stdout = 1000, .max_stderr = 0},
                          {.extra_env = {"FAKE_RUNC_FLOOD=2000000"}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->out.size(), 1000u);
  EXPECT_TRUE(r->out_truncated);
  EXPECT_EQ(r->err, "");
  EXPECT_TRUE(r->err_truncated);
}

TEST_F(client_io, exec_capture_gives_the_input_and_honours_the_deadline) {
  auto c = make();
  spec::process p{.args = std::vector<std::string>{"cat"}, .cwd = "/"};
  std::string input(200000, 'i');
  auto echoed = c.exec_capture("web", p, {}, {.input = input},
                               {.extra_env = {"FAKE_RUNC_READ_STDIN=1", "FAKE_RUNC_ECHO_STDIN=1"}});
  ASSERT_TRUE(echoed) << echoed.error();
  EXPECT_EQ(echoed->out, input);

  auto start = clock_type::now();
  auto hung = c.exec_capture("web", p, {}, {},
                             {.deadline = clock_type::now() + 200ms, .extra_env = {"FAKE_RUNC_HANG=1"}});
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code(), errc::timeout);
  EXPECT_LT(clock_type::now() - start, 3s);
}

TEST_F(client_io, exec_capture_and_run_capture_refuse_what_would_not_be_captured) {
  auto c = make();
  auto io = pipe_io::create();
  ASSERT_TRUE(io) << io.error();
  spec::process p{.args = std::vector<std::string>{"sh"}, .cwd = "/"};
  spec::process tty = p;
  tty.terminal = true;
  std::vector<result<captured>> refused;
  refused.push_back(c.exec_capture("web", p, {.io = *io}, {}, {.extra_env = {rec_env()}}));
  refused.push_back(c.exec_capture("web", p, {.detach = true}, {}, {.extra_env = {rec_env()}}));
  refused.push_back(c.exec_capture("web", tty, {}, {}, {.extra_env = {rec_env()}}));
  refused.push_back(c.run_capture("web", "/b", {.io = *io}, {}, {.extra_env = {rec_env()}}));
  refused.push_back(c.run_capture("web", "/b", {.detach = true}, {}, {.extra_env = {rec_env()}}));
  write_config(dir_.path(), true);
  refused.push_back(c.run_capture("web", dir_.path(), {}, {}, {.extra_env = {rec_env()}}));
  for (std::size_t i = 0; i < refused.size(); ++i) {
    ASSERT_FALSE(refused[i]) << i;
    EXPECT_EQ(refused[i].error().code(), errc::invalid_argument) << i;
  }
  EXPECT_FALSE(std::filesystem::exists(rec()));
}

TEST_F(client_io, run_capture_returns_the_containers_status_and_output) {
  auto c = make();
  auto r = c.run_capture("web", "/b", {}, {},
                         {.extra_env = {"FAKE_RUNC_STDOUT=hello\n", "FAKE_RUNC_STDERR=oops\n",
                                        "FAKE_RUNC_EXIT=4"}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->status, exit_status::exited(4));
  EXPECT_EQ(r->out, "hello\n");
  EXPECT_EQ(r->err, "oops\n");
  // runc's own failure is an error with runc's message from its log, not the
  // process's stderr.
  auto failed = c.run_capture("web", "/b", {}, {},
                              {.extra_env = {"FAKE_RUNC_STDERR=noise\n", "FAKE_RUNC_EXIT=1",
                                             "FAKE_RUNC_LOG_ERROR=runc run failed: boom"}});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), "runc run failed: boom");
}

TEST_F(client_io, pidfd_socket_on_an_old_runc_is_unsupported_in_plain_words) {
  auto sock = pidfd_socket::temporary();
  ASSERT_TRUE(sock);
  auto c = make();
  auto r = c.create("web", "/b", {.pidfd_socket = sock->get()},
                    {.extra_env = {"FAKE_RUNC_EXIT=1",
                                   "FAKE_RUNC_LOG_ERROR=flag provided but not defined: -pidfd-socket"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::unsupported);
  EXPECT_THAT(r.error().message(), HasSubstr("does not support --pidfd-socket"));
}

TEST_F(client_io, events_stream_yields_events_then_ends) {
  auto c = make();
  auto s = c.events("web", 200ms,
                    {.extra_env = {"FAKE_RUNC_STDOUT_FILE=" +
                                   testing::test_data_path("runc-1.1.5/events-interval.ndjson").string()}});
  ASSERT_TRUE(s) << s.error();
  int stats_events = 0;
  for (const result<event>& item : *s) {
    ASSERT_TRUE(item) << item.error();
    EXPECT_EQ(item->kind(), event_type::stats);
    ++stats_events;
  }
  EXPECT_EQ(stats_events, 4);
  EXPECT_TRUE(s->ended());
  EXPECT_EQ(s->end_status(), exit_status::exited(0));
}

TEST_F(client_io, events_malformed_line_is_one_error_item_then_resync) {
  auto file = dir_.path() / "events.ndjson";
  std::string good = testing::read_file(testing::test_data_path("runc-1.1.5/events-interval.ndjson"));
  std::ofstream(file) << "{not json\n" << good;
  auto c = make();
  auto s = c.events("web", 1s, {.extra_env = {"FAKE_RUNC_STDOUT_FILE=" + file.string()}});
  ASSERT_TRUE(s) << s.error();
  int errors = 0, events = 0;
  while (auto item = s->next({.deadline = clock_type::now() + 5s})) (*item ? events : errors)++;
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(events, 4);
}

TEST_F(client_io, events_of_a_missing_container_end_with_runcs_error) {
  auto c = make();
  auto s =
      c.events("gone", 1s,
               {.extra_env = {"FAKE_RUNC_EXIT=1",
                              "FAKE_RUNC_STDERR=time=\"x\" level=error msg=\"container does not exist\"\n"}});
  ASSERT_TRUE(s) << s.error();
  auto item = s->next({.deadline = clock_type::now() + 5s});
  ASSERT_TRUE(item);
  ASSERT_FALSE(*item);
  EXPECT_EQ(item->error().code(), errc::not_found);
  EXPECT_FALSE(s->next({.deadline = clock_type::now() + 5s}));
  EXPECT_TRUE(s->ended());
  EXPECT_EQ(s->end_status(), exit_status::exited(1));
}

TEST_F(client_io, events_on_a_runtime_without_events_is_unsupported) {
  auto c = make();
  auto s =
      c.events("web", 1s, {.extra_env = {"FAKE_RUNC_EXIT=1", "FAKE_RUNC_STDERR=unknown command events\n"}});
  ASSERT_TRUE(s) << s.error();
  auto item = s->next({.deadline = clock_type::now() + 5s});
  ASSERT_TRUE(item && !*item);
  EXPECT_EQ(item->error().code(), errc::unsupported);
  EXPECT_THAT(item->error().message(), HasSubstr("no 'events' command"));
}

TEST_F(client_io, events_stop_ends_and_reaps_a_hanging_runc) {
  auto c = make();
  auto s = c.events("web", 1s, {.extra_env = {"FAKE_RUNC_HANG=1", "FAKE_RUNC_IGNORE_SIGTERM=1"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_FALSE(s->try_next());
  auto timed = s->next({.deadline = clock_type::now() + 100ms});
  ASSERT_TRUE(timed && !*timed);
  EXPECT_EQ(timed->error().code(), errc::timeout);
  auto st = s->stop({.signal = SIGTERM, .grace = 200ms});
  ASSERT_TRUE(st) << st.error();
  EXPECT_EQ(*st, exit_status::signaled(SIGKILL));
  EXPECT_TRUE(s->ended());
}

TEST_F(client_io, events_destructor_reaps_runc) {
  auto c = make();
  const auto before = testing::child_processes();
  std::vector<pid_t> runc;
  {
    auto s = c.events("web", 1s, {.extra_env = {"FAKE_RUNC_HANG=1"}});
    ASSERT_TRUE(s) << s.error();
    for (pid_t p : testing::child_processes())
      if (std::find(before.begin(), before.end(), p) == before.end()) runc.push_back(p);
    ASSERT_EQ(runc.size(), 1u) << "expected one running runc events";
  }
  // Gone when the destructor returns: killed and reaped, not left a zombie.
  const auto after = testing::child_processes();
  EXPECT_EQ(std::find(after.begin(), after.end(), runc[0]), after.end()) << "runc events still exists";
  EXPECT_FALSE(testing::has_unreaped_children());
}

TEST_F(client_io, events_interval_must_be_positive) {
  auto c = make();
  auto s = c.events("web", 0ms);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), errc::invalid_argument);
}

TEST_F(client_io, stats_parses_stdout_and_reports_runcs_error) {
  auto c = make();
  auto st = c.stats("web", {.extra_env = {"FAKE_RUNC_STDOUT_FILE=" +
                                          testing::test_data_path("runc-1.1.5/events-stats.json").string()}});
  ASSERT_TRUE(st) << st.error();
  ASSERT_TRUE(st->cpu && st->cpu->usage && st->cpu->usage->total);
  EXPECT_GT(*st->cpu->usage->total, 0u);
  auto missing =
      c.stats("gone",
              {.extra_env = {"FAKE_RUNC_EXIT=1",
                             "FAKE_RUNC_STDERR=time=\"x\" level=error msg=\"container does not exist\"\n"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), errc::not_found);  // go-runc: a bare EOF
}

}  // namespace
}  // namespace runcpp

namespace runcpp {
namespace {

TEST_F(client_io, events_carries_the_global_flags) {
  auto c = make(config{.root = "/run/custom-root", .debug = true});
  auto s = c.events("web", 250ms, {.extra_env = {rec_env()}});
  ASSERT_TRUE(s) << s.error();
  while (s->next({.deadline = clock_type::now() + 5s})) {
  }
  auto a = argv();
  EXPECT_THAT(std::vector(a.begin() + 1, a.end()),
              ElementsAre("--root", "/run/custom-root", "--debug", "events", "--interval=250ms", "web"));
}

}  // namespace
}  // namespace runcpp

namespace runcpp {
namespace {

// An event loop that polls only pollable() must wake for the end of the
// stream even when runc closes stdout before it exits.
TEST_F(client_io, events_pollable_wakes_for_the_end_after_stdout_eof) {
  auto script = dir_.path() / "runtime.sh";
  std::ofstream(script) << "#!/bin/sh\nexec 1>&-\nsleep 0.3\n"
                           "echo 'time=\"x\" level=error msg=\"container does not exist\"' >&2\nexit 1\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  client c(config{.command = script.string()});
  auto s = c.events("web", 1s);
  ASSERT_TRUE(s) << s.error();
  std::optional<error> last;
  auto until = clock_type::now() + 5s;
  while (!s->ended() && clock_type::now() < until) {
    pollfd p{s->pollable(), POLLIN, 0};
    ASSERT_GE(p.fd, 0);
    ASSERT_EQ(::poll(&p, 1, 5000), 1) << "pollable() never became readable";
    while (auto item = s->try_next())
      if (!*item) last = item->error();
  }
  EXPECT_TRUE(s->ended());
  ASSERT_TRUE(last);
  EXPECT_EQ(last->code(), errc::not_found);
}

}  // namespace
}  // namespace runcpp
