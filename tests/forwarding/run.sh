#!/bin/bash
# End-to-end test of forwarding alerts from a clinic to a central log server.
#
# Two hosts on this machine, each a network namespace joined by a veth pair (addresses exist
# only inside the namespaces, so no traffic leaves them):
#   clinic  10.231.0.1  own mount and UTS namespace (hostname clinic7), its own journald
#                       (scripts/private-journal.sh), the real `alliance-watch run` on a temp
#                       spool, and systemd-journal-upload --save-state with a client certificate,
#                       run as the packaged unit runs it (a dynamic uid, group systemd-journal);
#   central 10.231.0.2  own mount namespace; stunnel on :19532 (TLS, requires a client
#                       certificate from the test's CA) in front of systemd-journal-remote on
#                       loopback :19531 (socket-activated, user systemd-journal-remote), and a
#                       private catalog database made with `journalctl --update-catalog` from
#                       the repository's systemd/alliance-watch.catalog (docs/ADMIN.md).
# Why stunnel: Debian 12's systemd 252 is built without GnuTLS, and then journal-remote cannot
# check client certificates at all (--trust: "Option --trust is not available.").
# The certificates come from a throwaway CA that this test makes with openssl.
#
# Checks: an alert raised on the clinic arrives centrally with every ALLIANCE_* field and its
# MESSAGE_ID identical; `journalctl -x` explains it centrally (and did not before the catalog
# was installed there); the documented reading command finds it; an uploader with another CA's
# certificate, and a client without any certificate, are refused and store nothing; the central
# server stops while the uploader is connected, alerts raised meanwhile arrive after it is back
# (the uploader, restarted as Restart=on-failure would, resumes from its --save-state cursor):
# none missing, and the only entry stored twice is the one at the saved cursor, which
# systemd-journal-upload 252 sends again when it starts; then the server stops in the middle of
# a 3,000-alert burst: none missing, and the doubles are only what it had stored of the
# interrupted upload (sent again: the cursor is saved per acknowledged upload) and the resume
# cursors' entries; readers in the group systemd-journal-remote see the central files and
# others do not; teardown leaves nothing behind.
# Prints one line per check and `N passed, N failed`; exits 1 if any check failed.
#
# Usage: sudo tests/forwarding/run.sh [--keep]
# Environment: BINARY (default .build/release/alliance-watch), FORWARD_TIMEOUT (seconds per
#   wait, default 60), FORWARD_WORKDIR (default a new /tmp/alliance-watch-forward.XXXXXX),
#   FORWARD_BURST (alerts in the interrupted upload, default 3000),
#   FORWARD_UPLOAD_LOG_LEVEL (the uploader's SYSTEMD_LOG_LEVEL, default info; debug shows
#   every entry it sends and each acknowledged upload).
# Needs: root, systemd-journal-remote, stunnel4, openssl, iproute2, util-linux, curl, python3, bc.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TIMEOUT=${FORWARD_TIMEOUT:-60}
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
# wait_until SECONDS CMD...: polls CMD every 0.2 s; 0 when it succeeded in time
wait_until() { local end=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.2; done; }

