// What this machine offers the bench, found without installing anything: the programs on PATH
// (C compiler, python3, wrk, taskset), the fd limits, whether io_uring is usable, and the one-line
// description printed above the table.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { dist, SELECTOR_CLASSES } = require('./common');

/** The absolute path of an executable on PATH, or null (no shell: the PATH may hold only node). */
function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : null;
}

/** The soft and hard limits on open fds (RLIMIT_NOFILE), through /bin/sh's ulimit (Node has no getrlimit). */
function fdLimits() {
  const r = spawnSync('/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' });
  const [soft, hard] = (r.stdout ?? '').trim().split('\n').map((s) => (s === 'unlimited' ? Infinity : Number(s)));
  return { soft: soft || 1024, hard: hard || soft || 1024, shell: r.status === 0 };
}

/** io_uring: usable, or why not ("not in this version" when this iomux has no iomux/uring). */
function uringStatus() {
  let uring;
  try {
    uring = require(path.join(dist, 'uring.js'));
  } catch (err) {
    if (err.code === 'MODULE_NOT_FOUND') return { available: false, reason: 'iomux/uring is not in this version of iomux' };
    return { available: false, reason: `iomux/uring did not load: ${err.message}` };
  }
  const { Ring } = uring;
  if (Ring.available) return { available: true, reason: null };
  return { available: false, reason: Ring.unavailableReason ?? 'unavailable' };
}

/** Per backend, whether this iomux has its selector and it works here (the class's `available`). */
function iomuxBackends() {
  const iomux = require(dist);
  const out = {};
  for (const [backend, name] of Object.entries(SELECTOR_CLASSES)) out[backend] = { name, available: iomux[name]?.available === true, exists: typeof iomux[name] === 'function' };
  return out;
}

/** The C compiler the bench uses: the first of cc, gcc, clang on PATH, or null. */
function findCc() {
  return ['cc', 'gcc', 'clang'].map(which).find(Boolean) ?? null;
}

/** Everything the runner needs to know about the machine, probed once. */
function probe() {
  const python = which('python3');
  const cc = findCc();
  return {
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.cpus().length,
    python: python && firstLine(python, ['--version']),
    ccVersion: cc && firstLine(cc, ['--version']),
    wrk: which('wrk'),
    taskset: which('taskset') && os.cpus().length >= 2,
    fds: fdLimits(),
    uring: uringStatus(),
    backends: iomuxBackends(),
  };
}

/** The lines that describe the machine, above the table. */
function describeMachine(m) {
  const lim = (v) => (v === Infinity ? 'unlimited' : String(v));
  return [
    `${m.kernel}, ${m.cores}× ${m.cpu}; node ${m.node}; ${m.python ?? 'no python3'}; ${m.ccVersion ?? 'no C compiler'}`,
    `io_uring: ${m.uring.available ? 'usable' : `not usable (${m.uring.reason})`}; fd limit ${lim(m.fds.soft)} (hard ${lim(m.fds.hard)}); ` +
      `HTTP load generator: ${m.httpClient ?? 'none'}; ${m.taskset ? 'servers on core 0, load generators on core 1' : 'no pinning (taskset missing or one core)'}`,
  ];
}

module.exports = { which, findCc, probe, describeMachine, dist };
