// Peak memory of every JSON decoder on hostile runc output of the largest size
// a call accepts (config::max_stdout, 8 MiB by default): deep nesting, which
// the nesting limit (src/json/rapid.hpp) refuses early, and the widest shapes,
// which are valid JSON and fully parsed. Each case runs in a forked child so its
// peak RSS is its own; the figure is the peak's growth over the RSS before the
// call (the input itself is allocated before).
//
// Usage: runcpp_parse_memory [bytes]   prints a markdown table; exits 1 if a
// decoder accepted a case it must refuse (the nested ones).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include <runcpp/config.hpp>
#include <runcpp/container.hpp>
#include <runcpp/features.hpp>
#include <runcpp/ps.hpp>
#include <runcpp/stats.hpp>

#include "support/peak_memory.hpp"

namespace {

struct decoder {
  const char* name;
  bool (*decode)(std::string_view);  // true when the text decoded
};

constexpr decoder decoders[] = {
    {"state", [](std::string_view t) { return runcpp::parse_state_json(t).has_value(); }},
    {"list", [](std::string_view t) { return runcpp::parse_list_json(t).has_value(); }},
    {"stats", [](std::string_view t) { return runcpp::parse_stats_json(t).has_value(); }},
    {"event", [](std::string_view t) { return runcpp::parse_event_json(t).has_value(); }},
    {"ps", [](std::string_view t) { return runcpp::parse_ps_json(t).has_value(); }},
    {"features", [](std::string_view t) { return runcpp::parse_features_json(t).has_value(); }},
};

// A shape: `head`, then `item` repeated (joined by `sep`) while the text stays
// within the size, then `tail`.
struct shape {
  const char* name;
  std::string_view head, item, sep, tail;
  bool nested;  // must be refused by every decoder
};

constexpr shape shapes[] = {
    {"`[[[[...` (nested arrays)", "", "[", "", "", true},
    {"`{\"a\":{\"a\":...` (nested objects)", "", "{\"a\":", "", "", true},
    {"`[1,1,1,...]` (numbers)", "[", "1", ",", "]", false},
    {"`[\"\",\"\",...]` (strings)", "[", "\"\"", ",", "]", false},
    {"`[[],[],...]` (empty arrays)", "[", "[]", ",", "]", false},
    {"`{\"a\":0,\"a\":0,...}` (members)", "{", "\"a\":0", ",", "}", false},
    {"`{\"hooks\":[\"\",\"\",...]}` (features strings)", "{\"hooks\":[", "\"\"", ",", "]}", false},
};

std::string make(const shape& s, std::size_t size) {
  std::string t(s.head);
  t.reserve(size);
  while (t.size() + s.sep.size() + s.item.size() + s.tail.size() <= size) {
    if (t.size() > s.head.size()) t += s.sep;
    t += s.item;
  }
  t += s.tail;
  return t;
}

// Runs one case in a child; prints its row. False if the child failed.
bool run_case(const shape& s, const decoder& d, std::size_t size) {
  std::fflush(stdout);
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const std::string text = make(s, size);
    bool decoded = false;
    const auto grew = runcpp::testing::peak_rss_growth([&] { decoded = d.decode(text); });
    if (!grew) _exit(2);
    const double ratio = static_cast<double>(*grew) / static_cast<double>(text.size());
    std::printf("| %s | %s | %zu | %s | %.1f | %.1fx |\n", s.name, d.name, text.size(),
                decoded ? "decoded" : "parse_error", static_cast<double>(*grew) / 1e6, ratio);
    std::fflush(stdout);
    _exit(s.nested && decoded ? 1 : 0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t size = argc > 1 ? std::stoull(argv[1]) : runcpp::config{}.max_stdout;
  std::printf("| input | decoder | bytes | result | peak growth MB | peak / input |\n");
  std::printf("| --- | --- | ---: | --- | ---: | ---: |\n");
  bool ok = true;
  for (const auto& s : shapes)
    for (const auto& d : decoders) ok = run_case(s, d, size) && ok;
  return ok ? 0 : 1;
}
