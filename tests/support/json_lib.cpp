#include "support/json.hpp"

#include <algorithm>
#include <stdexcept>

#include "json/rapid_writer.hpp"
#include "support/hygiene.hpp"

namespace runcpp::testing {
namespace {

namespace rapid = detail::rapid;

bool same_number(const rapid::value& a, const rapid::value& b) {
  if (a.IsDouble() || b.IsDouble()) {
    const double x = a.GetDouble(), y = b.GetDouble();
    return x <= y && x >= y;
  }
  // Both integers: -1 (int64 only) must not equal 2^64-1 (uint64 only).
  if (a.IsInt64() != b.IsInt64() || a.IsUint64() != b.IsUint64()) return false;
  return a.IsInt64() ? a.GetInt64() == b.GetInt64() : a.GetUint64() == b.GetUint64();
}

bool same(const rapid::value& a, const rapid::value& b) {
  if (a.IsObject() && b.IsObject()) {
    const auto x = rapid::sorted_last_members(a), y = rapid::sorted_last_members(b);
    return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto* m, const auto* n) {
      return rapid::view(m->name) == rapid::view(n->name) && same(m->value, n->value);
    });
  }
  if (a.IsArray() && b.IsArray()) return std::equal(a.Begin(), a.End(), b.Begin(), b.End(), same);
  if (a.IsNumber() && b.IsNumber()) return same_number(a, b);
  return a == b;  // null, booleans, strings; false for different types
}

}  // namespace

json_value json_value::parse(std::string_view text) {
  auto doc = std::make_shared<rapid::document>();
  if (!doc->parse(text)) throw std::runtime_error(std::string(doc->failure()));
  const rapid::value& root = doc->root();
  return json_value(std::move(doc), root, "");
}

json_value json_value::operator[](std::string_view key) const {
  if (!value_->IsObject()) type_error("an object");
  const rapid::value* member = rapid::find_last(*value_, key);
  if (member == nullptr)
    throw std::runtime_error("JSON " + where() + " has no member \"" + std::string(key) + "\"");
  return json_value(doc_, *member, path_ + "/" + std::string(key));
}

bool json_value::contains(std::string_view key) const {
  return value_->IsObject() && rapid::find_last(*value_, key) != nullptr;
}

bool json_value::empty() const {
  if (value_->IsArray()) return value_->Empty();
  if (value_->IsObject()) return value_->ObjectEmpty();
  type_error("an array or object");
}

std::string json_value::dump() const {
  rapidjson::StringBuffer buffer;
  rapid::compact_writer writer(buffer);
  rapid::put_value(writer, *value_);
  return rapid::text_of(buffer);
}

bool operator==(const json_value& a, const json_value& b) { return same(*a.value_, *b.value_); }

json_value json_value::element(std::size_t index) const {
  return json_value(doc_, (*value_)[static_cast<rapidjson::SizeType>(index)],
                    path_ + "/" + std::to_string(index));
}

void json_value::type_error(std::string_view wanted) const {
  throw std::runtime_error("JSON " + where() + " is not " + std::string(wanted) + ": " + dump());
}

bool json_value::get_bool() const {
  if (!value_->IsBool()) type_error("a boolean");
  return value_->GetBool();
}

std::string json_value::get_string() const {
  if (!value_->IsString()) type_error("a string");
  return std::string(rapid::view(*value_));
}

std::int64_t json_value::get_int64() const {
  if (!value_->IsInt64()) type_error("an integer in range");
  return value_->GetInt64();
}

std::uint64_t json_value::get_uint64() const {
  if (!value_->IsUint64()) type_error("an integer in range");
  return value_->GetUint64();
}

std::size_t json_value::array_size() const {
  if (!value_->IsArray()) type_error("an array");
  return value_->Size();
}

json_value read_record(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  try {
    return json_value::parse(text);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("malformed fake_runc record " + path.string() + ": " + e.what());
  }
}

}  // namespace runcpp::testing
