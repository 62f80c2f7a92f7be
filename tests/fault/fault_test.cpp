// Fault-injection sweeps (label "fault"). For a representative library call
// against fake_runc, each wrapped system call it makes (syscall_faults.hpp) is
// counted first; then, for n = 1..N, the n-th call is failed, interrupted,
// shortened or given MSG_CTRUNC, and the call must behave as stated below.
// After every case: no fd leaked, no zombie, no child left running.
//
//   EMFILE/ENFILE on fd-creating calls, ENOMEM/EAGAIN/EINVAL on others:
//       a runcpp::error (io_error or spawn_failed) naming the errno's text
//   EINTR on poll/read/write/recvmsg/accept4/waitid, EAGAIN on the
//   non-blocking reads, short reads/writes (runc's stdin is a memfd the
//   library writes in full before the spawn):
//       transparent: the same results as without the fault
//   MSG_CTRUNC on the SCM_RIGHTS receive:
//       errc::protocol_error, every received fd closed
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <runcpp/runcpp.hpp>
#include <runcpp/socket.hpp>

#include "runner.hpp"
#include "support/hygiene.hpp"
#include "support/json.hpp"
#include "syscall_faults.hpp"

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using fault::action;
using fault::call;
using clock_type = std::chrono::steady_clock;

// One library call inside an operation: its error, or a value that a
// transparent fault must not change.
struct step {
  std::string what;
  std::optional<error> err;
  std::string value;
};
using steps = std::vector<step>;

template <class T, class F>
step make_step(std::string what, const result<T>& r, F value) {
  if (!r) return step{std::move(what), r.error(), {}};
  return step{std::move(what), std::nullopt, value(*r)};
}

step make_step(std::string what, const result<void>& r) {
  if (!r) return step{std::move(what), r.error(), {}};
  return step{std::move(what), std::nullopt, "ok"};
}

bool failed(const steps& s) { return !s.empty() && s.back().err.has_value(); }

std::string describe(const steps& s) {
  std::string text;
  for (const auto& st : s) {
    text += st.what;
    if (st.err)
      text += " FAILED " + std::string(to_string(st.err->code())) + ": " + st.err->message();
    else
      text += " = " + st.value;
    text += "; ";
  }
  return text;
}

// The part of an operation during which calls are counted and faulted; the
// test's own set-up and checks run outside it.
class window {
 public:
  explicit window(fault::injector& inj) : inj_(inj) {}
  void open() { inj_.rearm(); }
  void close() { inj_.disarm(); }

 private:
  fault::injector& inj_;
};

using operation = std::function<steps(window&)>;

enum class expect { same, clean_error, protocol_error };

struct sweep_spec {
  call target;
  action what = action::fail;
  int err = 0;
  expect outcome = expect::same;
  bool repeat = false;
  std::size_t limit = 1;
  bool may_absorb = false;  // the library may go on without this call (see the test)
};

std::vector<sweep_spec> standard_specs() {
  std::vector<sweep_spec> specs;
  for (call c : {call::pipe2, call::socketpair, call::eventfd, call::fcntl, call::socket, call::accept4,
                 call::pidfd_open, call::mkostemp, call::memfd_create, call::open})
    for (int e : {EMFILE, ENFILE})
      // open: only bundle_terminal's read of config.json and the log tail on
      // failure use it; without them the call goes on (runc reads the bundle).
      specs.push_back({.target = c, .err = e, .outcome = expect::clean_error, .may_absorb = c == call::open});
  for (call c : {call::poll, call::read, call::write, call::recvmsg, call::accept4, call::waitid})
    specs.push_back({.target = c, .err = EINTR});
  // EAGAIN only where the fd is non-blocking and EAGAIN means "not yet":
  // runc's stdout/stderr pipes, the events pipes.
  specs.push_back({.target = call::read, .err = EAGAIN});
  for (call c : {call::read, call::write})
    specs.push_back({.target = c, .what = action::short_count, .repeat = true, .limit = 1});
  specs.push_back({.target = call::poll, .err = ENOMEM, .outcome = expect::clean_error});
  specs.push_back({.target = call::waitid, .err = EINVAL, .outcome = expect::clean_error});
  specs.push_back({.target = call::posix_spawn, .err = EAGAIN, .outcome = expect::clean_error});
  // ESRCH: as if runc had been reaped by other code; here it was not, so the
  // library must still find it its own, kill and reap it.
  specs.push_back({.target = call::pidfd_open, .err = ESRCH, .outcome = expect::clean_error});
  specs.push_back(
      {.target = call::posix_spawn_file_actions_adddup2, .err = ENOMEM, .outcome = expect::clean_error});
  specs.push_back({.target = call::recvmsg, .err = ENOMEM, .outcome = expect::clean_error});
  specs.push_back({.target = call::recvmsg, .what = action::ctrunc, .outcome = expect::protocol_error});
  return specs;
}

