#!/usr/bin/env bash
# Builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer into build-sanitize/,
# apart from the normal build/, and prints the environment that runs Node against it:
#   eval "$(scripts/sanitize.sh)" && npx jest
# Node itself is not instrumented, so the ASan runtime must be preloaded; leak checking is off
# because Node's own allocations at exit are not ours to judge.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# gcc's sanitizer runtimes come with g++ (libgcc-<N>-dev pulls in libasan and libubsan). This
# script installs nothing: a machine without them is told what is missing.
asan=$(gcc -print-file-name=libasan.so)
if [[ ! -e $asan ]]; then
  echo "sanitize: gcc has no AddressSanitizer runtime (libasan.so); install gcc's libasan and libubsan (on Debian: libasan8 libubsan1)" >&2
  exit 1
fi

cp -r "$root/binding.gyp" "$root/native" "$work/"
ln -s "$root/node_modules" "$work/node_modules"
# npx, so that npm's configuration (a local nodedir, say) reaches node-gyp as it does in npm install.
(cd "$work" && IOMUX_SANITIZE=1 npx --no-install node-gyp rebuild >&2)
mkdir -p "$root/build-sanitize"
cp "$work/build/Release/iomux.node" "$root/build-sanitize/iomux.node"

echo "export IOMUX_ADDON='$root/build-sanitize/iomux.node'"
echo "export LD_PRELOAD='$(readlink -f "$asan")'"
echo "export ASAN_OPTIONS='detect_leaks=0:abort_on_error=1:halt_on_error=1'"
echo "export UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1'"
