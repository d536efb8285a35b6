// One trial, one process: start the contender (pinned to core 0), and for servers the load
// generator (pinned to core 1: bench/clients/echo-client, wrk or bench/clients/http-client);
// return one result object with `metric` (the figure the table ranks by) or `error`.
'use strict';
const { setTimeout, clearTimeout } = require('node:timers');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { syscallTrial } = require('./syscalls');

const contenderDir = path.join(__dirname, '..', 'contenders');
const START_MS = 20000;
// echo-multicore's shortest window: each worker thread warms up its own JIT, and 10 ms CPU ticks
// over a short window would rate the warm-up, not the server.
const MULTICORE_MIN = { warmup: 0.5, seconds: 1 };

/** [cmd, args, extraEnv] of a contender. */
function command(c, workload, params, env, T) {
  const args = [`workload=${workload}`, ...Object.entries(params).map(([k, v]) => `${k}=${v}`), `mintime=${T.mintime}`];
  if (c.backend) args.push(`backend=${c.backend}`);
  if (c.mode) args.push(`mode=${c.mode}`);
  if (c.workers) args.push(`workers=${c.workers}`);
  if (c.mt) args.push('mt=1');
  switch (c.lang) {
    case 'c':
      return [env.bins[c.bin ?? 'c'], args];
    case 'python':
      return ['python3', [path.join(contenderDir, 'python.py'), ...args]];
    case 'user':
      return userCommand(c.command);
    default:
      return [process.execPath, [path.join(contenderDir, `${c.lang}.js`), ...args]];
  }
}

/**
 * A user's server command line, run by /bin/sh with `exec`, so that the process the bench measures
 * (and kills) is the server itself; leading NAME=value words become its environment.
 */
function userCommand(text) {
  // env(1) takes the leading NAME=value words and execs the rest in the same process; the shell
  // does the quoting (FOO='a b' stays one value).
  return ['/bin/sh', ['-c', `exec env ${text.trim()}`], {}];
}

/**
 * How many fds a trial's processes need: 2N socket ends (3N for a moment while laid out, up to
 * N=5000), or a socket per connection; plus the process's own (a Node process holds about 20,
 * which is why N=9990 is the largest chain under a 20,000-fd limit).
 */
function fdsNeeded(t) {
  if (t.workload === 'chain' || t.workload === 'tcpchain') return t.params.n * (t.params.n <= 5000 ? 3 : 2) + 20;
  return t.params.conns + 64;
}

// echo-multicore pins nothing: a server of 2 threads on one core would show nothing.
function pinned(env, core, [cmd, args, extraEnv]) {
  return env.taskset && core !== null ? ['taskset', ['-c', String(core), cmd, ...args], extraEnv] : [cmd, args, extraEnv];
}

/** Raises the soft fd limit for one child (Node cannot call setrlimit): sh's ulimit, then exec. */
function limited(need, env, [cmd, args, extraEnv]) {
  if (need <= env.fds.soft) return [cmd, args, extraEnv];
  return ['/bin/sh', ['-c', `ulimit -S -n ${need} && exec "$@"`, 'sh', cmd, ...args], extraEnv];
}

function prepared(t, env, core, cmdArgs) {
  return limited(fdsNeeded(t), env, pinned(env, t.workload === 'echo-multicore' ? null : core, cmdArgs));
}

function spawnWith([cmd, args, extraEnv], opts = {}) {
  return spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(extraEnv && { env: { ...process.env, ...extraEnv } }), ...opts });
}

// Runs to the end; resolves with the last JSON line of stdout.
function runToEnd(cmdArgs, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawnWith(cmdArgs);
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => (err += e.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      try {
        if (code !== 0) throw new Error();
        resolve(JSON.parse(line));
      } catch {
        resolve({ error: `${path.basename(cmdArgs[0])} exited ${signal ?? code}: ${(err || out).trim().split('\n').slice(-2).join(' | ').slice(0, 200)}` });
      }
    });
  });
}