T0=$(now)
[ "$(id -u)" = 0 ] || { echo "run.sh needs root (network and mount namespaces)"; echo "0 passed, 1 failed"; exit 1; }
JUPLOAD=/lib/systemd/systemd-journal-upload
JREMOTE=/lib/systemd/systemd-journal-remote
for tool in ip ss openssl stunnel unshare nsenter setpriv systemd-socket-activate curl python3 bc "$JUPLOAD" "$JREMOTE"; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
done
BINARY=${BINARY:-$REPO/.build/release/alliance-watch}
case $BINARY in /*) ;; *) BINARY=$REPO/$BINARY ;; esac
[ -x "$BINARY" ] || { echo "$BINARY is missing: run 'make release' or pass BINARY=..."; echo "0 passed, 1 failed"; exit 1; }

W=${FORWARD_WORKDIR:-$(mktemp -d /tmp/alliance-watch-forward.XXXXXX)}
mkdir -p "$W"; chmod 0755 "$W"
CLINIC_NS=aw-clinic-$$ CENTRAL_NS=aw-central-$$
CLINIC_IP=10.231.0.1 CENTRAL_IP=10.231.0.2 PORT=19532 INNER_PORT=19531
URL=https://$CENTRAL_IP:$PORT
CLINIC_HOST=clinic7
# The users the packaged units run as: journal-remote as systemd-journal-remote, stunnel as
# stunnel4 (setuid= in its configuration), journal-upload as a dynamic user with the
# supplementary group systemd-journal (DynamicUser=yes, SupplementaryGroups=systemd-journal).
REMOTE_USER=systemd-journal-remote TUNNEL_USER=stunnel4 UPLOAD_UID=61900
JOURNAL_GID=$(getent group systemd-journal | cut -d: -f3)
for u in "$REMOTE_USER" "$TUNNEL_USER"; do
  id -u "$u" >/dev/null 2>&1 || { echo "missing user $u (made by the packages systemd-journal-remote and stunnel4)"; echo "0 passed, 1 failed"; exit 1; }
done
[ -n "$JOURNAL_GID" ] || { echo "missing group systemd-journal"; echo "0 passed, 1 failed"; exit 1; }
getent passwd "$UPLOAD_UID" 61901 >/dev/null && { echo "uid $UPLOAD_UID or 61901 is taken: they stand in for the uploader's dynamic user and a reader"; echo "0 passed, 1 failed"; exit 1; }
HOLDERS=() CLINIC_HOLDER= CENTRAL_HOLDER= CLINIC_PID= CENTRAL_PID= DAEMON_PID= UPLOAD_PID= REMOTE_PID= TUNNEL_PID=

# stop PID: SIGTERM, then SIGKILL after 5 s; waits for it to go
stop() { local p=$1 i
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null
  for i in $(seq 250); do kill -0 "$p" 2>/dev/null || break; sleep 0.02; done
  kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null || true
}
cleanup() {
  local t; t=$(now)
  stop "$UPLOAD_PID"; stop "$DAEMON_PID"; stop "$TUNNEL_PID"; stop "$REMOTE_PID"
  # The holders keep each host's namespaces alive. The clinic's is private-journal.sh waiting
  # for its `sleep`: ending the sleep lets it sync and stop its journald. The central holder is
  # the sleep itself.
  if [ -n "$CLINIC_HOLDER" ]; then
    stop "$(pgrep -P "$CLINIC_HOLDER" -x sleep)"
    wait_until 5 sh -c "! kill -0 $CLINIC_HOLDER 2>/dev/null"
  fi
  local h; for h in "${HOLDERS[@]}"; do stop "$h"; done
  ip netns del "$CLINIC_NS" 2>/dev/null; ip netns del "$CENTRAL_NS" 2>/dev/null
  local left="" p
  for p in "$UPLOAD_PID" "$DAEMON_PID" "$TUNNEL_PID" "$REMOTE_PID" "$CLINIC_PID" "${HOLDERS[@]}"; do
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null && left="$left $p"
  done
  local namespaces; namespaces=$(ip netns list)
  grep -q -e "^$CLINIC_NS" -e "^$CENTRAL_NS" <<<"$namespaces" && left="$left netns"
  if [ -z "$left" ]; then pass "torn down in $(since "$t") s: no process or network namespace left; whole test $(since "$T0") s"
  else fail "left behind after teardown:$left"; fi
  if [ -n "$keep" ]; then echo "work directory kept: $W"; else rm -rf "$W"; fi
  echo "$passed passed, $failed failed"
}
trap 'cleanup; [ "$failed" = 0 ] || exit 1' EXIT
trap 'fail "interrupted by a signal"; exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Certificates: a throwaway CA, the central server (SAN = its address), the clinic client; and
# a second CA with a client certificate that the central server must refuse.
# ---------------------------------------------------------------------------------------------
t=$(now)
P=$W/pki; mkdir -p "$P"
make_ca() { openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" \
  -keyout "$P/$1.key" -out "$P/$1.pem" 2>>"$P/openssl.log"; }
# make_cert NAME CA CN EXT: a key and a certificate signed by CA with the extensions EXT
make_cert() {
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$3" -keyout "$P/$1.key" -out "$P/$1.csr" 2>>"$P/openssl.log" &&
  printf '%s\n' "$4" >"$P/$1.ext" &&
  openssl x509 -req -in "$P/$1.csr" -CA "$P/$2.pem" -CAkey "$P/$2.key" -CAcreateserial -days 2 \
    -extfile "$P/$1.ext" -out "$P/$1.pem" 2>>"$P/openssl.log"
}
if make_ca ca "alliance-watch test CA" && make_ca rogue-ca "some other CA" &&
   make_cert central ca "$CENTRAL_IP" "subjectAltName=IP:$CENTRAL_IP
extendedKeyUsage=serverAuth" &&
   make_cert clinic ca "$CLINIC_HOST" "extendedKeyUsage=clientAuth" &&
   make_cert rogue rogue-ca "$CLINIC_HOST" "extendedKeyUsage=clientAuth" &&
   openssl verify -CAfile "$P/ca.pem" "$P/central.pem" "$P/clinic.pem" >/dev/null 2>&1 &&
   ! openssl verify -CAfile "$P/ca.pem" "$P/rogue.pem" >/dev/null 2>&1; then
  pass "certificates: a test CA, the central server's (SAN IP:$CENTRAL_IP), the clinic's; a rogue CA's client ($(since "$t") s)"
else
  fail "making the certificates with openssl"; indent <"$P/openssl.log"; exit 1
fi

# As docs/ADMIN.md installs them on a clinic: a folder 0750 root:systemd-journal, the key 0640
# (the uploader's dynamic user reads it through its group systemd-journal).
chgrp systemd-journal "$P" "$P/clinic.key"; chmod 0750 "$P"; chmod 0644 "$P"/*.pem; chmod 0640 "$P/clinic.key"

# ---------------------------------------------------------------------------------------------
# The two hosts
# ---------------------------------------------------------------------------------------------
t=$(now)
ip netns add "$CLINIC_NS" && ip netns add "$CENTRAL_NS" &&
ip -n "$CLINIC_NS" link add aw0 type veth peer name aw0 netns "$CENTRAL_NS" &&
ip -n "$CLINIC_NS" addr add "$CLINIC_IP/30" dev aw0 && ip -n "$CENTRAL_NS" addr add "$CENTRAL_IP/30" dev aw0 &&
ip -n "$CLINIC_NS" link set lo up && ip -n "$CENTRAL_NS" link set lo up &&
ip -n "$CLINIC_NS" link set aw0 up && ip -n "$CENTRAL_NS" link set aw0 up ||
  { fail "network namespaces $CLINIC_NS and $CENTRAL_NS with a veth pair"; exit 1; }
# (Output captured first: with pipefail, `ip | grep -q` can fail when grep stops reading early.)
clinic_addr=$(ip -n "$CLINIC_NS" -o addr show dev aw0) central_addr=$(ip -n "$CENTRAL_NS" -o addr show dev aw0) host_addr=$(ip -o addr show)
if grep -q " $CLINIC_IP/30" <<<"$clinic_addr" && grep -q " $CENTRAL_IP/30" <<<"$central_addr" && ! grep -q '10\.231\.0\.' <<<"$host_addr"; then
  pass "network: $CLINIC_NS $CLINIC_IP and $CENTRAL_NS $CENTRAL_IP on a veth pair; the host has neither address"
else
  fail "network: the addresses are not where they should be"; { ip -n "$CLINIC_NS" -o addr; ip -n "$CENTRAL_NS" -o addr; ip -o addr | grep 10.231; } | indent
fi

# The clinic host: its netns, a UTS namespace (hostname clinic7) and a private journald, kept
# alive by `sleep infinity`. Its journald's PID is the handle for nsenter.
# The journal folder as tmpfiles.d makes it (2755 root:systemd-journal): journald's files
# inherit the group, which is how the uploader's user may read them.
mkdir -p "$W/clinic/pj/journal"; chgrp systemd-journal "$W/clinic/pj/journal"; chmod 2755 "$W/clinic/pj/journal"
# (nsenter --net, not `ip netns exec`: that mounts a new /sys without cgroups, and journald
# refuses to start without them.)
nsenter --net="/run/netns/$CLINIC_NS" -- unshare --uts -- bash -c \
  'hostname "$1"; exec "$2" "$3" sleep infinity' bash "$CLINIC_HOST" "$REPO/scripts/private-journal.sh" "$W/clinic/pj" \
  >"$W/clinic/holder.log" 2>&1 &
CLINIC_HOLDER=$!; HOLDERS+=("$CLINIC_HOLDER")
wait_until 10 pgrep -P "$CLINIC_HOLDER" -x systemd-journal >/dev/null &&
  CLINIC_PID=$(pgrep -P "$CLINIC_HOLDER" -x systemd-journal)
[ -n "$CLINIC_PID" ] || { fail "clinic host: its journald did not start"; indent <"$W/clinic/holder.log"; exit 1; }
# IN_CLINIC/IN_CENTRAL are command prefixes, not functions, so that `"${IN_CLINIC[@]}" cmd &`
# gives $! = cmd itself (nsenter execs it), the PID that stop() must signal.
IN_CLINIC=(nsenter -t "$CLINIC_PID" -m -n -u --)
CLINIC() { "${IN_CLINIC[@]}" "$@"; }
wait_until 10 CLINIC test -S /run/systemd/journal/socket

# The central host: its netns and a mount namespace whose catalog folders are its own: a copy
# of the host's /usr/lib/systemd/catalog without alliance-watch, and an empty
# /var/lib/systemd/catalog, so `journalctl --update-catalog` there touches nothing of the host.
catalog_sum() { cat /var/lib/systemd/catalog/database 2>/dev/null | sha256sum; }
HOST_CATALOG=$(catalog_sum)
mkdir -p "$W/central/remote" "$W/central/catalog-src" "$W/central/catalog-db"
chown "$REMOTE_USER:" "$W/central/remote"    # LogsDirectory=journal/remote, owned by the unit's user
for f in /usr/lib/systemd/catalog/*.catalog; do
  [ -e "$f" ] && [ "$(basename "$f")" != alliance-watch.catalog ] && cp "$f" "$W/central/catalog-src/"
done
nsenter --net="/run/netns/$CENTRAL_NS" -- unshare --mount --propagation private -- bash -c '
  set -e
  mount --bind "$1/catalog-src" /usr/lib/systemd/catalog
  if [ -d /var/lib/systemd/catalog ]; then mount --bind "$1/catalog-db" /var/lib/systemd/catalog
  else mount -t tmpfs -o mode=0755 tmpfs /var/lib/systemd && mkdir /var/lib/systemd/catalog; fi
  exec sleep infinity' bash "$W/central" >"$W/central/holder.log" 2>&1 &
CENTRAL_HOLDER=$!; HOLDERS+=("$CENTRAL_HOLDER")
# The holder becomes `sleep` once its mounts are in place.
wait_until 10 sh -c "[ \"\$(cat /proc/$CENTRAL_HOLDER/comm 2>/dev/null)\" = sleep ]" && CENTRAL_PID=$CENTRAL_HOLDER
[ -n "$CENTRAL_PID" ] || { fail "central host: its mount namespace"; indent <"$W/central/holder.log"; exit 1; }
IN_CENTRAL=(nsenter -t "$CENTRAL_PID" -m -n --)
CENTRAL() { "${IN_CENTRAL[@]}" "$@"; }
if [ "$(CLINIC hostname)" = "$CLINIC_HOST" ] && [ "$(CENTRAL hostname)" != "$CLINIC_HOST" ]; then
  pass "hosts: clinic (hostname $CLINIC_HOST, own journald) and central (own catalog folders) up in $(since "$t") s"
else
  fail "hosts: clinic hostname is '$(CLINIC hostname)'"
fi

# ---------------------------------------------------------------------------------------------
# Central: systemd-journal-remote behind stunnel. Debian 12's systemd 252 is built without
# GnuTLS, and then journal-remote cannot check client certificates (it refuses --trust and
# TrustedCertificateFile= is ignored); stunnel terminates TLS and requires a client
# certificate from the test CA, and journal-remote listens on the central host's loopback only.
# ---------------------------------------------------------------------------------------------
trust_note=$(CENTRAL "$JREMOTE" --listen-https="127.0.0.1:1" --trust="$P/ca.pem" --output="$W/central/remote/" 2>&1 | head -1)
echo "note journal-remote --trust here says: '${trust_note:-nothing}'"
cat >"$W/central/stunnel.conf" <<EOF
foreground = yes
pid =
setuid = $TUNNEL_USER
setgid = $TUNNEL_USER
debug = notice
[journal-remote]
accept = $CENTRAL_IP:$PORT
connect = 127.0.0.1:$INNER_PORT
cert = $P/central.pem
key = $P/central.key
CAfile = $P/ca.pem
requireCert = yes
verifyChain = yes
EOF
listening() { [ -n "$(CENTRAL ss -Hltn "sport = :$1")" ]; }
start_remote() {
  # Socket activation as with systemd-journal-remote.socket: the socket is passed as fd 3.
  "${IN_CENTRAL[@]}" systemd-socket-activate -l "127.0.0.1:$INNER_PORT" \
    setpriv --reuid="$REMOTE_USER" --regid="$REMOTE_USER" --clear-groups -- \
    "$JREMOTE" --listen-http=-3 --output="$W/central/remote/" >>"$W/central/remote.log" 2>&1 &
  REMOTE_PID=$!
  "${IN_CENTRAL[@]}" stunnel "$W/central/stunnel.conf" >>"$W/central/stunnel.log" 2>&1 &
  TUNNEL_PID=$!
  wait_until 10 listening "$INNER_PORT" && wait_until 10 listening "$PORT" &&
    kill -0 "$REMOTE_PID" 2>/dev/null && kill -0 "$TUNNEL_PID" 2>/dev/null
}
stop_remote() { stop "$TUNNEL_PID"; TUNNEL_PID=; stop "$REMOTE_PID"; REMOTE_PID=; }
start_remote || { fail "systemd-journal-remote or stunnel did not listen"; indent <"$W/central/remote.log"; indent <"$W/central/stunnel.log"; exit 1; }

# Central reading commands (journal-remote writes remote-<sender>.journal under the folder).
CJ() { CENTRAL journalctl --no-pager -D "$W/central/remote" "$@"; }
central_alerts() { CJ -t alliance-watch -o json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if "ALLIANCE_ALERT" in e: print(e["ALLIANCE_ALERT"])'; }
clinic_alerts() { journalctl --no-pager -D "$W/clinic/pj/journal" -t alliance-watch -o json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if "ALLIANCE_ALERT" in e: print(e["ALLIANCE_ALERT"])'; }
# at_least N CMD...: CMD prints at least N lines
at_least() { local n=$1; shift; [ "$("$@" | wc -l)" -ge "$n" ]; }

# ---------------------------------------------------------------------------------------------
# Refusals: another CA's client certificate, and no client certificate at all
# ---------------------------------------------------------------------------------------------
CLINIC logger --journald <<<$'MESSAGE=forwarding test probe\nSYSLOG_IDENTIFIER=aw-forward-probe'
CLINIC journalctl --sync
CLINIC timeout 20 "$JUPLOAD" --url="$URL" --key="$P/rogue.key" --cert="$P/rogue.pem" --trust="$P/ca.pem" \
  --follow=no --save-state="$W/clinic/rogue.state" >"$W/clinic/rogue.log" 2>&1
rogue_rc=$?
sleep 0.5
if [ "$rogue_rc" != 0 ] && [ -z "$(CJ -t aw-forward-probe 2>/dev/null | grep -v '^-- No entries --')" ]; then
  pass "an uploader with another CA's certificate is refused (exit $rogue_rc; stunnel: '$(grep -m1 'Rejected by CERT' "$W/central/stunnel.log" | sed 's/.*LOG[0-9]\[[0-9]*\]: //')'); nothing stored"
else
  fail "an uploader with another CA's certificate: exit $rogue_rc, central has: $(CJ -t aw-forward-probe 2>&1 | tail -1)"
  indent <"$W/clinic/rogue.log"
fi
code=$(CLINIC curl -s -o /dev/null -w '%{http_code}' --cacert "$P/ca.pem" -X POST \
  -H 'Content-Type: application/vnd.fdo.journal' --data-binary $'MESSAGE=no certificate\nSYSLOG_IDENTIFIER=aw-forward-nocert\n\n' \
  "$URL/upload" 2>"$W/clinic/nocert.err"); curl_rc=$?
if [ "$code" != 200 ] && [ "$code" != 202 ] && [ -z "$(CJ -t aw-forward-nocert 2>/dev/null | grep -v '^-- No entries --')" ]; then
  pass "a client without a certificate is refused (curl exit $curl_rc, HTTP $code: $(grep -m1 'did not return a certificate' "$W/central/stunnel.log" | sed 's/.*routines:://')); nothing stored"
else
  fail "a client without a certificate got HTTP $code"
fi

# ---------------------------------------------------------------------------------------------
# Clinic: the daemon and the uploader
# ---------------------------------------------------------------------------------------------
mkdir -p "$W/clinic/spool" "$W/clinic/state" "$W/records"
cat >"$W/clinic/alliance-watch.toml" <<EOF
[spool]
directory = "$W/clinic/spool"

[state]
path = "$W/clinic/state/state.sqlite"
EOF
"${IN_CLINIC[@]}" "$BINARY" run --config "$W/clinic/alliance-watch.toml" >"$W/clinic/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_until 20 test -d "$W/clinic/spool/incoming" || { fail "alliance-watch run did not start"; indent <"$W/clinic/daemon.log"; exit 1; }

UPLOAD_STARTS=0
# The clinic's /etc/systemd/journal-upload.conf (a bind mount in its mount namespace only); the
# uploader gets no other option but --save-state, as in the packaged unit.
cat >"$W/clinic/journal-upload.conf" <<EOF
[Upload]
URL=$URL
ServerKeyFile=$P/clinic.key
ServerCertificateFile=$P/clinic.pem
TrustedCertificateFile=$P/ca.pem
EOF
CLINIC mount --bind "$W/clinic/journal-upload.conf" /etc/systemd/journal-upload.conf ||
  { fail "bind-mounting the clinic's journal-upload.conf"; exit 1; }
mkdir -p "$W/clinic/upload"; chown "$UPLOAD_UID:$UPLOAD_UID" "$W/clinic/upload"   # StateDirectory=
start_upload() {
  UPLOAD_STARTS=$((UPLOAD_STARTS + 1))
  SYSTEMD_LOG_LEVEL=${FORWARD_UPLOAD_LOG_LEVEL:-info} "${IN_CLINIC[@]}" \
    setpriv --reuid="$UPLOAD_UID" --regid="$UPLOAD_UID" --groups="$JOURNAL_GID" -- \
    "$JUPLOAD" --save-state="$W/clinic/upload/state" >>"$W/clinic/upload.log" 2>&1 &
  UPLOAD_PID=$!
}
start_upload

# Phase 1: a public scenario with a rupture (priority warning) and other alerts.
SCEN=$REPO/Tests/AllianceCoreTests/Scenarios/p03_rupture_rci
cp "$SCEN.jsonl" "$W/records/"
t=$(now)
CLINIC "$BINARY" submit --config "$W/clinic/alliance-watch.toml" "$W/records/p03_rupture_rci.jsonl" >"$W/submit1.log" 2>&1 ||
  { fail "alliance-watch submit p03"; indent <"$W/submit1.log"; }
want1=$(grep -c ALLIANCE_ALERT "$SCEN.expected.jsonl")
wait_until "$TIMEOUT" at_least "$want1" clinic_alerts ||
  fail "clinic: the daemon wrote fewer than $want1 alerts for p03"
have1=$(clinic_alerts | wc -l)
if wait_until "$TIMEOUT" at_least "$want1" central_alerts; then
  pass "$want1 alerts raised on the clinic (p03, $have1 in its journal) arrived centrally in $(since "$t") s"
else
  fail "central has $(CJ -t alliance-watch -o cat 2>/dev/null | wc -l) alliance-watch entries, want $want1"; tail -5 "$W/clinic/upload.log" | indent
  exit 1
fi

# Every ALLIANCE_* field, MESSAGE_ID, MESSAGE and PRIORITY of every clinic alert, centrally.
journalctl --no-pager -D "$W/clinic/pj/journal" -t alliance-watch -o json >"$W/clinic.json" 2>/dev/null
CJ -t alliance-watch -o json >"$W/central.json" 2>/dev/null
cmp_out=$(python3 - "$W/clinic.json" "$W/central.json" <<'PY'
import json, sys
def load(p):
    out = {}
    for line in open(p):
        e = json.loads(line)
        if "ALLIANCE_ALERT" in e:
            out[e["ALLIANCE_ALERT"]] = {k: v for k, v in e.items()
                                        if k.startswith("ALLIANCE_") or k in ("MESSAGE_ID", "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER")}
    return out
clinic, central = load(sys.argv[1]), load(sys.argv[2])
bad = [k for k in clinic if central.get(k) != clinic[k]]
fields = sum(len([f for f in v if f.startswith("ALLIANCE_")]) for v in clinic.values())
names = sorted({f for v in clinic.values() for f in v if f.startswith("ALLIANCE_")})
print(len(clinic), fields, len(bad), " ".join(names), bad[:3])
PY
)
read -r n_alerts n_fields n_bad rest <<<"$cmp_out"
if [ "${n_alerts:-0}" -ge "$want1" ] && [ "$n_bad" = 0 ]; then
  pass "every field identical centrally: $n_alerts alerts, $n_fields ALLIANCE_* values, MESSAGE_ID, MESSAGE, PRIORITY (fields: ${rest%% \[*})"
else
  fail "fields differ centrally: $cmp_out"
fi
rupture=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("ALLIANCE_RULE") == "rupture": print(e["ALLIANCE_CLIENT"], e["ALLIANCE_SESSION"], e["_HOSTNAME"], e["MESSAGE_ID"]); break' "$W/central.json")
read -r r_client r_session r_host r_id <<<"$rupture"
if [ "$r_host" = "$CLINIC_HOST" ] && [ "$r_id" = 20cf6d3cab5541fbae18582f449b638b ]; then
  pass "the rupture alert (client $r_client session $r_session) is stored centrally with _HOSTNAME=$r_host and MESSAGE_ID=$r_id"
else
  fail "no rupture alert centrally with _HOSTNAME=$CLINIC_HOST (got '$rupture')"
fi

# ---------------------------------------------------------------------------------------------
# journalctl -x centrally: nothing before the catalog is installed there, the text after
# ---------------------------------------------------------------------------------------------
subject="Possible alliance rupture"
grep -q "Subject: $subject" "$REPO/systemd/alliance-watch.catalog" || subject=$(awk '/^-- 20cf6d3cab5541fbae18582f449b638b/{getline; sub(/^Subject: /,""); sub(/@.*/,""); print; exit}' "$REPO/systemd/alliance-watch.catalog")
before=$(CJ -x MESSAGE_ID=20cf6d3cab5541fbae18582f449b638b 2>&1 | grep -c '░░ Subject:')
CENTRAL install -m 0644 "$REPO/systemd/alliance-watch.catalog" /usr/lib/systemd/catalog/ &&
  CENTRAL journalctl --update-catalog 2>"$W/central/catalog.log"
