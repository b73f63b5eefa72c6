#!/bin/bash
# End-to-end test of the installed alliance-watch under systemd as PID 1.
#
# Stages `make install DESTDIR=...`, boots a systemd-nspawn container from the host's own
# /usr with the staged /usr overlaid (lib/container.sh), then checks the packaging (users,
# spool modes, catalog, verify/security, sandbox) and the daemon (start after READY=1, every
# public scenario through `alliance-watch submit`, journalctl -x, reload, kill -9, watchdog,
# a 50,000-alert burst, spool permissions). Prints one line per check, and last
# "N passed, N failed[, N skipped]"; exits 1 if any check failed.
#
# Usage: sudo tests/e2e/run.sh [--stub] [--allow-missing-daemon] [--keep]
#   --stub                  test the harness with tests/e2e/stub/alliance-watch, not the daemon
#   --allow-missing-daemon  skip (instead of fail) checks whose subcommand the binary lacks
#   --keep                  leave the work directory (journal export, logs) for inspection
# Environment: E2E_BINARY (default .build/release/alliance-watch, built by `make release` if
#   missing), E2E_BURST (50000), E2E_TIMEOUT (seconds per wait, 120),
#   E2E_BURST_TIMEOUT (900), E2E_WORKDIR (default a new /tmp/alliance-watch-e2e.XXXXXX),
#   E2E_LOG_RATE_LIMIT_BURST (a LogRateLimitBurst= drop-in for the burst: the control run).
# Needs: root, systemd-container, util-linux, python3 (see tests/e2e/README.md).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SCENARIOS=$REPO/Tests/AllianceCoreTests/Scenarios
UNIT=alliance-watch.service
SPOOL=/var/spool/alliance-watch
CONFIG=/etc/alliance-watch/alliance-watch.toml
BURST=${E2E_BURST:-50000}
TIMEOUT=${E2E_TIMEOUT:-120}
BURST_TIMEOUT=${E2E_BURST_TIMEOUT:-900}
stub= allow_missing= keep=
for a in "$@"; do
  case $a in
    --stub) stub=1 ;;
    --allow-missing-daemon) allow_missing=1 ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--stub] [--allow-missing-daemon] [--keep]" >&2; exit 2 ;;
  esac
done

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
skip() { skipped=$((skipped + 1)); echo "skip $*"; }
indent() { sed 's/^/       /'; }
summary() { echo "$passed passed, $failed failed${skipped:+, $skipped skipped}"; }
now() { date +%s.%N; }
since() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }
# wait_until SECONDS CMD...: polls CMD every 0.2 s; 0 when it succeeded in time
wait_until() { local end=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.2; done; }

[ "$(id -u)" = 0 ] || { echo "run.sh needs root (systemd-nspawn)"; echo "0 passed, 1 failed"; exit 1; }
for tool in systemd-nspawn nsenter unshare setpriv python3 bc make; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (see tests/e2e/README.md)"; echo "0 passed, 1 failed"; exit 1; }
done

W=${E2E_WORKDIR:-$(mktemp -d /tmp/alliance-watch-e2e.XXXXXX)}
mkdir -p "$W"; chmod 0755 "$W"
NAME=aw-e2e-$$
source "$HERE/lib/container.sh"
cleanup() {
  local t; t=$(now)
  container_teardown
  echo "torn down in $(since "$t") s"
  if [ -n "$keep" ]; then echo "work directory kept: $W"; else rm -rf "$W"; fi
}
trap 'cleanup; summary' EXIT
trap 'fail "interrupted by a signal"; exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Stage the install
# ---------------------------------------------------------------------------------------------
if [ -n "$stub" ]; then
  BINARY=$HERE/stub/alliance-watch
else
  BINARY=${E2E_BINARY:-$REPO/.build/release/alliance-watch}
  if [ ! -x "$BINARY" ] && [ -z "${E2E_BINARY:-}" ]; then
    echo "building the release binary (make release)..."
    make -C "$REPO" -s release >"$W/build.log" 2>&1 || { fail "make release (log: $W/build.log)"; tail -20 "$W/build.log" | indent; keep=1; exit 1; }
  fi
fi
if make -C "$REPO" -s --no-print-directory install DESTDIR="$W/root" BINARY="$BINARY" >"$W/install.log" 2>&1; then
  pass "make install DESTDIR=<stage> (binary: ${BINARY#"$REPO"/})"
  # The digest stays off until digest_and_caseload turns it on: a first start at or after
  # 07:00 would otherwise compose today's digest before any record is in.
  sed -i 's/^enabled = true$/enabled = false/' "$W/root/etc/alliance-watch/alliance-watch.toml"
else
  fail "make install DESTDIR=<stage>"; indent <"$W/install.log"; exit 1
fi

has_subcommand() { "$BINARY" "$1" --help 2>&1 | grep -q "USAGE: alliance-watch $1"; }
missing=
for sub in run submit check-config; do has_subcommand "$sub" || missing="$missing $sub"; done
# daemon_check NAME: 0 if the daemon-dependent check NAME can run, else reports it
daemon_check() {
  [ -z "$missing" ] && return 0
  if [ -n "$allow_missing" ]; then skip "$1: the binary has no subcommand(s):$missing"
  else fail "$1: the binary has no subcommand(s):$missing"; fi
  return 1
}

