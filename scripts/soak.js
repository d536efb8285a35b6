#!/usr/bin/env node
// The soak: `npm run soak -- --minutes N` (default 1) runs a mixed load in this process for N
// minutes (`--terminate-during-start`: every worker it terminates, terminated while it loads the
// addon, not only half) (scripts/soak/load.js: EventLoop and selectAsync echo servers, connection churn, timers,
// worker threads) driven by a node client process (scripts/soak/client.js), and samples fds
// (/proc/self/fd), heap used and RSS every few seconds. It fails (exit 1, samples printed) if, from
// the end of the warm-up (20% of the run, at least 15 s) to the end, fds grew at all, heap (after a
// gc) grew 10 MB or more, or RSS grew 20 MB or more. Both of those measurements are taken with
// the load paused and everything in flight finished, so that only leaks differ.
'use strict';
const { performance } = require('node:perf_hooks');
const { setTimeout } = require('node:timers');
const { spawn } = require('node:child_process');
const { readdirSync } = require('node:fs');
const path = require('node:path');
const { Load } = require('./soak/load');

const MB = 1024 * 1024;
const LIMITS = { fds: 0, heapMB: 10, rssMB: 20 }; // growth that fails, from warm-up to end (fds: any)

function parseMinutes(argv) {
  const i = argv.indexOf('--minutes');
  if (i < 0) return 1;
  const minutes = Number(argv[i + 1]);
  if (!(minutes > 0)) {
    console.error(`soak: --minutes wants a positive number, got ${argv[i + 1]}`);
    process.exit(2);
  }
  return minutes;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function sample(t0, load, label) {
  globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  return {
    label,
    seconds: Math.round((performance.now() - t0) / 1000),
    fds: readdirSync('/proc/self/fd').length,
    heapMB: +(heapUsed / MB).toFixed(1),
    rssMB: +(rss / MB).toFixed(1),
    echoes: load.counts.echoes,
  };
}

// The client's next "paused …" line.
function clientPaused(client) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      if (!/paused \d+\n/.test(buffered)) return;
      client.stdout.off('data', onData);
      client.off('exit', onExit);
      resolve(Number(/paused (\d+)/.exec(buffered)[1]));
    };
    const onExit = (code) => reject(new Error(`soak client exited (${code}) before pausing`));
    client.stdout.on('data', onData);
    client.on('exit', onExit);
  });
}

// Pauses the client and the load and waits until nothing is in flight, then measures.
async function quiesced(t0, client, load, label, command = 'pause') {
  const paused = clientPaused(client);
  client.stdin.write(`${command}\n`);
  load.pause();
  const clientRoundTrips = await paused;
  for (let waited = 0; !load.idle(); waited += 10) {
    if (waited > 30_000) throw new Error(`soak: load not idle after 30 s (open ${load.open}, workers ${load.workers.size}, self ${load.churning})`);
    await sleep(10);
  }
  await sleep(100); // let closed workers' threads and the loops' waits settle
  return { ...sample(t0, load, label), clientRoundTrips };
}

async function main() {
  if (typeof globalThis.gc !== 'function') {
    console.error('soak: run node with --expose-gc (npm run soak does)');
    process.exit(2);
  }
  const minutes = parseMinutes(process.argv);
  const totalMs = minutes * 60_000;
  const warmupMs = Math.max(15_000, totalMs * 0.2);
  const everyMs = Math.min(10_000, Math.max(2_000, totalMs / 60));
  const t0 = performance.now();
  const load = new Load({ terminateDuringStart: process.argv.includes('--terminate-during-start') });
  load.start();
  const client = spawn(process.execPath, [path.join(__dirname, 'soak/client.js'), ...load.ports().map(String)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  client.stdout.setEncoding('utf8');

  const samples = [];
  let warm;
  const print = (s) => console.log(`soak ${JSON.stringify(s)}`);
  while (performance.now() - t0 < totalMs && load.failure === undefined) {
    await sleep(Math.min(everyMs, totalMs - (performance.now() - t0)));
    if (warm === undefined && performance.now() - t0 >= warmupMs) {
      warm = await quiesced(t0, client, load, 'warm');
      client.stdin.write('resume\n');
      load.resume();
      samples.push(warm);
    } else {
      samples.push(sample(t0, load, 'running'));
    }
    print(samples.at(-1));
  }
  const end = await quiesced(t0, client, load, 'end', 'stop');
  samples.push(end);
  print(end);
  await load.stop();

  const failures = [];
  if (load.failure !== undefined) failures.push(`load failed: ${load.failure.stack ?? load.failure}`);
  if (warm === undefined) failures.push('the run ended before the warm-up did');
  else {
    const grew = { fds: end.fds - warm.fds, heapMB: end.heapMB - warm.heapMB, rssMB: end.rssMB - warm.rssMB };
    if (grew.fds > LIMITS.fds) failures.push(`fds grew by ${grew.fds}`);
    if (grew.heapMB >= LIMITS.heapMB) failures.push(`heap grew by ${grew.heapMB.toFixed(1)} MB`);
    if (grew.rssMB >= LIMITS.rssMB) failures.push(`RSS grew by ${grew.rssMB.toFixed(1)} MB`);
  }
  const c = load.counts;
  const at = (s, key) => (s === undefined ? '?' : s[key]);
  console.log(
    `soak ${failures.length ? 'FAILED' : 'ok'}: ${minutes} min; ` +
      `fds ${at(warm, 'fds')}→${end.fds}, heap ${at(warm, 'heapMB')}→${end.heapMB} MB, RSS ${at(warm, 'rssMB')}→${end.rssMB} MB (warm-up→end); ` +
      `${c.echoes} echoes (${end.clientRoundTrips} client round trips), ${c.accepted} connections accepted, ${c.selfConnections} sock* connections, ` +
      `${c.timers} timer callbacks, ${c.workers} workers (${c.terminated} terminated)`,
  );
  if (failures.length) {
    console.log(failures.join('\n'));
    for (const s of samples) print(s);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error('soak:', err);
  process.exit(1);
});