std::string spec_name(const sweep_spec& s) {
  std::string n(fault::name(s.target));
  switch (s.what) {
    case action::fail:
      return n + " " +
             (s.err == EINTR    ? "EINTR"
              : s.err == EAGAIN ? "EAGAIN"
              : s.err == EMFILE ? "EMFILE"
              : s.err == ENFILE ? "ENFILE"
              : s.err == ENOMEM ? "ENOMEM"
              : s.err == EINVAL ? "EINVAL"
                                : std::to_string(s.err));
    case action::short_count: return n + " short(" + std::to_string(s.limit) + ")" + (s.repeat ? "+" : "");
    case action::ctrunc: return n + " MSG_CTRUNC";
  }
  return n;
}

class fault_sweep : public testing::hygiene_test {
 protected:
  client make() const { return client(config{.command = testing::fake_runc_path()}); }

  // After one case: nothing leaked, nothing unreaped or still running.
  static void expect_clean(const std::vector<int>& baseline, const std::string& where) {
    auto leaked = testing::leaked_fds(baseline);
    EXPECT_TRUE(leaked.empty()) << where << ": leaked " << testing::describe_fds(leaked);
    EXPECT_EQ(testing::unreaped_child(), 0) << where << ": zombie";
    auto until = clock_type::now() + 2s;
    while (!testing::child_processes().empty() && clock_type::now() < until) std::this_thread::sleep_for(5ms);
    EXPECT_TRUE(testing::child_processes().empty()) << where << ": a child is still running";
  }

  // Counts the calls `op` makes, then runs every spec at every position.
  // Returns the number of cases run.
  int sweep(const std::string& op_name, const operation& op, const std::vector<sweep_spec>& specs) {
    fault::injector counter;
    counter.disarm();
    window cw(counter);
    auto fds = testing::open_fds();
    const steps baseline = op(cw);
    cw.close();
    expect_clean(fds, op_name + " baseline");
    if (failed(baseline)) {
      ADD_FAILURE() << op_name << " fails without faults: " << describe(baseline);
      return 0;
    }
    std::cout << "[fault] " << op_name << " makes:";
    for (std::size_t i = 0; i < fault::call_count; ++i)
      if (int n = counter.calls(static_cast<call>(i)); n > 0)
        std::cout << " " << fault::name(static_cast<call>(i)) << "=" << n;
    std::cout << "\n";

    int total = 0;
    for (const auto& s : specs) {
      const int n = counter.calls(s.target);
      int fired = 0, errors = 0, absorbed = 0;
      for (int k = 1; k <= n; ++k) {
        const std::string where =
            op_name + ": " + spec_name(s) + " at call " + std::to_string(k) + "/" + std::to_string(n);
        fds = testing::open_fds();
        fault::injector inj(fault::plan{.target = s.target,
                                        .nth = k,
                                        .what = s.what,
                                        .err = s.err,
                                        .limit = s.limit,
                                        .repeat = s.repeat});
        inj.disarm();
        window w(inj);
        const steps got = op(w);
        w.close();
        ++total;
        expect_clean(fds, where);
        if (inj.fired() == 0 || s.outcome == expect::same) {
          EXPECT_EQ(describe(got), describe(baseline)) << where << (inj.fired() == 0 ? " (not reached)" : "");
          fired += inj.fired() > 0 ? 1 : 0;
          continue;
        }
        ++fired;
        if (!failed(got)) {
          if (s.may_absorb)
            ++absorbed;
          else
            ADD_FAILURE() << where << ": the fault was swallowed: " << describe(got);
          continue;
        }
        ++errors;
        const error& e = *got.back().err;
        EXPECT_FALSE(e.message().empty()) << where;
        if (s.outcome == expect::protocol_error) {
          EXPECT_EQ(e.code(), errc::protocol_error) << where << ": " << describe(got);
        } else {
          EXPECT_TRUE(e.code() == errc::io_error || e.code() == errc::spawn_failed)
              << where << ": " << describe(got);
          EXPECT_NE(e.message().find(std::strerror(s.err)), std::string::npos)
              << where << ": the message does not name the error: " << describe(got);
        }
      }
      if (n > 0)
        std::cout << "[fault] " << op_name << ": " << spec_name(s) << ": " << n << " cases, " << fired
                  << " fired, " << errors << " errors, " << absorbed << " absorbed\n";
    }
    std::cout << "[fault] " << op_name << ": " << total << " cases\n";
    EXPECT_GT(total, 0);
    return total;
  }

