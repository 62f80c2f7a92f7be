// ttrpc::client against ttrpc::server on a unix socket in a temporary
// directory: unary calls, stream ids, metadata and timeout_nano on the wire,
// local timeouts, unavailable, reconnecting after the server went away.
#include <runcpp/ttrpc/client.hpp>
#include <runcpp/ttrpc/server.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "peer.hpp"
#include "support/hygiene.hpp"

namespace runcpp::ttrpc {
namespace {

using namespace std::chrono_literals;
using testing::run_until;

constexpr const char* events = "containerd.services.events.ttrpc.v1.Events";

struct result {
  status st;
  std::string payload;
};

class ttrpc_client : public runcpp::testing::hygiene_test {
 protected:
  void SetUp() override {
    hygiene_test::SetUp();
    dir.emplace();
    path = *dir / "ttrpc.sock";
    l = loop::create();
    start_server();
  }
  void TearDown() override {
    waits.clear();
    srv.reset();
    listener.reset();
    l.reset();
    dir.reset();
    hygiene_test::TearDown();
  }

  void start_server() {
    if (!listener) listener = testing::listen_unix(path);
    srv = std::make_unique<server>(*l);
    srv->add(events, "Forward", [this](const request_info& info, std::string_view p, responder r) {
      seen.push_back({std::string(p), info.stream_id, info.deadline, *info.metadata});
      r.reply(testing::cat("ok:", p));
    });
    srv->add(events, "Hang",
             [this](const request_info&, std::string_view, responder r) { waits.push_back(std::move(r)); });
    srv->serve(listener.get());
  }

  // Calls and runs the loop until the callback ran.
  result call(client& c, std::string method, std::string payload, std::chrono::nanoseconds timeout = 0ns,
              std::vector<metadata_entry> md = {}) {
    std::optional<result> got;
    int calls = 0;
    c.call(events, std::move(method), std::move(payload), timeout, std::move(md),
           [&](status st, std::string p) {
             ++calls;
             got = result{std::move(st), std::move(p)};
           });
    EXPECT_FALSE(got.has_value()) << "callback ran inside call()";
    EXPECT_TRUE(run_until(*l, [&] { return got.has_value(); }));
    testing::run_for(*l, 5ms);
    EXPECT_EQ(calls, 1);
    return got.value_or(result{{code::unknown, "no callback"}, {}});
  }

  struct seen_request {
    std::string payload;
    std::uint32_t stream_id;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    std::vector<metadata_entry> metadata;
  };
  std::optional<runcpp::testing::temp_dir> dir;
  std::filesystem::path path;
  std::unique_ptr<loop> l;
  owned_fd listener;
  std::unique_ptr<server> srv;
  std::vector<seen_request> seen;
  std::vector<responder> waits;
};

TEST_F(ttrpc_client, UnaryCallsUseOddStreamIdsFromOne) {
  client c(*l, path.string());
  for (int i = 0; i < 3; ++i) {
    const result r = call(c, "Forward", testing::cat("e", std::to_string(i)));
    EXPECT_TRUE(r.st.ok()) << r.st.message;
    EXPECT_EQ(r.payload, testing::cat("ok:e", std::to_string(i)));
  }
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].stream_id, 1u);
  EXPECT_EQ(seen[1].stream_id, 3u);
  EXPECT_EQ(seen[2].stream_id, 5u);
  EXPECT_TRUE(c.connected());
}

TEST_F(ttrpc_client, MetadataAndTimeoutGoOnTheWire) {
  client c(*l, path.string());
  const auto before = std::chrono::steady_clock::now();
  const result r = call(c, "Forward", "x", 5s, {{"containerd-namespace-ttrpc", "k8s.io"}});
  EXPECT_TRUE(r.st.ok());
  ASSERT_EQ(seen.size(), 1u);
  ASSERT_TRUE(seen[0].deadline.has_value());
  EXPECT_GT(*seen[0].deadline, before + 4s);
  EXPECT_LE(*seen[0].deadline, std::chrono::steady_clock::now() + 5s);
  ASSERT_EQ(seen[0].metadata.size(), 1u);
  EXPECT_EQ(seen[0].metadata[0].key, "containerd-namespace-ttrpc");
  EXPECT_EQ(seen[0].metadata[0].value, "k8s.io");
  EXPECT_EQ(l->timer_count(), 0u);  // the local timer went with the answer
}

