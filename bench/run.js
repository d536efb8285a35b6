// `npm run bench` (`-- --full` for the whole matrix): builds what it needs, runs every trial of
// bench/trials.js in its own process (servers on core 0, load generators on core 1), trials
// interleaved run after run, then prints the table, writes bench/results/latest.json and
// bench/results/latest.svg. Options: --full, --runs=N, --only=REGEX (on "workload contender params").
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { build, root } = require('./lib/build');
const { runTrial } = require('./lib/trial');
const { aggregate, printTable, checkTargets } = require('./lib/report');
const { chainChart } = require('./lib/chart');
const { contenders, trials, timing } = require('./trials');

const argv = process.argv.slice(2);
const FULL = argv.includes('--full');
const flag = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = flag('only') && new RegExp(flag('only'));
const T = { ...timing[FULL ? 'full' : 'default'] };
if (flag('runs')) T.runs = Number(flag('runs'));
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

const describe = (t) => `${t.workload} ${t.contender} ${Object.entries(t.params).map(([k, v]) => `${k}=${v}`).join(' ')}`;

function fmtTime(s) {
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

async function main() {
  const started = Date.now();
  const env = build(log);
  let rows = trials.filter((t) => FULL || !t.full).filter((t) => !only || only.test(describe(t)));
  const skipped = [];
  const runnable = rows.filter((t) => {
    if (t.na) return false;
    const lang = contenders[t.contender].lang;
    const why = (t.workload === 'http' && !env.wrk && 'no wrk') || (lang === 'python' && !env.python && 'no python3');
    if (why) skipped.push({ ...t, why });
    return !why;
  });
  log(`${FULL ? 'FULL matrix' : 'default matrix (the reduced one; `npm run bench -- --full` runs the whole matrix)'}: ` +
    `${runnable.length} trials × ${T.runs} runs, interleaved; ${trials.filter((t) => t.full).length} rows are --full only` +
    (env.taskset ? '; servers on core 0, load generators on core 1' : '; taskset missing: no pinning'));
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
      if (tty) process.stderr.write(`\r\x1b[K${line.slice(0, process.stderr.columns - 1 || 120)}`);
      else if (pct !== lastPct || res.error) {
        lastPct = pct;
        process.stderr.write(line + '\n');
      }
    }
  }
  if (tty) process.stderr.write('\n');
  const results = aggregate(rows, samples, skipped);
  const seconds = (Date.now() - started) / 1e3;
  const meta = {
    date: new Date().toISOString(),
    mode: FULL ? 'full' : 'default',
    seconds,
    timing: T,
    node: process.version,
    python: env.python ? require('node:child_process').execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim() : null,
    kernel: os.release(),
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    loadavg: os.loadavg(),
    pinned: env.taskset,
  };
  printTable(results, meta);
  const targets = checkTargets(results);
  const outDir = path.join(__dirname, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ meta, rows: results, targets }, null, 2) + '\n');
  try {
    fs.writeFileSync(path.join(outDir, 'latest.svg'), await chainChart(results));
  } catch (err) {
    log(`chart not written: ${err.message}`);
  }
  log(`wrote ${path.relative(root, path.join(outDir, 'latest.json'))} and latest.svg in ${fmtTime(seconds)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
