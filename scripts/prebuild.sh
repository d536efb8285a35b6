#!/usr/bin/env bash
# `npm run build:prebuild` (and `npm pack`, through scripts/prepack.sh): builds the Node-API
# prebuild that node-gyp-build loads when the package is installed without a compiler:
# prebuilds/<platform>-<arch>/iomux.napi.uv<N>.<libc>.node, stripped. (Not named "prebuild": npm
# runs a script of that name before every `npm run build`.)
# One Node-API 8 binary serves every Node >= 20; it is tagged with libuv's major version because
# the addon calls libuv, and with the libc because a glibc build does not load on musl.
#
# prebuildify runs `node-gyp rebuild` in its working directory, which would wipe the shared build/;
# so it builds in a temporary copy and writes only prebuilds/ back here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r "$root/binding.gyp" "$root/native" "$root/package.json" "$work/"
ln -s "$root/node_modules" "$work/node_modules"

# node-gyp would download headers for prebuildify's target; use the running Node's own instead
# (npm is usually configured with nodedir already). Node-API headers are the same in every Node.
if [[ -z ${npm_config_nodedir:-} ]]; then
  nodedir=$(node -p 'require("path").resolve(process.execPath, "../..")')
  if [[ ! -e $nodedir/include/node/node_api.h ]]; then
    echo "prebuild: no Node headers at $nodedir/include/node; set npm_config_nodedir" >&2
    exit 1
  fi
  export npm_config_nodedir=$nodedir
fi

"$root/node_modules/.bin/prebuildify" --napi --strip --tag-uv --tag-libc \
  --target "node@$(node -p process.versions.node)" --cwd "$work" --out "$root" >&2
ls "$root"/prebuilds/*/iomux*.node
