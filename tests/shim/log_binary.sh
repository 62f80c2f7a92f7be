#!/bin/sh
# A logging program for `ctr run --log-uri binary://...?dir=DIR&...` (containerd's
# shim logging protocol, used by the log_binary case of ctr_e2e.sh): the
# container's stdout is fd 3, its stderr fd 4, and fd 5 is closed once ready.
# Records its fds, arguments and environment and copies fd 3 and 4 into DIR. It
# ignores SIGTERM (which the shim sends at Delete) until both copies reached EOF.
trap '' TERM
dir=
for a in "$@"; do
  [ "$prev" = dir ] && dir=$a
  prev=$a
done
[ -n "$dir" ] || exit 2
# Its open fds (the shell's own script fd included), before it opens any.
ls -l /proc/$$/fd > "$dir/fds"
echo "$@" > "$dir/args"
env | grep -v '^PWD=' | sort > "$dir/env"
exec 5>&-
cat <&3 > "$dir/stdout" &
cat <&4 > "$dir/stderr" &
exec 3<&- 4<&-
wait
# Still busy after EOF: Delete (and so `ctr run --rm`) must wait for its exit.
sleep 0.5
echo finished > "$dir/done"
