// The iomux contender: backend=epoll|poll|select|kqueue|uring, mode=sync (a `select()` loop) or async
// (`EventLoop.run()`). Hot path: tryRecvInto/trySend on reused buffers, no allocation per event.
// mode=proactor: ProactorEventLoop's sock* operations (completions on io_uring); mode=sock (servers
// only: the same sock* program on EventLoop).
// Usage: node iomux.js workload=chain|tcpchain|echo|http backend=… mode=sync|async|proactor|sock [n= active= writes= mintime=]
'use strict';
const { Buffer } = require('node:buffer');
const { performance } = require('node:perf_hooks');
const { dist, SELECTOR_CLASSES, parseArgs, emit, compact, forwardViews, measureRounds, countRequests, RESPONSE, acceptReady } = require('../lib/common');
require('../lib/count-calls').installCallCounter(dist); // --syscalls: before iomux loads
const iomux = require(dist);

const { EVENT_READ, EventLoop, socket, os } = iomux;
const args = parseArgs();
const Selector = iomux[SELECTOR_CLASSES[args.backend ?? 'epoll']];
if (typeof Selector !== 'function') {
  process.stderr.write(`${SELECTOR_CLASSES[args.backend] ?? `backend ${args.backend}`} is not in this version of iomux\n`);
  process.exit(2);
}
const LINGER0 = new Int32Array([1, 0]); // struct linger { on, 0 s }: close with RST, no TIME_WAIT

function dupSocket(s) {
  return socket.Socket.fromfd(os.dup(s.fileno()));
}

function makePairs(n, tcp) {
  const R = [];
  const W = [];
  const listener = tcp ? socket.createServer(['127.0.0.1', 0], { backlog: 4096 }) : undefined;
  const port = listener?.getsockname()[1];
  for (let i = 0; i < n; i++) {
    let r, w;
    if (tcp) {
      w = socket.createConnection(['127.0.0.1', port]);
      [r] = listener.accept();
      w.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
      w.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0);
    } else {
      [r, w] = socket.socketpair();
    }
    r.setblocking(false);
    w.setblocking(false);
    R.push(r);
    W.push(w);
  }
  listener?.close();
  compact(R, W, dupSocket, (s) => s.fileno(), (s) => s.close());
  return { R, W };
}

async function chain(tcp) {
  const { n, active, writes: W0, mintime = 0.05 } = args;
  const t0 = performance.now();
  const { R, W } = makePairs(n, tcp);
  const sel = new Selector();
  const views = forwardViews();
  const buf = Buffer.alloc(64);
  const stats = { events: 0, spurious: 0, wakes: 0 };
  const space = Math.floor(n / active);
  let count = 0;
  let writes = 0;
  let fired = 0;
  let loop;
  // One readiness event on pair i: read up to 64 bytes, forward one byte per byte read.
  const onReadable = (i) => {
    stats.events++;
    const got = R[i].tryRecvInto(buf, 64);
    if (got === null || got === 0) {
      stats.spurious++;
      return;
    }
    count += got;
    const fwd = got < writes ? got : writes;
    if (fwd > 0) {
      if (W[i + 1 === n ? 0 : i + 1].trySend(views[fwd]) !== fwd) throw new Error('short send');
      writes -= fwd;
    }
    if (loop !== undefined && count === fired) loop.stop();
  };
  const start = () => {
    count = 0;
    writes = W0;
    fired = active + W0;
    for (let i = 0; i < active; i++) W[i * space].trySend(views[1]);
  };
  let round;
  if (args.mode === 'proactor') {
    // Completions: every read end has one sockRecvInto in flight, queued again as it completes;
    // a forward is a sockSendall, not awaited (the loop submits it with the next wait).
    loop = new iomux.ProactorEventLoop();
    const ignore = () => {};
    const receive = (i) => {
      const into = Buffer.alloc(64);
      const next = W[i + 1 === n ? 0 : i + 1];
      const completed = (got) => {
        stats.events++;
        count += got;
        const fwd = got < writes ? got : writes;
        if (fwd > 0) {
          loop.sockSendall(next, views[fwd]).catch(ignore);
          writes -= fwd;
        }
        if (count === fired) loop.stop();
        loop.sockRecvInto(R[i], into).then(completed, ignore);
      };
      loop.sockRecvInto(R[i], into).then(completed, ignore);
    };
    for (let i = 0; i < n; i++) receive(i);
    round = async () => {
      start();
      await loop.run();
      return fired;
    };
  } else if (args.mode === 'async') {
    loop = new EventLoop(sel);
    for (let i = 0; i < n; i++) {
      const cb = () => onReadable(i);
      loop.addReader(R[i], cb);
    }
    round = async () => {
      start();
      const wakes = stats.wakes;
      await loop.run();
      stats.wakes = wakes; // EventLoop does not expose its iterations
      return fired;
    };
  } else {
    for (let i = 0; i < n; i++) sel.register(R[i], EVENT_READ, i);
    round = () => {
      start();
      while (count < fired) {
        const ready = sel.select(null);
        stats.wakes++;
        for (let j = 0; j < ready.length; j++) onReadable(ready[j][0].data);
      }
      return fired;
    };
  }
  const setupMs = performance.now() - t0;
  const result = await measureRounds(round, mintime, stats);
  emit({ setupMs, ...result });
  process.exit(0); // thousands of sockets: let the OS close them
}

