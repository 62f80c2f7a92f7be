// The real runc 1.1.5 and crun 1.8.1 with a busybox bundle: stats() and the
// events() stream — stats samples, an OOM event, stopping the stream, and the
// errors of a missing container. crun 1.8.1 has no `events` command: there each
// test asserts errc::unsupported (docs/runtimes.md).
// Needs root; skips with a printed reason when a runtime or busybox-static is
// missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <runcpp/runcpp.hpp>

#include "runc/runc_fixture.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr std::int64_t mib = 1024 * 1024;

class runc_events : public testing::runc_fixture {};

call_context within(std::chrono::milliseconds d) {
  return {.deadline = std::chrono::steady_clock::now() + d};
}

// crun has no `events`: stats() fails and an events() stream's only item is the
// error, both errc::unsupported.
void expect_events_unsupported(const client& c, const std::string& id) {
  auto s = c.stats(id);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), errc::unsupported) << s.error();
  EXPECT_THAT(s.error().message(), HasSubstr("unknown command events")) << s.error();

  auto stream = c.events(id, 200ms);
  ASSERT_TRUE(stream) << stream.error();
  auto item = stream->next(within(5s));
  ASSERT_TRUE(item.has_value()) << "the stream ended without crun's error";
  ASSERT_FALSE(*item) << "crun printed an event";
  EXPECT_EQ(item->error().code(), errc::unsupported) << item->error();
  EXPECT_FALSE(stream->next(within(5s)).has_value()) << "items after the unsupported error";
  EXPECT_TRUE(stream->ended());
  ASSERT_TRUE(stream->end_status());
  EXPECT_EQ(*stream->end_status(), exit_status::exited(1));
}

TEST_P(runc_events, stats_of_a_busy_container_has_cpu_and_memory) {
  auto id = run_detached({"sh", "-c", "while true; do :; done"});
  if (is_crun()) return expect_events_unsupported(*client_, id);
  std::this_thread::sleep_for(300ms);  // let it burn some cpu
  auto s = client_->stats(id);
  ASSERT_TRUE(s) << s.error();
  ASSERT_TRUE(s->cpu && s->cpu->usage && s->cpu->usage->total) << "no cpu.usage.total in runc's stats";
  EXPECT_GT(*s->cpu->usage->total, 0u);
  ASSERT_TRUE(s->memory && s->memory->usage && s->memory->usage->usage)
      << "no memory.usage.usage in runc's stats";
  EXPECT_GT(*s->memory->usage->usage, 0u);
  ASSERT_TRUE(s->pids && s->pids->current);
  EXPECT_GE(*s->pids->current, 1u);
}

TEST_P(runc_events, events_stream_delivers_stats_and_stops_cleanly) {
  auto id = run_detached({"sh", "-c", "while true; do :; done"});
  if (is_crun()) return expect_events_unsupported(*client_, id);
  auto stream = client_->events(id, 200ms);
  ASSERT_TRUE(stream) << stream.error();
  EXPECT_GE(stream->pollable(), 0);

  std::vector<std::uint64_t> cpu;
  std::vector<std::string> problems;
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until) {
    auto item = stream->next({.deadline = until});
    ASSERT_TRUE(item.has_value()) << "the events stream ended early ("
                                  << (stream->end_status() ? stream->end_status()->to_string() : "?")
                                  << "); error items: " << ::testing::PrintToString(problems);
    if (!*item) {
      if (item->error().code() == errc::timeout) break;  // the 2 s are over
      problems.push_back(item->error().to_string());
      continue;
    }
    const event& e = **item;
    EXPECT_EQ(e.id, id);
    if (e.kind() != event_type::stats) continue;
    ASSERT_TRUE(e.data && e.data->cpu && e.data->cpu->usage && e.data->cpu->usage->total)
        << "a stats event without cpu.usage.total";
    cpu.push_back(*e.data->cpu->usage->total);
  }
  EXPECT_TRUE(problems.empty()) << "error items: " << ::testing::PrintToString(problems);
  EXPECT_GE(cpu.size(), 5u) << "stats events in 2 s at a 200 ms interval";
  for (std::size_t i = 1; i < cpu.size(); ++i)
    EXPECT_GE(cpu[i], cpu[i - 1]) << "cpu total went down between events " << i - 1 << " and " << i;
  if (cpu.size() >= 2) {
    EXPECT_GT(cpu.back(), cpu.front()) << "a busy loop used no cpu over 2 s";
  }

  const auto stop_started = std::chrono::steady_clock::now();
  auto st = stream->stop();
  ASSERT_TRUE(st) << st.error();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 3s);
  EXPECT_TRUE(stream->ended());
  EXPECT_EQ(stream->end_status(), *st);
  EXPECT_FALSE(stream->next(within(1s)).has_value()) << "items after stop()";
  auto again = stream->stop();  // idempotent
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, *st);
  EXPECT_TRUE(testing::child_processes().empty()) << "runc events still runs (or is unreaped) after stop()";
}

