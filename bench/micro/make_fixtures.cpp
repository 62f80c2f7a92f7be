// Writes the decode benchmarks' inputs (see fixtures.hpp) into a directory, so
// that the C++ and the Go decoders read the very same bytes.
//   make_fixtures <runc-1.1.5 capture dir> <output dir>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "fixtures.hpp"

namespace {

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <capture dir> <output dir>\n", argv[0]);
    return 2;
  }
  try {
    namespace rb = runcpp::bench;
    const std::filesystem::path in = argv[1], out = argv[2];
    const auto event = rb::read_file(in / "events-stats.json");
    const auto list = rb::read_file(in / "list.json");
    if (!event || !list) throw std::runtime_error("cannot read the captures in " + in.string());
    std::filesystem::create_directories(out);
    write(out / rb::stats_event_file, rb::make_stats_event(*event));
    write(out / rb::stream_file, rb::make_stream(*event, rb::stream_events));
    for (int n : rb::list_sizes) write(out / rb::list_file_name(n), rb::make_list(*list, n));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_fixtures: %s\n", e.what());
    return 1;
  }
  return 0;
}
