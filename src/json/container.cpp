// Decoding of `runc state` / `runc list --format=json` output and RFC 3339
// timestamps. Parsed with RapidJSON (rapid.hpp), which is several times faster
// than nlohmann on `runc list` output; every Get* is preceded by a type test.

#include <runcpp/container.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "rapid.hpp"

namespace runcpp {

namespace {

using json = detail::rapid::value;
using detail::rapid::view;

// Makes untrusted text safe to put inside a one-line message.
std::string printable(std::string_view s) {
  constexpr std::size_t max_len = 64;
  std::string out;
  for (char c : s.substr(0, max_len)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (s.size() > max_len) out += "...";
  return out;
}

error parse_failure(std::string_view where, std::string_view what) {
  std::string msg(where);
  msg += ": ";
  msg += what;
  return error(errc::parse_error, std::move(msg));
}

error bad_key(std::string_view where, std::string_view key, std::string_view expected) {
  std::string what = "key \"";
  what += key;
  what += "\" is not ";
  what += expected;
  return parse_failure(where, what);
}

// Go's encoding/json (what runc's own tooling uses) treats null like an absent
// key, so a null value is "not given" rather than a type error.
const json* member(const json& obj, std::string_view key) {
  const json* v = detail::rapid::find_last(obj, key);
  return v == nullptr || v->IsNull() ? nullptr : v;
}

// Returns false (and sets err) when the key holds something other than a string.
bool read_string(const json& obj, const char* key, std::string_view where, std::string& out,
                 std::optional<error>& err, bool* present = nullptr) {
  const json* v = member(obj, key);
  if (present != nullptr) *present = v != nullptr;
  if (v == nullptr) return true;
  if (!v->IsString()) {
    err = bad_key(where, key, "a string");
    return false;
  }
  out.assign(v->GetString(), v->GetStringLength());
  return true;
}

bool read_optional_string(const json& obj, const char* key, std::string_view where,
                          std::optional<std::string>& out, std::optional<error>& err) {
  const json* v = member(obj, key);
  if (v == nullptr) return true;
  if (!v->IsString()) {
    err = bad_key(where, key, "a string");
    return false;
  }
  out.emplace(v->GetString(), v->GetStringLength());
  return true;
}

// Annotations as nlohmann gave them: the last of duplicate keys wins and, when
// values are not strings, the error names the first such key in key order.
result<void> read_annotations(const json& ann, std::string_view where,
                              std::map<std::string, std::string>& out) {
  for (auto it = ann.MemberBegin(); it != ann.MemberEnd(); ++it) {
    if (!it->value.IsString()) {
      out.clear();
      for (const auto* m : detail::rapid::sorted_last_members(ann)) {
        if (!m->value.IsString()) {
          std::string key = "annotations.";
          key += printable(view(m->name));
          return bad_key(where, key, "a string");
        }
        out.insert_or_assign(out.end(), std::string(view(m->name)), std::string(view(m->value)));
      }
      return {};
    }
    // runc prints keys sorted (Go maps), so the end is the right hint.
    out.insert_or_assign(out.end(), std::string(view(it->name)), std::string(view(it->value)));
  }
  return {};
}

result<container> decode_container(const json& j, std::string_view where) {
  if (!j.IsObject()) return parse_failure(where, "not a JSON object");

  container c;
  std::optional<error> err;
  bool has_id = false;
  if (!read_string(j, "id", where, c.id, err, &has_id)) return std::move(*err);
  // Everything else may be missing (crun's list omits rootfs), but a document
  // without an id is not a container state at all.
  if (!has_id) return parse_failure(where, "key \"id\" is missing");

  if (const json* pid = member(j, "pid")) {
    if (!pid->IsInt64() && !pid->IsUint64()) return bad_key(where, "pid", "an integer");
    // A negative or huge pid is a corrupt document, not a process.
    if (pid->IsUint64()) {
      const auto v = pid->GetUint64();
      if (v > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        return bad_key(where, "pid", "a pid (out of range)");
      c.pid = static_cast<int>(v);
    } else {
      const auto v = pid->GetInt64();
      if (v < 0 || v > std::numeric_limits<int>::max()) return bad_key(where, "pid", "a pid (out of range)");
      c.pid = static_cast<int>(v);
    }
  }

  if (!read_string(j, "status", where, c.status_text, err)) return std::move(*err);
  c.status = parse_container_status(c.status_text);
  if (!read_string(j, "bundle", where, c.bundle, err)) return std::move(*err);
  if (!read_string(j, "rootfs", where, c.rootfs, err)) return std::move(*err);

  bool has_created = false;
  if (!read_string(j, "created", where, c.created_text, err, &has_created)) return std::move(*err);
  if (has_created) {
    auto t = parse_rfc3339(c.created_text);
    if (!t) {
      std::string what = "key \"created\": ";
      what += t.error().message();
      return parse_failure(where, what);
    }
    c.created = *t;
  }

  if (const json* ann = member(j, "annotations")) {
    if (!ann->IsObject()) return bad_key(where, "annotations", "an object");
    if (auto r = read_annotations(*ann, where, c.annotations); !r) return std::move(r).error();
  }

  if (!read_optional_string(j, "ociVersion", where, c.oci_version, err)) return std::move(*err);
  if (!read_optional_string(j, "owner", where, c.owner, err)) return std::move(*err);
  return c;
}

// Reads exactly n ASCII digits at s[pos..); false if any is not a digit.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

error bad_time(std::string_view s, std::string_view why) {
  std::string msg = "invalid RFC 3339 timestamp \"";
  msg += printable(s);
  msg += "\": ";
  msg += why;
  return error(errc::parse_error, std::move(msg));
}

}  // namespace

container_status parse_container_status(std::string_view s) noexcept {
  if (s == "creating") return container_status::creating;
  if (s == "created") return container_status::created;
  if (s == "running") return container_status::running;
  if (s == "paused") return container_status::paused;
  if (s == "stopped") return container_status::stopped;
  return container_status::unknown;
}

std::string_view to_string(container_status s) noexcept {
  switch (s) {
    case container_status::creating: return "creating";
    case container_status::created: return "created";
    case container_status::running: return "running";
    case container_status::paused: return "paused";
    case container_status::stopped: return "stopped";
    case container_status::unknown: break;
  }
  return "unknown";
}

result<container> parse_state_json(std::string_view text) {
  detail::rapid::document doc;
  if (!doc.parse(text)) return parse_failure("state JSON", doc.failure());
  return decode_container(doc.root(), "state JSON");
}

result<std::vector<container>> parse_list_json(std::string_view text) {
  detail::rapid::document doc;
  if (!doc.parse(text)) return parse_failure("list JSON", doc.failure());
  const json& j = doc.root();
  std::vector<container> out;
  if (j.IsNull()) return out;  // runc prints `null` when there are no containers
  if (!j.IsArray()) return parse_failure("list JSON", "not a JSON array");
  out.reserve(j.Size());
  for (rapidjson::SizeType i = 0; i < j.Size(); ++i) {
    // The element's name is only built when the element is bad.
    auto c = decode_container(j[i], "list JSON element");
    if (!c) {
      auto again = decode_container(j[i], "list JSON element " + std::to_string(i));
      return std::move(again).error();
    }
    out.push_back(std::move(*c));
  }
  return out;
}

// Grammar (RFC 3339 §5.6): YYYY-MM-DD "T" hh:mm:ss [.fraction] ("Z" / ±hh:mm).
// The letters T and Z may be lower case (RFC 3339 §5.6 note). Leap seconds
// (ss = 60) are rejected: system_clock cannot represent them, and Go's
// time.Parse (which wrote runc's timestamps) rejects them too.
result<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 5 || s[4] != '-' || !digits(s, 5, 2, mo) || s.size() < 8 ||
      s[7] != '-' || !digits(s, 8, 2, d))
    return bad_time(s, "expected YYYY-MM-DD");
  if (s.size() < 11 || (s[10] != 'T' && s[10] != 't')) return bad_time(s, "expected 'T' after the date");
  if (!digits(s, 11, 2, h) || s.size() < 14 || s[13] != ':' || !digits(s, 14, 2, mi) || s.size() < 17 ||
      s[16] != ':' || !digits(s, 17, 2, sec))
    return bad_time(s, "expected hh:mm:ss");

  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad_time(s, "no such date");
  if (sec == 60) return bad_time(s, "leap seconds are not representable");
  if (h > 23 || mi > 59 || sec > 59) return bad_time(s, "time of day out of range");