TEST_P(runc_events, oom_event_arrives) {
  auto id = new_id();
  bundle_->set_args({"sh", "-c", "x=a; while true; do x=$x$x; done"});
  bundle_->set_memory_limit(16 * mib);
  bundle_->write();
  // create first and start only once runc events has registered for OOM
  // notifications (it does that before its first stats tick).
  auto created = client_->create(id, bundle_->path());
  ASSERT_TRUE(created) << created.error();
  if (is_crun()) return expect_events_unsupported(*client_, id);  // oom_kills_the_container covers crun
  auto stream = client_->events(id, 200ms);
  ASSERT_TRUE(stream) << stream.error();
  auto first = stream->next(within(5s));
  ASSERT_TRUE(first.has_value()) << "the events stream ended before its first event";
  ASSERT_TRUE(*first) << "first event: " << first->error();
  ASSERT_TRUE(client_->start(id));

  bool oom = false;
  std::size_t stats_seen = 0;
  std::vector<std::string> problems;
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!oom) {
    auto item = stream->next({.deadline = until});
    if (!item) break;  // stream ended
    if (!*item) {
      if (item->error().code() == errc::timeout) break;
      problems.push_back(item->error().to_string());
      continue;
    }
    if ((*item)->kind() == event_type::oom) {
      oom = true;
      EXPECT_EQ((*item)->id, id);
      EXPECT_EQ((*item)->type, "oom");
      EXPECT_FALSE((*item)->data.has_value());
    } else if ((*item)->kind() == event_type::stats) {
      ++stats_seen;
    }
  }
  EXPECT_TRUE(oom) << "no OOM event within 10 s for a container with a 16 MiB limit that doubles a string "
                      "forever (stats events seen: "
                   << stats_seen << ", error items: " << ::testing::PrintToString(problems)
                   << ", stream ended: " << stream->ended() << ")";
  auto st = stream->stop();
  EXPECT_TRUE(st) << st.error();
}

// What events cannot show on crun, the exit status can: the kernel's OOM killer
// sends SIGKILL, so a foreground run reports 128+9 with both runtimes.
TEST_P(runc_events, oom_kills_the_container) {
  bundle_->set_args({"sh", "-c", "x=a; while true; do x=$x$x; done"});
  bundle_->set_memory_limit(16 * mib);
  bundle_->write();
  auto r = client_->run(new_id(), bundle_->path());
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->go_status(), 128 + SIGKILL);
}

TEST_P(runc_events, stats_of_a_missing_container_is_not_found) {
  // crun rejects the unknown command before it looks the container up.
  if (is_crun()) return expect_events_unsupported(*client_, "does-not-exist");
  auto s = client_->stats("does-not-exist");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), errc::not_found) << s.error();
  EXPECT_EQ(s.error().message(), "container does not exist");
  EXPECT_EQ(s.error().exit(), exit_status::exited(1));
}

TEST_P(runc_events, events_of_a_missing_container_end_with_not_found) {
  if (is_crun()) return expect_events_unsupported(*client_, "does-not-exist");
  auto stream = client_->events("does-not-exist", 200ms);
  ASSERT_TRUE(stream) << stream.error();  // runc started; its error is the last item
  auto item = stream->next(within(5s));
  ASSERT_TRUE(item.has_value()) << "the stream ended without runc's error";
  ASSERT_FALSE(*item) << "an event for a missing container";
  EXPECT_EQ(item->error().code(), errc::not_found) << item->error();
  EXPECT_EQ(item->error().message(), "container does not exist");
  EXPECT_FALSE(stream->next(within(5s)).has_value());
  EXPECT_TRUE(stream->ended());
  ASSERT_TRUE(stream->end_status());
  EXPECT_EQ(*stream->end_status(), exit_status::exited(1));
}

TEST_P(runc_events, events_interval_must_be_positive) {
  auto stream = client_->events("any", 0ms);
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().code(), errc::invalid_argument);
}

RUNCPP_ALL_RUNTIMES(events, runc_events);

}  // namespace
}  // namespace runcpp
