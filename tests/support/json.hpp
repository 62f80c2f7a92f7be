// Reading JSON in tests: fake_runc's records, the configs the library writes,
// fixtures. A small read-only layer over the library's own RapidJSON parser
// (src/json/rapid.hpp, so tests and library accept the same texts) that keeps
// assertions as short as the data:
//
//   EXPECT_THAT(record()["argv"].get<std::vector<std::string>>(), ElementsAre(...));
//   EXPECT_EQ(json_value::parse(to_json(p)), config["process"]);
//
// Every accessor throws std::runtime_error, naming the value's path
// ("/process/args/2"), when the value is absent or of another type, so a
// wrong record fails the test with that message.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "json/rapid.hpp"

namespace runcpp::testing {

// One value of a parsed document. Copies share the document, which lives as
// long as any value taken from it (record()["argv"] may outlive record()).
class json_value {
 public:
  // Throws std::runtime_error when `text` is not one valid JSON value.
  static json_value parse(std::string_view text);

  // The member `key` of an object (the last of duplicate keys).
  json_value operator[](std::string_view key) const;
  json_value at(std::string_view key) const { return (*this)[key]; }
  bool contains(std::string_view key) const;
  bool is_object() const noexcept { return value_->IsObject(); }
  bool is_null() const noexcept { return value_->IsNull(); }
  // An array or object without elements; throws for a scalar.
  bool empty() const;

  // The value as T: bool, an integer type (the number must be an integer in
  // T's range), std::string, or a std::vector of one of these (an array).
  template <class T>
  T get() const;

  // Compact JSON text of the value, members in input order.
  std::string dump() const;

  // JSON equality: object members in any order (the last of duplicate keys),
  // integers exactly, a double against a number by value.
  friend bool operator==(const json_value& a, const json_value& b);
  // Whether the value is a JSON boolean, integer or string equal to `b`
  // (EXPECT_EQ(rec["cwd"], dir.string())); a value of another type is unequal.
  template <std::same_as<bool> B>  // a template, so that "text" is not taken for a bool
  friend bool operator==(const json_value& a, B b) {
    return a.value_->IsBool() && a.value_->GetBool() == b;
  }
  template <std::integral I>
  requires(!std::same_as<I, bool>) friend bool operator==(const json_value& a, I b) {
    if (a.value_->IsInt64()) return std::cmp_equal(a.value_->GetInt64(), b);
    return a.value_->IsUint64() && std::cmp_equal(a.value_->GetUint64(), b);
  }
  friend bool operator==(const json_value& a, std::string_view b) {
    return a.value_->IsString() && detail::rapid::view(*a.value_) == b;
  }
  friend std::ostream& operator<<(std::ostream& out, const json_value& v) { return out << v.dump(); }

 private:
  json_value(std::shared_ptr<const detail::rapid::document> doc, const detail::rapid::value& value,
             std::string path)
      : doc_(std::move(doc)), value_(&value), path_(std::move(path)) {}
  json_value element(std::size_t index) const;
  std::string where() const { return path_.empty() ? "/" : path_; }
  [[noreturn]] void type_error(std::string_view wanted) const;
  bool get_bool() const;
  std::string get_string() const;
  std::int64_t get_int64() const;
  std::uint64_t get_uint64() const;
  std::size_t array_size() const;

  std::shared_ptr<const detail::rapid::document> doc_;
  const detail::rapid::value* value_;
  std::string path_;  // JSON Pointer of the value, for error messages
};

// Parses the JSON record that fake_runc writes for FAKE_RUNC_RECORD; throws
// std::runtime_error (with the path) if it is missing or malformed.
json_value read_record(const std::filesystem::path& path);

namespace json_detail {
template <class T>
struct is_vector : std::false_type {};
template <class E>
struct is_vector<std::vector<E>> : std::true_type {};
}  // namespace json_detail

template <class T>
T json_value::get() const {
  if constexpr (std::is_same_v<T, bool>) {
    return get_bool();
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) {
      const std::int64_t i = get_int64();
      if (!std::in_range<T>(i)) type_error("an integer in range");
      return static_cast<T>(i);
    } else {
      const std::uint64_t u = get_uint64();
      if (!std::in_range<T>(u)) type_error("an integer in range");
      return static_cast<T>(u);
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    return get_string();
  } else if constexpr (json_detail::is_vector<T>::value) {
    T out;
    const std::size_t n = array_size();
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(element(i).template get<typename T::value_type>());
    return out;
  } else {
    static_assert(json_detail::is_vector<T>::value, "json_value::get: unsupported type");
  }
}

}  // namespace runcpp::testing
