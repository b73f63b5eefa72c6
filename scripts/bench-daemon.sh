#!/usr/bin/env bash
# Daemon benchmark (issue 3): the release binary against a private journald. Needs root.
# Environment: BENCH_FILES (100000), BENCH_STORED (1000000), BENCH_PACED (300), BENCH_IDLE_SECONDS (30),
# BENCH_RUNS (3: runs of the backlog measure and of the raw pipeline, medians printed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/release/alliance-watch ] || { echo "build it first: swift build -c release --product alliance-watch" >&2; exit 1; }
work=$(mktemp -d /var/tmp/alliance-watch-bench-journal.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The physical limit the backlog figure is compared with (scripts/raw-pipeline.c).
cc -O2 -Wall -Wno-format-truncation -pthread -o "$work/raw-pipeline" scripts/raw-pipeline.c
export RAW_PIPELINE="$work/raw-pipeline"
scripts/private-journal.sh "$work" python3 scripts/bench-daemon.py
