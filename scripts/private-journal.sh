#!/bin/bash
# Usage: private-journal.sh WORKDIR CMD...   (run as root)
#
# Runs CMD inside a private mount namespace with its own systemd-journald, so that tests
# never depend on (or write to) a journald of the host. Recipe: shared/research/systemd-testing.md §1.2.
# The journal files land in WORKDIR/journal/<machine-id>/ and can be read from the host
# during or after the run with:  journalctl -D WORKDIR/journal -o json
# The exit status is CMD's. Inside, `journalctl --sync` reaches the private journald.
# JOURNAL_RATELIMIT_BURST=10000 restores journald's default burst (default here: 0 = off).
# PRIVATE_JOURNAL_START_WHEN=FILE runs CMD at once but starts journald only when FILE exists
# (checked every 20 ms): until then the namespace has no journal socket, as on a host whose
# journald is not up yet. Tests of a daemon that must notice journald appearing use it.
#
# Unlike the recipe, the mount points need not exist on the host: when /run/systemd/journal or
# /run/log/journal is missing (no journald was ever started, as on the build machines), a tmpfs
# over its parent provides it inside the namespace only, so the host's /run is never written.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 WORKDIR CMD..." >&2; exit 2; fi
W=$(realpath -m "$1"); shift
mkdir -p "$W/journal" "$W/sock" "$W/var"
cat > "$W/journald.conf" <<CONF
[Journal]
Storage=volatile
ReadKMsg=no
Audit=no
ForwardToSyslog=no
ForwardToWall=no
RateLimitBurst=${JOURNAL_RATELIMIT_BURST:-0}
SyncIntervalSec=1s
CONF
export W
exec unshare --mount --propagation private -- bash -c '
  set -e
  # bind SOURCE over TARGET; a missing TARGET is made on a tmpfs over its parent (this ns only)
  private_bind() {
    if [ ! -d "$2" ]; then
      parent=$(dirname "$2")
      [ -d "$parent" ] || { echo "private-journal.sh: neither $2 nor $parent exists" >&2; exit 1; }
      mount -t tmpfs -o mode=0755 tmpfs "$parent"
      mkdir -p "$2"
    fi
    mount --bind "$1" "$2"
  }
  private_bind "$W/sock"    /run/systemd/journal      # hides host sockets (this ns only)
  private_bind "$W/journal" /run/log/journal          # journal files -> WORKDIR
  private_bind "$W/var"     /var/log/journal          # never touch the host persistent journal
  mount --bind "$W/journald.conf" /etc/systemd/journald.conf
  if [ -n "${PRIVATE_JOURNAL_START_WHEN:-}" ]; then
    ( while [ ! -e "$PRIVATE_JOURNAL_START_WHEN" ]; do sleep 0.02; done
      exec /lib/systemd/systemd-journald </dev/null >"$W/journald.out" 2>&1 ) &
    JPID=$!
  else
    /lib/systemd/systemd-journald </dev/null >"$W/journald.out" 2>&1 &
    JPID=$!
    for i in $(seq 200); do [ -S /run/systemd/journal/socket ] && break; sleep 0.01; done
    [ -S /run/systemd/journal/socket ] || { echo "private-journal.sh: journald did not start:" >&2; cat "$W/journald.out" >&2; exit 1; }
  fi
  trap "journalctl --sync 2>/dev/null || true; kill $JPID; wait $JPID 2>/dev/null || true" EXIT
  "$@"
' bash "$@"
