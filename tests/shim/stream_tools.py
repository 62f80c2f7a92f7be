#!/usr/bin/python3
"""Helpers of ctr_e2e.sh's exit_mid_copy case (stdlib only).

  stream_tools.py pty CMD ARGS...   runs CMD on a new pseudo-terminal (ctr run -t
                                    wants one) and copies everything it prints to
                                    stdout, blocking when stdout does: a slow reader
                                    downstream slows CMD; exits with CMD's status
  stream_tools.py read TOTAL HOLD   reads stdin to EOF, drops the CRs a terminal
                                    adds, and stops reading for 1 s once only HOLD of
                                    TOTAL bytes are left (a client that lags
                                    just when the container exits); prints
                                    "<md5> <bytes>"
"""
import hashlib
import os
import pty
import sys
import time


def run_on_pty(argv):
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    out = sys.stdout.buffer
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every slave is closed
            break
        if not data:
            break
        out.write(data)
        out.flush()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def read_slowly(total, hold):
    digest, n, held = hashlib.md5(), 0, False
    while True:
        data = sys.stdin.buffer.read1(4096)
        if not data:
            break
        data = data.replace(b"\r", b"")
        digest.update(data)
        n += len(data)
        if not held and n >= total - hold:
            time.sleep(1)
            held = True
    print(digest.hexdigest(), n)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "pty":
        sys.exit(run_on_pty(sys.argv[2:]))
    sys.exit(read_slowly(int(sys.argv[2]), int(sys.argv[3])))