TEST_F(ttrpc_client, ErrorsComeBackAsStatus) {
  client c(*l, path.string());
  const result r = call(c, "Publish", "x");
  EXPECT_EQ(r.st.c, code::unimplemented);
  EXPECT_EQ(r.st.message, "method Publish");
}

TEST_F(ttrpc_client, PipelinedCallsCompleteOutOfOrder) {
  client c(*l, path.string());
  std::vector<std::string> order;
  c.call(events, "Hang", "", 0ns, {},
         [&](status st, std::string) { order.push_back(testing::cat("hang:", to_string(st.c))); });
  c.call(events, "Forward", "a", 0ns, {}, [&](status, std::string p) { order.push_back(p); });
  ASSERT_TRUE(run_until(*l, [&] { return order.size() == 1 && waits.size() == 1; }));
  EXPECT_EQ(c.in_flight(), 1u);
  waits[0].reply("");
  ASSERT_TRUE(run_until(*l, [&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<std::string>{"ok:a", "hang:OK"}));
}

TEST_F(ttrpc_client, LocalTimerAnswersWhenTheServerDoesNotRead) {
  srv.reset();  // the socket still listens: the connection waits in the backlog, unread
  client c(*l, path.string());
  const auto start = std::chrono::steady_clock::now();
  const result r = call(c, "Forward", "x", 50ms);
  EXPECT_EQ(r.st.c, code::deadline_exceeded);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_EQ(c.in_flight(), 0u);
}

TEST_F(ttrpc_client, UnavailableWhenNothingListens) {
  client c(*l, (*dir / "nobody.sock").string());
  const result r = call(c, "Forward", "x");
  EXPECT_EQ(r.st.c, code::unavailable);
  EXPECT_NE(r.st.message.find("No such file or directory"), std::string::npos) << r.st.message;
  EXPECT_FALSE(c.connected());
}

TEST_F(ttrpc_client, InFlightCallsFailUnavailableWhenTheConnectionDrops) {
  client c(*l, path.string());
  std::optional<status> got;
  c.call(events, "Hang", "", 0ns, {}, [&](status st, std::string) { got = st; });
  ASSERT_TRUE(run_until(*l, [&] { return waits.size() == 1; }));
  srv.reset();  // closes the connection
  ASSERT_TRUE(run_until(*l, [&] { return got.has_value(); }));
  EXPECT_EQ(got->c, code::unavailable);
  EXPECT_FALSE(c.connected());
}

TEST_F(ttrpc_client, ReconnectsAfterTheServerCameBack) {
  client c(*l, path.string());
  EXPECT_TRUE(call(c, "Forward", "1").st.ok());
  srv.reset();
  listener.reset();
  std::filesystem::remove(path);
  ASSERT_TRUE(run_until(*l, [&] { return !c.connected(); }));
  EXPECT_EQ(call(c, "Forward", "2").st.c, code::unavailable);
  start_server();
  const result r = call(c, "Forward", "3");
  EXPECT_TRUE(r.st.ok()) << r.st.message;
  EXPECT_EQ(r.payload, "ok:3");
  EXPECT_EQ(seen.back().stream_id, 1u);  // a new connection starts again at 1
}

TEST_F(ttrpc_client, TooLargeRequestIsRefusedLocally) {
  client c(*l, path.string(), 8);
  const result r = call(c, "Forward", std::string(9, 'x'));
  EXPECT_EQ(r.st.c, code::resource_exhausted);
  EXPECT_TRUE(seen.empty());
}

TEST_F(ttrpc_client, DestroyedClientNeverCallsBack) {
  bool called = false;
  {
    client c(*l, path.string());
    c.call(events, "Hang", "", 10s, {}, [&](status, std::string) { called = true; });
    ASSERT_TRUE(run_until(*l, [&] { return waits.size() == 1; }));
  }
  {
    client gone(*l, (*dir / "nobody.sock").string());
    gone.call(events, "Forward", "", 0ns, {}, [&](status, std::string) { called = true; });
  }
  testing::run_for(*l, 20ms);
  EXPECT_FALSE(called);
  EXPECT_EQ(l->timer_count(), 0u);
  ASSERT_TRUE(run_until(*l, [&] { return srv->connections() == 0; }));
}

}  // namespace
}  // namespace runcpp::ttrpc
