// ttrpc::server end to end over socketpairs and unix sockets, driven by a raw
// peer that writes crafted frames: pipelining and out-of-order answers, Wait-like
// handlers, the answers the server gives by itself, malformed input and peers
// that go away. Every test checks for leaked fds (hygiene_test).
#include <runcpp/ttrpc/server.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "peer.hpp"
#include "support/hygiene.hpp"
#include "vectors.hpp"

namespace runcpp::ttrpc {
namespace {

using namespace std::chrono_literals;
using testing::raw_peer;
using testing::run_for;
using testing::run_until;

constexpr const char* task = "containerd.task.v2.Task";

wire::request req(std::string method, std::string payload = {}, std::int64_t timeout_nano = 0) {
  return {task, std::move(method), std::move(payload), timeout_nano, {}};
}

class ttrpc_server : public runcpp::testing::hygiene_test {
 protected:
  void SetUp() override {
    hygiene_test::SetUp();
    l = loop::create();
    srv = std::make_unique<server>(*l);
    srv->add(task, "Echo",
             [](const request_info&, std::string_view p, responder r) { r.reply(std::string(p)); });
    srv->add(task, "Wait", [this](const request_info& info, std::string_view p, responder r) {
      waits.push_back({std::string(p), info.deadline.has_value(), std::move(r)});
    });
    srv->add(task, "Drop", [](const request_info&, std::string_view, responder) {});
    srv->add(task, "Throw", [](const request_info&, std::string_view, responder) {
      throw std::runtime_error("handler failed");
    });
  }
  void TearDown() override {
    waits.clear();
    srv.reset();
    l.reset();
    hygiene_test::TearDown();
  }

  raw_peer connect_pair() {
    int server_end = -1;
    raw_peer p = raw_peer::pair(server_end);
    srv->adopt(server_end);
    return p;
  }