  std::size_t pos = 19;
  std::int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (++n > 9) return bad_time(s, "fraction longer than 9 digits");
      frac_ns = frac_ns * 10 + (s[pos] - '0');
      ++pos;
    }
    if (n == 0) return bad_time(s, "empty fraction");
    for (; n < 9; ++n) frac_ns *= 10;
  }

  std::int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const bool negative = s[pos] == '-';
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om))
      return bad_time(s, "expected Z or +hh:mm / -hh:mm");
    if (oh > 23 || om > 59) return bad_time(s, "offset out of range");
    offset_s = (std::int64_t{oh} * 3600 + std::int64_t{om} * 60) * (negative ? -1 : 1);
    pos += 6;
  } else {
    return bad_time(s, "expected Z or +hh:mm / -hh:mm");
  }
  if (pos != s.size()) return bad_time(s, "trailing characters");

  // Local time minus its offset is UTC. Years 0000-9999 in seconds fit easily
  // in int64; the nanosecond count may not, so check before scaling.
  const std::int64_t days_since_epoch = sys_days{ymd}.time_since_epoch().count();
  const std::int64_t secs =
      days_since_epoch * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + sec - offset_s;
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1'000'000'000 - 1;
  if (secs > limit || secs < -limit) return bad_time(s, "outside the range of system_clock");
  const nanoseconds since_epoch{secs * 1'000'000'000 + frac_ns};
  return system_clock::time_point{duration_cast<system_clock::duration>(since_epoch)};
}

}  // namespace runcpp
