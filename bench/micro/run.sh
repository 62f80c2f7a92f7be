#!/usr/bin/env bash
# Runs the micro-benchmarks and writes a markdown fragment for docs/performance.md:
#   decoding  runcpp (decode_bench) vs go-runc (go/decode.go) on the same files,
#             alternating C++ and Go runs, medians of the repetitions
#   reaper    reaper_bench: exits/s, lost deliveries, latency percentiles
#
# usage: bench/micro/run.sh <configured build dir> <fragment.md>
# environment (defaults):
#   RUNCPP_MICRO_REPS=3          alternating C++/Go repetitions
#   RUNCPP_MICRO_MIN_TIME=0.5    seconds per C++ case per repetition
#   RUNCPP_MICRO_GO_TIME=1s      time per Go case per repetition
#   RUNCPP_MICRO_CHILDREN=10000  reaper children per run
#   RUNCPP_MICRO_THREADS=8       reaper spawner threads
#   RUNCPP_MICRO_REAPER_RUNS=3   reaper runs (medians; lost/duplicated summed)
# Exits non-zero if a program failed (a decode error or a lost exit); the
# figures themselves are never judged.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <build dir> <fragment.md>" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
fragment=$2
reps=${RUNCPP_MICRO_REPS:-3}
min_time=${RUNCPP_MICRO_MIN_TIME:-0.5}
go_time=${RUNCPP_MICRO_GO_TIME:-1s}
children=${RUNCPP_MICRO_CHILDREN:-10000}
threads=${RUNCPP_MICRO_THREADS:-8}
reaper_runs=${RUNCPP_MICRO_REAPER_RUNS:-3}
cases=(stats_event events_stream list_1 list_100 list_1000)

if [[ ! -f $build/CMakeCache.txt ]]; then
  echo "run.sh: $build is not a configured CMake build directory" >&2
  exit 2
fi
targets=(runcpp_decode_bench runcpp_reaper_bench)
have_go=0
if cmake --build "$build" --target help 2>/dev/null | grep -q '\bruncpp_go_decode\b'; then
  targets+=(runcpp_go_decode)
  have_go=1
fi
cmake --build "$build" --parallel 2 --target "${targets[@]}" >&2

bin=$(find "$build" -type f -name runcpp_decode_bench -perm -u+x -print -quit)
if [[ -z $bin ]]; then
  echo "run.sh: runcpp_decode_bench was not built in $build (RUNCPP_BUILD_BENCH, libbenchmark-dev?)" >&2
  exit 1
fi
dir=$(dirname "$bin")
fixtures=$dir/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# median <numbers on stdin>: the middle value (mean of the two middle ones).
median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Google Benchmark's CSV rows: name,iterations,real_time,cpu_time,time_unit,
# bytes_per_second,items_per_second,... -> "case MB/s items/s".
cpp_rows() {
  awk -F, '/^"/ { name = $1; gsub(/"/, "", name); sub(/\/.*/, "", name)
                  printf "%s %.6f %.6f\n", name, $6 / 1e6, $7 }' "$1"
}
# go-decode's key=value lines -> "case MB/s items/s".
go_rows() {
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         print v["case"], v["mb_per_s"], v["items_per_s"] }' "$1"
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= reps; i++)); do
  echo "run.sh: decode repetition $i/$reps" >&2
  if ! "$dir/runcpp_decode_bench" --benchmark_min_time="$min_time" --benchmark_out="$work/cpp.$i.csv" \
      --benchmark_out_format=csv >"$work/cpp.$i.log" 2>&1; then
    echo "run.sh: runcpp_decode_bench failed:" >&2
    cat "$work/cpp.$i.log" >&2
    status=1
  fi
  cpp_rows "$work/cpp.$i.csv" >>"$work/cpp.rows" || true
  if ((have_go)); then
    if ! "$dir/go-decode" -fixtures "$fixtures" -benchtime "$go_time" >"$work/go.$i.txt" 2>"$work/go.$i.err"; then
      echo "run.sh: go-decode failed:" >&2
      cat "$work/go.$i.err" >&2
      status=1
    fi
    go_rows "$work/go.$i.txt" >>"$work/go.rows"
  fi
done
touch "$work/cpp.rows" "$work/go.rows"

for ((i = 1; i <= reaper_runs; i++)); do
  echo "run.sh: reaper run $i/$reaper_runs ($children children, $threads threads)" >&2
  if ! "$dir/runcpp_reaper_bench" --children="$children" --threads="$threads" >"$work/reaper.$i.txt" \
      2>"$work/reaper.$i.err"; then
    echo "run.sh: runcpp_reaper_bench reported lost, duplicated or failed exits:" >&2
    cat "$work/reaper.$i.txt" "$work/reaper.$i.err" >&2
    status=1
  fi
  cat "$work/reaper.$i.txt" >>"$work/reaper.rows"
done
touch "$work/reaper.rows"

