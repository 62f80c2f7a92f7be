# shellcheck shell=bash
# Shared by scripts/bench and bench/compare/smoke.sh: the bundles, the running
# container that `state` reads, cleanup, and the check of a client's output.
# Every client (runcpp_client, bare_client, go_client) prints one "ns N" line
# per call and then "wall CALLS N".

# compare_make_bundles RUNCPP_CLIENT RUNC DIR: DIR/true runs `true` (lifecycle),
# DIR/sleep runs `sleep` (the container `state` reads). One bundle builder for
# everything: examples/busybox_bundle.hpp, through runcpp_client.
compare_make_bundles() {
  "$1" --runc "$2" --bundle "$3/true" make-bundle true &&
    "$1" --runc "$2" --bundle "$3/sleep" make-bundle sleep 1000000
}

# compare_start_sleeper RUNC ROOT BUNDLE ID: a running container for `state`.
compare_start_sleeper() {
  "$1" --root "$2" create --bundle "$3" "$4" </dev/null >/dev/null 2>&1 &&
    "$1" --root "$2" start "$4"
}

# compare_cleanup_root RUNC ROOT: force-deletes whatever is left in ROOT (a
# client that failed midway) and removes the directory.
compare_cleanup_root() {
  local id
  [[ -d $2 ]] || return 0
  for id in $("$1" --root "$2" list -q 2>/dev/null); do
    "$1" --root "$2" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$2"
}

# compare_check_output FILE CALLS: exactly CALLS "ns N" lines (N > 0), then
# "wall CALLS N", nothing else.
compare_check_output() {
  awk -v want="$2" '
    !wall && /^ns [1-9][0-9]*$/ { n++; next }
    !wall && /^wall [0-9]+ [1-9][0-9]*$/ { wall = 1; if ($2 != want) bad = "wall line counts " $2 " calls"; next }
    { bad = "unexpected line: " $0; exit }
    END {
      if (bad == "" && !wall) bad = "no wall line"
      if (bad == "" && n != want) bad = "got " n " ns lines, want " want
      if (bad != "") { print FILENAME ": " bad > "/dev/stderr"; exit 1 }
    }' "$1"
}