function serve(http) {
  const listener = socket.createServer(['127.0.0.1', 0], { backlog: 4096 });
  listener.setblocking(false);
  const buf = Buffer.alloc(16384);
  const views = [];
  const sel = new Selector();
  // A client that leaves resets its connections (SO_LINGER 0): the server drops them and serves
  // on (`--syscalls` runs two clients against one server).
  const onData = (conn) => {
    try {
      serveData(conn);
    } catch (err) {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
      drop(conn);
    }
  };
  const serveData = (conn) => {
    const s = conn.sock;
    const got = s.tryRecvInto(buf);
    if (got === null) return;
    if (got === 0) return drop(conn);
    if (!http) {
      if (s.trySend((views[got] ??= buf.subarray(0, got))) !== got) drop(conn);
      return;
    }
    for (let r = countRequests(buf, got, conn); r > 0; r--) {
      if (s.trySend(RESPONSE) !== RESPONSE.length) return drop(conn);
    }
  };
  let loop;
  const drop = (conn) => {
    if (loop) loop.removeReader(conn.sock);
    else sel.unregister(conn.sock);
    conn.sock.close();
  };
  const onSocket = (s) => {
    const conn = { sock: s, state: 0 };
    if (loop) loop.addReader(s, () => onData(conn));
    else sel.register(s, EVENT_READ, conn);
  };
  const onAccept = () => acceptReady(socket, listener, onSocket);
  emit({ port: listener.getsockname()[1] });
  if (args.mode === 'async') {
    loop = new EventLoop(sel);
    loop.addReader(listener, onAccept);
    loop.run();
    return;
  }
  sel.register(listener, EVENT_READ, null);
  for (;;) {
    const ready = sel.select(null);
    for (let j = 0; j < ready.length; j++) {
      const conn = ready[j][0].data;
      if (conn === null) onAccept();
      else onData(conn);
    }
  }
}

// mode=proactor: ProactorEventLoop (io_uring completions) with the sock* operations, as an
// asyncio program would be written: per connection, sockRecvInto its own buffer, then
// sockSendall of what came. The send is not awaited before the next receive is queued: with
// nothing of the socket pending it is a send(2) at once (the rest, if any, copied and submitted),
// and the loop keeps one socket's sends in order.
// mode=sock runs the same program on EventLoop over the backend's selector: the two models
// behind one API.
function serveProactor(http) {
  const { ProactorEventLoop } = iomux;
  if (args.mode === 'proactor' && typeof ProactorEventLoop !== 'function') {
    process.stderr.write('ProactorEventLoop is not in this version of iomux\n');
    process.exit(2);
  }
  const loop = args.mode === 'proactor' ? new ProactorEventLoop() : new EventLoop(new Selector());
  const listener = socket.createServer(['127.0.0.1', 0], { backlog: 4096 });
  listener.setBlocking(false); // EventLoop's sock* need it; the proactor does not mind
  const ignore = () => {};
  const connection = async (s) => {
    const buf = Buffer.alloc(16384);
    const conn = { state: 0 };
    try {
      for (;;) {
        const got = await loop.sockRecvInto(s, buf);
        if (got === 0) break;
        if (!http) {
          loop.sockSendall(s, buf.subarray(0, got)).catch(ignore);
          continue;
        }
        for (let r = countRequests(buf, got, conn); r > 0; r--) loop.sockSendall(s, RESPONSE).catch(ignore);
      }
    } catch {
      // reset by the client
    }
    s.close();
  };
  const acceptLoop = async () => {
    for (;;) {
      const [s] = await loop.sockAccept(listener);
      s.setBlocking(false);
      s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
      connection(s);
    }
  };
  emit({ port: listener.getsockname()[1] });
  acceptLoop();
  loop.run();
}

const w = args.workload;
if ((args.mode === 'proactor' || args.mode === 'sock') && (w === 'echo' || w === 'http')) serveProactor(w === 'http');
else if (w === 'chain' || w === 'tcpchain') chain(w === 'tcpchain');
else if (w === 'echo' || w === 'http') serve(w === 'http');
else throw new Error(`unknown workload ${w}`);