/** A port nobody listens on now (for a server that takes PORT from its environment). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The port a server announces on a stdout line: `{"port": P}` or `… listening on [host:]P`. */
function announcedPort(line) {
  const json = /^\s*\{.*"port"\s*:\s*(\d+)/.exec(line);
  const text = /listening\b.*?(\d{2,5})\s*\/?\s*$/i.exec(line);
  return Number((json ?? text)?.[1]) || undefined;
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s.destroy() || true));
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts a server; resolves with { child, port } once it announced its port on stdout, or (when
 * `port` is given: the PORT it was handed) once that port accepts a connection.
 */
function startServer(cmdArgs, port) {
  return new Promise((resolve, reject) => {
    const [cmd, args, extraEnv] = cmdArgs;
    const child = spawnWith([cmd, args, { ...extraEnv, ...(port && { PORT: String(port) }) }], { detached: true });
    let out = '';
    let err = '';
    let settled = false;
    const done = (f) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(probe);
      f();
    };
    const timer = setTimeout(() => {
      killGroup(child);
      done(() => reject(new Error(`server did not start in ${START_MS / 1000} s: ${(err || out).trim().slice(-200)}`)));
    }, START_MS);
    let probe;
    const poll = async () => {
      if (settled) return;
      if (await canConnect(port)) done(() => resolve({ child, port }));
      else probe = setTimeout(poll, 50);
    };
    if (port) probe = setTimeout(poll, 50);
    child.on('error', (e) => done(() => reject(new Error(`cannot start ${cmd}: ${e.message}`))));
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.stdout.on('data', (d) => {
      if (settled) return;
      out += d;
      for (const line of out.split('\n').slice(0, -1)) {
        const p = announcedPort(line);
        if (p) return done(() => resolve({ child, port: p }));
      }
    });
    child.on('exit', (code, signal) => done(() => reject(new Error(`server exited ${signal ?? code}: ${(err || out).trim().split('\n').slice(-2).join(' | ').slice(0, 200)}`))));
  });
}

/** SIGKILL to the server's process group (it was started detached: a group of its own). */
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.stdout.destroy();
    child.stderr.destroy();
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    killGroup(child);
  });
}

/**
 * A process's CPU time in seconds: its living threads' run time in nanoseconds
 * (/proc/PID/task/TID/schedstat, as the C load generators read it), or where that is missing
 * utime + stime from /proc/PID/stat, in 10 ms ticks.
 */
function cpuSeconds(pid) {
  let ns = 0;
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    // no task list: the tick count below
  }
  for (const tid of tids) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended since the listing (its time is not counted, as in the C clients)
    }
  }
  if (ns > 0) return ns / 1e9;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // fields 14, 15; USER_HZ is 100 on Linux
}

// A server that got no CPU time in the window cannot be rated.
function noCpu(pid) {
  return `server (pid ${pid}) used no measurable CPU time in the window: run longer (--seconds), or run the server itself, not a wrapper that forks it`;
}

function wrkDuration(v, unit) {
  return Number(v) * { us: 1, ms: 1e3, s: 1e6, m: 6e7 }[unit];
}

function parseWrk(text) {
  const req = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(text);
  const p = (q) => {
    const m = new RegExp(`\\s${q}%\\s+([\\d.]+)(us|ms|s|m)`).exec(text);
    return m ? wrkDuration(m[1], m[2]) : undefined;
  };
  if (!req) throw new Error(`cannot read wrk output: ${text.slice(0, 200)}`);
  const seconds = wrkDuration(req[2], req[3]) / 1e6;
  const errors = /Socket errors: (.*)/.exec(text)?.[1];
  return { requests: Number(req[1]), seconds, rate: Number(req[1]) / seconds, p50Us: p(50), p99Us: p(99), ...(errors && { socketErrors: errors }) };
}

