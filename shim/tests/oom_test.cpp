#include "oom.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <charconv>
#include <fstream>
#include <string>
#include <vector>

#include "support/hygiene.hpp"

namespace runcpp::shim {
namespace {

using std::chrono::milliseconds;

// This machine's /proc/self/cgroup and mountinfo (cgroup v1 with a v2 mount: hybrid).
constexpr std::string_view hybrid_cgroup =
    "10:hugetlb:/\n9:name=systemd:/\n8:pids:/default/c1\n4:memory:/default/c1\n3:cpuset:/\n"
    "1:cpu,cpuacct:/default/c1\n0::/\n";
constexpr std::string_view hybrid_mountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// find_memory_cgroup's answer: the cgroup, or nullopt when it gave a reason.
std::optional<memory_cgroup> lookup(std::string_view proc_cgroup, std::string_view mountinfo) {
  memory_cgroup cg;
  if (!find_memory_cgroup(proc_cgroup, mountinfo, cg).empty()) return std::nullopt;
  return cg;
}

TEST(ShimOomCgroup, HybridUsesTheV1MemoryController) {
  auto cg = lookup(hybrid_cgroup, hybrid_mountinfo);
  ASSERT_TRUE(cg);
  EXPECT_EQ(cg->ver, memory_cgroup::version::v1);
  EXPECT_EQ(cg->dir, "/sys/fs/cgroup/memory/default/c1");
}

TEST(ShimOomCgroup, UnifiedUsesTheV2Cgroup) {
  auto cg = lookup("0::/system.slice/containerd.service/k8s.io/c2\n",
                   "25 1 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
  ASSERT_TRUE(cg);
  EXPECT_EQ(cg->ver, memory_cgroup::version::v2);
  EXPECT_EQ(cg->dir, "/sys/fs/cgroup/system.slice/containerd.service/k8s.io/c2");
}

TEST(ShimOomCgroup, MountRootAndEscapedMountPoint) {
  // A mount of a sub-tree (its root is not "/"), at a path with a space (\040).
  auto cg =
      lookup("7:memory:/pods/p1/c3\n", "40 1 0:40 /pods /mnt/my\\040cgroups rw - cgroup cgroup rw,memory\n");
  ASSERT_TRUE(cg);
  EXPECT_EQ(cg->dir, "/mnt/my cgroups/p1/c3");
  // A mount whose root does not hold the cgroup does not show it.
  const std::string_view pods_mount = "40 1 0:40 /pods /mnt/pods rw - cgroup cgroup rw,memory\n";
  EXPECT_FALSE(lookup("7:memory:/other/c3\n", pods_mount));
  EXPECT_FALSE(lookup("7:memory:/podsX/c3\n", pods_mount));
  EXPECT_TRUE(lookup("7:memory:/pods\n", pods_mount));
}

TEST(ShimOomCgroup, NoMemoryCgroupIsAnError) {
  memory_cgroup cg;
  // No memory controller line, and no cgroup2 line.
  EXPECT_NE(find_memory_cgroup("8:pids:/c\n", hybrid_mountinfo, cg), "");
  // A memory line but no memory mount (nor a cgroup2 one).
  EXPECT_NE(find_memory_cgroup("4:memory:/c\n", "32 31 0:29 / /cpu rw - cgroup cgroup rw,cpu\n", cg), "");
  EXPECT_NE(find_memory_cgroup("", "", cg), "");
}

TEST(ShimOomEvents, EventControlLineIsEventfdThenOomControlFd) {
  EXPECT_EQ(event_control_line(7, 12), "7 12");
}

TEST(ShimOomEvents, OomKillCounterOfMemoryEvents) {
  // A kernel 6.x memory.events: oom_group_kill must not be read as oom_kill.
  EXPECT_EQ(parse_oom_kill("low 0\nhigh 0\nmax 31\noom 4\noom_kill 3\noom_group_kill 9\n"), 3u);
  EXPECT_EQ(parse_oom_kill("oom_group_kill 9\noom_kill 18446744073709551615"), 18446744073709551615u);
  EXPECT_EQ(parse_oom_kill("low 0\nhigh 0\nmax 0\noom 0\n"), std::nullopt);
  EXPECT_EQ(parse_oom_kill("oom_kill x\n"), std::nullopt);
  EXPECT_EQ(parse_oom_kill("oom_kill 1 2\n"), std::nullopt);
  EXPECT_EQ(parse_oom_kill(""), std::nullopt);
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::trunc);
  out << text;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A watcher on a loop (both made before the fd baseline), and the OOMs it reported.
class ShimOomWatcher : public runcpp::testing::hygiene_test {
 protected:
  void TearDown() override {
    watcher_.reset();
    loop_.reset();
    hygiene_test::TearDown();
  }
  // Runs the loop until it has nothing left to do right now.
  void settle() {
    for (int i = 0; i < 3; ++i) loop_->run_once(milliseconds(10));
  }
  memory_cgroup v2_dir(const std::string& events) {
    write_file(dir_.path() / "memory.events", events);
    return {memory_cgroup::version::v2, dir_.path()};
  }

  runcpp::testing::temp_dir dir_{"runcpp-shim-oom"};
  std::unique_ptr<ttrpc::loop> loop_ = ttrpc::loop::create();
  std::vector<std::string> ooms_;
  std::unique_ptr<oom_watcher> watcher_ =
      std::make_unique<oom_watcher>(*loop_, [this](const std::string& id) { ooms_.push_back(id); });
};

// A kernel 6.x memory.events with `max` memory.max hits and `kills` OOM kills.
std::string events_with(int max, int kills) {
  const std::string k = std::to_string(kills);
  return "low 0\nhigh 0\nmax " + std::to_string(max) + "\noom " + k + "\noom_kill " + k +
         "\noom_group_kill 0\n";
}

TEST_F(ShimOomWatcher, V2PublishesEachRiseOfOomKill) {
  ASSERT_EQ(watcher_->add("c1", v2_dir(events_with(0, 0))), "");
  EXPECT_EQ(loop_->fd_count(), 1u);
  write_file(dir_.path() / "memory.events", events_with(5, 0));  // other counters: no OOM
  settle();
  EXPECT_TRUE(ooms_.empty());
  write_file(dir_.path() / "memory.events", events_with(6, 1));
  settle();
  EXPECT_EQ(ooms_, std::vector<std::string>{"c1"});
  write_file(dir_.path() / "memory.events", events_with(9, 3));  // two kills, one rise: one event
  settle();
  EXPECT_EQ(ooms_, (std::vector<std::string>{"c1", "c1"}));
  write_file(dir_.path() / "memory.events", events_with(9, 3));  // rewritten, unchanged
  settle();
  EXPECT_EQ(ooms_.size(), 2u);
  watcher_->remove("c1");
  EXPECT_EQ(loop_->fd_count(), 0u);
  EXPECT_EQ(watcher_->size(), 0u);
}

TEST_F(ShimOomWatcher, V2BaselineIsTheCountAtAdd) {
  ASSERT_EQ(watcher_->add("c1", v2_dir(events_with(0, 4))), "");
  write_file(dir_.path() / "memory.events", events_with(1, 4));
  settle();
  EXPECT_TRUE(ooms_.empty());
  write_file(dir_.path() / "memory.events", events_with(1, 5));
  settle();
  EXPECT_EQ(ooms_.size(), 1u);
}

TEST_F(ShimOomWatcher, CheckReportsWhatTheLoopHasNotDispatched) {
  ASSERT_EQ(watcher_->add("c1", v2_dir(events_with(0, 0))), "");
  write_file(dir_.path() / "memory.events", events_with(1, 1));
  watcher_->check("c1");  // before any loop iteration: the init's exit is about to be published
  EXPECT_EQ(ooms_, std::vector<std::string>{"c1"});
  settle();  // the inotify event that follows is the same OOM
  EXPECT_EQ(ooms_.size(), 1u);
  watcher_->check("unknown");
  EXPECT_EQ(ooms_.size(), 1u);
}

TEST_F(ShimOomWatcher, V2RemovedCgroupStopsTheWatch) {
  ASSERT_EQ(watcher_->add("c1", v2_dir(events_with(0, 0))), "");
  std::filesystem::remove(dir_.path() / "memory.events");
  settle();
  EXPECT_TRUE(ooms_.empty());
  EXPECT_EQ(watcher_->size(), 0u);
  EXPECT_EQ(loop_->fd_count(), 0u);
}

TEST_F(ShimOomWatcher, V2WithoutMemoryEventsIsAnError) {
  EXPECT_NE(watcher_->add("c1", memory_cgroup{memory_cgroup::version::v2, dir_.path()}), "");
  EXPECT_EQ(watcher_->size(), 0u);
  EXPECT_EQ(loop_->fd_count(), 0u);
}

// A fake v1 cgroup: cgroup.event_control is a plain file, so the registration
// line lands in it; the test then signals the eventfd as the kernel would.
class ShimOomWatcherV1 : public ShimOomWatcher {
 protected:
  memory_cgroup v1_dir() {
    write_file(dir_.path() / "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    write_file(dir_.path() / "cgroup.event_control", "");
    return {memory_cgroup::version::v1, dir_.path()};
  }
  // The eventfd named by the registration line.
  int registered_eventfd() {
    const std::string line = read_file(dir_.path() / "cgroup.event_control");
    int fd = -1;
    std::from_chars(line.data(), line.data() + line.size(), fd);
    return fd;
  }
  void kernel_signals(int efd) {
    const std::uint64_t one = 1;
    ASSERT_EQ(::write(efd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  }
};

TEST_F(ShimOomWatcherV1, RegistersAnEventfdAndPublishesEachSignal) {
  ASSERT_EQ(watcher_->add("c1", v1_dir()), "");
  const std::string line = read_file(dir_.path() / "cgroup.event_control");
  ASSERT_TRUE(line.find(' ') != std::string::npos) << line;
  const int efd = registered_eventfd();
  EXPECT_EQ(runcpp::testing::describe_fd(efd), "anon_inode:[eventfd]");
  EXPECT_EQ(::fcntl(efd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  // The memory.oom_control fd of the line was only for the registration.
  EXPECT_EQ(runcpp::testing::leaked_fds(baseline_fds(), milliseconds(0)), std::vector<int>{efd});
  settle();
  EXPECT_TRUE(ooms_.empty());
  kernel_signals(efd);
  settle();
  EXPECT_EQ(ooms_, std::vector<std::string>{"c1"});
  kernel_signals(efd);
  kernel_signals(efd);  // counted by the eventfd, read at once: one OOM notification
  settle();
  EXPECT_EQ(ooms_.size(), 2u);
  watcher_->remove("c1");
  EXPECT_EQ(runcpp::testing::describe_fd(efd).rfind('?', 0), 0u);  // closed
}

TEST_F(ShimOomWatcherV1, SignalOfARemovedCgroupIsNoOom) {
  ASSERT_EQ(watcher_->add("c1", v1_dir()), "");
  const int efd = registered_eventfd();
  std::filesystem::remove(dir_.path() / "memory.oom_control");  // rmdir of the cgroup
  kernel_signals(efd);
  settle();
  EXPECT_TRUE(ooms_.empty());
  EXPECT_EQ(watcher_->size(), 0u);
  EXPECT_EQ(loop_->fd_count(), 0u);
}

TEST_F(ShimOomWatcherV1, RefusedRegistrationIsAnErrorAndLeaksNothing) {
  memory_cgroup cg = v1_dir();
  std::filesystem::remove(dir_.path() / "cgroup.event_control");
  EXPECT_NE(watcher_->add("c1", cg), "");
  EXPECT_EQ(watcher_->size(), 0u);
  EXPECT_EQ(loop_->fd_count(), 0u);
}

TEST_F(ShimOomWatcher, DestructorUnregistersItsFds) {
  ASSERT_EQ(watcher_->add("c1", v2_dir(events_with(0, 0))), "");
  watcher_.reset();
  EXPECT_EQ(loop_->fd_count(), 0u);
}

TEST_F(ShimOomWatcher, OwnMemoryCgroupIsFoundAndWatched) {
  // This process's memory cgroup, whatever the machine's hierarchy is.
  memory_cgroup cg;
  ASSERT_EQ(find_memory_cgroup(read_file("/proc/self/cgroup"), read_file("/proc/self/mountinfo"), cg), "");
  const char* file = cg.ver == memory_cgroup::version::v1 ? "memory.oom_control" : "memory.events";
  if (!std::filesystem::exists(cg.dir / file)) {
    GTEST_SKIP() << cg.dir << " has no " << file << " (the root cgroup of cgroup v2 has none)";
  }
  if (cg.ver == memory_cgroup::version::v1 &&
      ::access((cg.dir / "cgroup.event_control").c_str(), W_OK) != 0) {
    GTEST_SKIP() << "cgroup.event_control of " << cg.dir << " is not writable here (not root?)";
  }
  EXPECT_EQ(watcher_->add("self", static_cast<int>(::getpid())), "");
  EXPECT_EQ(watcher_->size(), 1u);
  settle();
  EXPECT_TRUE(ooms_.empty());
}

}  // namespace
}  // namespace runcpp::shim