explained=$(CJ -x MESSAGE_ID=20cf6d3cab5541fbae18582f449b638b 2>&1)
if [ "$before" = 0 ] && grep -q "░░ Subject: ${subject}" <<<"$explained" && grep -q "░░ Defined-By: alliance-watch" <<<"$explained" &&
   grep -q "$r_client" <<<"$(grep '░░ Subject:' <<<"$explained")" && ! grep -q '░░ Subject: .*@ALLIANCE' <<<"$explained"; then
  pass "journalctl -x -D <central> explains the rupture after install + journalctl --update-catalog there (none before): '$(grep -m1 '░░ Subject:' <<<"$explained" | sed 's/.*Subject: //')'"
else
  fail "journalctl -x centrally (before install: $before subjects)"; tail -12 <<<"$explained" | indent; indent <"$W/central/catalog.log"
fi
[ "$(catalog_sum)" = "$HOST_CATALOG" ] && pass "the host's own catalog database is untouched" || fail "the host's catalog database changed"

# The reading command of docs/ADMIN.md
read_doc=$(CJ -t alliance-watch -p warning _HOSTNAME="$CLINIC_HOST" ALLIANCE_CLINICIAN=T-02 -o json 2>/dev/null | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
print(len(rows), sum(int(r["PRIORITY"]) <= 4 and r["ALLIANCE_CLINICIAN"] == "T-02" for r in rows))')
want_doc=$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if (e := json.loads(l)) and int(e["PRIORITY"]) <= 4 and e.get("ALLIANCE_CLINICIAN") == "T-02"))' "$W/clinic.json")
read -r got_doc ok_doc <<<"$read_doc"
if [ "$got_doc" -ge 1 ] && [ "$got_doc" = "$ok_doc" ] && [ "$got_doc" = "$want_doc" ]; then
  pass "journalctl -D <central> -t alliance-watch -p warning _HOSTNAME=$CLINIC_HOST ALLIANCE_CLINICIAN=T-02: $got_doc alerts, as on the clinic"
