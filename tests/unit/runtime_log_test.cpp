// Reading and classifying runc's error messages. The lines are runc 1.1.5's
// and crun 1.8.1's real stderr (see tests/data/*/errors for the full captures).
#include <gtest/gtest.h>

#include "runtime_log.hpp"
#include "support/hygiene.hpp"

namespace runcpp::detail {
namespace {

TEST(runtime_message, text_format_record) {
  EXPECT_EQ(runtime_message("time=\"2026-11-28T13:16:39Z\" level=error msg=\"container does not exist\"\n"),
            "container does not exist");
}

TEST(runtime_message, json_format_record) {
  EXPECT_EQ(
      runtime_message(
          "{\"level\":\"error\",\"msg\":\"container does not exist\",\"time\":\"2026-11-28T13:16:39Z\"}"),
      "container does not exist");
}

TEST(runtime_message, go_quoting_is_undone_and_trailing_newline_trimmed) {
  EXPECT_EQ(runtime_message(R"(time="x" level=error msg="No help topic for 'bogus'\n")"),
            "No help topic for 'bogus'");
  EXPECT_EQ(runtime_message(R"x(time="x" level=error msg="runc: \"state\" requires exactly 1 argument(s)")x"),
            "runc: \"state\" requires exactly 1 argument(s)");
}

TEST(runtime_message, last_error_record_wins_over_earlier_and_other_levels) {
  std::string text =
      "time=\"t\" level=warning msg=\"ignoring\"\n"
      "time=\"t\" level=error msg=\"first\"\n"
      "time=\"t\" level=info msg=\"later info\"\n"
      "{\"level\":\"error\",\"msg\":\"second\"}\n";
  EXPECT_EQ(runtime_message(text), "second");
}

TEST(runtime_message, bare_line_when_no_record) {
  // runc prints the bare message on stderr when --log is a file; crun always does.
  EXPECT_EQ(runtime_message("\n  container does not exist\n"), "container does not exist");
  EXPECT_EQ(runtime_message("error opening file `/tmp/cr/nope/status`: No such file or directory\n"),
            "error opening file `/tmp/cr/nope/status`: No such file or directory");
  EXPECT_EQ(runtime_message(""), "");
}

TEST(last_error_record, none_for_plain_text_or_malformed) {
  EXPECT_FALSE(last_error_record("just text"));
  EXPECT_FALSE(last_error_record("{\"level\":3}"));
  EXPECT_FALSE(last_error_record("{not json"));
  EXPECT_FALSE(last_error_record("level=error"));  // no msg
  EXPECT_EQ(last_error_record("level=fatal msg=boom"), "boom");
}

TEST(last_error_record, json_records_keep_the_last_of_duplicate_keys_and_refuse_a_nul) {
  EXPECT_EQ(last_error_record(R"({"level":"info","msg":"a","level":"error","msg":"b"})"), "b");
  EXPECT_FALSE(last_error_record(std::string(R"({"level":"error","msg":"a"})") + '\0'));
}

struct classification {
  const char* message;
  errc code;
};

class classify : public ::testing::TestWithParam<classification> {};

TEST_P(classify, maps_real_runtime_messages) {
  EXPECT_EQ(classify_message(GetParam().message), GetParam().code);
}

INSTANTIATE_TEST_SUITE_P(
    runtime_messages, classify,
    ::testing::Values(
        classification{"container does not exist", errc::not_found},
        classification{"error opening file `/tmp/cr/nope/status`: No such file or directory",
                       errc::not_found},
        classification{"cannot open directory '/tmp/cr/nope': No such file or directory", errc::not_found},
        classification{"container with given ID already exists", errc::already_exists},
        classification{"cannot delete container t1 that is not stopped: running", errc::still_running},
        classification{"container not running", errc::not_running},
        classification{"container paused", errc::paused},
        classification{"container not paused", errc::not_paused},
        classification{"invalid container ID format", errc::invalid_argument},
        classification{"unknown command features", errc::unsupported},
        classification{"flag provided but not defined: -bogus", errc::unsupported},
        classification{"File config.json exists. Remove it first", errc::already_exists},
        classification{"runc create failed: chdir /nonexist: no such file or directory",
                       errc::command_failed}));

}  // namespace
}  // namespace runcpp::detail

namespace runcpp::detail {
namespace {

struct captured {
  const char* file;  // under tests/data, text and json variants both exist
  errc code;
};

class classify_captured : public ::testing::TestWithParam<captured> {};

TEST_P(classify_captured, real_stderr_in_both_log_formats) {
  for (const char* format : {"-text.txt", "-json.txt"}) {
    std::string stderr_text = testing::test_data(std::string(GetParam().file) + format);
    std::string msg = runtime_message(stderr_text);
    EXPECT_FALSE(msg.empty());
    EXPECT_EQ(msg.find("level="), std::string::npos) << msg;  // runc's own words, no record syntax
    EXPECT_EQ(msg.find("{\""), std::string::npos) << msg;
    EXPECT_EQ(classify_message(msg), GetParam().code) << GetParam().file << format << ": " << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(
    runc_1_1_5_and_crun_1_8_1, classify_captured,
    ::testing::Values(captured{"runc-1.1.5/errors/state-missing", errc::not_found},
                      captured{"runc-1.1.5/errors/delete-running", errc::still_running},
                      captured{"runc-1.1.5/errors/kill-stopped", errc::not_running},
                      captured{"runc-1.1.5/errors/create-exists", errc::already_exists},
                      captured{"runc-1.1.5/errors/pause-paused", errc::not_running},
                      captured{"runc-1.1.5/errors/resume-running", errc::not_paused},
                      captured{"runc-1.1.5/errors/start-running", errc::still_running},
                      captured{"runc-1.1.5/errors/invalid-id", errc::invalid_argument},
                      captured{"runc-1.1.5/errors/invalid-id-state", errc::invalid_argument},
                      captured{"runc-1.1.5/errors/exec-stopped", errc::not_running},
                      captured{"runc-1.1.5/errors/exec-paused", errc::paused},
                      captured{"crun-1.8.1/errors/state-missing", errc::not_found},
                      captured{"crun-1.8.1/errors/delete-running", errc::still_running},
                      captured{"crun-1.8.1/errors/kill-stopped", errc::not_running},
                      captured{"crun-1.8.1/errors/create-exists", errc::already_exists},
                      captured{"crun-1.8.1/errors/start-running", errc::still_running},
                      captured{"crun-1.8.1/errors/features-unsupported", errc::unsupported},
                      captured{"crun-1.8.1/errors/ps-args", errc::unsupported},
                      captured{"crun-1.8.1/errors/exec-stopped", errc::not_running},
                      captured{"crun-1.8.1/errors/exec-paused", errc::paused},
                      captured{"crun-1.8.1/errors/events-unsupported", errc::unsupported},
                      captured{"crun-1.8.1/errors/pidfd-socket-unsupported", errc::unsupported},
                      // A stopped container whose init was reaped (not a zombie).
                      captured{"runc-1.1.5/errors/kill-reaped", errc::not_running},
                      captured{"runc-1.1.5/errors/pause-reaped", errc::not_running},
                      captured{"runc-1.1.5/errors/resume-reaped", errc::not_paused},
                      captured{"crun-1.8.1/errors/kill-reaped", errc::not_running},
                      captured{"crun-1.8.1/errors/pause-reaped", errc::not_running},
                      captured{"crun-1.8.1/errors/resume-reaped", errc::not_running}));

}  // namespace
}  // namespace runcpp::detail
