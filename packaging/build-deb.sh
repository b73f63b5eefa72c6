#!/bin/bash
# Builds OUTDIR/alliance-watch_<VERSION>-<DEB_REVISION>_<arch>.deb (`make deb`).
#
# The files are what `make install DESTDIR=<stage>` stages (binary, unit, sysusers.d,
# tmpfiles.d, catalog, docs, configuration, and man pages and completions when the install
# has them); packaging/debian/ adds the control data. Runs without root: dpkg-deb
# --root-owner-group makes every file root's.
#
#   VERSION (repository root)  the upstream version, the one place it is written; the binary
#                              must report it (`alliance-watch --version`) or the build stops
#   DEB_REVISION (default 1)   the Debian revision: a package of the same upstream version
#                              with other packaging (the upgrade test builds revision 2)
#
# Usage: packaging/build-deb.sh BINARY OUTDIR
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DEBIAN=$REPO/packaging/debian
die() { echo "build-deb: $*" >&2; exit 1; }

[ $# = 2 ] || die "usage: $0 BINARY OUTDIR"
BINARY=$(realpath "$1") OUT=$2
for tool in dpkg-deb dpkg-shlibdeps dpkg-parsechangelog strip chrpath gzip md5sum; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (scripts/install-deps.sh installs it)"
done

VERSION=$(tr -d '[:space:]' <"$REPO/VERSION")
[[ $VERSION =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || die "VERSION '$VERSION' is not a Debian upstream version"
DEB_REVISION=${DEB_REVISION:-1}
[[ $DEB_REVISION =~ ^[0-9A-Za-z.+~]+$ ]] || die "DEB_REVISION '$DEB_REVISION' is not a Debian revision"
DEB_VERSION=$VERSION-$DEB_REVISION
ARCH=$(dpkg --print-architecture)

[ -x "$BINARY" ] || die "$BINARY is missing: run 'make release' first"
reported=$("$BINARY" --version 2>&1) || die "'$BINARY --version' failed: $reported"
[ "$reported" = "$VERSION" ] ||
  die "'$BINARY --version' says '$reported', VERSION says '$VERSION': change the version: line in Sources/alliance-watch/AllianceWatch.swift with VERSION, then make release"

work=$(mktemp -d "${TMPDIR:-/tmp}/alliance-watch-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
umask 022

# The files, exactly as `make install` stages them.
make -C "$REPO" -s --no-print-directory install DESTDIR="$root" BINARY="$BINARY" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; die "make install DESTDIR=<stage> failed"; }

# What dh_strip does, and no RUNPATH: the Swift runtime is linked in, $ORIGIN finds nothing.
bin=$root/usr/bin/alliance-watch
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$bin"
if chrpath -l "$bin" >/dev/null 2>&1; then chrpath -d "$bin" >/dev/null; fi
"$bin" --version >/dev/null || die "the stripped binary does not run"

# Man pages compressed, as dh_compress does (the documents stay plain: the unit and the
# catalog name /usr/share/doc/alliance-watch/ADMIN.md and RULES.md).
if [ -d "$root/usr/share/man" ]; then
  find "$root/usr/share/man" -type f ! -name '*.gz' -exec gzip -9n {} +
fi

# Debian's documentation: copyright, and the packaging changelog. A revision with no entry
# of its own (a local or test build) gets a generated one on top, so the package's changelog
# always names its version.
doc=$root/usr/share/doc/alliance-watch
install -d -m 0755 "$doc"
install -m 0644 "$DEBIAN/copyright" "$doc/copyright"
changelog=$work/changelog
top=$(dpkg-parsechangelog -l "$DEBIAN/changelog" -S Version)
if [ "$top" = "$DEB_VERSION" ]; then
  cp "$DEBIAN/changelog" "$changelog"
else
  echo "build-deb: packaging/debian/changelog has no entry for $DEB_VERSION (top: $top); adding a generated one" >&2
  maintainer=$(dpkg-parsechangelog -l "$DEBIAN/changelog" -S Maintainer)
  date=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
  printf 'alliance-watch (%s) UNRELEASED; urgency=medium\n\n  * Build of %s as Debian revision %s (DEB_REVISION=%s).\n\n -- %s  %s\n\n' \
    "$DEB_VERSION" "$VERSION" "$DEB_REVISION" "$DEB_REVISION" "$maintainer" "$date" >"$changelog"
  cat "$DEBIAN/changelog" >>"$changelog"
fi
gzip -9n <"$changelog" >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"

# Control data.
install -d -m 0755 "$root/DEBIAN"
while read -r conffile; do
  [ -z "$conffile" ] || [ -f "$root$conffile" ] || die "conffile $conffile is not in the staged install"
done <"$DEBIAN/conffiles"
install -m 0644 "$DEBIAN/conffiles" "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "$DEBIAN/$script" "$root/DEBIAN/$script"; done
(cd "$root" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

# The shared libraries the binary needs, with the versions dpkg-shlibdeps reads from the
# system's symbols files; systemd for the unit and for systemd-sysusers/-tmpfiles in postinst.
mkdir -p "$work/src/debian"
printf 'Source: alliance-watch\n\nPackage: alliance-watch\nArchitecture: any\n' >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e"$bin" 2>"$work/shlibdeps.log") ||
  { cat "$work/shlibdeps.log" >&2; die "dpkg-shlibdeps failed"; }
shlibs=${shlibs#shlibs:Depends=}
[ -n "$shlibs" ] || die "dpkg-shlibdeps found no dependencies"
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$DEB_VERSION|" -e "s|@ARCH@|$ARCH|" -e "s|@INSTALLED_SIZE@|$installed_size|" \
    -e "s|@DEPENDS@|$shlibs, systemd|" "$DEBIAN/control" >"$root/DEBIAN/control"

# Same inputs, same archive: file times no later than the last commit (or SOURCE_DATE_EPOCH).
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)}
find "$root" -newermt "@$epoch" -exec touch -h -d "@$epoch" {} +

mkdir -p "$OUT"
deb=$OUT/alliance-watch_${DEB_VERSION}_$ARCH.deb
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb ($(du -h "$deb" | cut -f1), installed $((installed_size / 1024)) MiB; Depends: $shlibs, systemd)"
