#include "runtime_log.hpp"

#include <utility>

#include "json/rapid.hpp"

namespace runcpp::detail {
namespace {

bool is_error_level(std::string_view level) {
  return level == "error" || level == "fatal" || level == "panic";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string trim_message(std::string m) {
  while (!m.empty() && (m.back() == '\n' || m.back() == '\r' || m.back() == ' ')) m.pop_back();
  return m;
}

// Reads one logfmt value at s[i]: bare, or double-quoted with Go escapes.
std::string read_value(std::string_view s, std::size_t& i) {
  std::string v;
  if (i < s.size() && s[i] == '"') {
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        char c = s[++i];
        switch (c) {
          case 'n': v += '\n'; break;
          case 't': v += '\t'; break;
          case 'r': v += '\r'; break;
          default: v += c; break;  // \" \\ and anything else verbatim
        }
      } else {
        v += s[i];
      }
    }
    if (i < s.size()) ++i;  // closing quote
    return v;
  }
  while (i < s.size() && s[i] != ' ') v += s[i++];
  return v;
}

// time="…" level=error msg="…" → (level, msg); nullopt if not logfmt.
std::optional<std::pair<std::string, std::string>> parse_logfmt(std::string_view line) {
  std::optional<std::string> level, msg;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t eq = line.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string_view key = line.substr(i, eq - i);
    if (key.empty() || key.find(' ') != std::string_view::npos) return std::nullopt;
    i = eq + 1;
    std::string value = read_value(line, i);
    if (key == "level")
      level = std::move(value);
    else if (key == "msg")
      msg = std::move(value);
  }
  if (!level || !msg) return std::nullopt;
  return std::pair{std::move(*level), std::move(*msg)};
}

std::optional<std::pair<std::string, std::string>> parse_json_record(std::string_view line) {
  rapid::document doc;
  if (!doc.parse(line) || !doc.root().IsObject()) return std::nullopt;
  const auto* level = rapid::find_last(doc.root(), "level");
  const auto* msg = rapid::find_last(doc.root(), "msg");
  if (level == nullptr || msg == nullptr || !level->IsString() || !msg->IsString()) return std::nullopt;
  return std::pair{std::string(rapid::view(*level)), std::string(rapid::view(*msg))};
}

}  // namespace

std::optional<std::string> last_error_record(std::string_view text) {
  std::optional<std::string> found;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty()) continue;
    auto rec = line.front() == '{' ? parse_json_record(line) : parse_logfmt(line);
    if (rec && is_error_level(rec->first)) found = trim_message(std::move(rec->second));
  }
  return found;
}

std::string runtime_message(std::string_view stderr_text) {
  if (auto rec = last_error_record(stderr_text)) return *rec;
  while (!stderr_text.empty()) {
    auto nl = stderr_text.find('\n');
    std::string_view line = trim(stderr_text.substr(0, nl));
    if (!line.empty()) return std::string(line);
    if (nl == std::string_view::npos) break;
    stderr_text.remove_prefix(nl + 1);
  }
  return {};
}

errc classify_message(std::string_view msg) {
  // Order matters: the first pattern found wins ("not paused" before "paused").
  static constexpr std::pair<std::string_view, errc> table[] = {
      {"container does not exist", errc::not_found},
      {"/status`: No such file or directory", errc::not_found},  // crun state/kill
      {"cannot open directory", errc::not_found},                // crun delete
      {"already exists", errc::already_exists},                  // runc and crun
      {"exists. Remove it first", errc::already_exists},         // runc spec
      {"invalid container ID format", errc::invalid_argument},
      {"invalid id format", errc::invalid_argument},
      {"container not paused", errc::not_paused},
      {"is not paused", errc::not_paused},
      {"container paused", errc::paused},
      {"cannot exec in a paused container", errc::paused},  // runc exec
      {"is paused", errc::paused},
      {"container not running", errc::not_running},
      {"is not running", errc::not_running},
      {"not running", errc::not_running},
      {"cannot exec in a stopped container", errc::not_running},  // runc exec
      {"that is not stopped", errc::still_running},               // runc delete
      {"container still running", errc::still_running},
      {"is still running", errc::still_running},
      {"is not in `created` or `stopped` state", errc::still_running},  // crun delete
      {"kill container: No such process", errc::not_running},           // crun kill (init a zombie)
      {"open pidfd: No such process", errc::not_running},               // crun kill (init reaped)
      {"/exec.fifo`: No such file or directory", errc::still_running},  // crun start (already started)
      {"requires a maximum of", errc::unsupported},                     // crun ps with ps(1) args
      {"cannot start a container that has stopped", errc::not_running},
      {"cannot start an already running container", errc::still_running},
      {"unknown command", errc::unsupported},                // crun
      {"unrecognized option", errc::unsupported},            // crun (argp), e.g. --pidfd-socket
      {"No help topic for", errc::unsupported},              // runc
      {"flag provided but not defined", errc::unsupported},  // runc
  };
  for (const auto& [pattern, code] : table)
    if (msg.find(pattern) != std::string_view::npos) return code;
  return errc::command_failed;
}

}  // namespace runcpp::detail
