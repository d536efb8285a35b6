// The table of a `--syscalls` run (bench/lib/syscalls.js): per server row, the syscalls per round
// trip (per request), their ratio to the C epoll server's, the JavaScript↔addon crossings of the
// iomux contenders, and the syscalls that make up the sum.
'use strict';
const { groupByTrial, median } = require('./report');

const PER = { echo: 'round trip', http: 'request' };

/** Each syscall's (addon function's) median per round trip over the samples, largest first. */
function breakdown(samples, key = 'bySyscall') {
  const names = new Set(samples.flatMap((s) => Object.keys(s[key] ?? {})));
  return [...names]
    .map((n) => [n, median(samples.map((s) => s[key]?.[n] ?? 0))])
    .filter(([, v]) => Math.abs(v) >= 0.005) // a negative one: the short run had more of it (a GC, a compilation)
    .sort((a, b) => b[1] - a[1]);
}

const f2 = (v) => (v === undefined ? '—' : v.toFixed(2));

function printSyscallTable(results, meta, machineLines, tracer) {
  const print = (s) => process.stdout.write(s + '\n');
  print('');
  print('iomux bench --syscalls — counted, not timed: the servers run under a tracer, which slows them several times over');
  for (const line of machineLines) print(line);
  print(tracer.name
    ? `syscalls: ${tracer.name === 'strace' ? 'strace -c -f' : 'perf trace -s'} attached to the server (every thread) for a short and a long client run; per round trip = the difference ÷ the difference in round trips`
    : `syscalls: — (${tracer.reason}); crossings only`);
  print('crossings: calls from JavaScript into the addon (in) + callbacks from the addon into JavaScript (out); iomux contenders only');
  print(`medians of ${meta.timing.runs} run(s); a slowed server batches more per wait than an unslowed one, so waits per round trip are a floor.`);
  let lastWorkload;
  const groups = groupByTrial(results);
  for (const rows of groups.values()) {
    const { workload, params } = rows[0];
    if (workload !== lastWorkload) {
      print('');
      print(`== ${workload}: syscalls and crossings per ${PER[workload]}, lower is better ==`);
      lastWorkload = workload;
    }
    print(`-- ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    print(`   ${'contender'.padEnd(20)} ${'syscalls'.padStart(8)} ${'min–max'.padStart(11)} ${'×C'.padStart(6)}  ${'crossings (calls in, callbacks out)'.padEnd(35)}  by syscall`);
    const anchor = rows.find((r) => r.contender === 'c-epoll' && r.extras?.syscalls !== undefined);
    for (const r of rows) {
      if (r.na) {
        print(`   ${r.contender.padEnd(20)} ${'n/a'.padStart(8)} (${r.na}${r.errors ? ': ' + r.errors[0] : ''})`);
        continue;
      }
      const e = r.extras;
      const ok = r.samples.filter((s) => !s.error);
      const sys = e.syscalls;
      const range = sys === undefined ? '' : `${f2(Math.min(...ok.map((s) => s.syscalls)))}–${f2(Math.max(...ok.map((s) => s.syscalls)))}`;
      const ratio = sys !== undefined && anchor ? `${(sys / anchor.extras.syscalls).toFixed(2)}×` : '–';
      const cross = e.crossings !== undefined ? `${f2(e.crossings)} (${f2(e.calls)} in, ${f2(e.callbacks)} out)` : ok[0].crossingsNa ? `— (${ok[0].crossingsNa})` : '—';
      const by = sys === undefined ? `— (${ok[0].syscallsNa})` : breakdown(ok).map(([n, v]) => `${n} ${v.toFixed(2)}`).join(', ');
      print(`   ${r.contender.padEnd(20)} ${f2(sys).padStart(8)} ${range.padStart(11)} ${ratio.padStart(6)}  ${cross.padEnd(35)}  ${by}`);
      const calls = breakdown(ok, 'byFunction');
      if (calls.length) print(`   ${''.padEnd(50)}by addon function: ${calls.map(([n, v]) => `${n} ${v.toFixed(2)}`).join(', ')}`);
    }
  }
}

module.exports = { printSyscallTable };
