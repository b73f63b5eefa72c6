#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (FuzzRecords, FuzzConfig) for FUZZ_SECONDS each, seeded
# with the test scenarios, the examples, the configuration fixtures and every input of
# fuzz/regressions/<target>/ (earlier findings, replayed first by libFuzzer). A crash, leak or
# hang fails the run; its reproducer is kept in FUZZ_ARTIFACTS (default fuzz/artifacts) and
# printed. Leaks inside TOMLKit are suppressed (fuzz/lsan.supp says why); ours are not.
# Prints one line per target and ends with `N passed, N failed`.
#
#   FUZZ_SECONDS=60 scripts/fuzz.sh            # both targets, 60 s each
#   scripts/fuzz.sh FuzzConfig                 # one target
#   fuzz/.build/release/FuzzRecords CRASHFILE  # replays a reproducer
set -uo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
ARTIFACTS=${FUZZ_ARTIFACTS:-$PWD/fuzz/artifacts}
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(FuzzRecords FuzzConfig)

work=$(mktemp -d /tmp/alliance-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$ARTIFACTS"

# Release: SwiftPM's debug builds pass -enable-testing, which turns off swiftc's coverage
# instrumentation, and libFuzzer then finds nothing new.
build_start=$(date +%s.%N)
if ! "$SWIFT" build --package-path fuzz --scratch-path fuzz/.build -c release \
    --sanitize fuzzer --sanitize address -Xswiftc -parse-as-library \
    > "$work/build.log" 2>&1; then
  grep -v "Cannot export local symbol" "$work/build.log" | tail -40
  echo "FAIL fuzz build"
  echo "0 passed, 1 failed"
  exit 1
fi
rm -f "$work/build.log"
build_end=$(date +%s.%N)
printf 'fuzz build: %.1f s\n' "$(echo "$build_end - $build_start" | bc)"
BIN=fuzz/.build/release


# FuzzRecords reads its first byte as the format: 0 JSON document, 1 JSON lines, 2 CSV.
seed_records() {
  local dir=$1 file byte n=0
  mkdir -p "$dir"
  for file in Tests/AllianceCoreTests/Scenarios/* Examples/*; do
    [ -f "$file" ] || continue
    case "${file,,}" in
      *.json) byte='\x00' ;;
      *.jsonl|*.ndjson) byte='\x01' ;;
      *.csv) byte='\x02' ;;
      *) continue ;;
    esac
    n=$((n + 1))
    { printf "$byte"; cat "$file"; } > "$dir/seed-$n"
  done
}

seed_config() {
  local dir=$1 file n=0
  mkdir -p "$dir"
  for file in Tests/AllianceConfigTests/Fixtures/*.toml Tests/AllianceConfigTests/Fixtures/*/*.toml Config/*.toml; do
    [ -f "$file" ] || continue
    n=$((n + 1))
    cp "$file" "$dir/seed-$n"
  done
}

# The value after KEY: in libFuzzer's last status line (`#N DONE cov: C ft: F ...`).
status_value() { grep -E '^#[0-9]+' "$1" | tail -1 | sed -nE "s/.* $2: ([0-9]+).*/\1/p"; }

# Earlier findings: each file of fuzz/regressions/<target>/ joins that target's corpus.
seed_regressions() {
  local dir=$1 target=$2 file
  for file in "fuzz/regressions/$target"/*; do
    [ -f "$file" ] && cp "$file" "$dir/regression-$(basename "$file")"
  done
  return 0
}

passed=0 failed=0
for target in "${TARGETS[@]}"; do
  corpus=$work/$target-corpus
  runlog=$work/$target.log
  case $target in
    FuzzRecords) seed_records "$corpus" ;;
    FuzzConfig) seed_config "$corpus" ;;
    *) echo "FAIL fuzz $target: no such target"; failed=$((failed + 1)); continue ;;
  esac
  seed_regressions "$corpus" "$target"
  start=$(date +%s)
  # timeout: a hang of libFuzzer itself (or of a crash handler) must not hold CI.
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp" SWIFT_BACKTRACE=enable=no \
    timeout --kill-after=10 $((FUZZ_SECONDS + 120)) \
    "$BIN/$target" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/$target-" "$corpus" \
      > "$runlog" 2>&1 < /dev/null
  rc=$?
  seconds=$(( $(date +%s) - start ))
  execs=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$runlog" | tail -1)
  cov=$(status_value "$runlog" cov)
  ft=$(status_value "$runlog" ft)
  artifact=$(ls "$work/$target-"{crash,leak,timeout,oom}-* 2>/dev/null | head -1)
  if [ $rc -eq 0 ] && [ -z "$artifact" ] && [ -n "$execs" ]; then
    echo "ok   fuzz $target: ${execs} executions, cov ${cov:-?}, ft ${ft:-?} in ${seconds} s"
    passed=$((passed + 1))
  else
    kept=""
    if [ -n "$artifact" ]; then
      kept=$ARTIFACTS/$(basename "$artifact")
      cp "$artifact" "$kept"
    fi
    echo "FAIL fuzz $target: rc $rc after ${execs:-?} executions in ${seconds} s; reproducer: ${kept:-none}"
    grep -E 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|Fatal error|SUMMARY' "$runlog" | head -5 | sed 's/^/     /'
    if [ -n "$kept" ]; then
      echo "     first bytes:"; head -c 256 "$kept" | od -A d -t x1z | head -12 | sed 's/^/     /'
    else
      tail -20 "$runlog" | sed 's/^/     /'
    fi
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
