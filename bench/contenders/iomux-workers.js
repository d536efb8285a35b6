// The iomux echo server in worker threads (workload echo-multicore): `workers=N` threads, each
// with its own EventLoop over the backend's selector and its own listening socket on one port
// (SO_REUSEPORT: the kernel spreads the connections over them), serving as iomux.js mode=async
// does (addReader, tryRecvInto/trySend on reused buffers). The main thread only starts them and
// announces the port; the figure per server CPU-second counts every thread of the process.
// Usage: node iomux-workers.js workload=echo-multicore workers=N [backend=epoll]
'use strict';
/* global __filename */
const { Buffer } = require('node:buffer');
const { isMainThread, parentPort, Worker, workerData } = require('node:worker_threads');
const { dist, SELECTOR_CLASSES, parseArgs, emit, acceptReady } = require('../lib/common');
const iomux = require(dist);

const { EventLoop, socket } = iomux;

function serve(backend, port) {
  const listener = socket.createServer(['127.0.0.1', port], { backlog: 4096, reusePort: true });
  listener.setblocking(false);
  const loop = new EventLoop(new iomux[SELECTOR_CLASSES[backend]]());
  const buf = Buffer.alloc(16384);
  const views = [];
  const drop = (s) => {
    loop.removeReader(s);
    s.close();
  };
  const onData = (s) => {
    try {
      const got = s.tryRecvInto(buf);
      if (got === null) return;
      if (got === 0 || s.trySend((views[got] ??= buf.subarray(0, got))) !== got) drop(s);
    } catch {
      drop(s); // ECONNRESET: the load generator closes with RST at the end
    }
  };
  const onSocket = (s) => loop.addReader(s, () => onData(s));
  loop.addReader(listener, () => acceptReady(socket, listener, onSocket));
  parentPort.postMessage(listener.getsockname()[1]);
  loop.run();
}

async function main() {
  const args = parseArgs();
  const backend = args.backend ?? 'epoll';
  const n = args.workers ?? 1;
  if (args.workload !== 'echo-multicore') throw new Error(`unknown workload ${args.workload}`);
  if (typeof iomux[SELECTOR_CLASSES[backend]] !== 'function' || socket.SO_REUSEPORT === undefined) {
    process.stderr.write(`this version of iomux or this OS lacks ${SELECTOR_CLASSES[backend] ?? backend} or SO_REUSEPORT\n`);
    process.exit(2);
  }
  let port = 0;
  for (let i = 0; i < n; i++) {
    const w = new Worker(__filename, { workerData: { backend, port } });
    w.on('error', (err) => {
      process.stderr.write(`worker ${i}: ${err.stack ?? err}\n`);
      process.exit(1);
    });
    // The first worker takes an ephemeral port; the others join it.
    port = await new Promise((resolve) => w.once('message', resolve));
  }
  emit({ port });
}

if (isMainThread) main();
else serve(workerData.backend, workerData.port);
