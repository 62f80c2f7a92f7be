#include "support/bundle.hpp"

#include "examples/busybox_bundle.hpp"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

extern char** environ;

namespace runcpp::testing {

namespace {

// The builder's starting config, serialized once (busybox_bundle writes the same).
const std::string& template_text() {
  static const std::string text = [] {
    runcpp::bundle_builder b;
    b.set_terminal(false);
    return runcpp::spec::serialize_config(b.config());
  }();
  return text;
}

}  // namespace

const std::string_view runc_spec_template = template_text();

const std::vector<std::string_view> busybox_applets = {"sh",    "sleep", "cat", "echo", "true",
                                                       "false", "ls",    "ps",  "stty", "kill",
                                                       "head",  "dd",    "env", "id",   "hostname",
                                                       "tail",  "wc",    "yes", "seq"};

namespace {

using namespace std::chrono_literals;

constexpr const char* busybox_source = examples::busybox_binary;

template <typename Ehdr, typename Phdr>
std::optional<bool> has_interpreter(std::ifstream& in) {
  Ehdr ehdr{};
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(&ehdr), sizeof ehdr)) {
    return std::nullopt;
  }
  for (unsigned i = 0; i < ehdr.e_phnum; ++i) {
    Phdr phdr{};
    in.seekg(static_cast<std::streamoff>(ehdr.e_phoff + static_cast<std::uint64_t>(i) * ehdr.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&phdr), sizeof phdr)) {
      return std::nullopt;
    }
    if (phdr.p_type == PT_INTERP) {
      return true;
    }
  }
  return false;
}

// true: static ELF; false: dynamic ELF; nullopt: not an ELF file we can read.
std::optional<bool> is_static_elf(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char ident[EI_NIDENT] = {};
  if (!in || !in.read(reinterpret_cast<char*>(ident), sizeof ident) ||
      std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
    return std::nullopt;
  }
  std::optional<bool> interp;
  if (ident[EI_CLASS] == ELFCLASS64) {
    interp = has_interpreter<Elf64_Ehdr, Elf64_Phdr>(in);
  } else if (ident[EI_CLASS] == ELFCLASS32) {
    interp = has_interpreter<Elf32_Ehdr, Elf32_Phdr>(in);
  }
  if (!interp) {
    return std::nullopt;
  }
  return !*interp;
}

// With $RUNCPP_CONFIG_COLLECT_DIR set, a copy of `config` named by a hash of
// its content (so a config written again is kept once).
void collect_config(const std::filesystem::path& config) {
  const char* dir = std::getenv("RUNCPP_CONFIG_COLLECT_DIR");
  if (dir == nullptr || *dir == '\0') {
    return;
  }
  const std::string text = read_file(config);
  char name[32];
  std::snprintf(name, sizeof name, "%016zx.json", std::hash<std::string>{}(text));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(config, std::filesystem::path(dir) / name,
                             std::filesystem::copy_options::overwrite_existing);
}

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
         c == '.' || c == '-';
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

// --- busybox_bundle -----------------------------------------------------------------

busybox_bundle::busybox_bundle(temp_dir dir)
    : dir_(std::move(dir)), builder_(examples::busybox_builder({"sh"}, busybox_applets)) {}

std::optional<busybox_bundle> busybox_bundle::make(std::string* why_not) {
  auto refuse = [why_not](std::string reason) -> std::optional<busybox_bundle> {
    if (why_not != nullptr) {
      *why_not = std::move(reason);
    }
    return std::nullopt;
  };
  if (::geteuid() != 0) {
    return refuse("real-runtime tests need root (euid is " + std::to_string(::geteuid()) + ")");
  }
  std::error_code ec;
  if (!std::filesystem::exists(busybox_source, ec)) {
    return refuse(std::string(busybox_source) + " is missing (apt-get install busybox-static)");
  }
  auto is_static = is_static_elf(busybox_source);
  if (!is_static) {
    return refuse(std::string(busybox_source) + " is not a readable ELF executable");
  }
  if (!*is_static) {
    return refuse(std::string(busybox_source) + " is dynamically linked; the bundle needs busybox-static");
  }
  try {
    busybox_bundle bundle{temp_dir("runcpp-bundle")};
    bundle.write();
    return bundle;
  } catch (const std::exception& e) {
    return refuse(std::string("cannot build the busybox bundle: ") + e.what());
  }
}

busybox_bundle& busybox_bundle::set_args(std::vector<std::string> args) {
  builder_.set_args(std::move(args));
  return *this;
}

busybox_bundle& busybox_bundle::set_terminal(bool terminal) {
  builder_.set_terminal(terminal);
  return *this;
}

busybox_bundle& busybox_bundle::set_env(std::vector<std::string> env) {
  builder_.set_env(std::move(env));
  return *this;
}

busybox_bundle& busybox_bundle::add_env(std::string key_value) {
  builder_.add_env(std::move(key_value));
  return *this;
}

busybox_bundle& busybox_bundle::set_cwd(std::string cwd) {
  builder_.set_cwd(std::move(cwd));
  return *this;
}

