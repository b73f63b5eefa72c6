#!/usr/bin/env bash
# Daemon benchmark (issue 3): the release binary against a private journald. Needs root.
# Environment: BENCH_FILES (100000), BENCH_STORED (1000000), BENCH_PACED (300), BENCH_IDLE_SECONDS (30).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/release/alliance-watch ] || { echo "build it first: swift build -c release --product alliance-watch" >&2; exit 1; }
work=$(mktemp -d /var/tmp/alliance-watch-bench-journal.XXXXXX)
trap 'rm -rf "$work"' EXIT
scripts/private-journal.sh "$work" python3 scripts/bench-daemon.py
