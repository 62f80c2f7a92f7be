// runcpp_fuzz_replay: runs fuzz corpus files through the fuzz targets without
// libFuzzer, so that every test run replays the corpus (architecture.md §2).
//
//   runcpp_fuzz_replay <target> <file-or-directory>...
//
// Each target's LLVMFuzzerTestOneInput is compiled as fuzz_<target> (see
// fuzz/CMakeLists.txt). Directories are walked recursively, files run in
// sorted order; the empty input is run too. A target that finds a violated
// invariant calls abort(), which fails the test. Exit status 2 on usage
// errors (unknown target, missing or empty corpus).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
int fuzz_ps_output(const std::uint8_t*, std::size_t);
int fuzz_ps_json(const std::uint8_t*, std::size_t);
int fuzz_version(const std::uint8_t*, std::size_t);
int fuzz_state_json(const std::uint8_t*, std::size_t);
int fuzz_features_json(const std::uint8_t*, std::size_t);
int fuzz_stats_json(const std::uint8_t*, std::size_t);
int fuzz_event_framer(const std::uint8_t*, std::size_t);
int fuzz_pid_file(const std::uint8_t*, std::size_t);
int fuzz_runtime_log(const std::uint8_t*, std::size_t);
int fuzz_spec_json(const std::uint8_t*, std::size_t);
int fuzz_spec_config(const std::uint8_t*, std::size_t);
int fuzz_cmsg(const std::uint8_t*, std::size_t);
}

namespace {

using target_fn = int (*)(const std::uint8_t*, std::size_t);

struct target {
  std::string_view name;
  target_fn fn;
};

constexpr target targets[] = {
    {"ps_output", fuzz_ps_output},
    {"ps_json", fuzz_ps_json},
    {"version", fuzz_version},
    {"state_json", fuzz_state_json},
    {"features_json", fuzz_features_json},
    {"stats_json", fuzz_stats_json},
    {"event_framer", fuzz_event_framer},
    {"pid_file", fuzz_pid_file},
    {"runtime_log", fuzz_runtime_log},
    {"spec_json", fuzz_spec_json},
    {"spec_config", fuzz_spec_config},
    {"cmsg", fuzz_cmsg},
};

int usage() {
  std::fprintf(stderr, "usage: runcpp_fuzz_replay <target> <file-or-directory>...\ntargets:");
  for (const auto& t : targets) std::fprintf(stderr, " %.*s", static_cast<int>(t.name.size()), t.name.data());
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string_view name = argv[1];
  const auto it =
      std::find_if(std::begin(targets), std::end(targets), [&](const target& t) { return t.name == name; });
  if (it == std::end(targets)) return usage();

  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    const fs::path p = argv[i];
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "runcpp_fuzz_replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "runcpp_fuzz_replay: empty corpus for %s\n", argv[1]);
    return 2;
  }
  std::sort(files.begin(), files.end());

  (void)it->fn(nullptr, 0);
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail()) {
      std::fprintf(stderr, "runcpp_fuzz_replay: cannot read %s\n", f.c_str());
      return 2;
    }
    std::fprintf(stderr, "running %s\n", f.c_str());
    (void)it->fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%.*s: %zu inputs replayed\n", static_cast<int>(name.size()), name.data(), files.size());
  return 0;
}
