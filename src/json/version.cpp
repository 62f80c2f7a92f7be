// Parsing of `runc --version` / `crun --version` text. Not JSON, but it sits
// with the other output decoders.

#include <runcpp/version.hpp>

#include <string>
#include <utility>

namespace runcpp {

namespace {

constexpr std::string_view blanks = " \t\r\f\v";

std::string_view trim(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(blanks);
  return s.substr(first, last - first + 1);
}

bool is_blank(char c) noexcept { return blanks.find(c) != std::string_view::npos; }

// A program name such as runc, crun, youki, runsc or runc-1.1 (no punctuation
// like ':' that would mark some other kind of line).
bool is_runtime_name(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// Splits "key: value" (or "key:" with nothing after). The key is one word, so
// prose and crun's "+SYSTEMD +SELINUX ..." feature line are not mistaken for
// fields, nor is a bare "http://..." (no blank after the colon).
bool split_field(std::string_view line, std::string_view& key, std::string_view& value) noexcept {
  const auto colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  const auto k = line.substr(0, colon);
  for (char c : k)
    if (is_blank(c)) return false;
  const auto rest = line.substr(colon + 1);
  if (!rest.empty() && !is_blank(rest.front())) return false;
  key = k;
  value = trim(rest);
  return true;
}

}  // namespace

result<runcpp::version> parse_version_output(std::string_view text) {
  // Leading blank lines are tolerated (go-runc trims the whole output).
  const auto start = text.find_first_not_of(" \t\r\n\f\v");
  if (start == std::string_view::npos) return error(errc::parse_error, "version output: empty");
  text.remove_prefix(start);

  runcpp::version v;
  bool first = true;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const auto line = trim(raw);  // also drops the '\r' of CRLF output

    if (first) {
      first = false;
      // "<runtime> version <X>": exactly one word, the word "version", then the rest.
      const auto sp = line.find_first_of(blanks);
      if (sp == std::string_view::npos)
        return error(errc::parse_error, "version output: first line is not \"<runtime> version <X>\"");
      const auto runtime = line.substr(0, sp);
      auto rest = trim(line.substr(sp));
      constexpr std::string_view word = "version";
      if (!is_runtime_name(runtime) || rest.substr(0, word.size()) != word || rest.size() == word.size() ||
          !is_blank(rest[word.size()]))
        return error(errc::parse_error, "version output: first line is not \"<runtime> version <X>\"");
      v.runtime = std::string(runtime);
      v.version = std::string(trim(rest.substr(word.size())));
      continue;
    }

    if (line.empty()) continue;
    std::string_view key, value;
    if (!split_field(line, key, value)) {
      v.other_lines.emplace_back(line);
      continue;
    }
    // Later duplicates overwrite, as in go-runc.
    if (key == "commit")
      v.commit = std::string(value);
    else if (key == "spec")
      v.spec = std::string(value);
    else if (key == "go")
      v.go = std::string(value);
    else if (key == "libseccomp")
      v.libseccomp = std::string(value);
    v.fields.emplace_back(std::string(key), std::string(value));
  }
  return v;
}

}  // namespace runcpp
