// The client against tests/support/fake_runc: process hygiene, errors, output
// handling, cancellation. Every test fails on a leaked fd or unreaped child.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stop_token>
#include <thread>

#include <runcpp/runcpp.hpp>

#include "support/hygiene.hpp"
#include "support/json.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using clock_type = std::chrono::steady_clock;

class client_fake : public testing::hygiene_test {
 protected:
  client make(config c = {}) {
    c.command = testing::fake_runc_path();
    return client(std::move(c));
  }
  std::string record_path() const { return (dir_.path() / "record.json").string(); }
  std::string record_env() const { return "FAKE_RUNC_RECORD=" + record_path(); }
  testing::json_value record() const { return testing::read_record(record_path()); }

  testing::temp_dir dir_;
};

TEST_F(client_fake, success_parses_stdout_only) {
  auto c = make();
  call_context ctx{.extra_env = {"FAKE_RUNC_STDOUT=runc version 1.1.5\ncommit: abc\nspec: 1.0.2-dev\n",
                                 "FAKE_RUNC_STDERR=noise on stderr\n"}};
  auto v = c.version(ctx);
  ASSERT_TRUE(v) << v.error();
  EXPECT_EQ(v->version, "1.1.5");
  EXPECT_EQ(v->commit, "abc");
}

TEST_F(client_fake, non_zero_exit_is_classified_with_runcs_words) {
  auto c = make();
  call_context ctx{
      .extra_env = {
          "FAKE_RUNC_EXIT=1",
          "FAKE_RUNC_STDERR=time=\"2026-11-28T13:16:39Z\" level=error msg=\"container does not exist\"\n"}};
  auto st = c.state("missing", ctx);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), errc::not_found);
  EXPECT_EQ(st.error().message(), "container does not exist");
  EXPECT_EQ(st.error().runtime_message(), "container does not exist");
  EXPECT_EQ(st.error().exit(), exit_status::exited(1));
  EXPECT_THAT(st.error().stderr_text(), HasSubstr("level=error"));
  EXPECT_THAT(st.error().argv(), ElementsAre(testing::fake_runc_path(), "state", "missing"));
}

