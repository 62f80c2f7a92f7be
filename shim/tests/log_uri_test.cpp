#include "log_uri.hpp"

#include <gtest/gtest.h>

namespace runcpp::shim {
namespace {

stdio_uri parsed(std::string_view text) {
  stdio_uri u;
  EXPECT_EQ(parse_stdio_uri(text, u), "") << text;
  return u;
}

std::string error_of(std::string_view text) {
  stdio_uri u;
  return parse_stdio_uri(text, u);
}

using args = std::vector<std::string>;

TEST(ShimLogUri, PlainPathsAndFifoStayFifosAsGiven) {
  for (std::string_view text : {"/run/containerd/fifo/1/t-stdout", "", "rel/a:b", "fifo:///x"}) {
    const stdio_uri u = parsed(text);
    EXPECT_EQ(u.scheme, stdio_scheme::fifo) << text;
    EXPECT_EQ(u.path, text);
  }
}

TEST(ShimLogUri, BinaryPathAndArgumentsFromTheQuery) {
  const stdio_uri u = parsed("binary:///usr/local/bin/my%20logger?b=2&a=1&b=3&flag&sp=x+y%2Bz");
  EXPECT_EQ(u.scheme, stdio_scheme::binary);
  EXPECT_EQ(u.path, "/usr/local/bin/my logger");
  // Key then first value; a key without '=' still gets its (empty) value, as Go's NewBinaryCmd.
  EXPECT_EQ(u.args, (args{"b", "2", "a", "1", "flag", "", "sp", "x y+z"}));
}

TEST(ShimLogUri, QueryPairsGoDropsAreDropped) {
  // Go's url.ParseQuery skips a bad escape, a ';' and an empty pair, not an empty key.
  EXPECT_EQ(parsed("binary:///l?a=%zz&b=1;c=2&=v&&d=4#frag").args, (args{"", "v", "d", "4"}));
  EXPECT_EQ(parsed("binary:///l").args, args{});
}

TEST(ShimLogUri, SchemeIsCaseInsensitiveAndAHostIsIgnored) {
  EXPECT_EQ(parsed("BINARY:///x").scheme, stdio_scheme::binary);
  const stdio_uri f = parsed("file://somehost/var/log/c.log");
  EXPECT_EQ(f.scheme, stdio_scheme::file);
  EXPECT_EQ(f.path, "/var/log/c.log");
  EXPECT_TRUE(f.args.empty());
  EXPECT_EQ(parsed("file:///var/log/c.log?x=1").path, "/var/log/c.log");
}

TEST(ShimLogUri, Errors) {
  EXPECT_EQ(error_of("syslog:///x"), "unknown STDIO scheme syslog");
  EXPECT_EQ(error_of(":x"), "unable to parse stdout uri: missing protocol scheme");
  EXPECT_EQ(error_of("file:relative"), "stdio URI file:relative has no absolute path");
  EXPECT_EQ(error_of("binary://host"), "stdio URI binary://host has no absolute path");
  EXPECT_EQ(error_of("binary:///a%2"), "unable to parse stdout uri: invalid escape in binary:///a%2");
}

}  // namespace
}  // namespace runcpp::shim
