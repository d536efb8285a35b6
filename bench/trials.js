// The benchmark matrix as data (docs/DESIGN.md principle 12, like better-sqlite3's trials.js): one
// row per {workload, contender, params}, each with a tier: `quick` rows run in every mode
// (`npx iomux bench --quick`), `default` rows in `npm run bench` / `npx iomux bench`, `full` rows
// only with `--full`; `na` rows are shown as n/a and never run. The default matrix runs in
// 3 min 32 s on the 2-core development machine: a new row goes in it only if it is worth that time.
// A new contender is one row of `contenders` (and its name in the lists below that it belongs to).
'use strict';

/** Every contender: its family (`lang`: how bench/lib/trial.js starts it), backend and loop mode; `serverOnly`: echo and HTTP, no chain. */
const contenders = {
  'c-epoll': { lang: 'c', backend: 'epoll' },
  'c-poll': { lang: 'c', backend: 'poll' },
  'c-select': { lang: 'c', backend: 'select' },
  // The same C loops with one idle extra thread (c.c mt=1): what a multi-threaded process costs
  // in the kernel (atomic fd reference counts), which every Node process pays, iomux or not.
  'c-epoll-mt': { lang: 'c', backend: 'epoll', mt: true },
  'c-poll-mt': { lang: 'c', backend: 'poll', mt: true },
  'c-select-mt': { lang: 'c', backend: 'select', mt: true },
  // C on io_uring (contenders/c-uring.c): multishot accept and recv, provided buffers, batched sends.
  'c-uring': { lang: 'c', backend: 'uring', bin: 'c-uring', serverOnly: true },
  'iomux-epoll-sync': { lang: 'iomux', backend: 'epoll', mode: 'sync' },
  'iomux-epoll-async': { lang: 'iomux', backend: 'epoll', mode: 'async' },
  'iomux-poll-sync': { lang: 'iomux', backend: 'poll', mode: 'sync' },
  'iomux-poll-async': { lang: 'iomux', backend: 'poll', mode: 'async' },
  'iomux-select-sync': { lang: 'iomux', backend: 'select', mode: 'sync' },
  'iomux-select-async': { lang: 'iomux', backend: 'select', mode: 'async' },
  'iomux-uring-sync': { lang: 'iomux', backend: 'uring', mode: 'sync' },
  'iomux-uring-async': { lang: 'iomux', backend: 'uring', mode: 'async' },
  // ProactorEventLoop (completions on io_uring): sockRecvInto/sockSendall, no readiness.
  'iomux-uring-proactor': { lang: 'iomux', backend: 'uring', mode: 'proactor' },
  // The same sock* server program on the epoll EventLoop (full tier): the two models, one API.
  'iomux-epoll-sock': { lang: 'iomux', backend: 'epoll', mode: 'sock', serverOnly: true },
  'python-epoll': { lang: 'python', backend: 'epoll' },
  'python-poll': { lang: 'python', backend: 'poll' },
  'python-select': { lang: 'python', backend: 'select' },
  'iomux-protocol-epoll': { lang: 'iomux-protocol', backend: 'epoll', serverOnly: true },
  // The raw async echo server in worker threads, one SO_REUSEPORT socket each: workload echo-multicore only.
  'iomux-epoll-1worker': { lang: 'iomux-workers', backend: 'epoll', workers: 1, serverOnly: true, multicore: true },
  'iomux-epoll-2workers': { lang: 'iomux-workers', backend: 'epoll', workers: 2, serverOnly: true, multicore: true },
  // The same Protocols on ProactorEventLoop's transports (multishot receive, batched sends).
  'iomux-protocol-uring': { lang: 'iomux-protocol', backend: 'uring', serverOnly: true },
  'node-net': { lang: 'node' },
  'node-http': { lang: 'node', serverOnly: true },
};

const SIZES = [100, 1000, 9990]; // 10,000 pairs do not fit the 20,000-fd limit beside the process's own fds
const QUICK_SIZES = [100, 1000];
const SHAPES = [
  { active: 1, writes: 1000 },
  { active: 100, writes: 1000, quick: true },
  { active: 100, writes: 10000, full: true },
];
const ECHO_CONNS = [1, 50, 200];
const HTTP_CONNS = [50, 200]; // 200: --full only, unless --conns names it
const QUICK_CONNS = 50;
const QUICK = ['c-epoll', 'iomux-epoll-sync', 'iomux-epoll-async', 'iomux-uring-sync', 'python-epoll', 'node-net', 'node-http'];
const DEFAULT_CHAIN = ['c-epoll', 'c-poll', 'c-select', 'c-poll-mt', 'c-select-mt', 'iomux-epoll-sync', 'iomux-poll-sync', 'iomux-select-sync', 'iomux-epoll-async', 'iomux-uring-sync', 'iomux-uring-proactor', 'python-epoll', 'node-net'];
const TCP_CHAIN = ['c-epoll', 'iomux-epoll-sync', 'iomux-epoll-async', 'iomux-uring-sync', 'iomux-uring-proactor', 'python-epoll', 'node-net', 'iomux-poll-sync', 'c-poll'];
const SERVERS = ['c-epoll', 'c-epoll-mt', 'c-uring', 'iomux-epoll-sync', 'iomux-epoll-async', 'iomux-uring-sync', 'python-epoll'];

/** select(2): N read ends + the process's own fds must stay below FD_SETSIZE (1024). */
const selectFits = (n) => n <= 1000;