  testing::temp_dir dir_;
};

TEST_F(fault_sweep, state_and_list_capture) {
  auto c = make();
  auto state_file = testing::test_data_path("runc-1.1.5/state-running.json").string();
  auto list_file = testing::test_data_path("runc-1.1.5/list.json").string();
  sweep(
      "state+list",
      [&](window& w) {
        steps s;
        std::stop_source never;  // a token that can stop: the calls arm their stop_waker (eventfd)
        w.open();
        auto st =
            c.state("web", {.stop = never.get_token(), .extra_env = {"FAKE_RUNC_STDOUT_FILE=" + state_file}});
        w.close();
        s.push_back(make_step("state", st, [](const container& x) {
          return x.id + " " + x.status_text + " " + std::to_string(x.pid);
        }));
        if (failed(s)) return s;
        w.open();
        auto l = c.list({.stop = never.get_token(), .extra_env = {"FAKE_RUNC_STDOUT_FILE=" + list_file}});
        w.close();
        s.push_back(make_step("list", l, [](const std::vector<container>& v) {
          std::string ids;
          for (const auto& x : v) ids += x.id + ",";
          return ids;
        }));
        return s;
      },
      standard_specs());
}

TEST_F(fault_sweep, update_resources_on_stdin) {
  auto c = make();
  auto record = dir_.path() / "record.json";
  spec::linux_resources r;
  r.memory = spec::linux_resources::memory_t{.limit = 64 << 20};
  r.pids = spec::linux_resources::pids_t{.limit = 100};
  const std::string expected = spec::to_json(r) + "\n";
  sweep(
      "update",
      [&](window& w) {
        steps s;
        std::filesystem::remove(record);
        w.open();
        auto ok = c.update("web", r, {},
                           {.extra_env = {"FAKE_RUNC_RECORD=" + record.string(), "FAKE_RUNC_READ_STDIN=1"}});
        w.close();
        s.push_back(make_step("update", ok));
        if (failed(s)) return s;
        auto got = testing::read_record(record)["stdin_data"].get<std::string>();
        s.push_back({"stdin", std::nullopt, got == expected ? "intact" : "differs: " + got});
        return s;
      },
      standard_specs());
}

TEST_F(fault_sweep, large_stdin_through_the_runner) {
  // 128 KiB through the stdin memfd and back through stdout: more than one
  // pipe buffer, so EAGAIN and partial reads happen for real too.
  std::string big;
  for (int i = 0; big.size() < (128u << 10); ++i) big += "line " + std::to_string(i) + "\n";
  config cfg{.command = testing::fake_runc_path()};
  sweep(
      "runner stdin echo",
      [&](window& w) {
        steps s;
        call_context ctx{
            .extra_env = {"FAKE_RUNC_READ_STDIN=1", "FAKE_RUNC_ECHO_STDIN=1", "FAKE_RUNC_STDERR=done"}};
        w.open();
        auto out = detail::run_process(
            cfg, ctx, detail::invocation{{"update", "--resources=-", "c"}, true, nullptr, big, {}, {}, {}});
        w.close();
        s.push_back(make_step("run", out, [&](const detail::outcome& o) {
          return (o.out == big ? std::string("stdout intact")
                               : "stdout " + std::to_string(o.out.size()) + " bytes") +
                 " stderr=" + o.err + " " + o.status.to_string();
        }));
        return s;
      },
      standard_specs());
}

// A pipe_io made inside the window, with `input` written to its stdin and
// stdin closed; the "pipe_io" step says whether it could be made.
auto pipe_io_with_input(window& w, steps& s, const std::string& input) {
  w.open();
  auto io = pipe_io::create();
  w.close();
  s.push_back(make_step("pipe_io", io, [](const auto&) { return std::string("ok"); }));
  if (io) {
    (void)!::write((*io)->stdin_fd(), input.data(), input.size());
    (*io)->close_stdin();
  }
  return io;
}

