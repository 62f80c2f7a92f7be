"""Helpers of scripts/bench-shim (Debian's /usr/bin/python3, standard library only).

    bench_shim.py reaper LOG -- ARGV...   run ARGV (containerd) under a child subreaper
    bench_shim.py events OUT -- ARGV...   run ARGV (`ctr events`), stamp each line on arrival
    bench_shim.py cpu PID                 CPU time of a live process, in ms (ns precision)
    bench_shim.py exits EVENTS OUTDIR     exit -> TaskExit latencies, one line per container

reaper: shim daemons outlive the `start` command that spawned them, so they are orphans
and the kernel hands them to the nearest subreaper above them, this process (containerd
is not one). When one exits, waitid(WNOWAIT) leaves it a zombie whose threads have all
exited; its process CPU clock (clock_getcpuclockid(3): the sum of every thread's runtime, in
ns, without its children) is then the CPU time of the whole life of that shim, and is
read before it is reaped. /proc/PID/stat utime+stime would give the same in 10 ms ticks,
too coarse for a shim that uses a few ms. Each exit is logged as `COMM CPU_NS`.
SIGTERM and SIGINT are passed on to ARGV; the reaper exits with ARGV's status.
"""
import datetime
import json
import os
import signal
import sys
import time


def process_cpu_ns(pid):
    """The process CPU clock of PID (clock_getcpuclockid(3), which Python lacks: the
    kernel's MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED))."""
    return time.clock_gettime_ns(((~pid) << 3) | 2)


def reaper(log_path, argv):
    PR_SET_CHILD_SUBREAPER = 36
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("bench_shim.py reaper: prctl(PR_SET_CHILD_SUBREAPER): " + os.strerror(ctypes.get_errno()))
    child = os.fork()
    if child == 0:
        os.execvp(argv[0], argv)
    def pass_on(sig, _frame):
        try:
            os.kill(child, sig)
        except ProcessLookupError:  # already reaped: the loop below is exiting
            pass

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, pass_on)
    with open(log_path, "a", buffering=1) as log:
        while True:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
            pid = info.si_pid
            if pid != child:
                try:
                    with open(f"/proc/{pid}/comm") as f:
                        comm = f.read().strip()
                    ns = process_cpu_ns(pid)
                    log.write(f"{comm} {ns}\n")
                except OSError as e:
                    log.write(f"? -1 {e}\n")
            _, status = os.waitpid(pid, 0)
            if pid == child:
                sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


def events(out_path, argv):
    import subprocess
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE)
    signal.signal(signal.SIGTERM, lambda _s, _f: proc.terminate())
    with open(out_path, "w", buffering=1) as out:
        for line in proc.stdout:
            out.write(f"{time.time_ns()} {line.decode(errors='replace')}")
    proc.wait()


def parse_go_time(text):
    """`2026-12-03 14:30:01.123456789 +0000 UTC` (Go's time.Time.String) -> ns since the epoch."""
    date, clock, zone = text.split()[:3]
    whole, _, frac = clock.partition(".")
    base = datetime.datetime.strptime(f"{date} {whole} {zone}", "%Y-%m-%d %H:%M:%S %z")
    return int(base.timestamp()) * 1_000_000_000 + int((frac + "000000000")[:9])


def container_exit_time(path):
    """The container ran busybox `adjtimex` as its last act: its time.tv_sec and
    time.tv_usec lines (nanoseconds when status has STA_NANO, 0x2000) -> ns."""
    fields = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key.split()[-1] if key.split() else key] = value.split()[0] if value.split() else ""
    sec, sub, status = int(fields["time.tv_sec"]), int(fields["time.tv_usec"]), int(fields["status"])
    return sec * 1_000_000_000 + (sub if status & 0x2000 else sub * 1000)


def exits(events_path, outdir):
    """Prints `ID ARRIVAL_US ENVELOPE_US` per container of OUTDIR (ID.out; one whose output is
    incomplete is named on stderr and left out): the time from the
    container's last act to the /tasks/exit event reaching `ctr events`, and to the event's
    own timestamp (the envelope's, which the shim sets when it publishes)."""
    seen = {}
    with open(events_path) as f:
        for line in f:
            parts = line.split(" ", 1)
            if len(parts) < 2 or " /tasks/exit " not in parts[1]:
                continue
            arrival, rest = int(parts[0]), parts[1]
            payload = json.loads(rest[rest.index("{"):])
            if payload.get("id") == payload.get("container_id"):  # the init's exit, not an exec's
                seen[payload["container_id"]] = (arrival, parse_go_time(rest))
    for name in sorted(os.listdir(outdir)):
        cid = name[:-len(".out")]
        if not name.endswith(".out") or cid not in seen:
            continue
        try:
            t = container_exit_time(os.path.join(outdir, name))
        except (KeyError, ValueError, IndexError):  # the output did not reach ctr whole
            print(f"{cid}: no time in its output", file=sys.stderr)
            continue
        arrival, envelope = seen[cid]
        print(cid, (arrival - t) / 1000, (envelope - t) / 1000)


def main():
    args = sys.argv[1:]
    if len(args) >= 3 and args[0] in ("reaper", "events") and args[2] == "--":
        (reaper if args[0] == "reaper" else events)(args[1], args[3:])
    elif len(args) == 2 and args[0] == "cpu":
        print(f"{process_cpu_ns(int(args[1])) / 1e6:.2f}")
    elif len(args) == 3 and args[0] == "exits":
        exits(args[1], args[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