else
  fail "documented reading command: $read_doc, clinic has $want_doc"
fi

# Who may read centrally: the files belong to systemd-journal-remote, mode 0640.
READER_UID=61901
REMOTE_GID=$(id -g "$REMOTE_USER")
as_reader() { local groups=$1; shift; setpriv --reuid="$READER_UID" --regid="$READER_UID" $groups -- "$@"; }
member_reads=$(as_reader --groups="$REMOTE_GID" journalctl --no-pager -D "$W/central/remote" -t alliance-watch -o cat --output-fields=ALLIANCE_ALERT 2>&1 | grep -c /)
outsider_reads=$(as_reader --clear-groups journalctl --no-pager -D "$W/central/remote" -t alliance-watch -o cat --output-fields=ALLIANCE_ALERT 2>&1 | grep -c /)
if [ "$member_reads" = "$want1" ] && [ "$outsider_reads" = 0 ]; then
  pass "a reader in the group $REMOTE_USER sees the $want1 alerts centrally; a reader outside it sees none ($(stat -c '%A %U:%G' "$W"/central/remote/*.journal | head -1))"
else
  fail "central readers: a group member sees $member_reads alerts (want $want1), an outsider $outsider_reads (want 0)"
fi

# ---------------------------------------------------------------------------------------------
# Interruption: the central server stops while the uploader is connected; alerts raised on the
# clinic meanwhile; the server comes back; the upload resumes from its --save-state cursor.
# ---------------------------------------------------------------------------------------------
# gen FILE PREFIX COUNT: COUNT first sessions with SRS 30 (each raises one below-cutoff alert)
gen() { python3 - "$@" <<'PY'
import json, sys
path, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path, "w") as f:
    for i in range(count):
        f.write(json.dumps({"schema": 1, "client": f"{prefix}{i:03d}", "clinician": "T-09", "session": 1,
                            "date": "2026-02-02", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}}) + "\n")
