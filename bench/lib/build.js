// What the bench builds before it runs, and nothing else: in the repository, dist/ (tsc) when it is
// missing or older than lib/, and the addon when there is none; anywhere, the C contender and the
// C load generators with the C compiler found on PATH, into a cache directory (build/bench/ in the
// repository, $XDG_CACHE_HOME/iomux or ~/.cache/iomux elsewhere: never inside node_modules). It
// installs nothing: what is missing makes rows n/a, each saying why.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { findCc } = require('./machine');

const root = path.join(__dirname, '..', '..');
/** The repository (lib/ holds the TypeScript sources), not an installed package. */
const inRepo = fs.existsSync(path.join(root, 'lib', 'index.ts'));

const C_SOURCES = { c: 'contenders/c.c', 'echo-client': 'clients/echo-client.c', 'http-client': 'clients/http-client.c', 'c-uring': 'contenders/c-uring.c' };
/** The compiler flags, part of every program's hash (c.c's mt=1 starts a thread: -pthread). */
const C_FLAGS = ['-O2', '-Wall', '-pthread'];
/** Headers the C programs include: part of every program's hash, so editing one rebuilds them. */
const C_HEADERS = ['clients/client.h', 'contenders/server.h'];

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

function buildRepo(log) {
  const stamp = path.join(root, 'dist', 'index.js');
  if (mtime(stamp) < newest(path.join(root, 'lib'), '.ts')) {
    log('building dist/ (tsc -p tsconfig.build.json)');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  if (!fs.existsSync(path.join(root, 'build', 'Release')) && !fs.existsSync(path.join(root, 'prebuilds'))) {
    log('building the addon (node-gyp-build)');
    execFileSync('npx', ['node-gyp-build'], { cwd: root, stdio: 'inherit' });
  }
}

/** Where the C programs go: build/bench/ in the repository, the user's cache directory otherwise. */
function cacheDir() {
  if (inRepo) return path.join(root, 'build', 'bench');
  const base = process.env.XDG_CACHE_HOME || (os.homedir() && path.join(os.homedir(), '.cache'));
  return path.join(base || os.tmpdir(), 'iomux', 'bench');
}

/** A compile error that says a system header is missing, as the one line a row shows. */
function missingHeader(stderr) {
  const h = /([\w/.]+\.h): No such file or directory/.exec(stderr ?? '')?.[1];
  if (!h) return undefined;
  return h.startsWith('linux/')
    ? `<${h}> is missing: the kernel's headers (linux-libc-dev on Debian and Ubuntu, kernel-headers on Fedora) are not installed`
    : `<${h}> is missing on this system`;
}

/**
 * Compiles each C program once per source text and compiler (the file name carries their hash),
 * so a cache shared by versions never runs a stale binary. Returns { bins, errors, cc }.
 */
function buildC(log) {
  const cc = findCc();
  if (!cc) return { bins: {}, errors: {}, cc: null };
  const out = cacheDir();
  const bins = {};
  const errors = {};
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (err) {
    for (const name of Object.keys(C_SOURCES)) errors[name] = `cannot create ${out}: ${err.code}`;
    return { bins, errors, cc };
  }
  for (const [name, src] of Object.entries(C_SOURCES)) {
    const file = path.join(__dirname, '..', src);
    const sha = crypto.createHash('sha256').update(fs.readFileSync(file));
    for (const h of C_HEADERS) sha.update(fs.readFileSync(path.join(__dirname, '..', h)));
    const hash = sha.update(cc).update(C_FLAGS.join(' ')).digest('hex').slice(0, 12);
    const bin = path.join(out, `${name}-${hash}`);
    if (!fs.existsSync(bin)) {
      log(`${path.basename(cc)} -O2 bench/${src} -o ${bin}`);
      const tmp = `${bin}.${process.pid}.tmp`;
      const r = spawnSync(cc, [...C_FLAGS, '-o', tmp, file], { encoding: 'utf8' });
      if (r.status !== 0) {
        fs.rmSync(tmp, { force: true });
        const first = (r.stderr || r.error?.message || '').split('\n').find((l) => /error/i.test(l)) ?? r.stderr.split('\n')[0];
        errors[name] = missingHeader(r.stderr) ?? `${path.basename(cc)} failed on bench/${src}: ${first.trim().slice(0, 160)}`;
        continue;
      }
      fs.renameSync(tmp, bin);
    }
    bins[name] = bin;
  }
  return { bins, errors, cc };
}

/** Builds what it can; returns the C programs, their errors and the compiler. */
function build(log) {
  if (inRepo) buildRepo(log);
  return buildC(log);
}

module.exports = { build, root, inRepo, cacheDir };
