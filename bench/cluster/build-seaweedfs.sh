#!/usr/bin/env bash
# Builds SeaweedFS's `weed` (the real S3-compatible server the cluster tests
# run) from its Go module source and caches the binary, so later runs start
# at once. SeaweedFS's go.mod has replace directives, so `go install` refuses
# it: the module is downloaded, copied out of the module cache and built with
# `go build ./weed` inside it (about 8 minutes on 2 cores).
#
#   bench/cluster/build-seaweedfs.sh        prints the path of the binary
#
# The cache is $DRI_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/dri); the
# binary is named by the module version, so a version change rebuilds.
set -euo pipefail
VERSION="${SEAWEEDFS_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}"
CACHE="${DRI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dri}"
BIN="$CACHE/weed-$VERSION"
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$CACHE"
export PATH="/usr/local/go/bin:$PATH"
work=$(mktemp -d "$CACHE/.seaweedfs-build-XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
echo "building SeaweedFS $VERSION (about 8 minutes; cached as $BIN)" >&2
dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/seaweedfs/seaweedfs@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "build-seaweedfs: go mod download github.com/seaweedfs/seaweedfs@$VERSION gave no directory" >&2
  exit 1
fi
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$work/weed" ./weed)
mv "$work/weed" "$BIN"
echo "$BIN"
