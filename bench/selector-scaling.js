// Selector scaling, libevent-style (libevent's test/bench.c): N socketpairs, each read end
// registered for EVENT_READ on one EpollSelector; one active chain: a byte written to pair 0 is
// read by its callback, which writes a byte to pair 1, and so on around the ring, for HOPS hops per
// round. Only one fd is ever ready, so a round should cost the same with 100 or ~10,000 registered
// fds if the selector's per-wait work grows with ready fds only.
//
// Usage: npx tsc -p tsconfig.build.json && node bench/selector-scaling.js [--hops 1000] [--rounds 30] [--trials 3]
// Each N runs in its own process (docs/DESIGN.md principle 12). Pass --c to also run bench/scaling.c
// (built with cc into /tmp) for the same loop in C.
'use strict';
const { spawnSync, execFileSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { Buffer } = require('node:buffer');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const HOPS = opt('--hops', 1000);
const ROUNDS = opt('--rounds', 30);
const SMALL = 100;
const LARGE = opt('--large', 9990);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function trial(n) {
  const { EpollSelector, EVENT_READ } = require(path.join(root, 'dist', 'selectors'));
  const { socketpair } = require(path.join(root, 'dist', 'socket'));
  const sel = new EpollSelector();
  const pairs = [];
  for (let i = 0; i < n; i++) {
    const [r, w] = socketpair();
    r.setblocking(false);
    w.setblocking(false);
    sel.register(r, EVENT_READ, i);
    pairs.push([r, w]);
  }
  const byte = Buffer.from('e');
  const buf = Buffer.alloc(16);
  function round() {
    let writes = HOPS - 1;
    let fired = 0;
    pairs[0][1].trySend(byte);
    while (fired < HOPS) {
      const ready = sel.select(null);
      for (let k = 0; k < ready.length; k++) {
        const i = ready[k][0].data;
        pairs[i][0].tryRecvInto(buf, 16);
        fired++;
        if (writes > 0) {
          pairs[(i + 1) % n][1].trySend(byte);
          writes--;
        }
      }
    }
  }
  for (let i = 0; i < 5; i++) round(); // warm up
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    round();
    times.push(performance.now() - t0);
  }
  sel.close();
  for (const [r, w] of pairs) {
    r.close();
    w.close();
  }
  return { n, hops: HOPS, usPerRound: median(times) * 1000 };
}

function runTrial(n) {
  const child = spawnSync(process.execPath, [path.join(__dirname, 'selector-scaling.js'), '--trial', String(n), '--hops', String(HOPS), '--rounds', String(ROUNDS)], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`trial ${n} failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

function runC(n) {
  const bin = '/tmp/iomux-scaling';
  execFileSync('cc', ['-O2', '-o', bin, path.join(__dirname, 'scaling.c')]);
  return JSON.parse(execFileSync(bin, [String(n), String(HOPS), String(ROUNDS)], { encoding: 'utf8' }));
}

if (args[0] === '--trial') {
  process.stdout.write(JSON.stringify(trial(Number(args[1]))));
} else {
  if (!fs.existsSync(path.join(root, 'dist', 'selectors', 'index.js'))) {
    console.error('dist/ is missing: run `npx tsc -p tsconfig.build.json` first');
    process.exit(1);
  }
  // 9,990 pairs (all but the one the chain is on are idle): 19,980 fds, what the fd limit of
  // 20,000 here allows beside Node's own fds.
  const sizes = [SMALL, LARGE];
  const show = (label, small, large) => {
    console.log(`${label}: ${SMALL} registered: ${small.toFixed(1)} us/round; ${LARGE} registered: ${large.toFixed(1)} us/round; ratio ${(large / small).toFixed(3)} (${HOPS} hops/round, median of ${ROUNDS})`);
  };
  // Trials alternate between the sizes, TRIALS times each; the best median of each size is kept,
  // so that load from other processes on the machine inflates neither side unevenly.
  const TRIALS = opt('--trials', 3);
  const best = (run) => {
    const got = sizes.map(() => Infinity);
    for (let t = 0; t < TRIALS; t++) sizes.forEach((n, i) => (got[i] = Math.min(got[i], run(n).usPerRound)));
    return got;
  };
  const [small, large] = best(runTrial);
  show('EpollSelector (iomux)', small, large);
  if (args.includes('--c')) {
    const [cs, cl] = best(runC);
    show('epoll in C          ', cs, cl);
  }
}