busybox_bundle& busybox_bundle::set_memory_limit(std::int64_t bytes) {
  auto& l = config().linux_config;
  if (!l) {
    l.emplace();
  }
  auto resources = l->resources.value_or(spec::linux_resources{});
  if (!resources.memory) {
    resources.memory.emplace();
  }
  resources.memory->limit = bytes;
  builder_.set_resources(std::move(resources));
  return *this;
}

busybox_bundle& busybox_bundle::set_readonly_rootfs(bool readonly) {
  builder_.set_readonly_rootfs(readonly);
  return *this;
}

void busybox_bundle::write() const {
  if (auto r = builder_.write(path()); !r) {
    throw std::runtime_error("cannot write the bundle " + path().string() + ": " + r.error().message());
  }
  collect_config(config_path());
}

// --- ids and PATH -------------------------------------------------------------------

std::string unique_id(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  // Built with append() only: GCC 12 -O2 gives false -Wrestrict warnings on
  // std::string insert()/operator+ chains (GCC bug 105329).
  std::string id;
  if (prefix.empty() || prefix.front() == '-' || prefix.front() == '.') {
    id.append(1, 't');
  }
  for (char c : prefix) {
    id.append(1, is_id_char(c) ? c : '_');
  }
  std::random_device rd;
  std::uniform_int_distribution<unsigned> dist(0, 0xFFFFFFFFu);
  char tail[64];
  std::snprintf(tail, sizeof tail, "-%ld-%u-%08x", static_cast<long>(::getpid()), counter.fetch_add(1),
                dist(rd));
  id.append(tail);
  return id;
}

std::optional<std::string> find_runtime(std::string_view name) {
  if (name.empty()) {
    return std::nullopt;
  }
  if (name.find('/') != std::string_view::npos) {
    std::string path(name);
    if (is_executable_file(path)) {
      return path;
    }
    return std::nullopt;
  }
  const char* env_path = std::getenv("PATH");
  std::string dirs = env_path != nullptr ? env_path : "/usr/local/bin:/usr/bin:/bin";
  dirs += ":/usr/local/sbin:/usr/sbin:/sbin";
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = dirs.find(':', start);
    std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty()) {
      std::string candidate = dir + "/" + std::string(name);
      if (is_executable_file(candidate)) {
        return candidate;
      }
    }
    if (end == std::string::npos) {
      return std::nullopt;
    }
    start = end + 1;
  }
}

// --- cgroup layout ------------------------------------------------------------------

std::optional<std::string> cgroup_layout_refuses(std::string_view runtime) {
  if (std::filesystem::path(runtime).filename() != "crun") {
    return std::nullopt;
  }
  // mountinfo: "id parent dev root point options ... - fstype source super".
  std::ifstream in("/proc/self/mountinfo");
  bool hybrid = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point, word;
    fields >> id >> parent >> dev >> root >> point;
    while (fields >> word && word != "-") {
    }
    std::string fstype;
    fields >> fstype;
    if (fstype != "cgroup2") {
      continue;
    }
    if (point == "/sys/fs/cgroup") {
      return std::nullopt;  // unified layout
    }
    if (point == "/sys/fs/cgroup/unified") {
      hybrid = true;
    }
  }
  if (!hybrid) {
    return std::nullopt;
  }
  std::ifstream ctl("/sys/fs/cgroup/unified/cgroup.controllers");
  std::string controllers;
  std::getline(ctl, controllers);
  while (!controllers.empty() && (controllers.back() == '\n' || controllers.back() == ' ')) {
    controllers.pop_back();
  }
  if (controllers.empty()) {
    return std::nullopt;
  }
  return "crun refuses this hybrid cgroup layout while controllers are on cgroup2 (/sys/fs/cgroup/unified "
         "lists: " +
         controllers +
         "); scripts/test mounts them as v1 hierarchies (scripts/lib/cgroup.sh), which needs root";
}

// --- runtime_root -------------------------------------------------------------------

runtime_root::runtime_root(std::string runtime)
    : runtime_(std::move(runtime)), dir_(temp_dir("runcpp-root")) {}

runtime_root::~runtime_root() {
  for (auto it = ids_.rbegin(); it != ids_.rend(); ++it) {
    force_delete(*it);
  }
}

std::string runtime_root::track(std::string id) {
  ids_.push_back(id);
  return id;
}

int runtime_root::force_delete(const std::string& id) const {
  const std::string root = dir_.path().string();
  std::vector<std::string> args = {runtime_, "--root", root, "delete", "--force", id};
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  if (::posix_spawn_file_actions_init(&actions) != 0) {
    return -1;
  }
  if (::posix_spawnattr_init(&attr) != 0) {
    ::posix_spawn_file_actions_destroy(&actions);
    return -1;
  }
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  ::posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  sigset_t empty;
  sigemptyset(&empty);
  ::posix_spawnattr_setsigmask(&attr, &empty);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

  pid_t pid = 0;
  const int rc = runtime_.find('/') != std::string::npos
                     ? ::posix_spawn(&pid, runtime_.c_str(), &actions, &attr, argv.data(), environ)
                     : ::posix_spawnp(&pid, runtime_.c_str(), &actions, &attr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return -1;
  }

  const auto deadline = std::chrono::steady_clock::now() + 60s;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      return status;
    }
    if (r < 0 && errno != EINTR) {
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return status;
    }
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace runcpp::testing
