#!/usr/bin/env bash
# ctest bench.compare_smoke: runs the runcpp and bare clients of the comparison
# benchmark with 2 iterations of every operation against the real runc, and
# checks that they succeed and print well-formed output (no timings checked);
# also version against NULL_RUNTIME, the client-cost row of scripts/bench.
#   smoke.sh RUNCPP_CLIENT BARE_CLIENT NULL_RUNTIME   (runc: $RUNCPP_BENCH_RUNC, else PATH, else /usr/sbin/runc)
set -uo pipefail
runcpp_client=$1 bare_client=$2 null_runtime=$3
# shellcheck source=bench/compare/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# gtest's skip format, which ctest (SKIP_REGULAR_EXPRESSION) and scripts/test read.
skip() {
  printf 'bench.compare_smoke: Skipped\n%s\n[  SKIPPED ] bench.compare_smoke\n' "$1"
  exit 77
}
[[ $(id -u) -eq 0 ]] || skip "not root: runc needs root to create containers"
runc=${RUNCPP_BENCH_RUNC:-$(PATH=$PATH:/usr/sbin:/sbin command -v runc || true)}
[[ -n $runc && -x $runc ]] || skip "runc is not installed"
[[ -x /bin/busybox ]] || skip "/bin/busybox is missing (install busybox-static)"
ldd /bin/busybox >/dev/null 2>&1 && skip "/bin/busybox is dynamically linked (install busybox-static)"

work=$(mktemp -d /tmp/runcpp-bench-smoke.XXXXXX)
root=$work/root
sleeper=smoke-sleeper-$$
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  compare_cleanup_root "$runc" "$root"
  rm -rf "$work"
}
trap cleanup EXIT

compare_make_bundles "$runcpp_client" "$runc" "$work" || { echo "FAILED: making the bundles"; exit 1; }
compare_start_sleeper "$runc" "$root" "$work/sleep" "$sleeper" || { echo "FAILED: starting $sleeper"; exit 1; }

failed=0
for client in "$runcpp_client" "$bare_client"; do
  name=$(basename "$client")
  for run in "version 2 1" "state 2 1" "lifecycle 2 1" "lifecycle 2 2" "null 2 1"; do
    read -r op n callers <<<"$run"
    out=$work/$name.$op.$callers.out
    rt=$runc what=$op
    [[ $op == null ]] && rt=$null_runtime what=version
    "$client" --runc "$rt" --root "$root" --bundle "$work/true" --id "$sleeper" --callers "$callers" \
      "$what" "$n" >"$out"
    status=$?
    if ((status != 0)); then
      echo "FAILED: $name $op x$n, $callers caller(s): exit status $status"
      failed=1
    elif ! compare_check_output "$out" $((n * callers)); then
      echo "FAILED: $name $op x$n, $callers caller(s): malformed output:"
      cat "$out"
      failed=1
    else
      echo "ok: $name $op x$n, $callers caller(s)"
    fi
  done
done
# Every lifecycle deleted its container: only the sleeper is left.
left=$("$runc" --root "$root" list -q | grep -vx "$sleeper" || true)
if [[ -n $left ]]; then
  echo "FAILED: containers left behind: $left"
  failed=1
fi
exit "$failed"
