#!/usr/bin/env bash
# Runs KqueueSelector and select.kqueue on Linux through libkqueue (kqueue emulated over epoll),
# the only way to exercise native/kqueue.cc without a BSD or a Mac:
#   scripts/kqueue-check.sh LIBKQUEUE_SOURCE_DIR   (a checkout of github.com/mheily/libkqueue)
# It builds libkqueue with cmake into a temporary prefix, builds a copy of the addon against it
# (build/ is left alone), runs test/select and test/selectors — conformance and the CPython
# oracle included — with IOMUX_SELECTOR=kqueue on that copy, and prints one summary line.
# Exits non-zero if a test failed or the copy was built without kqueue.
set -euo pipefail
if [[ $# -ne 1 || ! -f $1/CMakeLists.txt ]]; then
  echo "usage: $0 LIBKQUEUE_SOURCE_DIR (a libkqueue source tree, with its CMakeLists.txt)" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jobs=$(nproc 2>/dev/null || echo 2)

# libkqueue, shared library in $work/prefix/lib (LIBDIR pinned: no lib64 guessing).
cmake -S "$src" -B "$work/libkqueue" -DCMAKE_BUILD_TYPE=Release -DENABLE_TESTING=NO -DENABLE_STATIC=OFF \
  -DCMAKE_INSTALL_PREFIX="$work/prefix" -DCMAKE_INSTALL_LIBDIR=lib >&2
cmake --build "$work/libkqueue" -j "$jobs" >&2
cmake --install "$work/libkqueue" >&2
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
version=$(pkg-config --modversion libkqueue)

# The addon copy: binding.gyp links libkqueue when pkg-config finds it.
mkdir "$work/addon"
cp -r "$root/binding.gyp" "$root/native" "$work/addon/"
ln -s "$root/node_modules" "$work/addon/node_modules"
# npx, so that npm's configuration (a local nodedir, say) reaches node-gyp as it does in npm install.
(cd "$work/addon" && npx --no-install node-gyp rebuild >&2)
addon="$work/addon/build/Release/iomux.node"
export LD_LIBRARY_PATH="$work/prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if ! node -e "process.exit(typeof require(process.argv[1]).kqueueCreate === 'function' ? 0 : 1)" "$addon"; then
  echo "kqueue-check: the addon copy was built without kqueue (pkg-config did not find libkqueue)" >&2
  exit 1
fi

# The tests, on that copy. jest's own exit status is replaced by the summary's.
cd "$root"
IOMUX_ADDON="$addon" IOMUX_SELECTOR=kqueue npx --no-install jest test/select test/selectors \
  --json --outputFile="$work/results.json" >&2 || true
if [[ ! -s $work/results.json ]]; then
  echo "kqueue-check: jest wrote no report (the run itself broke; its output is above)" >&2
  exit 1
fi
node -e '
  const r = require(process.argv[1]);
  // A file can fail outside its tests (a hook, a load error): say so, since no test count shows it.
  const n = r.numRuntimeErrorTestSuites;
  const extra = n ? `; ${n} file(s) failed outside any test` : "";
  console.log(`kqueue-check (libkqueue ${process.argv[2]}): ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped${extra}`);
  process.exit(r.success ? 0 : 1);
' "$work/results.json" "$version"
