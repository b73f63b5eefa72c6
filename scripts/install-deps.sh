#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages alliance-watch needs to build and test, when missing.
# Used by `make run`, `make test` and CI; safe to run again.
set -euo pipefail
packages=(libsystemd-dev libsqlite3-dev pkg-config systemd systemd-container util-linux python3 sqlite3 procps
  systemd-journal-remote openssl iproute2 stunnel4 curl
  mandoc man-db groff-base bash-completion)
# make deb and tests/deb: dpkg-shlibdeps, lintian, chrpath (RUNPATH removal), strip and objdump.
packages+=(dpkg-dev lintian chrpath binutils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install Swift 6.3 (https://swift.org/install/linux)" >&2; exit 1; }
