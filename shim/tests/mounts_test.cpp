#include "mounts.hpp"

#include <sys/mount.h>

#include <gtest/gtest.h>

namespace runcpp::shim {
namespace {

TEST(ShimMountOptions, OverlayAsContainerdSendsIt) {
  auto p = plan_mount({"index=off", "workdir=/w", "upperdir=/u", "lowerdir=/l1:/l2"});
  EXPECT_EQ(p.flags, 0u);
  EXPECT_EQ(p.propagation, 0u);
  EXPECT_EQ(p.data, "index=off,workdir=/w,upperdir=/u,lowerdir=/l1:/l2");
}

TEST(ShimMountOptions, FlagsSetAndClearedInOrder) {
  auto p = plan_mount({"rbind", "ro", "nosuid", "nodev", "rw"});
  EXPECT_EQ(p.flags, static_cast<unsigned long>(MS_BIND | MS_REC | MS_NOSUID | MS_NODEV));
  EXPECT_EQ(p.data, "");
  EXPECT_EQ(plan_mount({"noexec", "exec", "sync", "async"}).flags, 0u);
  EXPECT_EQ(plan_mount({"defaults"}).flags, 0u);
  EXPECT_EQ(plan_mount({"defaults"}).data, "");
}

TEST(ShimMountOptions, PropagationApartFromTheMount) {
  auto p = plan_mount({"bind", "rprivate", "mode=755"});
  EXPECT_EQ(p.flags, static_cast<unsigned long>(MS_BIND));
  EXPECT_EQ(p.propagation, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
  EXPECT_EQ(p.data, "mode=755");
}

TEST(ShimMountOptions, UnmountOfAMissingTargetIsFine) {
  EXPECT_EQ(unmount_all("/nonexistent/runcpp-shim-test/rootfs"), "");
}

}  // namespace
}  // namespace runcpp::shim
