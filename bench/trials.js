// The benchmark matrix as data (docs/DESIGN.md principle 12, like better-sqlite3's trials.js): one
// row per {workload, contender, params}. `full: true` rows run only with `npm run bench -- --full`;
// `na` rows are shown as n/a and never run. The default matrix runs in 2 min 07 s on the 2-core
// development machine: a new row goes in the default matrix only if it is worth that time growing.
'use strict';

/** Every contender: how to start it, its backend and its family (for the ratios). */
const contenders = {
  'c-epoll': { lang: 'c', backend: 'epoll' },
  'c-poll': { lang: 'c', backend: 'poll' },
  'c-select': { lang: 'c', backend: 'select' },
  'iomux-epoll-sync': { lang: 'iomux', backend: 'epoll', mode: 'sync' },
  'iomux-epoll-async': { lang: 'iomux', backend: 'epoll', mode: 'async' },
  'iomux-poll-sync': { lang: 'iomux', backend: 'poll', mode: 'sync' },
  'iomux-poll-async': { lang: 'iomux', backend: 'poll', mode: 'async' },
  'iomux-select-sync': { lang: 'iomux', backend: 'select', mode: 'sync' },
  'iomux-select-async': { lang: 'iomux', backend: 'select', mode: 'async' },
  'python-epoll': { lang: 'python', backend: 'epoll' },
  'python-poll': { lang: 'python', backend: 'poll' },
  'python-select': { lang: 'python', backend: 'select' },
  'node-net': { lang: 'node' },
  'node-http': { lang: 'node' },
};

const SIZES = [100, 1000, 9990]; // 10,000 pairs do not fit the 20,000-fd limit beside the process's own fds
const SHAPES = [
  { active: 1, writes: 1000 },
  { active: 100, writes: 1000 },
  { active: 100, writes: 10000, full: true },
];
const DEFAULT_CHAIN = ['c-epoll', 'c-poll', 'c-select', 'iomux-epoll-sync', 'iomux-poll-sync', 'iomux-select-sync', 'iomux-epoll-async', 'python-epoll', 'node-net'];
const SERVERS = ['c-epoll', 'iomux-epoll-sync', 'iomux-epoll-async', 'python-epoll'];
const FULL_SERVERS = ['iomux-poll-sync', 'iomux-select-sync', 'iomux-poll-async', 'python-poll', 'python-select'];

function chainRows() {
  const rows = [];
  for (const shape of SHAPES) {
    for (const n of SIZES) {
      for (const contender of Object.keys(contenders)) {
        if (contender === 'node-http') continue;
        const { backend } = contenders[contender];
        const params = { n, active: shape.active, writes: shape.writes };
        const row = { workload: 'chain', contender, params };
        // select(2): N read ends + the process's own fds must stay below FD_SETSIZE (1024).
        if (backend === 'select' && n > 1000) row.na = 'FD_SETSIZE';
        else if (shape.full || !DEFAULT_CHAIN.includes(contender)) row.full = true;
        // poll/select with one active chain over 9,990 fds: ~2 ms per hop, 2 s per round.
        else if (n === 9990 && shape.active === 1 && backend === 'poll') row.full = true;
        // node:net needs a quarter second to wrap 1,000 socketpairs (it has tcpchain in the default run).
        else if (n > 100 && contender === 'node-net') row.full = true;
        // EventLoop over 9,990 fds: the A=100/N=1000 rows already show its per-iteration cost.
        else if (n === 9990 && contender === 'iomux-epoll-async') row.full = true;
        rows.push(row);
      }
    }
  }
  return rows;
}

function tcpChainRows() {
  const rows = [];
  for (const shape of SHAPES) {
    for (const n of [100, 1000]) {
      for (const contender of ['c-epoll', 'iomux-epoll-sync', 'iomux-epoll-async', 'python-epoll', 'node-net', 'iomux-poll-sync', 'c-poll']) {
        const full = shape.active !== 100 || shape.writes !== 1000 || contenders[contender].backend === 'poll';
        rows.push({ workload: 'tcpchain', contender, params: { n, active: shape.active, writes: shape.writes }, ...(full && { full }) });
      }
    }
  }
  return rows;
}

function serverRows(workload, anchor, conns) {
  const rows = [];
  for (const c of conns) {
    for (const contender of [...SERVERS, anchor, ...FULL_SERVERS]) {
      const row = { workload, contender, params: { conns: c } };
      if (FULL_SERVERS.includes(contender)) row.full = true;
      rows.push(row);
    }
  }
  return rows;
}

/** The whole matrix: every row, with `full` / `na` marks. */
const trials = [...chainRows(), ...tcpChainRows(), ...serverRows('echo', 'node-net', [1, 50, 200]), ...serverRows('http', 'node-http', [50]), ...serverRows('http', 'node-http', [200]).map((r) => ({ ...r, full: true }))];

/** How long each kind of trial runs, per mode. */
const timing = {
  default: { runs: 5, mintime: 0.08, echoWarmup: 0.05, echoSeconds: 0.2, wrkSeconds: 1 },
  full: { runs: 7, mintime: 0.2, echoWarmup: 0.3, echoSeconds: 2, wrkSeconds: 3 },
};

module.exports = { contenders, trials, timing };
