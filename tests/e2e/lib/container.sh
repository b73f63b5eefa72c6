# shellcheck shell=bash
# Boots systemd as PID 1 in a systemd-nspawn container made from the host's own /usr
# (--volatile=yes: / is a tmpfs, /usr is the host's), with the staged install overlaid on
# /usr. Recipe and fixes from shared/research/systemd-testing.md §2:
#  - nspawn runs in a private mount namespace with a tmpfs /run (the host /run is on disk
#    and nspawn refuses to rm -rf its propagate dir there; also keeps the host /run clean);
#  - a private cgroup subtree, removed at teardown, so nspawn never touches the root cgroup;
#  - --register=no --keep-unit (no system bus on the host);
#  - systemd.mask=systemd-firstboot.service (an empty /etc would leave the system degraded);
#  - --private-network (PrivateNetwork=yes units need it to set up loopback);
#  - the container's PID 1 is found with pgrep -P <nspawn pid>, never pgrep -f.
# Usage: container_boot NAME STAGE_DIR LOG [extra nspawn args...]; then C CMD... runs CMD
# inside; container_teardown is idempotent (call it from an EXIT trap).

container_boot() {
  CT_NAME=$1 CT_STAGE=$2 CT_LOG=$3; shift 3
  CT_CGROUP=e2e-$CT_NAME
  local h
  for h in systemd unified; do mkdir -p "/sys/fs/cgroup/$h/$CT_CGROUP"; done
  local args=(-q -D / --volatile=yes --register=no --keep-unit -M "$CT_NAME"
              --private-network --console=pipe
              "--overlay-ro=/usr:$CT_STAGE/usr:/usr" "$@"
              -b -- systemd.mask=systemd-firstboot.service)
  # setsid -> bash -> unshare -> bash -> nspawn are all exec: CT_SPAWN ends up = nspawn.
  setsid bash -c '
    cg=$1; shift
    for h in systemd unified; do echo $$ > /sys/fs/cgroup/$h/$cg/cgroup.procs; done
    exec unshare --mount --propagation private -- bash -c "
      mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/systemd && exec systemd-nspawn \"\$@\"
    " bash "$@"
  ' bash "$CT_CGROUP" "${args[@]}" </dev/null >"$CT_LOG" 2>&1 &
  CT_SPAWN=$!
  CT_PID1=
  local i
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

C() { nsenter -t "$CT_PID1" -a "$@"; }

container_teardown() {
  [ -n "${CT_SPAWN:-}" ] || return 0
  if [ -n "${CT_PID1:-}" ]; then C systemctl poweroff 2>/dev/null || kill -TERM "$CT_SPAWN" 2>/dev/null || true
  else kill -TERM "$CT_SPAWN" 2>/dev/null || true; fi
  local i
  for i in $(seq 500); do kill -0 "$CT_SPAWN" 2>/dev/null || break; sleep 0.02; done
  kill -0 "$CT_SPAWN" 2>/dev/null && kill -KILL "$CT_SPAWN" 2>/dev/null
  wait "$CT_SPAWN" 2>/dev/null || true
  local h
  for h in systemd unified; do
    [ -d "/sys/fs/cgroup/$h/$CT_CGROUP" ] &&
      find "/sys/fs/cgroup/$h/$CT_CGROUP" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  CT_SPAWN= CT_PID1=
  return 0
}
