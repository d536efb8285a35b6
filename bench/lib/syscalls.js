// `--syscalls`: where a server's time goes, counted rather than timed. For each echo or HTTP row,
// the server's syscalls per round trip (per request), counted by `strace -c -f` (or `perf trace -s`
// where strace is missing) attached to the running server, and for the iomux contenders the
// JavaScript↔addon crossings per round trip (bench/lib/count-calls.js). A tracer slows the server
// several times over, so these trials never give a timing figure, and the timing trials never run
// under a tracer. The count is a difference of two client runs against one server, each with the
// tracer attached just before the client starts and detached once the server has closed the
// client's connections (after an untraced run that warms the server up): a short one (the
// connections made and closed, a few round trips) and a long one; (long − short) ÷ (round trips of long − of short) leaves out the accepts, setsockopts
// and closes the two runs share, and the server's start.
'use strict';
const { setTimeout, clearTimeout } = require('node:timers');
const { setTimeout: sleep } = require('node:timers/promises');
const { spawn } = require('node:child_process');
const { which } = require('./machine');

const SHORT_S = 0.05;
const ATTACH_MS = 20000;

/** The tracer this machine has: { name, path } or { name: null, reason }. IOMUX_BENCH_TRACER=strace|perf|none picks one. */
function findTracer() {
  const forced = process.env.IOMUX_BENCH_TRACER;
  const names = forced && forced !== 'none' ? [forced] : forced === 'none' ? [] : ['strace', 'perf'];
  for (const name of names) {
    const p = which(name);
    if (p) return { name, path: p };
  }
  if (forced) return { name: null, reason: forced === 'none' ? 'IOMUX_BENCH_TRACER=none' : `IOMUX_BENCH_TRACER=${forced}: not on PATH` };
  return { name: null, reason: 'neither strace nor perf on PATH' };
}

/** `strace -c` summary lines: `% time seconds usecs/call calls [errors] syscall`. */
function parseStrace(text) {
  const calls = {};
  for (const line of text.split('\n')) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?([a-z_0-9]+)\s*$/.exec(line);
    if (m && m[2] !== 'total') calls[m[2]] = (calls[m[2]] ?? 0) + Number(m[1]);
  }
  return calls;
}

/** `perf trace -s` summary: per thread, lines `syscall calls errors total min avg max stddev`; summed. */
function parsePerf(text) {
  const calls = {};
  for (const line of text.split('\n')) {
    const m = /^\s+([a-z_0-9]+)\s+(\d+)\s+(\d+)\s+[\d.]+\s/.exec(line);
    if (m) calls[m[1]] = (calls[m[1]] ?? 0) + Number(m[2]);
  }
  return calls;
}

/**
 * Attaches the tracer to every thread of `pid`; resolves once it is attached with stop(), which
 * detaches it and resolves with { syscall: calls } (or rejects with the tracer's complaint).
 */