# Inputs for the container (read-only at /opt/e2e): scenarios, generated batches, probe.
mkdir -p "$W/opt/gen"
cp -r "$SCENARIOS" "$W/opt/scenarios"
cp "$HERE/sandbox-probe.sh" "$W/opt/"
# A valid configuration for `submit --config` while /etc holds a broken one (reload check).
cp "$REPO/Config/alliance-watch.toml" "$W/opt/submit.toml"
python3 "$HERE/gen_records.py" "$W/opt/gen" burst B- "$BURST" 10
python3 "$HERE/gen_records.py" "$W/opt/gen" kill K- 2000 20
python3 "$HERE/gen_records.py" "$W/opt/gen" reload-before R1- 1 1 38.0
python3 "$HERE/gen_records.py" "$W/opt/gen" reload-good R2- 1 1 38.0
python3 "$HERE/gen_records.py" "$W/opt/gen" reload-bad R3- 1 1 38.0
python3 "$HERE/gen_records.py" "$W/opt/gen" readers RD- 5000 10
python3 "$HERE/gen_records.py" "$W/opt/gen" fullfs FS- 3000 6
python3 "$HERE/gen_attention.py" "$W/opt/gen"
chmod -R a+rX "$W/opt"
# Not enabled by the first-boot preset: the test starts the unit itself.
echo "disable $UNIT" >"$W/e2e.preset"
# Room for the burst in the volatile journal; journald's rate limit stays at its default.
printf '[Journal]\nRuntimeMaxUse=2G\nRuntimeMaxFileSize=128M\n' >"$W/journald-e2e.conf"

# ---------------------------------------------------------------------------------------------
# Boot
# ---------------------------------------------------------------------------------------------
t0=$(now)
if ! container_boot "$NAME" "$W/root" "$W/nspawn.log" \
      --bind="$W/root/etc/alliance-watch:/etc/alliance-watch" \
      --bind-ro="$W/opt:/opt/e2e" --bind-ro="$REPO:/opt/src" \
      --bind-ro="$W/e2e.preset:/etc/systemd/system-preset/00-e2e.preset" \
      --bind-ro="$W/journald-e2e.conf:/etc/systemd/journald.conf.d/50-e2e.conf"; then
  fail "boot the container"; indent <"$W/nspawn.log"; keep=1; exit 1
fi
state=$(C systemctl is-system-running --wait 2>/dev/null)
if [ "$state" = running ]; then
  pass "container booted (running) in $(since "$t0") s; $(C systemd-analyze time 2>/dev/null | head -1)"
else
  fail "container booted but is '$state'"; C systemctl --failed --no-legend 2>&1 | indent
fi

J() { C journalctl --sync 2>/dev/null; C journalctl --no-pager "$@"; }
# journal_json FILE [journalctl args]: the unit's entries as JSON lines
journal_json() { local f=$1; shift; J -u "$UNIT" -o json "$@" >"$f"; }
service() { C systemctl show -p "$1" --value "$UNIT"; }
# as USER CMD...: CMD inside the container as USER with its groups (setpriv wants numbers)
as() { local u=$1; shift; C setpriv --reuid="$(C id -u "$u")" --regid="$(C id -g "$u")" --init-groups -- "$@"; }
as_writer()   { as e2e-writer "$@"; }
as_writer2()  { as e2e-writer2 "$@"; }
as_outsider() { as e2e-outsider "$@"; }
# submit ARGS...: `alliance-watch submit ARGS` as e2e-writer (ARGS may hold globs); quiet
# when it works, a failed check with its last words when it does not.
submit() { local out
  out=$(as_writer sh -c "alliance-watch submit $*" 2>&1) || { fail "alliance-watch submit $*: $(tail -1 <<<"$out")"; return 1; }; }

# ---------------------------------------------------------------------------------------------
# Packaging, without the daemon running
# ---------------------------------------------------------------------------------------------
if out=$(C make -s --no-print-directory -C /opt/src post-install 2>&1); then
  pass "make post-install on the booted system (sysusers, tmpfiles, catalog, daemon-reload)"
else
  fail "make post-install on the booted system"; echo "$out" | indent
fi

u=$(C getent passwd alliance-watch); g=$(C getent group alliance-watch-submit); r=$(C getent group alliance-watch-read)
if [ -n "$u" ] && [ -n "$g" ] && [ -n "$r" ] && [[ $u == *:/usr/sbin/nologin ]]; then
  pass "sysusers: user alliance-watch (no login), groups alliance-watch-submit and alliance-watch-read exist"
else
  fail "sysusers: user '$u', group '$g'"
fi

want="alliance-watch alliance-watch-submit 750 $SPOOL
alliance-watch alliance-watch-submit 3770 $SPOOL/tmp
alliance-watch alliance-watch-submit 3770 $SPOOL/incoming
alliance-watch alliance-watch 700 $SPOOL/processed
alliance-watch alliance-watch 700 $SPOOL/rejected
root root 755 /etc/alliance-watch
alliance-watch alliance-watch-read 2750 /var/lib/alliance-watch"
got=$(C stat -c '%U %G %a %n' $SPOOL $SPOOL/tmp $SPOOL/incoming $SPOOL/processed $SPOOL/rejected /etc/alliance-watch /var/lib/alliance-watch 2>&1)
if [ "$got" = "$want" ]; then pass "tmpfiles: spool, state folder and /etc/alliance-watch owners and modes"
else fail "tmpfiles: owners and modes differ (want | got)"; diff <(echo "$want") <(echo "$got") | indent; fi