TEST_F(fault_sweep, create_with_pipe_io) {
  auto c = make();
  const std::string input = "hello through stdin\n";
  sweep(
      "create pipe_io",
      [&](window& w) {
        steps s;
        auto io = pipe_io_with_input(w, s, input);
        if (failed(s)) return s;
        w.open();
        auto r = c.create("web", dir_.path() / "bundle", {.io = *io},
                          {.extra_env = {"FAKE_RUNC_READ_STDIN=1", "FAKE_RUNC_ECHO_STDIN=1",
                                         "FAKE_RUNC_STDERR=err text"}});
        w.close();
        s.push_back(make_step("create", r));
        if (failed(s)) return s;
        std::string out = testing::read_to_eof((*io)->stdout_fd());
        std::string err = testing::read_to_eof((*io)->stderr_fd());
        s.push_back({"streams", std::nullopt, out + "|" + err});
        return s;
      },
      standard_specs());
}

TEST_F(fault_sweep, exec_with_process_file_and_stdin_pipe) {
  auto c = make();
  auto copy = dir_.path() / "process-copy.json";
  spec::process p{.args = std::vector<std::string>{"sh", "-c", "cat; exit 3"},
                  .env = std::vector<std::string>{"A=1"},
                  .cwd = "/"};
  const std::string process_json = spec::to_json(p);
  const std::string input(3000, 'i');
  sweep(
      "exec",
      [&](window& w) {
        steps s;
        std::filesystem::remove(copy);
        auto io = pipe_io_with_input(w, s, input);
        if (failed(s)) return s;
        w.open();
        auto r = c.exec("web", p, {.io = *io},
                        {.extra_env = {"FAKE_RUNC_COPY_PROCESS=" + copy.string(), "FAKE_RUNC_READ_STDIN=1",
                                       "FAKE_RUNC_ECHO_STDIN=1", "FAKE_RUNC_EXIT=3"}});
        w.close();
        s.push_back(make_step("exec", r, [](exit_status st) { return std::to_string(st.go_status()); }));
        if (failed(s)) return s;
        std::string out = testing::read_to_eof((*io)->stdout_fd());
        s.push_back(
            {"stdout", std::nullopt, out == input ? "intact" : std::to_string(out.size()) + " bytes"});
        std::string file = testing::read_file(copy);
        s.push_back({"process file", std::nullopt, file == process_json ? "intact" : "differs: " + file});
        return s;
      },
      standard_specs());
}

TEST_F(fault_sweep, event_stream) {
  auto c = make();
  auto events_file = testing::test_data_path("runc-1.1.5/events-interval.ndjson").string();
  auto specs = standard_specs();
  // The stream probes runc's exit with a non-blocking waitid on every turn,
  // and stop() waits with wait_for_exit (then SIGKILL and waits again); a
  // failed probe or wait means "not seen to exit yet" and the next one tries
  // again, so a one-off ENOMEM/EINVAL there may leave no trace. (A failure of
  // the blocking poll in next() is an error item: counted.)
  for (auto& s : specs)
    if ((s.target == call::poll && s.err == ENOMEM) || (s.target == call::waitid && s.err == EINVAL))
      s.may_absorb = true;
  sweep(
      "events",
      [&](window& w) {
        steps s;
        w.open();
        {
          auto stream = c.events("web", 200ms, {.extra_env = {"FAKE_RUNC_STDOUT_FILE=" + events_file}});
          if (!stream) {
            w.close();
            s.push_back({"events", stream.error(), {}});
            return s;
          }
          int events = 0;
          std::optional<error> first_error;
          while (auto item = stream->next({.deadline = clock_type::now() + 5s})) {
            if (*item)
              ++events;
            else if (!first_error)
              first_error = item->error();
          }
          auto end = stream->end_status();
          w.close();
          if (first_error)
            s.push_back({"next", first_error, {}});
          else
            s.push_back({"stream", std::nullopt,
                         std::to_string(events) + " events, " + (end ? end->to_string() : "no status")});
        }
        w.close();
        return s;
      },
      specs);
}

void write_terminal_bundle(const std::filesystem::path& bundle) {
  std::filesystem::create_directories(bundle);
  std::ofstream(bundle / "config.json") << R"({"process":{"terminal":true}})";
}

