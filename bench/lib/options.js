// The bench's command line, the same for `npm run bench -- …` and `npx iomux bench …`: a value
// goes after the flag or after `=` (`--runs 3`, `--runs=3`); lists are comma-separated.
'use strict';

const USAGE = `usage: iomux bench [options]
  --quick                 a small matrix in under 30 s (epoll, N=100 and 1000, 50 connections)
  --full                  the whole matrix (much longer)
  --backends LIST         epoll,poll,select,uring (every contender of those backends)
  --workloads LIST        chain,tcpchain,echo,http,echo-multicore
  --fds LIST              registered fds of the chain workloads, e.g. 100,1000,10000
  --conns LIST            connections of the echo and HTTP workloads, e.g. 1,50,200
  --seconds S             length of each trial's measurement
  --runs N                runs of the whole matrix (the table shows medians)
  --server CMD            your own server (repeatable): "node my-server.js", run under the echo
                          or HTTP load generator (--workloads echo or http; http by default)
  --only REGEX            only the rows whose "workload contender k=v …" matches
  --syscalls              count instead of timing (echo and HTTP rows): the server's syscalls
                          per round trip (strace -c, else perf trace) and iomux's JS↔native
                          crossings per round trip
  --json FILE             every sample, the medians and the machine, as JSON
  --svg FILE              the chart: ns per hop against registered fds; server rates as bars
  -h, --help              this text`;

const LISTS = { backends: ['epoll', 'poll', 'select', 'kqueue', 'uring'], workloads: ['chain', 'tcpchain', 'echo', 'http', 'echo-multicore'] };

class UsageError extends Error {}

function numbers(name, text, integer) {
  return text.split(',').map((s) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new UsageError(`--${name}: ${JSON.stringify(s)} is not a positive ${integer ? 'integer' : 'number'}`);
    }
    return v;
  });
}

function names(name, text) {
  const got = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = got.filter((s) => !LISTS[name].includes(s));
  if (bad.length || got.length === 0) throw new UsageError(`--${name}: ${bad.join(',') || '(empty)'} not one of ${LISTS[name].join(', ')}`);
  return got;
}

/** argv (after the command) → options; throws UsageError on anything it does not know. */
function parseOptions(argv) {
  const o = { mode: 'default', servers: [] };
  const takes = new Set(['backends', 'workloads', 'fds', 'conns', 'seconds', 'runs', 'server', 'only', 'json', 'svg']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      o.help = true;
      continue;
    }
    if (a === '--syscalls') {
      o.syscalls = true;
      continue;
    }
    if (a === '--quick' || a === '--full') {
      if (o.mode !== 'default') throw new UsageError('--quick and --full exclude each other');
      o.mode = a.slice(2);
      continue;
    }
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(a);
    if (!m || !takes.has(m[1])) throw new UsageError(`unknown option ${a}`);
    let v = m[2];
    if (v === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`--${m[1]} needs a value`);
      v = argv[++i];
    }
    switch (m[1]) {
      case 'backends':
      case 'workloads':
        o[m[1]] = names(m[1], v);
        break;
      case 'fds':
      case 'conns':
        o[m[1]] = numbers(m[1], v, true);
        break;
      case 'runs':
        [o.runs] = numbers('runs', v, true);
        break;
      case 'seconds':
        [o.seconds] = numbers('seconds', v, false);
        break;
      case 'server':
        if (!v.trim()) throw new UsageError('--server needs a command');
        o.servers.push(v);
        break;
      case 'only':
        try {
          o.only = new RegExp(v);
        } catch (err) {
          throw new UsageError(`--only ${JSON.stringify(v)}: ${err.message}`);
        }
        break;
      default:
        o[m[1]] = v;
    }
  }
  if (o.syscalls && o.workloads && !o.workloads.some((w) => w === 'echo' || w === 'http')) {
    throw new UsageError(`--syscalls counts the echo and http servers, not ${o.workloads.join(', ')}`);
  }
  if (o.servers.length) {
    o.workloads ??= ['http'];
    const bad = o.workloads.filter((w) => w !== 'echo' && w !== 'http');
    if (bad.length) throw new UsageError(`--server runs under the echo or http load generator, not ${bad.join(', ')}`);
  }
  return o;
}

module.exports = { parseOptions, UsageError, USAGE };