async function wrkTrial(t, env, T, server) {
  const pid = server.child.pid;
  const cpu0 = cpuSeconds(pid);
  const wrk = ['wrk', ['-t1', `-c${t.params.conns}`, `-d${Math.max(1, Math.round(T.httpSeconds))}s`, '--latency', `http://127.0.0.1:${server.port}/`]];
  const text = await new Promise((resolve) => {
    const child = spawnWith(prepared(t, env, 1, wrk));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => resolve(out));
  });
  const serverCpuS = cpuSeconds(pid) - cpu0;
  if (!(serverCpuS > 0)) return { error: noCpu(pid), starved: true };
  const res = parseWrk(text);
  return { ...res, serverCpuS, metric: res.requests / serverCpuS, cpuShare: serverCpuS / res.seconds };
}

async function serverTrial(t, c, env, T) {
  let server;
  try {
    // A user's server is handed a free port in PORT (and may announce another); ours announce theirs.
    const port = c.lang === 'user' ? await freePort() : undefined;
    server = await startServer(prepared(t, env, 0, command(c, t.workload, {}, env, T)), port);
    const pid = server.child.pid;
    if (t.workload === 'http' && env.httpClient === 'wrk') return await wrkTrial(t, env, T, server);
    const [bin, warmup, seconds] = t.workload === 'echo-multicore'
      ? [env.bins['echo-client'], Math.max(T.echoWarmup, MULTICORE_MIN.warmup), Math.max(T.echoSeconds, MULTICORE_MIN.seconds)]
      : t.workload === 'echo'
        ? [env.bins['echo-client'], T.echoWarmup, T.echoSeconds]
        : [env.bins['http-client'], T.echoWarmup, T.httpSeconds];
    const client = [bin, [server.port, t.params.conns, warmup, seconds, pid].map(String)];
    const res = await runToEnd(prepared(t, env, 1, client), 60000 + seconds * 2000);
    if (res.error) return res;
    if (!(res.serverCpuS > 0)) return { error: noCpu(pid), starved: true };
    const count = res.roundTrips ?? res.requests;
    return { ...res, metric: count / res.serverCpuS, cpuShare: res.serverCpuS / res.seconds };
  } catch (err) {
    return { error: err.message };
  } finally {
    if (server) await stopServer(server.child);
  }
}

/** `--syscalls` (bench/lib/syscalls.js): the server's syscalls and, for iomux, crossings per round trip. */
async function countingTrial(t, c, env, T) {
  const counting = c.lang === 'iomux' || c.lang === 'iomux-protocol';
  const [cmd, args, extraEnv] = prepared(t, env, 0, command(c, t.workload, {}, env, T));
  const port = c.lang === 'user' ? await freePort() : undefined;
  const bin = env.bins[t.workload === 'echo' ? 'echo-client' : 'http-client'];
  return syscallTrial({
    tracer: env.syscalls.tracer,
    counting,
    start: () => startServer([cmd, args, { ...extraEnv, ...(counting && { IOMUX_COUNT_CALLS: '1' }) }], port),
    client: {
      seconds: T.syscallSeconds,
      run: (server, s) => runToEnd(prepared(t, env, 1, [bin, [server.port, t.params.conns, 0, s, server.child.pid].map(String)]), 60000 + s * 4000),
    },
    stop: stopServer,
  });
}

/** Runs one trial in its own process(es). */
async function runTrial(t, c, env, T) {
  // A server starved by a busy machine (fewer round trips in the long run than in the short
  // one): once more, with a long run four times as long, before the trial counts as failed.
  if (env.syscalls) {
    const counted = await countingTrial(t, c, env, T);
    return counted.starved ? countingTrial(t, c, env, { ...T, syscallSeconds: 4 * T.syscallSeconds }) : counted;
  }
  if (t.workload === 'chain' || t.workload === 'tcpchain') {
    const res = await runToEnd(prepared(t, env, 0, command(c, t.workload, t.params, env, T)), 120000);
    return res.error ? res : { ...res, metric: res.nsPerHop };
  }
  // A server given no CPU for a whole short window (a busy machine) cannot be rated: once more,
  // with a window four times as long, before the trial counts as failed.
  const res = await serverTrial(t, c, env, T);
  if (!res.starved) return res;
  return serverTrial(t, c, env, { ...T, echoSeconds: 4 * T.echoSeconds, httpSeconds: 4 * T.httpSeconds });
}

module.exports = { runTrial, fdsNeeded };
