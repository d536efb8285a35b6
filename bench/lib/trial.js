// One trial, one process: start the contender (pinned to core 0), and for servers the load
// generator (pinned to core 1: bench/clients/echo-client or wrk); return one result object
// with `metric` (the figure the table ranks by) or `error`.
'use strict';
const { setTimeout, clearTimeout } = require('node:timers');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const contenderDir = path.join(__dirname, '..', 'contenders');

function command(c, workload, params, env, T) {
  const args = [`workload=${workload}`, ...Object.entries(params).map(([k, v]) => `${k}=${v}`), `mintime=${T.mintime}`];
  if (c.backend) args.push(`backend=${c.backend}`);
  if (c.mode) args.push(`mode=${c.mode}`);
  switch (c.lang) {
    case 'c':
      return [env.bins.c, args];
    case 'python':
      return ['python3', [path.join(contenderDir, 'python.py'), ...args]];
    default:
      return [process.execPath, [path.join(contenderDir, `${c.lang}.js`), ...args]];
  }
}

function pinned(env, core, [cmd, args]) {
  return env.taskset ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];
}

// Runs to the end; resolves with the last JSON line of stdout.
function runToEnd([cmd, args], timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      try {
        if (code !== 0) throw new Error();
        resolve(JSON.parse(line));
      } catch {
        resolve({ error: `${path.basename(cmd)} exited ${signal ?? code}: ${(err || out).trim().split('\n').slice(-2).join(' | ').slice(0, 200)}` });
      }
    });
  });
}

// Starts a server; resolves with { child, port } once it printed {"port": P}.
function startServer([cmd, args]) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${err.slice(0, 200)}`));
    }, 20000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ child, port: JSON.parse(out.slice(0, nl)).port });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${err.trim().slice(-200)}`));
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** utime + stime of a process (all its threads, living and ended), in seconds, from /proc/PID/stat. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // fields 14, 15; USER_HZ is 100 on Linux
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

async function serverTrial(t, c, env, T) {
  let server;
  try {
    server = await startServer(pinned(env, 0, command(c, t.workload, {}, env, T)));
    const pid = server.child.pid;
    if (t.workload === 'echo') {
      const client = [env.bins['echo-client'], [server.port, t.params.conns, T.echoWarmup, T.echoSeconds, pid].map(String)];
      const res = await runToEnd(pinned(env, 1, client), 60000);
      if (res.error) return res;
      return { ...res, metric: res.roundTrips / res.serverCpuS, cpuShare: res.serverCpuS / res.seconds };
    }
    const cpu0 = cpuSeconds(pid);
    const wrk = ['wrk', ['-t1', `-c${t.params.conns}`, `-d${T.wrkSeconds}s`, '--latency', `http://127.0.0.1:${server.port}/`]];
    const text = await new Promise((resolve) => {
      const [cmd, args] = pinned(env, 1, wrk);
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(out));
    });
    const serverCpuS = cpuSeconds(pid) - cpu0;
    const res = parseWrk(text);
    return { ...res, serverCpuS, metric: res.requests / serverCpuS, cpuShare: serverCpuS / res.seconds };
  } catch (err) {
    return { error: err.message };
  } finally {
    if (server) await stopServer(server.child);
  }
}

/** Runs one trial in its own process(es). */
async function runTrial(t, c, env, T) {
  if (t.workload === 'chain' || t.workload === 'tcpchain') {
    const res = await runToEnd(pinned(env, 0, command(c, t.workload, t.params, env, T)), 120000);
    return res.error ? res : { ...res, metric: res.nsPerHop };
  }
  return serverTrial(t, c, env, T);
}

module.exports = { runTrial };