n=$(C journalctl --list-catalog 2>/dev/null | grep -c ' alliance-watch: ')
ids=$(grep -c '^-- [0-9a-f]\{32\}$' "$REPO/systemd/alliance-watch.catalog")
[ "$n" = "$ids" ] && pass "catalog: journalctl --list-catalog shows the $ids alliance-watch ids" \
                  || fail "catalog: journalctl --list-catalog shows $n alliance-watch ids, want $ids"

# journalctl -x on a hand-made entry with an alert's MESSAGE_ID
printf 'MESSAGE_ID=%s\nMESSAGE=e2e catalog probe\nALLIANCE_CLIENT=C-E2E\nALLIANCE_SESSION=7\nALLIANCE_INSTRUMENT=srs\nALLIANCE_SCORE=31.0\nALLIANCE_THRESHOLD=36.0\nSYSLOG_IDENTIFIER=e2e-catalog\n' \
  8a6ee9858e1c4b449ca424fa7033c4f4 | C logger --journald
out=$(J -x -t e2e-catalog)
if grep -q 'Subject: Low alliance rating for client C-E2E in session 7' <<<"$out" && grep -q 'PCOMS' <<<"$out"; then
  pass "journalctl -x explains an entry with a catalog MESSAGE_ID (fields substituted)"
else
  fail "journalctl -x shows no catalog text"; echo "$out" | tail -5 | indent
fi

out=$(C systemd-analyze verify --man=no "$UNIT" 2>&1); rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && pass "systemd-analyze verify $UNIT in the container: rc 0, no output" \
                             || { fail "systemd-analyze verify $UNIT: rc $rc"; echo "$out" | indent; }
out=$(C systemd-analyze security --threshold=10 "$UNIT" 2>&1); rc=$?
level=$(grep -o 'Overall exposure level.*' <<<"$out")
[ "$rc" = 0 ] && pass "systemd-analyze security $UNIT (online): ${level#*: }" \
              || fail "systemd-analyze security $UNIT: rc $rc, ${level#*: }"

# Spool permissions with plain shell commands, as writers in and out of the submit group.
C useradd -M -s /bin/sh -G alliance-watch-submit e2e-writer
C useradd -M -s /bin/sh -G alliance-watch-submit e2e-writer2
C useradd -M -s /bin/sh e2e-outsider
if as_writer sh -c "umask 027; echo x > $SPOOL/tmp/.e2e-w && mv $SPOOL/tmp/.e2e-w $SPOOL/incoming/.e2e-w"; then
  pass "a member of alliance-watch-submit can create in tmp/ and rename into incoming/"
else fail "a member of alliance-watch-submit cannot create in tmp/ and rename into incoming/"; fi
C sh -c "echo secret > $SPOOL/processed/.e2e-p && chown alliance-watch: $SPOOL/processed/.e2e-p && echo secret > $SPOOL/rejected/.e2e-r"
if as_writer cat $SPOOL/processed/.e2e-p 2>/dev/null || as_writer ls $SPOOL/rejected 2>/dev/null; then
  fail "a member of alliance-watch-submit can read processed/ or rejected/"
else pass "a member of alliance-watch-submit cannot read processed/ or rejected/"; fi
if as_writer2 rm -f $SPOOL/incoming/.e2e-w 2>/dev/null && ! C test -e $SPOOL/incoming/.e2e-w; then
  fail "a writer could delete another writer's file in incoming/ (sticky bit)"
else pass "a writer cannot delete another writer's file in incoming/ (sticky)"; fi
if as_outsider sh -c "echo x > $SPOOL/tmp/.e2e-o" 2>/dev/null || as_outsider sh -c "echo x > $SPOOL/incoming/.e2e-o" 2>/dev/null; then
  fail "a user outside alliance-watch-submit can write the spool"
else pass "a user outside alliance-watch-submit cannot write tmp/ or incoming/"; fi

# The daemon's sandbox, probed by a copy of the installed unit running sandbox-probe.sh.
C sh -c "systemctl cat $UNIT | grep -vE '^(Type|NotifyAccess|ExecStartPre|ExecStart|ExecReload|Restart|RestartSec|WatchdogSec|TimeoutStartSec)=' \
  > /run/systemd/system/alliance-watch-probe.service &&
  printf '\n[Service]\nType=oneshot\nExecStart=/bin/bash /opt/e2e/sandbox-probe.sh $SPOOL/incoming/.e2e-w\n' >> /run/systemd/system/alliance-watch-probe.service &&
  systemctl daemon-reload"
C systemctl start alliance-watch-probe.service; rc=$?
probe=$(J -u alliance-watch-probe.service -o cat | grep -E '^(ok|FAIL) ')
if [ "$rc" = 0 ] && [ -n "$probe" ]; then
  pass "the daemon's sandbox (copy of the unit): $(grep -c '^ok' <<<"$probe") probes as designed"
  grep -E 'cannot write /etc/|group-readable|installed binary' <<<"$probe" | indent
else
  fail "the daemon's sandbox: probe unit rc $rc"; grep '^FAIL' <<<"$probe" | indent
fi
C rm -f $SPOOL/incoming/.e2e-w $SPOOL/processed/.e2e-p $SPOOL/rejected/.e2e-r /run/systemd/system/alliance-watch-probe.service
C systemctl daemon-reload