TEST_F(client_fake, unclassified_failure_is_command_failed_with_status) {
  auto c = make();
  auto r = c.start("x", {.extra_env = {"FAKE_RUNC_EXIT=42"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::command_failed);
  EXPECT_EQ(r.error().exit(), exit_status::exited(42));
  EXPECT_THAT(r.error().message(), HasSubstr("exit status 42"));
}

TEST_F(client_fake, killed_by_signal_is_not_an_exit_code) {
  auto c = make();
  auto r = c.pause("x", {.extra_env = {"FAKE_RUNC_SIGNAL=9"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::command_failed);
  ASSERT_TRUE(r.error().exit());
  EXPECT_TRUE(r.error().exit()->is_signaled());
  EXPECT_EQ(r.error().exit()->signal(), SIGKILL);
  EXPECT_THAT(r.error().message(), HasSubstr("signal 9"));
}

TEST_F(client_fake, missing_binary_is_spawn_failed) {
  client c(config{.command = "/nonexistent/runc"});
  auto r = c.list();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::spawn_failed);
  EXPECT_EQ(r.error().cause(), std::errc::no_such_file_or_directory);
  EXPECT_THAT(r.error().message(), HasSubstr("/nonexistent/runc"));
  EXPECT_FALSE(r.error().exit());

  client by_name(config{.command = "no-such-runtime-anywhere"});
  auto r2 = by_name.list();
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code(), errc::spawn_failed);
}

TEST_F(client_fake, not_executable_is_spawn_failed) {
  auto path = dir_.path() / "runc";
  std::ofstream(path) << "#!/bin/sh\n";
  ::chmod(path.c_str(), 0644);
  client c(config{.command = path.string()});
  auto r = c.list();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::spawn_failed);
}

// A chdir failure in the spawn says ENOENT like a missing binary; the error
// names the work_dir instead, for both spawn paths (posix_spawn and fork).
TEST_F(client_fake, missing_work_dir_is_named_not_taken_for_a_missing_runtime) {
  for (int pdeath : {0, SIGKILL}) {
    auto c = make(config{.work_dir = dir_.path() / "gone", .pdeath_signal = pdeath});
    auto r = c.start("x", {.extra_env = {record_env()}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), errc::spawn_failed);
    EXPECT_THAT(r.error().message(), HasSubstr("config.work_dir " + (dir_.path() / "gone").string()));
    EXPECT_EQ(r.error().cause(), std::errc::no_such_file_or_directory);
    EXPECT_FALSE(std::filesystem::exists(record_path()));
  }
  std::ofstream(dir_.path() / "file") << "x";
  auto r = make(config{.work_dir = dir_.path() / "file"}).start("x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().cause(), std::errc::not_a_directory);
}

TEST_F(client_fake, ten_mib_on_both_pipes_does_not_deadlock_and_is_capped) {
  auto c = make();
  auto start = clock_type::now();
  auto r = c.list({.extra_env = {"FAKE_RUNC_FLOOD=10485760"}});
  ASSERT_FALSE(r);  // stdout exceeded max_stdout (8 MiB): not parsed
  EXPECT_EQ(r.error().code(), errc::parse_error);
  EXPECT_THAT(r.error().message(), HasSubstr("max_stdout"));
  EXPECT_LT(clock_type::now() - start, 20s);

  auto failing = c.list({.extra_env = {"FAKE_RUNC_FLOOD=10485760", "FAKE_RUNC_EXIT=1"}});
  ASSERT_FALSE(failing);
  EXPECT_EQ(failing.error().stderr_text().size(), config{}.max_stderr);
}

TEST_F(client_fake, output_below_cap_is_complete) {
  auto c = make(config{.max_stdout = 32u << 20});
  auto path = dir_.path() / "big.json";
  {
    std::ofstream f(path);
    f << "[";
    for (int i = 0; i < 200000; ++i)
      f << (i ? "," : "") << "{\"id\":\"c" << i << "\",\"pid\":" << i + 1 << ",\"status\":\"running\"}";
    f << "]\n";
  }
  auto r = c.list({.extra_env = {"FAKE_RUNC_STDOUT_FILE=" + path.string()}});
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 200000u);
  EXPECT_EQ(r->back().id, "c199999");
}

TEST_F(client_fake, returns_on_exit_even_if_a_grandchild_holds_stdout) {
  auto c = make();
  auto start = clock_type::now();
  auto r = c.start("x", {.extra_env = {"FAKE_RUNC_GRANDCHILD_MS=5000"}});
  EXPECT_TRUE(r) << r.error();
  EXPECT_LT(clock_type::now() - start, 1s);
}

TEST_F(client_fake, deadline_sends_sigterm_then_sigkill) {
  auto c = make();
  call_context ctx{.deadline = clock_type::now() + 200ms,
                   .extra_env = {"FAKE_RUNC_IGNORE_SIGTERM=1", "FAKE_RUNC_HANG=1"},
                   .on_stop = {.signal = SIGTERM, .grace = 300ms}};
  auto start = clock_type::now();
  auto r = c.start("x", ctx);
  auto took = clock_type::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::timeout);
  ASSERT_TRUE(r.error().exit());
  EXPECT_EQ(r.error().exit()->signal(), SIGKILL);  // SIGTERM was ignored
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 3s);
}

TEST_F(client_fake, deadline_with_a_runc_that_obeys_sigterm) {
  auto c = make();
  call_context ctx{.deadline = clock_type::now() + 100ms, .extra_env = {"FAKE_RUNC_HANG=1"}};
  auto r = c.start("x", ctx);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::timeout);
  EXPECT_EQ(r.error().exit(), exit_status::signaled(SIGTERM));
}

