#include "log_uri.hpp"

#include <algorithm>
#include <optional>

namespace runcpp::shim {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Go's url.getScheme: letters, then letters, digits, '+', '-', '.' up to a ':'.
// Anything else first means "no scheme" (a path). Sets `error` for a leading ':'.
std::string_view scheme_of(std::string_view text, std::string& error) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_alpha(c)) continue;
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) return {};
      continue;
    }
    if (c == ':') {
      if (i == 0) error = "missing protocol scheme";
      return text.substr(0, i);
    }
    return {};
  }
  return {};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoding (and '+' as a space in a query), as Go's url.unescape.
std::optional<std::string> unescape(std::string_view s, bool query) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(query && s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// Go's url.ParseQuery as Query() uses it (errors drop the pair), then
// NewBinaryCmd: key, first value.
std::vector<std::string> query_args(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> firsts;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    const std::size_t eq = pair.find('=');
    auto key = unescape(pair.substr(0, eq), true);
    auto value = unescape(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!key || !value) continue;
    const bool seen =
        std::any_of(firsts.begin(), firsts.end(), [&](const auto& kv) { return kv.first == *key; });
    if (!seen) firsts.emplace_back(std::move(*key), std::move(*value));
  }
  std::vector<std::string> args;
  for (auto& [k, v] : firsts) {
    args.push_back(std::move(k));
    args.push_back(std::move(v));
  }
  return args;
}

}  // namespace

std::string parse_stdio_uri(std::string_view text, stdio_uri& out) {
  out = {};
  std::string error;
  const std::string_view raw = text.substr(0, text.find('#'));
  std::string scheme(scheme_of(raw, error));
  if (!error.empty()) return "unable to parse stdout uri: " + error;
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  if (scheme.empty() || scheme == "fifo") {
    out.path = std::string(text);
    return {};
  }
  if (scheme == "binary") {
    out.scheme = stdio_scheme::binary;
  } else if (scheme == "file") {
    out.scheme = stdio_scheme::file;
  } else {
    return "unknown STDIO scheme " + scheme;
  }
  std::string_view rest = raw.substr(scheme.size() + 1);
  const std::size_t q = rest.find('?');
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : rest.substr(q + 1);
  rest = rest.substr(0, q);
  if (rest.starts_with("//")) {  // an authority (host) before the path: ignored, as by the Go shim
    rest.remove_prefix(2);
    const std::size_t slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  }
  if (!rest.starts_with('/')) return "stdio URI " + std::string(text) + " has no absolute path";
  auto path = unescape(rest, false);
  if (!path) return "unable to parse stdout uri: invalid escape in " + std::string(text);
  out.path = std::move(*path);
  if (out.scheme == stdio_scheme::binary) out.args = query_args(query);
  return {};
}

}  // namespace runcpp::shim