# ---------------------------------------------------------------------------------------------
# The daemon
# ---------------------------------------------------------------------------------------------
# reading_without_root WHEN: the state database's modes, and `history` as a member of
# alliance-watch-read (works) and as an outsider (a refusal that says what to do).
reading_without_root() {
  local db=/var/lib/alliance-watch/state.sqlite got out
  got=$(C stat -c '%U %G %a %n' $db $db-wal $db-shm 2>&1)
  if [ "$got" = "alliance-watch alliance-watch-read 640 $db
alliance-watch alliance-watch-read 640 $db-wal
alliance-watch alliance-watch-read 640 $db-shm" ]; then
    pass "state database, -wal and -shm are 0640 alliance-watch:alliance-watch-read $1"
  else
    fail "state database modes $1"; echo "$got" | indent
  fi
  if out=$(as e2e-reader alliance-watch history C-109 2>&1) && grep -q 'C-109' <<<"$out"; then
    pass "history C-109 as a member of alliance-watch-read, without sudo, $1"
  else
    fail "history as a member of alliance-watch-read $1"; echo "$out" | head -5 | indent
  fi
  if out=$(as_outsider alliance-watch history C-109 2>&1); then
    fail "history works for a user outside alliance-watch-read $1"
  elif grep -q 'usermod -aG alliance-watch-read' <<<"$out"; then
    pass "history as an outsider is refused with what to do (exit $(as_outsider alliance-watch history C-109 >/dev/null 2>&1; echo $?)) $1"
  else
    fail "history as an outsider fails without the usermod hint $1"; echo "$out" | head -3 | indent
  fi
}

# digest_and_caseload: records ending today; `caseload` as a member of alliance-watch-read
# lists exactly the episodes that need attention, most urgent first, and refuses an
# outsider; with digest.hour = 0 a restart writes one digest per clinician, and a second
# restart the same day none; journalctl -x explains it; the daemon ingests 5,000 records
# while caseload and history run in a loop as a reader.
digest_and_caseload() {
  local cfg=$W/root/etc/alliance-watch/alliance-watch.toml out n rc
  submit /opt/e2e/gen/attention.jsonl
  wait_until "$TIMEOUT" spool_idle
  sleep 1
  out=$(as e2e-reader alliance-watch caseload 2>&1); rc=$?
  local listed; listed=$(awk 'NR > 2 {print $2}' <<<"$out" | grep '^D-7' | tr '\n' ' ')
  if [ "$rc" = 0 ] && [ "$listed" = "D-701 D-702 D-703 " ] && grep -q 'rupture open since session 4 (SRS); rupture@4 (warning)' <<<"$out"; then
    pass "caseload as a member of alliance-watch-read lists D-701 D-702 D-703 (not the steady D-704 nor the ended D-705)"
  else
    fail "caseload as a member of alliance-watch-read (rc $rc, D- clients listed: '$listed')"; echo "$out" | head -8 | indent
  fi
  out=$(as e2e-reader alliance-watch caseload --json --clinician T-71 2>&1)
  if [ "$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["client"] for l in sys.stdin if l.strip()))' <<<"$out")" = D-701 ]; then
    pass "caseload --json --clinician T-71 gives D-701 alone, as JSON"
  else
    fail "caseload --json --clinician T-71"; echo "$out" | head -3 | indent
  fi
  if out=$(as_outsider alliance-watch caseload 2>&1); then
    fail "caseload works for a user outside alliance-watch-read"
  elif grep -q 'usermod -aG alliance-watch-read' <<<"$out"; then
    pass "caseload as an outsider is refused with what to do"
  else
    fail "caseload as an outsider fails without the usermod hint"; echo "$out" | head -3 | indent
  fi

  # The digest at start, with digest.hour = 0 (any time of day is at or after it).
  sed -i -e 's/^enabled = false$/enabled = true/' -e 's/^hour = 7$/hour = 0/' "$cfg"
  C systemctl restart "$UNIT"
  digests() { journal_json "$W/digest.json" MESSAGE_ID=aca2fb3e2b9645c98e1edb218583f52f; }
  has_digests() { digests && grep -q '"ALLIANCE_CLINICIAN":"T-72"' "$W/digest.json"; }
  wait_until "$TIMEOUT" has_digests
  local summary; summary=$(python3 - "$W/digest.json" <<'PY'
import collections, json, sys
entries = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
per = collections.Counter(e.get("ALLIANCE_CLINICIAN", "-") for e in entries)
clients = {e.get("ALLIANCE_CLINICIAN", "-"): e["ALLIANCE_CLIENTS"].split() for e in entries}
print("once" if per and max(per.values()) == 1 else "twice", len(entries),
      "D-701" in clients.get("T-71", []) and "D-704" not in clients.get("T-71", []) and "D-705" not in clients.get("T-71", []),
      clients.get("T-72") == ["D-702"], "D-703" in clients.get("-", []))
PY
)
  if [[ $summary == "once "*" True True True" ]]; then
    pass "a start with digest.hour = 0 writes one digest per clinician (${summary#once }; D-701 for T-71, D-702 for T-72, D-703 without clinician)"
  else
    fail "digest entries at start: $summary"; head -c 600 "$W/digest.json" | indent
  fi
  n=$(wc -l <"$W/digest.json")
  C systemctl restart "$UNIT"; sleep 2; digests
  [ "$(wc -l <"$W/digest.json")" = "$n" ] && pass "a second start the same day writes no digest again ($n entries)" \
                                         || fail "a second start the same day wrote $(( $(wc -l <"$W/digest.json") - n )) more digest entries"
  out=$(J -u "$UNIT" -x MESSAGE_ID=aca2fb3e2b9645c98e1edb218583f52f ALLIANCE_CLINICIAN=T-72)
  if grep -q 'Subject: Daily digest for clinician T-72: clients needing attention (1)' <<<"$out" && grep -q 'alliance-watch caseload --clinician T-72' <<<"$out" \
     && grep -q '1 client needs attention for clinician T-72: D-702 (rupture open since session 4, SRS 28.0).' <<<"$out"; then
    pass "journalctl -x explains the digest of T-72 and points to caseload"
  else
    fail "journalctl -x for the digest of T-72"; echo "$out" | head -8 | indent
  fi
  sed -i -e 's/^hour = 0$/hour = 7/' "$cfg"

  # Readers never block the daemon: caseload and history in a loop while 5,000 records arrive.
  C rm -f /tmp/readers.log
  C setpriv --reuid="$(C id -u e2e-reader)" --regid="$(C id -g e2e-reader)" --init-groups -- sh -c \
    'while [ ! -e /tmp/readers.stop ]; do alliance-watch caseload >/dev/null 2>>/tmp/readers.err && alliance-watch history C-109 >/dev/null 2>>/tmp/readers.err && echo ok; done >/tmp/readers.log' &
  local readers=$! t; t=$(now)
  submit '/opt/e2e/gen/readers-*.jsonl'
  readers_done() { journal_json "$W/j.json" ALLIANCE_RULE=below-cutoff --output-fields=ALLIANCE_RULE,ALLIANCE_CLIENT &&
                   python3 "$HERE/journal.py" alerts "$W/j.json" RD- 5000 >"$W/readers.out" && [ "$(cut -d' ' -f2 "$W/readers.out")" = 0 ]; }
  wait_until "$TIMEOUT" readers_done
  local took; took=$(since "$t")
  C touch /tmp/readers.stop; wait "$readers" 2>/dev/null
  local loops errors; loops=$(C cat /tmp/readers.log | wc -l); errors=$(C cat /tmp/readers.err 2>/dev/null | wc -l)
  read -r have miss dups first <"$W/readers.out"
  if [ "$miss" = 0 ] && [ "$loops" -gt 0 ] && [ "$errors" = 0 ]; then
    pass "5,000 records ingested in $took s while caseload + history ran $loops times as a reader, no reader error"
  else
    fail "ingest while readers loop: $miss of 5000 alerts missing, $loops reader loops, $errors reader errors"
    C head -3 /tmp/readers.err 2>/dev/null | indent
  fi
  C rm -f /tmp/readers.stop /tmp/readers.log /tmp/readers.err
}

# full_state_filesystem: the state on a small tmpfs that fills up under the running unit.
# The unit stays active (no restart, so no start limit), systemctl status shows the reason,
# and after the filesystem is enlarged it resumes by itself with every alert once.
full_state_filesystem() {
  local lib=/var/lib/alliance-watch n0 size t out
  C systemctl stop "$UNIT"
  C rm -rf /tmp/aw-state; C cp -a $lib /tmp/aw-state
  size=$(( $(C du -sm /tmp/aw-state | cut -f1) + 8 ))
  C mount -t tmpfs -o "size=${size}m,mode=2750" tmpfs $lib
  C chown alliance-watch:alliance-watch-read $lib
  C cp -a /tmp/aw-state/. $lib/
  # An empty WAL: the burst left a large one, whose space SQLite would reuse without needing
  # a free block of the full filesystem.
  C sqlite3 $lib/state.sqlite 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  C systemctl start "$UNIT"
  n0=$(service NRestarts)
  C sh -c "dd if=/dev/zero of=$lib/filler bs=64k 2>/dev/null; true"
  t=$(now)
  submit '/opt/e2e/gen/fullfs-*.jsonl'
  fs_stalled() { [ "$(count_of MESSAGE_ID=050b26cf5e7c40f69ddae92d35992a5a ALLIANCE_REASON=disk-full)" -ge 1 ]; }
  if wait_until "$TIMEOUT" fs_stalled; then
    sleep 5  # several retries, each failing
    out=$(C systemctl status "$UNIT" --no-pager 2>&1)
    if [ "$(service ActiveState)/$(service SubState)" = active/running ] && [ "$(service NRestarts)" = "$n0" ] \
       && grep -q 'Stalled (disk-full)' <<<"$out"; then
      pass "state filesystem full (${size} MiB tmpfs): ingest-stalled after $(since "$t") s, unit stays active without a restart, systemctl status shows '$(grep -o 'Stalled (disk-full)[^;]*' <<<"$out" | head -1 | cut -c1-60)...'"
    else
      fail "state filesystem full: $(service ActiveState)/$(service SubState), NRestarts $n0 -> $(service NRestarts)"; grep -i status <<<"$out" | indent
    fi
  else
    fail "state filesystem full: no ingest-stalled (disk-full) entry"; J -u "$UNIT" -n 5 -o cat | indent
  fi
  C mount -o remount,size=512m $lib
  t=$(now)
  fs_done() { spool_idle && journal_json "$W/j.json" ALLIANCE_RULE=below-cutoff --output-fields=ALLIANCE_RULE,ALLIANCE_CLIENT &&
              python3 "$HERE/journal.py" alerts "$W/j.json" FS- 3000 >"$W/fullfs.out" && [ "$(cut -d' ' -f2 "$W/fullfs.out")" = 0 ]; }
  wait_until "$TIMEOUT" fs_done
  read -r have miss dups first <"$W/fullfs.out"
  local s r; s=$(count_of MESSAGE_ID=050b26cf5e7c40f69ddae92d35992a5a ALLIANCE_REASON=disk-full); r=$(count_of MESSAGE_ID=39eda80e95564e4bad54ab37437ec764)
  if [ "$miss" = 0 ] && [ "$dups" = 0 ] && [ "$r" = 1 ] && [ "$s" = 1 ] && [ "$(service NRestarts)" = "$n0" ]; then
    pass "after enlarging it: resumed by itself in $(since "$t") s, all 3000 alerts once, one ingest-stalled and one ingest-resumed entry, no restart"
  else
    fail "after enlarging: $have alerts ($miss missing, $dups doubled), $s stalled / $r resumed entries, NRestarts $n0 -> $(service NRestarts)"
  fi
  C rm -f $lib/filler
}

run_daemon_checks() {
  local t rc out pid npid n0 f

  t=$(now); out=$(C systemctl start "$UNIT" 2>&1); rc=$?
  if [ "$rc" = 0 ] && [ "$(service ActiveState)/$(service SubState)" = active/running ]; then
    pass "systemctl start returns after READY=1 in $(since "$t") s; status: '$(service StatusText)'"
  else
    fail "systemctl start $UNIT: rc $rc, $(service ActiveState)/$(service SubState)"; echo "$out" | indent
    J -u "$UNIT" -n 20 -o cat | indent
    return
  fi
  journal_json "$W/j.json" MESSAGE_ID=29fc38056cf34cd9a8d8bcb205cc1c08
  [ -s "$W/j.json" ] && pass "daemon-started entry in the journal" || fail "no daemon-started entry (MESSAGE_ID 29fc3805…)"

  # Every public scenario, through `alliance-watch submit` as a member of the submit group;
  # p17 holds invalid lines, so submit must refuse it and it goes in by tmp + rename.
  local inputs=() expected=()
  for f in "$W"/opt/scenarios/p*.expected.jsonl; do
    local stem; stem=$(basename "$f" .expected.jsonl)
    expected+=("$f")
    for ext in jsonl json csv; do
      [ -e "$W/opt/scenarios/$stem.$ext" ] && [ "$stem" != p17_invalid_records ] && inputs+=("/opt/e2e/scenarios/$stem.$ext")
    done
  done
  if out=$(as_writer alliance-watch submit "${inputs[@]}" 2>&1); then
    pass "alliance-watch submit of ${#inputs[@]} scenario files as a member of alliance-watch-submit"
  else
    fail "alliance-watch submit of the scenario files: $out"
  fi
  if as_writer alliance-watch submit /opt/e2e/scenarios/p17_invalid_records.jsonl >"$W/submit17.out" 2>&1; then
    fail "alliance-watch submit accepted p17_invalid_records.jsonl (13 invalid lines)"
  elif [ -n "$(C find $SPOOL/tmp $SPOOL/incoming -name '*p17*')" ]; then
    fail "alliance-watch submit refused p17 but left a file in the spool"
  else
    pass "alliance-watch submit refuses p17 (exit $(as_writer alliance-watch submit /opt/e2e/scenarios/p17_invalid_records.jsonl >/dev/null 2>&1; echo $?)) and leaves nothing behind"
  fi
  as_writer sh -c "umask 027; cp /opt/e2e/scenarios/p17_invalid_records.jsonl $SPOOL/tmp/.p17 && mv $SPOOL/tmp/.p17 $SPOOL/incoming/p17_invalid_records.jsonl"
  spool_idle() { [ -z "$(C find $SPOOL/incoming -maxdepth 1 -type f ! -name '.*' -print -quit)" ]; }
  scenarios_in() { journal_json "$W/j.json" && python3 "$HERE/journal.py" expect "$W/j.json" "${expected[@]}" >"$W/expect.out"; }
  wait_until "$TIMEOUT" spool_idle
  wait_until "$TIMEOUT" scenarios_in
  if scenarios_in; then
    pass "every expected alert of the ${#expected[@]} public scenarios is in journalctl -u $UNIT -o json"
  else
    fail "expected scenario alerts missing from the journal"; grep -v ': \([0-9]*\)/\1 ' "$W/expect.out" | indent
  fi
  n=$(python3 "$HERE/journal.py" count "$W/j.json" MESSAGE_ID=11e3ed4acb8a4989a42f7245074188f0 ALLIANCE_SOURCE=p17_invalid_records.jsonl)
  [ "$n" = 13 ] && pass "p17: 13 record-rejected entries" || fail "p17: $n record-rejected entries, want 13"
  out=$(C find $SPOOL/processed -name 'p17_invalid_records.jsonl*' ; C find $SPOOL/rejected -name 'p17_invalid_records*error.json')
  [ "$(wc -l <<<"$out")" -ge 2 ] && pass "p17: file in processed/, its errors in rejected/" \
                                 || fail "p17: processed/rejected files: $out"

  out=$(J -u "$UNIT" -x MESSAGE_ID=20cf6d3cab5541fbae18582f449b638b ALLIANCE_CLIENT=C-109)
  if grep -q 'Subject: Possible alliance rupture: client C-109, session 5' <<<"$out" && grep -q 'Eubanks' <<<"$out"; then
    pass "journalctl -x shows the catalog text for a rupture alert (C-109 session 5)"
  else
    fail "journalctl -x shows no catalog text for the C-109 rupture"; echo "$out" | head -5 | indent
  fi

  # Reading without root (SPEC §8): a member of alliance-watch-read runs history, nobody else.
  C useradd -M -s /bin/sh -G alliance-watch-read e2e-reader
  reading_without_root "while the daemon runs"
  digest_and_caseload

  # Reload: a changed threshold takes effect; a broken file keeps the running one.
  local cfg=$W/root/etc/alliance-watch/alliance-watch.toml
  cp "$cfg" "$W/config.orig"
  count_of() { journal_json "$W/j.json" "$@"; wc -l <"$W/j.json"; }
  submit /opt/e2e/gen/reload-before-000.jsonl
  wait_until "$TIMEOUT" spool_idle
  pid=$(service MainPID)
  printf '[instruments.srs]\ncutoff = 39\n' >"$cfg"
  n0=$(count_of MESSAGE_ID=aa23ef707b8a47588b511672276b9bba)
  C systemctl reload "$UNIT"; rc=$?
  reloaded() { [ "$(count_of MESSAGE_ID=aa23ef707b8a47588b511672276b9bba)" -gt "$n0" ]; }
  if [ "$rc" = 0 ] && wait_until "$TIMEOUT" reloaded; then
    submit /opt/e2e/gen/reload-good-000.jsonl
    got_alert() { [ "$(count_of ALLIANCE_RULE=below-cutoff ALLIANCE_CLIENT="$1")" -ge 1 ]; }
    if wait_until "$TIMEOUT" got_alert R2-00000 && ! got_alert R1-00000; then
      pass "reload with instruments.srs.cutoff = 39: SRS 38.0 alerts after it, not before (config-reloaded entry)"
    else
      fail "reload with cutoff 39: SRS 38.0 after the reload raised no below-cutoff (or did before)"
    fi
  else
    fail "systemctl reload (rc $rc) wrote no config-reloaded entry"
  fi
  printf '[instruments.srs]\ncutoff = "high"\n' >"$cfg"
  n0=$(count_of MESSAGE_ID=524b8d1523b844198fbac38c08d5b022)
  C systemctl reload "$UNIT"
  failed_reload() { [ "$(count_of MESSAGE_ID=524b8d1523b844198fbac38c08d5b022)" -gt "$n0" ]; }
  if wait_until "$TIMEOUT" failed_reload; then
    # submit validates with the configuration and refuses a broken one (exit 1), so the
    # writer names a valid file; its spool.directory is the default spool.
    submit --config /opt/e2e/submit.toml /opt/e2e/gen/reload-bad-000.jsonl
    if [ "$(service MainPID)" = "$pid" ] && [ "$(service ActiveState)" = active ] && wait_until "$TIMEOUT" got_alert R3-00000; then
      pass "reload with a broken file: config-reload-failed entry, same PID, the cutoff 39 still applies"
    else
      fail "reload with a broken file: PID $pid -> $(service MainPID), $(service ActiveState), old cutoff kept: $(got_alert R3-00000 && echo yes || echo no)"
    fi
  else
    fail "reload with a broken file wrote no config-reload-failed entry"
  fi
  cp "$W/config.orig" "$cfg"
  C systemctl reload "$UNIT"

  # kill -9 while a batch of 2000 records is being ingested: restart, nothing lost.
  pid=$(service MainPID); n0=$(service NRestarts)
  submit '/opt/e2e/gen/kill-*.jsonl'
  local waiting; waiting=$(C find $SPOOL/incoming -maxdepth 1 -type f ! -name '.*' | wc -l)
  C kill -9 "$pid"; t=$(now)
  restarted() { [ "$(service NRestarts)" -gt "$n0" ] && [ "$(service SubState)" = running ] && [ "$(service MainPID)" != "$pid" ]; }
  if wait_until "$TIMEOUT" restarted; then
    pass "kill -9 of the main PID with $waiting of 20 batch files still in incoming/: restarted (PID $pid -> $(service MainPID)) after $(since "$t") s"
  else
    fail "kill -9 of the main PID: no restart ($(service ActiveState)/$(service SubState), NRestarts $(service NRestarts))"
  fi
  kill_complete() { journal_json "$W/j.json" ALLIANCE_RULE=below-cutoff && python3 "$HERE/journal.py" alerts "$W/j.json" K- 2000 >"$W/kill.out" && [ "$(cut -d' ' -f2 "$W/kill.out")" = 0 ]; }
  wait_until "$TIMEOUT" spool_idle
  wait_until "$TIMEOUT" kill_complete
  read -r have miss dups first <"$W/kill.out"
  if [ "$miss" = 0 ]; then pass "kill -9: all 2000 alerts of the interrupted batch arrived ($dups sent twice)"
  else fail "kill -9: $miss of 2000 alerts missing after the restart (e.g. $first)"; fi

  # A hung ingest loop (SIGSTOP) with WatchdogSec=3s: Result=watchdog and a restart.
  C mkdir -p /run/systemd/system/$UNIT.d
  C sh -c "printf '[Service]\nWatchdogSec=3s\n' > /run/systemd/system/$UNIT.d/50-e2e-watchdog.conf"
  C systemctl daemon-reload; C systemctl restart "$UNIT"
  pid=$(service MainPID); n0=$(service NRestarts)
  local since_ts; since_ts=$(C date '+%Y-%m-%d %H:%M:%S')
  C kill -STOP "$pid"; t=$(now)
  # systemd sends WatchdogSignal=SIGABRT (with SIGCONT), then SIGKILL after TimeoutAbortSec=
  if wait_until 60 restarted; then
    if [ -n "$(J -u "$UNIT" --since "$since_ts" UNIT_RESULT=watchdog -o cat)" ]; then
      pass "SIGSTOP of the main PID trips the watchdog (Result=watchdog) and restarts it after $(since "$t") s"
    else
      fail "SIGSTOP: restarted, but no 'Failed with result watchdog' entry"
    fi
  else
    fail "SIGSTOP of the main PID: no watchdog restart within 60 s ($(service ActiveState)/$(service SubState), Result=$(service Result))"
    C kill -CONT "$pid" 2>/dev/null
  fi
  C rm -f /run/systemd/system/$UNIT.d/50-e2e-watchdog.conf
  C systemctl daemon-reload; C systemctl reset-failed "$UNIT" 2>/dev/null; C systemctl restart "$UNIT"

  # A burst of alerting records: none may be lost to journald's rate limit.
  # E2E_LOG_RATE_LIMIT_BURST=10000 (journald's default) is the control: then this check fails.
  if [ -n "${E2E_LOG_RATE_LIMIT_BURST:-}" ]; then
    C sh -c "printf '[Service]\nLogRateLimitBurst=$E2E_LOG_RATE_LIMIT_BURST\n' > /run/systemd/system/$UNIT.d/50-e2e-ratelimit.conf"
    C systemctl daemon-reload; C systemctl restart "$UNIT"
  fi
  local burst_limit; burst_limit=$(service LogRateLimitBurst)
  n0=$(service NRestarts)
  t=$(now)
  submit '/opt/e2e/gen/burst-*.jsonl'
  burst_complete() { journal_json "$W/j.json" ALLIANCE_RULE=below-cutoff --output-fields=ALLIANCE_RULE,ALLIANCE_CLIENT &&
                     python3 "$HERE/journal.py" alerts "$W/j.json" B- "$BURST" >"$W/burst.out" && [ "$(cut -d' ' -f2 "$W/burst.out")" = 0 ]; }
  # Done when all arrived, or when the spool is idle and the count has not moved for 30 s.
  local end=$(( $(date +%s) + BURST_TIMEOUT )) last=-1 still=0
  until burst_complete; do
    read -r have _ <"$W/burst.out"
    if [ "$have" = "$last" ] && spool_idle; then still=$((still + 1)); else still=0; last=$have; fi
    [ "$still" -ge 15 ] || [ "$(date +%s)" -ge "$end" ] && break
    sleep 2
  done
  read -r have miss dups first <"$W/burst.out"
  local suppressed; suppressed=$(J MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e -o cat | grep -c "$UNIT")
  if [ "$miss" = 0 ] && [ "$suppressed" = 0 ]; then
    pass "burst: all $BURST alerts in the journal after $(since "$t") s, no journald suppression (LogRateLimitBurst=$burst_limit)"
  else
    fail "burst: $have of $BURST alerts in the journal ($miss missing, e.g. $first; $suppressed journald 'Suppressed' entries)"
  fi
  [ "$(service NRestarts)" = "$n0" ] && pass "burst: the daemon kept running (no watchdog or crash restart)" \
                                     || fail "burst: the daemon restarted $(( $(service NRestarts) - n0 )) time(s) during the burst"

  full_state_filesystem

  # A user outside the submit group cannot use `alliance-watch submit` either.
  if as_outsider alliance-watch submit /opt/e2e/gen/reload-good-000.jsonl >/dev/null 2>&1; then
    fail "alliance-watch submit works for a user outside alliance-watch-submit"
  else
    pass "alliance-watch submit fails for a user outside alliance-watch-submit"
  fi

  t=$(now); C systemctl stop "$UNIT"
  reading_without_root "with the daemon stopped"
  if [ "$(service Result)" = success ] && [ "$(service ActiveState)" = inactive ]; then
    pass "systemctl stop: clean exit on SIGTERM in $(since "$t") s"
  else
    fail "systemctl stop: Result=$(service Result), $(service ActiveState), status $(service ExecMainStatus)"
  fi

  # A spool removed while the service is stopped comes back at the next start with the
  # owners and modes of tmpfiles.d: a folder the daemon made itself would be
  # alliance-watch:alliance-watch 0700 (UMask=0077), closed to the writers.
  C rm -rf $SPOOL
  out=$(C systemctl start "$UNIT" 2>&1); rc=$?
  got=$(C stat -c '%U %G %a %n' $SPOOL $SPOOL/tmp $SPOOL/incoming $SPOOL/processed $SPOOL/rejected /etc/alliance-watch /var/lib/alliance-watch 2>&1)
  if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
    pass "a start after the spool was removed recreates it with the tmpfiles.d owners and modes"
  else
    fail "a start after the spool was removed: rc $rc, owners and modes (want | got)"
    echo "$out" | indent; diff <(echo "$want") <(echo "$got") | indent; J -u "$UNIT" -n 8 -o cat | indent
  fi
  C systemctl stop "$UNIT"
}

if daemon_check "daemon checks (start, scenarios, -x, reload, kill -9, watchdog, burst, submit)"; then
  run_daemon_checks
fi
[ "$failed" = 0 ]
