#!/bin/bash
# The source revision the build cache is keyed on: a hash of every file
# the build reads (an action is checked out without its .git, so the
# commit id is not at hand). Writes revision=HASH to $GITHUB_OUTPUT.
set -euo pipefail
SRC=$(cd "${GITHUB_ACTION_PATH:-$(dirname "$0")}/../../.." && pwd)
cd "$SRC"
rev=$(find Makefile ci/install-deps.sh reconciler specs -type f -print0 | LC_ALL=C sort -z |
	xargs -0 sha256sum | sha256sum | cut -c1-40)
echo "revision=$rev" >>"$GITHUB_OUTPUT"
echo "reconciler source revision $rev"