// runc catches SIGTERM during create and completes it: a stopped call whose
// runc still exits 0 reports the success, for every kind of command.
TEST_F(client_fake, a_runc_that_finishes_despite_the_stop_is_a_success) {
  auto c = make();
  // The stop comes 250 ms in: fake_runc must have set SIGTERM to SIG_IGN by then,
  // which an ASan build on a loaded machine did not always do within 50 ms.
  call_context ctx{.deadline = clock_type::now() + 250ms,
                   .extra_env = {"FAKE_RUNC_IGNORE_SIGTERM=1", "FAKE_RUNC_SLEEP_MS=1000"},
                   .on_stop = {.signal = SIGTERM, .grace = 5s}};
  auto started = c.start("x", ctx);  // captured output
  EXPECT_TRUE(started) << started.error();
  ctx.deadline = clock_type::now() + 250ms;
  auto created = c.create("x", "/nonexistent-bundle", {}, ctx);  // runc's stdio is the io's
  EXPECT_TRUE(created) << created.error();
  std::stop_source stop;
  ctx.deadline.reset();
  ctx.stop = stop.get_token();
  std::jthread stopper([&] {
    std::this_thread::sleep_for(250ms);
    stop.request_stop();
  });
  auto ran = c.run("x", "/nonexistent-bundle", {}, ctx);
  ASSERT_TRUE(ran) << ran.error();
  EXPECT_EQ(*ran, exit_status::exited(0));
}

TEST_F(client_fake, a_runc_that_fails_after_the_stop_is_a_timeout) {
  auto c = make();
  call_context ctx{.deadline = clock_type::now() + 50ms,
                   .extra_env = {"FAKE_RUNC_IGNORE_SIGTERM=1", "FAKE_RUNC_SLEEP_MS=300", "FAKE_RUNC_EXIT=1"},
                   .on_stop = {.signal = SIGTERM, .grace = 5s}};
  auto r = c.create("x", "/nonexistent-bundle", {}, ctx);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::timeout);
  EXPECT_EQ(r.error().exit(), exit_status::exited(1));
}

TEST_F(client_fake, stop_token_cancels) {
  auto c = make();
  std::stop_source source;
  std::jthread canceller([&] {
    std::this_thread::sleep_for(100ms);
    source.request_stop();
  });
  auto start = clock_type::now();
  auto r = c.start("x", {.stop = source.get_token(), .extra_env = {"FAKE_RUNC_HANG=1"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::cancelled);
  EXPECT_LT(clock_type::now() - start, 2s);
}

TEST_F(client_fake, already_cancelled_spawns_nothing) {
  auto c = make();
  std::stop_source source;
  source.request_stop();
  auto r = c.start("x", {.stop = source.get_token(), .extra_env = {record_env()}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::cancelled);
  EXPECT_FALSE(std::filesystem::exists(record_path()));
}

TEST_F(client_fake, on_started_gets_the_pid) {
  auto c = make();
  int seen = 0;
  auto r = c.start("x", {.extra_env = {record_env()}, .on_started = [&](int pid) { seen = pid; }});
  ASSERT_TRUE(r) << r.error();
  EXPECT_GT(seen, 0);
  EXPECT_EQ(record()["pid"].get<int>(), seen);
}

TEST_F(client_fake, environment_strips_notify_socket_and_last_value_wins) {
  ::setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
  ::setenv("RUNCPP_TEST_INHERITED", "inherited", 1);
  auto c = make(config{.extra_env = {"RUNCPP_TEST_INHERITED=config", "RUNCPP_TEST_CFG=1"}});
  auto r = c.start("x", {.extra_env = {record_env(), "RUNCPP_TEST_INHERITED=call"}});
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("RUNCPP_TEST_INHERITED");
  ASSERT_TRUE(r) << r.error();
  auto env = record()["env"].get<std::vector<std::string>>();
  EXPECT_THAT(env, Not(Contains(HasSubstr("NOTIFY_SOCKET"))));
  EXPECT_EQ(std::count_if(env.begin(), env.end(),
                          [](auto& e) { return e.starts_with("RUNCPP_TEST_INHERITED="); }),
            1);
  EXPECT_THAT(env, Contains("RUNCPP_TEST_INHERITED=call"));
  EXPECT_THAT(env, Contains("RUNCPP_TEST_CFG=1"));
}

TEST_F(client_fake, runc_sees_exactly_fds_0_to_2) {
  int leaky = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  ASSERT_GE(leaky, 3);
  auto c = make();
  auto r = c.start("x", {.extra_env = {record_env()}});
  ::close(leaky);
  ASSERT_TRUE(r) << r.error();
  EXPECT_THAT(record()["fds"].get<std::vector<int>>(), ElementsAre(0, 1, 2));
}

TEST_F(client_fake, signal_mask_and_dispositions_are_reset) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &block, &old), 0);
  auto old_pipe = ::signal(SIGPIPE, SIG_IGN);
  auto c = make();
  auto r = c.start("x", {.extra_env = {record_env()}});
  ::signal(SIGPIPE, old_pipe);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(r) << r.error();
  auto rec = record();
  EXPECT_TRUE(rec["sigmask_empty"].get<bool>());
  EXPECT_TRUE(rec["ignored_signals"].empty()) << rec["ignored_signals"].dump();
}

