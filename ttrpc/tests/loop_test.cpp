// ttrpc::loop: fd callbacks (also removing fds from inside callbacks), timers,
// post() and stop() from other threads (run under TSan once: the only threads
// the library ever meets).
#include <runcpp/ttrpc/loop.hpp>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "owned_fd.hpp"
#include "peer.hpp"
#include "support/hygiene.hpp"

namespace runcpp::ttrpc {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

class ttrpc_loop : public runcpp::testing::hygiene_test {
 protected:
  void SetUp() override {
    hygiene_test::SetUp();
    l = loop::create();
  }
  void TearDown() override {
    l.reset();
    hygiene_test::TearDown();
  }
  std::unique_ptr<loop> l;
};

struct socket_pair {
  owned_fd a, b;
  socket_pair() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
      throw std::runtime_error("socketpair");
    a.reset(sv[0]);
    b.reset(sv[1]);
  }
};

TEST_F(ttrpc_loop, CallsBackForReadableFds) {
  socket_pair s;
  std::uint32_t seen = 0;
  l->add(s.a.get(), EPOLLIN, [&](std::uint32_t ev) { seen |= ev; });
  l->run_once(0ms);
  EXPECT_EQ(seen, 0u);
  ASSERT_EQ(::write(s.b.get(), "x", 1), 1);
  l->run_once(1000ms);
  EXPECT_TRUE(seen & EPOLLIN);
  EXPECT_EQ(l->fd_count(), 1u);
  l->remove(s.a.get());
  EXPECT_EQ(l->fd_count(), 0u);
  l->remove(s.a.get());  // no-op
}

TEST_F(ttrpc_loop, AddTwiceAndModifyUnknownThrow) {
  socket_pair s;
  l->add(s.a.get(), EPOLLIN, [](std::uint32_t) {});
  EXPECT_THROW(l->add(s.a.get(), EPOLLIN, [](std::uint32_t) {}), std::system_error);
  EXPECT_THROW(l->modify(s.b.get(), EPOLLIN), std::system_error);
  l->remove(s.a.get());
}

TEST_F(ttrpc_loop, RemovingAnotherFdInsideACallbackSuppressesItsPendingEvent) {
  socket_pair s1, s2;
  int calls = 0;
  // Both readable in the same iteration; whichever runs first removes the other.
  l->add(s1.a.get(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    l->remove(s2.a.get());
  });
  l->add(s2.a.get(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    l->remove(s1.a.get());
  });
  ASSERT_EQ(::write(s1.b.get(), "x", 1), 1);
  ASSERT_EQ(::write(s2.b.get(), "x", 1), 1);
  l->run_once(1000ms);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(l->fd_count(), 1u);
  l->remove(s1.a.get());
  l->remove(s2.a.get());
}

TEST_F(ttrpc_loop, CallbackMayRemoveItselfAndCloseItsFd) {
  auto s = std::make_unique<socket_pair>();
  const int fd = s->a.get();
  l->add(fd, EPOLLIN, [&, fd](std::uint32_t) {
    l->remove(fd);
    s.reset();  // destroys the objects the callback captured by reference
  });
  ASSERT_EQ(::write(s->b.get(), "x", 1), 1);
  l->run_once(1000ms);
  EXPECT_FALSE(s);
  EXPECT_EQ(l->fd_count(), 0u);
}

TEST_F(ttrpc_loop, TimersRunInOrderAndNotEarly) {
  std::vector<int> order;
  const auto start = clock::now();
  l->add_timer(start + 30ms, [&] { order.push_back(3); });
  l->add_timer(start + 10ms, [&] { order.push_back(1); });
  l->add_timer(start + 20ms, [&] { order.push_back(2); });
  const auto cancelled = l->add_timer(start + 15ms, [&] { order.push_back(99); });
  l->cancel_timer(cancelled);
  l->cancel_timer(cancelled);  // no-op
  EXPECT_EQ(l->timer_count(), 3u);
  ASSERT_TRUE(testing::run_until(*l, [&] { return order.size() == 3; }));
  EXPECT_GE(clock::now() - start, 30ms);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(l->timer_count(), 0u);
}

TEST_F(ttrpc_loop, TimerWakesABlockedWait) {
  bool fired = false;
  l->add_timer(clock::now() + 20ms, [&] { fired = true; });
  const auto start = clock::now();
  l->run_once(10s);  // returns when the timer is due, not after 10 s
  EXPECT_TRUE(fired);
  EXPECT_LT(clock::now() - start, 5s);
}

TEST_F(ttrpc_loop, PostFromAnotherThreadRunsOnTheLoopInOrder) {
  std::vector<int> got;  // touched only on the loop thread
  const auto loop_thread = std::this_thread::get_id();
  std::atomic<bool> wrong_thread{false};
  std::thread t([&] {
    for (int i = 0; i < 1000; ++i) {
      l->post([&, i] {
        if (std::this_thread::get_id() != loop_thread) wrong_thread = true;
        got.push_back(i);
        if (i == 999) l->stop();
      });
    }
  });
  l->run();
  t.join();
  EXPECT_FALSE(wrong_thread);
  ASSERT_EQ(got.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(got[static_cast<std::size_t>(i)], i);
}

TEST_F(ttrpc_loop, StopFromAnotherThreadEndsRun) {
  std::thread t([&] {
    std::this_thread::sleep_for(20ms);
    l->stop();
  });
  const auto start = clock::now();
  l->run();  // would wait 24 h for an event without the wake-up
  t.join();
  EXPECT_LT(clock::now() - start, 5s);
}

TEST_F(ttrpc_loop, StopBeforeRunReturnsAfterOneIterationAndIsConsumed) {
  int ran = 0;
  l->post([&] { ++ran; });
  l->stop();
  l->run();
  EXPECT_EQ(ran, 1);
  l->post([&] {
    ++ran;
    l->stop();
  });
  l->run();
  EXPECT_EQ(ran, 2);
}

TEST_F(ttrpc_loop, ThrowingPostedFunctionKeepsTheRest) {
  int ran = 0;
  l->post([] { throw std::runtime_error("boom"); });
  l->post([&] { ++ran; });
  EXPECT_THROW(l->run_once(0ms), std::runtime_error);
  l->run_once(0ms);
  EXPECT_EQ(ran, 1);
}

TEST_F(ttrpc_loop, OwnFdsAreCloseOnExecAndClosed) {
  const auto before = runcpp::testing::open_fds();
  auto other = loop::create();
  const auto during = runcpp::testing::open_fds();
  ASSERT_EQ(during.size(), before.size() + 2);  // epoll fd and eventfd
  for (const int fd : during) {
    if (std::find(before.begin(), before.end(), fd) != before.end()) continue;
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC) << fd;
  }
  other.reset();
  EXPECT_EQ(runcpp::testing::open_fds(), before);
}

}  // namespace
}  // namespace runcpp::ttrpc
