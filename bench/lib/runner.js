// The one bench runner behind `npm run bench` (bench/run.js) and `npx iomux bench` (bin/iomux.js):
// picks the rows of bench/trials.js the options ask for, says for each row that cannot run here
// why not, runs every trial in its own process(es), interleaved run after run, then prints the
// machine, the table and the targets, and writes the JSON and the chart when asked.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { build, root, inRepo, cacheDir } = require('./build');
const { probe, describeMachine } = require('./machine');
const { runTrial, fdsNeeded } = require('./trial');
const { aggregate, printTable, checkTargets } = require('./report');
const { chart } = require('./chart');
const { findTracer } = require('./syscalls');
const { printSyscallTable } = require('./syscalls-report');
const { parseOptions, USAGE, UsageError } = require('./options');
const { contenders: builtIn, matrix, timing } = require('../trials');

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const describe = (t) => `${t.workload} ${t.contender} ${Object.entries(t.params).map(([k, v]) => `${k}=${v}`).join(' ')}`;
const TIERS = { quick: ['quick'], default: ['quick', 'default'], full: ['quick', 'default', 'full'] };

function fmtTime(s) {
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** The rows of the run: the tier's, narrowed by --workloads / --backends / --only; or the user's servers and their anchors. */
function selectRows(o, contenders) {
  const all = matrix({ sizes: o.fds, conns: o.conns });
  const group = (t) => `${t.workload} ${JSON.stringify(t.params)}`;
  if (o.servers.length) {
    const rows = [];
    for (const workload of o.workloads) {
      for (const conns of o.conns ?? [50]) {
        o.servers.forEach((_, i) => rows.push({ workload, contender: `server${i + 1}`, params: { conns } }));
        for (const anchor of ['c-epoll', workload === 'http' ? 'node-http' : 'node-net']) rows.push({ workload, contender: anchor, params: { conns } });
      }
    }
    return rows.filter((t) => !o.only || o.only.test(describe(t)));
  }
  const inTier = all.filter((t) => TIERS[o.mode].includes(t.tier));
  const groups = new Set(inTier.map(group));
  return all.filter((t) => {
    if (o.workloads && !o.workloads.includes(t.workload)) return false;
    if (o.only && !o.only.test(describe(t))) return false;
    const { backend } = contenders[t.contender];
    if (!o.backends) return inTier.includes(t);
    // Named backends: every contender of theirs in the tier's workloads and parameters; anchors without a backend as the tier has them.
    if (backend === undefined) return inTier.includes(t);
    return o.backends.includes(backend) && groups.has(group(t));
  });
}

/** Why a row cannot run on this machine (one line), or undefined. */
function whyNot(t, c, env) {
  if (t.na) return t.na;
  const noC = env.cc ? null : 'no C compiler on PATH (cc, gcc or clang)';
  if (c.backend === 'uring' && !env.uring.available) return `io_uring: ${env.uring.reason}`;
  if (c.lang === 'c' && !env.bins[c.bin ?? 'c']) return noC ?? env.buildErrors[c.bin ?? 'c'];
  if (c.lang === 'python' && !env.python) return 'no python3 on PATH';
  const b = c.backend && env.backends[c.backend];
  if (b && c.lang === 'iomux' && !b.exists) return `${b.name} is not in this version of iomux`;
  if (b && c.lang === 'iomux' && !b.available) return `${b.name} is not available on ${process.platform}`;
  // The C and CPython contenders call the OS directly: epoll is Linux's, kqueue the BSDs' and macOS's.
  const osHas = { epoll: process.platform === 'linux', kqueue: process.platform !== 'linux' };
  if ((c.lang === 'c' || c.lang === 'python') && osHas[c.backend] === false) return `${c.backend} is not on ${process.platform}`;
  if ((t.workload === 'echo' || t.workload === 'echo-multicore') && !env.bins['echo-client']) return `the echo load generator is C (bench/clients/echo-client.c): ${noC ?? env.buildErrors['echo-client']}`;
  if (env.syscalls && t.workload === 'http' && !env.bins['http-client']) return `--syscalls runs bench/clients/http-client.c (wrk cannot run without warm-up): ${noC ?? env.buildErrors['http-client']}`;
  if (env.syscalls && !env.syscalls.tracer.name && c.lang !== 'iomux' && c.lang !== 'iomux-protocol') return `syscalls: — (${env.syscalls.tracer.reason})`;
  if (t.workload === 'http' && !env.httpClient) return `no wrk on PATH, and bench/clients/http-client.c not built: ${noC ?? env.buildErrors['http-client']}`;
  const need = fdsNeeded(t);
  if (need > env.fds.soft && need > env.fds.hard) return `needs ${need} fds, the hard limit is ${env.fds.hard} (raise it: ulimit -Hn, LimitNOFILE)`;
  if (need > env.fds.soft && !env.fds.shell) return `needs ${need} fds, the soft limit is ${env.fds.soft} and /bin/sh is missing to raise it`;
  return undefined;
}

async function runMatrix(rows, contenders, env, T) {
  const started = Date.now();
  const runnable = rows.filter((t) => !t.na);
  const samples = new Map(runnable.map((t) => [t, []]));
  const total = runnable.length * T.runs;
  const tty = process.stderr.isTTY;
  let done = 0;
  let lastPct = -1;
  for (let run = 0; run < T.runs; run++) {
    // Interleave: each run walks the whole matrix, starting at a different place.
    const shift = Math.floor((run * runnable.length) / T.runs);
    const order = [...runnable.slice(shift), ...runnable.slice(0, shift)];
    for (const t of order) {
      const t0 = Date.now();
      const res = await runTrial(t, contenders[t.contender], env, T);
      res.wallMs = Date.now() - t0;
      samples.get(t).push(res);
      done++;
      const elapsed = (Date.now() - started) / 1e3;
      const eta = (elapsed / done) * (total - done);
      const line = `[${String(done).padStart(String(total).length)}/${total}] run ${run + 1}/${T.runs} ${fmtTime(elapsed)} elapsed, ~${fmtTime(eta)} left  ${describe(t)}${res.error ? '  ERROR: ' + res.error : ''}`;
      const pct = Math.floor((done * 20) / total);
      if (tty) process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns || 120) - 1)}`);
      else if (pct !== lastPct || res.error) {
        lastPct = pct;
        process.stderr.write(line + '\n');
      }
    }
  }
  if (tty && total) process.stderr.write('\n');
  return samples;
}

/** Runs the bench with the command-line arguments `argv` (after `bench`); resolves with the exit status. */
async function runBench(argv) {
  let o;
  try {
    o = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`iomux bench: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (process.platform !== 'linux') log(`${process.platform}: the C contender and the load generators are Linux programs (epoll, /proc); their rows will say so`);
  const started = Date.now();
  const T = { ...timing[o.mode] };
  if (o.runs) T.runs = o.runs;
  if (o.seconds) Object.assign(T, { mintime: o.seconds, echoSeconds: o.seconds, httpSeconds: o.seconds });
  // --syscalls: counts barely vary between runs; the long client run of each count (the short one is 0.05 s).
  if (o.syscalls) Object.assign(T, { runs: o.runs ?? 1, syscallSeconds: o.seconds ?? (o.mode === 'quick' ? 0.3 : 1) });
  const machine = probe();
  const { bins, errors: buildErrors, cc } = build(log);
  // wrk is the reference HTTP load generator; it cannot run less than a second.
  const httpClient = machine.wrk && T.httpSeconds >= 1 ? 'wrk' : bins['http-client'] ? 'http-client' : machine.wrk ? 'wrk' : null;
  machine.httpClient = httpClient === 'http-client' ? 'bench/clients/http-client.c' : httpClient;
  const env = { bins, buildErrors, cc, httpClient, python: Boolean(machine.python), taskset: machine.taskset, fds: machine.fds, uring: machine.uring, backends: machine.backends };
  if (o.syscalls) env.syscalls = { tracer: findTracer() };

  const contenders = { ...builtIn };
  o.servers.forEach((command, i) => (contenders[`server${i + 1}`] = { lang: 'user', command }));
  if (o.syscalls) log('--syscalls: the echo and HTTP rows, counted under a tracer (no timings)');
  const rows = selectRows(o, contenders).filter((t) => !o.syscalls || t.workload === 'echo' || t.workload === 'http').map((t) => {
    const why = whyNot(t, contenders[t.contender], env);
    return { ...t, backend: contenders[t.contender].backend, ...(why && { na: why }) };
  });
  const runnable = rows.filter((t) => !t.na);
  log(`${o.servers.length ? 'your servers and their anchors' : `${o.mode} matrix`}: ${runnable.length} trials × ${T.runs} runs, interleaved` +
    (o.mode === 'default' && !o.servers.length ? ' (--quick: a small one; --full: the whole one)' : ''));
  const samples = await runMatrix(rows, contenders, env, T);

  const results = aggregate(rows, samples);
  const seconds = (Date.now() - started) / 1e3;
  const meta = { date: new Date().toISOString(), mode: o.mode, seconds, timing: T, ...machine, loadavg: require('node:os').loadavg(), servers: o.servers, ...(o.syscalls && { tracer: env.syscalls.tracer.name ?? env.syscalls.tracer.reason }) };
  if (o.syscalls) printSyscallTable(results, meta, describeMachine(machine), env.syscalls.tracer);
  else printTable(results, meta, describeMachine(machine));
  const targets = o.servers.length || o.syscalls ? [] : checkTargets(results);
  const jsonFile = o.json ?? (inRepo && path.join(root, 'bench', 'results', o.syscalls ? 'syscalls.json' : 'latest.json'));
  const svgFile = o.svg ?? (inRepo && !o.syscalls && path.join(root, 'bench', 'results', 'latest.svg'));
  for (const [file, text] of [[jsonFile, () => JSON.stringify({ meta, rows: results, targets }, null, 2) + '\n'], [svgFile, () => chart(results, meta)]]) {
    if (!file) continue;
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text());
    const rel = path.relative(process.cwd(), path.resolve(file));
    log(`wrote ${rel.startsWith('..') ? path.resolve(file) : rel}`);
  }
  if (!inRepo && !o.json && !o.svg) log('--json FILE and --svg FILE save the samples and the chart');
  log(`done in ${fmtTime(seconds)}${Object.keys(bins).length ? `; C programs cached in ${cacheDir()}` : ''}`);
  return 0;
}

module.exports = { runBench, selectRows };
