#include "address.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "sha256.hpp"

namespace runcpp::shim {
namespace {

TEST(ShimSha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(std::string(1000, 'a')),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  // Padding edges: 55 bytes fit one block, 56 need two, 64 is a full block.
  EXPECT_EQ(sha256_hex(std::string(55, 'x')),
            "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(sha256_hex(std::string(56, 'x')),
            "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
  EXPECT_EQ(sha256_hex(std::string(64, 'x')),
            "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}

TEST(ShimAddress, GoShimConvention) {
  // sha256("/run/containerd/containerd.sock/default/web"), as containerd's runc shim names it.
  EXPECT_EQ(socket_address("/run/containerd/containerd.sock", "default", "web"),
            "unix:///run/containerd/s/2cde4450fa38c74f53603e01d2afd903b315a27a596f12a151414cd59897d883");
  // filepath.Join cleans: the same socket for a sloppy address.
  EXPECT_EQ(socket_address("/run//containerd/./containerd.sock/", "default", "web"),
            socket_address("/run/containerd/containerd.sock", "default", "web"));
  // The path stays under the 106-byte limit of containerd.
  EXPECT_LT(socket_path(socket_address("/a", "b", "c")).size(), 106u);
}

TEST(ShimAddress, JoinClean) {
  EXPECT_EQ(join_clean("/a/b/", "c", "d"), "/a/b/c/d");
  EXPECT_EQ(join_clean("/a/../b", "", "c"), "/b/c");
  EXPECT_EQ(join_clean("a", "..", ".."), "..");
  EXPECT_EQ(join_clean("/..", "x", ""), "/x");
  EXPECT_EQ(join_clean("", "", ""), "");
}

TEST(ShimAddress, SocketPath) {
  EXPECT_EQ(socket_path("unix:///run/containerd/s/ab"), "/run/containerd/s/ab");
  EXPECT_EQ(socket_path("/plain"), "/plain");
}

TEST(ShimAddress, GroupingLabels) {
  EXPECT_EQ(grouping_id({}, "web"), "web");
  EXPECT_EQ(grouping_id({{"io.kubernetes.cri.sandbox-id", "pod1"}}, "web"), "pod1");
  EXPECT_EQ(grouping_id({{"io.kubernetes.cri.sandbox-id", "pod1"}, {"io.containerd.runc.v2.group", "g"}},
                        "web"),
            "g");
  EXPECT_EQ(grouping_id({{"io.containerd.runc.v2.group", ""}}, "web"), "web");
}

TEST(ShimAddress, DeadSocketRemovedLiveOneKept) {
  char dir_template[] = "/tmp/runcpp-shim-sock-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/s";
  sockaddr_un sa;
  ASSERT_TRUE(fill_sockaddr(sa, path));
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(::bind(s, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(s, 1), 0);
  EXPECT_TRUE(live_socket(path));
  remove_dead_socket(path);
  EXPECT_TRUE(std::filesystem::exists(path));
  ::close(s);  // the daemon is gone; its file stays
  EXPECT_FALSE(live_socket(path));
  remove_dead_socket(path);
  EXPECT_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(dir_template);
  EXPECT_FALSE(fill_sockaddr(sa, std::string(200, 'x')));
}

}  // namespace
}  // namespace runcpp::shim
