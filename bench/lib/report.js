// Medians, min–max and ratios to the anchors (C, CPython, Node) of the same workload and
// parameters; the printed table; the targets (bench/README.md, "Targets") checked against the figures.
'use strict';

const UNITS = {
  chain: { name: 'ns per hop (loop time / bytes forwarded)', lower: true },
  tcpchain: { name: 'ns per hop (loop time / bytes forwarded)', lower: true },
  echo: { name: 'round trips per server CPU-second', lower: false },
  http: { name: 'requests per server CPU-second', lower: false },
  'echo-multicore': { name: 'round trips per server CPU-second, all threads (server and client unpinned; rate/s is the total)', lower: false },
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const groupKey = (t) => `${t.workload} ${JSON.stringify(t.params)}`;

/** One result row per matrix row: median/min/max of `metric` and of the extras, and the ratios. */
function aggregate(rows, samples) {
  const out = rows.map((t) => {
    const row = { workload: t.workload, contender: t.contender, params: t.params, ...(t.backend && { backend: t.backend }) };
    if (t.na) return { ...row, na: t.na };
    const got = samples.get(t) ?? [];
    const ok = got.filter((r) => !r.error);
    const errors = got.filter((r) => r.error).map((r) => r.error);
    if (ok.length === 0) return { ...row, na: 'failed', errors };
    const metrics = ok.map((r) => r.metric);
    const extras = {};
    for (const k of ['setupMs', 'spurious', 'events', 'wakes', 'hops', 'rate', 'p50Us', 'p99Us', 'serverCpuS', 'cpuShare', 'syscalls', 'crossings', 'calls', 'callbacks']) {
      if (ok[0][k] !== undefined) extras[k] = median(ok.map((r) => r[k]));
    }
    return { ...row, runs: ok.length, median: median(metrics), min: Math.min(...metrics), max: Math.max(...metrics), extras, samples: got, ...(errors.length && { errors }) };
  });
  const byGroup = new Map();
  for (const r of out) {
    const k = groupKey(r);
    if (!byGroup.has(k)) byGroup.set(k, new Map());
    byGroup.get(k).set(r.contender, r);
  }
  for (const r of out) {
    if (r.median === undefined) continue;
    const group = byGroup.get(groupKey(r));
    const { backend } = r;
    // The anchor of the row's backend; for a server that is that anchor itself (c-uring), the
    // epoll one where it ran (else itself: 1.00×).
    const anchor = (family, fallback, suffix = '') => {
      let a = group.get(`${family}-${backend}${suffix}`);
      const other = group.get(fallback);
      const server = r.workload === 'echo' || r.workload === 'http';
      if (a?.median === undefined || (a === r && server && !suffix && other?.median !== undefined)) a = other;
      return a?.median !== undefined ? { contender: a.contender, ratio: r.median / a.median } : undefined;
    };
    r.ratios = {
      c: anchor('c', 'c-epoll'),
      python: anchor('python', 'python-epoll'),
      node: anchor('node', r.workload === 'http' ? 'node-http' : 'node-net'),
    };
    // Against the C loop of the same backend with an idle extra thread (c-epoll-mt, c-poll-mt…),
    // where it ran: JSON and the targets only, the table keeps its columns.
    const mt = anchor('c', undefined, '-mt');
    if (mt && !r.contender.startsWith('c-')) r.ratios.cMt = mt;
  }
  return out;
}

function fmt(v) {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (v >= 100) return v.toFixed(0);
  return v.toFixed(1);
}

const ratio = (r) => (r ? `${r.ratio.toFixed(2)}×` : '–');

/** The result rows by trial (workload and params), in the order they first appear: a Map of arrays. */
function groupByTrial(results) {
  const groups = new Map();
  for (const r of results) {
    const k = groupKey(r);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  return groups;
}

function printTable(results, meta, machineLines) {
  const groups = groupByTrial(results);
  const print = (s) => process.stdout.write(s + '\n');
  print('');
  const modes = { quick: 'quick matrix (--quick)', default: 'default (reduced) matrix; --full runs the whole one', full: 'FULL matrix' };
  print(`iomux bench — ${meta.servers.length ? 'your servers (--server)' : modes[meta.mode]}`);
  for (const line of machineLines) print(line);
  print(`medians of ${meta.timing.runs} runs (min–max); each trial its own process; load average at the end ${meta.loadavg.map((x) => x.toFixed(1)).join(' ')}.`);
  print('Ratios: this row ÷ the anchor of the same backend (C, CPython selectors) or Node (net/http), in the unit of the row.');
  meta.servers.forEach((cmd, i) => print(`server${i + 1}: ${cmd}`));
  let lastWorkload;
  for (const rows of groups.values()) {
    const { workload, params } = rows[0];
    if (!rows.some((r) => r.median !== undefined || (r.na && r.na !== 'FD_SETSIZE'))) continue; // nothing of it ran
    const u = UNITS[workload];
    if (workload !== lastWorkload) {
      print('');
      print(`== ${workload}: ${u.name}, ${u.lower ? 'lower' : 'higher'} is better ==`);
      lastWorkload = workload;
    }
    print(`-- ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const extraHead = workload.endsWith('chain') ? 'setup ms  spurious  events/hop' : 'rate/s    p50 µs   p99 µs  srv CPU';
    print(`   ${'contender'.padEnd(20)} ${'median'.padStart(8)} ${'min–max'.padStart(15)}  ${'×C'.padStart(6)} ${'×Py'.padStart(6)} ${'×Node'.padStart(6)}   ${extraHead}`);
    const later = [];
    for (const r of rows) {
      if (r.na === undefined && r.median === undefined) {
        later.push(r.contender);
        continue;
      }
      if (r.na) {
        print(`   ${r.contender.padEnd(20)} ${'n/a'.padStart(8)} (${r.na}${r.errors ? ': ' + r.errors[0] : ''})`);
        continue;
      }
      const e = r.extras;
      const extra = workload.endsWith('chain')
        ? `${fmt(e.setupMs).padStart(8)}  ${String(Math.round(e.spurious)).padStart(8)}  ${(e.events / e.hops).toFixed(2).padStart(10)}`
        : `${fmt(e.rate).padStart(8)} ${fmt(e.p50Us).padStart(8)} ${fmt(e.p99Us).padStart(8)}  ${(100 * e.cpuShare).toFixed(0).padStart(5)}%`;
      print(`   ${r.contender.padEnd(20)} ${fmt(r.median).padStart(8)} ${`${fmt(r.min)}–${fmt(r.max)}`.padStart(15)}  ${ratio(r.ratios.c).padStart(6)} ${ratio(r.ratios.python).padStart(6)} ${ratio(r.ratios.node).padStart(6)}   ${extra}`);
    }
    if (later.length) print(`   (not run: ${later.join(', ')})`);
  }
}

/** The targets of bench/README.md ("Targets"), each with the figures behind it. */
function checkTargets(results) {
  const ok = results.filter((r) => r.median !== undefined);
  const find = (pred) => ok.filter(pred);
  const out = [];
  const target = (name, rows, test, describe) => {
    if (rows.length === 0) return out.push({ target: name, met: null, detail: 'no figures in this run' });
    const misses = rows.filter((r) => !test(r));
    out.push({ target: name, met: misses.length === 0, detail: rows.map(describe).join('; ') });
  };
  const P = (r) => Object.values(r.params).join('/');
  for (const mode of ['sync', 'async']) {
    const c = `iomux-epoll-${mode}`;
    target(`chain epoll ${mode}: ≤1.25× C (A=100), ≤1.4× C (A=1)`, find((r) => r.workload === 'chain' && r.contender === c && r.ratios.c),
      (r) => r.ratios.c.ratio <= (r.params.active === 1 ? 1.4 : 1.25), (r) => `${P(r)}: ${r.ratios.c.ratio.toFixed(2)}×`);
    target(`chain epoll ${mode}: faster than CPython on every row`, find((r) => r.workload.endsWith('chain') && r.contender === c && r.ratios.python),
      (r) => r.ratios.python.ratio < 1, (r) => `${r.workload} ${P(r)}: ${r.ratios.python.ratio.toFixed(2)}×`);
    target(`TCP chain epoll ${mode}: ≤0.8× node:net time per hop`, find((r) => r.workload === 'tcpchain' && r.contender === c && r.ratios.node),
      (r) => r.ratios.node.ratio <= 0.8, (r) => `${P(r)}: ${r.ratios.node.ratio.toFixed(2)}×`);
    target(`echo epoll ${mode}: ≥1.3× node:net per server CPU-s (aim 0.9× C)`, find((r) => r.workload === 'echo' && r.contender === c && r.ratios.node),
      (r) => r.ratios.node.ratio >= 1.3, (r) => `conns=${r.params.conns}: ${r.ratios.node.ratio.toFixed(2)}× node, ${r.ratios.c?.ratio.toFixed(2)}× C`);
    target(`HTTP epoll ${mode}: ≥1.8× node:http per server CPU-s (aim 2.2×)`, find((r) => r.workload === 'http' && r.contender === c && r.ratios.node),
      (r) => r.ratios.node.ratio >= 1.8, (r) => `conns=${r.params.conns}: ${r.ratios.node.ratio.toFixed(2)}×`);
  }
  // More than one core: a second worker thread should add throughput, not cost per round trip.
  const multicore = find((r) => r.workload === 'echo-multicore' && r.contender === 'iomux-epoll-2workers')
    .map((two) => ({ two, one: ok.find((r) => r.workload === 'echo-multicore' && r.contender === 'iomux-epoll-1worker' && r.params.conns === two.params.conns) }))
    .filter((p) => p.one);
  target('echo-multicore epoll: 2 workers ≥0.9× 1 worker per server CPU-s', multicore, (p) => p.two.median >= 0.9 * p.one.median,
    (p) => `conns=${p.two.params.conns}: ${(p.two.median / p.one.median).toFixed(2)}× per CPU-s, ${(p.two.extras.rate / p.one.extras.rate).toFixed(2)}× round trips/s`);
  // The completion model (io_uring): each contender against an anchor of the same row.
  const versus = (workload, contender, anchor, pred = () => true) => find((r) => r.workload === workload && r.contender === contender && pred(r))
    .map((r) => ({ r, a: ok.find((x) => x.workload === workload && x.contender === anchor && P(x) === P(r)) }))
    .filter((p) => p.a)
    .map((p) => ({ ...p, x: workload.endsWith('chain') ? p.a.median / p.r.median : p.r.median / p.a.median })); // x > 1: better than the anchor
  const many = (r) => r.params.conns >= 50;
  const show = (label) => (p) => `${P(p.r)}: ${p.x.toFixed(2)}× ${label}`;
  target('chain uring sync: IoUringSelector within ±10% of EpollSelector per hop', versus('chain', 'iomux-uring-sync', 'iomux-epoll-sync'),
    (p) => p.x >= 1 / 1.1 && p.x <= 1.1, (p) => `${P(p.r)}: ${(1 / p.x).toFixed(2)}× EpollSelector's time`);
  target('echo proactor (sock*): ≥1.15× the epoll EventLoop per server CPU-s at 50 and 200 conns, ≥0.9× at 1', versus('echo', 'iomux-uring-proactor', 'iomux-epoll-async'),
    (p) => p.x >= (many(p.r) ? 1.15 : 0.9), show('EventLoop'));
  target('echo protocol-uring: ≥1.3× the epoll EventLoop at 50 and 200 conns, ≥0.9× at 1', versus('echo', 'iomux-protocol-uring', 'iomux-epoll-async'),
    (p) => p.x >= (many(p.r) ? 1.3 : 0.9), show('EventLoop'));
  target('echo protocol-uring: ≥1.0× C epoll at 50 and 200 conns (moonshot)', versus('echo', 'iomux-protocol-uring', 'c-epoll', many), (p) => p.x >= 1, show('C epoll'));
  target('echo protocol-uring: within 1.3× of C io_uring at 50 and 200 conns', versus('echo', 'iomux-protocol-uring', 'c-uring', many), (p) => p.x >= 1 / 1.3, show('c-uring'));
  // Against c-epoll by name: the row's own ×C column is the same backend's anchor, c-uring.
  const httpC = versus('http', 'iomux-protocol-uring', 'c-epoll', (r) => r.params.conns === 50);
  target('HTTP protocol-uring: ≥0.95× C epoll and ≥4× node:http at 50 conns', httpC.filter((p) => p.r.ratios.node),
    (p) => p.x >= 0.95 && p.r.ratios.node.ratio >= 4, (p) => `conns=${p.r.params.conns}: ${p.x.toFixed(2)}× C epoll, ${p.r.ratios.node.ratio.toFixed(2)}× node:http`);
  target('TCP chain proactor: ≤1.0× C epoll per hop (A=100)', find((r) => r.workload === 'tcpchain' && r.contender === 'iomux-uring-proactor' && r.params.active === 100 && r.ratios.c),
    (r) => r.ratios.c.ratio <= 1, (r) => `${P(r)}: ${r.ratios.c.ratio.toFixed(2)}×`);
  // Against the -mt anchor where it ran (a Node process always has threads; c.c mt=1 has one
  // idle extra thread), else the single-threaded one; both figures are printed.
  for (const b of ['poll', 'select']) {
    const anchorOf = (r) => r.ratios.cMt ?? r.ratios.c;
    target(`chain ${b} sync: ≤1.1× C-mt (C with one idle thread) at N ≥ 1000`, find((r) => r.workload === 'chain' && r.contender === `iomux-${b}-sync` && r.params.n >= 1000 && anchorOf(r)),
      (r) => anchorOf(r).ratio <= 1.1, (r) => `${P(r)}: ${[r.ratios.cMt && `${r.ratios.cMt.ratio.toFixed(2)}× C-mt`, r.ratios.c && `${r.ratios.c.ratio.toFixed(2)}× C`].filter(Boolean).join(', ')}`);
  }
  const print = (s) => process.stdout.write(s + '\n');
  print('');
  print('== targets (bench/README.md, "Targets") ==');
  const judged = out.filter((t) => t.met !== null);
  for (const t of judged) print(`   ${t.met ? ' MET ' : 'MISSED'}  ${t.target}: ${t.detail}`);
  if (judged.length < out.length) print(`   (${out.length - judged.length} of ${out.length} have no figures in this run)`);
  return out;
}

module.exports = { aggregate, printTable, checkTargets, groupByTrial, median };