TEST_F(client_fake, setpgid_and_work_dir) {
  auto c = make(config{.work_dir = dir_.path(), .setpgid = true});
  auto r = c.start("x", {.extra_env = {record_env()}});
  ASSERT_TRUE(r) << r.error();
  auto rec = record();
  EXPECT_TRUE(rec["pgid_is_pid"].get<bool>());
  EXPECT_EQ(rec["cwd"].get<std::string>(), std::filesystem::canonical(dir_.path()).string());

  auto plain = make();
  ASSERT_TRUE(plain.start("x", {.extra_env = {record_env()}}));
  EXPECT_FALSE(record()["pgid_is_pid"].get<bool>());
}

TEST_F(client_fake, pdeath_signal_uses_the_fork_path_with_the_same_hygiene) {
  int leaky = ::open("/dev/null", O_RDONLY);
  auto c = make(config{.work_dir = dir_.path(), .setpgid = true, .pdeath_signal = SIGKILL});
  auto r = c.start("x", {.extra_env = {record_env()}});
  ::close(leaky);
  ASSERT_TRUE(r) << r.error();
  auto rec = record();
  EXPECT_THAT(rec["fds"].get<std::vector<int>>(), ElementsAre(0, 1, 2));
  EXPECT_TRUE(rec["pgid_is_pid"].get<bool>());
  EXPECT_TRUE(rec["sigmask_empty"].get<bool>());
  EXPECT_EQ(rec["cwd"].get<std::string>(), std::filesystem::canonical(dir_.path()).string());
  EXPECT_EQ(rec["pdeath_signal"].get<int>(), SIGKILL);

  client missing(config{.command = "/nonexistent/runc", .pdeath_signal = SIGKILL});
  auto m = missing.list();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), errc::spawn_failed);
}

