#!/bin/bash
# The Debian package under systemd as PID 1: install, upgrade, remove, purge.
#
# Builds the package twice with `make deb` (revision 1 from the work tree; revision 2 from a
# copy whose Config/alliance-watch.toml gained a line, so the conffile changes between the
# two), runs lintian, then boots a systemd-nspawn container of the host's own OS with
# --volatile=overlay (a tmpfs over the whole root: dpkg may write /usr, /etc and /var, and
# nothing reaches the host) and in it:
#   install   dpkg -i: users, folders, catalog, unit enabled and running, every public
#             scenario submitted and its alerts in journalctl -o json;
#   upgrade   the configuration edited (a comment and a threshold), dpkg -i revision 2:
#             the edited file kept, the unit restarted on the new file, state kept, the
#             edited threshold in force, and no ALLIANCE_ALERT in the journal twice;
#   remove    dpkg -r: unit stopped and gone, binary gone, configuration and state kept;
#   purge     dpkg -P: /etc/alliance-watch gone, state database and spool kept.
# Prints one line per check, and last "N passed, N failed"; exits 1 if any check failed.
#
# Usage: sudo tests/deb/run.sh [--keep]
# Environment: DEB_BINARY (default .build/release/alliance-watch, built by `make release`
#   if missing), DEB_TIMEOUT (seconds per wait, 120), DEB_WORKDIR (default a new
#   /tmp/alliance-watch-deb.XXXXXX).
# Needs: root, systemd-container, util-linux, dpkg-dev, lintian, chrpath, binutils, python3,
#   bc, sqlite3.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SCENARIOS=$REPO/Tests/AllianceCoreTests/Scenarios
UNIT=alliance-watch.service
SPOOL=/var/spool/alliance-watch
STATE=/var/lib/alliance-watch
CONFIG=/etc/alliance-watch/alliance-watch.toml
TIMEOUT=${DEB_TIMEOUT:-120}
keep=
for a in "$@"; do
  case $a in
    --keep) keep=1 ;;
    *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
  esac
done

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
indent() { sed 's/^/       /'; }
now() { date +%s.%N; }
since() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }
T0=$(now)
summary() { echo "$passed passed, $failed failed ($(since "$T0") s)"; }
# wait_until SECONDS CMD...: polls CMD every 0.2 s; 0 when it succeeded in time
wait_until() { local end=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.2; done; }

[ "$(id -u)" = 0 ] || { echo "run.sh needs root (systemd-nspawn)"; echo "0 passed, 1 failed"; exit 1; }
for tool in systemd-nspawn nsenter unshare setpriv dpkg-deb dpkg-shlibdeps lintian chrpath objdump sqlite3 python3 bc make; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (scripts/install-deps.sh)"; echo "0 passed, 1 failed"; exit 1; }
done

W=${DEB_WORKDIR:-$(mktemp -d /tmp/alliance-watch-deb.XXXXXX)}
mkdir -p "$W"; chmod 0755 "$W"
NAME=aw-deb-$$
# C, container_teardown (and the CT_* variables deb_boot sets the same way).
source "$REPO/tests/e2e/lib/container.sh"
cleanup() {
  local t; t=$(now)
  container_teardown
  echo "torn down in $(since "$t") s"
  if [ -n "$keep" ]; then echo "work directory kept: $W"; else rm -rf "$W"; fi
}
trap 'cleanup; summary' EXIT
trap 'fail "interrupted by a signal"; exit 130' INT TERM

