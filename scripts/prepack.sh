#!/usr/bin/env bash
# `npm pack` and `npm publish` run this first (package.json "prepack"; npm runs "prepare", the
# TypeScript build, right after it). dist/ and prebuilds/ are deleted and made again from the
# sources, so the package holds the same files whatever ran in this folder before: no prebuild
# left over from an older build, no compiled file of a deleted source.
# The prebuild is this platform's (scripts/prebuild.sh); a package for several platforms would
# gather theirs after this step.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist prebuilds
scripts/prebuild.sh >/dev/null
