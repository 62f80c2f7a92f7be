// Decode micro-benchmarks: runcpp's parsers on runc 1.1.5 output, through the
// code paths the client really uses. bench/micro/go/decode.go measures go-runc
// (encoding/json into its own types) on the same files; run.sh compares them.
//
//   stats_event    one `runc events --stats` line through a long-lived
//                  event_framer (what event_stream does per event; the framer
//                  calls parse_event_json, which client::stats calls directly)
//   events_stream  1,000 such lines through a fresh framer, fed in 64 KiB reads
//   list_N         `runc list --format=json` with N containers (client::list)
//
// Times are wall-clock (UseRealTime), as Go's testing.Benchmark measures.
// Usage: runcpp_decode_bench [--fixtures=DIR] [google benchmark flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/container.hpp>
#include <runcpp/stats.hpp>

#include "event_framer.hpp"
#include "fixtures.hpp"

namespace {

namespace rb = runcpp::bench;

constexpr std::size_t read_size = 65536;  // event_stream's read buffer

struct inputs {
  std::string stats_event;
  std::string stream;
  std::vector<std::pair<int, std::string>> lists;  // container count -> text
};

// Feeds `stream` to a fresh framer in read-sized pieces, taking events as they
// complete; returns the number of events, or -1 at the first error item.
int frame_stream(std::string_view stream) {
  runcpp::detail::event_framer framer;
  int events = 0;
  for (std::size_t at = 0; at < stream.size(); at += read_size) {
    framer.feed(stream.substr(at, read_size));
    while (auto item = framer.next()) {
      if (!*item) return -1;
      benchmark::DoNotOptimize(*item);
      ++events;
    }
  }
  while (auto item = framer.finish()) {
    if (!*item) return -1;
    ++events;
  }
  return events;
}

void stats_event(benchmark::State& state, const std::string& line) {
  runcpp::detail::event_framer framer;
  for (auto _ : state) {
    framer.feed(line);
    auto item = framer.next();
    if (!item || !*item) {
      state.SkipWithError("the stats event did not decode");
      break;
    }
    benchmark::DoNotOptimize(*item);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(line.size()));
  state.SetItemsProcessed(state.iterations());
}

void events_stream(benchmark::State& state, const std::string& stream) {
  for (auto _ : state) {
    if (frame_stream(stream) != rb::stream_events) {
      state.SkipWithError("the event stream did not decode");
      break;
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
  state.SetItemsProcessed(state.iterations() * rb::stream_events);
}

void list(benchmark::State& state, const std::string& text, int n) {
  for (auto _ : state) {
    auto containers = runcpp::parse_list_json(text);
    if (!containers || containers->size() != static_cast<std::size_t>(n)) {
      state.SkipWithError("the list did not decode");
      break;
    }
    benchmark::DoNotOptimize(*containers);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
  state.SetItemsProcessed(state.iterations() * n);
}

bool fail(const std::string& what) {
  std::fprintf(stderr, "runcpp_decode_bench: %s\n", what.c_str());
  return false;
}

// Reads the fixtures and checks that each decodes to what it holds, so that the
// benchmarks measure successful decodes (and the smoke test fails otherwise).
bool load(const std::filesystem::path& dir, inputs& in) {
  auto event = rb::read_file(dir / rb::stats_event_file);
  auto stream = rb::read_file(dir / rb::stream_file);
  if (!event || !stream) return fail("cannot read the fixtures in " + dir.string() + " (run make_fixtures)");
  in.stats_event = std::move(*event);
  in.stream = std::move(*stream);

  auto ev = runcpp::parse_event_json(in.stats_event);
  if (!ev) return fail("stats event: " + ev.error().message());
  if (ev->kind() != runcpp::event_type::stats || !ev->data || !ev->data->memory || !ev->data->cpu)
    return fail("stats event: decoded without its stats");
  if (int n = frame_stream(in.stream); n != rb::stream_events)
    return fail("event stream: " + std::to_string(n) + " events, expected " +
                std::to_string(rb::stream_events));

  for (int n : rb::list_sizes) {
    auto text = rb::read_file(dir / rb::list_file_name(n));
    if (!text) return fail("cannot read " + rb::list_file_name(n));
    auto containers = runcpp::parse_list_json(*text);
    if (!containers) return fail(rb::list_file_name(n) + ": " + containers.error().message());
    std::set<std::string> ids;
    std::set<int> pids;
    for (const auto& c : *containers) {
      ids.insert(c.id);
      pids.insert(c.pid);
    }
    if (containers->size() != static_cast<std::size_t>(n) || ids.size() != containers->size() ||
        pids.size() != containers->size())
      return fail(rb::list_file_name(n) + ": expected " + std::to_string(n) +
                  " containers with unique ids and pids");
    in.lists.emplace_back(n, std::move(*text));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = RUNCPP_MICRO_FIXTURE_DIR;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    constexpr std::string_view flag = "--fixtures=";
    if (std::string_view a = argv[i]; a.starts_with(flag))
      dir = std::string(a.substr(flag.size()));
    else
      args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;

  inputs in;  // outlives the registered benchmarks, which refer to it
  if (!load(dir, in)) return 1;

  benchmark::RegisterBenchmark("stats_event", stats_event, in.stats_event)->UseRealTime();
  benchmark::RegisterBenchmark("events_stream", events_stream, in.stream)->UseRealTime();
  for (const auto& [count, text] : in.lists)
    benchmark::RegisterBenchmark(("list_" + std::to_string(count)).c_str(), list, text, count)->UseRealTime();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
