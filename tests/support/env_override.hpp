// Sets (or unsets, with nullopt) an environment variable for one scope and
// restores it afterwards. Tests only: the environment is process-wide, so a
// test using it must not run calls on other threads meanwhile.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace runcpp::testing {

class env_override {
 public:
  env_override(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~env_override() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  env_override(const env_override&) = delete;
  env_override& operator=(const env_override&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace runcpp::testing
