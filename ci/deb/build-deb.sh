#!/bin/sh
# Builds the Debian package of reconciler with dpkg-deb from the built
# binary and the generated docs (build/gen-docs, `make docs`):
#
#   sh ci/deb/build-deb.sh BIN DOCS_DIR OUT_DIR
#
# /usr/bin/reconciler, the man page, the bash and zsh completions, README,
# examples and the copyright under /usr/share/doc/reconciler. Depends is
# computed by dpkg-shlibdeps from the libraries the binary links. Prints
# the path of the .deb it wrote.
set -eu
BIN=$1
DOCS=$2
OUT=$3
ROOT_SRC=$(cd "$(dirname "$0")/../.." && pwd)
PKG=reconciler
VERSION=$("$BIN" version | awk '{print $2}')
ARCH=$(dpkg --print-architecture)
MAINTAINER=${DEB_MAINTAINER:-reconciler maintainers <reconciler-maintainers@users.noreply.github.com>}
# Reproducible: the time of the last commit when there is one.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$ROOT_SRC" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
STAGE=$OUT/stage
rm -rf "$STAGE"
umask 022
DOC=$STAGE/usr/share/doc/$PKG
mkdir -p "$STAGE/DEBIAN" "$STAGE/usr/bin" "$STAGE/usr/share/man/man1" \
	"$STAGE/usr/share/bash-completion/completions" "$STAGE/usr/share/zsh/vendor-completions" "$DOC"

install -m 0755 "$BIN" "$STAGE/usr/bin/$PKG"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$STAGE/usr/bin/$PKG"
gzip -9n <"$DOCS/reconciler.1" >"$STAGE/usr/share/man/man1/$PKG.1.gz"
install -m 0644 "$DOCS/reconciler.bash" "$STAGE/usr/share/bash-completion/completions/$PKG"
install -m 0644 "$DOCS/_reconciler" "$STAGE/usr/share/zsh/vendor-completions/_$PKG"
gzip -9n <"$ROOT_SRC/README.md" >"$DOC/README.md.gz"
cp -R "$ROOT_SRC/examples" "$DOC/examples"
install -m 0644 "$ROOT_SRC/specs/config.schema.json" "$DOC/config.schema.json"
find "$DOC/examples" -type d -exec chmod 0755 {} + && find "$DOC/examples" -type f -exec chmod 0644 {} +

year=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)
{
	echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
	echo "Upstream-Name: $PKG"
	echo ""
	echo "Files: *"
	echo "Copyright: $year The reconciler authors"
	echo "License: Apache-2.0"
	echo ""
	echo "License: Apache-2.0"
	sed -n '5,$p' "$ROOT_SRC/NOTICE" | sed 's/^$/./; s/^/ /'
	echo " ."
	echo " On Debian systems, the complete text of the Apache License, Version 2.0"
	echo " can be found in /usr/share/common-licenses/Apache-2.0."
} >"$DOC/copyright"
{
	echo "$PKG ($VERSION) unstable; urgency=medium"
	echo ""
	echo "  * Release $VERSION."
	echo ""
	echo " -- $MAINTAINER  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$DOC/changelog.gz"

# Depends from the libraries actually linked: dpkg-shlibdeps wants a
# debian/control to read, so it runs in a scratch source tree.
work=$OUT/shlibs
rm -rf "$work" && mkdir -p "$work/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$PKG" "$PKG" >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$STAGE/usr/bin/$PKG" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$work"
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$STAGE" | awk '{print $1}')
cat >"$STAGE/DEBIAN/control" <<CONTROL
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Description: GitOps for LiveRamp to Kargo audience distributions
 Declare LiveRamp Connect destination accounts for Kargo, and the segments
 each one distributes, in YAML in a git repository; reconciler checks them
 against Kargo's integration rules, shows a plan of what would change, and
 applies it, against LiveRamp's Activation API v2 or a local sandbox.
 It reports drift, delivery status (also as an HTML page) and Prometheus
 metrics for scheduled runs.
CONTROL
(cd "$STAGE" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums"
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

deb=$OUT/${PKG}_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$deb" >/dev/null
echo "$deb"