PY
}
DOWN=300
gen "$W/records/down.jsonl" c7:E- "$DOWN"
# Wait until the uploader has acknowledged everything so far (its state file names the
# clinic's last entry), so that the stop falls between two uploads.
last_cursor() { journalctl --no-pager -D "$W/clinic/pj/journal" -n 1 --show-cursor -q -o cat 2>/dev/null | sed -n 's/^-- cursor: //p'; }
state_cursor() { sed -n 's/^LAST_CURSOR=//p' "$W/clinic/upload/state" 2>/dev/null; }
caught_up() { [ -n "$(state_cursor)" ] && [ "$(state_cursor)" = "$(last_cursor)" ]; }
wait_until "$TIMEOUT" caught_up || fail "the uploader's state file did not reach the clinic's last entry"
t=$(now)
ss_est=$(CLINIC ss -Htn state established "dst $CENTRAL_IP:$PORT" | wc -l)
at_stop=$(central_alerts | wc -l)
stop_remote
if listening "$PORT" || listening "$INNER_PORT"; then fail "central: something still listens after the stop"; fi
CLINIC "$BINARY" submit --config "$W/clinic/alliance-watch.toml" "$W/records/down.jsonl" >"$W/submit2.log" 2>&1 ||
  { fail "alliance-watch submit down.jsonl"; indent <"$W/submit2.log"; }
