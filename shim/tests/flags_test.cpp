#include "flags.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace runcpp::shim {
namespace {

parsed_flags parse(std::vector<std::string_view> args) { return parse_flags(args); }

TEST(ShimFlags, StartAsContainerdPassesIt) {
  auto p = parse({"-namespace", "default", "-address", "/run/containerd/containerd.sock", "-publish-binary",
                  "/usr/bin/containerd", "-id", "web", "-debug", "start"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value.ns, "default");
  EXPECT_EQ(p.value.address, "/run/containerd/containerd.sock");
  EXPECT_EQ(p.value.publish_binary, "/usr/bin/containerd");
  EXPECT_EQ(p.value.id, "web");
  EXPECT_TRUE(p.value.debug);
  EXPECT_EQ(p.value.action, "start");
}

TEST(ShimFlags, DeleteWithBundleAndGoSyntaxVariants) {
  auto p = parse({"--namespace=ns", "-id=x", "-bundle", "/b", "-debug=false", "delete"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value.ns, "ns");
  EXPECT_EQ(p.value.id, "x");
  EXPECT_EQ(p.value.bundle, "/b");
  EXPECT_FALSE(p.value.debug);
  EXPECT_EQ(p.value.action, "delete");
}

TEST(ShimFlags, NoActionIsTheDaemon) {
  auto p = parse({"-namespace", "n", "-socket", "unix:///run/containerd/s/ab"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value.socket, "unix:///run/containerd/s/ab");
  EXPECT_EQ(p.value.action, "");
}

TEST(ShimFlags, ValueMayLookLikeAFlagAfterAStringFlag) {
  auto p = parse({"-id", "-x", "start"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value.id, "-x");
}

TEST(ShimFlags, Errors) {
  EXPECT_EQ(parse({"-bogus", "start"}).error, "flag provided but not defined: -bogus");
  EXPECT_EQ(parse({"-id"}).error, "flag needs an argument: -id");
  EXPECT_EQ(parse({"-debug=maybe"}).error, "invalid boolean value for -debug");
  EXPECT_EQ(parse({"start", "delete"}).error, "unexpected argument: delete");
}

TEST(ShimFlags, DoubleDashEndsFlags) {
  auto p = parse({"-v", "--", "-start"});
  ASSERT_EQ(p.error, "");
  EXPECT_TRUE(p.value.version);
  EXPECT_EQ(p.value.action, "-start");
}

}  // namespace
}  // namespace runcpp::shim