# field_of <rows file> <case> <field>: that field of every row of the case, one per line.
field_of() { awk -v c="$2" -v f="$3" '$1 == c { print $f }' "$1"; }
reaper_median() { awk -v k="$1" '$1 == k { print $2 }' "$work/reaper.rows" | median; }
reaper_sum() { awk -v k="$1" '$1 == k { s += $2 } END { print s + 0 }' "$work/reaper.rows"; }
# joined <numbers on stdin>: "1.0, 2.0, ..." ("n/a" when there are none).
joined() { awk '{ printf "%s%.1f", (NR > 1 ? ", " : ""), $1 } END { if (NR == 0) printf "n/a" }'; }
# grouped <integer>: 1682000 -> 1,682,000
grouped() { awk -v n="$1" 'BEGIN { s = ""; while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) } print n s }'; }
fmt() { awk -v x="$1" -v d="${2:-1}" 'BEGIN { if (x == "nan" || x == "") print "n/a"; else printf "%.*f\n", d, x }'; }
input_of() {
  local file desc
  case $1 in
    stats_event) file=events-stats.json; desc="1 event" ;;
    events_stream) file=events-stream.ndjson; desc="$(grouped "$(wc -l <"$fixtures/$file")") events" ;;
    list_1) file=list-1.json; desc="1 container" ;;
    list_*) file=list-${1#list_}.json; desc="$(grouped "${1#list_}") containers" ;;
  esac
  echo "$desc, $(grouped "$(wc -c <"$fixtures/$file" | tr -d ' ')") B"
}

build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$build/CMakeCache.txt")
compiler=$(awk -F= '/^CMAKE_CXX_COMPILER:/ { print $2 }' "$build/CMakeCache.txt")
go_version=$( ((have_go)) && go version 2>/dev/null | awk '{ print $3 }' || echo "not built")
{
  echo "### Decoding runc output: runcpp vs go-runc"
  echo
  echo "Median of $reps alternating runs of \`runcpp_decode_bench\` (Google Benchmark, min time ${min_time} s per case)"
  echo "and \`bench/micro/go/decode.go\` (\`testing.Benchmark\`, ${go_time} per case), one thread each, on the same files"
  echo "generated from the runc 1.1.5 captures in \`tests/data/runc-1.1.5\`. MB/s counts 10^6 bytes of runc output"
  echo "per second of wall-clock time."
  echo
  echo "| case | input | runcpp MB/s | go-runc MB/s | runcpp / go-runc | runcpp items/s | go-runc items/s |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  for c in "${cases[@]}"; do
    cm=$(field_of "$work/cpp.rows" "$c" 2 | median)
    gm=$(field_of "$work/go.rows" "$c" 2 | median)
    ci=$(field_of "$work/cpp.rows" "$c" 3 | median)
    gi=$(field_of "$work/go.rows" "$c" 3 | median)
    ratio=$(awk -v a="$cm" -v b="$gm" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "n/a"; else printf "%.2fx\n", a / b }')
    echo "| \`$c\` | $(input_of "$c") | $(fmt "$cm") | $(fmt "$gm") | $ratio | $(fmt "$ci" 0) | $(fmt "$gi" 0) |"
  done
  echo
  echo "Per-run MB/s (runcpp; go-runc):"
  echo
  for c in "${cases[@]}"; do
    echo "- \`$c\`: $(field_of "$work/cpp.rows" "$c" 2 | joined); $(field_of "$work/go.rows" "$c" 2 | joined)"
  done
  echo
  echo "What each case decodes: \`stats_event\` is one \`runc events --stats\` line through the"
  echo "\`event_framer\` that \`event_stream\` uses, against go-runc's \`Stats\` (\`json.NewDecoder\` + \`Decode(&Event)\`);"
  echo "\`events_stream\` is 1,000 such lines through a fresh framer fed in 64 KiB reads, against go-runc's \`Events\` decode loop"
  echo "(channel send left out); \`list_N\` is \`runc list --format=json\` with N containers through \`parse_list_json\`, against"
  echo "\`json.Unmarshal\` into \`[]*runc.Container\`. go-runc 1.0.0's \`Stats\` type has no field for some blocks of"
  echo "this capture (cpuset, per-CPU kernel/user, \`intel_rdt\`, \`network_interfaces\`): Go only scans them, runcpp"
  echo "decodes them, so the stats rows favour go-runc. Target: runcpp >= 2x go-runc on every row."
  echo
  echo "### Reaper: $(grouped "$children") short-lived children from $threads threads"
  echo
  echo "\`runcpp_reaper_bench\`: \`/bin/true\` started through \`reaper::start\` (the path of every client call through a"
  echo "reaper), each spawner waiting for its child's exit, one subscription consuming every exit. Median of"
  echo "$reaper_runs run(s); lost and duplicated deliveries are summed over the runs."
  echo
  echo "| figure | value |"
  echo "| --- | ---: |"
  echo "| exits/s | $(fmt "$(reaper_median exits_per_s)" 0) |"
  echo "| exits delivered to the subscription / started | $(reaper_sum delivered) / $((children * reaper_runs)) |"
  echo "| lost / duplicated deliveries | $(reaper_sum lost) / $(reaper_sum duplicated) |"
  echo "| spawn -> exit seen by the caller, p50 / p99 | $(fmt "$(reaper_median spawn_to_exit_p50_us)" 0) / $(fmt "$(reaper_median spawn_to_exit_p99_us)" 0) µs |"
  echo "| reaped -> delivered to the subscriber, p50 / p99 | $(fmt "$(reaper_median reaped_to_delivered_p50_us)" 0) / $(fmt "$(reaper_median reaped_to_delivered_p99_us)" 0) µs |"
  echo
  echo "Build: ${build_type:-no build type}, $("${compiler:-c++}" --version 2>/dev/null | head -n 1); Go: $go_version;"
  echo "$(nproc) CPUs; $(uname -sr); load average before the runs: $load; $(date -u +%Y-%m-%d)."
} >"$fragment"
echo "run.sh: wrote $fragment" >&2
exit $status