want_all=$((want1 + DOWN))
wait_until "$TIMEOUT" at_least "$want_all" clinic_alerts || fail "clinic: fewer than $want_all alerts in its journal"
# The uploader notices at its next upload: systemd-journal-upload exits when the server
# cannot be reached (the packaged unit restarts it: Restart=on-failure).
wait_until 10 sh -c "! kill -0 $UPLOAD_PID 2>/dev/null"
if ! kill -0 "$UPLOAD_PID" 2>/dev/null; then
  wait "$UPLOAD_PID" 2>/dev/null; up_rc=$?
  pass "central stopped ($ss_est upload connection open, $at_stop alerts stored); $DOWN alerts raised meanwhile; the uploader exited ($up_rc): '$(grep '^Upload to' "$W/clinic/upload.log" | tail -1 | cut -c1-100)'"
else
  fail "the uploader neither delivered nor exited while the central server was down"
fi
RESUMED_FROM=("$(state_cursor)")

start_remote || { fail "the central server did not start again"; indent <"$W/central/remote.log"; exit 1; }
# Restart=on-failure, as systemd would do it.
kill -0 "$UPLOAD_PID" 2>/dev/null || start_upload
if wait_until "$TIMEOUT" at_least "$want_all" central_alerts; then
  pass "central back: the upload resumed from --save-state; all $want_all alerts centrally $(since "$t") s after the stop"
