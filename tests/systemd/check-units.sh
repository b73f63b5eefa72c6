#!/bin/bash
# Static checks of the systemd files as `make install` lays them out, without booting anything:
#   1. systemd-analyze verify of the installed unit: exit 0 AND no output (v252 exits 0 on
#      unknown keys and bad values, it only prints them);
#   2. systemd-analyze security --offline=true: exposure at most SECURITY_THRESHOLD tenths;
#   3. sysusers.d + tmpfiles.d applied to a scratch root give the spool owners and modes;
#   4. the catalog compiles and holds exactly the MESSAGE_IDs of SPEC §6.1 and §6.3.
# verify and security run in a private mount namespace (staged files overlaid on the real
# tree, a tmpfs on /run/systemd) and, as root, as nobody: run as root they would otherwise
# touch the host's /run/systemd/systemd-units-load.
# Usage: tests/systemd/check-units.sh   (env: PREFIX, BINARY, SECURITY_THRESHOLD)
set -euo pipefail
cd "$(dirname "$0")/../.."
PREFIX=${PREFIX:-/usr}
BINARY=${BINARY:-.build/release/alliance-watch}
THRESHOLD=${SECURITY_THRESHOLD:-10}

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
skip() { skipped=$((skipped + 1)); echo "skip $*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
make -s --no-print-directory install-units DESTDIR="$stage" PREFIX="$PREFIX" >/dev/null
# verify needs an executable at ExecStart=; a stub stands in when no release build exists.
mkdir -p "$stage$PREFIX/bin"
if [ -x "$BINARY" ]; then
  install -m 0755 "$BINARY" "$stage$PREFIX/bin/alliance-watch"
else
  printf '#!/bin/sh\nexit 0\n' > "$stage$PREFIX/bin/alliance-watch"
  chmod 0755 "$stage$PREFIX/bin/alliance-watch"
fi
chmod -R a+rX "$work"
unit=$PREFIX/lib/systemd/system/alliance-watch.service

# The staged tree is overlaid on the top-level directory that holds PREFIX (/usr usually).
top=/$(echo "${PREFIX#/}" | cut -d/ -f1)
in_namespace() {  # CMD... in a private mount namespace with the staged files in place
  local setup="mount -t overlay overlay -o lowerdir=$stage$top:$top $top && mount -t tmpfs tmpfs /run/systemd"
  if [ "$(id -u)" = 0 ]; then
    unshare --mount --propagation private -- bash -c "$setup && exec setpriv --reuid=65534 --regid=65534 --clear-groups \"\$@\"" bash "$@"
  else
    unshare --map-root-user --mount --propagation private -- bash -c "$setup && exec \"\$@\"" bash "$@"
  fi
}

# 1. verify
set +e
out=$(in_namespace systemd-analyze verify --man=no "$unit" 2>&1); rc=$?
set -e
if [ "$rc" = 0 ] && [ -z "$out" ]; then
  pass "systemd-analyze verify $unit: rc 0, no output"
else
  fail "systemd-analyze verify $unit: rc $rc"; printf '%s\n' "$out" | sed 's/^/     /'
fi

# 2. security
set +e
out=$(in_namespace systemd-analyze security --offline=true --threshold="$THRESHOLD" "$unit" 2>&1); rc=$?
set -e
overall=$(printf '%s\n' "$out" | grep 'Overall exposure level' || true)
if [ "$rc" = 0 ] && [ -n "$overall" ]; then
  pass "systemd-analyze security --offline=true --threshold=$THRESHOLD: ${overall#*: }"
else
  fail "systemd-analyze security --offline=true --threshold=$THRESHOLD: rc $rc ${overall#*: }"
fi
printf '%s\n' "$out" | grep '✗' | sed 's/  */ /g; s/^/     /' || true

# 3. sysusers + tmpfiles in a scratch root (chown needs root)
root=$work/root
if [ "$(id -u)" != 0 ]; then
  skip "sysusers.d + tmpfiles.d: needs root to chown in a scratch root"
else
  mkdir -p "$root/etc" "$root/var/spool" "$root/var/lib"
  touch "$root/etc/passwd" "$root/etc/group" "$root/etc/shadow" "$root/etc/gshadow"
  if out=$( { systemd-sysusers --root="$root" "$stage$PREFIX/lib/sysusers.d/alliance-watch.conf" \
     && systemd-tmpfiles --root="$root" --create "$stage$PREFIX/lib/tmpfiles.d/alliance-watch.conf"; } 2>&1); then
    want="alliance-watch:alliance-watch-submit:750:/var/spool/alliance-watch
alliance-watch:alliance-watch-submit:3770:/var/spool/alliance-watch/tmp
alliance-watch:alliance-watch-submit:3770:/var/spool/alliance-watch/incoming
alliance-watch:alliance-watch:700:/var/spool/alliance-watch/processed
alliance-watch:alliance-watch:700:/var/spool/alliance-watch/rejected
root:root:755:/etc/alliance-watch
alliance-watch:alliance-watch-read:2750:/var/lib/alliance-watch"
    got=$(for d in /var/spool/alliance-watch /var/spool/alliance-watch/{tmp,incoming,processed,rejected} /etc/alliance-watch /var/lib/alliance-watch; do
            uid=$(stat -c %u "$root$d"); gid=$(stat -c %g "$root$d")
            user=$(awk -F: -v i="$uid" '$3==i{print $1}' "$root/etc/passwd"); [ "$uid" = 0 ] && user=root
            group=$(awk -F: -v i="$gid" '$3==i{print $1}' "$root/etc/group"); [ "$gid" = 0 ] && group=root
            echo "$user:$group:$(stat -c %a "$root$d"):$d"
          done)
    if [ "$got" = "$want" ]; then
      pass "sysusers.d + tmpfiles.d: spool owners and modes as designed"
    else
      fail "sysusers.d + tmpfiles.d: owners and modes differ"; diff <(echo "$want") <(echo "$got") | sed 's/^/     /' || true
    fi
    grep -q '^alliance-watch:[^:]*:[0-9]*:[0-9]*:[^:]*:[^:]*:/usr/sbin/nologin$' "$root/etc/passwd" \
      && pass "sysusers.d: alliance-watch is a system user without a login shell" \
      || fail "sysusers.d: alliance-watch user: $(grep '^alliance-watch:' "$root/etc/passwd")"
  else
    fail "systemd-sysusers/systemd-tmpfiles --root failed"; printf '%s\n' "$out" | sed 's/^/     /'
  fi
fi

# 4. catalog
spec_ids="8a6ee9858e1c4b449ca424fa7033c4f4 95f20c38888648f882ba1e58c1877c05 20cf6d3cab5541fbae18582f449b638b
3baf484ad0a34bce96ad31551b7bcb2e 971e188d48ad4e8599ed0b62a50b662f 82393c447d3543278f9ec2e557bf610d
28a415cc1b0549129f9a26a87e15b856 5d1d6ee8716e44daa990ee5ac9b88c4c df17ecc71e0640a3b716d9043f56e5f2
19d0ed598ba141d296880ffb5a5fce20 4e812fbac60545b7ad7e8b4eb3e504ec 5f62c772c32d4b0799fcb1e0627547a9
6fc4e759a1114991b1615685c5fc0ae9 e50272a6dca74db7818a0634f2dca0ea 11e3ed4acb8a4989a42f7245074188f0
ac1c42b8a58943a082ce1725d8095ba6 29fc38056cf34cd9a8d8bcb205cc1c08 aa23ef707b8a47588b511672276b9bba
524b8d1523b844198fbac38c08d5b022 7350b197da2d4d6eb69ae7196a538bae aca2fb3e2b9645c98e1edb218583f52f
050b26cf5e7c40f69ddae92d35992a5a 39eda80e95564e4bad54ab37437ec764"
spec_count=$(echo $spec_ids | wc -w)
croot=$work/catalog-root
mkdir -p "$croot/usr/lib/systemd/catalog"
cp "$stage$PREFIX/lib/systemd/catalog/alliance-watch.catalog" "$croot/usr/lib/systemd/catalog/"
if out=$(journalctl --root="$croot" --update-catalog 2>&1) && [ -z "$out" ]; then
  listed=$(journalctl --root="$croot" --list-catalog | awk '$2 == "alliance-watch:" {print $1}' | sort)
  if [ "$listed" = "$(echo $spec_ids | tr ' ' '\n' | sort)" ]; then
    pass "catalog: compiles, the $spec_count MESSAGE_IDs of SPEC §6.1/§6.3 and no others"
  else
    fail "catalog: ids differ from SPEC"; diff <(echo $spec_ids | tr ' ' '\n' | sort) <(echo "$listed") | sed 's/^/     /' || true
  fi
else
  fail "catalog: journalctl --update-catalog: $out"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
