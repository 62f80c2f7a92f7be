#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "commands/commands.hpp"

namespace runcpp::detail {
namespace {

using ::testing::ElementsAre;

TEST(spec_args, bundle) { EXPECT_THAT(spec_args("/b", {}), ElementsAre("spec", "--bundle", "/b")); }
TEST(spec_args, rootless_and_extra) {
  EXPECT_THAT(spec_args("/b", {.rootless = true, .extra_args = {"--x"}}),
              ElementsAre("spec", "--bundle", "/b", "--rootless", "--x"));
}

}  // namespace
}  // namespace runcpp::detail