  struct waiting {
    std::string payload;
    bool had_deadline;
    responder r;
  };
  std::vector<waiting> waits;
  std::unique_ptr<loop> l;
  std::unique_ptr<server> srv;
};

TEST_F(ttrpc_server, AnswersCapturedConnectRequestLikeTheGoShim) {
  srv->add(task, "Connect", [](const request_info& info, std::string_view p, responder r) {
    EXPECT_EQ(info.service, task);
    EXPECT_EQ(info.method, "Connect");
    EXPECT_EQ(info.stream_id, 3u);
    EXPECT_FALSE(info.deadline.has_value());
    EXPECT_TRUE(info.metadata && info.metadata->empty());
    EXPECT_EQ(p, testing::unhex("0a0463617031"));
    r.reply(testing::unhex("08e34d10a84e"));
  });
  raw_peer p = connect_pair();
  p.write(testing::unhex(testing::connect_request_hex));
  const auto f = p.read_frame(*l);
  ASSERT_TRUE(f.has_value());
  std::string bytes(frame_header_size, '\0');
  encode_header(f->header, bytes.data());
  EXPECT_EQ(testing::hex(bytes + f->body), testing::connect_response_hex);
}

TEST_F(ttrpc_server, PipelinedRequestsAreAnsweredOutOfOrder) {
  raw_peer p = connect_pair();
  // One write: Wait(1), Echo(3), Wait(5), Echo(7).
  p.write(wire::request_frame(1, req("Wait", "w1")) + wire::request_frame(3, req("Echo", "e3")) +
          wire::request_frame(5, req("Wait", "w5")) + wire::request_frame(7, req("Echo", "e7")));
  auto r3 = p.read_response(*l, 3);
  auto r7 = p.read_response(*l, 7);
  ASSERT_TRUE(r3 && r7);
  EXPECT_EQ(r3->payload, "e3");
  EXPECT_FALSE(r3->st.has_value());
  EXPECT_EQ(r7->payload, "e7");
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_EQ(srv->pending(), 2u);
  waits[1].r.reply("done5");  // the later one first
  auto r5 = p.read_response(*l, 5);
  ASSERT_TRUE(r5);
  EXPECT_EQ(r5->payload, "done5");
  waits[0].r.fail({code::not_found, "no such process"});
  auto r1 = p.read_response(*l, 1);
  ASSERT_TRUE(r1 && r1->st);
  EXPECT_EQ(r1->st->c, code::not_found);
  EXPECT_EQ(r1->st->message, "no such process");
  EXPECT_TRUE(r1->payload.empty());
  EXPECT_EQ(srv->pending(), 0u);
  EXPECT_TRUE(waits[0].r.done());
}

TEST_F(ttrpc_server, BlockedWaitDoesNotHoldUpOtherCallsOrConnections) {
  raw_peer a = connect_pair();
  raw_peer b = connect_pair();
  EXPECT_EQ(srv->connections(), 2u);
  a.write_request(1, req("Wait"));
  ASSERT_TRUE(run_until(*l, [&] { return waits.size() == 1; }));
  for (std::uint32_t id = 3; id < 43; id += 2) {
    a.write_request(id, req("Echo", std::to_string(id)));
    b.write_request(id, req("Echo", testing::cat("b", std::to_string(id))));
    auto ra = a.read_response(*l, id);
    auto rb = b.read_response(*l, id);
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(ra->payload, std::to_string(id));
    EXPECT_EQ(rb->payload, testing::cat("b", std::to_string(id)));
  }
  waits[0].r.reply("exited");
  auto r1 = a.read_response(*l, 1);
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->payload, "exited");
}

TEST_F(ttrpc_server, UnknownServiceOrMethodIsUnimplemented) {
  raw_peer p = connect_pair();
  p.write_request(1, {"containerd.task.v3.Task", "Create", {}, 0, {}});
  p.write_request(3, req("Stats"));
  auto r1 = p.read_response(*l, 1);
  auto r3 = p.read_response(*l, 3);
  ASSERT_TRUE(r1 && r1->st && r3 && r3->st);
  EXPECT_EQ(r1->st->c, code::unimplemented);
  EXPECT_EQ(r1->st->message, "service containerd.task.v3.Task");
  EXPECT_EQ(r3->st->c, code::unimplemented);
  EXPECT_EQ(r3->st->message, "method Stats");
}

TEST_F(ttrpc_server, EvenStreamIdIsInvalidArgument) {
  raw_peer p = connect_pair();
  p.write_request(2, req("Echo", "x"));
  p.write_request(0, req("Echo", "x"));
  for (std::uint32_t id : {2u, 0u}) {
    auto r = p.read_response(*l, id);
    ASSERT_TRUE(r && r->st);
    EXPECT_EQ(r->st->c, code::invalid_argument);
  }
  EXPECT_EQ(srv->pending(), 0u);
}

TEST_F(ttrpc_server, MalformedRequestIsInvalidArgumentAndTheConnectionGoesOn) {
  raw_peer p = connect_pair();
  p.write(encode_frame(9, message_type::request, testing::unhex("0a05616263")));
  auto r = p.read_response(*l, 9);
  ASSERT_TRUE(r && r->st);
  EXPECT_EQ(r->st->c, code::invalid_argument);
  p.write_request(11, req("Echo", "still here"));
  auto r11 = p.read_response(*l, 11);
  ASSERT_TRUE(r11);
  EXPECT_EQ(r11->payload, "still here");
}

TEST_F(ttrpc_server, OversizedRequestIsResourceExhaustedAndItsBytesSkipped) {
  raw_peer p = connect_pair();
  const std::size_t big = default_max_message + 1;
  std::string header(frame_header_size, '\0');
  encode_header({static_cast<std::uint32_t>(big), 5, 1, 0}, header.data());
  p.write(header);
  // The body goes in pieces while the server reads (the socket buffer is smaller).
  const std::string piece(64 * 1024, '\x0a');
  std::size_t sent = 0;
  while (sent < big) {
    const std::size_t n = std::min(piece.size(), big - sent);
    const ssize_t w = ::send(p.fd(), piece.data(), n, MSG_NOSIGNAL);
    if (w > 0)
      sent += static_cast<std::size_t>(w);
    else
      l->run_once(1ms);
  }
  p.write_request(7, req("Echo", "after"));
  auto r5 = p.read_response(*l, 5);
  ASSERT_TRUE(r5 && r5->st);
  EXPECT_EQ(r5->st->c, code::resource_exhausted);
  EXPECT_EQ(r5->st->message, "message length 4194305 exceed maximum message size of 4194304");
  auto r7 = p.read_response(*l, 7);
  ASSERT_TRUE(r7);
  EXPECT_EQ(r7->payload, "after");
}

TEST_F(ttrpc_server, TooLargeReplyIsResourceExhausted) {
  server small(*l, 16);
  small.add(task, "Big",
            [](const request_info&, std::string_view, responder r) { r.reply(std::string(17, 'x')); });
  int server_end = -1;
  raw_peer p = raw_peer::pair(server_end);
  small.adopt(server_end);
  p.write_request(1, req("Big"));
  auto r = p.read_response(*l, 1);
  ASSERT_TRUE(r && r->st);
  EXPECT_EQ(r->st->c, code::resource_exhausted);
}

TEST_F(ttrpc_server, NonRequestFramesAreIgnored) {
  raw_peer p = connect_pair();
  p.write(encode_frame(1, message_type::response, "") + encode_frame(3, message_type::data, "zz") +
          encode_frame(5, static_cast<message_type>(0xee), "abc"));
  p.write_request(7, req("Echo", "only me"));
  auto r = p.read_response(*l, 7);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, "only me");
  EXPECT_TRUE(p.silent_for(*l, 50ms));
}