# deb_boot NAME LOG [nspawn args]: container_boot of tests/e2e/lib/container.sh, but the
# root is the host's whole OS under a tmpfs overlay (upper layer in a tmpfs of the private
# mount namespace, gone at teardown), not an empty tmpfs with a read-only /usr: dpkg needs
# its database in /var/lib/dpkg and a writable /usr, /etc and /var. (nspawn's own
# --volatile=overlay refuses the host's root directory.)
deb_boot() {
  CT_NAME=$1 CT_LOG=$2; shift 2
  CT_CGROUP=e2e-$CT_NAME
  local h i
  for h in systemd unified; do mkdir -p "/sys/fs/cgroup/$h/$CT_CGROUP"; done
  mkdir -p "$W/overlay" "$W/rootfs"
  local args=(-q -D "$W/rootfs" --register=no --keep-unit -M "$CT_NAME"
              --private-network --console=pipe "$@"
              -b -- systemd.mask=systemd-firstboot.service
              # the host's own services are not part of the test
              systemd.mask=postgresql.service systemd.mask=e2scrub_reap.service)
  setsid bash -c '
    cg=$1 w=$2; shift 2
    for h in systemd unified; do echo $$ > /sys/fs/cgroup/$h/$cg/cgroup.procs; done
    exec unshare --mount --propagation private -- bash -c "
      set -e
      mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/systemd
      mount -t tmpfs -o mode=755 tmpfs \"$w/overlay\" && mkdir \"$w/overlay/upper\" \"$w/overlay/work\"
      mount -t overlay overlay -o lowerdir=/,upperdir=\"$w/overlay/upper\",workdir=\"$w/overlay/work\" \"$w/rootfs\"
      exec systemd-nspawn \"\$@\"
    " bash "$@"
  ' bash "$CT_CGROUP" "$W" "${args[@]}" </dev/null >"$CT_LOG" 2>&1 &
  CT_SPAWN=$!
  CT_PID1=
  for i in $(seq 1500); do
    CT_PID1=$(pgrep -P "$CT_SPAWN" -x systemd || true)
    [ -n "$CT_PID1" ] && break
    kill -0 "$CT_SPAWN" 2>/dev/null || break
    sleep 0.01
  done
  [ -n "$CT_PID1" ] || return 1
  for i in $(seq 1500); do C test -S /run/systemd/private 2>/dev/null && break; sleep 0.02; done
  C test -S /run/systemd/private
}

# ---------------------------------------------------------------------------------------------
# Build the two packages, lintian
# ---------------------------------------------------------------------------------------------
BINARY=${DEB_BINARY:-$REPO/.build/release/alliance-watch}
if [ ! -x "$BINARY" ] && [ -z "${DEB_BINARY:-}" ]; then
  echo "building the release binary (make release)..."
  make -C "$REPO" -s release >"$W/build.log" 2>&1 || { fail "make release (log: $W/build.log)"; tail -20 "$W/build.log" | indent; keep=1; exit 1; }
fi
BINARY=$(realpath "$BINARY")
VERSION=$(tr -d '[:space:]' <"$REPO/VERSION")
ARCH=$(dpkg --print-architecture)
DEB1=$W/deb/alliance-watch_$VERSION-1_$ARCH.deb
DEB2=$W/deb/alliance-watch_$VERSION-2_$ARCH.deb

t=$(now)
if out=$(make -C "$REPO" -s --no-print-directory deb BINARY="$BINARY" DEB_DIR="$W/deb" DEB_REVISION=1 2>&1) && [ -f "$DEB1" ]; then
  pass "make deb: $(basename "$DEB1"), $(du -h "$DEB1" | cut -f1) ($(stat -c %s "$DEB1") bytes) in $(since "$t") s"
else
  fail "make deb (revision 1)"; echo "$out" | indent; exit 1
fi
# Revision 2 from a copy of the work tree whose default configuration has one more line.
mkdir -p "$W/src2"
tar -C "$REPO" --exclude=./.git --exclude=./.build --exclude='./.build-*' --exclude='./.build_*' -cf - . | tar -C "$W/src2" -xf -
printf '\n# Revision 2 of the test package: this line makes the conffile differ from revision 1.\n' >>"$W/src2/Config/alliance-watch.toml"
t=$(now)
if out=$(make -C "$W/src2" -s --no-print-directory deb BINARY="$BINARY" DEB_DIR="$W/deb" DEB_REVISION=2 2>&1) && [ -f "$DEB2" ]; then
  pass "make deb DEB_REVISION=2 (changed default configuration): $(basename "$DEB2") in $(since "$t") s"
else
  fail "make deb DEB_REVISION=2"; echo "$out" | indent; exit 1
fi
printf '#!/bin/sh\necho 9.9.9\n' >"$W/other-version"; chmod +x "$W/other-version"
if out=$(make -C "$REPO" -s --no-print-directory deb BINARY="$W/other-version" DEB_DIR="$W/deb-other" 2>&1); then
  fail "make deb accepted a binary whose --version is not VERSION ($VERSION)"
else
  pass "make deb refuses a binary whose --version differs from VERSION ($VERSION): $(grep -o "says '[^']*'" <<<"$out" | head -1)"
fi

