#!/usr/bin/env bash
# Replay benchmark (issue 2): 1,000,000 session records for 100,000 clients, replayed by the
# release binary with --json to /dev/null. Prints records/s and peak RSS per run and the medians.
# Usage: scripts/bench-replay.sh [RECORDS] [CLIENTS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
clients=${2:-100000}
runs=${3:-3}
binary=.build/release/alliance-watch
[ -x "$binary" ] || { echo "build it first: swift build -c release --product alliance-watch" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
data=${BENCH_DIR:-/tmp/alliance-watch-bench}
mkdir -p "$data"
input=$data/replay-$records-$clients.jsonl
[ -s "$input" ] || python3 scripts/generate-records.py "$records" "$clients" "$input"
echo "input: $input ($(wc -c <"$input") bytes, $records records, $clients clients)"
rates=() rss=()
for run in $(seq "$runs"); do
  log=$(mktemp)
  /usr/bin/time -v "$binary" replay --json "$input" >/dev/null 2>"$log"
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log")
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  rate=$(python3 -c "print(round($records / $seconds))")
  echo "run $run: ${seconds}s, $rate records/s, peak RSS $((kb / 1024)) MiB = $((kb * 1024 / 1000000)) MB   ($(grep '^replay:' "$log"))"
  rates+=("$rate"); rss+=("$kb")
  rm -f "$log"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
kb=$(median "${rss[@]}")
echo "median: $(median "${rates[@]}") records/s, peak RSS $((kb / 1024)) MiB = $((kb * 1024 / 1000000)) MB (target: >= 300000 records/s, <= 200 MB)"