TEST_F(client_fake, create_gives_runc_dev_null_and_returns_on_exit) {
  auto c = make();
  auto start = clock_type::now();
  auto r = c.create("web", "/bundle", {}, {.extra_env = {record_env(), "FAKE_RUNC_GRANDCHILD_MS=5000"}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_LT(clock_type::now() - start, 1s);
  auto rec = record();
  EXPECT_TRUE(rec["stdin_is_devnull"].get<bool>());
  EXPECT_TRUE(rec["stdout_is_devnull"].get<bool>());
  EXPECT_TRUE(rec["stderr_is_devnull"].get<bool>());
  auto argv = rec["argv"].get<std::vector<std::string>>();
  // A private per-call log carries runc's error back (its stderr is the container's).
  ASSERT_GE(argv.size(), 5u);
  EXPECT_EQ(argv[1], "--log");
  EXPECT_EQ(argv[3], "--log-format");
  EXPECT_EQ(argv[4], "json");
  EXPECT_FALSE(std::filesystem::exists(argv[2])) << "per-call log not removed";
  EXPECT_THAT(std::vector(argv.begin() + 5, argv.end()), ElementsAre("create", "--bundle", "/bundle", "web"));
}

TEST_F(client_fake, create_failure_reads_runcs_error_from_the_log) {
  auto c = make();
  auto r = c.create("web", "/bundle", {},
                    {.extra_env = {"FAKE_RUNC_EXIT=1",
                                   "FAKE_RUNC_LOG_ERROR=container with given ID already exists"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::already_exists);
  EXPECT_EQ(r.error().message(), "container with given ID already exists");
  EXPECT_EQ(r.error().runtime_message(), "container with given ID already exists");
}

TEST_F(client_fake, create_failure_without_a_log_record_is_still_an_error) {
  auto c = make();
  auto r = c.create("web", "/bundle", {}, {.extra_env = {"FAKE_RUNC_EXIT=1"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::command_failed);
}

TEST_F(client_fake, config_log_is_used_and_only_new_records_count) {
  auto log = dir_.path() / "runc.log";
  std::ofstream(log) << "{\"level\":\"error\",\"msg\":\"an old error\"}\n";
  auto c = make(config{.log = log, .log_format = log_format::json});
  auto r =
      c.create("web", "/b", {},
               {.extra_env = {record_env(), "FAKE_RUNC_EXIT=1", "FAKE_RUNC_LOG_ERROR=container paused"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::paused);
  auto argv = record()["argv"].get<std::vector<std::string>>();
  EXPECT_THAT(argv, ElementsAre(testing::fake_runc_path(), "--log", log.string(), "--log-format", "json",
                                "create", "--bundle", "/b", "web"));
}

TEST_F(client_fake, foreground_run_returns_the_container_status_as_a_value) {
  auto c = make();
  auto r = c.run("web", "/b", {}, {.extra_env = {"FAKE_RUNC_EXIT=3"}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, exit_status::exited(3));
  auto failed = c.run("web", "/b", {},
                      {.extra_env = {"FAKE_RUNC_EXIT=1", "FAKE_RUNC_LOG_ERROR=runc run failed: boom"}});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), "runc run failed: boom");
  auto detached = c.run("web", "/b", {.detach = true}, {.extra_env = {"FAKE_RUNC_EXIT=1"}});
  ASSERT_FALSE(detached);  // with --detach runc's status is runc's own
}

TEST_F(client_fake, inherit_io_passes_the_callers_fds) {
  auto c = make();
  auto r = c.create("web", "/b", {.io = inherit_io()}, {.extra_env = {record_env()}});
  ASSERT_TRUE(r) << r.error();
  struct stat mine {};
  ::fstat(2, &mine);
  auto rec = record();
  EXPECT_EQ(rec["stderr_is_devnull"].get<bool>(), mine.st_rdev == makedev(1, 3) && S_ISCHR(mine.st_mode));
}

TEST_F(client_fake, invalid_id_spawns_nothing) {
  auto c = make();
  auto r = c.kill("--all", 9, {}, {.extra_env = {record_env()}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(record_path()));
}

TEST_F(client_fake, kill_passes_signal_0_and_refuses_outside_0_to_64) {
  auto c = make();
  auto probe = c.kill("web", 0, {}, {.extra_env = {record_env()}});
  ASSERT_TRUE(probe) << probe.error();  // the liveness probe reaches runc
  EXPECT_THAT(record()["argv"].get<std::vector<std::string>>(),
              ::testing::ElementsAre(testing::fake_runc_path(), "kill", "web", "0"));
  std::filesystem::remove(record_path());
  for (int sig : {-1, 65}) {
    auto r = c.kill("web", sig, {}, {.extra_env = {record_env()}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), errc::invalid_argument) << sig;
    EXPECT_FALSE(std::filesystem::exists(record_path())) << sig;
  }
}

TEST_F(client_fake, concurrent_calls_from_16_threads) {
  auto c = make();
  std::atomic<int> ok{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 16; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 16; ++i) {
          auto v = c.version({.extra_env = {"FAKE_RUNC_STDOUT=runc version 1.1.5\n"}});
          if (v && v->version == "1.1.5") ++ok;
        }
      });
  }
  EXPECT_EQ(ok.load(), 256);
}

TEST_F(client_fake, a_thousand_calls_leave_the_fd_count_unchanged) {
  auto c = make();
  auto before = testing::open_fds().size();
  int failures = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = i % 2 == 0 ? c.start("x") : c.start("x", {.extra_env = {"FAKE_RUNC_EXIT=1"}});
    if (static_cast<bool>(r) != (i % 2 == 0)) ++failures;
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(testing::open_fds().size(), before);
}

}  // namespace
}  // namespace runcpp