function attach(tracer, pid) {
  const args = tracer.name === 'strace' ? ['-c', '-f', '-p', String(pid)] : ['trace', '-s', '-p', String(pid)];
  const child = spawn(tracer.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  child.stdout.on('data', (d) => (err += d)); // perf trace writes its summary to either
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${tracer.name} did not attach in ${ATTACH_MS / 1000} s: ${err.trim().slice(-200)}`)), ATTACH_MS);
    child.stderr.on('data', (d) => {
      err += d;
      if (tracer.name === 'strace' && new RegExp(`Process ${pid} attached`).test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('error', (e) => reject(new Error(`cannot start ${tracer.name}: ${e.message}`)));
    closed.then(({ code }) => reject(new Error(`${tracer.name} exited ${code} before attaching: ${err.trim().split('\n').slice(-2).join(' | ').slice(0, 200)}`)));
    // perf trace says nothing when it is attached: give it a second.
    if (tracer.name === 'perf') setTimeout(() => (clearTimeout(timer), resolve()), 1000);
  });
  const stop = async () => {
    child.kill('SIGINT');
    await closed;
    const calls = (tracer.name === 'strace' ? parseStrace : parsePerf)(err);
    if (Object.keys(calls).length === 0) throw new Error(`${tracer.name} printed no summary: ${err.trim().split('\n').slice(-2).join(' | ').slice(0, 200)}`);
    return calls;
  };
  return ready.then(() => ({ stop }), (e) => {
    child.kill('SIGKILL');
    throw e;
  });
}

/**
 * Reads the crossing counts a counting iomux server prints (bench/lib/count-calls.js). Returns
 * `next(ms)`: the counts once a line came and no other followed for QUIET_MS (a server may accept
 * connections the client had already reset, and print again when it has closed those too), or
 * undefined when none came in `ms`.
 */
const QUIET_MS = 300;
function crossingReader(child) {
  let out = '';
  let last;
  let onLine;
  child.stdout.on('data', (d) => {
    out += d;
    const lines = out.split('\n');
    out = lines.pop();
    for (const line of lines) {
      if (!line.includes('"crossings"')) continue;
      last = JSON.parse(line).crossings;
      onLine?.();
    }
  });
  return (ms) => new Promise((resolve) => {
    let quiet;
    const timer = setTimeout(() => ((onLine = undefined), resolve(undefined)), ms);
    onLine = () => {
      clearTimeout(timer);
      clearTimeout(quiet);
      quiet = setTimeout(() => ((onLine = undefined), resolve(last)), QUIET_MS);
    };
  });
}

/**
 * One `--syscalls` trial of a server row: `start()` starts the server (with IOMUX_COUNT_CALLS=1 for
 * the iomux contenders) and resolves with { child, port }; `client.run(server, seconds)` runs the
 * load generator with no warm-up and resolves with its result (`client.seconds`: the long run's
 * length); `stop(child)` ends the server.
 */
async function syscallTrial({ start, client, stop, counting, tracer }) {
  let server;
  try {
    server = await start();
    const nextCrossings = counting ? crossingReader(server.child) : undefined;
    const points = [];
    let before;
    // A first run untraced, as long as the long one: it warms the server up (a JavaScript server
    // compiles its hot path, and would otherwise make the traced short run pay for it), and
    // the crossing counts, cumulative, get a start.
    for (const [i, seconds] of [client.seconds, SHORT_S, client.seconds].entries()) {
      const traced = tracer.name && i > 0 ? await attach(tracer, server.child.pid) : undefined;
      const crossingsLine = nextCrossings?.(10000 + seconds * 1000);
      const res = await client.run(server, seconds);
      if (res.error) {
        await traced?.stop().catch(() => undefined);
        return res;
      }
      // The server closes the client's connections after it has gone: wait for that (the counts
      // line of an iomux server says so; a C server gets a moment) before detaching.
      const after = await (crossingsLine ?? sleep(300));
      const calls = traced ? await traced.stop() : undefined;
      if (i > 0) points.push({ count: res.roundTrips ?? res.requests, calls, crossings: after && before && minus(after, before) });
      before = after;
    }
    return perRoundTrip(points, tracer, counting);
  } catch (err) {
    return { error: err.message };
  } finally {
    if (server) await stop(server.child);
  }
}

/** Crossing counts `a` − `b`: one client run's, from the cumulative counts after it and before it. */
function minus(a, b) {
  const byName = {};
  for (const [name, v] of Object.entries(a.byName ?? {})) byName[name] = v - (b.byName?.[name] ?? 0);
  return { calls: a.calls - b.calls, callbacks: a.callbacks - b.callbacks, byName };
}

/** The difference of the two points, per round trip: every syscall's, their sum, the crossings. */
function perRoundTrip([a, b], tracer, counting) {
  const n = b.count - a.count;
  // A server starved of CPU by the rest of the machine for the long run's length (the runner
  // tries once more, longer).
  if (!(n > 0)) return { error: `no more round trips in the long run (${b.count}) than in the short one (${a.count})`, starved: true };
  const out = { roundTrips: b.count, countedRoundTrips: n };
  if (b.calls) {
    const bySyscall = {};
    for (const name of new Set([...Object.keys(a.calls), ...Object.keys(b.calls)])) {
      const d = ((b.calls[name] ?? 0) - (a.calls[name] ?? 0)) / n;
      if (Math.abs(d) >= 0.005) bySyscall[name] = d;
    }
    out.syscalls = Object.values(bySyscall).reduce((s, v) => s + v, 0);
    out.bySyscall = bySyscall;
    out.tracer = tracer.name;
    out.metric = out.syscalls;
  } else {
    out.syscallsNa = tracer.reason;
  }
  if (counting) {
    if (a.crossings && b.crossings) {
      out.calls = (b.crossings.calls - a.crossings.calls) / n;
      out.callbacks = (b.crossings.callbacks - a.crossings.callbacks) / n;
      out.crossings = out.calls + out.callbacks;
      out.byFunction = {};
      for (const [name, v] of Object.entries(b.crossings.byName ?? {})) {
        const d = (v - (a.crossings.byName?.[name] ?? 0)) / n;
        if (Math.abs(d) >= 0.005) out.byFunction[name] = d;
      }
      out.metric ??= out.crossings;
    } else {
      out.crossingsNa = 'the server printed no counts (its connections are not accepted through accept(2))';
    }
  }
  if (out.metric === undefined) return { error: `nothing to count: ${tracer.reason}` };
  return out;
}

module.exports = { findTracer, syscallTrial, parseStrace, parsePerf };
