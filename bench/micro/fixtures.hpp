// The inputs of the decode micro-benchmarks, derived deterministically from the
// runc 1.1.5 captures in tests/data, so that no large file is committed and the
// C++ and Go decoders read byte-identical files (written by make_fixtures).
#pragma once

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runcpp::bench {

inline constexpr int stream_events = 1000;
inline constexpr int list_sizes[] = {1, 100, 1000};

inline std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string_view trim_line_end(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// The top-level objects of a JSON array, as text (the capture is compact JSON).
inline std::vector<std::string> array_elements(std::string_view array) {
  std::vector<std::string> out;
  int depth = 0;
  bool in_string = false, escaped = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const char c = array[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' && depth++ == 0)
      start = i;
    else if (c == '}' && --depth == 0)
      out.emplace_back(array.substr(start, i + 1 - start));
  }
  return out;
}

// Replaces the value of the first `"key":` in `object` (a string or a number).
inline std::string with_value(std::string object, std::string_view key, std::string_view json_value) {
  // Appended piecewise: GCC 12 warns (-Wrestrict, falsely) on "lit" + std::string&&.
  std::string needle(1, '"');
  needle.append(key).append("\":");
  const std::size_t at = object.find(needle);
  if (at == std::string::npos) throw std::runtime_error("fixture has no key " + needle);
  const std::size_t begin = at + needle.size();
  std::size_t end = begin;
  if (object[begin] == '"') {
    end = object.find('"', begin + 1) + 1;
  } else {
    while (end < object.size() && object[end] != ',' && object[end] != '}') ++end;
  }
  object.replace(begin, end - begin, json_value);
  return object;
}

// `runc list --format=json` with n containers: the captured entries in turn
// (one plain, one with annotations), each with a unique id and pid.
inline std::string make_list(std::string_view captured_list, int n) {
  const auto entries = array_elements(captured_list);
  if (entries.empty()) throw std::runtime_error("list fixture has no entries");
  std::string out = "[";
  char id[32];
  for (int i = 0; i < n; ++i) {
    std::snprintf(id, sizeof id, "\"bench-%05d\"", i);
    std::string e = with_value(entries[static_cast<std::size_t>(i) % entries.size()], "id", id);
    out += with_value(std::move(e), "pid", std::to_string(100000 + i));
    if (i + 1 < n) out += ',';
  }
  out += "]\n";  // runc ends its output with a newline
  return out;
}

// `runc events --stats` output: the one event line, newline-terminated.
inline std::string make_stats_event(std::string_view captured_event) {
  return std::string(trim_line_end(captured_event)) + "\n";
}

// A `runc events` stream: n stats events, one per line.
inline std::string make_stream(std::string_view captured_event, int n) {
  const std::string line = make_stats_event(captured_event);
  std::string out;
  out.reserve(line.size() * static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out += line;
  return out;
}

inline std::string list_file_name(int n) { return "list-" + std::to_string(n) + ".json"; }
inline constexpr const char* stats_event_file = "events-stats.json";
inline constexpr const char* stream_file = "events-stream.ndjson";

}  // namespace runcpp::bench