else
  fail "after the restart central has $(central_alerts | wc -l) of $want_all alerts"; tail -5 "$W/clinic/upload.log" | indent
fi
wait_until 10 caught_up
clinic_alerts | sort >"$W/clinic.keys"
central_alerts | sort >"$W/central.keys"
missing=$(comm -23 <(sort -u "$W/clinic.keys") <(sort -u "$W/central.keys") | wc -l)
extra=$(comm -13 <(sort -u "$W/clinic.keys") <(sort -u "$W/central.keys") | wc -l)
distinct=$(sort -u "$W/central.keys" | wc -l)
# docs/ADMIN.md's count of distinct alerts
distinct_doc=$(CJ -t alliance-watch -o cat --output-fields=ALLIANCE_ALERT | sort -u | wc -l)
if [ "$missing" = 0 ] && [ "$extra" = 0 ] && [ "$distinct" = "$want_all" ] && [ "$distinct_doc" = "$want_all" ] && [ -z "$(uniq -d "$W/clinic.keys")" ]; then
  pass "nothing missing: each of the clinic's $want_all ALLIANCE_ALERT keys is stored centrally (-o cat --output-fields=ALLIANCE_ALERT | sort -u: $distinct_doc)"
else
  fail "ALLIANCE_ALERT keys: $distinct distinct centrally of $want_all (documented count: $distinct_doc); missing $missing, extra $extra"
fi
# Doubles: systemd-journal-upload (252) sends the entry at its saved cursor again when it starts
# from --save-state, so each restart may store one entry twice. Anything else doubled is a
# failure; and de-duplicating by ALLIANCE_ALERT (docs/ADMIN.md) gives each alert exactly once.
CJ -o json >"$W/central-all.json" 2>/dev/null
dup_out=$(python3 - "$W/central-all.json" "${RESUMED_FROM[@]}" <<'PY'
import collections, json, sys
count = collections.Counter()
alert = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    key = (int(e["__REALTIME_TIMESTAMP"]), int(e["__MONOTONIC_TIMESTAMP"]))
    count[key] += 1
    alert[key] = e.get("ALLIANCE_ALERT", "-")
def stamp(cursor):
    parts = dict(p.split("=", 1) for p in cursor.split(";"))
    return (int(parts["t"], 16), int(parts["m"], 16))
resumed = {stamp(c) for c in sys.argv[2:] if c}
doubled = {k for k, n in count.items() if n > 1}
worse = {k for k, n in count.items() if n > 2}
print(len(doubled), len(doubled - resumed), len(worse), sum(count.values()), " ".join(alert[k] for k in sorted(doubled)) or "-")
PY
)
read -r n_doubled n_unexplained n_worse n_entries doubled_keys <<<"$dup_out"
if [ "$n_unexplained" = 0 ] && [ "$n_worse" = 0 ] && [ "$n_doubled" -le "${#RESUMED_FROM[@]}" ]; then
  pass "doubled centrally: $n_doubled of $n_entries entries, only the one at the uploader's saved cursor (${doubled_keys}); by ALLIANCE_ALERT every key exactly once"