function chainTier(contender, n, shape, quickSizes) {
  const { backend } = contenders[contender];
  if (shape.full || !DEFAULT_CHAIN.includes(contender)) return 'full';
  // poll/select's -mt anchors exist for the ≤1.1× target, which is at N ≥ 1000.
  if (contenders[contender].mt && n < 1000) return 'full';
  // poll/select with one active chain over 9,990 fds: ~2 ms per hop, 2 s per round.
  if (n > 5000 && shape.active === 1 && backend === 'poll') return 'full';
  // node:net needs a quarter second to wrap 1,000 socketpairs (it has tcpchain in the default run).
  if (n > 100 && contender === 'node-net') return 'full';
  // A loop over 9,990 fds: the A=100/N=1000 rows already show its per-iteration cost.
  if (n > 5000 && (contender === 'iomux-epoll-async' || contender === 'iomux-uring-proactor')) return 'full';
  if (shape.quick && quickSizes.includes(n) && QUICK.includes(contender)) return 'quick';
  return 'default';
}

function chainRows(sizes, quickSizes) {
  const rows = [];
  for (const shape of SHAPES) {
    for (const n of sizes) {
      for (const contender of Object.keys(contenders)) {
        if (contenders[contender].serverOnly) continue; // servers only: echo and HTTP
        const row = { workload: 'chain', contender, params: { n, active: shape.active, writes: shape.writes }, tier: chainTier(contender, n, shape, quickSizes) };
        if (contenders[contender].backend === 'select' && !selectFits(n)) row.na = 'FD_SETSIZE';
        rows.push(row);
      }
    }
  }
  return rows;
}

/** echo-multicore: the server in 1 and in 2 worker threads, 50 connections by default (200: --full). */
function multicoreRows(conns) {
  const rows = [];
  for (const c of conns ?? [QUICK_CONNS, 200]) {
    for (const contender of Object.keys(contenders).filter((k) => contenders[k].multicore)) {
      rows.push({ workload: 'echo-multicore', contender, params: { conns: c }, tier: c === 200 && !conns ? 'full' : 'default' });
    }
  }
  return rows;
}

function tcpChainRows(sizes) {
  const rows = [];
  for (const shape of SHAPES) {
    for (const n of sizes.filter((s) => s <= 1000)) {
      for (const contender of TCP_CHAIN) {
        const full = shape.active !== 100 || shape.writes !== 1000 || contenders[contender].backend === 'poll';
        rows.push({ workload: 'tcpchain', contender, params: { n, active: shape.active, writes: shape.writes }, tier: full ? 'full' : 'default' });
      }
    }
  }
  return rows;
}

function serverRows(workload, anchor, conns, quickConns, fullConns = []) {
  const rows = [];
  for (const c of conns) {
    for (const contender of Object.keys(contenders)) {
      const { lang, multicore } = contenders[contender];
      if (multicore) continue; // echo-multicore only
      if (lang === 'node' && contender !== anchor) continue;
      if (contenders[contender].mt && contenders[contender].backend !== 'epoll') continue; // c.c serves on epoll only
      let tier = SERVERS.includes(contender) || contender === anchor ? 'default' : 'full';
      if (workload === 'echo' && contender === 'iomux-uring-proactor') tier = 'default'; // beside the epoll EventLoop
      if (fullConns.includes(c)) tier = 'full';
      // What a thread costs is the same at every connection count: one default row per workload.
      else if (contenders[contender].mt) tier = c === QUICK_CONNS ? 'default' : 'full';
      // The completion transports' targets are at every echo connection count (1, 50, 200).
      else if (contender === 'iomux-protocol-uring' && workload === 'echo') tier = 'default';
      // The protocol contenders (transports): one default row per workload otherwise.
      else if (contender === 'iomux-protocol-epoll' || contender === 'iomux-protocol-uring') tier = c === QUICK_CONNS ? 'default' : 'full';
      else if (quickConns.includes(c) && QUICK.includes(contender)) tier = 'quick';
      rows.push({ workload, contender, params: { conns: c }, tier });
    }
  }
  return rows;
}

/**
 * The whole matrix, every row with its tier and `na` marks. Without arguments, the matrix of
 * `npm run bench`; `sizes` (chain N, registered fds) and `conns` (echo and HTTP connections),
 * when given, replace the defaults and are all part of the quick tier.
 */
function matrix({ sizes, conns } = {}) {
  const quickSizes = sizes ?? QUICK_SIZES;
  const quickConns = conns ?? [QUICK_CONNS];
  return [
    ...chainRows(sizes ?? SIZES, quickSizes),
    ...tcpChainRows(sizes ?? SIZES),
    ...serverRows('echo', 'node-net', conns ?? ECHO_CONNS, quickConns),
    ...serverRows('http', 'node-http', conns ?? HTTP_CONNS, quickConns, conns ? [] : [200]),
    ...multicoreRows(conns),
  ];
}

/** How long each kind of trial runs, per mode (seconds; `--seconds` and `--runs` override). */
const timing = {
  quick: { runs: 3, mintime: 0.04, echoWarmup: 0.1, echoSeconds: 0.12, httpSeconds: 0.25 },
  default: { runs: 5, mintime: 0.08, echoWarmup: 0.2, echoSeconds: 0.2, httpSeconds: 1 },
  full: { runs: 7, mintime: 0.2, echoWarmup: 0.3, echoSeconds: 2, httpSeconds: 3 },
};

/** The matrix of `npm run bench`, kept as a value for readers of the old shape. */
const trials = matrix();

module.exports = { contenders, matrix, trials, timing, selectFits };
