// The Node anchor: node:net for the chains (socketpairs made by iomux and handed over with
// detach(), or loopback TCP) and echo, node:http for HTTP. Node reads up to 64 KiB per 'data'
// event (not 64 bytes); it still forwards one byte per byte read.
// Usage: node node.js workload=chain|tcpchain|echo|http [n= active= writes= mintime=]
'use strict';
const { setImmediate } = require('node:timers');
const { performance } = require('node:perf_hooks');
const net = require('node:net');
const http = require('node:http');
const { dist, parseArgs, emit, compact, forwardViews, measureRounds } = require('../lib/common');

const args = parseArgs();

async function tcpPairs(n) {
  const server = net.createServer();
  server.maxConnections = n + 1;
  const accepted = new Map(); // client port → accepted socket
  server.on('connection', (s) => accepted.set(s.remotePort, s));
  await new Promise((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, resolve));
  const { port } = server.address();
  const W = [];
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 100); j++) {
      batch.push(new Promise((resolve, reject) => {
        const c = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(c));
        c.on('error', reject);
      }));
    }
    W.push(...(await Promise.all(batch)));
  }
  while (accepted.size < n) await new Promise((resolve) => setImmediate(resolve));
  const R = W.map((c) => accepted.get(c.localPort));
  server.close();
  return { R, W };
}

function unixPairs(n) {
  const { socket, os } = require(dist);
  const R = [];
  const W = [];
  for (let i = 0; i < n; i++) {
    const [r, w] = socket.socketpair();
    R.push(r);
    W.push(w);
  }
  const dup = (s) => socket.Socket.fromfd(os.dup(s.fileno()));
  compact(R, W, dup, (s) => s.fileno(), (s) => s.close());
  const wrap = (s) => new net.Socket({ fd: s.detach(), readable: true, writable: true });
  return { R: R.map(wrap), W: W.map(wrap) };
}

async function chain(tcp) {
  const { n, active, writes: W0, mintime = 0.05 } = args;
  const t0 = performance.now();
  const { R, W } = tcp ? await tcpPairs(n) : unixPairs(n);
  const views = forwardViews();
  const stats = { events: 0, spurious: 0, wakes: 0 };
  const space = Math.floor(n / active);
  let count = 0;
  let writes = 0;
  let fired = 0;
  let done;
  R.forEach((r, i) => {
    const next = W[i + 1 === n ? 0 : i + 1];
    r.on('data', (chunk) => {
      stats.events++;
      count += chunk.length;
      let fwd = chunk.length < writes ? chunk.length : writes;
      writes -= fwd;
      for (; fwd > 0; fwd -= 64) next.write(views[fwd < 64 ? fwd : 64]);
      if (count === fired) done();
    });
  });
  const round = () =>
    new Promise((resolve) => {
      done = resolve;
      count = 0;
      writes = W0;
      fired = active + W0;
      for (let i = 0; i < active; i++) W[i * space].write(views[1]);
    }).then(() => fired);
  const setupMs = performance.now() - t0;
  const result = await measureRounds(round, mintime, stats);
  emit({ setupMs, ...result });
  process.exit(0);
}

function serve(server) {
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => emit({ port: server.address().port }));
}

const w = args.workload;
if (w === 'chain' || w === 'tcpchain') chain(w === 'tcpchain');
else if (w === 'echo') {
  serve(net.createServer({ noDelay: true }, (s) => {
    s.on('data', (d) => s.write(d));
    s.on('error', () => s.destroy());
  }));
} else if (w === 'http') {
  serve(http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end('hello');
  }));
} else throw new Error(`unknown workload ${w}`);