# lintian as an unprivileged user (it warns about root); errors fail, the rest is shown.
chmod -R a+rX "$W/deb"
t=$(now)
lintian_out=$(cd "$W" && setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$W" TMPDIR=/tmp \
  lintian --info --display-info "$DEB1" 2>&1); rc=$?
errors=$(grep -c '^E: ' <<<"$lintian_out") warnings=$(grep -c '^W: ' <<<"$lintian_out")
if [ "$rc" = 0 ] && [ "$errors" = 0 ]; then
  pass "lintian: 0 errors, $warnings warnings, $(grep -c '^I: ' <<<"$lintian_out") info tags in $(since "$t") s"
else
  fail "lintian: rc $rc, $errors errors"
fi
grep -E '^(E|W): ' <<<"$lintian_out" | indent

contents=$(dpkg-deb -c "$DEB1")
missing_paths=
for path in ./usr/bin/alliance-watch ./usr/lib/systemd/system/alliance-watch.service \
    ./usr/lib/sysusers.d/alliance-watch.conf ./usr/lib/tmpfiles.d/alliance-watch.conf \
    ./usr/lib/systemd/catalog/alliance-watch.catalog ./usr/share/doc/alliance-watch/ADMIN.md \
    ./usr/share/doc/alliance-watch/RULES.md ./usr/share/doc/alliance-watch/copyright \
    ./usr/share/doc/alliance-watch/changelog.Debian.gz ./etc/alliance-watch/alliance-watch.toml; do
  grep -q " $path\$" <<<"$contents" || missing_paths="$missing_paths $path"
done
not_root=$(awk '$2 != "root/root"' <<<"$contents")
if [ -z "$missing_paths" ] && [ -z "$not_root" ]; then
  pass "dpkg-deb -c: binary, unit, sysusers.d, tmpfiles.d, catalog, docs, copyright, changelog, configuration; all root/root"
else
  fail "dpkg-deb -c: missing:$missing_paths; not root/root: $not_root"
fi
conffiles=$(dpkg-deb --ctrl-tarfile "$DEB1" | tar -xOf - ./conffiles)
[ "$conffiles" = "$CONFIG" ] && pass "conffiles: $CONFIG" || fail "conffiles: '$conffiles'"
depends=$(dpkg-deb -f "$DEB1" Depends)
if [[ $depends == *libsystemd0* && $depends == *libsqlite3-0* && $depends == *libc6* && $depends != *swift* ]]; then
  pass "Depends: $depends (no Swift)"
else
  fail "Depends: $depends"
fi
dpkg-deb --fsys-tarfile "$DEB1" | tar -xOf - ./usr/bin/alliance-watch >"$W/packaged-binary"
needed=$(objdump -p "$W/packaged-binary" | awk '$1 == "NEEDED" {printf "%s ", $2}')
rpath=$(objdump -p "$W/packaged-binary" | awk '$1 == "RUNPATH" || $1 == "RPATH"')
if [ -n "$needed" ] && ! grep -qi swift <<<"$needed" && [ -z "$rpath" ]; then
  pass "packaged binary: no Swift library needed, no RUNPATH (NEEDED: $needed)"
else
  fail "packaged binary: NEEDED $needed; $rpath"
fi
rm -f "$W/packaged-binary"
# Whatever `make install` stages beyond the basics, the package carries too.
stage_has() { grep -q " \./usr/share/$1" <<<"$contents"; }
MAN=; stage_has man/ && MAN=1
COMPLETION=; stage_has bash-completion/completions/alliance-watch && COMPLETION=1
echo "       man pages in the package: ${MAN:-no}; bash completion: ${COMPLETION:-no}"

# ---------------------------------------------------------------------------------------------
# Boot a clean root
# ---------------------------------------------------------------------------------------------
mkdir -p "$W/opt"
cp "$DEB1" "$DEB2" "$W/opt/"
cp -r "$SCENARIOS" "$W/opt/scenarios"
chmod -R a+rX "$W/opt"
t=$(now)
# The toolchain hidden from the container: the package must run without any Swift.
hide_swift=(); [ -d /opt/swift ] && hide_swift=(--tmpfs=/opt/swift:mode=0755)
if ! deb_boot "$NAME" "$W/nspawn.log" --bind-ro="$W/opt:/opt/deb" "${hide_swift[@]}"; then
  fail "boot the container"; indent <"$W/nspawn.log"; keep=1; exit 1
fi
state=$(C systemctl is-system-running --wait 2>/dev/null)
if [ "$state" = running ] || [ "$state" = degraded ]; then
  pass "container booted ($state; the host OS under a tmpfs overlay) in $(since "$t") s"
  # A host service that cannot run in a container (not this package's concern) is listed.
  [ "$state" = running ] || C systemctl --failed --no-legend --plain 2>&1 | indent
else
  fail "container booted but is '$state'"; C systemctl --failed --no-legend 2>&1 | indent
fi

J() { C journalctl --sync 2>/dev/null; C journalctl --no-pager "$@"; }
journal_json() { local f=$1; shift; J -u "$UNIT" -o json "$@" >"$f"; }
service() { C systemctl show -p "$1" --value "$UNIT"; }
as() { local u=$1; shift; C setpriv --reuid="$(C id -u "$u")" --regid="$(C id -g "$u")" --init-groups -- "$@"; }
dpkg_in() { C env DEBIAN_FRONTEND=noninteractive dpkg "$@" </dev/null; }
status_of() { C dpkg-query -W -f='${db:Status-Abbrev}${Version}' alliance-watch 2>/dev/null; }
catalog_ids() { C journalctl --list-catalog 2>/dev/null | grep -c ' alliance-watch: '; }
spool_idle() { [ -z "$(C find $SPOOL/incoming -maxdepth 1 -type f ! -name '.*' -print -quit)" ]; }
# alert_keys FILE: every ALLIANCE_ALERT in the unit's journal of this boot, one a line
alert_keys() { journal_json "$W/all.json" && python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    e = json.loads(line)
    if "ALLIANCE_ALERT" in e:
        print(e["ALLIANCE_ALERT"])' "$W/all.json" >"$1"; }

# A Docker-built host image carries a policy-rc.d that forbids starting services (exit 101),
# which deb-systemd-invoke obeys, as it should; a real system has none. Removed in the
# container's overlay only.
if C test -e /usr/sbin/policy-rc.d; then
  C rm -f /usr/sbin/policy-rc.d && echo "       removed the host image's /usr/sbin/policy-rc.d inside the container"
fi
if [ -z "$(C getent passwd alliance-watch)" ] && ! C test -e /usr/bin/alliance-watch && ! C test -e $STATE &&
   ! C test -e /etc/alliance-watch && [ -z "$(status_of)" ]; then
  pass "clean root: no alliance-watch user, binary, state, configuration or package"
else
  fail "the root is not clean (host has alliance-watch installed?): $(status_of) $(C getent passwd alliance-watch)"
fi

# ---------------------------------------------------------------------------------------------
# Install
# ---------------------------------------------------------------------------------------------
t=$(now)
if out=$(dpkg_in -i "/opt/deb/$(basename "$DEB1")" 2>&1) && [ "$(status_of)" = "ii $VERSION-1" ]; then
  pass "dpkg -i $(basename "$DEB1"): installed in $(since "$t") s (configure starts the unit)"
else
  fail "dpkg -i $(basename "$DEB1"): status '$(status_of)'"; echo "$out" | indent
fi
if [ "$(C systemctl is-enabled $UNIT)" = enabled ] && [ "$(service ActiveState)/$(service SubState)" = active/running ]; then
  pass "first install: $UNIT enabled and active/running, status '$(service StatusText)'"
else
  fail "first install: $UNIT $(C systemctl is-enabled $UNIT), $(service ActiveState)/$(service SubState)"
  J -u "$UNIT" -n 20 -o cat | indent
fi
v=$(C alliance-watch --version 2>&1)
[ "$v" = "$VERSION" ] && pass "alliance-watch --version: $v (with /opt/swift hidden: the binary needs no Swift)" \
                      || fail "alliance-watch --version: '$v', want $VERSION"
u=$(C getent passwd alliance-watch); g=$(C getent group alliance-watch-submit); r=$(C getent group alliance-watch-read)
if [ -n "$u" ] && [ -n "$g" ] && [ -n "$r" ] && [[ $u == *:/usr/sbin/nologin ]]; then
  pass "sysusers: user alliance-watch (no login), groups alliance-watch-submit and alliance-watch-read"
else
  fail "sysusers: user '$u', groups '$g' '$r'"
fi
want="alliance-watch alliance-watch-submit 750 $SPOOL
alliance-watch alliance-watch-submit 3770 $SPOOL/tmp
alliance-watch alliance-watch-submit 3770 $SPOOL/incoming
alliance-watch alliance-watch 700 $SPOOL/processed
alliance-watch alliance-watch 700 $SPOOL/rejected
root root 755 /etc/alliance-watch
alliance-watch alliance-watch-read 2750 $STATE"
got=$(C stat -c '%U %G %a %n' $SPOOL $SPOOL/tmp $SPOOL/incoming $SPOOL/processed $SPOOL/rejected /etc/alliance-watch $STATE 2>&1)
if [ "$got" = "$want" ]; then pass "tmpfiles: spool, /etc/alliance-watch and $STATE (2750) owners and modes"
else fail "tmpfiles: owners and modes differ (want | got)"; diff <(echo "$want") <(echo "$got") | indent; fi
n=$(catalog_ids); ids=$(grep -c '^-- [0-9a-f]\{32\}$' "$REPO/systemd/alliance-watch.catalog")
[ "$n" = "$ids" ] && pass "catalog updated (systemd's dpkg trigger): journalctl --list-catalog shows the $ids alliance-watch ids" \
                  || fail "catalog: $n alliance-watch ids, want $ids"
if [ -n "$MAN" ]; then
  out=$(C man -w alliance-watch 2>&1) && pass "man -w alliance-watch: $out" || fail "man -w alliance-watch: $out"
fi
if [ -n "$COMPLETION" ]; then
  C test -f /usr/share/bash-completion/completions/alliance-watch && pass "bash completion installed" \
    || fail "bash completion not installed"
fi

# Every public scenario, as e2e does: through `alliance-watch submit` as a member of
# alliance-watch-submit; p17 holds invalid lines, so it goes in by tmp + rename.
C useradd -M -s /bin/sh -G alliance-watch-submit deb-writer
inputs=() expected=()
for f in "$W"/opt/scenarios/p*.expected.jsonl; do
  stem=$(basename "$f" .expected.jsonl)
  expected+=("$f")
  for ext in jsonl json csv; do
    [ -e "$W/opt/scenarios/$stem.$ext" ] && [ "$stem" != p17_invalid_records ] && inputs+=("/opt/deb/scenarios/$stem.$ext")
  done
done
submit_all() {
  as deb-writer alliance-watch submit "${inputs[@]}" &&
  as deb-writer sh -c "umask 027; cp /opt/deb/scenarios/p17_invalid_records.jsonl $SPOOL/tmp/.p17 && mv $SPOOL/tmp/.p17 $SPOOL/incoming/p17_invalid_records.jsonl"
}
scenarios_in() { journal_json "$W/j.json" && python3 "$REPO/tests/e2e/journal.py" expect "$W/j.json" "${expected[@]}" >"$W/expect.out"; }
t=$(now)
if out=$(submit_all 2>&1); then
  wait_until "$TIMEOUT" spool_idle; wait_until "$TIMEOUT" scenarios_in
  if scenarios_in; then
    pass "every expected alert of the ${#expected[@]} public scenarios (${#inputs[@]} files + p17) in journalctl -o json after $(since "$t") s"
  else
    fail "expected scenario alerts missing from the journal"; grep -v ': \([0-9]*\)/\1 ' "$W/expect.out" | indent
  fi
else
  fail "submit of the scenario files: $out"
fi
alert_keys "$W/alerts-before"
# The stored data itself (the history output also shows the configured cutoff, which the
# edit below changes).
data_digest() { C sqlite3 -readonly "$STATE/state.sqlite" ".dump sessions alerts clients clinicians" 2>&1 | md5sum | cut -c1-12; }
digest_before=$(data_digest)
rows_before=$(C sqlite3 -readonly "$STATE/state.sqlite" "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name" 2>&1 |
  while read -r table; do printf '%s=%s ' "$table" "$(C sqlite3 -readonly "$STATE/state.sqlite" "SELECT count(*) FROM \"$table\"")"; done)
echo "       $(wc -l <"$W/alerts-before") alerts; state rows: $rows_before"

# ---------------------------------------------------------------------------------------------
# Upgrade to revision 2 with an edited configuration
# ---------------------------------------------------------------------------------------------
# The administrator's edit: a comment, and the SRS cutoff 36 -> 37.
C sed -i -e '0,/^cutoff = 36\.0$/s//cutoff = 37.0/' -e '1i # Edited by the administrator: SRS cutoff 37 (deb test).' $CONFIG
C cat $CONFIG >"$W/config.edited"
if grep -q '^cutoff = 37.0$' "$W/config.edited" && C alliance-watch check-config $CONFIG >/dev/null 2>&1; then
  echo "       edited $CONFIG: a comment line, [instruments.srs] cutoff = 37.0 (check-config: valid)"
else
  fail "editing $CONFIG"; head -3 "$W/config.edited" | indent
fi
pid_before=$(service MainPID) started_before=$(J -u "$UNIT" MESSAGE_ID=29fc38056cf34cd9a8d8bcb205cc1c08 -o cat | wc -l)
t=$(now)
if out=$(dpkg_in --force-confold -i "/opt/deb/$(basename "$DEB2")" 2>&1) && [ "$(status_of)" = "ii $VERSION-2" ]; then
  pass "dpkg -i --force-confold $(basename "$DEB2") (upgrade from $VERSION-1) in $(since "$t") s"
else
  fail "upgrade to $(basename "$DEB2"): status '$(status_of)'"; echo "$out" | indent
fi
if C cat $CONFIG | cmp -s - "$W/config.edited" && C grep -q '^# Revision 2 of the test package' $CONFIG.dpkg-dist; then
  pass "conffile: the edited $CONFIG kept; the package's new one beside it as alliance-watch.toml.dpkg-dist"
else
  fail "conffile after the upgrade: $(C ls /etc/alliance-watch | tr '\n' ' ')"; C diff "$W/config.edited" $CONFIG 2>&1 | head -5 | indent
fi
pid=$(service MainPID) exe=$(C readlink /proc/"$(service MainPID)"/exe)
started=$(J -u "$UNIT" MESSAGE_ID=29fc38056cf34cd9a8d8bcb205cc1c08 -o cat | wc -l)
if [ "$(service ActiveState)/$(service SubState)" = active/running ] && [ "$pid" != "$pid_before" ] &&
   [ "$exe" = /usr/bin/alliance-watch ] && [ "$started" = $((started_before + 1)) ]; then
  pass "upgrade restarted the unit: PID $pid_before -> $pid, running the new file ($exe, not '(deleted)'), one more daemon-started entry"
else
  fail "upgrade: $(service ActiveState)/$(service SubState), PID $pid_before -> $pid, exe '$exe', daemon-started $started_before -> $started"
fi
v=$(C alliance-watch --version 2>&1)
[ "$v" = "$VERSION" ] && pass "alliance-watch --version after the upgrade: $v (revision 2 packages the same upstream version)" \
                      || fail "alliance-watch --version after the upgrade: '$v'"
history_after=$(C alliance-watch history C-109 2>&1)
rows_after=$(C sqlite3 -readonly "$STATE/state.sqlite" "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name" 2>&1 |
  while read -r table; do printf '%s=%s ' "$table" "$(C sqlite3 -readonly "$STATE/state.sqlite" "SELECT count(*) FROM \"$table\"")"; done)
digest_after=$(data_digest)
if [ -n "$rows_before" ] && [ "$rows_after" = "$rows_before" ] && [ "$digest_after" = "$digest_before" ] && grep -q 'C-109' <<<"$history_after"; then
  pass "state kept: same row counts in every table, same dump of sessions/alerts/clients/clinicians ($digest_after), history C-109 works"
else
  fail "state after the upgrade: rows '$rows_before' -> '$rows_after', dump $digest_before -> $digest_after"; echo "$history_after" | head -3 | indent
fi
# The edited threshold is in force: an SRS total of 36.5 is below 37, not below 36.
today=$(C date +%F)
printf '{"schema": 1, "client": "C-DEB-1", "session": 1, "date": "%s", "srs": {"relationship": 9.5, "goals": 9.0, "approach": 9.0, "overall": 9.0}}\n' \
  "$today" >"$W/opt/threshold.jsonl"
chmod a+r "$W/opt/threshold.jsonl"
got_threshold_alert() { journal_json "$W/t.json" ALLIANCE_RULE=below-cutoff ALLIANCE_CLIENT=C-DEB-1 && grep -q '"ALLIANCE_THRESHOLD":"37' "$W/t.json"; }
if as deb-writer alliance-watch submit /opt/deb/threshold.jsonl >/dev/null 2>&1 && wait_until "$TIMEOUT" got_threshold_alert; then
  pass "the edited configuration is in force after the upgrade: SRS 36.5 raises below-cutoff with ALLIANCE_THRESHOLD 37"
else
  fail "no below-cutoff alert with threshold 37 for SRS 36.5 after the upgrade"; head -c 600 "$W/t.json" | indent
fi
# The same scenario files again: identical records are skipped, nothing is sent twice.
t=$(now)
if out=$(submit_all 2>&1); then
  wait_until "$TIMEOUT" spool_idle
  sleep 1
  alert_keys "$W/alerts-after"
  dups=$(sort "$W/alerts-after" | uniq -d)
  new=$(comm -13 <(sort "$W/alerts-before") <(sort "$W/alerts-after") | grep -v '/C-DEB-1/')
  if [ -z "$dups" ] && [ -z "$new" ] && [ -s "$W/alerts-after" ]; then
    pass "nothing sent twice: $(wc -l <"$W/alerts-after") ALLIANCE_ALERT keys in this boot's journal, each once, after the upgrade and every scenario submitted again ($(since "$t") s)"
  else
    fail "alerts sent twice after the upgrade: $(wc -l <<<"$dups") duplicate keys, $(grep -c . <<<"$new") new scenario alerts"
    { echo "$dups"; echo "$new"; } | head -6 | indent
  fi
else
  fail "submit of the scenario files after the upgrade: $out"
fi

# ---------------------------------------------------------------------------------------------
# Remove, then purge
# ---------------------------------------------------------------------------------------------
t=$(now)
if out=$(dpkg_in -r alliance-watch 2>&1) && [ "$(status_of)" = "rc $VERSION-2" ]; then
  pass "dpkg -r alliance-watch in $(since "$t") s: status 'rc' (configuration files remain)"
else
  fail "dpkg -r alliance-watch: status '$(status_of)'"; echo "$out" | indent
fi
if [ "$(service ActiveState)" = inactive ] && [ "$(service LoadState)" = not-found ] && ! C pgrep -u alliance-watch >/dev/null; then
  pass "remove: $UNIT stopped and unknown to systemd, no alliance-watch process"
else
  fail "remove: $UNIT $(service ActiveState), LoadState $(service LoadState)"
fi
if ! C test -e /usr/bin/alliance-watch && ! C test -e /usr/lib/systemd/system/$UNIT && [ "$(catalog_ids)" = 0 ]; then
  pass "remove: binary and unit gone, catalog entries gone (trigger)"
else
  fail "remove: files left: $(C ls /usr/bin/alliance-watch /usr/lib/systemd/system/$UNIT 2>/dev/null), catalog ids $(catalog_ids)"
fi
if C cat $CONFIG 2>/dev/null | cmp -s - "$W/config.edited" && C test -s $STATE/state.sqlite && [ -n "$(C getent passwd alliance-watch)" ] &&
   [ -n "$(C find $SPOOL/processed -type f -print -quit)" ]; then
  pass "remove: the edited configuration, state.sqlite, the spool and the users kept"
else
  fail "remove: configuration, state, spool or users missing"
fi

t=$(now)
if out=$(dpkg_in -P alliance-watch 2>&1) && [ -z "$(status_of | grep -v '^un')" ]; then
  pass "dpkg -P alliance-watch in $(since "$t") s: not installed"
else
  fail "dpkg -P alliance-watch: status '$(status_of)'"; echo "$out" | indent
fi
echo "$out" | indent
if ! C test -e /etc/alliance-watch && ! C test -e /etc/systemd/system/multi-user.target.wants/$UNIT &&
   ! C test -e /var/lib/systemd/deb-systemd-helper-enabled/$UNIT.dsh-also; then
  pass "purge: /etc/alliance-watch gone, enablement state gone"
else
  fail "purge: left $(C ls -d /etc/alliance-watch /etc/systemd/system/multi-user.target.wants/$UNIT /var/lib/systemd/deb-systemd-helper-enabled/$UNIT.dsh-also 2>/dev/null | tr '\n' ' ')"
fi
if C test -s $STATE/state.sqlite && [ -n "$(C find $SPOOL/processed -type f -print -quit)" ] &&
   grep -q "kept $STATE" <<<"$out" && grep -q "rm -rf $SPOOL" <<<"$out"; then
  pass "purge: state.sqlite and the spool kept, and postrm says so and how to remove them"
else
  fail "purge: state or spool removed, or no message about them"
fi
[ "$failed" = 0 ]
