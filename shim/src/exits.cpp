#include "exits.hpp"

#include <algorithm>

namespace runcpp::shim {

void exit_ledger::track(const process_key& key, int pid, bool io_pending) {
  entry& e = procs_[key];
  e = entry{.pid = pid, .io_pending = io_pending, .exit = std::nullopt, .reported = false};
  auto it =
      std::find_if(unclaimed_.begin(), unclaimed_.end(), [pid](const exit_info& x) { return x.pid == pid; });
  if (it != unclaimed_.end()) {
    e.exit = *it;
    unclaimed_.erase(it);
  }
}

void exit_ledger::exited(int pid, std::uint32_t status, std::chrono::system_clock::time_point at) {
  const exit_info info{.pid = pid, .status = status, .at = at};
  for (auto& [key, e] : procs_) {
    if (e.pid == pid && !e.exit) {
      e.exit = info;
      return;
    }
  }
  unclaimed_.push_back(info);
  if (unclaimed_.size() > max_unclaimed_) unclaimed_.pop_front();
}

void exit_ledger::io_drained(const process_key& key) {
  if (auto it = procs_.find(key); it != procs_.end()) it->second.io_pending = false;
}

bool exit_ledger::execs_pending(const std::string& container) const {
  for (auto it = procs_.lower_bound(process_key{container, ""}); it != procs_.end(); ++it) {
    if (it->first.container != container) break;
    if (!it->first.is_init() && it->second.pid != 0 && !it->second.reported) return true;
  }
  return false;
}

bool exit_ledger::ready(const process_key& key, const entry& e) const {
  if (e.reported || !e.exit || e.io_pending) return false;
  return !key.is_init() || !execs_pending(key.container);
}

std::vector<reported_exit> exit_ledger::take_reportable() {
  std::vector<reported_exit> out;
  // Two passes: execs first, so that an init made ready by its last exec's
  // report follows it in the same batch.
  for (bool inits : {false, true}) {
    for (auto& [key, e] : procs_) {
      if (key.is_init() != inits || !ready(key, e)) continue;
      e.reported = true;
      out.push_back({key, *e.exit});
    }
  }
  return out;
}

bool exit_ledger::running(const process_key& key) const {
  auto it = procs_.find(key);
  return it != procs_.end() && it->second.pid != 0 && !it->second.exit;
}

bool exit_ledger::init_exited(const std::string& container) const {
  auto it = procs_.find(process_key{container, ""});
  return it != procs_.end() && it->second.exit.has_value();
}

std::optional<exit_info> exit_ledger::reported(const process_key& key) const {
  auto it = procs_.find(key);
  if (it == procs_.end() || !it->second.reported) return std::nullopt;
  return it->second.exit;
}

std::vector<process_key> exit_ledger::awaiting_io() const {
  std::vector<process_key> out;
  for (const auto& [key, e] : procs_) {
    if (e.exit && e.io_pending && !e.reported) out.push_back(key);
  }
  return out;
}

int exit_ledger::pid(const process_key& key) const {
  auto it = procs_.find(key);
  return it == procs_.end() ? 0 : it->second.pid;
}

void exit_ledger::forget(const process_key& key) { procs_.erase(key); }

}  // namespace runcpp::shim
