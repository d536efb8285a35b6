// The bench's own build step: dist/ (tsc) when missing or older than lib/, the C contender and
// the echo client (cc) into build/bench/, and wrk (Debian's package) when it is not installed.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const out = path.join(root, 'build', 'bench');

function newest(dir, ext) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

function mtime(p) {
  return fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0;
}

function buildDist(log) {
  const stamp = path.join(root, 'dist', 'index.js');
  if (mtime(stamp) >= newest(path.join(root, 'lib'), '.ts')) return;
  log('building dist/ (tsc -p tsconfig.build.json)');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

function buildC(log) {
  fs.mkdirSync(out, { recursive: true });
  const bins = {};
  for (const [name, src] of [['c', 'contenders/c.c'], ['echo-client', 'clients/echo-client.c']]) {
    const file = path.join(__dirname, '..', src);
    const bin = path.join(out, name);
    if (mtime(bin) < mtime(file)) {
      log(`cc -O2 ${path.relative(root, file)} -o ${path.relative(root, bin)}`);
      execFileSync('cc', ['-O2', '-Wall', '-o', bin, file], { stdio: 'inherit' });
    }
    bins[name] = bin;
  }
  return bins;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// wrk is a Debian package; as root the bench installs it (apt-get update first), else skips HTTP.
function ensureWrk(log) {
  if (has('wrk')) return true;
  if (process.getuid?.() !== 0 || !has('apt-get')) return false;
  log('installing wrk (apt-get update && apt-get install -y wrk)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
  spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore', env });
  return has('wrk');
}

function build(log) {
  buildDist(log);
  if (!fs.existsSync(path.join(root, 'build', 'Release')) && !fs.existsSync(path.join(root, 'prebuilds'))) {
    log('building the addon (node-gyp-build)');
    execFileSync('npx', ['node-gyp-build'], { cwd: root, stdio: 'inherit' });
  }
  return { bins: buildC(log), wrk: ensureWrk(log), taskset: has('taskset'), python: has('python3') };
}

module.exports = { build, root };
