#!/bin/bash
# Faults of the state database (SPEC §6.4), against the built binary and a private journald:
#   1. disk-full: the state on a small tmpfs that fills, then is enlarged;
#   2. database-busy: another process holds BEGIN EXCLUSIVE for 12 s;
#   3. database-readonly: the database, its -wal/-shm and its folder made immutable, then not;
#   4. a corrupt database at start: refused with exit 3, the file named, the restore procedure
#      pointed to, and the file unchanged.
# In 1-3 the daemon keeps running, writes one ingest-stalled entry (and says it in STATUS=),
# then one ingest-resumed entry, and at the end every file is in processed/ and every alert of
# the submitted records is in the journal exactly once.
#
# Usage: sudo tests/faults/run.sh      (BINARY: default .build/release/alliance-watch)
# Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BINARY=$(realpath "${BINARY:-$REPO/.build/release/alliance-watch}")

if [ "${1:-}" != --inside ]; then
  [ "$(id -u)" = 0 ] || { echo "run.sh needs root (mount namespaces, tmpfs, chattr)"; echo "0 passed, 1 failed"; exit 1; }
  [ -x "$BINARY" ] || { echo "no binary at $BINARY (make release)"; echo "0 passed, 1 failed"; exit 1; }
  W=$(mktemp -d /var/tmp/alliance-watch-faults.XXXXXX)
  trap 'rm -rf "$W"' EXIT
  BINARY=$BINARY "$REPO/scripts/private-journal.sh" "$W/pj" bash "$0" --inside "$W"
  exit $?
fi

