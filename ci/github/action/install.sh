#!/bin/bash
# Installs reconciler for the steps after this one (its directory goes on
# $GITHUB_PATH):
#   - RECONCILER_DEB set (a URL or a path): the package is unpacked into
#     $RUNNER_TEMP/reconciler-root; the libraries its Depends names are
#     installed with apt-get only when the binary cannot find them;
#   - else: $RUNNER_TEMP/reconciler-bin/reconciler from the cache, or built
#     from this revision with the build set only (ci/install-deps.sh, no
#     test tools) and left there for the cache.
set -euo pipefail
SRC=$(cd "${GITHUB_ACTION_PATH:-$(dirname "$0")}/../../.." && pwd)
TEMP=${RUNNER_TEMP:?RUNNER_TEMP is not set}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

missing_libs() { ldd "$1" 2>/dev/null | grep -c 'not found' || true; }

if [ -n "${RECONCILER_DEB:-}" ]; then
	deb=$RECONCILER_DEB
	case $deb in
	http://* | https://*)
		curl -fsSL --retry 3 -o "$TEMP/reconciler.deb" "$deb"
		deb=$TEMP/reconciler.deb
		;;
	esac
	[ -f "$deb" ] || { echo "::error title=reconciler::no .deb at $RECONCILER_DEB"; exit 1; }
	root=$TEMP/reconciler-root
	rm -rf "$root"
	dpkg-deb -x "$deb" "$root"
	bin=$root/usr/bin
	if [ "$(missing_libs "$bin/reconciler")" != 0 ]; then
		# The Depends names, without their versions and alternatives.
		deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$')
		echo "Installing the libraries reconciler needs:" $deps
		$SUDO apt-get update -qq
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -qq --no-install-recommends $deps
	fi
else
	bin=$TEMP/reconciler-bin
	if [ -x "$bin/reconciler" ]; then
		echo "reconciler from the cache"
		if [ "$(missing_libs "$bin/reconciler")" != 0 ]; then
			$SUDO sh "$SRC/ci/install-deps.sh"
		fi
	else
		echo "Building reconciler with the build set only"
		$SUDO sh "$SRC/ci/install-deps.sh"
		build=$TEMP/reconciler-build
		make -C "$SRC" BUILD="$build" -j"$(nproc 2>/dev/null || echo 2)" "$build/reconciler"
		mkdir -p "$bin"
		cp "$build/reconciler" "$bin/reconciler"
	fi
fi
"$bin/reconciler" version
echo "$bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
