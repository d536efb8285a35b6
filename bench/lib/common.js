// What the JS contenders share: key=value arguments, the backend → selector class table, the fd
// layout of the chain (the same as in c.c and python.py), the 64 preallocated one-byte-per-byte
// views, the accept loop of the iomux servers, and the one JSON line out.
'use strict';
const { Buffer } = require('node:buffer');
const { performance } = require('node:perf_hooks');
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', 'dist');

/** Each backend's selector class in iomux (the contenders' `backend=` and the runner's probe). */
const SELECTOR_CLASSES = { epoll: 'EpollSelector', poll: 'PollSelector', select: 'SelectSelector', kqueue: 'KqueueSelector', uring: 'IoUringSelector' };

/** `workload=chain n=100 …` → { workload: 'chain', n: 100, … } (numbers parsed). */
function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (const a of argv) {
    const i = a.indexOf('=');
    if (i < 0) continue;
    const v = a.slice(i + 1);
    out[a.slice(0, i)] = v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** The one JSON line the runner reads. */
function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

/**
 * Moves every write end above the read ends (all dups first, then the closes), then moves the
 * highest read ends down into the holes, so that N read ends sit below FD_SETSIZE when they can.
 * `dup(sock)` returns a new socket on the lowest free fd; `fd(sock)` its number. It needs 3N fds
 * for a moment, so it runs only for N ≤ COMPACT_MAX (where select can use it).
 */
const COMPACT_MAX = 5000;
function compact(R, W, dup, fd, close) {
  if (R.length > COMPACT_MAX) return;
  const old = W.slice();
  for (let i = 0; i < W.length; i++) W[i] = dup(old[i]);
  for (const s of old) close(s);
  for (let i = R.length - 1; i >= 0; i--) {
    const moved = dup(R[i]);
    if (fd(moved) > fd(R[i])) {
      close(moved);
      break;
    }
    close(R[i]);
    R[i] = moved;
  }
}

/** views[k] = k bytes of 'e' (k = 1..64): forwarding never allocates. */
function forwardViews() {
  const bytes = Buffer.alloc(64, 'e');
  const views = [bytes.subarray(0, 0)];
  for (let k = 1; k <= 64; k++) views.push(bytes.subarray(0, k));
  return views;
}

/**
 * Runs `round()` (which returns a promise or nothing) for warm-up then measurement, each until
 * `mintime` seconds have passed (at least one round), and sums the measured rounds' stats.
 */
async function measureRounds(round, mintime, stats) {
  const totals = { rounds: 0, loopMs: 0, hops: 0, events: 0, spurious: 0, wakes: 0 };
  for (const warm of [true, false]) {
    const started = performance.now();
    let r = 0;
    // At least one round each, warm-up then measurement for mintime each: V8 compiles the hot
    // functions on a thread that shares the pinned core, which a warm-up of mintime/3 (27 ms in
    // the default run) left inside the measured window. Every contender warms up alike.
    for (; r < 1 || performance.now() - started < mintime * 1e3; r++) {
      stats.events = stats.spurious = stats.wakes = 0;
      const t0 = performance.now();
      const hops = await round();
      const ms = performance.now() - t0;
      if (warm) continue;
      totals.loopMs += ms;
      totals.hops += hops;
      totals.events += stats.events;
      totals.spurious += stats.spurious;
      totals.wakes += stats.wakes;
    }
    if (!warm) totals.rounds = r;
  }
  return { ...totals, nsPerHop: (totals.loopMs * 1e6) / totals.hops };
}

/** Counts HTTP request ends ("\r\n\r\n") in buf[0, n), carrying a partial match in conn.state. */
const TERM = Buffer.from('\r\n\r\n');
function countRequests(buf, n, conn) {
  let found = 0;
  let from = 0;
  let s = conn.state;
  if (s > 0) {
    while (s < 4 && from < n && buf[from] === TERM[s]) {
      s++;
      from++;
    }
    if (s === 4) found++;
    else from = 0;
  }
  for (;;) {
    const at = buf.indexOf(TERM, from);
    if (at < 0 || at + 4 > n) break;
    found++;
    from = at + 4;
  }
  s = 0;
  if (n - from >= 3 && buf[n - 3] === 13 && buf[n - 2] === 10 && buf[n - 1] === 13) s = 3;
  else if (n - from >= 2 && buf[n - 2] === 13 && buf[n - 1] === 10) s = 2;
  else if (n - from >= 1 && buf[n - 1] === 13) s = 1;
  conn.state = s;
  return found;
}

/** The HTTP answer of every hand-written server (C, iomux, Python): the headers node:http sends. */
const RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n' +
    'Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\nhello',
);

/**
 * Accepts every connection waiting on a non-blocking iomux listener (until EAGAIN), makes each
 * non-blocking with TCP_NODELAY and hands it to `onSocket`. `socket` is iomux's socket module
 * (this file does not load iomux: the node contender uses it too).
 */
function acceptReady(socket, listener, onSocket) {
  for (;;) {
    let s;
    try {
      [s] = listener.accept();
    } catch (err) {
      if (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK') return;
      throw err;
    }
    s.setblocking(false);
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    onSocket(s);
  }
}

module.exports = { dist, SELECTOR_CLASSES, parseArgs, emit, compact, forwardViews, measureRounds, countRequests, RESPONSE, acceptReady };