# --- inside a private mount namespace with its own journald -------------------------------
W=$2
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
indent() { sed 's/^/       /'; }
now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }
wait_until() { local end=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.2; done; }
DAEMON=
cleanup() {
  [ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
  [ -n "${NOTIFY:-}" ] && kill "$NOTIFY" 2>/dev/null
  chattr -R -i "$W" 2>/dev/null
  umount "$W/tmpfs" 2>/dev/null
  echo "$passed passed, $failed failed"
}
trap cleanup EXIT

journal() { journalctl --sync 2>/dev/null; journalctl --no-pager -o json -t alliance-watch "$@" 2>/dev/null; }
count() { journal "$@" | grep -c . ; }
# alerts PREFIX N: "have missing duplicates first-missing" for the below-cutoff alerts of PREFIX
alerts() { journal ALLIANCE_RULE=below-cutoff >"$W/j.json"; python3 "$REPO/tests/e2e/journal.py" alerts "$W/j.json" "$1" "$2"; }
incoming() { find "$SPOOL/incoming" -maxdepth 1 -type f ! -name '.*' | wc -l; }

# A listener for the daemon's sd_notify messages: the latest STATUS= in $W/status.
python3 - "$W/notify.sock" "$W/status" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    for line in s.recv(65536).decode().splitlines():
        if line.startswith("STATUS="):
            open(sys.argv[2] + ".tmp", "w").write(line[7:] + "\n")
            import os; os.replace(sys.argv[2] + ".tmp", sys.argv[2])
PY
NOTIFY=$!
for i in $(seq 100); do [ -S "$W/notify.sock" ] && break; sleep 0.05; done

# start_daemon STATE_DIR: the daemon on $W/spool with its database in STATE_DIR
start_daemon() {
  SPOOL=$W/spool
  printf '[spool]\ndirectory = "%s"\n[state]\npath = "%s/state.sqlite"\n' "$SPOOL" "$1" >"$W/config.toml"
  NOTIFY_SOCKET=$W/notify.sock "$BINARY" run --config "$W/config.toml" 2>>"$W/daemon.err" &
  DAEMON=$!
  wait_until 30 grep -qs '^Watching' "$W/status"
}
stop_daemon() { kill "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null; DAEMON=; rm -f "$W/status"; }
# submit PREFIX N FILES: N records (one below-cutoff alert each) in FILES files, through submit
submit() {
  rm -rf "$W/gen"; python3 "$REPO/tests/e2e/gen_records.py" "$W/gen" "$1" "$1" "$2" "$3"
  "$BINARY" submit --spool "$SPOOL" "$W/gen"/*.jsonl >/dev/null
}
stalled() { [ "$(count MESSAGE_ID=050b26cf5e7c40f69ddae92d35992a5a ALLIANCE_REASON="$1")" -ge 1 ]; }
resumed() { [ "$(count MESSAGE_ID=39eda80e95564e4bad54ab37437ec764 ALLIANCE_REASON="$1")" -ge 1 ]; }
complete() { [ "$(incoming)" = 0 ] && [ "$(alerts "$1" "$2" | cut -d' ' -f2)" = 0 ]; }

# fault_case REASON PREFIX N FILES CAUSE REMEDY: submit under the fault, check the stall,
# remove the cause, check the recovery and that nothing was lost or doubled.
fault_case() {
  local reason=$1 prefix=$2 n=$3 files=$4 cause=$5 remedy=$6 t
  $cause
  t=$(now)
  submit "$prefix" "$n" "$files"
  if wait_until 60 stalled "$reason"; then
    pass "$reason: ingest-stalled entry after $(since "$t") s, $(journal MESSAGE_ID=050b26cf5e7c40f69ddae92d35992a5a ALLIANCE_REASON="$reason" | python3 -c 'import json,sys; e=json.loads(sys.stdin.readline()); print("ALLIANCE_WAITING=%s ALLIANCE_STATE=%s" % (e["ALLIANCE_WAITING"], e["ALLIANCE_STATE"]))')"
  else
    fail "$reason: no ingest-stalled entry within 60 s"; tail -3 "$W/daemon.err" | indent
  fi
  sleep 2.5  # a few retries
  local waiting; waiting=$(incoming)
  if kill -0 "$DAEMON" 2>/dev/null && [ "$waiting" -gt 0 ]; then
    pass "$reason: the daemon keeps running, $waiting of $files files wait in incoming/"
  else
    fail "$reason: daemon alive: $(kill -0 "$DAEMON" 2>/dev/null && echo yes || echo no), $waiting files in incoming/"
  fi
  if grep -q "^Stalled ($reason)" "$W/status"; then pass "$reason: STATUS= says so: $(cut -c1-110 "$W/status")..."
  else fail "$reason: STATUS= is '$(cat "$W/status" 2>/dev/null)'"; fi
  t=$(now)
  $remedy
  if wait_until 120 resumed "$reason" && wait_until 60 complete "$prefix" "$n"; then
    pass "$reason: ingest-resumed $(since "$t") s after the cause was removed; every file processed"
  else
    fail "$reason: no recovery within 180 s (incoming: $(incoming), alerts: $(alerts "$prefix" "$n"))"
  fi
  read -r have miss dups first <<<"$(alerts "$prefix" "$n")"
  local s r; s=$(count MESSAGE_ID=050b26cf5e7c40f69ddae92d35992a5a ALLIANCE_REASON="$reason"); r=$(count MESSAGE_ID=39eda80e95564e4bad54ab37437ec764 ALLIANCE_REASON="$reason")
  if [ "$miss" = 0 ] && [ "$dups" = 0 ] && [ "$s" = 1 ] && [ "$r" = 1 ] && [ -z "$(find "$SPOOL/rejected" -type f)" ]; then
    pass "$reason: all $n alerts in the journal exactly once; one ingest-stalled, one ingest-resumed"
  else
    fail "$reason: $have alerts, $miss missing, $dups doubled; $s ingest-stalled, $r ingest-resumed entries"
  fi
  grep -q '^Watching' "$W/status" && pass "$reason: STATUS= is back to the counts" || fail "$reason: STATUS= after recovery: '$(cat "$W/status")'"
}

# 1. disk-full: a 3 MiB tmpfs for the state, filled up, then remounted at 64 MiB.
mkdir -p "$W/tmpfs"
mount -t tmpfs -o size=3m,mode=0750 tmpfs "$W/tmpfs"
start_daemon "$W/tmpfs"
fill() { dd if=/dev/zero of="$W/tmpfs/filler" bs=64k 2>/dev/null; sync; }
enlarge() { mount -o remount,size=64m "$W/tmpfs"; }
fault_case disk-full F- 4000 8 fill enlarge
stop_daemon

# 2. database-busy: a second connection holds an exclusive lock for 12 s.
mkdir -p "$W/state"
start_daemon "$W/state"
lock() {
  python3 - "$W/state/state.sqlite" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
time.sleep(12)
db.execute("ROLLBACK")
PY
  LOCKER=$!; sleep 0.5
}
unlock() { wait "$LOCKER"; }
fault_case database-busy B- 500 2 lock unlock

# 3. database-readonly: the database files and the folder immutable (root ignores modes).
freeze() { chattr +i "$W/state" "$W/state"/state.sqlite*; }
thaw() { chattr -i "$W/state" "$W/state"/state.sqlite*; }
fault_case database-readonly R- 500 2 freeze thaw
stop_daemon

# 4. A corrupt database at start: refused, named, pointed to the restore procedure, unchanged.
for how in header page; do
  rm -rf "$W/corrupt"; mkdir -p "$W/corrupt"; cp "$W/state/state.sqlite" "$W/corrupt/state.sqlite"
  if [ $how = header ]; then printf 'this is not SQLite' | dd of="$W/corrupt/state.sqlite" conv=notrunc 2>/dev/null
  else head -c 3000 /dev/urandom | dd of="$W/corrupt/state.sqlite" bs=1 seek=100 conv=notrunc 2>/dev/null; fi
  before=$(sha256sum <"$W/corrupt/state.sqlite")
  printf '[spool]\ndirectory = "%s"\n[state]\npath = "%s/state.sqlite"\n' "$W/spool" "$W/corrupt" >"$W/config.toml"
  timeout 30 "$BINARY" run --config "$W/config.toml" >"$W/corrupt.out" 2>&1; rc=$?
  after=$(sha256sum <"$W/corrupt/state.sqlite")
  if [ "$rc" = 3 ] && grep -q "state database '$W/corrupt/state.sqlite' is corrupt" "$W/corrupt.out" \
     && grep -q 'Restoring the state database' "$W/corrupt.out" && [ "$before" = "$after" ]; then
    pass "corrupt database ($how damaged): exit 3, names the file, points to docs/ADMIN.md, file unchanged"
  else
    fail "corrupt database ($how damaged): exit $rc, unchanged: $([ "$before" = "$after" ] && echo yes || echo no)"; head -3 "$W/corrupt.out" | indent
  fi
done
[ "$failed" = 0 ]