else
  fail "doubled centrally: $n_doubled entries ($n_unexplained not at a resume cursor, $n_worse more than twice): $doubled_keys"
fi

# ---------------------------------------------------------------------------------------------
# Interrupted in the middle of an upload: stop the central server while a burst of alerts is
# streaming. journal-remote stores entries as they arrive, but the uploader saves its cursor
# only when a whole upload is acknowledged, so the part of the interrupted upload that was
# stored is sent again. Allowed doubles: those entries and the one at each resume cursor.
# ---------------------------------------------------------------------------------------------
BURST=${FORWARD_BURST:-3000}
gen "$W/records/burst.jsonl" c7:F- "$BURST"
burst_central() { CJ -t alliance-watch -o cat --output-fields=ALLIANCE_CLIENT 2>/dev/null | grep -c '^c7:F-'; }
t=$(now)
CLINIC "$BINARY" submit --config "$W/clinic/alliance-watch.toml" "$W/records/burst.jsonl" >"$W/submit3.log" 2>&1 ||
  { fail "alliance-watch submit burst.jsonl"; indent <"$W/submit3.log"; }
end=$(( $(date +%s) + TIMEOUT ))
until [ "$(burst_central)" -ge 1 ] || [ "$(date +%s)" -ge "$end" ]; do sleep 0.02; done
stop_remote
CJ -o json >"$W/central-at-stop.json" 2>/dev/null
stored_at_stop=$(burst_central)
want_all=$((want_all + BURST))
wait_until "$TIMEOUT" at_least "$want_all" clinic_alerts || fail "clinic: fewer than $want_all alerts in its journal"
wait_until 10 sh -c "! kill -0 $UPLOAD_PID 2>/dev/null"
kill -0 "$UPLOAD_PID" 2>/dev/null || { wait "$UPLOAD_PID" 2>/dev/null; }
RESUMED_FROM+=("$(state_cursor)")
start_remote || { fail "the central server did not start again"; indent <"$W/central/remote.log"; exit 1; }
kill -0 "$UPLOAD_PID" 2>/dev/null || start_upload
if wait_until "$TIMEOUT" at_least "$want_all" central_alerts; then
  mid=$([ "$stored_at_stop" -lt "$BURST" ] && echo "in the middle of the upload" || echo "after the upload (not in the middle)")
  pass "central stopped $mid: $stored_at_stop of $BURST burst alerts stored; after the restart all $want_all alerts centrally $(since "$t") s after the burst began"
else
  fail "after the second restart central has $(central_alerts | wc -l) of $want_all alerts"; tail -5 "$W/clinic/upload.log" | indent
fi
wait_until 10 caught_up
clinic_alerts | sort >"$W/clinic.keys"
central_alerts | sort >"$W/central.keys"
missing=$(comm -23 <(sort -u "$W/clinic.keys") <(sort -u "$W/central.keys") | wc -l)
distinct_doc=$(CJ -t alliance-watch -o cat --output-fields=ALLIANCE_ALERT | sort -u | wc -l)
if [ "$missing" = 0 ] && [ "$distinct_doc" = "$want_all" ]; then
  pass "nothing missing after the interrupted upload: $distinct_doc distinct ALLIANCE_ALERT keys centrally, as on the clinic"
else
  fail "after the interrupted upload: $missing alerts missing, $distinct_doc distinct centrally (want $want_all)"
fi
journalctl --no-pager -D "$W/clinic/pj/journal" -o json >"$W/clinic-all.json" 2>/dev/null
CJ -o json >"$W/central-all.json" 2>/dev/null
dup_out=$(python3 - "$W/clinic-all.json" "$W/central-at-stop.json" "$W/central-all.json" "${RESUMED_FROM[@]}" <<'PY'
import collections, json, sys
def stamp(e): return (int(e["__REALTIME_TIMESTAMP"]), int(e["__MONOTONIC_TIMESTAMP"]))
def parse(cursor): return dict(p.split("=", 1) for p in cursor.split(";"))
clinic = [json.loads(l) for l in open(sys.argv[1])]
at_stop = {stamp(json.loads(l)) for l in open(sys.argv[2])}
count = collections.Counter(stamp(json.loads(l)) for l in open(sys.argv[3]))
cursors = [parse(c) for c in sys.argv[4:] if c]
resumed = {(int(c["t"], 16), int(c["m"], 16)) for c in cursors}
last_resume_seq = int(cursors[-1]["i"], 16)
# the interrupted upload: entries after the last resume cursor that central had stored at the stop
interrupted = {stamp(e) for e in clinic if int(parse(e["__CURSOR"])["i"], 16) > last_resume_seq and stamp(e) in at_stop}
doubled = {k for k, n in count.items() if n > 1}
print(len(doubled), len(doubled - resumed - interrupted), sum(1 for n in count.values() if n > 2),
      len(doubled & interrupted), len(interrupted), sum(count.values()))
PY
)
read -r n_doubled n_unexplained n_worse n_from_interrupted n_interrupted n_entries <<<"$dup_out"
if [ "$n_unexplained" = 0 ] && [ "$n_worse" = 0 ]; then
  pass "doubled centrally: $n_doubled of $n_entries entries, all explained: $n_from_interrupted of the $n_interrupted stored from the interrupted upload, the rest at the uploader's resume cursors"
else
  fail "doubled centrally: $n_doubled entries, $n_unexplained unexplained, $n_worse more than twice"
fi
