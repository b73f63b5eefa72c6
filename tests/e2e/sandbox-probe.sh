#!/bin/bash
# Runs as ExecStart= of alliance-watch-probe.service, a copy of the installed
# alliance-watch.service with the same user and sandbox (run.sh makes it). Prints one
# "ok|FAIL what" line per probe and exits 1 if any probe failed.
# $1: a spool file that a submitter made readable to its group only (0640).
failed=0
ok()   { echo "ok   $*"; }
bad()  { echo "FAIL $*"; failed=1; }
can_write()    { if (echo probe > "$1") 2>/dev/null; then rm -f "$1"; ok "can write $1"; else bad "cannot write $1"; fi; }
cannot_write() { if (echo probe > "$1") 2>/dev/null; then rm -f "$1"; bad "could write $1"; else ok "cannot write $1"; fi; }

[ "$(id -un)" = alliance-watch ] && ok "runs as alliance-watch" || bad "runs as $(id -un)"
for d in tmp incoming processed rejected; do can_write "/var/spool/alliance-watch/$d/.e2e-probe"; done
can_write /var/lib/alliance-watch/.e2e-probe
[ "$(stat -c %a /var/lib/alliance-watch)" = 2750 ] && ok "state directory is 2750" || bad "state directory is $(stat -c %a /var/lib/alliance-watch)"
for p in /etc/.e2e-probe /etc/alliance-watch/.e2e-probe /usr/.e2e-probe /var/lib/.e2e-probe \
         /var/spool/.e2e-probe /var/log/.e2e-probe /opt/.e2e-probe /run/.e2e-probe /.e2e-probe; do
  cannot_write "$p"
done
ls /root >/dev/null 2>&1 && bad "can list /root" || ok "cannot list /root (ProtectHome)"
if cat "$1" >/dev/null 2>&1; then ok "can read a group-readable submitted file ($(stat -c '%U:%G %a' "$1"))"
else bad "cannot read the group-readable submitted file $1 ($(stat -c '%U:%G %a' "$1"))"; fi
(exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null && bad "could open an AF_INET socket" || ok "cannot open an AF_INET socket"
[ -e /proc/1/cmdline ] && bad "sees PID 1 in /proc" || ok "cannot see other processes in /proc"
if out=$(/usr/bin/alliance-watch --help 2>&1); then ok "the installed binary runs under the sandbox (--help)"
else bad "the installed binary fails under the sandbox: $(echo "$out" | tail -1)"; fi
exit $failed