// The steps of one create that hands runc a socket and one receive from it:
// make the socket, create with opts_for(socket) and `env`, receive.
template <class Socket, class OptsFor, class Describe>
steps socket_receive_steps(window& w, client& c, const std::filesystem::path& bundle, OptsFor opts_for,
                           std::string env, Describe describe) {
  steps s;
  std::stop_source never;
  w.open();
  auto sock = Socket::temporary();
  w.close();
  s.push_back(make_step("socket", sock, [](const auto&) { return std::string("ok"); }));
  if (failed(s)) return s;
  w.open();
  auto r = c.create("web", bundle, opts_for(sock->get()), {.extra_env = {std::move(env)}});
  w.close();
  s.push_back(make_step("create", r));
  if (failed(s)) return s;
  w.open();
  auto got = (*sock)->receive({.stop = never.get_token(), .deadline = clock_type::now() + 5s});
  w.close();
  s.push_back(make_step("receive", got, describe));
  return s;
}

TEST_F(fault_sweep, console_socket_receive) {
  auto c = make();
  auto bundle = dir_.path() / "tty-bundle";
  write_terminal_bundle(bundle);
  sweep(
      "console",
      [&](window& w) {
        return socket_receive_steps<console_socket>(
            w, c, bundle, [](console_socket* p) { return create_options{.console_socket = p}; },
            "FAKE_RUNC_CONSOLE=pty",
            [](const console& t) { return std::string(::isatty(t.fd()) ? "tty" : "not a tty"); });
      },
      standard_specs());
}

TEST_F(fault_sweep, pidfd_socket_receive) {
  auto c = make();
  sweep(
      "pidfd",
      [&](window& w) {
        return socket_receive_steps<pidfd_socket>(
            w, c, dir_.path() / "bundle", [](pidfd_socket* p) { return create_options{.pidfd_socket = p}; },
            "FAKE_RUNC_PIDFD=1", [](const unique_fd& f) { return std::string(f ? "pidfd" : "none"); });
      },
      standard_specs());
}

TEST_F(fault_sweep, wait_for_exit) {
  auto monitor = make_pidfd_monitor();
  const spawn_request sleeper{testing::fake_runc_path(),
                              {"fake_runc"},
                              {"FAKE_RUNC_SLEEP_MS=50", "FAKE_RUNC_EXIT=3"},
                              {-1, -1, -1},
                              {},
                              false,
                              0};
  sweep(
      "wait_for_exit",
      [&](window& w) {
        steps s;
        auto child = monitor->start(sleeper);
        s.push_back(make_step("start", child, [](const auto&) { return std::string("ok"); }));
        if (failed(s)) return s;
        std::stop_source never;  // a stoppable token: the wait polls an eventfd too
        w.open();
        auto st = wait_for_exit(**child, {.stop = never.get_token(), .deadline = clock_type::now() + 5s});
        w.close();
        s.push_back(make_step("wait", st, [](const exit_status& e) { return e.to_string(); }));
        if (!st) {  // the child is still running or unreaped: end it outside the window
          (void)(*child)->signal(SIGKILL, false);
          (void)wait_for_exit(**child, {.deadline = clock_type::now() + 5s});
        }
        return s;
      },
      standard_specs());
}

// The seam itself: a plan armed on one thread leaves the calls of other
// threads alone unless it says all_threads.
TEST_F(fault_sweep, faults_stay_on_the_arming_thread_unless_all_threads) {
  auto c = make();
  auto state_file =
      "FAKE_RUNC_STDOUT_FILE=" + testing::test_data_path("runc-1.1.5/state-running.json").string();
  {
    fault::injector inj({.target = call::pipe2, .nth = 1, .err = EMFILE});
    std::optional<result<container>> other;
    std::thread([&] { other.emplace(c.state("web", {.extra_env = {state_file}})); }).join();
    ASSERT_TRUE(other && *other) << (*other).error();
    EXPECT_EQ(inj.fired(), 0);
    EXPECT_EQ(inj.calls(call::pipe2), 0);
  }
  {
    fault::injector inj({.target = call::pipe2, .nth = 1, .err = EMFILE, .all_threads = true});
    std::optional<result<container>> other;
    std::thread([&] { other.emplace(c.state("web", {.extra_env = {state_file}})); }).join();
    ASSERT_TRUE(other);
    ASSERT_FALSE(*other);
    EXPECT_EQ((*other).error().code(), errc::io_error);
    EXPECT_EQ(inj.fired(), 1);
  }
}

}  // namespace
}  // namespace runcpp