TEST_F(ttrpc_server, LateHandlerIsAnsweredDeadlineExceededByTheServer) {
  raw_peer p = connect_pair();
  p.write_request(1, req("Wait", "", 30'000'000));  // 30 ms
  auto r = p.read_response(*l, 1);
  ASSERT_TRUE(r && r->st);
  EXPECT_EQ(r->st->c, code::deadline_exceeded);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_TRUE(waits[0].had_deadline);
  EXPECT_TRUE(waits[0].r.done());
  waits[0].r.reply("too late");  // dropped
  EXPECT_TRUE(p.silent_for(*l, 50ms));
  EXPECT_EQ(l->timer_count(), 0u);
}

TEST_F(ttrpc_server, AnswerBeforeTheDeadlineCancelsItsTimer) {
  raw_peer p = connect_pair();
  p.write_request(1, req("Echo", "quick", 60'000'000'000));
  auto r = p.read_response(*l, 1);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->st.has_value());
  EXPECT_EQ(l->timer_count(), 0u);
}

TEST_F(ttrpc_server, DroppedOrThrowingHandlerIsInternal) {
  raw_peer p = connect_pair();
  p.write_request(1, req("Drop"));
  p.write_request(3, req("Throw"));
  auto r1 = p.read_response(*l, 1);
  auto r3 = p.read_response(*l, 3);
  ASSERT_TRUE(r1 && r1->st && r3 && r3->st);
  EXPECT_EQ(r1->st->c, code::internal);
  EXPECT_EQ(r1->st->message, "handler dropped the request");
  EXPECT_EQ(r3->st->c, code::internal);
}

TEST_F(ttrpc_server, AnswerAfterThePeerLeftIsDroppedAndCounted) {
  int closed = 0;
  srv->on_connection_closed([&] { ++closed; });
  raw_peer p = connect_pair();
  p.write_request(1, req("Wait", "", 10'000'000'000));
  ASSERT_TRUE(run_until(*l, [&] { return waits.size() == 1; }));
  EXPECT_EQ(l->timer_count(), 1u);
  p.close();
  ASSERT_TRUE(run_until(*l, [&] { return closed == 1; }));
  EXPECT_EQ(srv->connections(), 0u);
  EXPECT_EQ(srv->pending(), 0u);
  EXPECT_EQ(l->timer_count(), 0u);  // the deadline timer went with the connection
  EXPECT_FALSE(waits[0].r.done());
  waits[0].r.reply("nobody listens");
  EXPECT_TRUE(waits[0].r.done());
}

TEST_F(ttrpc_server, PeerClosingMidFrameDropsTheConnection) {
  int closed = 0;
  srv->on_connection_closed([&] { ++closed; });
  const std::string whole = testing::unhex(testing::connect_request_hex);
  for (std::size_t cut : {std::size_t{3}, frame_header_size, whole.size() - 1}) {
    raw_peer p = connect_pair();
    p.write(whole.substr(0, cut));
    run_for(*l, 10ms);
    p.close();
    ASSERT_TRUE(run_until(*l, [&] { return srv->connections() == 0; })) << cut;
  }
  EXPECT_EQ(closed, 3);
}

TEST_F(ttrpc_server, RandomGarbageNeverCrashesTheServer) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    raw_peer p = connect_pair();
    std::string junk(rng() % 512, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    if (round % 3 == 0 && junk.size() >= frame_header_size) junk[0] = 0;  // plausible lengths too
    p.write(junk);
    run_for(*l, 1ms);
    p.close();
    ASSERT_TRUE(run_until(*l, [&] { return srv->connections() == 0; })) << round;
  }
  // Handlers kept requests that garbage happened to form: answering them is harmless.
  waits.clear();
  raw_peer p = connect_pair();
  p.write_request(1, req("Echo", "alive"));
  auto r = p.read_response(*l, 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, "alive");
}

TEST_F(ttrpc_server, LargeRepliesSurvivePartialWritesInOrder) {
  srv->add(task, "Blob", [](const request_info&, std::string_view p, responder r) {
    r.reply(std::string(1 << 20, p.empty() ? '?' : p[0]));
  });
  raw_peer p = connect_pair();
  std::string all;
  for (char c = 'a'; c < 'a' + 8; ++c)
    all += wire::request_frame(static_cast<std::uint32_t>(2 * (c - 'a') + 1), req("Blob", std::string(1, c)));
  p.write(all);
  // The peer reads nothing for a while: 8 MiB wait in the server's queue.
  run_for(*l, 50ms);
  for (char c = 'a'; c < 'a' + 8; ++c) {
    auto r = p.read_response(*l, static_cast<std::uint32_t>(2 * (c - 'a') + 1));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->payload, std::string(1 << 20, c));
  }
}

TEST_F(ttrpc_server, ServesAListeningSocketAndSeveralConnections) {
  runcpp::testing::temp_dir dir;
  owned_fd listener = testing::listen_unix(dir / "s.sock");
  srv->serve(listener.get());
  std::vector<raw_peer> peers;
  for (int i = 0; i < 5; ++i) peers.push_back(raw_peer::connect(dir / "s.sock"));
  ASSERT_TRUE(run_until(*l, [&] { return srv->connections() == 5; }));
  for (std::size_t i = 0; i < peers.size(); ++i) peers[i].write_request(1, req("Echo", std::to_string(i)));
  for (std::size_t i = 0; i < peers.size(); ++i) {
    auto r = peers[i].read_response(*l, 1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->payload, std::to_string(i));
  }
  peers.clear();
  ASSERT_TRUE(run_until(*l, [&] { return srv->connections() == 0; }));
  srv.reset();  // unregisters the listener before it is closed
}

TEST_F(ttrpc_server, PeerOfAnotherUidIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as another uid";
  runcpp::testing::temp_dir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  owned_fd listener = testing::listen_unix(dir / "s.sock");
  ASSERT_EQ(::chmod((dir / "s.sock").c_str(), 0777), 0);
  srv->serve(listener.get());
  const std::string request = wire::request_frame(1, req("Echo", "x"));
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // 0: closed without an answer, 1: answered, 2: set-up failed.
    if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0) ::_exit(2);
    try {
      raw_peer p = raw_peer::connect(dir / "s.sock");
      const int flags = ::fcntl(p.fd(), F_GETFL);
      ::fcntl(p.fd(), F_SETFL, flags & ~O_NONBLOCK);
      ::send(p.fd(), request.data(), request.size(), MSG_NOSIGNAL);
      char c;
      ::_exit(::read(p.fd(), &c, 1) > 0 ? 1 : 0);
    } catch (...) {
      ::_exit(2);
    }
  }
  int wstatus = 0;
  ASSERT_TRUE(run_until(*l, [&] { return ::waitpid(child, &wstatus, WNOHANG) == child; }));
  EXPECT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  EXPECT_EQ(srv->connections(), 0u);
  // The same uid is served.
  raw_peer p = raw_peer::connect(dir / "s.sock");
  p.write(request);
  auto r = p.read_response(*l, 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, "x");
  srv.reset();
}

TEST_F(ttrpc_server, DestroyingTheServerClosesConnectionsAndOrphansResponders) {
  raw_peer p = connect_pair();
  p.write_request(1, req("Wait", "", 5'000'000'000));
  ASSERT_TRUE(run_until(*l, [&] { return waits.size() == 1; }));
  srv.reset();
  EXPECT_EQ(l->fd_count(), 0u);
  EXPECT_EQ(l->timer_count(), 0u);
  waits[0].r.reply("after the server");  // no crash, nothing sent
  EXPECT_TRUE(p.wait_closed(*l));
}

}  // namespace
}  // namespace runcpp::ttrpc
