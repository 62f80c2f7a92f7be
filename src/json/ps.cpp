// Parsing of `runc ps` output: the ps(1) table behind client::top and the
// JSON pid list behind client::ps. go-runc's ParsePSOutput panics on a table
// without a PID column or with a short row; here both are parse_errors.

#include <runcpp/ps.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "rapid.hpp"

namespace runcpp {

namespace {

// The ASCII white space of Go's strings.Fields (and C's isspace in the "C"
// locale). '\r' is among them, which is what makes CRLF input work.
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

error table_error(std::size_t line_no, std::string_view what) {
  std::string msg = "ps output line ";
  msg += std::to_string(line_no);
  msg += ": ";
  msg += what;
  return error(errc::parse_error, std::move(msg));
}

}  // namespace

result<top_results> parse_ps_output(std::string_view output) {
  top_results r;
  if (output.empty()) return r;

  auto next_line = [&output]() {
    const auto nl = output.find('\n');
    const auto line = output.substr(0, nl);
    output.remove_prefix(nl == std::string_view::npos ? output.size() : nl + 1);
    return line;
  };

  for (auto h : fields(next_line())) r.headers.emplace_back(h);
  // The last PID column wins, as in go-runc.
  std::size_t pid_index = r.headers.size();
  for (std::size_t i = 0; i < r.headers.size(); ++i)
    if (r.headers[i] == "PID") pid_index = i;

  std::size_t line_no = 1;
  while (!output.empty()) {
    ++line_no;
    const auto cols = fields(next_line());
    if (cols.empty()) continue;  // blank lines, including a lone "\r"
    if (pid_index == r.headers.size())
      return table_error(line_no, "a process row but no PID column in the header");
    if (pid_index < cols.size() && cols[pid_index] == "-") continue;  // ps placeholder row
    if (cols.size() < r.headers.size())
      return table_error(line_no, "row has " + std::to_string(cols.size()) + " field(s) for " +
                                      std::to_string(r.headers.size()) + " header columns");
    std::vector<std::string> row;
    row.reserve(r.headers.size());
    for (std::size_t i = 0; i + 1 < r.headers.size(); ++i) row.emplace_back(cols[i]);
    // The last column (usually the command) keeps its words.
    std::string last;
    for (std::size_t i = r.headers.size() - 1; i < cols.size(); ++i) {
      if (!last.empty()) last += ' ';
      last += cols[i];
    }
    row.push_back(std::move(last));
    r.processes.push_back(std::move(row));
  }
  return r;
}

result<std::vector<int>> parse_ps_json(std::string_view text) {
  detail::rapid::document doc;
  if (!doc.parse(text)) return error(errc::parse_error, "ps JSON: " + std::string(doc.failure()));
  const auto& j = doc.root();
  std::vector<int> pids;
  if (j.IsNull()) return pids;  // an empty Go slice marshals as null
  if (!j.IsArray()) return error(errc::parse_error, "ps JSON: not a JSON array");
  pids.reserve(j.Size());
  for (const auto& e : j.GetArray()) {
    // A pid is a positive int; anything else (a fraction, an exponent, a
    // negative or too large number) means the output is not a pid list.
    const bool ok = e.IsUint64() && e.GetUint64() > 0 &&
                    e.GetUint64() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max());
    if (!ok)
      return error(errc::parse_error,
                   "ps JSON: element " + std::to_string(pids.size()) + " is not a pid (positive int)");
    pids.push_back(static_cast<int>(e.GetUint64()));
  }
  return pids;
}

}  // namespace runcpp
